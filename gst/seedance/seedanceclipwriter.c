/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The cache tee: the bytes the element downloads are written into a
 * private part file at their offsets (a demuxer reads a clip with its
 * moov at the end out of order), by a thread of the writer's own, so the
 * buffer goes downstream without waiting for the disk or the checksum.
 * The bytes are checksummed block by block as they arrive in order
 * (seedanceclipsums.c); blocks that arrived out of order are read back
 * once the clip is whole. Then the part file is renamed into place.
 *
 * The streaming thread hands over references to the buffers' memory, not
 * copies; at most MAX_QUEUED bytes wait, beyond which it waits for the
 * disk rather than hold the clip in memory. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "seedanceclipsums.h"
#include "seedanceclipwriter.h"

GST_DEBUG_CATEGORY_STATIC (seedance_clip_writer_debug);
#define GST_CAT_DEFAULT seedance_clip_writer_debug

/* The bytes that may wait for the disk. */
#define MAX_QUEUED (2 << 20)
#define SAFE_OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

typedef struct
{
  guint64 start, end;
} Range;

typedef struct
{
  guint64 offset;
  GBytes *bytes;
} Job;

struct _SeedanceClipWriter
{
  gchar *final_path;
  gchar *part_path;             /* NULL once committed */
  gint fd;
  guint64 size;
  GThread *thread;
  GArray *handed;               /* ranges given to write(): its caller's */

  /* The writer thread's. */
  GArray *ranges;               /* written: sorted, disjoint, merged */
  SeedanceClipSums *sums;
  XXH3_state_t *block_state;    /* of the block being summed in order */
  guint64 summed;               /* bytes [0, summed) are summed in order */

  GMutex lock;
  GCond cond;
  GQueue jobs;
  gsize queued;                 /* bytes in jobs */
  gboolean working;             /* a job is being written */
  gboolean closing;
  SeedanceClipWriterState state;
  gchar *sums_text;             /* once COMMITTED */
};

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (seedance_clip_writer_debug, "seedanceclipwriter",
        0, "Seedance clip cache writer");
    g_once_init_leave (&once, 1);
  }
}

static void
add_range (GArray * ranges, guint64 start, guint64 end)
{
  guint i = 0;
  Range r = { start, end };

  while (i < ranges->len && g_array_index (ranges, Range, i).end < start)
    i++;
  /* Merge with every range it touches. */
  while (i < ranges->len && g_array_index (ranges, Range, i).start <= end) {
    Range *o = &g_array_index (ranges, Range, i);

    r.start = MIN (r.start, o->start);
    r.end = MAX (r.end, o->end);
    g_array_remove_index (ranges, i);
  }
  g_array_insert_val (ranges, i, r);
}

static gboolean
is_whole (GArray * ranges, guint64 size)
{
  return ranges->len == 1 && g_array_index (ranges, Range, 0).start == 0
      && g_array_index (ranges, Range, 0).end == size;
}

/* Sums the bytes at @offset that continue the ones summed in order. */
static void
sum_in_order (SeedanceClipWriter * w, guint64 offset, const guint8 * data,
    gsize length)
{
  guint64 block_size = seedance_clip_sums_block_size (w->sums);

  if (offset > w->summed || offset + length <= w->summed)
    return;
  data += w->summed - offset;
  length -= w->summed - offset;
  while (length > 0) {
    guint index = w->summed / block_size;
    guint64 in_block = w->summed % block_size;
    guint64 block_length = seedance_clip_sums_block_length (w->sums, index);
    gsize take = MIN (length, block_length - in_block);

    if (in_block == 0)
      XXH3_128bits_reset (w->block_state);
    XXH3_128bits_update (w->block_state, data, take);
    w->summed += take;
    data += take;
    length -= take;
    if (in_block + take == block_length) {
      XXH128_canonical_t canonical;

      XXH128_canonicalFromHash (&canonical,
          XXH3_128bits_digest (w->block_state));
      seedance_clip_sums_set (w->sums, index, canonical.digest);
    }
  }
}

