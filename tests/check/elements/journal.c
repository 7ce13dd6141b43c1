/* gst-seedance: the task journal and clip cache
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Every pipeline that asks for the same request, in this process or
 * another, pays once: the journal resumes the task, the cache plays the
 * clip. Each test's fixture points XDG_CACHE_HOME at its own scratch
 * directory, so each starts with an empty journal. */

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "seedanceenums.h"
#include "seedancejournal.h"
#include "seedancerequest.h"
#include "seedancetestutils.h"

#define PROMPT "a heron lands on a frozen lake"
#define OTHER_PROMPT "a heron takes off from a frozen lake"
/* The environment variable that makes this program the pipeline that is
 * killed (see main()). */
#define CHILD_ENV "SEEDANCE_JOURNAL_TEST_CHILD"

static guint
count (SeedanceTestFixture * f, const gchar * method, const gchar * path)
{
  return seedance_test_fixture_count_requests (f, method, path);
}

/* The one file in the cache's @sub directory ending with @suffix. */
static gchar *
only_file (SeedanceTestFixture * f, const gchar * sub, const gchar * suffix)
{
  gchar *dir = seedance_test_fixture_cache_path (f, sub);
  gchar *found = seedance_test_only_file (dir, suffix);

  g_free (dir);
  return found;
}

static guint
count_files (SeedanceTestFixture * f, const gchar * sub, const gchar * suffix)
{
  gchar *dir = seedance_test_fixture_cache_path (f, sub);
  guint n = seedance_test_count_files (dir, suffix);

  g_free (dir);
  return n;
}

/* A rerun after success: no request at all, the same bytes; the journal
 * and the clip are private files without the key. */
GST_START_TEST (test_rerun_plays_cache)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *first_path = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_path = seedance_test_fixture_path (f, "second.mp4");
  gchar *entry, *clip, *clip_file, *text, *warnings;
  guint before;
  GStatBuf st;

  g_free (seedance_test_run_to_eos (f, PROMPT, first_path, NULL));
  seedance_test_fixture_poll_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  before = count (f, NULL, NULL);
  warnings = seedance_test_run_to_eos (f, PROMPT, second_path, NULL);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, NULL, NULL), before);
  seedance_test_assert_same_bytes (first_path, second_path);

  entry = only_file (f, "journal", ".json");
  clip = only_file (f, "clips", ".mp4");
  clip_file = g_strdup (clip);
  seedance_test_assert_same_bytes (first_path, clip);
  fail_unless (g_stat (entry, &st) == 0 && (st.st_mode & 0777) == 0600);
  fail_unless (g_stat (clip, &st) == 0 && (st.st_mode & 0777) == 0600);
  g_free (clip);
  clip = seedance_test_fixture_cache_path (f, "journal");
  fail_unless (g_stat (clip, &st) == 0 && (st.st_mode & 0777) == 0700);
  fail_unless (g_file_get_contents (entry, &text, NULL, NULL));
  fail_if (strstr (text, SEEDANCE_TEST_API_KEY) != NULL, "%s", text);
  fail_unless (strstr (text, "\"success\"") != NULL, "%s", text);
  fail_unless (strstr (text, clip_file) != NULL, "%s", text);

  g_free (text);
  g_free (warnings);
  g_free (clip_file);
  g_free (clip);
  g_free (entry);
  g_free (second_path);
  g_free (first_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* cache-mode=off: no journal, a new task each run. resume: a finished
 * request is generated anew. */
GST_START_TEST (test_modes_off_and_resume)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, "cache-mode=off"));
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, "cache-mode=off"));
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  fail_unless_equals_int (count_files (f, "journal", ".json"), 0);
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 0);

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 3);
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, "cache-mode=resume"));
  fail_unless_equals_int (count (f, "POST", NULL), 4);
  /* The request is the same whatever the mode: reuse plays the clip of
   * the newest task. */
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 4);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static void
link_to_sink (GstElement * decodebin, GstPad * pad, GstElement * sink)
{
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
}

