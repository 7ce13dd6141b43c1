/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The reader's download of the clip: the GETs of the result URL (ranged
 * up to a seek's stop, or a window of blocks at once for a reverse
 * segment), resumed when the connection drops, bounded in silence and
 * rate; and, as it starts, the cache tee that writes it into the clip
 * cache. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "seedancereaderprivate.h"
#include "seedanceclipcache.h"
#include "seedanceerror.h"

#define GST_CAT_DEFAULT seedance_reader_debug

/* A dropped download is resumed this often before giving up. */
#define MAX_DOWNLOAD_RETRIES 3
/* A download silent this long (or timeout, when shorter) has stalled. */
#define DOWNLOAD_STALL_S 60
/* Over this much time spent reading, a download must average at least
 * MIN_DOWNLOAD_RATE bytes/s (a 15 s clip of 20 MB takes 20 min). */
#define RATE_WINDOW_S 60
#define MIN_DOWNLOAD_RATE (16 * 1024)
/* Reverse playback reads blocks backwards, each just before the last:
 * one Range request this long, ending where such a block ends, serves
 * the blocks before it too, instead of one request a block. */
#define REVERSE_WINDOW (4 << 20)

/**
 * seedance_reader_stall_s:
 * @timeout: the run's timeout in s, 0 = none
 *
 * Returns: the longest silence of a file host, in s
 */
guint
seedance_reader_stall_s (guint timeout)
{
  return timeout ? MIN (timeout, DOWNLOAD_STALL_S) : DOWNLOAD_STALL_S;
}

gboolean
seedance_reader_is_flushing (SeedanceReader * reader)
{
  return reader->hooks.is_flushing (reader->user_data);
}

/* Sets the size, once known, and tells the owner. */
void
seedance_reader_update_size (SeedanceReader * reader, gint64 size)
{
  if (size < 0 || size == reader->content_size)
    return;
  GST_DEBUG_OBJECT (reader->log_object, "clip size %" G_GINT64_FORMAT
      " bytes", size);
  /* get_size() may run in a querying thread. */
  g_mutex_lock (&reader->lock);
  reader->content_size = size;
  g_mutex_unlock (&reader->lock);
  reader->hooks.size_changed (reader->user_data, size);
}

/* Progress moves the watch on; at most once a second, which keeps its
 * mutex off the path of every read. */
static void
seedance_reader_touch_watch (SeedanceReader * reader, gint64 now)
{
  if (now - reader->watch_touched < G_USEC_PER_SEC)
    return;
  seedance_deadline_touch (reader->download_watch);
  reader->watch_touched = now;
}

/* The download may be silent DOWNLOAD_STALL_S (or timeout) at most, from
 * now and from each read that brings bytes: libsoup's own timeout is
 * reset by every byte. Left armed between buffers: a paused pipeline
 * makes it expire without harm, and the next read starts it anew. */
static GCancellable *
seedance_reader_arm_watch (SeedanceReader * reader)
{
  GCancellable *cancellable;

  if (reader->download_watch == NULL)
    reader->download_watch = seedance_deadline_new (reader->cancellable, 0);
  cancellable = seedance_deadline_get_cancellable (reader->download_watch);
  if (g_cancellable_is_cancelled (cancellable)
      && seedance_deadline_expired (reader->download_watch)) {
    seedance_deadline_reset (reader->download_watch);
    reader->watch_touched = 0;
  }
  if (reader->watch_touched == 0) {
    seedance_deadline_set_period (reader->download_watch,
        (gint64) seedance_reader_stall_s (reader->timeout) * G_USEC_PER_SEC);
    reader->watch_touched = g_get_monotonic_time ();
  } else {
    seedance_reader_touch_watch (reader, g_get_monotonic_time ());
  }
  return cancellable;
}

/* A download step that the watch cut short gets an error saying so. */
static void
seedance_reader_classify_stall (SeedanceReader * reader, GError ** error)
{
  if (error && *error && seedance_deadline_expired (reader->download_watch)
      && !seedance_reader_is_flushing (reader)) {
    g_clear_error (error);
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the file host sent nothing for %u s",
        seedance_reader_stall_s (reader->timeout));
  }
}

/* A host that trickles bytes is not silent, but no download: over the
 * time spent reading (not paused), it must average MIN_DOWNLOAD_RATE. */
