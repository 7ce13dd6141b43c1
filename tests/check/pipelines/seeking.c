/* gst-seedance: a clip with its moov atom at the end, demuxed, remuxed and
 * seeked in time
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What an editor does with a generated clip: remux its video track to a
 * file another tool reads with the right duration, and seek in it while
 * paused. The emulator puts the moov atom at the end, as a generator that
 * does not post-process its files would. */

#include "seedancetestutils.h"

#define PROMPT "a red fox runs through fresh snow"

/* seedancesrc ! qtdemux ! h264parse ! mp4mux ! filesink: the file written
 * is read by GstDiscoverer (what gst-discoverer-1.0 uses) as a 5 s
 * H.264 clip. */
GST_START_TEST (test_remux_reads_back)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstDiscovererInfo *info;
  GList *videos;
  gchar *out_path, *description;

  out_path = seedance_test_fixture_path (f, "remuxed.mp4");
  description = g_strdup_printf ("seedancesrc name=src ! qtdemux name=d "
      "d.video_0 ! h264parse ! mp4mux ! filesink location=\"%s\"", out_path);
  seedance_test_fixture_launch (f, description);
  g_object_set (f->src, "prompt", PROMPT, "duration", 5, "generate-audio",
      FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", "9:16");
  seedance_test_fixture_run_to_eos (f);
  /* mp4mux writes its moov when the pipeline stops. */
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);

  info = seedance_test_discover_file (out_path);
  seedance_test_assert_duration (info, 5 * GST_SECOND);
  videos = gst_discoverer_info_get_video_streams (info);
  fail_unless_equals_int (g_list_length (videos), 1);
  fail_unless_equals_int (gst_discoverer_video_info_get_width
      (videos->data), 480);
  fail_unless_equals_int (gst_discoverer_video_info_get_height
      (videos->data), 864);
  fail_unless_equals_int (gst_discoverer_info_get_audio_streams (info) ==
      NULL, TRUE);

  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_info_unref (info);
  g_free (description);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The first buffer after the last flush, seen by a probe on the sink. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean flushed;
  GstClockTime first_pts;       /* after the flush; NONE until then */
} AfterSeek;

static GstPadProbeReturn
after_seek_probe (GstPad * pad, GstPadProbeInfo * probe, gpointer user_data)
{
  AfterSeek *a = user_data;

  g_mutex_lock (&a->lock);
  if (GST_PAD_PROBE_INFO_TYPE (probe) & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (probe)) ==
        GST_EVENT_FLUSH_STOP) {
      a->flushed = TRUE;
      a->first_pts = GST_CLOCK_TIME_NONE;
    }
  } else if (a->flushed && !GST_CLOCK_TIME_IS_VALID (a->first_pts)) {
    a->first_pts = GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (probe));
    g_cond_broadcast (&a->cond);
  }
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

static void
decodebin_pad_added_cb (GstElement * decodebin, GstPad * pad, AfterSeek * a)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

  gst_bin_add (GST_BIN (GST_ELEMENT_PARENT (decodebin)), sink);
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, after_seek_probe, a, NULL);
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_element_sync_state_with_parent (sink);
}

static void
wait_async_done (SeedanceTestFixture * f)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (f->bus,
      SEEDANCE_TEST_TIMEOUT, GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);

  fail_unless (msg != NULL, "no preroll");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;

    gst_message_parse_error (msg, &error, NULL);
    fail ("error instead of a preroll: %s", error->message);
  }
  gst_message_unref (msg);
}

/* seedancesrc ! decodebin, paused: an accurate seek to 2 s lands there,
 * the next buffer within one frame of 2 s. qtdemux turns it into a byte
 * seek, which the element serves with a Range request. */
