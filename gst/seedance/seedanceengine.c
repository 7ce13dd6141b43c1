/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The engine of one key at one API origin: a thread with its own
 * GMainContext that owns the key's libsoup session. Every source of the
 * key in the process sends its API requests (submissions and polls)
 * through it, so one connection pool serves them all and libsoup's
 * thread rules hold by construction: the session is made, configured,
 * aborted and freed on the engine's thread, and API messages are sent
 * and read there with the asynchronous API.
 *
 * A source waits for its exchange on its own thread. When it is
 * cancelled (a stop, a flush, a deadline) the engine cancels the exchange
 * on its thread at once, and the source has its answer as soon as libsoup
 * says so: the engine never waits for a source, and a source never sends
 * anything the engine did not see through.
 *
 * Downloads stream on the thread that reads them (the streaming thread),
 * with the same session: libsoup >= 3.2 sends from any thread, doing the
 * I/O in the sending thread. They go to the file host and take no slot of
 * the key's budget (seedancebudget.c), which API requests take before
 * they come here. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "seedanceengine.h"
#include "seedanceerror.h"
#include "seedancekey.h"

GST_DEBUG_CATEGORY_STATIC (seedance_engine_debug);
#define GST_CAT_DEFAULT seedance_engine_debug

/* Seconds without any I/O progress before a request is given up; shorter
 * bounds are each request's own (its deadline, the reader's watch). */
#define IO_TIMEOUT_S 60
/* Every source of the key may hold a download and an API exchange at
 * once: libsoup's default of 2 connections a host would make the sources
 * of one pipeline wait for each other's downloads, which wait for the
 * pipeline to preroll. */
#define MAX_CONNECTIONS 1024
#define READ_CHUNK 16384

struct _SeedanceEngine
{
  gint ref_count;
  gchar *id;                    /* registry name: a hash, never the key */
  gchar *key;                   /* masked in the HTTP log */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  SoupSession *session;         /* the thread's */
  GMutex lock;
  GCond cond;
  gboolean ready;               /* the session is configured */
};

static GMutex registry_lock;
static GHashTable *registry;    /* id -> SeedanceEngine, not owned */

static void
ensure_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (seedance_engine_debug, "seedanceengine", 0,
        "the HTTP engine of a key");
    g_once_init_leave (&done, 1);
  }
}

/* The types libsoup registers lazily, by its first message, registered
 * here before the engine's thread and the reading threads can race for
 * them: GLib 2.74 deadlocks when one thread registers GTask while another
 * initialises a class whose class_init asks for it (seen between the
 * engine's first async send and a download's first sync send). */
static void
ensure_types (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    g_type_ensure (G_TYPE_TASK);
    g_type_ensure (G_TYPE_CANCELLABLE);
    g_type_ensure (G_TYPE_SOCKET_CLIENT);
    g_type_ensure (G_TYPE_TCP_CONNECTION);
    g_type_ensure (G_TYPE_NETWORK_ADDRESS);
    g_type_ensure (G_TYPE_INET_SOCKET_ADDRESS);
    g_type_ensure (G_TYPE_MEMORY_INPUT_STREAM);
    g_type_ensure (SOUP_TYPE_SESSION);
    g_type_ensure (SOUP_TYPE_MESSAGE);
    g_type_ensure (SOUP_TYPE_LOGGER);
    g_once_init_leave (&done, 1);
  }
}

/* libsoup's logger, into this category: every header but the key. */
static void
print_http_log (SoupLogger * logger, SoupLoggerLogLevel level,
    char direction, const char *data, gpointer user_data)
{
  SeedanceEngine *engine = user_data;
  gchar *line;

  if (g_ascii_strncasecmp (data, "Authorization:", 14) == 0)
    data = "Authorization: [redacted]";
  line = seedance_key_scrub (engine->key, data);
  GST_LOG ("%c %s", direction, line);
  g_free (line);
}

/* On the engine's thread, once it is done. */
static void
engine_free (SeedanceEngine * engine)
{
  GST_DEBUG ("engine %.12s stopped", engine->id);
  g_main_loop_unref (engine->loop);
  g_main_context_unref (engine->context);
  g_cond_clear (&engine->cond);
  g_mutex_clear (&engine->lock);
  memset (engine->key, 0, strlen (engine->key));
  g_free (engine->key);
  g_free (engine->id);
  g_free (engine);
}