/* GstDiscoverer, then uridecodebin, on one seedance:// URI: one POST. The
 * URI cannot name the API: the environment does, as for a user. */
GST_START_TEST (test_discoverer_then_uridecodebin)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *uri = g_strdup ("seedance://?prompt=a%20heron&duration=4"
      "&resolution=480p&generate-audio=false&poll-interval=1000");
  GstDiscoverer *discoverer;
  GstDiscovererInfo *info;
  GstElement *pipeline, *decodebin, *sink;
  GstCaps *caps;
  GstBus *bus;
  GError *error = NULL;

  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);
  g_setenv ("MODELLIX_BASE_URL", seedance_emulator_get_api_origin
      (f->emulator), TRUE);
  discoverer = gst_discoverer_new (SEEDANCE_TEST_TIMEOUT, &error);
  fail_unless (discoverer != NULL);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  fail_unless (info != NULL, "%s", error ? error->message : "");
  seedance_test_assert_duration (info, 4 * GST_SECOND);
  gst_discoverer_info_unref (info);
  g_object_unref (discoverer);

  pipeline = gst_pipeline_new (NULL);
  decodebin = gst_element_factory_make ("uridecodebin", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  caps = gst_caps_from_string ("video/x-raw");
  g_object_set (decodebin, "uri", uri, "caps", caps, NULL);
  gst_caps_unref (caps);
  gst_bin_add_many (GST_BIN (pipeline), decodebin, sink, NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (link_to_sink), sink);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (bus,
          SEEDANCE_TEST_TIMEOUT));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_unsetenv ("MODELLIX_API_KEY");
  g_unsetenv ("MODELLIX_BASE_URL");

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);

  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (uri);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static gpointer
run_in_thread (gpointer data)
{
  return seedance_test_run_play (data, SEEDANCE_TEST_TIMEOUT);
}

/* Two pipelines started together on one request: one POST, one task, the
 * same clip in both. */
GST_START_TEST (test_concurrent_pipelines_submit_once)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  gchar *a_path, *b_path;
  GThread *ta, *tb;
  SeedanceTestRun *a, *b;

  seedance_test_config_init (&config);
  config.generation_ms = 1000;
  f = seedance_test_fixture_new (&config);
  a_path = seedance_test_fixture_path (f, "a.mp4");
  b_path = seedance_test_fixture_path (f, "b.mp4");
  a = seedance_test_run_new (f, PROMPT, a_path, NULL);
  b = seedance_test_run_new (f, PROMPT, b_path, NULL);
  ta = g_thread_new ("a", run_in_thread, a);
  tb = g_thread_new ("b", run_in_thread, b);
  seedance_test_assert_eos (g_thread_join (ta));
  seedance_test_assert_eos (g_thread_join (tb));

  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_assert_same_bytes (a_path, b_path);

  seedance_test_run_free (a);
  seedance_test_run_free (b);
  g_free (a_path);
  g_free (b_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A pipeline killed with SIGKILL while its task is generated: run again,
 * the task is resumed (no new POST) and the clip arrives. */
GST_START_TEST (test_killed_then_resumed)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  gchar *out = NULL, **envp;
  const gchar *argv[] = { "/proc/self/exe", NULL };
  gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  GError *error = NULL;
  GPid pid;
  gint status;
  gint64 deadline;

  seedance_test_config_init (&config);
  config.generation_ms = 3000;
  f = seedance_test_fixture_new (&config);
  argv[0] = self;
  envp = g_get_environ ();
  envp = g_environ_setenv (envp, CHILD_ENV, PROMPT, TRUE);
  envp = g_environ_setenv (envp, "MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  envp = g_environ_setenv (envp, "MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY,
      TRUE);
  fail_unless (g_spawn_async (NULL, (gchar **) argv, envp,
          G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error), "%s",
      error ? error->message : "");

  /* Killed once its task was queried: submitted, not finished. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (count (f, "GET", SEEDANCE_TEST_TASKS_PATH) < 1) {
    fail_unless (g_get_monotonic_time () < deadline, "the child never polled");
    g_usleep (10000);
  }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  fail_unless (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 0);

  out = seedance_test_fixture_path (f, "resumed.mp4");
  g_free (seedance_test_run_to_eos (f, PROMPT, out, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  fail_unless (g_file_test (out, G_FILE_TEST_IS_REGULAR));

  g_strfreev (envp);
  g_free (out);
  g_free (self);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The result URL expired (the files origin answers 410): the task is
 * asked again for a fresh URL. When that one is refused too, the error
 * says why. */
GST_START_TEST (test_expired_result_url)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SeedanceTestRun *r;
  GstMessage *msg;

  seedance_test_fixture_add_fault (f, "download:410");
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_emulator_count_requests (f->emulator,
          "GET", SEEDANCE_TEST_FILES_PATH), 2);

  seedance_test_fixture_add_fault (f, "download:410:count=2");
  r = seedance_test_run_new (f, OTHER_PROMPT, NULL, NULL);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, "expire");
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Entries that cannot be trusted are ignored with a warning (a new task
 * is paid for); a damaged cached clip is discarded and the task's clip
 * downloaded again, without a new task. */