GST_START_TEST (test_seek_in_paused)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *decodebin;
  AfterSeek a;
  gint64 end;

  memset (&a, 0, sizeof (a));
  g_mutex_init (&a.lock);
  g_cond_init (&a.cond);
  a.first_pts = GST_CLOCK_TIME_NONE;

  seedance_test_fixture_launch (f, "seedancesrc name=src ! decodebin name=dec");
  g_object_set (f->src, "prompt", PROMPT, "duration", 5, "generate-audio",
      FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  decodebin = gst_bin_get_by_name (GST_BIN (f->pipeline), "dec");
  g_signal_connect (decodebin, "pad-added",
      G_CALLBACK (decodebin_pad_added_cb), &a);
  gst_object_unref (decodebin);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  wait_async_done (f);

  fail_unless (gst_element_seek_simple (f->pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, 2 * GST_SECOND));
  wait_async_done (f);

  end = g_get_monotonic_time () + SEEDANCE_TEST_TIMEOUT / GST_USECOND;
  g_mutex_lock (&a.lock);
  while (!GST_CLOCK_TIME_IS_VALID (a.first_pts))
    fail_unless (g_cond_wait_until (&a.cond, &a.lock, end),
        "no buffer after the seek");
  fail_unless (a.flushed);
  fail_unless (ABS (GST_CLOCK_DIFF (2 * GST_SECOND, a.first_pts)) <=
      SEEDANCE_TEST_FRAME_TOLERANCE, "the first buffer after the seek is at %"
      GST_TIME_FORMAT, GST_TIME_ARGS (a.first_pts));
  g_mutex_unlock (&a.lock);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_free (f);
  g_mutex_clear (&a.lock);
  g_cond_clear (&a.cond);
}

GST_END_TEST;

/* A byte seek before the first buffer (an editor positions its sources
 * before they preroll): the stream starts there, from a Range request,
 * with the caps the host's media type gives, since the first bytes that
 * typefinding needs never come. */
GST_START_TEST (test_seek_before_first_buffer)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *sink;
  GstSample *sample;
  GstBuffer *buf;
  GstCaps *caps;

  seedance_emulator_set_generation_ms (f->emulator, 1000);
  seedance_test_fixture_launch (f, "seedancesrc name=src ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, NULL);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  /* The task is generating: no byte has come yet. */
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_TASKS_PATH, 1);
  fail_unless (gst_element_seek_simple (f->src, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 1000));
  wait_async_done (f);

  g_object_get (sink, "last-sample", &sample, NULL);
  fail_unless (sample != NULL);
  buf = gst_sample_get_buffer (sample);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), 1000);
  caps = gst_sample_get_caps (sample);
  fail_unless (caps != NULL, "no caps after a seek before the first buffer");
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/quicktime"), "%" GST_PTR_FORMAT, caps);
  gst_sample_unref (sample);

  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);
  gst_object_unref (sink);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* What the sink got after the last flush. */
typedef struct
{
  GMutex lock;
  guint64 first_offset;         /* -1 until a buffer came */
  guint64 end;                  /* offset end of the last buffer */
  guint64 bytes;
} AfterFlush;

static GstPadProbeReturn
after_flush_probe (GstPad * pad, GstPadProbeInfo * probe, gpointer user_data)
{
  AfterFlush *a = user_data;

  g_mutex_lock (&a->lock);
  if (GST_PAD_PROBE_INFO_TYPE (probe) & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (probe)) ==
        GST_EVENT_FLUSH_STOP) {
      a->first_offset = G_MAXUINT64;
      a->end = 0;
      a->bytes = 0;
    }
  } else {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (probe);

    if (a->first_offset == G_MAXUINT64)
      a->first_offset = GST_BUFFER_OFFSET (buf);
    a->end = GST_BUFFER_OFFSET_END (buf);
    a->bytes += gst_buffer_get_size (buf);
  }
  g_mutex_unlock (&a->lock);
  return GST_PAD_PROBE_OK;
}

/* A byte seek with a stop, after the preroll opened the download from
 * the start: the element reopens it with a Range that ends at the stop,
 * so the file host sends no byte past it, and the stream ends there. */
