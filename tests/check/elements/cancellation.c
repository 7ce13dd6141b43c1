/* gst-seedance: a stop or an EOS is prompt wherever the element is
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The pipeline is set to NULL, or sent an EOS (gst-launch-1.0 -e on
 * Ctrl-C), at four named moments: while the POST is held by the emulator,
 * while the element sleeps between polls, while a poll is held, and while
 * the clip trickles in. Each must return within a second, resend nothing
 * and post no error. */

#include <string.h>
#include <gst/check/gstcheck.h>

#include "seedancetestutils.h"

/* Small and silent: a clip the emulator renders quickly, once per build. */
#define PROMPT "a stop at a named moment"

/* How long the emulator holds an answer, and the poll interval for the
 * wait between polls: far beyond any prompt stop. */
#define HELD_MS 20000
/* The held POST is logged only when its answer goes out: long enough for
 * the stop to land first, short enough to wait for that log entry. */
#define SUBMIT_HELD_MS 5000

/* The bound on a stop or an EOS. */
#define PROMPT_US G_USEC_PER_SEC

typedef enum
{
  POINT_SUBMIT,
  POINT_BETWEEN_POLLS,
  POINT_POLL,
  POINT_DOWNLOAD,
} CancelPoint;

static const gchar *point_names[] = {
  "submission", "wait between polls", "poll", "download"
};

/* What the pipeline posted and what reached the sink, recorded as it
 * happens: a pipeline going to NULL flushes its bus, and the fixture's
 * waits drop the messages they do not wait for. */
typedef struct
{
  guint n_errors;
  gchar errors[1024];           /* their texts, for the failure message; no
                                 * heap, so a failed test leaks nothing */
  guint n_warnings;
  gchar warnings[1024];
  guint n_continue;             /* progress CONTINUE, code "generate" */
  guint n_canceled;             /* progress CANCELED, code "generate" */
  guint n_canceled_other;       /* progress CANCELED with another code */
  guint n_complete;             /* progress COMPLETE, code "generate" */
  guint n_eos;
  gint64 eos_time;              /* monotonic us of the first EOS */
  guint n_buffers;              /* buffers that reached the sink */
} Seen;

/* On the heap: after a failed assertion (no fork under valgrind) the
 * fixture's bus may still call the handler. */
typedef struct
{
  GMutex lock;
  GCond cond;
  Seen seen;
} Watch;

static Watch *
watch_new (void)
{
  Watch *w = g_new0 (Watch, 1);

  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  return w;
}

static void
watch_free (Watch * w)
{
  g_cond_clear (&w->cond);
  g_mutex_clear (&w->lock);
  g_free (w);
}

/* A copy to assert on without holding the lock. */
static Seen
watch_get (Watch * w)
{
  Seen seen;

  g_mutex_lock (&w->lock);
  seen = w->seen;
  g_mutex_unlock (&w->lock);
  return seen;
}

static void
append_gerror (gchar * text, gsize size, GError * error, gchar * debug)
{
  g_strlcat (text, "[", size);
  g_strlcat (text, error->message, size);
  g_strlcat (text, "] ", size);
  g_error_free (error);
  g_free (debug);
}

/* Runs in the posting thread, message by message. */
static GstBusSyncReply
watch_sync_handler (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Watch *w = user_data;
  GError *error = NULL;
  gchar *debug = NULL;

  g_mutex_lock (&w->lock);
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &error, &debug);
      append_gerror (w->seen.errors, sizeof (w->seen.errors), error, debug);
      w->seen.n_errors++;
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &error, &debug);
      append_gerror (w->seen.warnings, sizeof (w->seen.warnings), error, debug);
      w->seen.n_warnings++;
      break;
    case GST_MESSAGE_PROGRESS:{
      GstProgressType type;
      gchar *code = NULL, *text = NULL;

      gst_message_parse_progress (msg, &type, &code, &text);
      if (type == GST_PROGRESS_TYPE_CANCELED) {
        if (g_strcmp0 (code, "generate") == 0)
          w->seen.n_canceled++;
        else
          w->seen.n_canceled_other++;
      } else if (g_strcmp0 (code, "generate") == 0) {
        if (type == GST_PROGRESS_TYPE_CONTINUE)
          w->seen.n_continue++;
        else if (type == GST_PROGRESS_TYPE_COMPLETE)
          w->seen.n_complete++;
      }
      g_free (code);
      g_free (text);
      break;
    }
    case GST_MESSAGE_EOS:
      if (w->seen.n_eos++ == 0)
        w->seen.eos_time = g_get_monotonic_time ();
      break;
    default:
      break;
  }
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);

  return GST_BUS_PASS;
}

