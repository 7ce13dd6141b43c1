/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_READER_H__
#define __SEEDANCE_READER_H__

#include <gst/gst.h>

#include "seedanceclient.h"
#include "seedancejournal.h"

G_BEGIN_DECLS

typedef struct _SeedanceReader SeedanceReader;

/**
 * SeedanceReaderHooks:
 * @wait: sleeps @ms milliseconds; FALSE when a flush interrupted it
 * @is_flushing: whether the element is flushing or its I/O cancelled
 * @size_changed: the clip's size is now known (bytes): the element
 *   updates its segment and posts duration-changed
 * @run_moved: the download into the cache made progress (the shared
 *   run's followers keep waiting for it)
 * @release_run: nothing more will be cached for the run's followers;
 *   @cached: the clip is complete in the cache
 * @clip_cached: the whole clip went into the cache with block checksums
 *   @sums (seedanceclipsums.c) and @size bytes: the element records it in
 *   the journal entry
 * @clip_discarded: the cached clip being played failed a check and is
 *   gone from the cache: the element says so (@warning) and the journal
 *   entry forgets it
 *
 * What the reader asks of the element; @user_data is the hooks' own.
 */
typedef struct
{
  gboolean (*wait) (gpointer user_data, gint64 ms);
  gboolean (*is_flushing) (gpointer user_data);
  void (*size_changed) (gpointer user_data, gint64 size);
  void (*run_moved) (gpointer user_data);
  void (*release_run) (gpointer user_data, gboolean cached);
  void (*clip_cached) (gpointer user_data, const gchar * sums,
                       gint64 size);
  void (*clip_discarded) (gpointer user_data, const GError * warning);
} SeedanceReaderHooks;

/**
 * SeedanceReaderResult:
 * @SEEDANCE_READER_OK: bytes (or a length) are ready
 * @SEEDANCE_READER_EOS: the clip ended
 * @SEEDANCE_READER_ERROR: failed: the error and the HTTP status are set
 * @SEEDANCE_READER_URL_REFUSED: the file host refused the URL (403, 404,
 *   410), which may have expired: the error and status are set, and a
 *   fresh URL may be tried
 */
typedef enum
{
  SEEDANCE_READER_OK,
  SEEDANCE_READER_EOS,
  SEEDANCE_READER_ERROR,
  SEEDANCE_READER_URL_REFUSED,
} SeedanceReaderResult;

SeedanceReader *     seedance_reader_new (GstObject * log_object,
                                          GCancellable * cancellable,
                                          const SeedanceReaderHooks * hooks,
                                          gpointer user_data);
void                 seedance_reader_free (SeedanceReader * reader);
void                 seedance_reader_reset (SeedanceReader * reader);
void                 seedance_reader_unlock_stop (SeedanceReader * reader);

void                 seedance_reader_configure (SeedanceReader * reader,
                                                SeedanceClient * client,
                                                SeedanceJournal * journal,
                                                const gchar * task_id,
                                                guint64 cache_bytes,
                                                guint64 max_clip_size,
                                                guint timeout);
guint                seedance_reader_stall_s (guint timeout);

gboolean             seedance_reader_open_cached_clip (SeedanceReader * reader,
                                                       SeedanceJournal * journal,
                                                       SeedanceJournalEntry * entry,
                                                       GError ** warning);
gboolean             seedance_reader_has_cached_clip (SeedanceReader * reader);

SeedanceReaderResult seedance_reader_prepare (SeedanceReader * reader,
                                              const gchar * url,
                                              guint64 offset,
                                              gint64 stop,
                                              gint64 reverse_start,
                                              guint * length,
                                              guint * status,
                                              GError ** error);
SeedanceReaderResult seedance_reader_fill (SeedanceReader * reader,
                                           guint64 offset,
                                           GstBuffer * buf,
                                           gsize * filled,
                                           guint * status,
                                           GError ** error);

gboolean             seedance_reader_is_seekable (SeedanceReader * reader);
gboolean             seedance_reader_get_size (SeedanceReader * reader,
                                               guint64 * size);

G_END_DECLS

#endif /* __SEEDANCE_READER_H__ */
