/* gst-seedance: a generated clip in a GES timeline, against the emulator
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* examples/seedance-ges-render and ges-launch-1.0 each render a timeline
 * made of a local clip followed by a seedance:// clip; the MP4 written
 * lasts as long as both clips together. Both run as their own process. */

#include <string.h>

#include "seedancetestutils.h"

#define PROMPT "a cat surfing"
/* The local clip: 2 s of 640x360 at 24 fps, with sound. */
#define LOCAL_SECONDS 2
/* The generated one: duration=4, 480p 9:16 (480x864), with sound. */
#define GENERATED_SECONDS 4

/* Encodes the local clip the timeline starts with. */
static gchar *
write_local_clip (SeedanceTestFixture * f)
{
  gchar *path = seedance_test_fixture_path (f, "local.mp4");
  gchar *description;
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *error = NULL;

  description = g_strdup_printf ("videotestsrc num-buffers=%d ! "
      "video/x-raw,format=I420,width=640,height=360,framerate=24/1 ! "
      "x264enc speed-preset=ultrafast ! h264parse ! mp4mux name=mux ! "
      "filesink location=\"%s\" audiotestsrc num-buffers=%d "
      "samplesperbuffer=480 ! audio/x-raw,rate=48000,channels=2 ! "
      "avenc_aac ! aacparse ! mux.", LOCAL_SECONDS * 24, path,
      LOCAL_SECONDS * 100);
  pipeline = gst_parse_launch (description, &error);
  fail_unless (pipeline != NULL, "%s", error ? error->message : "");
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = seedance_test_wait_eos_or_error (bus, SEEDANCE_TEST_TIMEOUT);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (description);
  return path;
}

/* The POSTs the emulator received, all for the same request. */
static guint
count_identical_submissions (SeedanceTestFixture * f)
{
  GPtrArray *requests = seedance_emulator_get_requests (f->emulator);
  const gchar *body = NULL;
  guint i, n = 0;

  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (g_strcmp0 (r->method, "POST") != 0)
      continue;
    if (body == NULL)
      body = r->body;
    fail_unless_equals_string (r->body, body);
    n++;
  }
  g_ptr_array_unref (requests);
  return n;
}

static GstClockTime
file_duration (const gchar * path)
{
  GstDiscovererInfo *info = seedance_test_discover_file (path);
  GstClockTime duration = gst_discoverer_info_get_duration (info);

  gst_discoverer_info_unref (info);
  return duration;
}

/* Fails unless @path is an MP4 of both clips: the local clip's duration
 * plus the generated one's, the render's frame size, and sound. */
static void
assert_rendered (const gchar * path, const gchar * local, guint width,
    guint height)
{
  GstDiscovererInfo *info = seedance_test_discover_file (path);
  GList *videos = gst_discoverer_info_get_video_streams (info);
  GList *audios = gst_discoverer_info_get_audio_streams (info);

  seedance_test_assert_duration (info, file_duration (local) +
      GENERATED_SECONDS * GST_SECOND);
  fail_unless_equals_int (g_list_length (videos), 1);
  fail_unless_equals_int (gst_discoverer_video_info_get_width (videos->data),
      width);
  fail_unless_equals_int (gst_discoverer_video_info_get_height (videos->data),
      height);
  fail_unless_equals_int (g_list_length (audios), 1);

  gst_discoverer_stream_info_list_free (audios);
  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_info_unref (info);
}

/* The example renders local + generated to an MP4 of 2 s + 4 s at the
 * generated clip's 480x864, and says so. GES's discovery of the URI, then
 * the video and the audio source of the clip each run a seedancesrc of
 * their own: the task journal makes that one submission. */
GST_START_TEST (test_example_renders_timeline)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *local = write_local_clip (f);
  gchar *out_path = seedance_test_fixture_path (f, "timeline.mp4");
  const gchar *argv[] = { SEEDANCE_EXAMPLE_GES_RENDER, local, out_path,
    PROMPT, "duration=4", "resolution=480p", "ratio=9:16",
    "poll-interval=1000", NULL
  };
  gchar *out = NULL, *err = NULL, *wrote;
  gint status;

  status = seedance_test_fixture_spawn (f, argv, &out, &err);
  fail_unless (g_spawn_check_wait_status (status, NULL), "exit %d: %s%s",
      status, out, err);
  fail_unless (strstr (out, "Generating seedance://?prompt=a%20cat%20surfing"
          "&duration=4&ratio=9:16&resolution=480p") != NULL, "%s", out);
  wrote = g_strdup_printf ("Wrote %s (", out_path);
  fail_unless (strstr (out, wrote) != NULL, "%s", out);
  fail_unless (g_str_has_suffix (out, " + 4.000 s generated)\n"), "%s", out);

  assert_rendered (out_path, local, 480, 864);
  fail_unless_equals_int (count_identical_submissions (f), 1);

  g_free (wrote);
  g_free (out);
  g_free (err);
  g_free (out_path);
  g_free (local);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A bad property in the generated clip's request stops the example
 * before anything is discovered, naming the key: nothing is sent. */