static const gchar *bad_entries[][2] = {
  {"{\"format\": \"gst-seedance-journal/1\", \"fingerprint\": ", "not JSON"},
  {"", "it is empty"},
  {"[1, 2, 3]", "not a JSON object"},
  {"{\"format\": \"gst-seedance-journal/1\", \"fingerprint\": \"0000\", "
        "\"task_id\": \"task-x\", \"status\": \"pending\", "
        "\"video_url_expires\": 0, \"clip_size\": 0, \"updated\": 1}",
      "belongs to another request"},
  {"{\"format\": \"something-else\"}", "is not a gst-seedance-journal"},
};

GST_START_TEST (test_corrupt_entry_ignored)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *entry, *warnings;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  entry = only_file (f, "journal", ".json");
  fail_unless (g_file_set_contents (entry, bad_entries[__i__][0], -1, NULL));

  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
  fail_unless (strstr (warnings, "is ignored") != NULL, "%s", warnings);
  fail_unless (strstr (warnings, bad_entries[__i__][1]) != NULL, "%s",
      warnings);
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  /* The new task's entry replaced it. */
  g_free (warnings);
  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, "POST", NULL), 2);

  g_free (warnings);
  g_free (entry);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_damaged_clip_discarded)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *first_path = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_path = seedance_test_fixture_path (f, "second.mp4");
  gchar *clip, *data, *warnings;
  gsize length;

  g_free (seedance_test_run_to_eos (f, PROMPT, first_path, NULL));
  clip = only_file (f, "clips", ".mp4");
  fail_unless (g_file_get_contents (clip, &data, &length, NULL));
  /* Same size, one byte changed: only the checksum can tell. */
  data[length / 2] ^= 0x55;
  fail_unless (g_file_set_contents (clip, data, length, NULL));

  warnings = seedance_test_run_to_eos (f, PROMPT, second_path, NULL);
  fail_unless (strstr (warnings, "is discarded") != NULL, "%s", warnings);
  fail_unless (strstr (warnings, "checksum") != NULL, "%s", warnings);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);
  seedance_test_assert_same_bytes (first_path, second_path);
  seedance_test_assert_same_bytes (first_path, clip);

  g_free (warnings);
  g_free (data);
  g_free (clip);
  g_free (second_path);
  g_free (first_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The Range of the last GET of the clip, "none" without one. */
static gchar *
last_clip_range (SeedanceTestFixture * f)
{
  GPtrArray *ranges = seedance_test_fixture_clip_ranges (f);
  gchar *range;

  fail_unless (ranges->len > 0, "no GET of the clip");
  range = g_strdup (g_ptr_array_index (ranges, ranges->len - 1));
  g_ptr_array_unref (ranges);
  return range;
}

/* A cached clip is checked block by block as it plays (blocks of 4 MiB).
 * One byte changed in its third block: the first two blocks play from
 * the cache, the damaged one is never played; the clip is discarded with
 * a warning and the rest downloaded from the damaged block on, so the
 * clip that plays is right. No new task; the next run downloads the
 * whole clip and caches it again. */
GST_START_TEST (test_damaged_block_downloaded_again)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *first_path = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_path = seedance_test_fixture_path (f, "second.mp4");
  gchar *third_path = seedance_test_fixture_path (f, "third.mp4");
  gchar *clip, *data, *warnings, *range;
  gsize length;

  seedance_test_fixture_add_fault (f, "task:clip-bytes=10M");
  g_free (seedance_test_run_to_eos (f, PROMPT, first_path, NULL));
  clip = only_file (f, "clips", ".mp4");
  fail_unless (g_file_get_contents (clip, &data, &length, NULL));
  fail_unless_equals_int (length, 10 << 20);
  /* Same size, one byte of the third block changed. */
  data[(9 << 20) + 12345] ^= 0x55;
  fail_unless (g_file_set_contents (clip, data, length, NULL));

  warnings = seedance_test_run_to_eos (f, PROMPT, second_path, NULL);
  fail_unless (strstr (warnings, "is discarded") != NULL, "%s", warnings);
  fail_unless (strstr (warnings, "checksum") != NULL, "%s", warnings);
  fail_unless (strstr (warnings, "downloaded again") != NULL, "%s", warnings);
  seedance_test_assert_same_bytes (first_path, second_path);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);
  range = last_clip_range (f);
  fail_unless_equals_string (range, "bytes=8388608-");
  g_free (range);
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));

  g_free (warnings);
  warnings = seedance_test_run_to_eos (f, PROMPT, third_path, NULL);
  fail_unless_equals_string (warnings, "");
  seedance_test_assert_same_bytes (first_path, third_path);
  seedance_test_assert_same_bytes (first_path, clip);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 3);

  g_free (warnings);
  g_free (data);
  g_free (clip);
  g_free (third_path);
  g_free (second_path);
  g_free (first_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A cached clip cut short is refused before any of it plays: the clip is
 * downloaded again whole and cached again, without a new task. */
GST_START_TEST (test_truncated_clip_downloaded_again)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *first_path = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_path = seedance_test_fixture_path (f, "second.mp4");
  gchar *clip, *warnings, *range;
  GStatBuf st;

  g_free (seedance_test_run_to_eos (f, PROMPT, first_path, NULL));
  clip = only_file (f, "clips", ".mp4");
  fail_unless (g_stat (clip, &st) == 0);
  fail_unless (truncate (clip, st.st_size / 2) == 0);

  warnings = seedance_test_run_to_eos (f, PROMPT, second_path, NULL);
  fail_unless (strstr (warnings, "is discarded") != NULL, "%s", warnings);
  fail_unless (strstr (warnings, "bytes, not") != NULL, "%s", warnings);
  seedance_test_assert_same_bytes (first_path, second_path);
  seedance_test_assert_same_bytes (first_path, clip);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH), 2);
  range = last_clip_range (f);
  fail_unless_equals_string (range, "none");

  g_free (range);
  g_free (warnings);
  g_free (clip);
  g_free (second_path);
  g_free (first_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A submission cut off after it was sent (here: a process that died
 * during the POST) is never sent again by a later run. */
GST_START_TEST (test_uncertain_entry_refused)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *entry, *fingerprint, *json;
  GstMessage *msg;
  SeedanceTestRun *r;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  entry = only_file (f, "journal", ".json");
  fingerprint = g_path_get_basename (entry);
  *strstr (fingerprint, ".json") = '\0';
  json = g_strdup_printf ("{\"format\": \"gst-seedance-journal/1\", "
      "\"fingerprint\": \"%s\", \"status\": \"submitting\", "
      "\"video_url_expires\": 0, \"clip_size\": 0, \"updated\": 1}",
      fingerprint);
  fail_unless (g_file_set_contents (entry, json, -1, NULL));

  r = seedance_test_run_new (f, PROMPT, NULL, NULL);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "is not sent again");
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  g_free (json);
  g_free (fingerprint);
  g_free (entry);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* cache-size=0 keeps only the clip in use: the older one is evicted, and
 * asking for it again resumes its task (no POST) and caches it again. */
