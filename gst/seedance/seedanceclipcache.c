/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The clip cache: the bytes the element downloads are written to a
 * private file as they stream (no second download, never the whole clip
 * in memory), at their offsets, since a demuxer reads a clip with its
 * moov at the end out of order. Once every byte is there the file is
 * checksummed and renamed into place; readers check size and checksum
 * before trusting it. The least recently used clips go when the cache
 * outgrows its bound. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "seedanceclipcache.h"

GST_DEBUG_CATEGORY_STATIC (seedance_clip_cache_debug);
#define GST_CAT_DEFAULT seedance_clip_cache_debug

#define HASH_CHUNK (256 * 1024)
/* Part files of runs that died are removed after this long. */
#define STALE_PART_AGE_S (24 * 3600)

typedef struct
{
  guint64 start, end;
} Range;

struct _SeedanceClipWriter
{
  gchar *final_path;
  gchar *part_path;
  gint fd;
  guint64 size;
  GArray *ranges;               /* sorted, disjoint, merged */
  GChecksum *sum;               /* of bytes [0, hashed) */
  guint64 hashed;
  gboolean broken;
};

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (seedance_clip_cache_debug, "seedanceclipcache",
        0, "Seedance clip cache");
    g_once_init_leave (&once, 1);
  }
}

SeedanceClipWriter *
seedance_clip_writer_new (const gchar * final_path, guint64 size,
    GError ** error)
{
  SeedanceClipWriter *w;

  ensure_debug ();
  w = g_new0 (SeedanceClipWriter, 1);
  w->final_path = g_strdup (final_path);
  /* One part file per writer: two pipelines may cache the same clip. */
  w->part_path = g_strdup_printf ("%s.%d-%08x.part", final_path, getpid (),
      g_random_int ());
  w->size = size;
  w->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  w->sum = g_checksum_new (G_CHECKSUM_SHA256);
  w->fd = g_open (w->part_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (w->fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create %s: %s", w->part_path, g_strerror (errno));
    seedance_clip_writer_free (w);
    return NULL;
  }
  GST_DEBUG ("caching %" G_GUINT64_FORMAT " bytes into %s", size, w->part_path);
  return w;
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

void
seedance_clip_writer_write (SeedanceClipWriter * w, guint64 offset,
    const guint8 * data, gsize length)
{
  gsize done = 0;

  if (w->broken || length == 0)
    return;
  if (offset + length > w->size) {
    GST_WARNING ("%s: bytes past the clip's %" G_GUINT64_FORMAT ": not "
        "caching it", w->part_path, w->size);
    w->broken = TRUE;
    return;
  }
  while (done < length) {
    gssize n = pwrite (w->fd, data + done, length - done, offset + done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      GST_WARNING ("%s: %s: not caching the clip", w->part_path,
          g_strerror (errno));
      w->broken = TRUE;
      return;
    }
    done += n;
  }
  if (offset == w->hashed) {
    g_checksum_update (w->sum, data, length);
    w->hashed += length;
  }
  add_range (w->ranges, offset, offset + length);
}

gboolean
seedance_clip_writer_is_complete (SeedanceClipWriter * w)
{
  return !w->broken && w->ranges->len == 1
      && g_array_index (w->ranges, Range, 0).start == 0
      && g_array_index (w->ranges, Range, 0).end == w->size;
}

gboolean
seedance_clip_writer_is_broken (SeedanceClipWriter * w)
{
  return w->broken;
}

/* Reads [from, to) of @fd into @sum. */
static gboolean
hash_file (gint fd, guint64 from, guint64 to, GChecksum * sum)
{
  guint8 *buf = g_malloc (HASH_CHUNK);
  gboolean ok = TRUE;

  while (from < to) {
    gssize n = pread (fd, buf, MIN (HASH_CHUNK, to - from), from);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ok = FALSE;
      break;
    }
    g_checksum_update (sum, buf, n);
    from += n;
  }
  g_free (buf);
  return ok;
}

/* Puts the complete clip in place; returns its SHA-256. */
gchar *
seedance_clip_writer_commit (SeedanceClipWriter * w, GError ** error)
{
  gchar *sha;

  g_return_val_if_fail (seedance_clip_writer_is_complete (w), NULL);
  /* Bytes that arrived out of order were not hashed on the way. */
  if (!hash_file (w->fd, w->hashed, w->size, w->sum)) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot read %s back: %s", w->part_path, g_strerror (errno));
    return NULL;
  }
  w->hashed = w->size;
  if (g_rename (w->part_path, w->final_path) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot rename %s: %s", w->part_path, g_strerror (errno));
    return NULL;
  }
  g_clear_pointer (&w->part_path, g_free);
  sha = g_strdup (g_checksum_get_string (w->sum));
  GST_INFO ("cached %s (%" G_GUINT64_FORMAT " bytes, sha256 %s)",
      w->final_path, w->size, sha);
  return sha;
}

