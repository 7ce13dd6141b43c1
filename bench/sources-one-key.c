/* gst-seedance: N sources on one key, with and without the shared budget
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* N seedancesrc in one pipeline, one key, against the emulator enforcing
 * the API's limit (LIMIT requests per WINDOW, a sliding window): the
 * requests sent, the 429s received, the most requests any window held,
 * and the wall time over the ideal (the time the budget itself forces),
 * side by side with the same run without the shared budget
 * (requests-per-minute=0: each source polls on its own schedule and backs
 * off on its own 429s). See README.md. */

#include <string.h>
#include <gst/gst.h>

#include "benchutils.h"

typedef struct
{
  GMutex lock;
  GArray *times;                /* monotonic us of each API request */
  guint n_429;                  /* API answers 429, whatever their cause */
} Log;

typedef struct
{
  guint sources;
  gboolean shared;              /* the sources share the key's budget */
  guint requests;
  guint n_429;
  guint peak;                   /* the most requests in one window */
  guint clips;                  /* sources that reached EOS */
  gdouble seconds;
  gdouble ideal;
} Result;

static guint limit = 100;
static guint window_ms = 60000;
static guint task_seconds = 20;

static void
request_cb (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  Log *log = user_data;
  gint64 now = g_get_monotonic_time ();

  if (request->origin != SEEDANCE_EMULATOR_ORIGIN_API)
    return;
  g_mutex_lock (&log->lock);
  g_array_append_val (log->times, now);
  if (request->status == 429)
    log->n_429++;
  g_mutex_unlock (&log->lock);
}

/* The most requests any window of window_ms held: the times are in the
 * order they were logged. */
static guint
peak (GArray * times)
{
  gint64 *t = (gint64 *) times->data;
  guint i, first = 0, most = 0;

  for (i = 0; i < times->len; i++) {
    while (t[i] - t[first] >= (gint64) window_ms * 1000)
      first++;
    most = MAX (most, i - first + 1);
  }
  return most;
}

static GstPadProbeReturn
count_eos (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

/* One run of @n sources; @id tells the prompts apart from other runs'. */
static Result
run (SeedanceEmulator * emulator, Log * log, guint n, gboolean shared, guint id)
{
  Result r = { n, shared };
  GString *d = g_string_new (NULL);
  gchar *cache = g_dir_make_tmp ("seedance-bench-budget-XXXXXX", NULL);
  GstElement *pipeline;
  GError *error = NULL;
  GstBus *bus;
  gint64 start;
  gint clips = 0;
  guint i;
  /* The names of the sources that posted an error: a failed source posts
   * two (its own, then basesrc's "Internal data stream error"). */
  GHashTable *failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  gdouble spacing = window_ms / 1000.0 / limit * 1.02;

  for (i = 0; i < n; i++)
    g_string_append_printf (d, "seedancesrc name=s%u prompt=\"run %u source "
        "%u\" duration=4 resolution=480p generate-audio=false timeout=3600 "
        "requests-per-minute=%u cache-dir=\"%s\" ! fakesink name=k%u "
        /* Each stream on its own: a failed source's sink, never prerolled,
         * must not hold the others in preroll (a hang). */
        "async=false ", i,
        id, i, shared ? (guint) (limit * 60000.0 / window_ms) : 0, cache, i);
  pipeline = gst_parse_launch (d->str, &error);
  if (pipeline == NULL)
    die ("%s", error->message);
  for (i = 0; i < n; i++) {
    gchar *name = g_strdup_printf ("s%u", i);
    GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), name);
    GstElement *sink;
    GstPad *pad;

    g_object_set (src, "api-url", seedance_emulator_get_api_origin (emulator),
        "api-key", SEEDANCE_BENCH_API_KEY, NULL);
    gst_object_unref (src);
    g_free (name);
    name = g_strdup_printf ("k%u", i);
    sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
    pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, count_eos,
        &clips, NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
    g_free (name);
  }

  g_mutex_lock (&log->lock);
  g_array_set_size (log->times, 0);
  log->n_429 = 0;
  g_mutex_unlock (&log->lock);
  bus = gst_element_get_bus (pipeline);
  start = g_get_monotonic_time ();
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("the pipeline of %u sources did not start", n);
  /* Until every source's stream ended: an EOS at its sink, or its error
   * (which ends that source only). */
  while ((guint) g_atomic_int_get (&clips) + g_hash_table_size (failed) < n) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, 100 * GST_MSECOND,
        GST_MESSAGE_ERROR);

    if (g_get_monotonic_time () - start >
        G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
      die ("%u sources: not over after an hour", n);
    if (msg == NULL)
      continue;
    if (g_hash_table_add (failed,
            g_strdup (GST_OBJECT_NAME (GST_MESSAGE_SRC (msg))))
        && g_hash_table_size (failed) <= 3) {
      GError *err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      g_printerr ("    %s: %s\n", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
          err->message);
      g_error_free (err);
    }
    gst_message_unref (msg);
  }
  r.seconds = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
  r.clips = g_atomic_int_get (&clips);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_mutex_lock (&log->lock);
  r.requests = log->times->len;
  r.n_429 = log->n_429;
  r.peak = peak (log->times);
  g_mutex_unlock (&log->lock);
  /* What the budget forces, counting each request as the whole slot it
   * takes: 2 n requests (a submission and the query that finds the task
   * done) take 2 n slots; and the n submissions are spaced too, so the
   * last one goes at (n - 1) slots, its task is done a task later, and
   * the query that sees it done takes one more slot: n slots + a task.
   * (Whichever is longer; with 20-s tasks and 0.612-s slots the second
   * up to N = 32.) */
  r.ideal = MAX (2 * n * spacing, n * spacing + task_seconds);

  g_hash_table_unref (failed);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_string_free (d, TRUE);
  seedance_bench_remove_tree (cache);
  g_free (cache);
  return r;
}