static gpointer
engine_thread (gpointer data)
{
  SeedanceEngine *engine = data;
  SoupSession *session;

  g_main_context_push_thread_default (engine->context);
  session = soup_session_new_with_options ("user-agent",
      "gst-seedance/" VERSION, "timeout", IO_TIMEOUT_S, "idle-timeout",
      IO_TIMEOUT_S, "max-conns", MAX_CONNECTIONS, "max-conns-per-host",
      MAX_CONNECTIONS, NULL);
  /* The clip's bytes are the clip: a content coding is refused, never
   * decoded (a gzip bomb would expand without bound). */
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  if (gst_debug_category_get_threshold (seedance_engine_debug) >= GST_LEVEL_LOG) {
    SoupLogger *logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);

    soup_logger_set_printer (logger, print_http_log, engine, NULL);
    soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
    g_object_unref (logger);
  }

  g_mutex_lock (&engine->lock);
  engine->session = session;
  engine->ready = TRUE;
  g_cond_broadcast (&engine->cond);
  g_mutex_unlock (&engine->lock);

  g_main_loop_run (engine->loop);

  /* Messages still queued finish in the drain; the logger goes after
   * them (each holds the session's features until it leaves the queue)
   * and before the engine, whose key its printer reads. */
  soup_session_abort (session);
  while (g_main_context_iteration (engine->context, FALSE));
  soup_session_remove_feature_by_type (session, SOUP_TYPE_LOGGER);
  engine->session = NULL;
  g_object_unref (session);
  while (g_main_context_iteration (engine->context, FALSE));
  g_main_context_pop_thread_default (engine->context);
  engine_free (engine);
  return NULL;
}

/**
 * seedance_engine_get:
 * @origin: the API origin, as seedance_check_api_url() gives it
 * @api_key: the key (the engine keeps it to mask it in its log)
 *
 * Returns: (transfer full): the process's engine of the key at @origin,
 * started on first use and shared by every source of the key.
 */
SeedanceEngine *
seedance_engine_get (const gchar * origin, const gchar * api_key)
{
  gchar *id = seedance_key_name ("engine", origin, api_key);
  SeedanceEngine *engine;

  ensure_debug ();
  ensure_types ();
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  engine = g_hash_table_lookup (registry, id);
  if (engine) {
    g_atomic_int_inc (&engine->ref_count);
    g_mutex_unlock (&registry_lock);
    g_free (id);
    return engine;
  }

  engine = g_new0 (SeedanceEngine, 1);
  engine->ref_count = 1;
  engine->id = id;
  engine->key = g_strdup (api_key);
  engine->context = g_main_context_new ();
  engine->loop = g_main_loop_new (engine->context, FALSE);
  g_mutex_init (&engine->lock);
  g_cond_init (&engine->cond);
  g_hash_table_insert (registry, engine->id, engine);
  engine->thread = g_thread_new ("seedance-engine", engine_thread, engine);
  /* A download may be sent from another thread only once the session is
   * configured. */
  g_mutex_lock (&engine->lock);
  while (!engine->ready)
    g_cond_wait (&engine->cond, &engine->lock);
  g_mutex_unlock (&engine->lock);
  g_mutex_unlock (&registry_lock);
  GST_DEBUG ("engine %.12s started", engine->id);
  return engine;
}

SeedanceEngine *
seedance_engine_ref (SeedanceEngine * engine)
{
  g_return_val_if_fail (engine != NULL, NULL);

  g_atomic_int_inc (&engine->ref_count);
  return engine;
}

/* The last reference stops the thread, which frees the engine: no
 * exchange is in flight then, as each holds its source's reference until
 * it ends, and the source that lets go does not wait for the session's
 * teardown. */
void
seedance_engine_unref (SeedanceEngine * engine)
{
  g_return_if_fail (engine != NULL);

  g_mutex_lock (&registry_lock);
  if (!g_atomic_int_dec_and_test (&engine->ref_count)) {
    g_mutex_unlock (&registry_lock);
    return;
  }
  g_hash_table_remove (registry, engine->id);
  g_mutex_unlock (&registry_lock);

  GST_DEBUG ("engine %.12s stops", engine->id);
  g_thread_unref (engine->thread);
  g_main_loop_quit (engine->loop);
}

