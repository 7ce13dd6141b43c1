/* gst-seedance: the clip's last frame, on every run
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* return-last-frame=true with last-frame-location: the frame is written
 * on every run, from the clip cache on a rerun, so that a script chaining
 * shots (the last frame of one as the first frame of the next) reruns for
 * nothing. Each test counts what reached the emulator: POSTs are paid,
 * task queries and downloads are not, and a rerun of what is cached makes
 * no request at all. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"

#define PROMPT "a paper boat drifts down a gutter in the rain"
#define OTHER_PROMPT "the paper boat sails into a storm drain"
#define FRAME_SETTINGS "return-last-frame=true"
/* Names the cache could have made, and is given instead. */
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define PNG_MAGIC "\x89PNG\r\n\x1a\n"

static guint
count (SeedanceTestFixture * f, const gchar * method, const gchar * path)
{
  return seedance_test_fixture_count_requests (f, method, path);
}

/* GETs of the files origin for names ending with @suffix: ".png" is the
 * emulator's last frame, ".mp4" its clip. */
static guint
count_files_gets (SeedanceTestFixture * f, const gchar * suffix)
{
  GPtrArray *requests = seedance_emulator_get_requests (f->emulator);
  guint i, n = 0;

  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (g_strcmp0 (r->method, "GET") == 0
        && g_str_has_prefix (r->path, SEEDANCE_TEST_FILES_PATH)
        && g_str_has_suffix (r->path, suffix))
      n++;
  }
  g_ptr_array_unref (requests);
  return n;
}

/* "return-last-frame=true last-frame-location=@location" and @more. */
static gchar *
frame_settings (const gchar * location, const gchar * more)
{
  return g_strdup_printf (FRAME_SETTINGS " last-frame-location=\"%s\" %s",
      location, more ? more : "");
}

/* The seedance-task message of @r with @status; fails unless there is
 * exactly one. */
static const GstStructure *
task_message (SeedanceTestRun * r, const gchar * status)
{
  const GstStructure *found = NULL;
  guint i, n = 0;

  for (i = 0; i < r->task_messages->len; i++) {
    const GstStructure *s = g_ptr_array_index (r->task_messages, i);

    if (g_strcmp0 (gst_structure_get_string (s, "status"), status) == 0) {
      found = s;
      n++;
    }
  }
  fail_unless_equals_int (n, 1);
  return found;
}

/* Runs @prompt with @settings to EOS, output to @out (NULL: fakesink),
 * and checks the message that announces the result (@status): it names
 * @file as last-frame-location (NULL: it has none). Returns the run's
 * warnings. */
static gchar *
run_expecting_frame (SeedanceTestFixture * f, const gchar * prompt,
    const gchar * out, const gchar * settings, const gchar * status,
    const gchar * file)
{
  SeedanceTestRun *r = seedance_test_run_new (f, prompt, out, settings);
  const GstStructure *s;
  gchar *warnings;
  guint i;

  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));
  s = task_message (r, status);
  /* The cache's own copy is never named as a location of the user's. */
  fail_unless_equals_string (gst_structure_get_string (s, file
          && g_str_has_suffix (file, ".last-frame") ? "last-frame-cache-file" :
          "last-frame-location"), file);
  /* The file is named once it is there, never before. */
  for (i = 0; i < r->task_messages->len; i++) {
    const GstStructure *m = g_ptr_array_index (r->task_messages, i);

    if (m != s)
      fail_if (gst_structure_has_field (m, "last-frame-location")
          || gst_structure_has_field (m, "last-frame-cache-file"),
          "%" GST_PTR_FORMAT " names a frame", m);
  }
  warnings = g_strdup (r->warnings->str);
  seedance_test_run_free (r);
  return warnings;
}

/* The id of the one task the emulator created. */
static gchar *
only_task (SeedanceTestFixture * f)
{
  gchar **tasks = seedance_emulator_list_tasks (f->emulator);
  gchar *task_id;

  fail_unless (tasks && tasks[0] && !tasks[1], "not one task");
  task_id = g_strdup (tasks[0]);
  g_strfreev (tasks);
  return task_id;
}

