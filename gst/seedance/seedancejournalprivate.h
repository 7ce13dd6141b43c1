/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the journal's two files share: seedancejournal.c (the directory,
 * the entries) and seedancejournallock.c (the entry's lock). */

#ifndef __SEEDANCE_JOURNAL_PRIVATE_H__
#define __SEEDANCE_JOURNAL_PRIVATE_H__

#include <sys/stat.h>
#include <gst/gst.h>

#include "seedancejournal.h"

G_BEGIN_DECLS

/* How every file under the cache directory is opened: never through a
 * symlink, never blocking (a FIFO or a device opens at once and is then
 * refused by fstat), never becoming a controlling terminal. */
#define SAFE_OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

struct _SeedanceJournal
{
  gchar *fingerprint;
  gchar *path;                  /* journal/<fingerprint>.json */
  gchar *lock_path;             /* journal/<fingerprint>.lock */
  gchar *clips_dir;             /* clips/ */
  gchar *clip_path;             /* clips/<fingerprint>.mp4 */
  gchar *frame_path;            /* clips/<fingerprint>.last-frame */
  gchar *entry_name;            /* <fingerprint>.json */
  gchar *lock_name;             /* <fingerprint>.lock */
  gint dir_fd;                  /* journal/, checked private */
  gint lock_fd;                 /* -1 when not locked */
};

gint            seedance_journal_open_regular (SeedanceJournal * journal,
                                               const gchar * name,
                                               gint flags, struct stat *st);
const gchar *   seedance_journal_open_failure (gint errnum);
gchar *         seedance_journal_read_bounded (gint fd, gsize max,
                                               gsize * length);

G_END_DECLS

#endif /* __SEEDANCE_JOURNAL_PRIVATE_H__ */