GST_START_TEST (test_cache_bound_evicts)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  guint downloads;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, "cache-size=0"));
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 1);
  g_free (seedance_test_run_to_eos (f, OTHER_PROMPT, NULL, "cache-size=0"));
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 1);
  fail_unless_equals_int (count (f, "POST", NULL), 2);

  downloads = count (f, "GET", SEEDANCE_TEST_FILES_PATH);
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, "cache-size=0"));
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_FILES_PATH),
      downloads + 1);
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 1);

  /* With room for both, both stay. */
  g_free (seedance_test_run_to_eos (f, OTHER_PROMPT, NULL, NULL));
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 2);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Once the whole clip is cached, a seek is served from the file: no new
 * request reaches the files origin. */
GST_START_TEST (test_seek_after_first_pass_from_cache)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, NULL, NULL);
  guint downloads;

  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));
  seedance_test_fixture_poll_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);
  downloads = count (f, NULL, NULL);

  fail_unless (gst_element_seek_simple (r->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 1000));
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (r->bus,
          SEEDANCE_TEST_TIMEOUT));
  fail_unless_equals_int (count (f, NULL, NULL), downloads);
  seedance_test_run_free (r);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Another pipeline that holds the request's lock and never lets go: the
 * wait ends at timeout with an error naming it, and nothing is sent. */