GST_START_TEST (test_seek_stop_ends_download)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *sink;
  GstPad *pad;
  GPtrArray *ranges;
  GstMessage *msg;
  AfterFlush a;

  memset (&a, 0, sizeof (a));
  g_mutex_init (&a.lock);
  a.first_offset = G_MAXUINT64;

  seedance_test_fixture_launch (f, "seedancesrc name=src ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, NULL);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, after_flush_probe, &a, NULL);
  gst_object_unref (pad);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  wait_async_done (f);
  fail_unless (gst_element_seek (f->src, 1.0, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 70000, GST_SEEK_TYPE_SET,
          80000));
  wait_async_done (f);
  fail_if (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_eos (msg);

  g_mutex_lock (&a.lock);
  fail_unless_equals_uint64 (a.first_offset, 70000);
  fail_unless_equals_uint64 (a.end, 80000);
  fail_unless_equals_uint64 (a.bytes, 10000);
  g_mutex_unlock (&a.lock);

  ranges = seedance_test_fixture_clip_ranges (f);
  fail_unless_equals_int (ranges->len, 2);
  fail_unless_equals_string (g_ptr_array_index (ranges, 0), "none");
  fail_unless_equals_string (g_ptr_array_index (ranges, 1),
      "bytes=70000-79999");
  g_ptr_array_unref (ranges);

  gst_object_unref (sink);
  seedance_test_fixture_free (f);
  g_mutex_clear (&a.lock);
}

GST_END_TEST;

/* The buffers a reverse segment pushed, in order. */
typedef struct
{
  GMutex lock;
  gboolean flushed;
  GByteArray *bytes;            /* every buffer, in the order pushed */
  guint64 previous;             /* offset of the last one, -1: none */
  guint buffers;
  gboolean ordered;             /* each one ended where the last began */
} Reversed;

static GstPadProbeReturn
reversed_probe (GstPad * pad, GstPadProbeInfo * probe, gpointer user_data)
{
  Reversed *r = user_data;

  g_mutex_lock (&r->lock);
  if (GST_PAD_PROBE_INFO_TYPE (probe) & GST_PAD_PROBE_TYPE_EVENT_FLUSH) {
    r->flushed = TRUE;
  } else if (r->flushed) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (probe);
    GstMapInfo map;

    if (r->previous != G_MAXUINT64
        && GST_BUFFER_OFFSET_END (buf) != r->previous)
      r->ordered = FALSE;
    r->previous = GST_BUFFER_OFFSET (buf);
    gst_buffer_map (buf, &map, GST_MAP_READ);
    /* Prepended: the bytes come out in the file's order. */
    g_byte_array_prepend (r->bytes, map.data, map.size);
    gst_buffer_unmap (buf, &map);
    r->buffers++;
  }
  g_mutex_unlock (&r->lock);
  return GST_PAD_PROBE_OK;
}

/* A byte segment played backwards (rate -1) reads its blocks from the
 * end down to its start. Each block of 4 KiB is not a request of its
 * own: the bytes of the segment come in one Range request, and every
 * block pushed holds the clip's bytes at its offset. */
