/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Three SoupServers on one thread with its own GMainContext, as libsoup's own
 * tests run theirs (SOUP_TEST_SERVER_IN_THREAD):
 *
 *   API origin    POST /api/v1/{provider}/{model}/async   submit a task
 *                 GET  /api/v1/tasks/{task_id}            query it
 *   files origin  GET|HEAD /files/{name}                  the rendered clip
 *   other origin  the target of redirect and foreign-URL faults
 *
 * The API validates bodies as the request schema does and answers with the
 * envelopes of MODELLIX-API.md. A task is "pending" for the first third of
 * its generation time, then "processing", then "success" once the time is up
 * and its clip (rendered by clipgen on a worker thread) exists. Every
 * request answered is logged, so tests can assert what reached the servers.
 */

/* This file: the configuration, the server thread and the lifecycle, the
 * slow (deferred) answers and the public getters. The rest:
 *
 *   requestlog.c   the request log
 *   apiorigin.c    the API origin: auth, submit, task queries, their answers
 *   schema.c       validation of submission bodies against the schema
 *   apifaults.c    API answers shaped by a fault (malformed, trickle, ...)
 *   answers.c      answer helpers both origins use (error envelope, ...)
 *   filesorigin.c  the files (and third) origin: Range, validators, faults
 *   rawwriter.c    answers written by hand on a stolen connection
 *   faultqueue.c   queued faults: taken by requests, given to tasks
 *   tasks.c        tasks, their rendering and clips
 *   limits.c       the per-key rate and concurrent-task limits of the API
 */

#include "emulator-private.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

GST_DEBUG_CATEGORY (emulator_debug);
#define GST_CAT_DEFAULT emulator_debug

#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_GENERATION_MS 3000
#define RENDER_THREADS 2
#define DEFAULT_RATE_WINDOW_MS 60000

static void
emulator_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (emulator_debug, "seedance-emulator", 0,
        "seedance Modellix API emulator");
    GST_DEBUG_CATEGORY_INIT (emulator_log_debug, "seedance-emulator-log", 0,
        "seedance emulator: the request log");
    GST_DEBUG_CATEGORY_INIT (emulator_api_debug, "seedance-emulator-api", 0,
        "seedance emulator: the API origin");
    GST_DEBUG_CATEGORY_INIT (emulator_files_debug, "seedance-emulator-files",
        0, "seedance emulator: the files origin");
    GST_DEBUG_CATEGORY_INIT (emulator_answers_debug,
        "seedance-emulator-answers", 0, "seedance emulator: answers");
    GST_DEBUG_CATEGORY_INIT (emulator_raw_debug, "seedance-emulator-raw", 0,
        "seedance emulator: hand-written answers");
    GST_DEBUG_CATEGORY_INIT (emulator_faults_debug,
        "seedance-emulator-faults", 0, "seedance emulator: the fault queue");
    GST_DEBUG_CATEGORY_INIT (emulator_tasks_debug, "seedance-emulator-tasks",
        0, "seedance emulator: tasks and their clips");
    GST_DEBUG_CATEGORY_INIT (emulator_limits_debug,
        "seedance-emulator-limits", 0,
        "seedance emulator: the per-key limits of the API");
    g_once_init_leave (&done, 1);
  }
}

/**
 * seedance_emulator_config_init:
 * @config: the configuration to fill in
 *
 * Sets @config to the defaults: 127.0.0.1, ephemeral ports, any bearer key,
 * the default clip cache, 3000 ms generation time, moov at the end, and
 * no limits: no rate limit (over a window of 60000 ms once one is set)
 * and no concurrent-task limit.
 */
void
seedance_emulator_config_init (SeedanceEmulatorConfig * config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof (*config));
  config->address = NULL;
  config->api_port = 0;
  config->files_port = 0;
  config->api_key = NULL;
  config->clip_cache_dir = NULL;
  config->generation_ms = DEFAULT_GENERATION_MS;
  config->faststart = FALSE;
  config->request_func = NULL;
  config->request_func_data = NULL;
  /* Off: the suites written before the limits must not meet them. */
  config->rate_limit_per_minute = 0;
  config->rate_limit_window_ms = DEFAULT_RATE_WINDOW_MS;
  config->max_concurrent_tasks = 0;
}

/* ---------------------------------------------------------------------- */
/* Slow answers                                                           */

