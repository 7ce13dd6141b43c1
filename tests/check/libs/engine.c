/* gst-seedance: the key's HTTP engine alone
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* SeedanceEngine against a SoupServer on loopback, on a thread of its
 * own: one engine per key and origin, gone with its last user; every API
 * exchange runs on the engine's thread whatever thread asks, and the
 * clients of a key share its connections; a cancelled exchange ends at
 * once and leaves the engine working; an answer over the bound is
 * refused; sixteen threads exchanging at once all get their own answers;
 * a download streams on the thread that reads it. */

#include <string.h>

#include "seedancetestutils.h"
#include "seedanceclient.h"
#include "seedanceengine.h"
#include "seedanceerror.h"

#define KEY "sk-test-0123456789abcdef"
#define OTHER_KEY "sk-test-fedcba9876543210"

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  gchar *origin;
  GMutex lock;
  GCond cond;
  GPtrArray *peers;             /* "host:port" of each request's client */
  GPtrArray *held;              /* SoupServerMessage paused by /hold */
  guint requests;
} Server;

static void
handle (SoupServer * soup, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer data)
{
  Server *server = data;
  GInetSocketAddress *peer =
      G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg));
  gchar *host = g_inet_address_to_string (g_inet_socket_address_get_address
      (peer));

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->peers, g_strdup_printf ("%s:%u", host,
          g_inet_socket_address_get_port (peer)));
  server->requests++;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  g_free (host);

  if (strcmp (path, "/hold") == 0) {
    /* Never answered: the client must leave on its own. */
    soup_server_message_pause (msg);
    g_mutex_lock (&server->lock);
    g_ptr_array_add (server->held, g_object_ref (msg));
    g_mutex_unlock (&server->lock);
  } else if (strcmp (path, "/big") == 0) {
    gchar *body = g_strnfill (64 * 1024, 'x');

    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_COPY, body, 64 * 1024);
    g_free (body);
  } else {
    /* Echoes the path, so each caller can tell its answer is its own. */
    gchar *body = g_strdup_printf ("{\"path\":\"%s\"}", path);

    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_COPY, body, strlen (body));
    g_free (body);
  }
}

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *address = g_inet_socket_address_new (loopback, 0);
  GSocketAddress *bound;
  GSList *listeners;
  GError *error = NULL;

  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handle, server, NULL);
  fail_unless (soup_server_listen (server->server, address, 0, &error), "%s",
      error ? error->message : "");
  /* From the listening socket: soup_server_get_uris() leaks an address in
   * libsoup 3.2. */
  listeners = soup_server_get_listeners (server->server);
  bound = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  fail_unless (bound != NULL);
  g_mutex_lock (&server->lock);
  server->origin = g_strdup_printf ("http://127.0.0.1:%u",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  g_object_unref (bound);
  g_object_unref (address);
  g_object_unref (loopback);
  g_main_loop_run (server->loop);
  g_ptr_array_unref (server->held);
  soup_server_disconnect (server->server);
  g_object_unref (server->server);
  while (g_main_context_iteration (server->context, FALSE));
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static Server *
server_start (void)
{
  Server *server = g_new0 (Server, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->peers = g_ptr_array_new_with_free_func (g_free);
  server->held = g_ptr_array_new_with_free_func (g_object_unref);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("test-server", server_thread, server);
  g_mutex_lock (&server->lock);
  while (server->origin == NULL)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
  return server;
}

static void
server_stop (Server * server)
{
  g_main_loop_quit (server->loop);
  g_thread_join (server->thread);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_ptr_array_unref (server->peers);
  g_free (server->origin);
  g_cond_clear (&server->cond);
  g_mutex_clear (&server->lock);
  g_free (server);
}

static void
server_await_requests (Server * server, guint n)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_mutex_lock (&server->lock);
  while (server->requests < n)
    fail_unless (g_cond_wait_until (&server->cond, &server->lock, until),
        "the server got %u requests, not %u", server->requests, n);
  g_mutex_unlock (&server->lock);
}

static void
on_message_signal (SoupMessage * msg, GThread ** where)
{
  *where = g_thread_self ();
}

/* One GET of @path through @engine; returns the answer's body as text,
 * and in @signalled the thread the message's signals came from. */
static gchar *
exchange (SeedanceEngine * engine, const gchar * origin, const gchar * path,
    GThread ** signalled, GCancellable * cancellable, GError ** error)
{
  gchar *url = g_strconcat (origin, path, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);
  GThread *where = NULL;
  GBytes *body;
  gchar *text = NULL;

  g_signal_connect (msg, "got-headers", G_CALLBACK (on_message_signal), &where);
  body = seedance_engine_exchange (engine, msg, 16384, cancellable, error);
  if (body) {
    fail_unless_equals_int (soup_message_get_status (msg), 200);
    text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    g_bytes_unref (body);
  }
  if (signalled)
    *signalled = where;
  g_object_unref (msg);
  g_free (url);
  return text;
}

GST_START_TEST (test_one_engine_per_key)
{
  SeedanceEngine *a, *b, *other_key, *other_origin;

  fail_unless_equals_int (seedance_engine_count (), 0);
  a = seedance_engine_get ("http://127.0.0.1:1", KEY);
  b = seedance_engine_get ("http://127.0.0.1:1", KEY);
  other_key = seedance_engine_get ("http://127.0.0.1:1", OTHER_KEY);
  other_origin = seedance_engine_get ("http://127.0.0.1:2", KEY);
  fail_unless (a == b);
  fail_unless (a != other_key);
  fail_unless (a != other_origin);
  fail_unless_equals_int (seedance_engine_count (), 3);

  seedance_engine_unref (a);
  fail_unless_equals_int (seedance_engine_count (), 3);
  seedance_engine_unref (b);
  seedance_engine_unref (other_key);
  seedance_engine_unref (other_origin);
  /* Gone with the last user: a new user gets a new engine. */
  fail_unless_equals_int (seedance_engine_count (), 0);

  /* And made again when a key is used anew. */
  a = seedance_engine_get ("http://127.0.0.1:1", KEY);
  fail_unless_equals_int (seedance_engine_count (), 1);
  seedance_engine_unref (a);
}

GST_END_TEST;

typedef struct
{
  SeedanceEngine *engine;
  const gchar *origin;
  gchar *path;
  gchar *answer;
  GThread *signalled;
  GThread *self;
} Asker;

static gpointer
ask (gpointer data)
{
  Asker *asker = data;
  GError *error = NULL;

  asker->self = g_thread_self ();
  asker->answer = exchange (asker->engine, asker->origin, asker->path,
      &asker->signalled, NULL, &error);
  fail_unless (asker->answer != NULL, "%s", error ? error->message : "");
  return NULL;
}

/* Sixteen threads, two clients each of the same key: every exchange runs
 * on the one engine thread, each thread gets its own answer, and the
 * key's exchanges share the engine's connections. */
GST_START_TEST (test_exchanges_on_engine_thread)
{
  Server *server = server_start ();
  SeedanceClient *client_a = seedance_client_new (server->origin, KEY,
      "bytedance/seedance-2.0-fast-i2v");
  SeedanceClient *client_b = seedance_client_new (server->origin, KEY,
      "bytedance/seedance-2.0-fast-i2v");
  Asker askers[16];
  GThread *threads[16];
  GHashTable *connections = g_hash_table_new (g_str_hash, g_str_equal);
  GThread *engine_thread = NULL;
  guint i;

  fail_unless (seedance_client_get_engine (client_a) ==
      seedance_client_get_engine (client_b));
  for (i = 0; i < G_N_ELEMENTS (askers); i++) {
    askers[i].engine = seedance_client_get_engine (i % 2 ? client_a : client_b);
    askers[i].origin = server->origin;
    askers[i].path = g_strdup_printf ("/task-%u", i);
    askers[i].answer = NULL;
    askers[i].signalled = NULL;
    askers[i].self = NULL;
  }
  /* In two waves: the second finds the first's connections idle. */
  for (i = 0; i < G_N_ELEMENTS (askers); i++) {
    threads[i] = g_thread_new ("asker", ask, &askers[i]);
    if (i % 8 == 7) {
      guint j;

      for (j = i - 7; j <= i; j++)
        g_thread_join (threads[j]);
    }
  }
  for (i = 0; i < G_N_ELEMENTS (askers); i++) {
    gchar *expected = g_strdup_printf ("{\"path\":\"%s\"}", askers[i].path);

    fail_unless_equals_string (askers[i].answer, expected);
    g_free (expected);
    if (engine_thread == NULL)
      engine_thread = askers[i].signalled;
    /* Not the asking thread: the engine's, the same for every source. */
    fail_unless (askers[i].signalled == engine_thread);
    fail_if (askers[i].signalled == askers[i].self);
  }

  for (i = 0; i < server->peers->len; i++)
    g_hash_table_add (connections, g_ptr_array_index (server->peers, i));
  /* One pool for the key: fewer connections than requests. */
  fail_unless (g_hash_table_size (connections) < G_N_ELEMENTS (askers),
      "%u connections for %u requests", g_hash_table_size (connections),
      (guint) G_N_ELEMENTS (askers));

  for (i = 0; i < G_N_ELEMENTS (askers); i++) {
    g_free (askers[i].path);
    g_free (askers[i].answer);
  }
  g_hash_table_unref (connections);
  seedance_client_free (client_a);
  seedance_client_free (client_b);
  fail_unless_equals_int (seedance_engine_count (), 0);
  server_stop (server);
}

GST_END_TEST;

typedef struct
{
  GCancellable *cancellable;
  Server *server;
  guint after;
} Canceller;

static gpointer
cancel_when_sent (gpointer data)
{
  Canceller *canceller = data;

  server_await_requests (canceller->server, canceller->after);
  g_cancellable_cancel (canceller->cancellable);
  return NULL;
}

/* A request the server holds: cancelling its caller ends it at once,
 * and the engine goes on serving the key. */
GST_START_TEST (test_cancel_leaves_at_once)
{
  Server *server = server_start ();
  SeedanceEngine *engine = seedance_engine_get (server->origin, KEY);
  Canceller canceller = { g_cancellable_new (), server, 1 };
  GThread *thread = g_thread_new ("canceller", cancel_when_sent, &canceller);
  GError *error = NULL;
  gchar *answer;
  gint64 start;

  answer = exchange (engine, server->origin, "/hold", NULL,
      canceller.cancellable, &error);
  start = g_get_monotonic_time ();
  g_thread_join (thread);
  fail_unless (answer == NULL);
  fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED),
      "%s", error->message);
  g_clear_error (&error);

  /* Cancelled before it is sent: never reaches the server. */
  answer = exchange (engine, server->origin, "/never", NULL,
      canceller.cancellable, &error);
  fail_unless (answer == NULL);
  fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_clear_error (&error);

  answer = exchange (engine, server->origin, "/after", NULL, NULL, &error);
  fail_unless_equals_string (answer, "{\"path\":\"/after\"}");
  g_free (answer);
  g_mutex_lock (&server->lock);
  fail_unless_equals_int (server->requests, 2);
  g_mutex_unlock (&server->lock);
  /* Generous: the bound says it did not wait for a timeout. */
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);

  g_object_unref (canceller.cancellable);
  seedance_engine_unref (engine);
  server_stop (server);
}