GST_START_TEST (test_lock_wait_bounded)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *lock, *name, *dir, *pid, *warnings;
  SeedanceJournal *journal;
  GError *error = NULL;
  gboolean locked = FALSE;
  GstMessage *msg;
  gint64 start;
  SeedanceTestRun *r;

  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
  g_free (warnings);
  lock = only_file (f, "journal", ".lock");
  name = g_path_get_basename (lock);
  *strrchr (name, '.') = '\0';
  dir = g_build_filename (f->tmpdir, "cache", "gst-seedance", NULL);
  journal = seedance_journal_open (dir, name, &error);
  g_assert_no_error (error);
  fail_unless (seedance_journal_try_lock (journal, &locked, &error));
  fail_unless (locked);
  seedance_emulator_clear_requests (f->emulator);

  r = seedance_test_run_new (f, PROMPT, NULL, "timeout=2");
  start = g_get_monotonic_time ();
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  fail_unless (g_get_monotonic_time () - start < 20 * G_USEC_PER_SEC);
  pid = g_strdup_printf ("process %d", (gint) getpid ());
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, pid);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "journal lock");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "nothing was sent");
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  /* Once it lets go, the request plays from the cache. */
  seedance_journal_free (journal);
  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
  g_free (warnings);
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (pid);
  g_free (dir);
  g_free (name);
  g_free (lock);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The fingerprint seedance_test_run_new()'s request had at @origin (NULL:
 * the emulator's) before the account was in it, or (@api_key) before the
 * origin was normalised. */
static gchar *
former_fingerprint (SeedanceTestFixture * f, const gchar * origin,
    const gchar * api_key)
{
  SeedanceRequest r;
  gchar *body, *fingerprint;
  GError *error = NULL;

  seedance_request_init (&r);
  r.prompt = g_strdup (PROMPT);
  r.duration = 4;
  r.generate_audio = FALSE;
  r.resolution = GST_SEEDANCE_RESOLUTION_480P;
  r.set_fields = 1u << SEEDANCE_FIELD_PROMPT | 1u << SEEDANCE_FIELD_DURATION
      | 1u << SEEDANCE_FIELD_GENERATE_AUDIO | 1u << SEEDANCE_FIELD_RESOLUTION;
  body = seedance_request_build_body (&r, NULL, &error);
  g_assert_no_error (error);
  if (origin == NULL)
    origin = seedance_emulator_get_api_origin (f->emulator);
  fingerprint = api_key ? seedance_request_fingerprint (origin,
      SEEDANCE_TEST_DEFAULT_MODEL, api_key, body) :
      seedance_request_legacy_fingerprint (origin,
      SEEDANCE_TEST_DEFAULT_MODEL, body);
  seedance_request_clear (&r);
  g_free (body);
  return fingerprint;
}