/* A slow answer: @msg has its answer; it goes out @delay_ms later, without
 * blocking the server thread. */
typedef struct
{
  SeedanceEmulator *self;
  SoupServerMessage *msg;
  SeedanceEmulatorOrigin origin;
  GSource *source;
  gulong finished_id;
  gboolean finished;
} Deferred;

static void
deferred_finished_cb (SoupServerMessage * msg, gpointer user_data)
{
  Deferred *deferred = user_data;

  deferred->finished = TRUE;
}

static void
deferred_free (gpointer data)
{
  Deferred *deferred = data;

  deferred->self->deferred = g_list_remove (deferred->self->deferred, deferred);
  g_atomic_int_add (&deferred->self->n_held, -1);
  g_signal_handler_disconnect (deferred->msg, deferred->finished_id);
  g_object_unref (deferred->msg);
  g_free (deferred);
}

static gboolean
deferred_cb (gpointer data)
{
  Deferred *deferred = data;

  emulator_log_request (deferred->self, deferred->origin, deferred->msg);
  if (!deferred->finished)
    soup_server_message_unpause (deferred->msg);
  return G_SOURCE_REMOVE;
}

void
emulator_defer_answer (SeedanceEmulator * self, SoupServerMessage * msg,
    SeedanceEmulatorOrigin origin, guint delay_ms)
{
  Deferred *deferred = g_new0 (Deferred, 1);

  deferred->self = self;
  deferred->msg = g_object_ref (msg);
  deferred->origin = origin;
  deferred->finished_id = g_signal_connect (msg, "finished",
      G_CALLBACK (deferred_finished_cb), deferred);
  deferred->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (deferred->source, deferred_cb, deferred,
      deferred_free);
  g_source_attach (deferred->source, self->context);
  /* The context holds the source until it has run or stop() destroys it. */
  g_source_unref (deferred->source);
  self->deferred = g_list_prepend (self->deferred, deferred);
  g_atomic_int_inc (&self->n_held);

  g_object_set_data (G_OBJECT (msg), DEFERRED_KEY, GINT_TO_POINTER (TRUE));
  soup_server_message_pause (msg);
}

/* ---------------------------------------------------------------------- */
/* Server thread                                                           */

static gboolean
listen_server (SoupServer * server, const gchar * address, guint port,
    gchar ** origin, GError ** error)
{
  GInetAddress *inet;
  GSocketAddress *socket_address, *bound;
  GSList *listeners;
  gchar *host;
  guint bound_port;
  gboolean ok;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not an IP address", address);
    return FALSE;
  }
  socket_address = g_inet_socket_address_new (inet, port);
  ok = soup_server_listen (server, socket_address, 0, error);
  g_object_unref (socket_address);
  if (!ok) {
    g_object_unref (inet);
    return FALSE;
  }

  /* From the listening socket: soup_server_get_uris() leaks an address in
   * libsoup 3.2 (fixed in 3.4.3). */
  listeners = soup_server_get_listeners (server);
  bound = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (bound == NULL) {
    g_object_unref (inet);
    return FALSE;
  }
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);

  /* A wildcard address is reached through loopback. */
  if (g_inet_address_get_is_any (inet))
    host = g_strdup (g_inet_address_get_family (inet) ==
        G_SOCKET_FAMILY_IPV6 ? "::1" : "127.0.0.1");
  else
    host = g_inet_address_to_string (inet);
  if (strchr (host, ':') != NULL)
    *origin = g_strdup_printf ("http://[%s]:%u", host, bound_port);
  else
    *origin = g_strdup_printf ("http://%s:%u", host, bound_port);
  g_free (host);
  g_object_unref (inet);
  return TRUE;
}