static void
print (const Result * r)
{
  g_print ("  %3u %-8s %8u %6u %10u %6u/%-3u %8.1f %8.1f %8.2fx\n",
      r->sources, r->shared ? "shared" : "own", r->requests, r->n_429, r->peak,
      r->clips, r->sources, r->seconds, r->ideal, r->seconds / r->ideal);
}

int
main (int argc, char **argv)
{
  gchar *sources_text = g_strdup ("1,8,32");
  GOptionEntry entries[] = {
    {"sources", 0, 0, G_OPTION_ARG_STRING, &sources_text,
        "Numbers of sources, comma-separated (default 1,8,32)", "N,N"},
    {"task-seconds", 0, 0, G_OPTION_ARG_INT, &task_seconds,
        "How long a task takes on the emulator (default 20)", "S"},
    {"limit", 0, 0, G_OPTION_ARG_INT, &limit,
        "Requests the emulator allows a key per window (default 100)", "N"},
    {"window-ms", 0, 0, G_OPTION_ARG_INT, &window_ms,
        "The emulator's sliding window (default 60000)", "MS"},
    {NULL}
  };
  GOptionContext *context = g_option_context_new ("- N sources on one key");
  SeedanceEmulator *emulator;
  GError *error = NULL;
  gchar **counts;
  Log log;
  guint i, id = g_random_int ();
  gboolean met = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (limit == 0 || window_ms < 1000)
    die ("--limit takes a number >= 1, --window-ms a number >= 1000");
  seedance_bench_prepare_environment ();
  gst_init (&argc, &argv);

  g_mutex_init (&log.lock);
  log.times = g_array_new (FALSE, FALSE, sizeof (gint64));
  log.n_429 = 0;
  emulator = seedance_bench_start_emulator (task_seconds * 1000, request_cb,
      &log);
  seedance_emulator_set_rate_limit (emulator, limit, window_ms);

  g_print ("N sources on one key, tasks of %u s, the emulator allowing %u "
      "requests per %.0f s (sliding window)\n", task_seconds, limit,
      window_ms / 1000.0);
  g_print ("  %3s %-8s %8s %6s %10s %10s %8s %8s %9s\n", "N", "budget",
      "requests", "429s", "peak/win", "clips", "wall s", "ideal s",
      "wall/ideal");
  counts = g_strsplit (sources_text, ",", -1);
  for (i = 0; counts[i]; i++) {
    guint64 n;
    Result shared, own;

    if (!g_ascii_string_to_unsigned (counts[i], 10, 1, 256, &n, NULL))
      die ("--sources takes numbers from 1 to 256, not '%s'", counts[i]);
    shared = run (emulator, &log, n, TRUE, id++);
    print (&shared);
    own = run (emulator, &log, n, FALSE, id++);
    print (&own);
    if (shared.n_429 > 0 || shared.peak > limit || shared.clips < n
        || shared.seconds > 1.3 * shared.ideal)
      met = FALSE;
  }
  g_print ("goals with the shared budget: 0 429s, peak <= %u per window, "
      "every clip, wall/ideal <= 1.3: %s\n", limit, met ? "met" : "NOT met");

  g_strfreev (counts);
  seedance_emulator_stop (emulator);
  g_array_unref (log.times);
  g_mutex_clear (&log.lock);
  g_option_context_free (context);
  g_free (sources_text);
  return EXIT_SUCCESS;
}
