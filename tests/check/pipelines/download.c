/* gst-seedance: seedancesrc end to end against the emulator
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* From a prompt to a playable clip: the bytes the emulator served reach a
 * filesink unchanged after one submission; qtdemux and decodebin play them
 * (moov first or last) with the size, duration and streams the request
 * asked for; HTTP errors become the right element errors. */

#include <string.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"

#define PROMPT "a red fox runs through fresh snow"


static SeedanceTestFixture *
fixture_new_with_faststart (gboolean faststart)
{
  SeedanceEmulatorConfig config;

  seedance_test_config_init (&config);
  config.faststart = faststart;

  return seedance_test_fixture_new (&config);
}

/* Watches what reaches the pipeline's element named "sink". */
static void
attach_sink_info (SeedanceTestFixture * f, SeedanceTestSinkInfo * info)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");

  seedance_test_sink_info_init (info);
  seedance_test_sink_info_attach (info, sink);
  gst_object_unref (sink);
}

/* The id in the path of the task polls, checking they all name one task. */
static gchar *
get_polled_task_id (SeedanceTestFixture * f)
{
  GPtrArray *requests;
  gchar *task_id = NULL;
  guint i;

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);
    const gchar *id;

    if (r->origin != SEEDANCE_EMULATOR_ORIGIN_API
        || !g_str_has_prefix (r->path, SEEDANCE_TEST_TASKS_PATH))
      continue;
    id = r->path + strlen (SEEDANCE_TEST_TASKS_PATH);
    if (task_id == NULL)
      task_id = g_strdup (id);
    else
      fail_unless_equals_string (id, task_id);
  }
  g_ptr_array_unref (requests);

  fail_unless (task_id != NULL, "the task was never polled");
  return task_id;
}

static gint
caps_get_int (GstCaps * caps, const gchar * field)
{
  gint value = -1;

  fail_unless (caps != NULL, "no caps");
  fail_unless (gst_structure_get_int (gst_caps_get_structure (caps, 0), field,
          &value), "no %s in %" GST_PTR_FORMAT, field, caps);

  return value;
}

/* ------------------------------------------------------------------------ */

/* seedancesrc ! filesink writes what the emulator served, after one POST. */
GST_START_TEST (test_filesink_identical_bytes)
{
  SeedanceTestFixture *f;
  SeedanceTestSinkInfo info;
  gchar *out_path, *description, *task_id, *polled_id, *clip_path;
  gchar *written, *served;
  gsize written_len, served_len;

  f = seedance_test_fixture_new (NULL);
  out_path = seedance_test_fixture_path (f, "out.mp4");
  description = g_strdup_printf ("seedancesrc name=src prompt=\"" PROMPT "\" "
      "duration=4 resolution=480p generate-audio=false "
      "! filesink name=sink location=\"%s\"", out_path);
  seedance_test_fixture_launch (f, description);

  attach_sink_info (f, &info);

  seedance_test_fixture_run_to_eos (f);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_expect_requests (f, "POST",
      SEEDANCE_TEST_SUBMIT_PATH, 1);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);

  /* task-id holds the submitted task, announced with notify. */
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id != NULL && *task_id != '\0', "task-id is not set");
  polled_id = get_polled_task_id (f);
  fail_unless_equals_string (task_id, polled_id);
  g_mutex_lock (&f->lock);
  fail_unless (f->task_id_notifies >= 1, "notify::task-id never fired");
  g_mutex_unlock (&f->lock);

  /* The caps came from typefinding the bytes. */
  g_mutex_lock (&info.lock);
  fail_unless (info.caps != NULL, "no caps reached the filesink");
  fail_unless_equals_string (gst_structure_get_name (gst_caps_get_structure
          (info.caps, 0)), "video/quicktime");
  fail_unless (info.n_buffers > 0);
  fail_unless_equals_uint64 (info.first_offset, 0);
  fail_unless (info.offsets_contiguous, "buffer offsets are not byte offsets");
  g_mutex_unlock (&info.lock);

  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (clip_path != NULL, "the emulator has no clip for %s", task_id);
  fail_unless (g_file_get_contents (clip_path, &served, &served_len, NULL));
  fail_unless (g_file_get_contents (out_path, &written, &written_len, NULL));
  fail_unless (served_len > 0);
  fail_unless_equals_uint64 (written_len, served_len);
  fail_unless_equals_uint64 (info.n_bytes, served_len);
  fail_unless (memcmp (written, served, served_len) == 0,
      "%s differs from the clip served, %s", out_path, clip_path);

  g_free (written);
  g_free (served);
  g_free (clip_path);
  g_free (polled_id);
  g_free (task_id);
  g_free (description);
  g_free (out_path);
  seedance_test_fixture_free (f);
  seedance_test_sink_info_clear (&info);
}