static gboolean
setup_servers (SeedanceEmulator * self, GError ** error)
{
  self->api_server = soup_server_new ("server-header", "seedance-emulator ",
      NULL);
  soup_server_add_early_handler (self->api_server, NULL,
      emulator_api_early_handler, self, NULL);
  soup_server_add_handler (self->api_server, NULL, emulator_api_handler, self,
      NULL);
  /* Requests answered without a handler are logged when finished. */
  g_signal_connect (self->api_server, "request-finished",
      G_CALLBACK (emulator_api_request_finished_cb), self);
  g_signal_connect (self->api_server, "request-aborted",
      G_CALLBACK (emulator_api_request_finished_cb), self);

  self->files_server = soup_server_new ("server-header",
      "seedance-emulator-files ", NULL);
  soup_server_add_handler (self->files_server, NULL, emulator_files_handler,
      self, NULL);
  g_signal_connect (self->files_server, "request-finished",
      G_CALLBACK (emulator_files_request_finished_cb), self);
  g_signal_connect (self->files_server, "request-aborted",
      G_CALLBACK (emulator_files_request_finished_cb), self);

  if (!listen_server (self->api_server, self->address, self->api_port,
          &self->api_origin, error))
    return FALSE;
  if (!listen_server (self->files_server, self->address, self->files_port,
          &self->files_origin, error))
    return FALSE;

  self->other_server = soup_server_new ("server-header",
      "seedance-emulator-other ", NULL);
  soup_server_add_handler (self->other_server, NULL, emulator_other_handler,
      self, NULL);
  g_signal_connect (self->other_server, "request-finished",
      G_CALLBACK (emulator_other_request_finished_cb), self);
  g_signal_connect (self->other_server, "request-aborted",
      G_CALLBACK (emulator_other_request_finished_cb), self);
  if (!listen_server (self->other_server, self->address, 0, &self->other_origin,
          error))
    return FALSE;
  return TRUE;
}

static void
drain_context (GMainContext * context)
{
  while (g_main_context_iteration (context, FALSE));
}

static gpointer
server_thread (gpointer data)
{
  SeedanceEmulator *self = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);

  ok = setup_servers (self, &error);

  g_mutex_lock (&self->start_lock);
  self->start_error = error;
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (ok)
    g_main_loop_run (self->loop);

  /* Slow answers never go out; hand-written downloads end: a timer's at
   * once, one in a write when its cancelled write returns. */
  while (self->deferred != NULL) {
    Deferred *deferred = self->deferred->data;

    g_source_destroy (deferred->source);
  }
  {
    GList *writers = g_list_copy (self->writers), *l;

    for (l = writers; l != NULL; l = l->next) {
      RawWriter *writer = l->data;

      if (writer->timer != NULL) {
        g_source_destroy (writer->timer);
        writer->timer = NULL;
        emulator_raw_finish (writer);
      } else {
        g_cancellable_cancel (writer->cancellable);
      }
    }
    g_list_free (writers);
  }

  /* Close listeners and clients, let their sources run, then free: the
   * connections' pending sources still reference the servers. */
  if (self->api_server != NULL)
    soup_server_disconnect (self->api_server);
  if (self->files_server != NULL)
    soup_server_disconnect (self->files_server);
  if (self->other_server != NULL)
    soup_server_disconnect (self->other_server);
  drain_context (self->context);
  g_clear_object (&self->api_server);
  g_clear_object (&self->files_server);
  g_clear_object (&self->other_server);
  drain_context (self->context);
  /* Cancelled writes whose callbacks came late. */
  while (self->writers != NULL) {
    g_main_context_iteration (self->context, TRUE);
  }

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
emulator_free (SeedanceEmulator * self)
{
  if (self->render_pool != NULL) {
    /* Abort renders in progress and drop queued ones, then wait. */
    g_cancellable_cancel (self->cancellable);
    g_thread_pool_free (self->render_pool, TRUE, TRUE);
  }
  g_clear_object (&self->cancellable);
  if (self->loop != NULL)
    g_main_loop_unref (self->loop);
  if (self->context != NULL)
    g_main_context_unref (self->context);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  g_mutex_clear (&self->lock);
  g_hash_table_unref (self->tasks);
  g_hash_table_unref (self->files);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->faults);
  g_hash_table_unref (self->rate_windows);
  g_free (self->address);
  g_free (self->api_key);
  g_free (self->cache_dir);
  g_free (self->api_origin);
  g_free (self->files_origin);
  g_free (self->other_origin);
  g_free (self);
}

/**
 * seedance_emulator_start:
 * @config: the configuration, see seedance_emulator_config_init()
 * @error: return location for a #GError
 *
 * Starts the API and files servers on a thread of their own, with their own
 * #GMainContext, and returns once both listen. Initializes GStreamer when
 * the caller has not.
 *
 * Returns: (transfer full) (nullable): the emulator, to be stopped with
 *   seedance_emulator_stop(), or %NULL with @error set.
 */