static gboolean
write_all (gint fd, const guint8 * data, gsize length, guint64 offset)
{
  gsize done = 0;

  while (done < length) {
    gssize n = pwrite (fd, data + done, length - done, offset + done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    done += n;
  }
  return TRUE;
}

/* Sums the blocks that did not arrive in order by reading them back. */
static gboolean
sum_the_rest (SeedanceClipWriter * w)
{
  guint64 block_size = seedance_clip_sums_block_size (w->sums);
  guint index = w->summed / block_size;
  guint8 *block = NULL;
  gboolean ok = TRUE;

  for (; ok && index < seedance_clip_sums_count (w->sums); index++) {
    guint64 length = seedance_clip_sums_block_length (w->sums, index);
    guint64 done = 0;

    if (g_atomic_int_get (&w->closing))
      ok = FALSE;
    if (block == NULL)
      block = g_malloc (block_size);
    while (ok && done < length) {
      gssize n = pread (w->fd, block + done, length - done,
          (guint64) index * block_size + done);

      if (n < 0 && errno == EINTR)
        continue;
      ok = n > 0;
      done += MAX (n, 0);
    }
    if (ok)
      seedance_clip_sums_compute (w->sums, index, block, length);
  }
  g_free (block);
  return ok;
}

/* Puts the whole clip in place. */
static SeedanceClipWriterState
commit (SeedanceClipWriter * w, gchar ** sums_text)
{
  if (!sum_the_rest (w)) {
    GST_WARNING ("cannot read %s back: not caching the clip", w->part_path);
    return SEEDANCE_CLIP_WRITER_BROKEN;
  }
  if (g_rename (w->part_path, w->final_path) < 0) {
    GST_WARNING ("cannot rename %s: %s: not caching the clip", w->part_path,
        g_strerror (errno));
    return SEEDANCE_CLIP_WRITER_BROKEN;
  }
  g_clear_pointer (&w->part_path, g_free);
  *sums_text = seedance_clip_sums_to_string (w->sums);
  GST_INFO ("cached %s (%" G_GUINT64_FORMAT " bytes in %u blocks)",
      w->final_path, w->size, seedance_clip_sums_count (w->sums));
  return SEEDANCE_CLIP_WRITER_COMMITTED;
}

/* Writes one job; the new state of the writer. */
static SeedanceClipWriterState
write_job (SeedanceClipWriter * w, Job * job, gchar ** sums_text)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (job->bytes, &length);

  if (job->offset + length > w->size) {
    GST_WARNING ("%s: bytes past the clip's %" G_GUINT64_FORMAT ": not "
        "caching it", w->part_path, w->size);
    return SEEDANCE_CLIP_WRITER_BROKEN;
  }
  if (!write_all (w->fd, data, length, job->offset)) {
    GST_WARNING ("%s: %s: not caching the clip", w->part_path,
        g_strerror (errno));
    return SEEDANCE_CLIP_WRITER_BROKEN;
  }
  sum_in_order (w, job->offset, data, length);
  add_range (w->ranges, job->offset, job->offset + length);
  return is_whole (w->ranges, w->size) ? commit (w, sums_text) :
      SEEDANCE_CLIP_WRITER_BUSY;
}

static void
job_free (Job * job)
{
  g_bytes_unref (job->bytes);
  g_free (job);
}

static gpointer
writer_thread (gpointer data)
{
  SeedanceClipWriter *w = data;

  g_mutex_lock (&w->lock);
  for (;;) {
    SeedanceClipWriterState state;
    gchar *sums_text = NULL;
    Job *job;
    gsize length;

    while (!w->closing && g_queue_is_empty (&w->jobs))
      g_cond_wait (&w->cond, &w->lock);
    if (w->closing)
      break;
    job = g_queue_pop_head (&w->jobs);
    length = g_bytes_get_size (job->bytes);
    w->working = TRUE;
    state = w->state;
    g_mutex_unlock (&w->lock);

    if (state == SEEDANCE_CLIP_WRITER_BUSY)
      state = write_job (w, job, &sums_text);
    job_free (job);

    g_mutex_lock (&w->lock);
    w->working = FALSE;
    w->queued -= length;
    w->state = state;
    if (sums_text)
      w->sums_text = sums_text;
    g_cond_broadcast (&w->cond);
  }
  g_mutex_unlock (&w->lock);
  return NULL;
}

/**
 * seedance_clip_writer_new:
 * @final_path: where the clip goes once whole; its part file is beside it
 * @size: the clip's size in bytes, > 0
 *
 * Returns: (transfer full) (nullable): a writer, its thread started
 */