/* Turns the one entry (and clip) of the journal into what an earlier
 * version wrote for the same request: another name, @legacy (taken), also
 * inside, and @status. */
static void
make_former (SeedanceTestFixture * f, const gchar * status, gchar * legacy)
{
  gchar *entry_path = only_file (f, "journal", ".json");
  gchar *clip_path = only_file (f, "clips", ".mp4");
  gchar *name = g_path_get_basename (entry_path), *text, *path;
  gchar *dir = seedance_test_fixture_cache_path (f, NULL), *old_text;
  gchar **parts;
  SeedanceJournal *journal;
  SeedanceJournalEntry *entry;
  GError *error = NULL;

  *strrchr (name, '.') = '\0';
  fail_if (g_strcmp0 (legacy, name) == 0);
  fail_unless (g_file_get_contents (entry_path, &old_text, NULL, NULL));
  parts = g_strsplit (old_text, name, -1);
  text = g_strjoinv (legacy, parts);
  g_strfreev (parts);
  g_free (old_text);
  path = g_build_filename (dir, "journal", legacy, NULL);
  old_text = g_strconcat (path, ".json", NULL);
  fail_unless (g_file_set_contents (old_text, text, -1, NULL));
  g_free (old_text);
  old_text = g_build_filename (dir, "clips", legacy, NULL);
  g_free (path);
  path = g_strconcat (old_text, ".mp4", NULL);
  fail_unless (g_rename (clip_path, path) == 0);
  fail_unless (g_unlink (entry_path) == 0);

  /* The status the previous version left. */
  journal = seedance_journal_open (dir, legacy, &error);
  g_assert_no_error (error);
  entry = seedance_journal_read (journal, NULL);
  fail_unless (entry != NULL, "the legacy entry does not parse");
  g_free (entry->status);
  entry->status = g_strdup (status);
  if (g_strcmp0 (status, "submitting") == 0)
    g_clear_pointer (&entry->task_id, g_free);
  fail_unless (seedance_journal_write (journal, entry, &error));
  seedance_journal_entry_free (entry);
  seedance_journal_free (journal);

  g_free (old_text);
  g_free (path);
  g_free (text);
  g_free (legacy);
  g_free (name);
  g_free (dir);
  g_free (clip_path);
  g_free (entry_path);
}

/* An entry the previous version wrote (no account in its name) is still
 * the request's: a cached clip plays with no request, a submission that
 * was in flight still blocks. */
GST_START_TEST (test_legacy_entry_adopted)
{
  gboolean submitting = __i__;
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *warnings;

  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
  g_free (warnings);
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  make_former (f, submitting ? "submitting" : "success",
      former_fingerprint (f, NULL, NULL));
  seedance_emulator_clear_requests (f->emulator);

  if (submitting) {
    SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, NULL, NULL);
    GstMessage *msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);

    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_FAILED, "may exist");
    gst_message_unref (msg);
    seedance_test_run_free (r);
  } else {
    warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
    g_free (warnings);
  }
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  /* Under the new name now, and only there. */
  fail_unless_equals_int (count_files (f, "journal", ".json"), 1);
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* An entry an earlier version named by the origin as typed, before the
 * origin was normalised (here HTTP://LOCALHOST:<port>): adopted, its
 * clip played, nothing paid again. */
GST_START_TEST (test_former_origin_adopted)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *port = strrchr (seedance_emulator_get_api_origin
      (f->emulator), ':');
  gchar *typed = g_strconcat ("HTTP://LOCALHOST", port, NULL);
  gchar *former = g_strconcat ("http://LOCALHOST", port, NULL);
  guint run;

  for (run = 0; run < 2; run++) {
    SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, NULL, NULL);

    g_object_set (r->src, "api-url", typed, NULL);
    seedance_test_assert_eos (seedance_test_run_play (r,
            SEEDANCE_TEST_TIMEOUT));
    seedance_test_run_free (r);
    if (run > 0)
      break;
    seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
    make_former (f, "success", former_fingerprint (f, former,
            SEEDANCE_TEST_API_KEY));
    seedance_emulator_clear_requests (f->emulator);
  }
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  fail_unless_equals_int (count_files (f, "journal", ".json"), 1);
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 1);

  g_free (former);
  g_free (typed);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* One run to EOS of @prompt paid with @key. */