/* The emulator's last frame of the last task it created. */
static gchar *
emulator_frame (SeedanceTestFixture * f)
{
  gchar **tasks = seedance_emulator_list_tasks (f->emulator);
  gchar *path;

  fail_unless (tasks && tasks[0], "no task was created");
  path = seedance_emulator_get_frame_path (f->emulator,
      tasks[g_strv_length (tasks) - 1]);
  fail_unless (path != NULL, "the emulator rendered no frame");
  g_strfreev (tasks);
  return path;
}

/* The cache's name for the last frame of the clip at @clip (taken). */
static gchar *
frame_beside (gchar * clip)
{
  gchar *frame;

  fail_unless (g_str_has_suffix (clip, ".mp4"), "%s", clip);
  frame = g_strdup_printf ("%.*s.last-frame", (gint) (strlen (clip) - 4), clip);
  g_free (clip);
  return frame;
}

/* The cache's file of the one request cached, with @suffix. */
static gchar *
cached_file (SeedanceTestFixture * f, const gchar * suffix)
{
  gchar *clips = seedance_test_fixture_cache_path (f, "clips");
  gchar *found = seedance_test_only_file (clips, suffix);

  g_free (clips);
  return found;
}

static void
assert_png (const gchar * path)
{
  gchar *data = NULL;
  gsize length = 0;

  fail_unless (g_file_get_contents (path, &data, &length, NULL), "no %s", path);
  fail_unless (length > 8 && memcmp (data, PNG_MAGIC, 8) == 0,
      "%s is no PNG", path);
  g_free (data);
}

/* The first run writes the emulator's frame, byte for byte, pays once,
 * and names the file in the message of its success; the frame went
 * without the key and is kept in the cache, recorded in the journal. */
GST_START_TEST (test_first_run_writes_frame)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *settings = frame_settings (location, NULL);
  gchar *warnings, *frame, *cached, *journal, *entry, *text;
  GPtrArray *requests;
  guint i;

  warnings = run_expecting_frame (f, PROMPT, NULL, settings, "success",
      location);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count_files_gets (f, ".png"), 1);

  frame = emulator_frame (f);
  assert_png (location);
  seedance_test_assert_same_bytes (frame, location);
  cached = cached_file (f, ".last-frame");
  seedance_test_assert_same_bytes (frame, cached);

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->origin == SEEDANCE_EMULATOR_ORIGIN_FILES)
      fail_unless (r->authorization == NULL, "%s was sent the key", r->path);
  }
  g_ptr_array_unref (requests);

  journal = seedance_test_fixture_cache_path (f, "journal");
  entry = seedance_test_only_file (journal, ".json");
  fail_unless (g_file_get_contents (entry, &text, NULL, NULL));
  fail_unless (strstr (text, "\"last_frame_sha256\"") != NULL, "%s", text);
  fail_unless (strstr (text, cached) != NULL, "%s", text);

  g_free (text);
  g_free (entry);
  g_free (journal);
  g_free (cached);
  g_free (frame);
  g_free (warnings);
  g_free (settings);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A rerun after the frame file was deleted writes it again from the
 * cache: no request at all, and the cached message names it. */
GST_START_TEST (test_rerun_rewrites_frame_from_cache)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *copy = seedance_test_fixture_path (f, "first-last.png");
  gchar *first_clip = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_clip = seedance_test_fixture_path (f, "second.mp4");
  gchar *settings = frame_settings (location, NULL);
  gchar *warnings;

  g_free (run_expecting_frame (f, PROMPT, first_clip, settings, "success",
          location));
  fail_unless (g_rename (location, copy) == 0);
  seedance_emulator_clear_requests (f->emulator);

  warnings = run_expecting_frame (f, PROMPT, second_clip, settings, "cached",
      location);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  seedance_test_assert_same_bytes (copy, location);
  seedance_test_assert_same_bytes (first_clip, second_clip);

  g_free (warnings);
  g_free (settings);
  g_free (second_clip);
  g_free (first_clip);
  g_free (copy);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Without last-frame-location the frame is still cached, and the message
 * names the cache's copy (as last-frame-cache-file, never as a location
 * of the user's), on the first run and on a rerun. */
