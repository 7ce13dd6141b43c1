/* gst-seedance: cancellation latency and request cost, against the emulator
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Prints (1) how long gst_element_set_state (pipeline, GST_STATE_NULL)
 * takes while seedancesrc submits, sleeps between polls, polls and
 * downloads, beside the same stop of a pipeline whose appsrc waits in
 * create(); (2) how many requests a task that takes a minute on the
 * emulator costs at the element's default poll settings. Everything runs
 * in this process against the in-thread emulator on loopback. */

#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>

#include "benchutils.h"

/* Small and silent: the emulator renders the clip once, then caches it. */
#define PROMPT "a stop at a named moment"
/* An answer held, or a sleep between polls, far beyond any prompt stop. */
#define HELD_MS 20000
/* Longest wait for a point, an EOS or an error. */
#define WAIT_US (60 * G_USEC_PER_SEC)
#define SUBMIT_PATH "/api/v1/bytedance/seedance-2.0-fast-i2v/async"
#define TASKS_PATH "/api/v1/tasks/"
#define FILES_PATH "/files/"

typedef enum
{
  POINT_BASELINE,
  POINT_SUBMIT,
  POINT_BETWEEN_POLLS,
  POINT_POLL,
  POINT_DOWNLOAD,
  N_POINTS
} Point;

static const gchar *point_names[N_POINTS] = {
  "baseline: appsrc in create()", "submission (POST held)",
  "wait between polls", "poll (GET held)", "download (body trickling)",
};

typedef struct
{
  SeedanceEmulator *emulator;
  /* Signalled on the emulator's thread for every request it logged. */
  GMutex lock;
  GCond cond;
} Bench;

static void
request_cb (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  Bench *bench = user_data;

  g_mutex_lock (&bench->lock);
  g_cond_broadcast (&bench->cond);
  g_mutex_unlock (&bench->lock);
}

static Bench *
bench_new (guint generation_ms)
{
  Bench *bench = g_new0 (Bench, 1);

  g_mutex_init (&bench->lock);
  g_cond_init (&bench->cond);
  bench->emulator = seedance_bench_start_emulator (generation_ms, request_cb,
      bench);
  return bench;
}

static void
bench_free (Bench * bench)
{
  seedance_emulator_stop (bench->emulator);
  g_cond_clear (&bench->cond);
  g_mutex_clear (&bench->lock);
  g_free (bench);
}

static void
add_fault (Bench * bench, const gchar * spec)
{
  GError *error = NULL;

  if (!seedance_emulator_add_fault (bench->emulator, spec, &error))
    die ("bad fault %s: %s", spec, error->message);
}

static guint
count_tasks (Bench * bench)
{
  gchar **tasks = seedance_emulator_list_tasks (bench->emulator);
  guint n = g_strv_length (tasks);

  g_strfreev (tasks);
  return n;
}

/* Waits for @count requests matching @method/@path_prefix, woken by the
 * request log; with @count 0, for every queued fault to be taken, which
 * is how a held request shows before it is logged. */
static void
wait_emulator (Bench * bench, const gchar * method, const gchar * path_prefix,
    guint count, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  for (;;) {
    gboolean reached = count > 0 ?
        seedance_emulator_count_requests (bench->emulator, method,
        path_prefix) >= count :
        seedance_emulator_count_faults (bench->emulator) == 0;

    if (reached)
      return;
    if (g_get_monotonic_time () > deadline)
      die ("no %s within %d s", what, (gint) (WAIT_US / G_USEC_PER_SEC));
    /* Faults are taken without a notification: look again soon. */
    g_mutex_lock (&bench->lock);
    g_cond_wait_until (&bench->cond, &bench->lock,
        g_get_monotonic_time () + 5 * G_TIME_SPAN_MILLISECOND);
    g_mutex_unlock (&bench->lock);
  }
}

static void
wait_task_created (Bench * bench, guint count)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  while (count_tasks (bench) < count) {
    if (g_get_monotonic_time () > deadline)
      die ("the held submission created no task");
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
}

/* The progress the element posts once it read a task answer, just before
 * it sleeps until the next poll. */
static void
wait_progress_continue (GstBus * bus)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;

  for (;;) {
    GstMessage *msg;
    GstProgressType type = GST_PROGRESS_TYPE_START;
    gint64 remaining = deadline - g_get_monotonic_time ();

    if (remaining <= 0)
      die ("no progress after the first poll");
    msg = gst_bus_timed_pop_filtered (bus, remaining * GST_USECOND,
        GST_MESSAGE_PROGRESS | GST_MESSAGE_ERROR);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      die ("an error before the first poll ended");
    gst_message_parse_progress (msg, &type, NULL, NULL);
    gst_message_unref (msg);
    if (type == GST_PROGRESS_TYPE_CONTINUE)
      return;
  }
}

