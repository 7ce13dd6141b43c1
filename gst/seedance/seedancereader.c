/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The clip's bytes behind create(): ranged HTTP GETs of the result URL,
 * resumed when the connection drops, bounded in silence, rate and size;
 * or the cached clip of an earlier run; and the cache tee, which writes
 * a download into the clip cache as it streams. The reader posts nothing:
 * errors go back to the element as GErrors, and what the element must
 * know or do (its segment, the shared run, the journal, flushes) goes
 * through SeedanceReaderHooks. */

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

#include "seedancereader.h"
#include "seedanceclipcache.h"
#include "seedancedeadline.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_reader_debug);
#define GST_CAT_DEFAULT seedance_reader_debug

/* Bytes read of a cached clip to check that it is an MP4. */
#define HEAD_SIZE (64 * 1024)
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

struct _SeedanceReader
{
  GstObject *log_object;        /* the element, for logging only; no ref */
  GCancellable *cancellable;    /* the element's; every I/O takes it */
  SeedanceReaderHooks hooks;
  gpointer user_data;

  /* What the run gives (seedance_reader_configure()); borrowed. */
  SeedanceClient *client;
  SeedanceJournal *journal;     /* NULL: nothing is cached */
  gchar *task_id;               /* named in errors */
  gchar *url;                   /* the clip's, as last opened */
  guint64 cache_bytes;          /* the clip cache's bound */
  guint64 max_clip_size;        /* bytes */
  guint timeout;                /* s, 0 = none */

  /* Per run, used by the streaming thread only. */
  SeedanceDownload download;
  SeedanceFileIdentity clip_identity;   /* of the first answer */
  gboolean clip_identity_known; /* clip_identity holds the first answer's */
  SeedanceDeadline *download_watch;     /* bounds the download's silence */
  gint64 watch_touched;         /* monotonic us of its last move, 0: unarmed */
  gint64 download_busy_us;      /* time spent reading the clip */
  guint64 download_bytes;       /* bytes read in that time */
  guint64 read_position;        /* next byte the open download gives */
  gint64 read_stop;             /* the byte it ends before, -1: the end */
  guint download_retries;
  SeedanceClipWriter *clip_writer;      /* the download, as it is cached */
  gint clip_fd;                 /* the cached clip being played, -1 */
  gboolean cache_given_up;      /* the clip cannot be cached this run */
  guint8 *window;               /* bytes read at once for reverse reads */
  guint64 window_start;
  gsize window_length;
  gboolean from_window;         /* the prepared read is in the window */

  GMutex lock;
  gint64 content_size;          /* -1 while unknown; under lock */
  gboolean range_ignored;       /* the file host answered a Range with the
                                 * whole file; under lock */
};

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
  if (reader->clip_fd >= 0)
    close (reader->clip_fd);
  reader->clip_fd = -1;
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

static gboolean
seedance_reader_is_flushing (SeedanceReader * reader)
{
  return reader->hooks.is_flushing (reader->user_data);
}

/* Sets the size, once known, and tells the owner. */
static void
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

/* This run's clip will not be in the cache: what is written of it goes,
 * and the sources following this run download it on their own. */