GST_START_TEST (test_cached_frame_named_without_location)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *clips = seedance_test_fixture_cache_path (f, "clips");
  gchar *frame, *cached;
  SeedanceTestRun *r;

  r = seedance_test_run_new (f, PROMPT, NULL, FRAME_SETTINGS);
  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));
  cached = cached_file (f, ".last-frame");
  fail_unless_equals_string (gst_structure_get_string (task_message (r,
              "success"), "last-frame-cache-file"), cached);
  fail_if (gst_structure_has_field (task_message (r, "success"),
          "last-frame-location"));
  fail_unless (gst_structure_get_string (task_message (r, "success"),
          "last-frame-url") != NULL);
  seedance_test_run_free (r);
  frame = emulator_frame (f);
  seedance_test_assert_same_bytes (frame, cached);

  seedance_emulator_clear_requests (f->emulator);
  g_free (run_expecting_frame (f, PROMPT, NULL, FRAME_SETTINGS, "cached",
          cached));
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (frame);
  g_free (cached);
  g_free (clips);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Shot 2 starts from shot 1's last frame: its request carries the frame's
 * bytes, and a rerun of both shots pays nothing and asks nothing. */
GST_START_TEST (test_chained_shots)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *frame1 = seedance_test_fixture_path (f, "shot1-last.png");
  gchar *frame2 = seedance_test_fixture_path (f, "shot2-last.png");
  gchar *shot1 = frame_settings (frame1, NULL);
  gchar *more = g_strdup_printf ("first-frame-image=\"%s\"", frame1);
  gchar *shot2 = frame_settings (frame2, more);
  gchar *uri;
  JsonNode *body;
  JsonObject *o;

  g_free (run_expecting_frame (f, PROMPT, NULL, shot1, "success", frame1));
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  assert_png (frame1);
  seedance_emulator_clear_requests (f->emulator);

  g_free (run_expecting_frame (f, OTHER_PROMPT, NULL, shot2, "success",
          frame2));
  body = seedance_test_fixture_get_submit_body (f, NULL);
  o = json_node_get_object (body);
  uri = seedance_test_data_uri_for_file (frame1, "image/png");
  fail_unless_equals_string (json_object_get_string_member (o,
          "first_frame_image"), uri);
  fail_unless (json_object_get_boolean_member (o, "return_last_frame"));
  assert_png (frame2);

  /* The script again: both shots from the cache. */
  seedance_emulator_clear_requests (f->emulator);
  g_unlink (frame1);
  g_unlink (frame2);
  g_free (run_expecting_frame (f, PROMPT, NULL, shot1, "cached", frame1));
  g_free (run_expecting_frame (f, OTHER_PROMPT, NULL, shot2, "cached", frame2));
  fail_unless_equals_int (count (f, "POST", NULL), 0);
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  assert_png (frame2);

  g_free (uri);
  json_node_unref (body);
  g_free (shot2);
  g_free (more);
  g_free (shot1);
  g_free (frame2);
  g_free (frame1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The cached frame is gone (evicted by hand) or damaged (same size, other
 * bytes) while the clip is cached: no POST, one task query for a fresh
 * URL, one download of the frame, and the clip plays from the cache. */
GST_START_TEST (test_frame_lost_clip_cached)
{
  gboolean damage = __i__ == 1;
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *first_clip = seedance_test_fixture_path (f, "first.mp4");
  gchar *second_clip = seedance_test_fixture_path (f, "second.mp4");
  gchar *settings = frame_settings (location, NULL);
  gchar *cached, *frame, *data, *warnings;
  gsize length;

  g_free (run_expecting_frame (f, PROMPT, first_clip, settings, "success",
          location));
  cached = cached_file (f, ".last-frame");
  if (damage) {
    fail_unless (g_file_get_contents (cached, &data, &length, NULL));
    data[length / 2] ^= 0x5a;
    fail_unless (g_file_set_contents (cached, data, length, NULL));
    g_free (data);
  } else {
    fail_unless (g_unlink (cached) == 0);
  }
  g_unlink (location);
  seedance_emulator_clear_requests (f->emulator);

  warnings = run_expecting_frame (f, PROMPT, second_clip, settings, "cached",
      location);
  if (damage)
    fail_unless (strstr (warnings, "The cached last frame of task") != NULL
        && strstr (warnings, "is discarded") != NULL, "%s", warnings);
  else
    fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, "POST", NULL), 0);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_TASKS_PATH), 1);
  fail_unless_equals_int (count_files_gets (f, ".png"), 1);
  fail_unless_equals_int (count_files_gets (f, ".mp4"), 0);
  frame = emulator_frame (f);
  seedance_test_assert_same_bytes (frame, location);
  seedance_test_assert_same_bytes (frame, cached);
  seedance_test_assert_same_bytes (first_clip, second_clip);

  /* And it is cached again: the next rerun asks nothing. */
  seedance_emulator_clear_requests (f->emulator);
  g_free (run_expecting_frame (f, PROMPT, NULL, settings, "cached", location));
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (warnings);
  g_free (frame);
  g_free (cached);
  g_free (settings);
  g_free (second_clip);
  g_free (first_clip);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A flushing seek (GES and NLE seek during preroll) while a cached replay
 * asks the task for its lost frame: the frame still comes before the
 * clip's first byte, and the cached message is posted once, naming it. */
