/* gst-seedance: the clip cache's writer and block checksums alone
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* SeedanceClipWriter and SeedanceClipSums without the element: a clip
 * written in order and the same clip written out of order (its end
 * first, as qtdemux reads a clip with its moov at the end) give the same
 * file and the same sums, which check each block; a changed byte fails
 * its block only; sums that are not of this clip are refused; bytes past
 * the clip break the writer; a writer freed before the clip is whole
 * leaves nothing behind. */

#include <string.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"
#include "seedanceclipsums.h"
#include "seedanceclipwriter.h"

/* 3 blocks of 4 MiB, the last one short. */
#define CLIP_SIZE ((9 << 20) + 4321)
#define CHUNK (64 * 1024)

static guint8 *
make_clip (void)
{
  guint8 *clip = g_malloc (CLIP_SIZE);
  guint32 x = 2463534242u;
  gsize i;

  for (i = 0; i < CLIP_SIZE; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    clip[i] = x;
  }
  return clip;
}

static void
write_range (SeedanceClipWriter * w, const guint8 * clip, gsize from,
    gsize to, gboolean * whole)
{
  while (from < to) {
    gsize n = MIN (CHUNK, to - from);
    GBytes *bytes = g_bytes_new (clip + from, n);

    *whole = seedance_clip_writer_write (w, from, bytes);
    g_bytes_unref (bytes);
    from += n;
  }
}

/* Writes @clip into @path, in order or its last 5 MiB first; returns
 * its sums. */
static gchar *
cache_clip (const gchar * path, const guint8 * clip, gboolean in_order)
{
  SeedanceClipWriter *w = seedance_clip_writer_new (path, CLIP_SIZE, NULL);
  gboolean whole = FALSE;
  gchar *sums = NULL;
  gsize split = CLIP_SIZE - (5 << 20);

  fail_unless (w != NULL);
  if (in_order) {
    write_range (w, clip, 0, CLIP_SIZE, &whole);
  } else {
    write_range (w, clip, split, CLIP_SIZE, &whole);
    fail_if (whole);
    write_range (w, clip, 0, split, &whole);
  }
  fail_unless (whole, "the writer does not know it has the whole clip");
  fail_unless_equals_int (seedance_clip_writer_finish (w, &sums),
      SEEDANCE_CLIP_WRITER_COMMITTED);
  seedance_clip_writer_free (w);
  fail_unless (sums != NULL);
  return sums;
}

static gchar *
scratch_dir (void)
{
  gchar *dir = g_dir_make_tmp ("seedance-clipwriter-XXXXXX", NULL);

  fail_unless (dir != NULL);
  return dir;
}

GST_START_TEST (test_in_and_out_of_order)
{
  gchar *dir = scratch_dir ();
  gchar *a = g_build_filename (dir, "a.mp4", NULL);
  gchar *b = g_build_filename (dir, "b.mp4", NULL);
  guint8 *clip = make_clip ();
  gchar *sums_a = cache_clip (a, clip, TRUE);
  gchar *sums_b = cache_clip (b, clip, FALSE);
  SeedanceClipSums *sums;
  gchar *data;
  gsize length;
  guint i;

  /* The same file, the same sums, whichever way the bytes came. */
  fail_unless_equals_string (sums_a, sums_b);
  fail_unless (g_file_get_contents (b, &data, &length, NULL));
  fail_unless_equals_int (length, CLIP_SIZE);
  fail_unless (memcmp (data, clip, CLIP_SIZE) == 0);
  g_free (data);
  fail_unless (strlen (sums_a) <= SEEDANCE_CLIP_SUMS_MAX_TEXT);

  sums = seedance_clip_sums_parse (sums_a, CLIP_SIZE);
  fail_unless (sums != NULL);
  fail_unless_equals_int (seedance_clip_sums_count (sums), 3);
  fail_unless_equals_int (seedance_clip_sums_block_size (sums), 4 << 20);
  for (i = 0; i < 3; i++) {
    guint64 start = (guint64) i * (4 << 20);
    guint64 len = seedance_clip_sums_block_length (sums, i);

    fail_unless (seedance_clip_sums_check (sums, i, clip + start, len));
  }
  fail_unless_equals_int (seedance_clip_sums_block_length (sums, 2),
      CLIP_SIZE - (8 << 20));
  /* One changed byte fails its block, and only it. */
  clip[(4 << 20) + 77] ^= 1;
  fail_unless (seedance_clip_sums_check (sums, 0, clip, 4 << 20));
  fail_if (seedance_clip_sums_check (sums, 1, clip + (4 << 20), 4 << 20));
  /* A block of the wrong length is not the block. */
  fail_if (seedance_clip_sums_check (sums, 0, clip, (4 << 20) - 1));
  seedance_clip_sums_free (sums);

  g_unlink (a);
  g_unlink (b);
  g_rmdir (dir);
  g_free (clip);
  g_free (sums_a);
  g_free (sums_b);
  g_free (a);
  g_free (b);
  g_free (dir);
}

