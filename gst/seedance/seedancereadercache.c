/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The reader's side of the clip cache: the tee that hands a download's
 * bytes to the cache writer (seedanceclipwriter.c), and plays on from the
 * file once the clip is whole; and the cached clip of an earlier run.
 *
 * A cached clip is checked as it is played, block by block against its
 * entry's sums (seedanceclipsums.c): each block is read whole, checked,
 * and only then are its bytes given out, so the first buffer waits for
 * one block, not for the clip, and no byte of a damaged block is ever
 * played. A block that fails its check discards the cached clip (the
 * file goes, the entry forgets it, a warning says so) and the rest of
 * the clip comes from the file host, from that block on. A clip cached
 * by an earlier version, which kept a SHA-256 of the whole clip instead,
 * is still read and checked whole before it plays. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "seedancereaderprivate.h"
#include "seedanceclipcache.h"
#include "seedanceerror.h"

#define GST_CAT_DEFAULT seedance_reader_debug

/* Bytes of a legacy cached clip read to check that it is an MP4. */
#define HEAD_SIZE (64 * 1024)

/* This run's clip will not be in the cache: what is written of it goes,
 * and the followers of the run stop waiting for it. */
void
seedance_reader_give_up_cache (SeedanceReader * reader)
{
  g_clear_pointer (&reader->clip_writer, seedance_clip_writer_free);
  reader->cache_given_up = TRUE;
  reader->hooks.release_run (reader->user_data, FALSE);
}

/* The cached clip is no longer read. */
void
seedance_reader_close_clip (SeedanceReader * reader)
{
  if (reader->clip_fd >= 0)
    close (reader->clip_fd);
  reader->clip_fd = -1;
  g_clear_pointer (&reader->clip_sums, seedance_clip_sums_free);
  g_clear_pointer (&reader->block, g_free);
  reader->block_index = G_MAXUINT;
}

/* Reads block @index of the cached clip into reader->block and checks it
 * against its sum. */
static gboolean
seedance_reader_load_block (SeedanceReader * reader, guint index,
    GError ** error)
{
  guint64 block_size = seedance_clip_sums_block_size (reader->clip_sums);
  guint64 length = seedance_clip_sums_block_length (reader->clip_sums, index);
  guint64 done = 0;

  if (reader->block == NULL)
    reader->block = g_malloc (block_size);
  reader->block_index = G_MAXUINT;
  while (done < length) {
    gssize n = pread (reader->clip_fd, reader->block + done, length - done,
        (guint64) index * block_size + done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "its bytes from %" G_GUINT64_FORMAT " cannot be read: %s",
          (guint64) index * block_size + done, n < 0 ? g_strerror (errno) :
          "it is shorter than it was");
      return FALSE;
    }
    done += n;
  }
  if (!seedance_clip_sums_check (reader->clip_sums, index, reader->block,
          length)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "its bytes %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT " do not "
        "match their checksum", (guint64) index * block_size,
        (guint64) index * block_size + length);
    return FALSE;
  }
  reader->block_index = index;
  return TRUE;
}

/* Opens the file just put in place, to play on from it. */
static void
seedance_reader_play_cached_file (SeedanceReader * reader, const gchar * sums)
{
  const gchar *path = seedance_journal_get_clip_path (reader->journal);

  reader->clip_fd = seedance_clip_open (path, reader->content_size, NULL);
  if (reader->clip_fd < 0)
    return;
  reader->clip_sums = seedance_clip_sums_parse (sums, reader->content_size);
  reader->block_index = G_MAXUINT;
  seedance_download_clear (&reader->download);
  /* Served from the file now. */
  g_mutex_lock (&reader->lock);
  reader->range_ignored = FALSE;
  g_mutex_unlock (&reader->lock);
}