GST_START_TEST (test_flush_during_replay_frame)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *settings = frame_settings (location, NULL);
  gchar *cached, *task_id, *fault;
  SeedanceTestRun *r;
  GstMessage *msg;
  guint cached_messages = 0;
  gint64 deadline;

  g_free (run_expecting_frame (f, PROMPT, NULL, settings, "success", location));
  task_id = only_task (f);
  cached = cached_file (f, ".last-frame");
  fail_unless (g_unlink (cached) == 0);
  fail_unless (g_unlink (location) == 0);
  /* The query is held longer than the run may last (SEEDANCE_TEST_TIMEOUT):
   * the run ends only if the seek cuts it short. */
  fault = g_strdup_printf ("poll:slow=90000:task=%s", task_id);
  seedance_test_fixture_add_fault (f, fault);
  seedance_emulator_clear_requests (f->emulator);

  r = seedance_test_run_new (f, PROMPT, NULL, settings);
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  /* The seek comes while the query is in flight, held by the emulator. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (seedance_emulator_count_held (f->emulator) == 0) {
    fail_unless (g_get_monotonic_time () < deadline, "no query was held");
    g_usleep (10 * 1000);
  }
  fail_unless (gst_element_seek_simple (r->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));
  for (;;) {
    msg = gst_bus_timed_pop_filtered (r->bus, SEEDANCE_TEST_TIMEOUT,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "the run did not end");
    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
      break;
    if (gst_message_has_name (msg, "seedance-task")) {
      const GstStructure *st = gst_message_get_structure (msg);

      fail_unless_equals_string (gst_structure_get_string (st, "status"),
          "cached");
      fail_unless_equals_string (gst_structure_get_string (st,
              "last-frame-location"), location);
      cached_messages++;
    }
    gst_message_unref (msg);
  }
  seedance_test_assert_eos (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (cached_messages, 1);
  assert_png (location);
  fail_unless_equals_int (count (f, "POST", NULL), 0);
  fail_unless_equals_int (count_files_gets (f, ".png"), 1);
  fail_unless_equals_int (count_files_gets (f, ".mp4"), 0);

  g_free (fault);
  g_free (task_id);
  g_free (cached);
  g_free (settings);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The frame is lost from the cache and the task's outputs are gone (the
 * API no longer knows the task): with last-frame-location that is an
 * error naming the task; without, a warning, and the cached clip plays.
 * Nothing is paid either way. */
