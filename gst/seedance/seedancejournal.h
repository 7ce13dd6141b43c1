/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_JOURNAL_H__
#define __SEEDANCE_JOURNAL_H__

#include <glib.h>

G_BEGIN_DECLS

/* Statuses of the journal's own, besides the API's. */
#define SEEDANCE_JOURNAL_SUBMITTING "submitting"        /* POST in flight */
#define SEEDANCE_JOURNAL_UNCERTAIN "uncertain"  /* POST sent, answer lost */

/* How long the API keeps a task's outputs and result URLs. */
#define SEEDANCE_OUTPUT_LIFETIME_S (24 * 3600)

/**
 * SeedanceJournalEntry:
 * @task_id: (nullable): the task, NULL while submitting
 * @status: the API's last status, or SEEDANCE_JOURNAL_SUBMITTING /
 *   SEEDANCE_JOURNAL_UNCERTAIN
 * @video_url: (nullable): the clip's result URL once the task succeeded
 * @video_url_expires: when that URL expires, in Unix seconds (0: unknown)
 * @clip_size: size of the cached clip, 0 when none
 * @clip_sums: (nullable): its block checksums (seedanceclipsums.c), NULL
 *   when none
 * @clip_sha256: (nullable): the SHA-256 of a clip cached by an earlier
 *   version, which kept no sums; NULL when none
 * @frame_size: size of the cached last frame (return-last-frame), 0 when
 *   none; entries written before it existed have none
 * @frame_sha256: (nullable): its SHA-256, NULL when none
 * @updated: when the entry was written, in Unix seconds
 *
 * What the journal knows of one request. The request itself (and the key)
 * are not in it: the file is named by the request's fingerprint.
 */
typedef struct
{
  gchar *task_id;
  gchar *status;
  gchar *video_url;
  gint64 video_url_expires;
  guint64 clip_size;
  gchar *clip_sums;
  gchar *clip_sha256;
  guint64 frame_size;
  gchar *frame_sha256;
  gint64 updated;
} SeedanceJournalEntry;

typedef struct _SeedanceJournal SeedanceJournal;

gchar *              seedance_request_fingerprint (const gchar * origin,
                                                   const gchar * model,
                                                   const gchar * api_key,
                                                   const gchar * body);

gchar *              seedance_request_legacy_fingerprint (const gchar * origin,
                                                          const gchar * model,
                                                          const gchar * body);

gchar *              seedance_journal_default_dir (void);

SeedanceJournal *    seedance_journal_open (const gchar * dir,
                                            const gchar * fingerprint,
                                            GError ** error);
void                 seedance_journal_free (SeedanceJournal * journal);

gboolean             seedance_journal_try_lock (SeedanceJournal * journal,
                                                gboolean * locked,
                                                GError ** error);
void                 seedance_journal_unlock (SeedanceJournal * journal);
gboolean             seedance_journal_is_locked (SeedanceJournal * journal);
gchar *              seedance_journal_describe_holder (SeedanceJournal * journal);

SeedanceJournalEntry *seedance_journal_read (SeedanceJournal * journal,
                                             gchar ** problem);
gboolean             seedance_journal_write (SeedanceJournal * journal,
                                             SeedanceJournalEntry * entry,
                                             GError ** error);
void                 seedance_journal_remove (SeedanceJournal * journal);
SeedanceJournalEntry *seedance_journal_adopt (SeedanceJournal * journal,
                                              const gchar * dir,
                                              const gchar * old_fingerprint);

gint                 seedance_journal_open_file (SeedanceJournal * journal,
                                                 const gchar * name,
                                                 GError ** error);

const gchar *        seedance_journal_get_path (SeedanceJournal * journal);
const gchar *        seedance_journal_get_lock_path (SeedanceJournal * journal);
const gchar *        seedance_journal_get_clip_path (SeedanceJournal * journal);
const gchar *        seedance_journal_get_clips_dir (SeedanceJournal * journal);
const gchar *        seedance_journal_get_frame_path (SeedanceJournal * journal);

SeedanceJournalEntry *seedance_journal_entry_new (const gchar * task_id,
                                                  const gchar * status);
void                 seedance_journal_entry_free (SeedanceJournalEntry * entry);
gboolean             seedance_journal_entry_has_clip (const SeedanceJournalEntry * entry);
void                 seedance_journal_entry_forget_clip (SeedanceJournalEntry * entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceJournalEntry, seedance_journal_entry_free)

G_END_DECLS

#endif /* __SEEDANCE_JOURNAL_H__ */