static const gchar *bad_args[][2] = {
  {"duration=five", "duration"},
  {"colour=red", "colour"},
  {"api-key=sk-in-a-uri", "api-key"},
};

GST_START_TEST (test_example_refuses_bad_property)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *out_path = seedance_test_fixture_path (f, "timeline.mp4");
  const gchar *argv[] = { SEEDANCE_EXAMPLE_GES_RENDER, "/nonexistent.mp4",
    out_path, PROMPT, bad_args[__i__][0], NULL
  };
  gchar *out = NULL, *err = NULL;
  gint status;

  status = seedance_test_fixture_spawn (f, argv, &out, &err);
  fail_if (g_spawn_check_wait_status (status, NULL), "it accepted %s: %s",
      bad_args[__i__][0], out);
  fail_unless (strstr (err, bad_args[__i__][1]) != NULL, "%s", err);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
  fail_if (g_file_test (out_path, G_FILE_TEST_EXISTS));

  g_free (out);
  g_free (err);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A number out of range is no URI error: the element refuses it when
 * GES discovers the clip, and the example says so, naming it; nothing is
 * sent. */
GST_START_TEST (test_example_refuses_out_of_range)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *local = write_local_clip (f);
  gchar *out_path = seedance_test_fixture_path (f, "timeline.mp4");
  const gchar *argv[] = { SEEDANCE_EXAMPLE_GES_RENDER, local, out_path,
    PROMPT, "duration=99", NULL
  };
  gchar *out = NULL, *err = NULL;
  gint status;

  status = seedance_test_fixture_spawn (f, argv, &out, &err);
  fail_if (g_spawn_check_wait_status (status, NULL), "it accepted "
      "duration=99: %s", out);
  fail_unless (strstr (err, "Invalid property 'duration': 99; allowed: 4 to "
          "15 seconds") != NULL, "%s", err);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
  fail_if (g_file_test (out_path, G_FILE_TEST_EXISTS));

  g_free (out);
  g_free (err);
  g_free (out_path);
  g_free (local);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

#if SEEDANCE_TEST_CAN_RUN_HOSTS
/* ges-launch-1.0 takes the same URI. Its timeline is itself a "ges:" URI,
 * so the '?' is written %3F and every '%' of the query %25. It renders
 * at its default 1280x720. */
GST_START_TEST (test_ges_launch)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *local = write_local_clip (f);
  gchar *out_path = seedance_test_fixture_path (f, "launched.mp4");
  gchar *local_uri = gst_filename_to_uri (local, NULL);
  gchar *out_uri = gst_filename_to_uri (out_path, NULL);
  const gchar *seedance_uri =
      "seedance://%3Fprompt=a%2520cat%2520surfing&duration=4"
      "&resolution=480p&ratio=9:16&poll-interval=1000";
  const gchar *argv[] = { SEEDANCE_GES_LAUNCH, "+clip", local_uri,
    "+clip", seedance_uri, "-o", out_uri, NULL
  };
  gchar *out = NULL, *err = NULL;
  gint status;

  status = seedance_test_fixture_spawn_host (f, argv, &out, &err);
  fail_unless (g_spawn_check_wait_status (status, NULL), "exit %d: %s%s",
      status, out, err);
  assert_rendered (out_path, local, 1280, 720);
  fail_unless_equals_int (count_identical_submissions (f), 1);

  g_free (out);
  g_free (err);
  g_free (out_uri);
  g_free (local_uri);
  g_free (out_path);
  g_free (local);
  seedance_test_fixture_free (f);
}

GST_END_TEST;
#endif

static Suite *
ges_render_suite (void)
{
  Suite *s = suite_create ("ges_render");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_example_renders_timeline);
  tcase_add_loop_test (tc, test_example_refuses_bad_property, 0,
      G_N_ELEMENTS (bad_args));
  tcase_add_test (tc, test_example_refuses_out_of_range);
#if SEEDANCE_TEST_CAN_RUN_HOSTS
  /* A clang sanitizer build cannot preload its runtime into
   * ges-launch-1.0; the normal build runs this test. */
  tcase_add_test (tc, test_ges_launch);
#endif
  return s;
}

SEEDANCE_CHECK_MAIN (ges_render);
