/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the reader's two files share: seedancereader.c (the cached clip,
 * the checks of the bytes, the cache tee, what create() calls) and
 * seedancereaderdownload.c (the clip's GETs). */

#ifndef __SEEDANCE_READER_PRIVATE_H__
#define __SEEDANCE_READER_PRIVATE_H__

#include <gst/gst.h>

#include "seedanceclipcache.h"
#include "seedanceclipsums.h"
#include "seedanceclipwriter.h"
#include "seedancedeadline.h"
#include "seedancereader.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (seedance_reader_debug);

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
  SeedanceClipSums *clip_sums;  /* its block sums; NULL: a legacy clip */
  guint8 *block;                /* its block being played, checked */
  guint block_index;            /* which, G_MAXUINT: none */
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

gboolean             seedance_reader_is_flushing (SeedanceReader * reader);
void                 seedance_reader_update_size (SeedanceReader * reader,
                                                  gint64 size);
void                 seedance_reader_give_up_cache (SeedanceReader * reader);
gboolean             seedance_reader_check_head (SeedanceReader * reader,
                                                 const guint8 * data,
                                                 gsize size,
                                                 GError ** error);
void                 seedance_reader_close_clip (SeedanceReader * reader);
void                 seedance_reader_cache_bytes (SeedanceReader * reader,
                                                  guint64 offset,
                                                  GBytes * bytes);
void                 seedance_reader_end_download (SeedanceReader * reader);
gboolean             seedance_reader_prepare_cached (SeedanceReader * reader,
                                                     guint64 offset,
                                                     guint * length,
                                                     SeedanceReaderResult * result,
                                                     GError ** error);
SeedanceReaderResult seedance_reader_fill_from_clip (SeedanceReader * reader,
                                                     guint64 offset,
                                                     guint8 * data,
                                                     gsize length,
                                                     gsize * filled,
                                                     GError ** error);
gboolean             seedance_reader_take_bytes (SeedanceReader * reader,
                                                 guint64 offset,
                                                 GstBuffer * owner,
                                                 const guint8 * data,
                                                 gssize n,
                                                 guint64 arrived,
                                                 guint * status,
                                                 GError ** error);

SeedanceReaderResult seedance_reader_open_download (SeedanceReader * reader,
                                                    const gchar * url,
                                                    guint64 offset,
                                                    guint * status,
                                                    GError ** error);
gssize               seedance_reader_read (SeedanceReader * reader,
                                           guint8 * data, gsize size,
                                           guint64 * arrived,
                                           GError ** error);
SeedanceReaderResult seedance_reader_fill_window (SeedanceReader * reader,
                                                  const gchar * url,
                                                  guint64 floor,
                                                  guint64 end,
                                                  guint * status,
                                                  GError ** error);

G_END_DECLS

#endif /* __SEEDANCE_READER_PRIVATE_H__ */