static GstPadProbeReturn
watch_buffer_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Watch *w = user_data;

  g_mutex_lock (&w->lock);
  w->seen.n_buffers++;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);

  return GST_PAD_PROBE_OK;
}

/* Waits until *counter (a field of @w->seen) reaches @count. */
static void
watch_wait (Watch * w, const guint * counter, guint count, const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () +
      SEEDANCE_TEST_TIMEOUT / GST_USECOND;
  gboolean reached;

  g_mutex_lock (&w->lock);
  while (*counter < count && g_cond_wait_until (&w->cond, &w->lock, deadline));
  reached = *counter >= count;
  g_mutex_unlock (&w->lock);

  fail_unless (reached, "no %s within %" GST_TIME_FORMAT, what,
      GST_TIME_ARGS (SEEDANCE_TEST_TIMEOUT));
}

static gboolean
task_created (SeedanceTestFixture * f)
{
  return seedance_test_fixture_count_tasks (f) >= 1;
}

static gboolean
faults_taken (SeedanceTestFixture * f)
{
  return seedance_emulator_count_faults (f->emulator) == 0;
}

/* The emulator logs a held request only when it answers it: its arrival
 * shows only in the emulator's state (a task created, a fault taken),
 * which has no notification, so it is polled. */
static void
wait_emulator (SeedanceTestFixture * f,
    gboolean (*reached) (SeedanceTestFixture * f), const gchar * what)
{
  gint64 deadline = g_get_monotonic_time () +
      SEEDANCE_TEST_TIMEOUT / GST_USECOND;

  while (!reached (f)) {
    fail_unless (g_get_monotonic_time () < deadline, "no %s within %"
        GST_TIME_FORMAT, what, GST_TIME_ARGS (SEEDANCE_TEST_TIMEOUT));
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }
}

/* Starts the pipeline and returns once the element is at @point. */
static void
run_to_point (SeedanceTestFixture * f, Watch * w, CancelPoint point)
{
  GstElement *sink;
  GstPad *pad;
  gchar *spec;

  seedance_test_fixture_launch (f, "seedancesrc name=src ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, "duration", 4, "generate-audio",
      FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");

  gst_bus_set_sync_handler (f->bus, watch_sync_handler, w, NULL);
  /* The fixture's waits read the request log's messages after the stop. */
  gst_pipeline_set_auto_flush_bus (GST_PIPELINE (f->pipeline), FALSE);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, watch_buffer_probe, w, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  switch (point) {
    case POINT_SUBMIT:
      spec = g_strdup_printf ("submit:slow=%d", SUBMIT_HELD_MS);
      seedance_test_fixture_add_fault (f, spec);
      g_free (spec);
      break;
    case POINT_BETWEEN_POLLS:
      /* A task that ends cannot leave the element between polls. */
      seedance_test_fixture_add_fault (f, "task:never-finish");
      g_object_set (f->src, "poll-interval", (guint) HELD_MS, NULL);
      break;
    case POINT_POLL:
      seedance_test_fixture_add_fault (f, "task:never-finish");
      break;
    case POINT_DOWNLOAD:
      /* 8 KiB a second: the first 64 KiB buffer takes 8 s, the clip
       * (about 1 MiB) minutes. */
      seedance_test_fixture_add_fault (f, "download:slow=1000:chunk=8k");
      break;
  }

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);

  switch (point) {
    case POINT_SUBMIT:
      /* The held POST created its task when it arrived. */
      wait_emulator (f, task_created, "task created");
      break;
    case POINT_BETWEEN_POLLS:
      seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_TASKS_PATH,
          1);
      /* Posted once the answer is read, just before the wait. */
      watch_wait (w, &w->seen.n_continue, 1, "progress after the first poll");
      break;
    case POINT_POLL:
      /* Polls go on normally; the next one is held. */
      seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_TASKS_PATH,
          1);
      fail_unless_equals_int (seedance_emulator_count_faults (f->emulator), 0);
      spec = g_strdup_printf ("poll:slow=%d", HELD_MS);
      seedance_test_fixture_add_fault (f, spec);
      g_free (spec);
      wait_emulator (f, faults_taken, "held poll");
      break;
    case POINT_DOWNLOAD:
      /* Logged as the answer starts: the element is reading the first
       * buffer. Not "a buffer reached the sink": its push may still be
       * under way then, and a stop would interrupt the push, not the
       * download. */
      seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH,
          1);
      break;
  }
}