GST_END_TEST;

/* Sums from a journal entry are hostile: only sums of this clip's size,
 * as this version writes them, are taken. */
GST_START_TEST (test_sums_parse_refuses)
{
  SeedanceClipSums *sums = seedance_clip_sums_new (CLIP_SIZE);
  gchar *text = seedance_clip_sums_to_string (sums);
  gchar *bad;
  SeedanceClipSums *parsed;

  parsed = seedance_clip_sums_parse (text, CLIP_SIZE);
  fail_unless (parsed != NULL);
  seedance_clip_sums_free (parsed);

  fail_unless (seedance_clip_sums_parse (text, CLIP_SIZE + (4 << 20)) == NULL);
  fail_unless (seedance_clip_sums_parse (text, 0) == NULL);
  fail_unless (seedance_clip_sums_parse (NULL, CLIP_SIZE) == NULL);
  fail_unless (seedance_clip_sums_parse ("", CLIP_SIZE) == NULL);
  /* Cut short, one digit too many, a digit in upper case, not hex. */
  bad = g_strndup (text, strlen (text) - 1);
  fail_unless (seedance_clip_sums_parse (bad, CLIP_SIZE) == NULL);
  g_free (bad);
  bad = g_strconcat (text, "0", NULL);
  fail_unless (seedance_clip_sums_parse (bad, CLIP_SIZE) == NULL);
  g_free (bad);
  bad = g_strdup (text);
  bad[strlen (bad) - 1] = 'A';
  fail_unless (seedance_clip_sums_parse (bad, CLIP_SIZE) == NULL);
  bad[strlen (bad) - 1] = 'g';
  fail_unless (seedance_clip_sums_parse (bad, CLIP_SIZE) == NULL);
  g_free (bad);
  /* Another block size, another algorithm. */
  fail_unless (seedance_clip_sums_parse ("xxh128:1048576:00", CLIP_SIZE) ==
      NULL);
  bad = g_strdup (text);
  bad[0] = 'y';
  fail_unless (seedance_clip_sums_parse (bad, CLIP_SIZE) == NULL);
  g_free (bad);

  g_free (text);
  seedance_clip_sums_free (sums);
}

GST_END_TEST;

/* Bytes past the clip break the writer; a writer freed before the clip
 * is whole leaves no file. */
GST_START_TEST (test_broken_and_abandoned)
{
  gchar *dir = scratch_dir ();
  gchar *path = g_build_filename (dir, "c.mp4", NULL);
  SeedanceClipWriter *w = seedance_clip_writer_new (path, 1000, NULL);
  GBytes *bytes = g_bytes_new_static ("0123456789", 10);
  GDir *listing;

  fail_unless (!seedance_clip_writer_write (w, 995, bytes));
  fail_unless_equals_int (seedance_clip_writer_finish (w, NULL),
      SEEDANCE_CLIP_WRITER_BROKEN);
  seedance_clip_writer_free (w);

  w = seedance_clip_writer_new (path, 1000, NULL);
  fail_unless (!seedance_clip_writer_write (w, 0, bytes));
  fail_unless_equals_int (seedance_clip_writer_finish (w, NULL),
      SEEDANCE_CLIP_WRITER_BUSY);
  seedance_clip_writer_free (w);

  listing = g_dir_open (dir, 0, NULL);
  fail_unless (g_dir_read_name (listing) == NULL,
      "a writer left a file behind");
  g_dir_close (listing);
  g_bytes_unref (bytes);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static Suite *
clipwriter_suite (void)
{
  Suite *s = suite_create ("clipwriter");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_in_and_out_of_order);
  tcase_add_test (tc, test_sums_parse_refuses);
  tcase_add_test (tc, test_broken_and_abandoned);
  return s;
}

GST_CHECK_MAIN (clipwriter);