GST_END_TEST;

GST_START_TEST (test_answer_over_bound)
{
  Server *server = server_start ();
  SeedanceEngine *engine = seedance_engine_get (server->origin, KEY);
  GError *error = NULL;
  gchar *answer = exchange (engine, server->origin, "/big", NULL, NULL,
      &error);

  fail_unless (answer == NULL);
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE));
  fail_unless (strstr (error->message, "larger than 16384 bytes") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  seedance_engine_unref (engine);
  server_stop (server);
}

GST_END_TEST;

typedef struct
{
  SeedanceEngine *engine;
  const gchar *origin;
  GCancellable *cancellable;
} Holder;

static gpointer
hold (gpointer data)
{
  Holder *holder = data;
  GError *error = NULL;
  gchar *answer = exchange (holder->engine, holder->origin, "/hold", NULL,
      holder->cancellable, &error);

  fail_unless (answer == NULL);
  g_clear_error (&error);
  return NULL;
}

/* A download is read on the thread that sent it, with the key's session,
 * while the engine thread holds another request of the key. */
GST_START_TEST (test_download_on_reading_thread)
{
  Server *server = server_start ();
  SeedanceEngine *engine = seedance_engine_get (server->origin, KEY);
  Canceller canceller = { g_cancellable_new (), server, 2 };
  Holder holder = { engine, server->origin, canceller.cancellable };
  GThread *cancelling = g_thread_new ("canceller", cancel_when_sent,
      &canceller);
  GThread *holding = g_thread_new ("holder", hold, &holder);
  gchar *url = g_strconcat (server->origin, "/clip", NULL);
  SoupMessage *msg = soup_message_new ("GET", url);
  GThread *where = NULL;
  GInputStream *in;
  GError *error = NULL;
  gchar buf[64];
  gsize got = 0;

  g_signal_connect (msg, "got-headers", G_CALLBACK (on_message_signal), &where);
  in = seedance_engine_open (engine, msg, NULL, &error);
  fail_unless (in != NULL, "%s", error ? error->message : "");
  fail_unless (where == g_thread_self ());
  fail_unless (g_input_stream_read_all (in, buf, sizeof (buf), &got, NULL,
          NULL));
  fail_unless_equals_int (got, strlen ("{\"path\":\"/clip\"}"));
  g_object_unref (in);
  g_object_unref (msg);
  g_free (url);
  g_thread_join (cancelling);
  g_thread_join (holding);
  g_object_unref (canceller.cancellable);
  seedance_engine_unref (engine);
  server_stop (server);
}

GST_END_TEST;

static Suite *
engine_suite (void)
{
  Suite *s = suite_create ("engine");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_one_engine_per_key);
  tcase_add_test (tc, test_exchanges_on_engine_thread);
  tcase_add_test (tc, test_cancel_leaves_at_once);
  tcase_add_test (tc, test_answer_over_bound);
  tcase_add_test (tc, test_download_on_reading_thread);
  return s;
}

GST_CHECK_MAIN (engine);