GST_START_TEST (test_outputs_expired)
{
  gboolean with_location = __i__ == 0;
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *settings = with_location ? frame_settings (location, NULL) :
      g_strdup (FRAME_SETTINGS);
  gchar *task_id, *cached, *fault;
  SeedanceTestRun *r;
  GstMessage *msg;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, settings));
  task_id = only_task (f);
  cached = cached_file (f, ".last-frame");
  fail_unless (g_unlink (cached) == 0);
  g_unlink (location);
  fault = g_strdup_printf ("poll:404:task=%s", task_id);
  seedance_test_fixture_add_fault (f, fault);
  seedance_emulator_clear_requests (f->emulator);

  r = seedance_test_run_new (f, PROMPT, NULL, settings);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  if (with_location) {
    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_READ, task_id);
    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_READ, "outputs may have expired");
    gst_message_unref (msg);
    fail_if (g_file_test (location, G_FILE_TEST_EXISTS));
  } else {
    seedance_test_assert_eos (msg);
    fail_unless (strstr (r->warnings->str, "outputs may have expired") != NULL,
        "%s", r->warnings->str);
    fail_if (gst_structure_has_field (task_message (r, "cached"),
            "last-frame-location"));
  }
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, "POST", NULL), 0);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_TASKS_PATH), 1);
  fail_unless_equals_int (count_files_gets (f, ""), 0);

  g_free (fault);
  g_free (cached);
  g_free (task_id);
  g_free (settings);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Refused at start, naming what to fix, with nothing sent: a location
 * without return-last-frame (which would change the paid request), one
 * whose directory is missing, an empty one, a directory, the request's
 * own first frame (every rerun would overwrite it and pay again). */
static const struct
{
  const gchar *settings;        /* @DIR@: the scratch directory, @IMAGE@:
                                 * a PNG in it */
  const gchar *named[2];        /* in the message */
} refused_settings[] = {
  {"last-frame-location=\"@DIR@/last.png\"",
      {"'last-frame-location'", "return-last-frame=true"}},
  {"return-last-frame=false last-frame-location=\"@DIR@/last.png\"",
      {"'last-frame-location'", "return-last-frame=true"}},
  {FRAME_SETTINGS " last-frame-location=\"@DIR@/missing/last.png\"",
      {"'last-frame-location'", "does not exist"}},
  {FRAME_SETTINGS " last-frame-location=\"\"",
      {"'last-frame-location'", "empty"}},
  {FRAME_SETTINGS " last-frame-location=\"@DIR@\"",
      {"'last-frame-location'", "is a directory"}},
  {FRAME_SETTINGS " first-frame-image=\"@IMAGE@\" "
        "last-frame-location=\"@IMAGE@\"",
      {"'last-frame-location'", "is also first-frame-image"}},
  {FRAME_SETTINGS " first-frame-image=\"file://@IMAGE@\" "
        "last-frame-location=\"@DIR@/./shot.png\"",
      {"'last-frame-location'", "is also first-frame-image"}},
};

GST_START_TEST (test_refused_at_start)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GString *settings = g_string_new (refused_settings[__i__].settings);
  gchar *description, *image;
  GstMessage *msg;
  guint i;

  image = seedance_test_fixture_write_image (f, "shot.png", "pngenc");
  g_string_replace (settings, "@IMAGE@", image, 0);
  g_string_replace (settings, "@DIR@", f->tmpdir, 0);
  description = g_strdup_printf ("seedancesrc name=src %s ! fakesink",
      settings->str);
  seedance_test_fixture_launch (f, description);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  msg = seedance_test_fixture_fail_to_start (f);
  for (i = 0; i < G_N_ELEMENTS (refused_settings[__i__].named); i++)
    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_SETTINGS, refused_settings[__i__].named[i]);
  gst_message_unref (msg);
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (image);
  g_free (description);
  g_string_free (settings, TRUE);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The frame host does not send an image, or sends it coded, or too much:
 * with last-frame-location the run fails (RESOURCE READ) before the clip;
 * nothing is written under the frame's names, in the cache or at the
 * location; a rerun pays nothing and gets the frame. */