GST_END_TEST;

/* seedancesrc ! qtdemux ! h264parse ! fakesink, with the moov atom at the
 * end and at the start.  seedancesrc works in push mode only: qtdemux 1.22
 * keeps an mdat that comes before the moov in memory when upstream is under
 * 4 MiB (the emulator's clips are), and beyond that seeks upstream in bytes,
 * which must then show as Range requests.  test_byte_seek covers those
 * seeks whatever the size. */
typedef struct
{
  gboolean faststart;
  const gchar *ratio;
  const gchar *resolution;
  gint duration;
  gboolean generate_audio;
  gint width;
  gint height;
} QtdemuxCase;

static const QtdemuxCase qtdemux_cases[] = {
  {FALSE, "9:16", "480p", 4, FALSE, 480, 864},
  {TRUE, "9:16", "480p", 4, FALSE, 480, 864},
  {FALSE, "16:9", "720p", 5, TRUE, 1280, 720},
  {TRUE, "16:9", "720p", 5, TRUE, 1280, 720},
};

/* Over this size, qtdemux seeks to a moov atom at the end. */
#define QTDEMUX_SEEK_THRESHOLD (4 * 1024 * 1024)

GST_START_TEST (test_qtdemux)
{
  const QtdemuxCase *c = &qtdemux_cases[__i__];
  SeedanceTestFixture *f;
  SeedanceTestSinkInfo info;
  GPtrArray *requests;
  GStatBuf st;
  gchar *task_id, *clip_path;
  guint i, expected_frames;
  gboolean ranged = FALSE;

  GST_INFO ("faststart=%d %s %s %d s", c->faststart, c->ratio, c->resolution,
      c->duration);

  f = fixture_new_with_faststart (c->faststart);
  seedance_test_fixture_launch (f, "seedancesrc name=src ! qtdemux name=demux "
      "demux.video_0 ! h264parse ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, "duration", c->duration,
      "generate-audio", c->generate_audio, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", c->ratio);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", c->resolution);

  attach_sink_info (f, &info);

  seedance_test_fixture_run_to_eos (f);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_mutex_lock (&info.lock);
  fail_unless_equals_string (gst_structure_get_name (gst_caps_get_structure
          (info.caps, 0)), "video/x-h264");
  fail_unless_equals_int (caps_get_int (info.caps, "width"), c->width);
  fail_unless_equals_int (caps_get_int (info.caps, "height"), c->height);
  /* 24 fps, one access unit per buffer. */
  expected_frames = c->duration * 24;
  fail_unless (info.n_buffers + 1 >= expected_frames
      && info.n_buffers <= expected_frames + 1,
      "%u frames for %d s at 24 fps", info.n_buffers, c->duration);
  fail_unless (GST_CLOCK_TIME_IS_VALID (info.last_end));
  fail_unless (ABS (GST_CLOCK_DIFF (c->duration * GST_SECOND,
              info.last_end)) <= SEEDANCE_TEST_FRAME_TOLERANCE,
      "the stream ends at %" GST_TIME_FORMAT, GST_TIME_ARGS (info.last_end));
  g_mutex_unlock (&info.lock);

  task_id = seedance_test_fixture_get_task_id (f);
  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (clip_path != NULL && g_stat (clip_path, &st) == 0);
  if (!c->faststart && st.st_size > QTDEMUX_SEEK_THRESHOLD) {
    /* The emulator logs a download once it ends: close them first. */
    fail_unless_equals_int (gst_element_set_state (f->pipeline,
            GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
    seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 2);
    requests = seedance_emulator_get_requests (f->emulator);
    for (i = 0; i < requests->len; i++) {
      SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

      if (r->origin == SEEDANCE_EMULATOR_ORIGIN_FILES && r->range
          && !g_str_has_prefix (r->range, "bytes=0-")) {
        fail_unless_equals_int (r->status, 206);
        ranged = TRUE;
      }
    }
    g_ptr_array_unref (requests);
    fail_unless (ranged, "qtdemux reached the moov atom without a Range "
        "request");
  }

  g_free (clip_path);
  g_free (task_id);
  seedance_test_fixture_free (f);
  seedance_test_sink_info_clear (&info);
}

GST_END_TEST;

/* A flushing seek in bytes re-reads the clip from there with a Range
 * request: what qtdemux relies on for a moov atom at the end. */
GST_START_TEST (test_byte_seek)
{
  SeedanceTestFixture *f;
  GstElement *sink;
  GstMessage *msg;
  GstQuery *query;
  GstSample *sample = NULL;
  GstBuffer *buf;
  GstMapInfo map;
  GPtrArray *requests;
  gchar *task_id, *clip_path, *served, *range;
  gsize served_len;
  gint64 seek_end = -1;
  gboolean seekable = FALSE, ranged = FALSE;
  guint i;
  const gint64 offset = 100000;

  f = seedance_test_fixture_new (NULL);
  seedance_test_fixture_launch (f,
      "seedancesrc name=src prompt=\"" PROMPT "\" duration=4 "
      "resolution=480p generate-audio=false ! fakesink name=sink");
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");

  /* Preroll: the task runs and the first block arrives. */
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  msg = gst_bus_timed_pop_filtered (f->bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no preroll");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ASYNC_DONE);
  gst_message_unref (msg);

  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id != NULL);
  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (clip_path != NULL);
  fail_unless (g_file_get_contents (clip_path, &served, &served_len, NULL));
  fail_unless (served_len > offset);

  /* Seekable in bytes, to the size the download announced. */
  query = gst_query_new_seeking (GST_FORMAT_BYTES);
  fail_unless (gst_element_query (f->src, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, &seek_end);
  gst_query_unref (query);
  fail_unless (seekable, "seedancesrc is not seekable in bytes");
  fail_unless_equals_int64 (seek_end, served_len);

  fail_unless (gst_element_seek_simple (f->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, offset));
  msg = gst_bus_timed_pop_filtered (f->bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no preroll after the seek");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ASYNC_DONE);
  gst_message_unref (msg);

  /* The block prerolled after the seek starts at the offset, with the
   * clip's bytes from there. */
  g_object_get (sink, "last-sample", &sample, NULL);
  fail_unless (sample != NULL);
  buf = gst_sample_get_buffer (sample);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), offset);
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  fail_unless (map.size > 0 && offset + map.size <= served_len);
  fail_unless (memcmp (map.data, served + offset, map.size) == 0,
      "the bytes after the seek are not the clip's");
  gst_buffer_unmap (buf, &map);
  gst_sample_unref (sample);

  /* Stopping closes the downloads, which the emulator then logs. */
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 2);
  range = g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-", offset);
  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->origin == SEEDANCE_EMULATOR_ORIGIN_FILES && r->range
        && g_str_has_prefix (r->range, range)) {
      fail_unless_equals_int (r->status, 206);
      ranged = TRUE;
    }
  }
  g_ptr_array_unref (requests);
  fail_unless (ranged, "no request with Range: %s", range);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_free (range);
  g_free (served);
  g_free (clip_path);
  g_free (task_id);
  gst_object_unref (sink);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* What decodebin exposed, filled from its streaming threads. */