/**
 * seedance_engine_count:
 *
 * Returns: how many engines run in the process: one per key in use.
 */
guint
seedance_engine_count (void)
{
  guint n;

  g_mutex_lock (&registry_lock);
  n = registry ? g_hash_table_size (registry) : 0;
  g_mutex_unlock (&registry_lock);
  return n;
}

/* ------------------------------------------------------------------------ */
/* One API exchange, on the engine's thread */

typedef struct
{
  gint ref_count;               /* the caller's and the engine's */
  SoupSession *session;
  SoupMessage *msg;
  GCancellable *cancellable;    /* the engine's, cancelled on its thread */
  GInputStream *stream;
  GByteArray *body;
  gsize max_size;
  GError *error;
  gint cancelled;               /* the caller's cancellable fired */
  GMutex lock;
  GCond cond;
  gboolean done;
} Exchange;

static Exchange *
exchange_ref (Exchange * ex)
{
  g_atomic_int_inc (&ex->ref_count);
  return ex;
}

static void
exchange_unref (gpointer data)
{
  Exchange *ex = data;

  if (!g_atomic_int_dec_and_test (&ex->ref_count))
    return;
  g_object_unref (ex->msg);
  g_object_unref (ex->cancellable);
  g_clear_object (&ex->stream);
  if (ex->body)
    g_byte_array_unref (ex->body);
  g_clear_error (&ex->error);
  g_cond_clear (&ex->cond);
  g_mutex_clear (&ex->lock);
  g_free (ex);
}

/* Ends the exchange and wakes its caller; @error is taken. */
static void
exchange_finish (Exchange * ex, GError * error)
{
  if (ex->stream && error)
    seedance_engine_drop_stream (ex->stream);
  else if (ex->stream)
    g_input_stream_close (ex->stream, NULL, NULL);
  g_mutex_lock (&ex->lock);
  ex->error = error;
  ex->done = TRUE;
  g_cond_signal (&ex->cond);
  g_mutex_unlock (&ex->lock);
  exchange_unref (ex);
}

static void read_next (Exchange * ex);

static void
read_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  Exchange *ex = data;
  GError *error = NULL;
  GBytes *chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source),
      result, &error);
  gsize n;

  if (chunk == NULL) {
    exchange_finish (ex, error);
    return;
  }
  n = g_bytes_get_size (chunk);
  if (n == 0) {
    g_bytes_unref (chunk);
    exchange_finish (ex, NULL);
    return;
  }
  if (ex->body->len + n > ex->max_size) {
    g_bytes_unref (chunk);
    exchange_finish (ex, g_error_new (SEEDANCE_ERROR,
            SEEDANCE_ERROR_BAD_RESPONSE, "the answer is larger than %"
            G_GSIZE_FORMAT " bytes", ex->max_size));
    return;
  }
  g_byte_array_append (ex->body, g_bytes_get_data (chunk, NULL), n);
  g_bytes_unref (chunk);
  read_next (ex);
}

static void
read_next (Exchange * ex)
{
  g_input_stream_read_bytes_async (ex->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
      ex->cancellable, read_cb, ex);
}

static void
sent_cb (GObject * source, GAsyncResult * result, gpointer data)
{
  Exchange *ex = data;
  GError *error = NULL;

  ex->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (ex->stream == NULL) {
    exchange_finish (ex, error);
    return;
  }
  ex->body = g_byte_array_new ();
  read_next (ex);
}

static gboolean
exchange_start (gpointer data)
{
  Exchange *ex = exchange_ref (data);

  /* Cancelled before it went out: nothing is sent. */
  if (g_atomic_int_get (&ex->cancelled)
      || g_cancellable_is_cancelled (ex->cancellable)) {
    exchange_finish (ex, g_error_new_literal (G_IO_ERROR,
            G_IO_ERROR_CANCELLED, "Operation was cancelled"));
    return G_SOURCE_REMOVE;
  }
  soup_session_send_async (ex->session, ex->msg, G_PRIORITY_DEFAULT,
      ex->cancellable, sent_cb, ex);
  return G_SOURCE_REMOVE;
}

static gboolean
exchange_cancel (gpointer data)
{
  Exchange *ex = data;

  g_cancellable_cancel (ex->cancellable);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GMainContext *context;
  Exchange *ex;
} CancelLink;