static const struct
{
  const gchar *fault;
  const gchar *named;           /* in the message */
} refused_frames[] = {
  {"download:html:file=frame", "not a PNG, JPEG or WebP image"},
  {"download:gzip:file=frame", "Content-Encoding 'gzip'"},
  {"download:content-length=40000000:file=frame", "larger than"},
  {"download:endless:file=frame", "larger than a last frame may be"},
};

GST_START_TEST (test_frame_refused)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *settings = frame_settings (location, NULL);
  gchar *clips = seedance_test_fixture_cache_path (f, "clips");
  SeedanceTestRun *r;
  GstMessage *msg;

  seedance_test_fixture_add_fault (f, refused_frames[__i__].fault);
  r = seedance_test_run_new (f, PROMPT, NULL, settings);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, "The last frame of task");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, refused_frames[__i__].named);
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (seedance_emulator_count_faults (f->emulator), 0);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count_files_gets (f, ".mp4"), 0);
  fail_unless_equals_int (seedance_test_count_files (clips, ".last-frame"), 0);
  fail_unless_equals_int (seedance_test_count_files (clips, ".part"), 0);
  fail_unless_equals_int (seedance_test_count_files (f->tmpdir, "last.png"), 0);
  fail_if (g_file_test (location, G_FILE_TEST_EXISTS));

  g_free (run_expecting_frame (f, PROMPT, NULL, settings, "success", location));
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  assert_png (location);

  g_free (clips);
  g_free (settings);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Without last-frame-location a refused frame is only a warning: the clip
 * plays and is cached, the frame is not; the rerun asks the task for it
 * (no POST) and caches it. */
GST_START_TEST (test_frame_refused_cache_only)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *clips = seedance_test_fixture_cache_path (f, "clips");
  gchar *warnings, *cached;

  seedance_test_fixture_add_fault (f, "download:html:file=frame");
  warnings = run_expecting_frame (f, PROMPT, NULL, FRAME_SETTINGS, "success",
      NULL);
  fail_unless (strstr (warnings, "The last frame of task") != NULL
      && strstr (warnings, "is not cached") != NULL, "%s", warnings);
  g_free (warnings);
  fail_unless_equals_int (seedance_test_count_files (clips, ".last-frame"), 0);
  fail_unless_equals_int (seedance_test_count_files (clips, ".mp4"), 1);
  seedance_emulator_clear_requests (f->emulator);

  cached = frame_beside (cached_file (f, ".mp4"));
  warnings = run_expecting_frame (f, PROMPT, NULL, FRAME_SETTINGS, "cached",
      cached);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (count (f, "POST", NULL), 0);
  fail_unless_equals_int (count (f, "GET", SEEDANCE_TEST_TASKS_PATH), 1);
  fail_unless_equals_int (count_files_gets (f, ".png"), 1);
  fail_unless_equals_int (count_files_gets (f, ".mp4"), 0);
  assert_png (cached);

  g_free (warnings);
  g_free (cached);
  g_free (clips);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* cache-mode=off: the frame goes straight to the location; each run pays,
 * as cache-mode=off says, and nothing is cached. */