/* What the writer said: the clip will not be cached, or it is now. */
static void
seedance_reader_settle_cache (SeedanceReader * reader,
    SeedanceClipWriterState state, const gchar * sums)
{
  if (state == SEEDANCE_CLIP_WRITER_BROKEN) {
    /* Its part file goes now, not at the end of the run. */
    seedance_reader_give_up_cache (reader);
    return;
  }
  if (state != SEEDANCE_CLIP_WRITER_COMMITTED)
    return;

  g_clear_pointer (&reader->clip_writer, seedance_clip_writer_free);
  reader->hooks.clip_cached (reader->user_data, sums, reader->content_size);
  seedance_clip_cache_evict (seedance_journal_get_clips_dir (reader->journal),
      reader->cache_bytes, seedance_journal_get_clip_path (reader->journal));
  seedance_reader_play_cached_file (reader, sums);
  reader->hooks.release_run (reader->user_data, reader->clip_fd >= 0);
}

/**
 * seedance_reader_cache_bytes:
 * @bytes: (transfer none): bytes of the download just read at @offset
 *
 * Hands @bytes to the cache writer; once the whole clip is there it is
 * recorded, and later reads (seeks included) are served from it.
 */
void
seedance_reader_cache_bytes (SeedanceReader * reader, guint64 offset,
    GBytes * bytes)
{
  gchar *sums = NULL;
  SeedanceClipWriterState state;

  /* Once the whole clip is handed over, the writer's last bytes are
   * waited for: the clip is recorded before its last buffer goes. */
  if (seedance_clip_writer_write (reader->clip_writer, offset, bytes))
    state = seedance_clip_writer_finish (reader->clip_writer, &sums);
  else
    state = seedance_clip_writer_poll (reader->clip_writer, &sums);
  reader->hooks.run_moved (reader->user_data);
  seedance_reader_settle_cache (reader, state, sums);
  g_free (sums);
}

/**
 * seedance_reader_end_download:
 *
 * At the end of the download: the writer finishes what it was given,
 * and the clip is recorded if it is whole. The followers of the run
 * stop waiting either way.
 */
void
seedance_reader_end_download (SeedanceReader * reader)
{
  gchar *sums = NULL;

  if (reader->clip_writer)
    seedance_reader_settle_cache (reader,
        seedance_clip_writer_finish (reader->clip_writer, &sums), sums);
  g_free (sums);
  reader->hooks.release_run (reader->user_data, reader->clip_fd >= 0);
}

