/* gst-seedance: a download that drops, lies about Range or has no length
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* seedancesrc ! filesink against download faults of the emulator: what
 * reaches the file is the clip byte for byte, resumed with Range from the
 * next byte; a clip that stays short is an error saying how short, never
 * an EOS. */

#include <string.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"

/* Runs "seedancesrc ! filesink" with @faults queued, to EOS (@to_eos) or
 * to an error, which is returned. */
static GstMessage *
run_download (SeedanceTestFixture * f, const gchar * const *faults,
    gboolean to_eos, gchar ** out_path)
{
  gchar *description;
  GstMessage *msg = NULL;

  for (; faults && *faults; faults++)
    seedance_test_fixture_add_fault (f, *faults);
  *out_path = seedance_test_fixture_path (f, "out.mp4");
  description = g_strdup_printf ("seedancesrc name=src prompt=\"a cut\" "
      "duration=4 resolution=480p generate-audio=false "
      "! filesink location=\"%s\"", *out_path);
  seedance_test_fixture_launch (f, description);
  g_free (description);

  if (to_eos)
    seedance_test_fixture_run_to_eos (f);
  else
    msg = seedance_test_fixture_run_to_error (f);
  return msg;
}

/* The file written is the clip the emulator served, byte for byte. */
static void
assert_identical (SeedanceTestFixture * f, const gchar * out_path)
{
  gchar *task_id = seedance_test_fixture_get_task_id (f);
  gchar *clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  gchar *served, *written;
  gsize served_len, written_len;

  fail_unless (clip_path != NULL);
  fail_unless (g_file_get_contents (clip_path, &served, &served_len, NULL));
  fail_unless (g_file_get_contents (out_path, &written, &written_len, NULL));
  fail_unless_equals_uint64 (written_len, served_len);
  fail_unless (memcmp (written, served, served_len) == 0,
      "%s differs from the clip served", out_path);
  g_free (written);
  g_free (served);
  g_free (clip_path);
  g_free (task_id);
}

/* A connection dropped after K bytes is resumed from byte K: one more GET
 * with "Range: bytes=K-", and the file is whole. */
static const guint drop_offsets[] = { 1, 4096, 65535, 65536, 100000 };

GST_START_TEST (test_drop_resumed_at_next_byte)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  guint k = drop_offsets[__i__];
  gchar *fault = g_strdup_printf ("download:drop-at=%u", k);
  const gchar *faults[] = { fault, NULL };
  gchar *out_path, *expected;
  GPtrArray *ranges;

  run_download (f, faults, TRUE, &out_path);
  assert_identical (f, out_path);

  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 2);
  ranges = seedance_test_fixture_clip_ranges (f);
  fail_unless_equals_int (ranges->len, 2);
  fail_unless_equals_string (g_ptr_array_index (ranges, 0), "none");
  expected = g_strdup_printf ("bytes=%u-", k);
  fail_unless_equals_string (g_ptr_array_index (ranges, 1), expected);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);

  g_free (expected);
  g_ptr_array_unref (ranges);
  g_free (out_path);
  g_free (fault);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Drops one after another, each after some progress, are each resumed. */
GST_START_TEST (test_repeated_drops_resumed)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *faults[] = { "download:drop-at=30000:count=4", NULL };
  gchar *out_path;

  run_download (f, faults, TRUE, &out_path);
  assert_identical (f, out_path);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 5);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Downloads the element completes byte for byte: a host that ignores
 * Range answers the resume with the whole file (the bytes before the
 * offset are skipped, none is written twice); without Content-Length
 * (chunked) the end of the body is the end of the clip. (A chunked body
 * cut short cannot be told from its end: libsoup 3.2 reports both as the
 * end of the stream.) */
static const gchar *const completed[][3] = {
  {"download:drop-at=50000", "download:ignore-range", NULL},
  {"download:chunked", NULL},
};

GST_START_TEST (test_completed_byte_for_byte)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *out_path;

  run_download (f, completed[__i__], TRUE, &out_path);
  assert_identical (f, out_path);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A drop that cannot be resumed (the host then refuses every connection)
 * is an error naming the task and how many bytes of how many arrived;
 * never an EOS with a short file. */
GST_START_TEST (test_truncation_is_an_error)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *faults[] = { "download:drop-at=70000",
    "download:reset:count=forever", NULL
  };
  GstMessage *msg;
  gchar *out_path, *task_id, *clip_path, *of_total;
  GStatBuf st;

  msg = run_download (f, faults, FALSE, &out_path);
  task_id = seedance_test_fixture_get_task_id (f);
  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (g_stat (clip_path, &st) == 0);
  of_total = g_strdup_printf ("70000 of %" G_GUINT64_FORMAT " bytes",
      (guint64) st.st_size);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, task_id);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, of_total);
  gst_message_unref (msg);

  g_free (of_total);
  g_free (clip_path);
  g_free (task_id);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Buffer sizes seen on a pad, in the streaming thread. */
typedef struct
{
  guint n_buffers;
  guint n_short;                /* smaller than the blocksize */
  gboolean short_before_last;   /* a short buffer was followed by another */
  guint blocksize;
} BlockSizes;

static GstPadProbeReturn
block_sizes_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  BlockSizes *b = user_data;
  gsize size = gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));

  fail_unless (size <= b->blocksize, "a buffer of %" G_GSIZE_FORMAT
      " bytes, blocksize %u", size, b->blocksize);
  if (b->n_short > 0)
    b->short_before_last = TRUE;
  if (size < b->blocksize)
    b->n_short++;
  b->n_buffers++;
  return GST_PAD_PROBE_OK;
}

/* blocksize is honoured: every buffer is that size but the last, even
 * across a resumed drop, and the bytes are the clip's. */
GST_START_TEST (test_blocksize_honoured)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *faults[] = { "download:drop-at=25000", NULL };
  BlockSizes b = { 0, 0, FALSE, 10000 };
  GstElement *sink;
  GstPad *pad;
  gchar *out_path, *description;

  out_path = seedance_test_fixture_path (f, "out.mp4");
  description = g_strdup_printf ("seedancesrc name=src prompt=\"a cut\" "
      "duration=4 resolution=480p generate-audio=false blocksize=%u "
      "! filesink name=sink location=\"%s\"", b.blocksize, out_path);
  seedance_test_fixture_add_fault (f, faults[0]);
  seedance_test_fixture_launch (f, description);
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, block_sizes_probe, &b,
      NULL);

  seedance_test_fixture_run_to_eos (f);
  assert_identical (f, out_path);
  fail_unless (b.n_buffers > 10);
  fail_unless (b.n_short <= 1 && !b.short_before_last,
      "%u short buffers of %u", b.n_short, b.n_buffers);

  gst_object_unref (pad);
  gst_object_unref (sink);
  g_free (description);
  g_free (out_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
resume_suite (void)
{
  Suite *s = suite_create ("resume");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_drop_resumed_at_next_byte, 0,
      G_N_ELEMENTS (drop_offsets));
  tcase_add_test (tc, test_repeated_drops_resumed);
  tcase_add_loop_test (tc, test_completed_byte_for_byte, 0,
      G_N_ELEMENTS (completed));
  tcase_add_test (tc, test_truncation_is_an_error);
  tcase_add_test (tc, test_blocksize_honoured);
  return s;
}

SEEDANCE_CHECK_MAIN (resume);