typedef struct
{
  GMutex lock;
  guint n_video;
  guint n_audio;
  guint n_other;
  SeedanceTestSinkInfo video;
  SeedanceTestSinkInfo audio;
} DecodeResult;

static void
decodebin_pad_added_cb (GstElement * decodebin, GstPad * pad,
    DecodeResult * result)
{
  GstElement *sink;
  GstPad *sinkpad;
  GstCaps *caps;
  const gchar *name;

  caps = gst_pad_get_current_caps (pad);
  fail_unless (caps != NULL, "decodebin pad without caps");
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (GST_ELEMENT_PARENT (decodebin)), sink);

  g_mutex_lock (&result->lock);
  if (g_str_has_prefix (name, "video/x-raw")) {
    result->n_video++;
    seedance_test_sink_info_attach (&result->video, sink);
  } else if (g_str_has_prefix (name, "audio/x-raw")) {
    result->n_audio++;
    seedance_test_sink_info_attach (&result->audio, sink);
  } else {
    result->n_other++;
  }
  g_mutex_unlock (&result->lock);

  sinkpad = gst_element_get_static_pad (sink, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_element_sync_state_with_parent (sink);
  gst_caps_unref (caps);
}

typedef struct
{
  const gchar *ratio;
  const gchar *resolution;
  gint duration;
  gboolean generate_audio;
  gboolean faststart;
  gint width;                   /* what ratio x resolution imply */
  gint height;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  {"16:9", "720p", 5, TRUE, FALSE, 1280, 720},
  {"9:16", "480p", 4, FALSE, FALSE, 480, 864},
  {"9:16", "480p", 4, TRUE, TRUE, 480, 864},
};