SeedanceEmulator *
seedance_emulator_start (const SeedanceEmulatorConfig * config, GError ** error)
{
  SeedanceEmulator *self;
  const gchar *cache_dir;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  emulator_init_debug ();

  self = g_new0 (SeedanceEmulator, 1);
  self->address = g_strdup (config->address != NULL ? config->address :
      DEFAULT_ADDRESS);
  self->api_port = config->api_port;
  self->files_port = config->files_port;
  self->api_key = g_strdup (config->api_key);
  self->faststart = config->faststart;
  self->generation_ms = config->generation_ms;
  self->request_func = config->request_func;
  self->request_func_data = config->request_func_data;
  self->rate_limit = config->rate_limit_per_minute;
  self->rate_window_ms = config->rate_limit_window_ms > 0 ?
      config->rate_limit_window_ms : DEFAULT_RATE_WINDOW_MS;
  self->max_concurrent_tasks = config->max_concurrent_tasks;

  cache_dir = config->clip_cache_dir;
  if (cache_dir == NULL)
    cache_dir = g_getenv ("SEEDANCE_EMULATOR_CACHE");
  if (cache_dir != NULL && *cache_dir != '\0')
    self->cache_dir = g_strdup (cache_dir);
  else
    self->cache_dir = g_build_filename (g_get_user_cache_dir (),
        "seedance-emulator", NULL);

  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) emulator_task_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      seedance_emulator_request_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  self->rate_windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_array_unref);
  self->cancellable = g_cancellable_new ();

  if (g_mkdir_with_parents (self->cache_dir, 0755) != 0) {
    gint err = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not create the clip cache directory %s: %s", self->cache_dir,
        g_strerror (err));
    emulator_free (self);
    return NULL;
  }

  /* Non-exclusive: never fails, and the threads are shared with GLib. */
  self->render_pool =
      g_thread_pool_new (emulator_render_func, self, RENDER_THREADS, FALSE,
      NULL);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  g_mutex_lock (&self->start_lock);
  self->thread = g_thread_new ("seedance-emulator", server_thread, self);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->start_error != NULL) {
    g_thread_join (self->thread);
    g_propagate_error (error, g_steal_pointer (&self->start_error));
    emulator_free (self);
    return NULL;
  }

  GST_INFO ("listening: API %s, files %s, cache %s", self->api_origin,
      self->files_origin, self->cache_dir);
  return self;
}

/**
 * seedance_emulator_stop:
 * @emulator: (transfer full) (nullable): an emulator
 *
 * Stops both servers, joins their thread, aborts clip renders in progress
 * and frees everything, including the request log.
 */
void
seedance_emulator_stop (SeedanceEmulator * emulator)
{
  GSource *source;

  if (emulator == NULL)
    return;

  /* An idle source rather than g_main_loop_quit(): a quit that came before
   * the thread entered g_main_loop_run() would be lost. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, emulator->loop, NULL);
  g_source_attach (source, emulator->context);
  g_source_unref (source);
  g_thread_join (emulator->thread);

  emulator_free (emulator);
}

/* ---------------------------------------------------------------------- */
/* Public getters                                                         */

/**
 * seedance_emulator_get_api_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the API, no trailing slash.
 */
const gchar *
seedance_emulator_get_api_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->api_origin;
}

/**
 * seedance_emulator_get_files_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the file host, no trailing
 *   slash.
 */
const gchar *
seedance_emulator_get_files_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->files_origin;
}

/**
 * seedance_emulator_get_clip_cache_dir:
 * @emulator: an emulator
 *
 * Returns: (transfer none): the directory where clips are cached.
 */
const gchar *
seedance_emulator_get_clip_cache_dir (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->cache_dir;
}

/**
 * seedance_emulator_get_other_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the third origin, which
 *   logs every request, serves /files/ as the file host does (without
 *   faults) and answers 404 to anything else.
 */
const gchar *
seedance_emulator_get_other_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->other_origin;
}

/**
 * seedance_emulator_count_held:
 * @emulator: an emulator
 *
 * Returns: how many answers a slow fault (slow=MS) holds back right now:
 * a test can act while a request is in flight, not before or after it.
 */
guint
seedance_emulator_count_held (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, 0);

  return g_atomic_int_get (&emulator->n_held);
}