/* A legacy cached clip's first bytes must be an MP4 too. */
static gboolean
seedance_reader_check_legacy_head (SeedanceReader * reader, gint fd,
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

/* Opens the cached clip: its first block checked and an MP4; a legacy
 * clip read and checked whole. */
static gboolean
seedance_reader_open_clip (SeedanceReader * reader, const gchar * path,
    SeedanceJournalEntry * entry, GError ** error)
{
  if (entry->clip_sums == NULL) {
    reader->clip_fd = seedance_clip_open_verified (path, entry->clip_size,
        entry->clip_sha256, error);
    return reader->clip_fd >= 0
        && seedance_reader_check_legacy_head (reader, reader->clip_fd, error);
  }
  reader->clip_fd = seedance_clip_open (path, entry->clip_size, error);
  if (reader->clip_fd < 0)
    return FALSE;
  /* The journal checked them when it read the entry. */
  reader->clip_sums = seedance_clip_sums_parse (entry->clip_sums,
      entry->clip_size);
  return seedance_reader_load_block (reader, 0, error)
      && seedance_reader_check_head (reader, reader->block,
      seedance_clip_sums_block_length (reader->clip_sums, 0), error);
}

/**
 * seedance_reader_open_cached_clip:
 * @journal: (transfer none): the run's journal
 * @entry: its entry, which names a cached clip
 * @warning: (out) (optional): why the cached clip was discarded, if it was
 *
 * Opens the entry's cached clip for this run once its size and its first
 * block prove it is the clip that was downloaded; an evicted or damaged
 * one is dropped from the entry (and @warning says why, for a damaged
 * one). The other blocks are checked as they are read.
 *
 * Returns: whether the run plays the cached clip
 */
gboolean
seedance_reader_open_cached_clip (SeedanceReader * reader,
    SeedanceJournal * journal, SeedanceJournalEntry * entry, GError ** warning)
{
  const gchar *path = seedance_journal_get_clip_path (journal);
  GError *error = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
    GST_INFO_OBJECT (reader->log_object, "the clip of task %s was evicted "
        "from the cache", entry->task_id);
  } else if (!seedance_reader_open_clip (reader, path, entry, &error)) {
    /* A clip cached by a version that trusted the file host may be an
     * error page with a valid checksum: it goes, the task stays. */
    g_set_error (warning, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "The cached clip of task %s is discarded: %s", entry->task_id,
        error->message);
    g_clear_error (&error);
    seedance_reader_close_clip (reader);
    g_unlink (path);
  } else {
    seedance_clip_touch (path);
    seedance_reader_update_size (reader, entry->clip_size);
    return TRUE;
  }
  seedance_journal_entry_forget_clip (entry);
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

/* A block of the cached clip failed its check while it played: the file
 * and its entry go, and the rest comes from the file host, which must
 * have the same clip (its size is the cached one's). */
static void
seedance_reader_discard_clip (SeedanceReader * reader, GError * why)
{
  GError *warning = g_error_new (SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
      "The cached clip of task %s is discarded: %s; the rest of it is "
      "downloaded again", reader->task_id, why->message);

  g_error_free (why);
  seedance_reader_close_clip (reader);
  g_unlink (seedance_journal_get_clip_path (reader->journal));
  reader->hooks.clip_discarded (reader->user_data, warning);
  g_error_free (warning);
  reader->cache_given_up = TRUE;
  seedance_file_identity_clear (&reader->clip_identity);
  reader->clip_identity.size = reader->content_size;
  reader->clip_identity_known = TRUE;
}

/**
 * seedance_reader_prepare_cached:
 * @result: (out): what seedance_reader_prepare() returns
 *
 * seedance_reader_prepare() of the cached clip: the block holding
 * @offset is read and checked, and @length cut to its end.
 *
 * Returns: FALSE when the block failed its check: the clip is discarded
 *   and the read goes to the file host
 */
gboolean
seedance_reader_prepare_cached (SeedanceReader * reader, guint64 offset,
    guint * length, SeedanceReaderResult * result, GError ** error)
{
  GError *why = NULL;
  guint64 block_size, end;
  guint index;

  *result = SEEDANCE_READER_OK;
  if (offset >= (guint64) reader->content_size) {
    *result = SEEDANCE_READER_EOS;
    return TRUE;
  }
  *length = MIN (*length, (guint64) reader->content_size - offset);
  if (reader->clip_sums == NULL)
    return TRUE;

  block_size = seedance_clip_sums_block_size (reader->clip_sums);
  index = offset / block_size;
  if (index != reader->block_index
      && !seedance_reader_load_block (reader, index, &why)) {
    seedance_reader_discard_clip (reader, why);
    return FALSE;
  }
  end = (guint64) index *block_size +
      seedance_clip_sums_block_length (reader->clip_sums, index);
  *length = MIN (*length, end - offset);
  return TRUE;
}

/* Reads the cached clip: from the checked block, or a legacy clip from
 * the file. */
SeedanceReaderResult
seedance_reader_fill_from_clip (SeedanceReader * reader, guint64 offset,
    guint8 * data, gsize length, gsize * filled, GError ** error)
{
  gssize n;

  if (reader->clip_sums) {
    guint64 start = (guint64) reader->block_index *
        seedance_clip_sums_block_size (reader->clip_sums);

    memcpy (data, reader->block + (offset - start), length);
    n = length;
  } else {
    do
      n = pread (reader->clip_fd, data, length, offset);
    while (n < 0 && errno == EINTR);
  }
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
