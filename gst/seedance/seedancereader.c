/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The clip's bytes behind create(): ranged HTTP GETs of the result URL
 * (seedancereaderdownload.c), or the cached clip of an earlier run, and
 * the cache tee (seedancereadercache.c); here, what create() calls, and
 * the checks every byte passes: an MP4 from its first bytes, within the
 * size bound. The reader posts nothing: errors go back to the element as
 * GErrors, and what the element must know or do (its segment, the shared
 * run, the journal, flushes) goes through SeedanceReaderHooks. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/base/gsttypefindhelper.h>

#include "seedancereaderprivate.h"
#include "seedanceclipcache.h"
#include "seedancedeadline.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY (seedance_reader_debug);
#define GST_CAT_DEFAULT seedance_reader_debug

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (seedance_reader_debug, "seedancereader", 0,
        "Seedance clip reader");
    g_once_init_leave (&initialized, 1);
  }
}

/**
 * seedance_reader_new:
 * @log_object: (nullable): what the reader's log lines name; not reffed
 * @cancellable: cancels every download; kept
 * @hooks: what the reader asks of its owner; copied
 * @user_data: given to each hook
 *
 * Returns: (transfer full): a reader with no run
 */
SeedanceReader *
seedance_reader_new (GstObject * log_object, GCancellable * cancellable,
    const SeedanceReaderHooks * hooks, gpointer user_data)
{
  SeedanceReader *reader;

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (hooks != NULL, NULL);

  ensure_debug_category ();
  reader = g_new0 (SeedanceReader, 1);
  reader->log_object = log_object;
  reader->cancellable = g_object_ref (cancellable);
  reader->hooks = *hooks;
  reader->user_data = user_data;
  reader->download.total_size = -1;
  reader->clip_identity.size = -1;
  reader->clip_fd = -1;
  reader->block_index = G_MAXUINT;
  reader->read_stop = -1;
  reader->content_size = -1;
  g_mutex_init (&reader->lock);
  return reader;
}

void
seedance_reader_free (SeedanceReader * reader)
{
  if (reader == NULL)
    return;
  seedance_reader_reset (reader);
  g_object_unref (reader->cancellable);
  g_mutex_clear (&reader->lock);
  g_free (reader);
}

/**
 * seedance_reader_reset:
 *
 * Forgets everything of a run: closes the download and the cached clip,
 * drops what was written to the cache of an unfinished clip.
 */
void
seedance_reader_reset (SeedanceReader * reader)
{
  seedance_download_clear (&reader->download);
  seedance_file_identity_clear (&reader->clip_identity);
  reader->clip_identity_known = FALSE;
  g_clear_pointer (&reader->download_watch, seedance_deadline_free);
  reader->watch_touched = 0;
  reader->download_busy_us = 0;
  reader->download_bytes = 0;
  reader->read_position = 0;
  reader->read_stop = -1;
  g_mutex_lock (&reader->lock);
  reader->content_size = -1;
  reader->range_ignored = FALSE;
  g_mutex_unlock (&reader->lock);
  reader->download_retries = 0;
  g_clear_pointer (&reader->clip_writer, seedance_clip_writer_free);
  seedance_reader_close_clip (reader);
  reader->cache_given_up = FALSE;
  g_clear_pointer (&reader->window, g_free);
  reader->window_start = 0;
  reader->window_length = 0;
  reader->from_window = FALSE;
  reader->client = NULL;
  reader->journal = NULL;
  g_clear_pointer (&reader->task_id, g_free);
  g_clear_pointer (&reader->url, g_free);
}

/**
 * seedance_reader_unlock_stop:
 *
 * After a flush: the watch that bounds the download's silence, which
 * the flush cancelled, starts anew. Called under the owner's wait lock.
 */
void
seedance_reader_unlock_stop (SeedanceReader * reader)
{
  if (reader->download_watch)
    seedance_deadline_reset (reader->download_watch);
}

/**
 * seedance_reader_configure:
 * @client: (transfer none): downloads the clip
 * @journal: (transfer none) (nullable): the run's journal and clip cache;
 *   NULL: nothing is cached
 * @task_id: (nullable): the run's task, named in errors
 * @cache_bytes: the clip cache's bound
 * @max_clip_size: the largest clip accepted, in bytes
 * @timeout: the run's timeout in s, 0 = none
 *
 * What the run gives the reader; before each use, as the run may learn
 * its task late. The pointers must live until the next reset.
 */
