/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_CLIP_SUMS_H__
#define __SEEDANCE_CLIP_SUMS_H__

#include <glib.h>

G_BEGIN_DECLS

/* The longest text seedance_clip_sums_to_string() makes. */
#define SEEDANCE_CLIP_SUMS_MAX_TEXT 16500

typedef struct _SeedanceClipSums SeedanceClipSums;

SeedanceClipSums *seedance_clip_sums_new (guint64 clip_size);
SeedanceClipSums *seedance_clip_sums_parse (const gchar * text,
                                            guint64 clip_size);
void              seedance_clip_sums_free (SeedanceClipSums * sums);

guint             seedance_clip_sums_count (const SeedanceClipSums * sums);
guint64           seedance_clip_sums_block_size (const SeedanceClipSums * sums);
guint64           seedance_clip_sums_block_length (const SeedanceClipSums * sums,
                                                   guint index);

void              seedance_clip_sums_set (SeedanceClipSums * sums,
                                          guint index,
                                          const guint8 hash[16]);
void              seedance_clip_sums_compute (SeedanceClipSums * sums,
                                              guint index,
                                              const guint8 * data,
                                              gsize length);
gboolean          seedance_clip_sums_check (const SeedanceClipSums * sums,
                                            guint index,
                                            const guint8 * data,
                                            gsize length);
gchar *           seedance_clip_sums_to_string (const SeedanceClipSums * sums);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceClipSums, seedance_clip_sums_free)

G_END_DECLS

#endif /* __SEEDANCE_CLIP_SUMS_H__ */