static GstElement *
make_pipeline (Bench * bench, const gchar * description, GstElement ** src)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  if (pipeline == NULL)
    die ("cannot build '%s': %s", description, error->message);
  /* Errors are looked for after the stop: keep the bus open in NULL. */
  gst_pipeline_set_auto_flush_bus (GST_PIPELINE (pipeline), FALSE);
  *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  if (*src == NULL)
    die ("no element named src in '%s': is the plugin built?", description);
  return pipeline;
}

static GstElement *
make_seedance_pipeline (Bench * bench, GstElement ** src)
{
  GstElement *pipeline =
      make_pipeline (bench, "seedancesrc name=src ! fakesink", src);

  g_object_set (*src, "api-url",
      seedance_emulator_get_api_origin (bench->emulator), "api-key",
      SEEDANCE_BENCH_API_KEY, "prompt", PROMPT, "duration", 4, "generate-audio",
      FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (*src), "resolution", "480p");
  /* Each run submits: the journal would resume the first run's task. */
  gst_util_set_object_arg (G_OBJECT (*src), "cache-mode", "off");
  return pipeline;
}

/* Starts a pipeline and returns it once it is at @point. */
static GstElement *
run_to_point (Bench * bench, Point point)
{
  GstElement *pipeline, *src;
  GstBus *bus;
  guint n_tasks = count_tasks (bench);
  gchar *spec;

  seedance_emulator_clear_faults (bench->emulator);
  seedance_emulator_clear_requests (bench->emulator);

  if (point == POINT_BASELINE) {
    /* A GstBaseSrc blocked in create() until unlock(), as ours is. */
    pipeline = make_pipeline (bench, "appsrc name=src ! fakesink", &src);
    if (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_ASYNC)
      die ("the baseline pipeline did not start");
    gst_object_unref (src);
    return pipeline;
  }

  pipeline = make_seedance_pipeline (bench, &src);
  /* The default 2 s would only slow the runs down. */
  g_object_set (src, "poll-interval", (guint) 50, NULL);
  switch (point) {
    case POINT_SUBMIT:
      spec = g_strdup_printf ("submit:slow=%d", HELD_MS);
      add_fault (bench, spec);
      g_free (spec);
      break;
    case POINT_BETWEEN_POLLS:
      add_fault (bench, "task:never-finish");
      g_object_set (src, "poll-interval", (guint) HELD_MS, NULL);
      break;
    case POINT_POLL:
      add_fault (bench, "task:never-finish");
      break;
    case POINT_DOWNLOAD:
      /* The first 64 KiB buffer takes 8 s to arrive. */
      add_fault (bench, "download:slow=1000:chunk=8k");
      break;
    default:
      g_assert_not_reached ();
  }
  gst_object_unref (src);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_ASYNC)
    die ("the pipeline did not start");

  bus = gst_element_get_bus (pipeline);
  switch (point) {
    case POINT_SUBMIT:
      /* The held POST created its task when it arrived. */
      wait_task_created (bench, n_tasks + 1);
      break;
    case POINT_BETWEEN_POLLS:
      wait_emulator (bench, "GET", TASKS_PATH, 1, "first poll");
      wait_progress_continue (bus);
      break;
    case POINT_POLL:
      wait_emulator (bench, "GET", TASKS_PATH, 1, "first poll");
      spec = g_strdup_printf ("poll:slow=%d", HELD_MS);
      add_fault (bench, spec);
      g_free (spec);
      wait_emulator (bench, NULL, NULL, 0, "held poll");
      break;
    case POINT_DOWNLOAD:
      wait_emulator (bench, "GET", FILES_PATH, 1, "download");
      break;
    default:
      break;
  }
  gst_object_unref (bus);
  return pipeline;
}

/* Stops the pipeline at @point; returns the time set_state() took. */
static gint64
measure_stop (Bench * bench, Point point, guint * n_errors)
{
  GstElement *pipeline = run_to_point (bench, point);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gint64 start, took;

  start = g_get_monotonic_time ();
  if (gst_element_set_state (pipeline, GST_STATE_NULL) !=
      GST_STATE_CHANGE_SUCCESS)
    die ("stopping during the %s failed", point_names[point]);
  took = g_get_monotonic_time () - start;

  /* A stop is not an error. */
  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
    (*n_errors)++;
    gst_message_unref (msg);
  }
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return took;
}