void
seedance_reader_configure (SeedanceReader * reader, SeedanceClient * client,
    SeedanceJournal * journal, const gchar * task_id, guint64 cache_bytes,
    guint64 max_clip_size, guint timeout)
{
  reader->client = client;
  reader->journal = journal;
  if (g_strcmp0 (reader->task_id, task_id) != 0) {
    g_free (reader->task_id);
    reader->task_id = g_strdup (task_id);
  }
  reader->cache_bytes = cache_bytes;
  reader->max_clip_size = max_clip_size;
  reader->timeout = timeout;
}

/* Whether @data starts with an ISO BMFF / QuickTime box: for a first
 * block too short for the typefinder. */
static gboolean
starts_with_mp4_box (const guint8 * data, gsize size)
{
  static const gchar types[][5] = { "ftyp", "moov", "mdat", "free", "skip",
    "wide", "pnot", "uuid"
  };
  guint32 box_size;
  guint i;

  if (size < 8)
    return FALSE;
  box_size = GST_READ_UINT32_BE (data);
  if (box_size != 0 && box_size != 1 && box_size < 8)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (memcmp (data + 4, types[i], 4) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The clip's first bytes must be an MP4 (video/quicktime), the caps the
 * pad negotiated: a host's error page is not streamed, and never
 * cached. */
gboolean
seedance_reader_check_head (SeedanceReader * reader, const guint8 * data,
    gsize size, GError ** error)
{
  GstTypeFindProbability prob;
  GstCaps *caps = gst_type_find_helper_for_data (reader->log_object, data,
      size, &prob);
  gboolean mp4 = caps ? gst_structure_has_name (gst_caps_get_structure (caps,
          0), "video/quicktime") : starts_with_mp4_box (data, size);

  if (!mp4) {
    gchar *found = caps ? gst_caps_to_string (caps) :
        g_strdup ("nothing known");

    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the file host did not send the clip: its bytes are not an MP4 "
        "(they look like %s)", found);
    g_free (found);
    gst_clear_caps (&caps);
    return FALSE;
  }
  gst_clear_caps (&caps);
  return TRUE;
}

/* A clip of unknown length is read up to the bound, no further. */
static gboolean
seedance_reader_check_size (SeedanceReader * reader, guint64 end,
    GError ** error)
{
  if (end <= reader->max_clip_size)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
      "the file host sent more than %" G_GUINT64_FORMAT " bytes, larger "
      "than a clip may be (SEEDANCE_MAX_CLIP_SIZE)", reader->max_clip_size);
  return FALSE;
}

/* @data, inside @owner's memory when it has one, without a copy: the
 * memory is kept until the cache writer is done with it. */
static GBytes *
bytes_of (GstBuffer * owner, const guint8 * data, gsize n)
{
  GstMemory *mem;

  if (owner == NULL || gst_buffer_n_memory (owner) != 1)
    return g_bytes_new (data, n);
  mem = gst_memory_ref (gst_buffer_peek_memory (owner, 0));
  return g_bytes_new_with_free_func (data, n,
      (GDestroyNotify) gst_memory_unref, mem);
}

/* Checks and caches the @n bytes just read at @offset; -1: a read that
 * failed after @arrived bytes. FALSE with @error worded for the user. */