GST_START_TEST (test_cache_off)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *location = seedance_test_fixture_path (f, "last.png");
  gchar *settings = frame_settings (location, "cache-mode=off");
  gchar *clips = seedance_test_fixture_cache_path (f, "clips");
  gchar *frame;

  g_free (run_expecting_frame (f, PROMPT, NULL, settings, "success", location));
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  frame = emulator_frame (f);
  seedance_test_assert_same_bytes (frame, location);
  fail_unless_equals_int (seedance_test_count_files (clips, ""), 0);
  fail_unless_equals_int (seedance_test_count_files (f->tmpdir, ".part"), 0);

  g_free (frame);
  g_free (clips);
  g_free (settings);
  g_free (location);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A URI must never choose where files are written: last-frame-location
 * is refused in one, nothing changes and nothing is sent. */
GST_START_TEST (test_uri_refuses_location)
{
  static const gchar *const uris[] = {
    ("seedance://?prompt=p&return-last-frame=true"
        "&last-frame-location=%2Ftmp%2Fx.png"),
    "seedance://?prompt=p&return_last_frame=true&last_frame_location=x.png",
    "seedance://?last-frame-location=",
  };
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *src = seedance_test_fixture_make_src (f);
  GError *error = NULL;
  gchar *location = NULL;
  guint i;

  g_object_set (src, "last-frame-location", "mine.png", NULL);
  for (i = 0; i < G_N_ELEMENTS (uris); i++) {
    fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src), uris[i],
            &error), "%s was taken", uris[i]);
    fail_unless (g_error_matches (error, GST_URI_ERROR,
            GST_URI_ERROR_BAD_URI), "%s: %s", uris[i], error->message);
    fail_unless (strstr (error->message, "'last-frame-location' is not "
            "allowed in a URI") != NULL, "%s", error->message);
    g_clear_error (&error);
  }
  g_object_get (src, "last-frame-location", &location, NULL);
  fail_unless_equals_string (location, "mine.png");
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (location);
  gst_object_unref (src);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static void
write_file (const gchar * path, const gchar * contents)
{
  GError *error = NULL;

  fail_unless (g_file_set_contents (path, contents, -1, &error), "%s: %s",
      path, error ? error->message : "");
}

static void
assert_contents (const gchar * path, const gchar * expected)
{
  gchar *contents = NULL;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "%s is gone", path);
  fail_unless_equals_string (contents, expected);
  g_free (contents);
}

/* Sets @path's modification time @days ago, not following a symlink. */
static void
age (const gchar * path, gint days)
{
  struct timespec times[2];

  times[0].tv_sec = times[1].tv_sec = time (NULL) - days * 24 * 3600;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  fail_unless (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0,
      "%s: %s", path, g_strerror (errno));
}

/* cache-size=0 in a directory of the user's: an evicted clip's frame goes
 * with it, the frame of the request in use stays, and no file of the
 * user's goes, whatever its name; a symlink is never followed. */
