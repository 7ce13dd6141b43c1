/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_CLIP_WRITER_H__
#define __SEEDANCE_CLIP_WRITER_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * SeedanceClipWriterState:
 * @SEEDANCE_CLIP_WRITER_BUSY: bytes are still missing or being written
 * @SEEDANCE_CLIP_WRITER_BROKEN: the clip will not be cached
 * @SEEDANCE_CLIP_WRITER_COMMITTED: the whole clip is in place
 */
typedef enum
{
  SEEDANCE_CLIP_WRITER_BUSY,
  SEEDANCE_CLIP_WRITER_BROKEN,
  SEEDANCE_CLIP_WRITER_COMMITTED,
} SeedanceClipWriterState;

typedef struct _SeedanceClipWriter SeedanceClipWriter;

SeedanceClipWriter *    seedance_clip_writer_new (const gchar * final_path,
                                                  guint64 size,
                                                  GError ** error);
gboolean                seedance_clip_writer_write (SeedanceClipWriter * writer,
                                                    guint64 offset,
                                                    GBytes * bytes);
SeedanceClipWriterState seedance_clip_writer_poll (SeedanceClipWriter * writer,
                                                   gchar ** sums);
SeedanceClipWriterState seedance_clip_writer_finish (SeedanceClipWriter * writer,
                                                     gchar ** sums);
void                    seedance_clip_writer_free (SeedanceClipWriter * writer);

G_END_DECLS

#endif /* __SEEDANCE_CLIP_WRITER_H__ */
