/* gst-seedance: identical requests in one process share one run
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Sources of one process asking for the same request share one run: one
 * POST, one poll at a time, one download into the cache, which the others
 * play. A leader that stops, fails or stands still never strands its
 * followers, and a follower that stops leaves at once. */

#include <string.h>

#include "seedancetestutils.h"

#define PROMPT "a lantern drifts down a night river"

static guint
count (SeedanceTestFixture * f, const gchar * method, const gchar * path)
{
  return seedance_test_fixture_count_requests (f, method, path);
}

static gpointer
play_in_thread (gpointer data)
{
  return seedance_test_run_play (data, SEEDANCE_TEST_TIMEOUT);
}

/* The clip at @path plays whole: the 4 s every run asks for. */
static void
assert_whole_clip (const gchar * path)
{
  GstDiscovererInfo *info = seedance_test_discover_file (path);

  seedance_test_assert_duration (info, 4 * GST_SECOND);
  g_object_unref (info);
}

/* Plays @r until its source says it follows another's run; the caller
 * then reads the rest of its bus. */
static void
start_following (SeedanceTestRun * r)
{
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (r->bus,
        SEEDANCE_TEST_TIMEOUT,
        GST_MESSAGE_PROGRESS | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
    gchar *text = NULL;
    gboolean following;

    fail_unless (msg != NULL, "the source never followed the other");
    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_PROGRESS)
      seedance_test_assert_eos (msg);
    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_PROGRESS);
    gst_message_parse_progress (msg, NULL, NULL, &text);
    following = strstr (text, "another source") != NULL;
    g_free (text);
    gst_message_unref (msg);
    if (following)
      return;
  }
}

/* Two sources of one pipeline, the same request: one POST, the same clip
 * at both sinks. A pipeline prerolls only once each of its sources pushed
 * a buffer, so the follower cannot wait for the clip in the cache: once
 * the task is done it downloads the clip too. */
GST_START_TEST (test_one_pipeline)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *a_path = seedance_test_fixture_path (f, "a.mp4");
  gchar *b_path = seedance_test_fixture_path (f, "b.mp4");
  gchar *settings = g_strdup_printf ("! filesink location=\"%s\" seedancesrc "
      "name=second", b_path);
  SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, a_path, settings);
  GstElement *src = gst_bin_get_by_name (GST_BIN (r->pipeline), "second");

  g_object_set (src, "api-url", seedance_emulator_get_api_origin
      (f->emulator), "api-key", SEEDANCE_TEST_API_KEY, "poll-interval",
      (guint) SEEDANCE_TEST_POLL_INTERVAL, "prompt", PROMPT, "duration", 4,
      "generate-audio", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "resolution", "480p");
  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);
  seedance_test_assert_same_bytes (a_path, b_path);

  gst_object_unref (src);
  seedance_test_run_free (r);
  g_free (settings);
  g_free (a_path);
  g_free (b_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Three pipelines of one process started together: one POST, one
 * download, and while the task runs only one source polls it. */
GST_START_TEST (test_pipelines)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f, *alone;
  SeedanceTestRun *runs[3];
  GThread *threads[3];
  gchar *paths[3];
  guint i, polls_alone;

  /* One source alone, for the number of polls one run makes. */
  seedance_test_config_init (&config);
  config.generation_ms = 1500;
  alone = seedance_test_fixture_new (&config);
  g_free (seedance_test_run_to_eos (alone, PROMPT, NULL, NULL));
  polls_alone = count (alone, "GET", SEEDANCE_TEST_TASKS_PATH);
  seedance_test_fixture_free (alone);

  f = seedance_test_fixture_new (&config);
  for (i = 0; i < 3; i++) {
    gchar *name = g_strdup_printf ("%u.mp4", i);

    paths[i] = seedance_test_fixture_path (f, name);
    runs[i] = seedance_test_run_new (f, PROMPT, paths[i], NULL);
    threads[i] = g_thread_new (name, play_in_thread, runs[i]);
    g_free (name);
  }
  for (i = 0; i < 3; i++)
    seedance_test_assert_eos (g_thread_join (threads[i]));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 1);
  /* Three sources polling on their own would make about three times as
   * many; a little slack for the timing of one run against another. */
  fail_unless (count (f, "GET", SEEDANCE_TEST_TASKS_PATH) <= polls_alone + 3,
      "%u polls, %u for one source alone", count (f, "GET",
          SEEDANCE_TEST_TASKS_PATH), polls_alone);
  for (i = 1; i < 3; i++)
    seedance_test_assert_same_bytes (paths[0], paths[i]);
  for (i = 0; i < 3; i++) {
    seedance_test_run_free (runs[i]);
    g_free (paths[i]);
  }
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The leader stops while its task runs: the follower leads in its place,
 * resumes the task (no new POST) and downloads the clip once. */