gboolean
seedance_reader_take_bytes (SeedanceReader * reader, guint64 offset,
    GstBuffer * owner, const guint8 * data, gssize n, guint64 arrived,
    guint * status, GError ** error)
{
  if (n > 0 && ((offset == 0
              && !seedance_reader_check_head (reader, data, n, error))
          || !seedance_reader_check_size (reader, offset + n, error))) {
    /* Nothing of it is cached. */
    seedance_reader_give_up_cache (reader);
    g_prefix_error (error, "The clip of task %s cannot be played: ",
        reader->task_id);
    *status = reader->download.http_status;
    return FALSE;
  }
  if (n > 0 && reader->clip_writer) {
    GBytes *bytes = bytes_of (owner, data, n);

    seedance_reader_cache_bytes (reader, offset, bytes);
    g_bytes_unref (bytes);
  }

  if (n < 0) {
    gchar *total = reader->content_size >= 0 ?
        g_strdup_printf ("%" G_GINT64_FORMAT, reader->content_size) :
        g_strdup ("an unknown number of");

    g_prefix_error (error, "The clip of task %s is incomplete: %"
        G_GUINT64_FORMAT " of %s bytes arrived: ", reader->task_id, arrived,
        total);
    g_free (total);
    if ((*error)->domain != SEEDANCE_ERROR) {
      (*error)->domain = SEEDANCE_ERROR;
      (*error)->code = SEEDANCE_ERROR_DOWNLOAD;
    }
    *status = reader->download.http_status;
    return FALSE;
  }
  return TRUE;
}

/**
 * seedance_reader_prepare:
 * @url: (nullable): the clip's URL; unused with a cached clip
 * @offset: the first byte wanted
 * @stop: the byte after the last one wanted (the segment's stop), -1
 *   for the end of the clip: the download asks for no byte past it
 * @reverse_start: the start of a segment that plays backwards, whose
 *   blocks are asked for from its end down to it: a REVERSE_WINDOW of
 *   them is read at once (a cached clip needs none); -1 when playing
 *   forwards
 * @length: (inout): the bytes wanted, cut to what the clip has
 * @status: (out): on an error, the file host's HTTP status (0: none)
 * @error: on an error, why
 *
 * Gets ready to read at @offset: opens the download there unless it is
 * open there already, up to @stop (a seek reopens it with Range).
 *
 * Returns: %SEEDANCE_READER_OK, then seedance_reader_fill() reads
 *   @length bytes at most; or %SEEDANCE_READER_EOS past the end; or an
 *   error (%SEEDANCE_READER_URL_REFUSED for a URL the host refused)
 */
SeedanceReaderResult
seedance_reader_prepare (SeedanceReader * reader, const gchar * url,
    guint64 offset, gint64 stop, gint64 reverse_start, guint * length,
    guint * status, GError ** error)
{
  SeedanceReaderResult result;

  *status = 0;
  if (reader->clip_fd >= 0
      && seedance_reader_prepare_cached (reader, offset, length, &result,
          error))
    return result;

  if (reader->content_size >= 0 && offset >= (guint64) reader->content_size) {
    seedance_reader_end_download (reader);
    return SEEDANCE_READER_EOS;
  }
  if (url == NULL) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "no result URL is known for task %s", reader->task_id);
    return SEEDANCE_READER_URL_REFUSED;
  }
  if (stop >= 0 && offset >= (guint64) stop)
    return SEEDANCE_READER_EOS;
  /* A stop at or past the end is none. */
  if (stop >= 0 && reader->content_size >= 0 && stop >= reader->content_size)
    stop = -1;
  if (reader->content_size >= 0)
    *length = MIN (*length, (guint64) reader->content_size - offset);
  if (stop >= 0)
    *length = MIN (*length, (guint64) stop - offset);
  reader->from_window = offset >= reader->window_start
      && offset - reader->window_start < reader->window_length;
  if (reader->from_window) {
    *length = MIN (*length, reader->window_start + reader->window_length -
        offset);
    return SEEDANCE_READER_OK;
  }
  if (reverse_start >= 0)
    return seedance_reader_fill_window (reader, url,
        MIN ((guint64) reverse_start, offset), offset + *length, status, error);
  if (reader->download.stream == NULL || offset != reader->read_position
      || stop != reader->read_stop) {
    GST_DEBUG_OBJECT (reader->log_object, "opening the clip at byte %"
        G_GUINT64_FORMAT " up to %" G_GINT64_FORMAT, offset, stop);
    reader->read_stop = stop;
    result = seedance_reader_open_download (reader, url, offset, status, error);
    if (result != SEEDANCE_READER_OK)
      return result;
  }
  if (reader->content_size >= 0)
    *length = MIN (*length, (guint64) reader->content_size - offset);
  if (reader->read_stop >= 0)
    *length = MIN (*length, (guint64) reader->read_stop - offset);
  return SEEDANCE_READER_OK;
}