/* Closes the writer; a clip it did not commit is removed. */
void
seedance_clip_writer_free (SeedanceClipWriter * w)
{
  if (w == NULL)
    return;
  if (w->fd >= 0)
    close (w->fd);
  if (w->part_path) {
    g_unlink (w->part_path);
    GST_DEBUG ("dropped %s", w->part_path);
  }
  g_free (w->part_path);
  g_free (w->final_path);
  g_array_unref (w->ranges);
  g_checksum_free (w->sum);
  g_free (w);
}

/* Opens the file at @path once it proved to be the clip the journal
 * describes (size and SHA-256): the descriptor that was checked is the
 * one that is read. Returns it, or -1 with @error set. */
gint
seedance_clip_open_verified (const gchar * path, guint64 size,
    const gchar * sha256, GError ** error)
{
  GChecksum *sum;
  GStatBuf st;
  gint fd;

  ensure_debug ();
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "%s: %s", path, g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if ((guint64) st.st_size != size) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s has %" G_GINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT, path,
        (gint64) st.st_size, size);
    close (fd);
    return -1;
  }
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  if (!hash_file (fd, 0, size, sum)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s", path);
    close (fd);
    fd = -1;
  } else if (g_strcmp0 (g_checksum_get_string (sum), sha256) != 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s does not match its checksum", path);
    close (fd);
    fd = -1;
  }
  g_checksum_free (sum);
  return fd;
}

/* Marks the clip as just used: eviction goes by modification time. */
void
seedance_clip_touch (const gchar * path)
{
  /* Nanoseconds: clips used within one second still have an order. */
  if (utimensat (AT_FDCWD, path, NULL, 0) < 0)
    GST_DEBUG ("cannot touch %s: %s", path, g_strerror (errno));
}

typedef struct
{
  gchar *path;
  guint64 size;
  gint64 mtime;
} CachedClip;

static gint
older_first (gconstpointer a, gconstpointer b)
{
  const CachedClip *x = a, *y = b;

  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

static void
cached_clip_clear (gpointer data)
{
  g_free (((CachedClip *) data)->path);
}

/* Removes the least recently used clips until the cache holds at most
 * @max_bytes, never @keep (the clip in use); also part files that a run
 * which died left behind. Returns how many clips went. */
guint
seedance_clip_cache_evict (const gchar * clips_dir, guint64 max_bytes,
    const gchar * keep)
{
  GDir *dir;
  GArray *clips;
  const gchar *name;
  guint64 total = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint i, evicted = 0;

  ensure_debug ();
  dir = g_dir_open (clips_dir, 0, NULL);
  if (dir == NULL)
    return 0;
  clips = g_array_new (FALSE, FALSE, sizeof (CachedClip));
  g_array_set_clear_func (clips, cached_clip_clear);
  while ((name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (clips_dir, name, NULL);
    GStatBuf st;
    gboolean regular = g_stat (path, &st) == 0 && S_ISREG (st.st_mode);

    if (regular && g_str_has_suffix (name, ".mp4")) {
      CachedClip c = { path, st.st_size,
        (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
            st.st_mtim.tv_nsec
      };

      total += c.size;
      g_array_append_val (clips, c);    /* keeps path */
      continue;
    }
    if (regular && g_str_has_suffix (name, ".part")
        && now - st.st_mtime > STALE_PART_AGE_S)
      g_unlink (path);
    g_free (path);
  }
  g_dir_close (dir);

  g_array_sort (clips, older_first);
  for (i = 0; i < clips->len && total > max_bytes; i++) {
    CachedClip *c = &g_array_index (clips, CachedClip, i);

    if (g_strcmp0 (c->path, keep) == 0 || g_unlink (c->path) < 0)
      continue;
    GST_INFO ("evicted %s (%" G_GUINT64_FORMAT " bytes)", c->path, c->size);
    total -= c->size;
    evicted++;
  }
  g_array_unref (clips);
  return evicted;
}