/* seedancesrc ! decodebin ! fakesink: the size, duration and streams the
 * request asked for. */
GST_START_TEST (test_decodebin)
{
  const DecodeCase *c = &decode_cases[__i__];
  SeedanceTestFixture *f;
  DecodeResult result;
  GstElement *decodebin;
  GstClockTime expected;

  GST_INFO ("%s %s %d s audio=%d faststart=%d", c->ratio, c->resolution,
      c->duration, c->generate_audio, c->faststart);

  memset (&result, 0, sizeof (result));
  g_mutex_init (&result.lock);
  seedance_test_sink_info_init (&result.video);
  seedance_test_sink_info_init (&result.audio);

  f = fixture_new_with_faststart (c->faststart);
  seedance_test_fixture_launch (f, "seedancesrc name=src ! decodebin name=dec");
  g_object_set (f->src, "prompt", PROMPT, "duration", c->duration,
      "generate-audio", c->generate_audio, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", c->ratio);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", c->resolution);

  decodebin = gst_bin_get_by_name (GST_BIN (f->pipeline), "dec");
  g_signal_connect (decodebin, "pad-added",
      G_CALLBACK (decodebin_pad_added_cb), &result);
  gst_object_unref (decodebin);

  seedance_test_fixture_run_to_eos (f);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_mutex_lock (&result.lock);
  fail_unless_equals_int (result.n_video, 1);
  fail_unless_equals_int (result.n_audio, c->generate_audio ? 1 : 0);
  fail_unless_equals_int (result.n_other, 0);
  g_mutex_unlock (&result.lock);

  g_mutex_lock (&result.video.lock);
  fail_unless_equals_int (caps_get_int (result.video.caps, "width"), c->width);
  fail_unless_equals_int (caps_get_int (result.video.caps, "height"),
      c->height);
  fail_unless (result.video.n_buffers > 0);
  expected = c->duration * GST_SECOND;
  fail_unless (GST_CLOCK_TIME_IS_VALID (result.video.last_end));
  fail_unless (ABS (GST_CLOCK_DIFF (expected, result.video.last_end)) <=
      SEEDANCE_TEST_FRAME_TOLERANCE,
      "the video ends at %" GST_TIME_FORMAT ", not %" GST_TIME_FORMAT,
      GST_TIME_ARGS (result.video.last_end), GST_TIME_ARGS (expected));
  g_mutex_unlock (&result.video.lock);

  if (c->generate_audio) {
    g_mutex_lock (&result.audio.lock);
    fail_unless (result.audio.n_buffers > 0, "the audio stream is empty");
    g_mutex_unlock (&result.audio.lock);
  }

  seedance_test_fixture_free (f);
  seedance_test_sink_info_clear (&result.video);
  seedance_test_sink_info_clear (&result.audio);
  g_mutex_clear (&result.lock);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Errors from the service */

/* A key the service refuses: NOT_AUTHORIZED after one POST, no poll. */
GST_START_TEST (test_unauthorized)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  GstMessage *msg;
  gchar *task_id;

  seedance_test_config_init (&config);
  config.api_key = "sk-another-key";
  f = seedance_test_fixture_new (&config);
  seedance_test_fixture_launch (f,
      "seedancesrc name=src prompt=\"" PROMPT "\" ! fakesink");

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL);
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST",
      SEEDANCE_TEST_SUBMIT_PATH, 1);
  seedance_test_fixture_expect_requests (f, NULL, NULL, 1);

  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id == NULL, "task-id is '%s' after a refused submission",
      task_id);
  g_free (task_id);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A model the service does not know: an error after one POST, no poll. */