GST_START_TEST (test_leader_stops)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  SeedanceTestRun *a, *b;
  gchar *b_path;

  seedance_test_config_init (&config);
  config.generation_ms = 3000;
  f = seedance_test_fixture_new (&config);
  b_path = seedance_test_fixture_path (f, "b.mp4");
  a = seedance_test_run_new (f, PROMPT, NULL, NULL);
  b = seedance_test_run_new (f, PROMPT, b_path, NULL);
  fail_unless_equals_int (gst_element_set_state (a->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  start_following (b);
  fail_unless_equals_int (gst_element_set_state (a->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (b->bus,
          SEEDANCE_TEST_TIMEOUT));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 1);
  assert_whole_clip (b_path);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  g_free (b_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The task fails on the server: its follower fails with it, and does not
 * pay for a new one. */
GST_START_TEST (test_task_failure_shared)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  SeedanceTestRun *a, *b;
  GstMessage *msg;

  seedance_test_config_init (&config);
  config.generation_ms = 3000;
  f = seedance_test_fixture_new (&config);
  seedance_test_fixture_add_fault (f, "task:fail:reason=the%20river%20froze");
  a = seedance_test_run_new (f, PROMPT, NULL, NULL);
  b = seedance_test_run_new (f, PROMPT, NULL, NULL);
  fail_unless_equals_int (gst_element_set_state (a->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  start_following (b);

  msg = seedance_test_wait_eos_or_error (a->bus, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "the river froze");
  gst_message_unref (msg);
  msg = seedance_test_wait_eos_or_error (b->bus, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "Another source of this process ran this "
      "same request: Task ");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "the river froze");
  gst_message_unref (msg);

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 0);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A leader held in PAUSED downloads one block and stands still: its
 * follower does not wait for it, and downloads the clip itself. */
GST_START_TEST (test_paused_leader_holds_nobody)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *b_path = seedance_test_fixture_path (f, "b.mp4");
  SeedanceTestRun *a = seedance_test_run_new (f, PROMPT, NULL,
      "blocksize=4096");
  SeedanceTestRun *b;

  fail_unless_equals_int (gst_element_set_state (a->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (a->pipeline, NULL, NULL,
          SEEDANCE_TEST_TIMEOUT), GST_STATE_CHANGE_SUCCESS);
  b = seedance_test_run_new (f, PROMPT, b_path, NULL);
  seedance_test_assert_eos (seedance_test_run_play (b, SEEDANCE_TEST_TIMEOUT));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);
  assert_whole_clip (b_path);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  g_free (b_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A follower stopped while it waits leaves at once, and its leader goes
 * on to the end. */
GST_START_TEST (test_follower_stops)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  SeedanceTestRun *a, *b;
  GThread *ta;
  gint64 start, took;

  seedance_test_config_init (&config);
  config.generation_ms = 3000;
  f = seedance_test_fixture_new (&config);
  a = seedance_test_run_new (f, PROMPT, NULL, NULL);
  b = seedance_test_run_new (f, PROMPT, NULL, NULL);
  ta = g_thread_new ("a", play_in_thread, a);
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  start_following (b);
  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (b->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  took = g_get_monotonic_time () - start;
  /* Immediate; the bound only absorbs a loaded machine or valgrind. */
  fail_unless (took < G_USEC_PER_SEC, "the stop took %" G_GINT64_FORMAT " ms",
      took / 1000);
  seedance_test_assert_eos (g_thread_join (ta));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 1);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* With cache-mode=off nothing is shared: there is no cache to play. */
GST_START_TEST (test_cache_off_not_shared)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SeedanceTestRun *a = seedance_test_run_new (f, PROMPT, NULL,
      "cache-mode=off");
  SeedanceTestRun *b = seedance_test_run_new (f, PROMPT, NULL,
      "cache-mode=off");
  GThread *ta = g_thread_new ("a", play_in_thread, a);
  GThread *tb = g_thread_new ("b", play_in_thread, b);

  seedance_test_assert_eos (g_thread_join (ta));
  seedance_test_assert_eos (g_thread_join (tb));
  /* "No journal, no cache: always submit", as cache-mode=off says. */
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
sharedrun_suite (void)
{
  Suite *s = suite_create ("sharedrun");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_one_pipeline);
  tcase_add_test (tc, test_pipelines);
  tcase_add_test (tc, test_leader_stops);
  tcase_add_test (tc, test_task_failure_shared);
  tcase_add_test (tc, test_paused_leader_holds_nobody);
  tcase_add_test (tc, test_follower_stops);
  tcase_add_test (tc, test_cache_off_not_shared);
  return s;
}

SEEDANCE_CHECK_MAIN (sharedrun);