static void
run_with_key (SeedanceTestFixture * f, const gchar * prompt, const gchar * key)
{
  SeedanceTestRun *r = seedance_test_run_new (f, prompt, NULL, NULL);

  g_object_set (r->src, "api-key", key, NULL);
  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));
  seedance_test_run_free (r);
}

/* A cache dir shared by two keys: each account pays for its own task and
 * plays only its own clip, and each finds its own again. */
GST_START_TEST (test_cache_per_account)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;

  seedance_test_config_init (&config);
  config.api_key = NULL;        /* any key is an account */
  f = seedance_test_fixture_new (&config);

  run_with_key (f, PROMPT, "sk-account-a-0123456789");
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  run_with_key (f, PROMPT, "sk-account-b-0123456789");
  seedance_test_fixture_poll_requests (f, "POST", NULL, 2);
  fail_unless_equals_int (count_files (f, "journal", ".json"), 2);
  fail_unless_equals_int (count_files (f, "clips", ".mp4"), 2);

  /* Each account's rerun plays its own cached clip: no request at all. */
  seedance_emulator_clear_requests (f->emulator);
  run_with_key (f, PROMPT, "sk-account-a-0123456789");
  run_with_key (f, PROMPT, "sk-account-b-0123456789");
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
journal_suite (void)
{
  Suite *s = suite_create ("journal");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_rerun_plays_cache);
  tcase_add_test (tc, test_modes_off_and_resume);
  tcase_add_test (tc, test_discoverer_then_uridecodebin);
  tcase_add_test (tc, test_concurrent_pipelines_submit_once);
  tcase_add_test (tc, test_killed_then_resumed);
  tcase_add_test (tc, test_expired_result_url);
  tcase_add_loop_test (tc, test_corrupt_entry_ignored, 0,
      G_N_ELEMENTS (bad_entries));
  tcase_add_test (tc, test_damaged_clip_discarded);
  tcase_add_test (tc, test_damaged_block_downloaded_again);
  tcase_add_test (tc, test_truncated_clip_downloaded_again);
  tcase_add_test (tc, test_uncertain_entry_refused);
  tcase_add_test (tc, test_cache_bound_evicts);
  tcase_add_test (tc, test_seek_after_first_pass_from_cache);
  tcase_add_test (tc, test_cache_per_account);
  tcase_add_test (tc, test_lock_wait_bounded);
  tcase_add_loop_test (tc, test_legacy_entry_adopted, 0, 2);
  tcase_add_test (tc, test_former_origin_adopted);
  return s;
}

/* As CHILD_ENV's child: the pipeline test_killed_then_resumed kills. */
static int
run_child (const gchar * prompt)
{
  GstElement *pipeline;
  GstMessage *msg;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch ("seedancesrc name=src duration=4 "
      "resolution=480p generate-audio=false poll-interval=50 ! fakesink", NULL);
  g_object_set (gst_bin_get_by_name (GST_BIN (pipeline), "src"), "prompt",
      prompt, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  /* Not reached: the test kills this process first_path. */
  return msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS ? 0 : 1;
}

int
main (int argc, char **argv)
{
  const gchar *child_prompt = g_getenv (CHILD_ENV);

  if (child_prompt)
    return run_child (child_prompt);
  seedance_test_prepare_environment ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (journal_suite (), "journal", __FILE__);
}
