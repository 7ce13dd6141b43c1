/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_CLIP_CACHE_H__
#define __SEEDANCE_CLIP_CACHE_H__

#include <glib.h>

G_BEGIN_DECLS

/* The names of a request's files in the clips directory: the clip is
 * <fingerprint>.mp4, its last frame (return-last-frame) <fingerprint> plus
 * this suffix, whatever the image's format. */
#define SEEDANCE_FRAME_SUFFIX ".last-frame"

gint                seedance_clip_open (const gchar * path, guint64 size,
                                        GError ** error);
gint                seedance_clip_open_verified (const gchar * path,
                                                 guint64 size,
                                                 const gchar * sha256,
                                                 GError ** error);
void                seedance_clip_touch (const gchar * path);
gint                seedance_clip_cache_open_dir (const gchar * clips_dir,
                                                  GError ** error);
gint                seedance_clip_cache_create_part (gint dir_fd,
                                                     const gchar * final_name,
                                                     gchar ** part_name,
                                                     GError ** error);
guint               seedance_clip_cache_evict (const gchar * clips_dir,
                                               guint64 max_bytes,
                                               const gchar * keep);

G_END_DECLS

#endif /* __SEEDANCE_CLIP_CACHE_H__ */