/* The watch outlives neither the fixture's pipeline nor the test. */
static void
finish (SeedanceTestFixture * f, Watch * w)
{
  gst_bus_set_sync_handler (f->bus, NULL, NULL, NULL);
  /* Drops the messages left, and their references to the pipeline. */
  gst_bus_set_flushing (f->bus, TRUE);
  seedance_test_fixture_free (f);
  watch_free (w);
}

static void
assert_no_error (const Seen * seen, CancelPoint point)
{
  fail_unless (seen->n_errors == 0, "%u errors after interrupting the %s: "
      "%s", seen->n_errors, point_names[point], seen->errors);
}

/* One submission reached the emulator, and it made one task. */
static void
assert_one_submission (SeedanceTestFixture * f)
{
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
}

static const CancelPoint stop_points[] = {
  POINT_SUBMIT, POINT_BETWEEN_POLLS, POINT_POLL, POINT_DOWNLOAD,
};

/* NULL from PLAYING returns at once: nothing waits for the server. */
GST_START_TEST (test_stop_is_prompt)
{
  CancelPoint point = stop_points[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  Watch *w = watch_new ();
  gint64 start, took;
  Seen seen;

  run_to_point (f, w, point);

  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  took = g_get_monotonic_time () - start;
  GST_INFO ("stop during the %s: %" G_GINT64_FORMAT " us", point_names[point],
      took);
  fail_unless (took < PROMPT_US, "stopping during the %s took %"
      G_GINT64_FORMAT " us", point_names[point], took);

  /* The streaming thread has ended: nothing more comes from the element. */
  seen = watch_get (w);
  assert_no_error (&seen, point);
  if (point == POINT_SUBMIT) {
    /* A stop is not an error, but the user must hear of the money. */
    fail_unless_equals_int (seen.n_warnings, 1);
    fail_unless (strstr (seen.warnings, "task may exist") != NULL,
        "the warning does not say a task may exist: %s", seen.warnings);
  } else {
    fail_unless (seen.n_warnings == 0, "warnings after a stop during the "
        "%s: %s", point_names[point], seen.warnings);
  }
  /* The generation's progress ends once: CANCELED when it was cut short;
   * the download comes after its COMPLETE, so nothing more then. */
  if (point == POINT_DOWNLOAD) {
    fail_unless_equals_int (seen.n_complete, 1);
    fail_unless_equals_int (seen.n_canceled, 0);
  } else {
    fail_unless (seen.n_canceled == 1, "%u progress messages CANCELED "
        "(code generate) after a stop during the %s, expected 1 (%u COMPLETE)",
        seen.n_canceled, point_names[point], seen.n_complete);
    fail_unless_equals_int (seen.n_complete, 0);
  }
  fail_unless_equals_int (seen.n_canceled_other, 0);
  /* Every point, the download's included, is before the first buffer. */
  fail_unless_equals_int (seen.n_buffers, 0);

  /* For the submission: the held POST is logged when its answer goes out,
   * after the stop; nothing was sent in its place. */
  assert_one_submission (f);

  finish (f, w);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipeline;
  GstStateChangeReturn ret;
} Stopper;

/* The thread an application like GstPlay changes states from: one that
 * runs its own main context. */
static gpointer
stop_from_own_context (gpointer data)
{
  Stopper *stopper = data;
  GMainContext *context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  stopper->ret = gst_element_set_state (stopper->pipeline, GST_STATE_NULL);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);
  return NULL;
}