static gboolean
seedance_reader_check_rate (SeedanceReader * reader, gint64 busy_us,
    GError ** error)
{
  reader->download_busy_us += busy_us;
  if (reader->download_busy_us < RATE_WINDOW_S * G_USEC_PER_SEC
      || reader->download_bytes * G_USEC_PER_SEC >=
      (guint64) reader->download_busy_us * MIN_DOWNLOAD_RATE)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
      "the file host sent %" G_GUINT64_FORMAT " bytes in %" G_GINT64_FORMAT
      " s of reading, less than the %d bytes/s a download needs",
      reader->download_bytes, reader->download_busy_us / G_USEC_PER_SEC,
      MIN_DOWNLOAD_RATE);
  return FALSE;
}

/* One GET of the clip from @offset up to read_stop, which must be of the
 * same file as the first answer. */
static gboolean
seedance_reader_request_clip (SeedanceReader * reader, const gchar * url,
    guint64 offset, GError ** error)
{
  gboolean ok;

  seedance_download_clear (&reader->download);
  seedance_reader_arm_watch (reader);
  ok = seedance_download_open (&reader->download,
      seedance_client_get_engine (reader->client), "clip", url, offset,
      reader->read_stop,
      reader->clip_identity_known ? &reader->clip_identity : NULL,
      reader->max_clip_size, reader->download_watch, error);
  if (!ok) {
    seedance_reader_classify_stall (reader, error);
    return FALSE;
  }
  if ((offset > 0 || reader->read_stop >= 0)
      && reader->download.http_status == 200) {
    GST_INFO_OBJECT (reader->log_object, "the file host ignores Range: "
        "not seekable any more");
    g_mutex_lock (&reader->lock);
    reader->range_ignored = TRUE;
    g_mutex_unlock (&reader->lock);
  }
  if (!reader->clip_identity_known) {
    seedance_file_identity_copy (&reader->clip_identity,
        &reader->download.identity);
    reader->clip_identity_known = TRUE;
  } else if (!reader->clip_identity.etag && !reader->clip_identity.last_modified
      && !reader->cache_given_up) {
    /* Nothing proves this answer is of the first one's file: it may be
     * played, but never cached for good. */
    GST_INFO_OBJECT (reader->log_object, "the file host gives no validator: "
        "a clip read in more than one answer is not cached");
    seedance_reader_give_up_cache (reader);
  }
  return TRUE;
}

SeedanceReaderResult
seedance_reader_open_download (SeedanceReader * reader, const gchar * url,
    guint64 offset, guint * status, GError ** error)
{
  GError *own_error = NULL;

  if (g_strcmp0 (reader->url, url) != 0) {
    g_free (reader->url);
    reader->url = g_strdup (url);
  }
  if (!seedance_reader_request_clip (reader, url, offset, error)) {
    *status = reader->download.http_status;
    /* Result URLs expire: the owner may ask the task for a fresh one. */
    if (*status == 403 || *status == 404 || *status == 410)
      return SEEDANCE_READER_URL_REFUSED;
    return SEEDANCE_READER_ERROR;
  }

  reader->read_position = offset;
  seedance_reader_update_size (reader, reader->download.total_size);
  /* Cached as it streams, when the clip's size is known. */
  if (reader->journal && reader->clip_writer == NULL && reader->clip_fd < 0
      && !reader->cache_given_up && reader->content_size > 0) {
    reader->clip_writer = seedance_clip_writer_new
        (seedance_journal_get_clip_path (reader->journal),
        reader->content_size, &own_error);
    if (reader->clip_writer == NULL) {
      GST_WARNING_OBJECT (reader->log_object, "not caching the clip: %s",
          own_error->message);
      g_clear_error (&own_error);
      seedance_reader_give_up_cache (reader);
    }
  }
  /* Nothing will be cached for the sources following this run. */
  if (reader->clip_writer == NULL)
    reader->hooks.release_run (reader->user_data, FALSE);
  else
    reader->hooks.run_moved (reader->user_data);
  return SEEDANCE_READER_OK;
}

/* Reopens the download at @offset after it dropped (the cause in @error),
 * with bounded retries and backoff. FALSE with the last cause in @error. */