static SeedanceReaderResult seedance_reader_fill_data (SeedanceReader * reader,
    guint64 offset, GstBuffer * buf, guint8 * data, gsize length,
    gsize * filled, guint * status, GError ** error);

/**
 * seedance_reader_fill:
 * @offset: the byte seedance_reader_prepare() got ready for
 * @buf: where the bytes go: a buffer of the length
 *   seedance_reader_prepare() gave, in system memory; the cache tee keeps
 *   a reference to its memory until it has written it
 * @filled: (out): the bytes read, on %SEEDANCE_READER_OK
 * @status: (out): on an error, the file host's HTTP status (0: none)
 * @error: on an error, why, worded for the user
 *
 * Reads the clip into @data; a dropped download is resumed. The bytes
 * of a download go into the cache too.
 *
 * Returns: %SEEDANCE_READER_OK with at least one byte,
 *   %SEEDANCE_READER_EOS at the end, or %SEEDANCE_READER_ERROR
 */
SeedanceReaderResult
seedance_reader_fill (SeedanceReader * reader, guint64 offset, GstBuffer * buf,
    gsize * filled, guint * status, GError ** error)
{
  SeedanceReaderResult result;
  GstMapInfo map;

  *status = 0;
  if (!gst_buffer_map (buf, &map, GST_MAP_WRITE)) {
    g_set_error_literal (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "cannot write into the buffer");
    return SEEDANCE_READER_ERROR;
  }
  result = seedance_reader_fill_data (reader, offset, buf, map.data, map.size,
      filled, status, error);
  gst_buffer_unmap (buf, &map);
  return result;
}

static SeedanceReaderResult
seedance_reader_fill_data (SeedanceReader * reader, guint64 offset,
    GstBuffer * buf, guint8 * data, gsize length, gsize * filled,
    guint * status, GError ** error)
{
  guint64 arrived = 0;
  gssize n;

  if (reader->clip_fd >= 0)
    return seedance_reader_fill_from_clip (reader, offset, data, length,
        filled, error);

  if (reader->from_window) {
    memcpy (data, reader->window + (offset - reader->window_start), length);
    *filled = length;
    return SEEDANCE_READER_OK;
  }

  n = seedance_reader_read (reader, data, length, &arrived, error);
  if (!seedance_reader_take_bytes (reader, offset, buf, data, n, arrived,
          status, error))
    return SEEDANCE_READER_ERROR;

  if (n == 0) {
    if (reader->content_size >= 0
        && reader->read_position < (guint64) reader->content_size) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "The clip of task %s is truncated: %" G_GUINT64_FORMAT " of %"
          G_GINT64_FORMAT " bytes arrived", reader->task_id,
          reader->read_position, reader->content_size);
      *status = reader->download.http_status;
      return SEEDANCE_READER_ERROR;
    }
    GST_DEBUG_OBJECT (reader->log_object, "end of the clip at byte %"
        G_GUINT64_FORMAT, reader->read_position);
    seedance_reader_end_download (reader);
    return SEEDANCE_READER_EOS;
  }

  *filled = n;
  reader->read_position = offset + n;
  reader->download_retries = 0;
  return SEEDANCE_READER_OK;
}

/**
 * seedance_reader_is_seekable:
 *
 * From any thread.
 *
 * Returns: whether a seek is a Range request: until the file host
 *   answered one with the whole file (a cached clip is always seekable)
 */
gboolean
seedance_reader_is_seekable (SeedanceReader * reader)
{
  gboolean seekable;

  g_mutex_lock (&reader->lock);
  seekable = !reader->range_ignored;
  g_mutex_unlock (&reader->lock);
  return seekable;
}

/**
 * seedance_reader_get_size:
 * @size: (out): the clip's size in bytes
 *
 * From any thread.
 *
 * Returns: whether the size is known
 */
gboolean
seedance_reader_get_size (SeedanceReader * reader, guint64 * size)
{
  gint64 content_size;

  g_mutex_lock (&reader->lock);
  content_size = reader->content_size;
  g_mutex_unlock (&reader->lock);
  if (content_size < 0)
    return FALSE;
  *size = content_size;
  return TRUE;
}
