/* gst-seedance: the paid submission is never sent twice by accident
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Flushes, stops and restarts around a submission, against the emulator:
 * each test counts the POSTs and the tasks the emulator created. */

#include <string.h>
#include <gst/check/gstcheck.h>

#include "seedancetestutils.h"

/* Sets a "seedancesrc ! fakesink" with @prompt PLAYING, the emulator
 * holding the answer of its POST for @slow_ms, and returns once the POST
 * is in flight: the emulator creates a slow submission's task when it
 * reads it. */
static void
play_until_submission_in_flight (SeedanceTestFixture * f, guint slow_ms,
    const gchar * prompt)
{
  gchar *fault = g_strdup_printf ("submit:slow=%u", slow_ms);

  seedance_test_fixture_add_fault (f, fault);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", prompt, NULL);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  while (seedance_test_fixture_count_tasks (f) == 0)
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  g_free (fault);
}

/* A flushing seek while the POST is in flight (GES and NLE seek during
 * preroll) must not lose the task the server creates: the element waits
 * for the answer, keeps the id and goes on with it. */
GST_START_TEST (test_flush_during_submission_keeps_task)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar **tasks;
  gchar *task_id;

  play_until_submission_in_flight (f, 1000, "a flush while submitting");
  fail_unless (gst_element_seek_simple (f->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));

  {
    GstMessage *msg = seedance_test_wait_eos_or_error (f->bus,
        SEEDANCE_TEST_TIMEOUT);

    fail_unless (msg != NULL);
    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
    gst_message_unref (msg);
  }

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  tasks = seedance_emulator_list_tasks (f->emulator);
  fail_unless_equals_int (g_strv_length (tasks), 1);
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_string (task_id, tasks[0]);

  g_free (task_id);
  g_strfreev (tasks);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Stopping while the POST is in flight returns at once, warns that a task
 * may exist, and a restart of the same request refuses to send it again. */
GST_START_TEST (test_stop_during_submission_never_resends)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;
  gint64 start;

  play_until_submission_in_flight (f, 3000, "a stop while submitting");

  /* READY, not NULL: a pipeline in NULL flushes its bus. */
  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC,
      "stopping took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - start);

  msg = gst_bus_timed_pop_filtered (f->bus, 0, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL, "no warning that a task may exist");
  gst_message_parse_warning (msg, &error, &debug);
  fail_unless (strstr (error->message, "a task may exist") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  /* The same request again: refused before anything is sent. */
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "interrupted after it was sent");
  gst_message_unref (msg);
  /* GstBaseSrc's own "failed to start" follows ours. */
  while ((msg = gst_bus_pop_filtered (f->bus, GST_MESSAGE_ERROR)))
    gst_message_unref (msg);

  /* The emulator logs the held POST when its answer goes out. */
  seedance_test_fixture_wait_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);
  fail_unless (seedance_test_fixture_count_tasks (f) <= 1);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Restarting the element resumes its task for the same request, and
 * submits a new one once a request property changed. */
GST_START_TEST (test_restart_resumes_only_the_same_request)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *first_id, *next_id;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a first prompt", NULL);
  seedance_test_fixture_run_to_eos (f);
  first_id = seedance_test_fixture_get_task_id (f);
  fail_unless (first_id != NULL);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  next_id = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_string (next_id, first_id);
  g_free (next_id);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_object_set (f->src, "prompt", "a second prompt", NULL);
  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 2);
  next_id = seedance_test_fixture_get_task_id (f);
  fail_unless (next_id != NULL && g_strcmp0 (next_id, first_id) != 0);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 2);

  g_free (first_id);
  g_free (next_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* With task-id set by the user the element needs no prompt and sends no
 * POST: it polls that task and, as it is finished, downloads its clip
 * after a single query. */
GST_START_TEST (test_resume_by_task_id_alone)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *task_id;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a clip to resume", NULL);
  seedance_test_fixture_run_to_eos (f);
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);
  seedance_emulator_clear_requests (f->emulator);

  seedance_test_fixture_run_resumed (f, "seedancesrc name=src ! fakesink",
      task_id, NULL);

  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 0);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_TASKS_PATH), 1);

  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A flushing seek during the POST returns at once (the submission goes on
 * on its own thread), and so does a stop after it: the POST is abandoned,
 * never resent, and the warning says a task may exist. */
GST_START_TEST (test_stop_after_flush_during_submission)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  gint64 start;

  play_until_submission_in_flight (f, 5000,
      "a seek, then a stop, while submitting");
  /* Messages posted while stopping stay readable after NULL. */
  gst_pipeline_set_auto_flush_bus (GST_PIPELINE (f->pipeline), FALSE);

  start = g_get_monotonic_time ();
  fail_unless (gst_element_seek_simple (f->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC,
      "the seek waited for the submission");

  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC,
      "the stop waited for the submission");

  msg = gst_bus_pop_filtered (f->bus, GST_MESSAGE_WARNING | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no warning about the abandoned submission");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_WARNING);
  {
    GError *error = NULL;

    gst_message_parse_warning (msg, &error, NULL);
    fail_unless (strstr (error->message, "task may exist") != NULL, "%s",
        error->message);
    g_error_free (error);
  }
  gst_message_unref (msg);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A flush leaves the POST running; an EOS that then cancels it is pushed
 * without any create() to hear of it. A later flushing seek must not
 * stall: the cut-off POST is reported and never resent. */
GST_START_TEST (test_seek_after_eos_cancelled_submission)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;

  play_until_submission_in_flight (f, 3000, "a flush, an EOS, then a seek");

  fail_unless (gst_element_send_event (f->src, gst_event_new_flush_start ()));
  fail_unless (gst_element_send_event (f->src, gst_event_new_eos ()));
  fail_unless (gst_element_send_event (f->src,
          gst_event_new_flush_stop (TRUE)));
  fail_unless (gst_element_seek_simple (f->src, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));

  /* The EOS may have reached the bus before: only the error counts. */
  msg = gst_bus_timed_pop_filtered (f->bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "the seek after the EOS stalled");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "is not sent again");
  gst_message_unref (msg);
  /* The cut-off POST is logged when its late answer fails; the task it
   * created is the only one. */
  fail_unless (seedance_test_fixture_count_requests (f, "POST", NULL) <= 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
submission_suite (void)
{
  Suite *s = suite_create ("submission");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_flush_during_submission_keeps_task);
  tcase_add_test (tc, test_stop_during_submission_never_resends);
  tcase_add_test (tc, test_stop_after_flush_during_submission);
  tcase_add_test (tc, test_seek_after_eos_cancelled_submission);
  tcase_add_test (tc, test_restart_resumes_only_the_same_request);
  tcase_add_test (tc, test_resume_by_task_id_alone);
  return s;
}

SEEDANCE_CHECK_MAIN (submission);