static gboolean
seedance_reader_resume_download (SeedanceReader * reader, const gchar * url,
    guint64 offset, GError ** error)
{
  while (reader->download_retries < MAX_DOWNLOAD_RETRIES) {
    GST_INFO_OBJECT (reader->log_object, "download dropped at byte %"
        G_GUINT64_FORMAT ": %s; resuming", offset,
        *error ? (*error)->message : "");
    g_clear_error (error);
    if (!reader->hooks.wait (reader->user_data, seedance_backoff_ms (200,
                reader->download_retries++))) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
          "cancelled");
      return FALSE;
    }
    if (seedance_reader_request_clip (reader, url, offset, error))
      return TRUE;
    if (seedance_reader_is_flushing (reader)
        || g_error_matches (*error, SEEDANCE_ERROR,
            SEEDANCE_ERROR_UNTRUSTED_CLIP))
      return FALSE;
  }
  return FALSE;
}

/* Fills the buffer straight from the download; a dropped connection is
 * resumed from the next byte. Returns the number of bytes read, 0 at the
 * end, -1 on error with the bytes that arrived in @arrived; the download
 * is closed then, so the next call reopens it at the right offset. */
gssize
seedance_reader_read (SeedanceReader * reader, guint8 * data, gsize size,
    guint64 * arrived, GError ** error)
{
  GCancellable *cancellable = seedance_reader_arm_watch (reader);
  gint64 last = g_get_monotonic_time (), now;
  gsize filled = 0;

  while (filled < size) {
    gssize n = seedance_download_read (&reader->download, data + filled,
        size - filled, cancellable, error);
    guint64 at;

    now = g_get_monotonic_time ();
    if (n > 0) {
      filled += n;
      reader->download_bytes += n;
      seedance_reader_touch_watch (reader, now);
      if (seedance_reader_check_rate (reader, now - last, error)) {
        last = now;
        continue;
      }
      *arrived = reader->read_position + filled;
      seedance_download_clear (&reader->download);
      return -1;
    }
    seedance_reader_classify_stall (reader, error);
    at = reader->read_position + filled;
    if (n == 0) {
      if (reader->content_size < 0 || at >= (guint64) reader->content_size)
        break;
      /* libsoup 3.2 reads a body cut short as a clean end of it. */
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "the connection closed before the end");
    }
    if (seedance_reader_is_flushing (reader)
        || !seedance_reader_resume_download (reader, reader->url, at, error)) {
      *arrived = at;
      seedance_download_clear (&reader->download);
      return -1;
    }
    cancellable = seedance_reader_arm_watch (reader);
    last = g_get_monotonic_time ();
  }
  /* What the last read waited counts too. */
  reader->download_busy_us += g_get_monotonic_time () - last;
  return filled;
}

/* Reads the REVERSE_WINDOW bytes before @end, none before @floor, in one
 * request: the blocks a reverse segment asks for next are served from
 * memory. */
SeedanceReaderResult
seedance_reader_fill_window (SeedanceReader * reader, const gchar * url,
    guint64 floor, guint64 end, guint * status, GError ** error)
{
  guint64 start = end > floor + REVERSE_WINDOW ? end - REVERSE_WINDOW : floor;
  SeedanceReaderResult result;
  guint64 arrived = 0;
  gssize n;

  GST_DEBUG_OBJECT (reader->log_object, "reading backwards: bytes %"
      G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " at once", start, end);
  reader->window_length = 0;
  reader->read_stop = end;
  result = seedance_reader_open_download (reader, url, start, status, error);
  if (result != SEEDANCE_READER_OK)
    return result;
  reader->window = g_realloc (reader->window, end - start);
  n = seedance_reader_read (reader, reader->window, end - start, &arrived,
      error);
  if (n >= 0 && (guint64) n < end - start) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the download ended at byte %" G_GUINT64_FORMAT, start + n);
    arrived = start + n;
    n = -1;
  }
  if (!seedance_reader_take_bytes (reader, start, NULL, reader->window, n,
          arrived, status, error))
    return SEEDANCE_READER_ERROR;
  reader->read_position = end;
  reader->window_start = start;
  reader->window_length = end - start;
  reader->from_window = TRUE;
  return SEEDANCE_READER_OK;
}
