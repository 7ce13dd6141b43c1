/* seedance-emulator: renders the MP4 clips the emulator serves
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_CLIPGEN_H__
#define __SEEDANCE_CLIPGEN_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* Everything that affects a rendered clip; all of it goes into the cache
 * key. */
typedef struct
{
  gchar *prompt;                /* drawn on the frames */
  guint duration;               /* seconds; the clip has duration * 24 frames */
  gchar *ratio;                 /* "16:9", ... */
  gchar *resolution;            /* "480p" or "720p" */
  guint width;                  /* frame size in pixels */
  guint height;
  gboolean audio;               /* AAC track or none */
  gboolean faststart;           /* moov first (TRUE) or last (FALSE) */
  gchar *first_frame;           /* first_frame_image as sent (data: URI,
                                 * base64 or URL), NULL when absent */
} SeedanceClipParams;

SeedanceClipParams *seedance_clip_params_new (void);
void                seedance_clip_params_free (SeedanceClipParams * params);

gboolean            seedance_clip_render (const SeedanceClipParams * params,
                                          const gchar * cache_dir,
                                          gchar ** clip_path,
                                          gchar ** frame_path,
                                          gboolean * cached,
                                          GCancellable * cancellable,
                                          GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceClipParams, seedance_clip_params_free)

G_END_DECLS

#endif /* __SEEDANCE_CLIPGEN_H__ */