/* A stop during the download, from a thread with a main context of its
 * own: the download the streaming thread opened is dropped from there,
 * cleanly (libsoup does a message's I/O in the context that sent it). */
GST_START_TEST (test_stop_download_from_other_context)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  Watch *w = watch_new ();
  Stopper stopper = { NULL, GST_STATE_CHANGE_FAILURE };
  GThread *thread;
  Seen seen;

  run_to_point (f, w, POINT_DOWNLOAD);
  stopper.pipeline = f->pipeline;
  thread = g_thread_new ("app", stop_from_own_context, &stopper);
  g_thread_join (thread);
  fail_unless_equals_int (stopper.ret, GST_STATE_CHANGE_SUCCESS);
  seen = watch_get (w);
  assert_no_error (&seen, POINT_DOWNLOAD);
  assert_one_submission (f);
  finish (f, w);
}

GST_END_TEST;

static const CancelPoint eos_points[] = {
  POINT_SUBMIT, POINT_BETWEEN_POLLS, POINT_POLL,
};

/* An EOS sent to the pipeline (gst-launch-1.0 -e on Ctrl-C) ends a wait
 * for the task at once and reaches the bus. */
GST_START_TEST (test_eos_is_prompt)
{
  CancelPoint point = eos_points[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  Watch *w = watch_new ();
  gint64 start, took;
  Seen seen;

  run_to_point (f, w, point);

  start = g_get_monotonic_time ();
  fail_unless (gst_element_send_event (f->pipeline, gst_event_new_eos ()));
  watch_wait (w, &w->seen.n_eos, 1, "EOS");
  seen = watch_get (w);
  took = seen.eos_time - start;
  GST_INFO ("EOS during the %s: %" G_GINT64_FORMAT " us", point_names[point],
      took);
  fail_unless (took < PROMPT_US, "EOS during the %s took %" G_GINT64_FORMAT
      " us", point_names[point], took);

  assert_no_error (&seen, point);
  if (point == POINT_SUBMIT) {
    /* Unlike a flush, an EOS abandons the POST, and says so. */
    fail_unless_equals_int (seen.n_warnings, 1);
    fail_unless (strstr (seen.warnings, "task may exist") != NULL,
        "the warning does not say a task may exist: %s", seen.warnings);
  } else {
    fail_unless (seen.n_warnings == 0, "warnings after an EOS during the "
        "%s: %s", point_names[point], seen.warnings);
  }
  /* The run ends there: its progress ends CANCELED, as for a stop. */
  fail_unless (seen.n_canceled == 1, "%u progress messages CANCELED "
      "(code generate) after an EOS during the %s, expected 1",
      seen.n_canceled, point_names[point]);
  assert_one_submission (f);

  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  took = g_get_monotonic_time () - start;
  fail_unless (took < PROMPT_US, "stopping after EOS took %" G_GINT64_FORMAT
      " us", took);

  finish (f, w);
}

GST_END_TEST;

static Suite *
cancellation_suite (void)
{
  Suite *s = suite_create ("cancellation");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_stop_is_prompt, 0, G_N_ELEMENTS (stop_points));
  tcase_add_test (tc, test_stop_download_from_other_context);
  tcase_add_loop_test (tc, test_eos_is_prompt, 0, G_N_ELEMENTS (eos_points));
  return s;
}

SEEDANCE_CHECK_MAIN (cancellation);