GST_START_TEST (test_reverse_playback_few_requests)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *sink;
  GstPad *pad;
  GPtrArray *ranges;
  GstMessage *msg;
  Reversed r;
  gchar *task_id, *clip_path, *clip;
  gsize clip_size;

  memset (&r, 0, sizeof (r));
  g_mutex_init (&r.lock);
  r.bytes = g_byte_array_new ();
  r.previous = G_MAXUINT64;
  r.ordered = TRUE;

  seedance_test_fixture_launch (f, "seedancesrc name=src blocksize=4096 "
      "cache-mode=off ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, NULL);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, reversed_probe, &r, NULL);
  gst_object_unref (pad);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  wait_async_done (f);
  fail_unless (gst_element_seek (f->src, -1.0, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 100000, GST_SEEK_TYPE_SET,
          1000000));
  wait_async_done (f);
  fail_if (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_eos (msg);

  task_id = seedance_test_fixture_get_task_id (f);
  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (g_file_get_contents (clip_path, &clip, &clip_size, NULL));
  fail_unless (clip_size > 1000000, "a clip of %" G_GSIZE_FORMAT " bytes",
      clip_size);

  g_mutex_lock (&r.lock);
  fail_unless (r.ordered, "the blocks did not go from the end to the start");
  fail_unless_equals_uint64 (r.previous, 100000);
  fail_unless_equals_int (r.bytes->len, 900000);
  fail_unless (r.buffers >= 900000 / 4096, "%u buffers", r.buffers);
  fail_unless (memcmp (r.bytes->data, clip + 100000, 900000) == 0,
      "the blocks are not the clip's bytes at their offsets");
  g_mutex_unlock (&r.lock);

  /* The preroll's GET, and one for the whole segment: not one a block. */
  ranges = seedance_test_fixture_clip_ranges (f);
  fail_unless_equals_int (ranges->len, 2);
  fail_unless_equals_string (g_ptr_array_index (ranges, 0), "none");
  fail_unless_equals_string (g_ptr_array_index (ranges, 1),
      "bytes=100000-999999");
  g_ptr_array_unref (ranges);

  g_free (clip);
  g_free (clip_path);
  g_free (task_id);
  gst_object_unref (sink);
  seedance_test_fixture_free (f);
  g_byte_array_unref (r.bytes);
  g_mutex_clear (&r.lock);
}

GST_END_TEST;

static gboolean
src_is_seekable (GstElement * src)
{
  GstQuery *query = gst_query_new_seeking (GST_FORMAT_BYTES);
  gboolean seekable = TRUE;

  fail_unless (gst_element_query (src, query));
  gst_query_parse_seeking (query, NULL, &seekable, NULL, NULL);
  gst_query_unref (query);
  return seekable;
}

static GstSchedulingFlags
src_scheduling_flags (GstElement * src)
{
  GstPad *pad = gst_element_get_static_pad (src, "src");
  GstQuery *query = gst_query_new_scheduling ();
  GstSchedulingFlags flags;

  fail_unless (gst_pad_query (pad, query));
  gst_query_parse_scheduling (query, &flags, NULL, NULL, NULL);
  gst_query_unref (query);
  gst_object_unref (pad);
  return flags;
}

/* A file host that answers a Range with the whole file (200) is read past
 * the skipped bytes, once; from then on the element says it is not
 * seekable (the SEEKING query, the scheduling query's flags) and refuses
 * further seeks, each of which would download the clip again. */
GST_START_TEST (test_host_ignoring_range_not_seekable)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *sink;
  GstPad *pad;
  GPtrArray *ranges;
  GstSchedulingFlags flags;
  AfterFlush a;

  memset (&a, 0, sizeof (a));
  g_mutex_init (&a.lock);
  a.first_offset = G_MAXUINT64;

  seedance_test_fixture_add_fault (f, "download:ignore-range:count=forever");
  seedance_test_fixture_launch (f, "seedancesrc name=src ! fakesink name=sink");
  g_object_set (f->src, "prompt", PROMPT, NULL);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_FLUSH, after_flush_probe, &a, NULL);
  gst_object_unref (pad);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_ASYNC);
  wait_async_done (f);
  /* The first GET asks for no Range: nothing is known yet. */
  fail_unless (src_is_seekable (f->src));
  flags = src_scheduling_flags (f->src);
  fail_unless (flags & GST_SCHEDULING_FLAG_SEEKABLE);
  fail_if (flags & GST_SCHEDULING_FLAG_SEQUENTIAL);

  fail_unless (gst_element_seek_simple (f->src, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 70000));
  wait_async_done (f);
  g_mutex_lock (&a.lock);
  fail_unless_equals_uint64 (a.first_offset, 70000);
  g_mutex_unlock (&a.lock);
  ranges = seedance_test_fixture_clip_ranges (f);
  fail_unless_equals_int (ranges->len, 2);
  fail_unless_equals_string (g_ptr_array_index (ranges, 1), "bytes=70000-");
  g_ptr_array_unref (ranges);

  fail_if (src_is_seekable (f->src));
  flags = src_scheduling_flags (f->src);
  fail_if (flags & GST_SCHEDULING_FLAG_SEEKABLE);
  fail_unless (flags & GST_SCHEDULING_FLAG_SEQUENTIAL);
  /* A seek from downstream, as a demuxer sends it, is refused. */
  pad = gst_element_get_static_pad (f->src, "src");
  fail_if (gst_pad_send_event (pad, gst_event_new_seek (1.0,
              GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 1000,
              GST_SEEK_TYPE_NONE, -1)));
  gst_object_unref (pad);
  /* The refused seek sent nothing. */
  ranges = seedance_test_fixture_clip_ranges (f);
  fail_unless_equals_int (ranges->len, 2);
  g_ptr_array_unref (ranges);

  gst_object_unref (sink);
  seedance_test_fixture_free (f);
  g_mutex_clear (&a.lock);
}

GST_END_TEST;

static Suite *
seeking_suite (void)
{
  Suite *s = suite_create ("seeking");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_remux_reads_back);
  tcase_add_test (tc, test_seek_in_paused);
  tcase_add_test (tc, test_seek_before_first_buffer);
  tcase_add_test (tc, test_seek_stop_ends_download);
  tcase_add_test (tc, test_reverse_playback_few_requests);
  tcase_add_test (tc, test_host_ignoring_range_not_seekable);
  return s;
}

SEEDANCE_CHECK_MAIN (seeking);