GST_START_TEST (test_unknown_model)
{
  SeedanceTestFixture *f;
  GstMessage *msg;

  f = seedance_test_fixture_new (NULL);
  seedance_test_fixture_launch (f,
      "seedancesrc name=src prompt=\"" PROMPT "\" "
      "model=bytedance/no-such-model ! fakesink");

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, NULL);
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST",
      "/api/v1/bytedance/no-such-model/async", 1);
  seedance_test_fixture_expect_requests (f, NULL, NULL, 1);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A task that fails (the emulator cannot decode the inline first frame):
 * a STREAM FAILED error carrying the service's reason, no download. */
GST_START_TEST (test_failed_task)
{
  SeedanceTestFixture *f;
  GstMessage *msg;
  GError *error = NULL;
  gchar *task_id, *debug = NULL;

  f = seedance_test_fixture_new (NULL);
  /* Valid base64 of "hello world", which is no image. */
  seedance_test_fixture_launch (f,
      "seedancesrc name=src prompt=\"" PROMPT "\" "
      "first-frame-image=\"data:image/png;base64,aGVsbG8gd29ybGQ=\" "
      "! fakesink");

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, NULL);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_TASKS_PATH) >= 1, "the task was never polled");
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_FILES_PATH), 0);

  /* The task exists: its id stays available and the error names it. */
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id != NULL && *task_id != '\0');
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, task_id) != NULL
      || (debug && strstr (debug, task_id) != NULL),
      "the error does not name task %s: %s [%s]", task_id, error->message,
      GST_STR_NULL (debug));
  g_error_free (error);
  g_free (debug);
  g_free (task_id);
  gst_message_unref (msg);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Regression: with a queue before qtdemux and the moov atom at the end,
 * qtdemux exposes its pads (and asks upstream to reconfigure) just before
 * it returns EOS; an allocation query from the source then deadlocked in
 * GStreamer 1.22's queue. Run it repeatedly, resuming the same task each
 * time: that also proves a run with task-id set sends no POST. */
#define QUEUE_RUNS 12

GST_START_TEST (test_queue_qtdemux_moov_at_end)
{
  /* A one-buffer queue keeps the source in step with qtdemux, which makes
   * the race likely: it hung 8 runs in 12 without the fix. */
  const gchar *description = "seedancesrc name=src ! queue "
      "max-size-buffers=1 ! qtdemux "
      "name=demux demux.video_0 ! queue ! fakesink demux.audio_0 ! queue ! "
      "fakesink";
  SeedanceTestFixture *f = fixture_new_with_faststart (FALSE);
  gchar *task_id;
  guint run;

  seedance_test_fixture_launch (f, description);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", "9:16");
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  seedance_test_fixture_run_to_eos (f);
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id != NULL);

  for (run = 1; run < QUEUE_RUNS; run++)
    seedance_test_fixture_run_resumed (f, description, task_id, PROMPT);

  /* One paid submission for all the runs. */
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
download_suite (void)
{
  Suite *s = suite_create ("download");
  TCase *tc;

  tc = tcase_create ("pipelines");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_filesink_identical_bytes);
  tcase_add_test (tc, test_byte_seek);
  tcase_add_loop_test (tc, test_qtdemux, 0, G_N_ELEMENTS (qtdemux_cases));
  tcase_add_loop_test (tc, test_decodebin, 0, G_N_ELEMENTS (decode_cases));
  tcase_add_test (tc, test_queue_qtdemux_moov_at_end);

  tc = tcase_create ("errors");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_unauthorized);
  tcase_add_test (tc, test_unknown_model);
  tcase_add_test (tc, test_failed_task);

  return s;
}

SEEDANCE_CHECK_MAIN (download);