SeedanceClipWriter *
seedance_clip_writer_new (const gchar * final_path, guint64 size,
    GError ** error)
{
  SeedanceClipWriter *w;
  gint fd;
  gchar *part_path;

  g_return_val_if_fail (size > 0, NULL);

  ensure_debug ();
  /* One part file per writer: two pipelines may cache the same clip. */
  part_path = g_strdup_printf ("%s.%d-%08x.part", final_path, getpid (),
      g_random_int ());
  fd = g_open (part_path, O_RDWR | O_CREAT | O_EXCL | SAFE_OPEN_FLAGS, 0600);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create %s: %s", part_path, g_strerror (errno));
    g_free (part_path);
    return NULL;
  }

  w = g_new0 (SeedanceClipWriter, 1);
  w->final_path = g_strdup (final_path);
  w->part_path = part_path;
  w->fd = fd;
  w->size = size;
  w->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  w->handed = g_array_new (FALSE, FALSE, sizeof (Range));
  w->sums = seedance_clip_sums_new (size);
  w->block_state = XXH3_createState ();
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  g_queue_init (&w->jobs);
  w->state = SEEDANCE_CLIP_WRITER_BUSY;
  w->thread = g_thread_new ("seedance-cache", writer_thread, w);
  GST_DEBUG ("caching %" G_GUINT64_FORMAT " bytes into %s", size, part_path);
  return w;
}

/**
 * seedance_clip_writer_write:
 * @offset: where @bytes go in the clip
 * @bytes: (transfer none): bytes of the clip; kept until written
 *
 * Queues @bytes for the writer's thread. Waits only while MAX_QUEUED bytes
 * are queued already.
 *
 * Returns: whether every byte of the clip has been handed over: then
 *   seedance_clip_writer_finish() says how it went
 */
gboolean
seedance_clip_writer_write (SeedanceClipWriter * w, guint64 offset,
    GBytes * bytes)
{
  gsize length = g_bytes_get_size (bytes);
  Job *job;

  if (length == 0)
    return FALSE;
  if (offset + length <= w->size)
    add_range (w->handed, offset, offset + length);
  g_mutex_lock (&w->lock);
  while (w->state == SEEDANCE_CLIP_WRITER_BUSY && w->queued >= MAX_QUEUED)
    g_cond_wait (&w->cond, &w->lock);
  if (w->state == SEEDANCE_CLIP_WRITER_BUSY) {
    job = g_new (Job, 1);
    job->offset = offset;
    job->bytes = g_bytes_ref (bytes);
    g_queue_push_tail (&w->jobs, job);
    w->queued += length;
    g_cond_broadcast (&w->cond);
  }
  g_mutex_unlock (&w->lock);
  return is_whole (w->handed, w->size);
}

static SeedanceClipWriterState
report (SeedanceClipWriter * w, gchar ** sums)
{
  if (w->state == SEEDANCE_CLIP_WRITER_COMMITTED && sums)
    *sums = g_strdup (w->sums_text);
  return w->state;
}

/**
 * seedance_clip_writer_poll:
 * @sums: (out) (optional): once COMMITTED, the clip's sums
 *   (seedanceclipsums.c), to keep in its journal entry
 *
 * Returns: where the writer stands, without waiting
 */
SeedanceClipWriterState
seedance_clip_writer_poll (SeedanceClipWriter * w, gchar ** sums)
{
  SeedanceClipWriterState state;

  g_mutex_lock (&w->lock);
  state = report (w, sums);
  g_mutex_unlock (&w->lock);
  return state;
}

/**
 * seedance_clip_writer_finish:
 *
 * seedance_clip_writer_poll() once everything queued is written: at the
 * end of the download.
 */
SeedanceClipWriterState
seedance_clip_writer_finish (SeedanceClipWriter * w, gchar ** sums)
{
  SeedanceClipWriterState state;

  g_mutex_lock (&w->lock);
  while (w->state == SEEDANCE_CLIP_WRITER_BUSY
      && (w->working || !g_queue_is_empty (&w->jobs)))
    g_cond_wait (&w->cond, &w->lock);
  state = report (w, sums);
  g_mutex_unlock (&w->lock);
  return state;
}

/* Stops the thread (what is queued is dropped); a clip that was not
 * committed is removed. */
void
seedance_clip_writer_free (SeedanceClipWriter * w)
{
  if (w == NULL)
    return;
  g_mutex_lock (&w->lock);
  g_atomic_int_set (&w->closing, TRUE);
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  g_thread_join (w->thread);
  g_queue_clear_full (&w->jobs, (GDestroyNotify) job_free);

  close (w->fd);
  if (w->part_path) {
    g_unlink (w->part_path);
    GST_DEBUG ("dropped %s", w->part_path);
  }
  g_free (w->part_path);
  g_free (w->final_path);
  g_free (w->sums_text);
  g_array_unref (w->ranges);
  g_array_unref (w->handed);
  seedance_clip_sums_free (w->sums);
  XXH3_freeState (w->block_state);
  g_cond_clear (&w->cond);
  g_mutex_clear (&w->lock);
  g_free (w);
}
