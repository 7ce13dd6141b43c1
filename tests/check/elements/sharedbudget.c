/* gst-seedance: many sources, one key
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Every source of a key shares the key's request budget: 16 sources in one
 * pipeline, or 4 processes of 3 sources sharing a cache directory, against
 * an emulator that enforces the API's 100 requests a minute (a sliding
 * window of 60 s), get every clip and not one 429; a 429 storm slows every
 * source and loses none; a source whose poll waits for its slot leaves at
 * once. */

#include <string.h>
#include <sys/wait.h>

#include "seedancetestutils.h"

/* What the API allows a key, and what the sources are told it is. */
#define LIMIT 100

/* Set in a child of this suite: the cache directory of its pipeline. */
#define CHILD_ENV "SEEDANCE_SHAREDBUDGET_TEST_CHILD"
#define CHILD_PREFIX_ENV "SEEDANCE_SHAREDBUDGET_TEST_PREFIX"
#define SOURCES_PER_PROCESS 3

/* An emulator allowing @per_window requests per @window_ms of each key
 * (0: no limit), whose tasks take @generation_ms. */
static SeedanceTestFixture *
fixture_with_limit (guint per_window, guint window_ms, guint generation_ms)
{
  SeedanceEmulatorConfig config;

  seedance_test_config_init (&config);
  config.rate_limit_per_minute = per_window;
  config.rate_limit_window_ms = window_ms;
  config.generation_ms = generation_ms;
  return seedance_test_fixture_new (&config);
}

/* "seedancesrc name=s<i> ... ! fakesink" for @n sources of @prefix's
 * prompts, each with the key's budget and a small clip. */
static gchar *
branches (guint n, const gchar * prefix, const gchar * settings)
{
  GString *d = g_string_new (NULL);
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (d, "seedancesrc name=s%u prompt=\"%s %u\" "
        "duration=4 resolution=480p generate-audio=false poll-interval=50 "
        "requests-per-minute=%u %s ! fakesink ", i, prefix, i, (guint) LIMIT,
        settings ? settings : "");
  return g_string_free (d, FALSE);
}

/* Plays @pipeline until every one of its @n sources' streams ended: one
 * EOS for the pipeline, which comes after every sink's. Fails on an
 * error. */
static void
play_to_eos (GstElement * pipeline, GstClockTime timeout)
{
  GstBus *bus = gst_element_get_bus (pipeline);

  fail_unless_equals_int (gst_element_set_state (pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (bus, timeout));
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
}

/* A pipeline of @description, its sources pointed at the emulator. */
static GstElement *
pipeline_at (SeedanceTestFixture * f, const gchar * description, guint n)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);
  guint i;

  fail_unless (pipeline != NULL, "%s", error ? error->message : "");
  for (i = 0; i < n; i++) {
    gchar *name = g_strdup_printf ("s%u", i);
    GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), name);

    g_object_set (src, "api-url", seedance_emulator_get_api_origin
        (f->emulator), "api-key", SEEDANCE_TEST_API_KEY, NULL);
    gst_object_unref (src);
    g_free (name);
  }
  return pipeline;
}

/* 16 sources in one gst-launch-1.0 line: every clip, zero 429s. */
GST_START_TEST (test_sixteen_sources_one_pipeline)
{
  SeedanceTestFixture *f = fixture_with_limit (LIMIT, 60000, 1000);
  gchar *description = branches (16, "sixteen", NULL);
  GstElement *pipeline = pipeline_at (f, description, 16);

  play_to_eos (pipeline, 120 * GST_SECOND);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 16);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          NULL), 0);

  gst_object_unref (pipeline);
  g_free (description);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The child: SOURCES_PER_PROCESS sources of CHILD_PREFIX_ENV's prompts,
 * with the cache directory CHILD_ENV names; exits 0 on EOS. */
static int
run_child (const gchar * cache_dir)
{
  gchar *settings = g_strdup_printf ("cache-dir=\"%s\"", cache_dir);
  gchar *description = branches (SOURCES_PER_PROCESS,
      g_getenv (CHILD_PREFIX_ENV), settings);
  GstElement *pipeline;
  GstMessage *msg;
  int status;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (description, NULL);
  if (pipeline == NULL)
    return 3;
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      120 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  status = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS ? 0 : 1;
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;

    gst_message_parse_error (msg, &error, NULL);
    g_printerr ("%s\n", error->message);
    g_error_free (error);
  }
  gst_clear_message (&msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (description);
  g_free (settings);
  return status;
}