GST_START_TEST (test_eviction_takes_frames)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *videos = seedance_test_fixture_path (f, "Videos");
  gchar *clips = g_build_filename (videos, "clips", NULL);
  gchar *outside = seedance_test_fixture_path (f, "outside.png");
  gchar *link = g_build_filename (clips, HEX_A ".last-frame", NULL);
  gchar *link_part = g_build_filename (clips,
      HEX_A ".last-frame.77-0badf00d.part", NULL);
  gchar *holiday = g_build_filename (clips, "holiday.last-frame", NULL);
  gchar *near_part = g_build_filename (clips, HEX_B ".last-frame.part", NULL);
  gchar *upper = g_build_filename (clips,
      "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"
      ".last-frame", NULL);
  gchar *longer = g_build_filename (clips, HEX_C ".last-frame.png", NULL);
  gchar *stale_part = g_build_filename (clips,
      HEX_C ".last-frame.4242-deadbeef.part", NULL);
  gchar *frame_a = seedance_test_fixture_path (f, "a.png");
  gchar *frame_b = seedance_test_fixture_path (f, "b.png");
  gchar *more = g_strdup_printf ("cache-size=0 cache-dir=\"%s\"", videos);
  gchar *settings_a = frame_settings (frame_a, more);
  gchar *settings_b = frame_settings (frame_b, more);
  gchar *own_clip, *own_frame;

  fail_unless (g_mkdir_with_parents (clips, 0700) == 0);
  write_file (outside, "a picture of mine");
  fail_unless (symlink (outside, link) == 0);
  fail_unless (symlink (outside, link_part) == 0);
  write_file (holiday, "the summer of 2025");
  write_file (near_part, "almost a part file");
  write_file (upper, "almost a frame");
  write_file (longer, "a frame with more to its name");
  write_file (stale_part, "");
  age (link_part, 2);
  age (holiday, 400);
  age (near_part, 2);
  age (upper, 2);
  age (longer, 2);
  age (stale_part, 2);

  g_free (run_expecting_frame (f, PROMPT, NULL, settings_a, "success",
          frame_a));
  /* The request in use keeps its clip and its frame. */
  own_clip = seedance_test_only_file (clips, ".mp4");
  own_frame = frame_beside (g_strdup (own_clip));
  fail_unless (g_file_test (own_frame, G_FILE_TEST_IS_REGULAR), "no %s",
      own_frame);

  g_free (run_expecting_frame (f, OTHER_PROMPT, NULL, settings_b, "success",
          frame_b));
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  fail_if (g_file_test (own_clip, G_FILE_TEST_EXISTS), "%s was not evicted",
      own_clip);
  fail_if (g_file_test (own_frame, G_FILE_TEST_EXISTS),
      "%s was not evicted with its clip", own_frame);
  /* The second request's clip and frame are the ones in use: they stay. */
  g_free (own_frame);
  own_frame = frame_beside (seedance_test_only_file (clips, ".mp4"));
  fail_unless (g_file_test (own_frame, G_FILE_TEST_IS_REGULAR), "no %s",
      own_frame);
  assert_contents (outside, "a picture of mine");
  assert_contents (holiday, "the summer of 2025");
  assert_contents (near_part, "almost a part file");
  assert_contents (upper, "almost a frame");
  assert_contents (longer, "a frame with more to its name");
  fail_unless (g_file_test (link, G_FILE_TEST_IS_SYMLINK), "%s went", link);
  fail_unless (g_file_test (link_part, G_FILE_TEST_IS_SYMLINK), "%s went",
      link_part);
  fail_if (g_file_test (stale_part, G_FILE_TEST_EXISTS),
      "the stale part file of the cache's own stayed");
  /* The first request's frame still plays from the location it was
   * written to: eviction is of the cache's copies only. */
  assert_png (frame_a);

  g_free (own_frame);
  g_free (own_clip);
  g_free (settings_b);
  g_free (settings_a);
  g_free (more);
  g_free (frame_b);
  g_free (frame_a);
  g_free (stale_part);
  g_free (longer);
  g_free (upper);
  g_free (near_part);
  g_free (holiday);
  g_free (link_part);
  g_free (link);
  g_free (outside);
  g_free (clips);
  g_free (videos);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
lastframe_suite (void)
{
  Suite *s = suite_create ("lastframe");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_first_run_writes_frame);
  tcase_add_test (tc, test_rerun_rewrites_frame_from_cache);
  tcase_add_test (tc, test_cached_frame_named_without_location);
  tcase_add_test (tc, test_chained_shots);
  tcase_add_loop_test (tc, test_frame_lost_clip_cached, 0, 2);
  tcase_add_test (tc, test_flush_during_replay_frame);
  tcase_add_loop_test (tc, test_outputs_expired, 0, 2);
  tcase_add_loop_test (tc, test_refused_at_start, 0,
      G_N_ELEMENTS (refused_settings));
  tcase_add_loop_test (tc, test_frame_refused, 0,
      G_N_ELEMENTS (refused_frames));
  tcase_add_test (tc, test_frame_refused_cache_only);
  tcase_add_test (tc, test_cache_off);
  tcase_add_test (tc, test_uri_refuses_location);
  tcase_add_test (tc, test_eviction_takes_frames);
  return s;
}

SEEDANCE_CHECK_MAIN (lastframe);