static void
seedance_reader_give_up_cache (SeedanceReader * reader)
{
  g_clear_pointer (&reader->clip_writer, seedance_clip_writer_free);
  reader->cache_given_up = TRUE;
  reader->hooks.release_run (reader->user_data, FALSE);
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

static SeedanceReaderResult
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
static gssize
seedance_reader_read (SeedanceReader * reader, guint8 * data, gsize size,
    guint64 * arrived, GError ** error)
{
  GCancellable *cancellable = seedance_reader_arm_watch (reader);
  gint64 last = g_get_monotonic_time (), now;
  gsize filled = 0;

  while (filled < size) {
    gssize n = g_input_stream_read (reader->download.stream, data + filled,
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
static gboolean
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

/* Caches the bytes just read; once the whole clip is there it goes into
 * place and later reads, seeks included, are served from it. */
static void
seedance_reader_cache_bytes (SeedanceReader * reader, guint64 offset,
    const guint8 * data, gsize size)
{
  const gchar *path = seedance_journal_get_clip_path (reader->journal);
  GError *error = NULL;
  GStatBuf st;
  gchar *sha;

  seedance_clip_writer_write (reader->clip_writer, offset, data, size);
  reader->hooks.run_moved (reader->user_data);
  if (seedance_clip_writer_is_broken (reader->clip_writer)) {
    /* Its part file goes now, not at the end of the run. */
    seedance_reader_give_up_cache (reader);
    return;
  }
  if (!seedance_clip_writer_is_complete (reader->clip_writer))
    return;
  sha = seedance_clip_writer_commit (reader->clip_writer, &error);
  g_clear_pointer (&reader->clip_writer, seedance_clip_writer_free);
  if (sha == NULL) {
    GST_WARNING_OBJECT (reader->log_object, "not caching the clip: %s",
        error->message);
    g_error_free (error);
    reader->hooks.release_run (reader->user_data, FALSE);
    return;
  }

  reader->hooks.clip_cached (reader->user_data, sha, reader->content_size);
  seedance_clip_cache_evict (seedance_journal_get_clips_dir (reader->journal),
      reader->cache_bytes, path);
  /* Only the file just put in place: never through a link. */
  reader->clip_fd = g_open (path,
      O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  if (reader->clip_fd >= 0 && (fstat (reader->clip_fd, &st) < 0
          || !S_ISREG (st.st_mode)
          || (guint64) st.st_size != (guint64) reader->content_size)) {
    close (reader->clip_fd);
    reader->clip_fd = -1;
  }
  if (reader->clip_fd >= 0) {
    seedance_download_clear (&reader->download);
    /* Served from the file now. */
    g_mutex_lock (&reader->lock);
    reader->range_ignored = FALSE;
    g_mutex_unlock (&reader->lock);
  }
  reader->hooks.release_run (reader->user_data, reader->clip_fd >= 0);
  g_free (sha);
}

/* The cached clip's first bytes must be an MP4 too. */
static gboolean
seedance_reader_check_cached_head (SeedanceReader * reader, gint fd,
    GError ** error)
{
  guint8 *head = g_malloc (HEAD_SIZE);
  gssize n;
  gboolean ok;

  do
    n = pread (fd, head, HEAD_SIZE, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "it cannot be read: %s", n < 0 ? g_strerror (errno) : "it is empty");
    ok = FALSE;
  } else {
    ok = seedance_reader_check_head (reader, head, n, error);
  }
  g_free (head);
  return ok;
}

/**
 * seedance_reader_open_cached_clip:
 * @journal: (transfer none): the run's journal
 * @entry: its entry, which names a cached clip
 * @warning: (out) (optional): why the cached clip was discarded, if it was
 *
 * Opens the entry's cached clip for this run, once its size and checksum
 * prove it is the clip that was downloaded; an evicted or damaged one is
 * dropped from the entry (and @warning says why, for a damaged one).
 *
 * Returns: whether the run plays the cached clip
 */
gboolean
seedance_reader_open_cached_clip (SeedanceReader * reader,
    SeedanceJournal * journal, SeedanceJournalEntry * entry, GError ** warning)
{
  const gchar *path = seedance_journal_get_clip_path (journal);
  GError *error = NULL;
  gint fd;

  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    GST_INFO_OBJECT (reader->log_object, "the clip of task %s was evicted "
        "from the cache", entry->task_id);
  } else if ((fd = seedance_clip_open_verified (path, entry->clip_size,
              entry->clip_sha256, &error)) < 0
      || !seedance_reader_check_cached_head (reader, fd, &error)) {
    /* A clip cached by a version that trusted the file host may be an
     * error page with a valid checksum: it goes, the task stays. */
    g_set_error (warning, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "The cached clip of task %s is discarded: %s", entry->task_id,
        error->message);
    g_clear_error (&error);
    if (fd >= 0)
      close (fd);
    g_unlink (path);
  } else {
    seedance_clip_touch (path);
    reader->clip_fd = fd;
    seedance_reader_update_size (reader, entry->clip_size);
    return TRUE;
  }
  g_clear_pointer (&entry->clip_sha256, g_free);
  entry->clip_size = 0;
  if (!seedance_journal_write (journal, entry, &error)) {
    GST_WARNING_OBJECT (reader->log_object, "cannot write the journal: %s",
        error->message);
    g_error_free (error);
  }
  return FALSE;
}

/**
 * seedance_reader_has_cached_clip:
 *
 * Returns: whether the run's bytes come from the cached clip
 */
gboolean
seedance_reader_has_cached_clip (SeedanceReader * reader)
{
  return reader->clip_fd >= 0;
}

/* Checks and caches the @n bytes just read at @offset; -1: a read that
 * failed after @arrived bytes. FALSE with @error worded for the user. */
static gboolean
seedance_reader_take_bytes (SeedanceReader * reader, guint64 offset,
    const guint8 * data, gssize n, guint64 arrived, guint * status,
    GError ** error)
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
  if (n > 0 && reader->clip_writer)
    seedance_reader_cache_bytes (reader, offset, data, n);

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

/* Reads the REVERSE_WINDOW bytes before @end, none before @floor, in one
 * request: the blocks a reverse segment asks for next are served from
 * memory. */
static SeedanceReaderResult
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
  if (!seedance_reader_take_bytes (reader, start, reader->window, n, arrived,
          status, error))
    return SEEDANCE_READER_ERROR;
  reader->read_position = end;
  reader->window_start = start;
  reader->window_length = end - start;
  reader->from_window = TRUE;
  return SEEDANCE_READER_OK;
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
  if (reader->clip_fd >= 0) {
    if (offset >= (guint64) reader->content_size)
      return SEEDANCE_READER_EOS;
    *length = MIN (*length, (guint64) reader->content_size - offset);
    return SEEDANCE_READER_OK;
  }

  if (reader->content_size >= 0 && offset >= (guint64) reader->content_size) {
    reader->hooks.release_run (reader->user_data, FALSE);
    return SEEDANCE_READER_EOS;
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

/* Reads the cached clip. */
static SeedanceReaderResult
seedance_reader_fill_from_clip (SeedanceReader * reader, guint64 offset,
    guint8 * data, gsize length, gsize * filled, GError ** error)
{
  gssize n;

  do
    n = pread (reader->clip_fd, data, length, offset);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "Cannot read the cached clip of task %s at byte %" G_GUINT64_FORMAT
        ": %s", reader->task_id, offset, n < 0 ? g_strerror (errno) :
        "it is shorter than it was");
    return SEEDANCE_READER_ERROR;
  }
  *filled = n;
  reader->read_position = offset + n;
  return SEEDANCE_READER_OK;
}

/**
 * seedance_reader_fill:
 * @offset: the byte seedance_reader_prepare() got ready for
 * @data: where the bytes go
 * @length: the length seedance_reader_prepare() gave
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
seedance_reader_fill (SeedanceReader * reader, guint64 offset, guint8 * data,
    gsize length, gsize * filled, guint * status, GError ** error)
{
  guint64 arrived = 0;
  gssize n;

  *status = 0;
  if (reader->clip_fd >= 0)
    return seedance_reader_fill_from_clip (reader, offset, data, length,
        filled, error);

  if (reader->from_window) {
    memcpy (data, reader->window + (offset - reader->window_start), length);
    *filled = length;
    return SEEDANCE_READER_OK;
  }

  n = seedance_reader_read (reader, data, length, &arrived, error);
  if (!seedance_reader_take_bytes (reader, offset, data, n, arrived, status,
          error))
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
    reader->hooks.release_run (reader->user_data, FALSE);
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