/* 4 processes of 3 sources, one key, one cache directory: they share the
 * key's budget through it, as if they were one process. The emulator
 * allows the same rate over a 12 s window (20 requests), stricter than a
 * minute's, and tasks take 6 s: each process alone stays within the
 * rate, the four together would not, unless they share it. */
GST_START_TEST (test_four_processes_share_the_key)
{
  SeedanceTestFixture *f = fixture_with_limit (LIMIT / 5, 12000, 6000);
  gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  gchar *cache = seedance_test_fixture_path (f, "cache");
  const gchar *argv[] = { self, NULL };
  GPid pids[4];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pids); i++) {
    gchar **envp = g_get_environ ();
    gchar *prefix = g_strdup_printf ("process %u", i);
    GError *error = NULL;

    envp = g_environ_setenv (envp, CHILD_ENV, cache, TRUE);
    envp = g_environ_setenv (envp, CHILD_PREFIX_ENV, prefix, TRUE);
    envp = g_environ_setenv (envp, "MODELLIX_BASE_URL",
        seedance_emulator_get_api_origin (f->emulator), TRUE);
    envp = g_environ_setenv (envp, "MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY,
        TRUE);
    fail_unless (g_spawn_async (NULL, (gchar **) argv, envp,
            G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pids[i], &error), "%s",
        error ? error->message : "");
    g_strfreev (envp);
    g_free (prefix);
  }
  for (i = 0; i < G_N_ELEMENTS (pids); i++) {
    gint status;

    fail_unless (waitpid (pids[i], &status, 0) == pids[i]);
    g_spawn_close_pid (pids[i]);
    fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
        "process %u ended with status %d", i, status);
  }
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 4 * SOURCES_PER_PROCESS);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          NULL), 0);

  g_free (cache);
  g_free (self);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A storm of 429s mid-run, each asking for 2 s: every source of the key
 * waits them out together (one after the other, so the storm lasts at
 * least 5 x 2 s), and every clip still arrives. */
GST_START_TEST (test_429_storm_slows_every_source)
{
  SeedanceTestFixture *f = fixture_with_limit (0, 0, 1000);
  gchar *description = branches (6, "storm", NULL);
  GstElement *pipeline = pipeline_at (f, description, 6);
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 start;

  fail_unless_equals_int (gst_element_set_state (pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_await_requests (f, "GET", SEEDANCE_TEST_TASKS_PATH, 1);
  start = g_get_monotonic_time ();
  seedance_test_fixture_add_fault (f, "poll:429:retry-after=2:count=5");
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (bus,
          120 * GST_SECOND));
  /* Each 429 paused the key: the next source asked only after it. */
  fail_unless (g_get_monotonic_time () - start >= 5 * 2 * G_USEC_PER_SEC,
      "the storm was over in %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  fail_unless_equals_int (seedance_emulator_count_faults (f->emulator), 0);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 6);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (description);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A poll that waits for its slot (a budget of one request a minute: the
 * submission took the first slot, the poll's is a minute away) leaves at
 * once when the pipeline stops, and is never sent. */
GST_START_TEST (test_stop_while_queued)
{
  SeedanceTestFixture *f = fixture_with_limit (0, 0, 1000);
  SeedanceTestRun *r = seedance_test_run_new (f, "queued", NULL,
      "requests-per-minute=1 cache-mode=off");
  gint64 start;

  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  /* The task exists: its first poll waits for a slot a minute away. */
  seedance_test_wait_task_status (r->bus, "submitted");
  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC,
      "the stop took %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_TASKS_PATH), 0);
  seedance_test_run_free (r);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
sharedbudget_suite (void)
{
  Suite *s = suite_create ("sharedbudget");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 240);
  tcase_add_test (tc, test_sixteen_sources_one_pipeline);
  tcase_add_test (tc, test_four_processes_share_the_key);
  tcase_add_test (tc, test_429_storm_slows_every_source);
  tcase_add_test (tc, test_stop_while_queued);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *child = g_getenv (CHILD_ENV);

  if (child)
    return run_child (child);
  seedance_test_prepare_environment ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (sharedbudget_suite (), "sharedbudget", __FILE__);
}
