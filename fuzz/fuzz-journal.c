/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Fuzzes the reading of a task journal entry: a file in the user's cache
 * directory that anything with the user's rights (or a full disk) may
 * have damaged. The input becomes the entry file, with "@CLIP@" and
 * "@FRAME@" replaced by the paths of the entry's cached clip and last
 * frame (which depend on the temporary directory). Oracles: an entry that
 * is read back is one the element can trust (a status, a task id unless
 * still submitting, an http(s) result URL, a checksum exactly when there
 * is a clip, and exactly when there is a last frame), and writing it and
 * reading it again gives the same entry.
 *
 * The same input is also the content of the entry's lock file while
 * another journal holds the lock: what seedance_journal_describe_holder()
 * makes of it is NULL or a short text of printable ASCII naming a decimal
 * pid. */

#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "fuzz.h"
#include "seedancejournal.h"

#define FINGERPRINT \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static gchar *work_dir;
static SeedanceJournal *journal;
static SeedanceJournal *holder; /* holds the lock */
static gchar *lock_path;

static void
remove_path (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *child = g_build_filename (path, name, NULL);

    remove_path (child);
    g_free (child);
  }
  if (dir) {
    g_dir_close (dir);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

static void
close_journal (void)
{
  g_clear_pointer (&journal, seedance_journal_free);
  g_clear_pointer (&holder, seedance_journal_free);
  g_clear_pointer (&lock_path, g_free);
  if (work_dir)
    remove_path (work_dir);
  g_clear_pointer (&work_dir, g_free);
}

static void
open_journal (void)
{
  GError *error = NULL;
  gboolean locked = FALSE;

  if (journal)
    return;
  work_dir = g_dir_make_tmp ("seedance-fuzz-journal-XXXXXX", &error);
  FUZZ_CHECK (work_dir != NULL, "%s", error ? error->message : "");
  journal = seedance_journal_open (work_dir, FINGERPRINT, &error);
  FUZZ_CHECK (journal != NULL, "%s", error ? error->message : "");
  holder = seedance_journal_open (work_dir, FINGERPRINT, &error);
  FUZZ_CHECK (holder != NULL, "%s", error ? error->message : "");
  FUZZ_CHECK (seedance_journal_try_lock (holder, &locked, &error) && locked,
      "%s", error ? error->message : "not locked");
  lock_path = g_build_filename (work_dir, "journal", FINGERPRINT ".lock", NULL);
  FUZZ_CHECK (atexit (close_journal) == 0, "atexit");
}

static gboolean
is_printable (const gchar * s)
{
  for (; s && *s; s++) {
    if (!g_ascii_isgraph (*s))
      return FALSE;
  }
  return s != NULL;
}

static void
check_entry (const SeedanceJournalEntry * e)
{
  FUZZ_CHECK (e->status && *e->status && is_printable (e->status),
      "status '%s'", e->status);
  FUZZ_CHECK (e->task_id ? *e->task_id && is_printable (e->task_id) :
      strcmp (e->status, SEEDANCE_JOURNAL_SUBMITTING) == 0
      || strcmp (e->status, SEEDANCE_JOURNAL_UNCERTAIN) == 0,
      "task id '%s' with status '%s'", e->task_id, e->status);
  FUZZ_CHECK (e->video_url == NULL || ((g_str_has_prefix (e->video_url,
                  "https://") || g_str_has_prefix (e->video_url, "http://"))
          && is_printable (e->video_url)), "video URL '%s'", e->video_url);
  FUZZ_CHECK ((e->clip_sha256 != NULL) == (e->clip_size > 0),
      "clip of %" G_GUINT64_FORMAT " bytes, checksum '%s'", e->clip_size,
      e->clip_sha256);
  FUZZ_CHECK (e->clip_sha256 == NULL || strlen (e->clip_sha256) == 64,
      "checksum '%s'", e->clip_sha256);
  FUZZ_CHECK ((e->frame_sha256 != NULL) == (e->frame_size > 0),
      "last frame of %" G_GUINT64_FORMAT " bytes, checksum '%s'",
      e->frame_size, e->frame_sha256);
  FUZZ_CHECK (e->frame_sha256 == NULL || (strlen (e->frame_sha256) == 64
          && is_printable (e->frame_sha256)), "last frame checksum '%s'",
      e->frame_sha256);
  FUZZ_CHECK (e->video_url_expires >= 0 && e->updated >= 0
      && e->clip_size <= G_MAXINT64 && e->frame_size <= G_MAXINT64,
      "negative numbers");
}

static void
check_same (const SeedanceJournalEntry * a, const SeedanceJournalEntry * b)
{
  FUZZ_CHECK (g_strcmp0 (a->task_id, b->task_id) == 0
      && g_strcmp0 (a->status, b->status) == 0
      && g_strcmp0 (a->video_url, b->video_url) == 0
      && a->video_url_expires == b->video_url_expires
      && a->clip_size == b->clip_size
      && g_strcmp0 (a->clip_sha256, b->clip_sha256) == 0
      && a->frame_size == b->frame_size
      && g_strcmp0 (a->frame_sha256, b->frame_sha256) == 0
      && a->updated == b->updated, "the entry written reads back "
      "differently");
}

/* The input as the held lock's content, rewritten in place. */
static void
check_holder (const uint8_t * data, size_t size)
{
  gint fd = g_open (lock_path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
  gchar *text, *p;

  FUZZ_CHECK (fd >= 0, "cannot open %s", lock_path);
  FUZZ_CHECK (size == 0 || write (fd, data, size) == (gssize) size,
      "cannot write %s", lock_path);
  close (fd);
  text = seedance_journal_describe_holder (journal);
  if (text == NULL)
    return;
  FUZZ_CHECK (g_str_has_prefix (text, "process ")
      && g_ascii_isdigit (text[strlen ("process ")]), "holder '%s'", text);
  FUZZ_CHECK (strlen (text) < 256, "holder of %" G_GSIZE_FORMAT " bytes",
      strlen (text));
  for (p = text; *p; p++)
    FUZZ_CHECK (g_ascii_isprint (*p), "holder with byte 0x%02x",
        (guint) (guchar) * p);
  g_free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GString *text;
  SeedanceJournalEntry *entry, *again;
  gchar *problem = NULL;
  GError *error = NULL;

  seedance_fuzz_init ();
  open_journal ();
  check_holder (data, size);

  text = g_string_new_len ((const gchar *) data, size);
  g_string_replace (text, "@CLIP@", seedance_journal_get_clip_path (journal),
      0);
  g_string_replace (text, "@FRAME@", seedance_journal_get_frame_path (journal),
      0);
  FUZZ_CHECK (g_file_set_contents_full (seedance_journal_get_path (journal),
          text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0600, &error),
      "%s", error ? error->message : "");
  g_string_free (text, TRUE);

  entry = seedance_journal_read (journal, &problem);
  if (entry == NULL) {
    FUZZ_CHECK (problem && g_utf8_validate (problem, -1, NULL),
        "no entry, and no UTF-8 reason");
    g_free (problem);
    return 0;
  }
  FUZZ_CHECK (problem == NULL, "an entry and a problem: %s", problem);
  check_entry (entry);

  /* What was trusted once is trusted again, unchanged. */
  FUZZ_CHECK (seedance_journal_write (journal, entry, &error), "%s",
      error ? error->message : "");
  again = seedance_journal_read (journal, &problem);
  FUZZ_CHECK (again != NULL, "the entry written is refused: %s", problem);
  check_same (entry, again);

  seedance_journal_entry_free (again);
  seedance_journal_entry_free (entry);
  return 0;
}