/* In the thread that cancelled the caller: the engine cancels on its own
 * thread. */
static void
caller_cancelled_cb (GCancellable * cancellable, gpointer data)
{
  CancelLink *link = data;

  g_atomic_int_set (&link->ex->cancelled, TRUE);
  g_main_context_invoke_full (link->context, G_PRIORITY_HIGH,
      exchange_cancel, exchange_ref (link->ex), exchange_unref);
}

static void
cancel_link_free (gpointer data)
{
  CancelLink *link = data;

  exchange_unref (link->ex);
  g_free (link);
}

/**
 * seedance_engine_exchange:
 * @engine: the key's engine
 * @msg: (transfer none): an API request, ready to send; its signals are
 *   emitted on the engine's thread, while the caller waits
 * @max_size: the largest answer body taken
 * @cancellable: (nullable): ends the exchange at once
 * @error: a libsoup or GIO error; %SEEDANCE_ERROR_BAD_RESPONSE for a body
 *   over @max_size
 *
 * Sends @msg on the engine's thread and reads its answer whole, while the
 * calling thread waits. @msg's status and headers may be read once this
 * returns.
 *
 * Returns: (transfer full) (nullable): the answer's body.
 */
GBytes *
seedance_engine_exchange (SeedanceEngine * engine, SoupMessage * msg,
    gsize max_size, GCancellable * cancellable, GError ** error)
{
  Exchange *ex = g_new0 (Exchange, 1);
  gulong handler = 0;
  GBytes *body = NULL;

  /* A caller cancelled already sends nothing, not even a request that
   * would be cancelled on its way. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error)) {
    g_free (ex);
    return NULL;
  }
  ex->ref_count = 1;
  ex->session = engine->session;
  ex->msg = g_object_ref (msg);
  ex->cancellable = g_cancellable_new ();
  ex->max_size = max_size;
  g_mutex_init (&ex->lock);
  g_cond_init (&ex->cond);

  /* Linked before the start is queued: a cancel in between stops it. */
  if (cancellable) {
    CancelLink *link = g_new (CancelLink, 1);

    link->context = engine->context;
    link->ex = exchange_ref (ex);
    handler = g_cancellable_connect (cancellable,
        G_CALLBACK (caller_cancelled_cb), link, cancel_link_free);
  }
  g_main_context_invoke_full (engine->context, G_PRIORITY_DEFAULT,
      exchange_start, exchange_ref (ex), exchange_unref);

  g_mutex_lock (&ex->lock);
  while (!ex->done)
    g_cond_wait (&ex->cond, &ex->lock);
  g_mutex_unlock (&ex->lock);
  if (cancellable)
    g_cancellable_disconnect (cancellable, handler);

  if (ex->error) {
    g_propagate_error (error, ex->error);
    ex->error = NULL;
  } else {
    body = g_byte_array_free_to_bytes (ex->body);
    ex->body = NULL;
  }
  exchange_unref (ex);
  return body;
}

/**
 * seedance_engine_drop_stream:
 * @in: a body not read to its end
 *
 * Closes @in without reading the rest of it: a plain close reads on to
 * keep the connection, which a trickling server makes last.
 */
void
seedance_engine_drop_stream (GInputStream * in)
{
  GCancellable *dropped = g_cancellable_new ();

  g_cancellable_cancel (dropped);
  g_input_stream_close (in, dropped, NULL);
  g_object_unref (dropped);
}

/**
 * seedance_engine_open:
 * @msg: (transfer none): a download request
 * @cancellable: (nullable): cancels it
 *
 * Sends @msg from the calling thread with the engine's session: its body
 * is read there, at the pace of that thread. The stream keeps the engine,
 * so the session outlives every body it gives.
 *
 * Returns: (transfer full) (nullable): the answer's body.
 */
GInputStream *
seedance_engine_open (SeedanceEngine * engine, SoupMessage * msg,
    GCancellable * cancellable, GError ** error)
{
  GInputStream *in = soup_session_send (engine->session, msg, cancellable,
      error);

  if (in)
    g_object_set_data_full (G_OBJECT (in), "seedance-engine",
        seedance_engine_ref (engine), (GDestroyNotify) seedance_engine_unref);
  return in;
}