/* Runs a pipeline to EOS within @timeout_s; the wall time in us. */
static gint64
run_to_eos (GstElement * pipeline, guint timeout_s)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gint64 start = g_get_monotonic_time ();

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("the pipeline did not start");
  msg = gst_bus_timed_pop_filtered (bus, timeout_s * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL)
    die ("no EOS within %u s", timeout_s);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;

    gst_message_parse_error (msg, &error, NULL);
    die ("the task failed: %s", error->message);
  }
  gst_message_unref (msg);
  start = g_get_monotonic_time () - start;

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  return start;
}

static void
bench_latency (guint runs)
{
  Bench *bench = bench_new (300);
  GArray *samples[N_POINTS];
  GstElement *pipeline, *src;
  guint n_errors = 0, i, p;
  gdouble baseline;

  g_print ("Cancellation latency: gst_element_set_state (NULL) at each "
      "point, %u runs each\n", runs);

  /* Loads the plugins and renders (or finds) the clip. */
  pipeline = make_seedance_pipeline (bench, &src);
  g_object_set (src, "poll-interval", (guint) 50, NULL);
  gst_object_unref (src);
  run_to_eos (pipeline, WAIT_US / G_USEC_PER_SEC);
  gst_object_unref (pipeline);

  for (p = 0; p < N_POINTS; p++)
    samples[p] = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);

  /* Interleaved, so that a slow spell of the machine hits every point. */
  for (i = 0; i < runs; i++) {
    for (p = 0; p < N_POINTS; p++) {
      gint64 took = measure_stop (bench, p, &n_errors);

      g_array_append_val (samples[p], took);
    }
  }

  baseline = seedance_bench_median_ms (samples[POINT_BASELINE]);
  g_print ("  %-30s %10s %10s %12s\n", "point", "median ms", "max ms",
      "median/base");
  for (p = 0; p < N_POINTS; p++) {
    gdouble median = seedance_bench_median_ms (samples[p]);

    g_print ("  %-30s %10.3f %10.3f %11.1fx\n", point_names[p], median,
        seedance_bench_max_ms (samples[p]),
        baseline > 0 ? median / baseline : 0.0);
    g_array_unref (samples[p]);
  }
  g_print ("  errors posted by the stops: %u\n", n_errors);
  g_print ("  tasks created: %u (%u runs with a submission, plus 1 warm-up)"
      "\n\n", count_tasks (bench), runs * (N_POINTS - 1));

  bench_free (bench);
}

static void
bench_requests (guint task_seconds)
{
  Bench *bench = bench_new (task_seconds * 1000);
  GstElement *pipeline, *src;
  gint64 wall;

  g_print ("Requests of a task that takes %u s on the emulator, at the "
      "default poll settings\n", task_seconds);

  /* No poll-interval: the element's defaults are what is measured. */
  pipeline = make_seedance_pipeline (bench, &src);
  gst_object_unref (src);
  wall = run_to_eos (pipeline, task_seconds + WAIT_US / G_USEC_PER_SEC);
  gst_object_unref (pipeline);

  g_print ("  POSTs (submissions):   %u\n",
      seedance_emulator_count_requests (bench->emulator, "POST", SUBMIT_PATH));
  g_print ("  task GETs (polls):     %u\n",
      seedance_emulator_count_requests (bench->emulator, "GET", TASKS_PATH));
  g_print ("  downloads (GET files): %u\n",
      seedance_emulator_count_requests (bench->emulator, "GET", FILES_PATH));
  g_print ("  all requests:          %u\n",
      seedance_emulator_count_requests (bench->emulator, NULL, NULL));
  g_print ("  wall time:             %.1f s (PLAYING to EOS)\n",
      wall / (gdouble) G_USEC_PER_SEC);

  bench_free (bench);
}

int
main (int argc, char **argv)
{
  gint runs = 20, task_seconds = 60;
  GOptionEntry entries[] = {
    {"runs", 'n', 0, G_OPTION_ARG_INT, &runs,
        "Stops measured at each point (default 20; 0 skips)", "N"},
    {"task-seconds", 's', 0, G_OPTION_ARG_INT, &task_seconds,
        "How long the emulator's task takes (default 60; 0 skips)", "S"},
    {NULL}
  };
  GOptionContext *context;
  GError *error = NULL;

  seedance_bench_prepare_environment ();
  context = g_option_context_new ("- cancellation latency and request cost "
      "of seedancesrc");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  g_option_context_free (context);
  if (runs < 0 || task_seconds < 0)
    die ("--runs and --task-seconds take a number >= 0");

  if (runs > 0)
    bench_latency (runs);
  if (task_seconds > 0)
    bench_requests (task_seconds);

  gst_deinit ();
  return EXIT_SUCCESS;
}
