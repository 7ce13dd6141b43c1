/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_LAST_FRAME_H__
#define __SEEDANCE_LAST_FRAME_H__

#include <gio/gio.h>

#include "seedanceclient.h"
#include "seedancerequest.h"
#include "seedanceanswer.h"

G_BEGIN_DECLS

/* The largest last frame taken: a 720p PNG is a few MB at most. */
#define SEEDANCE_MAX_LAST_FRAME_SIZE (32 * 1024 * 1024)

typedef struct _SeedanceLastFrame SeedanceLastFrame;

gboolean           seedance_last_frame_check_location (const gchar * location,
                                                       const SeedanceRequest * request,
                                                       GError ** error);

SeedanceLastFrame *seedance_last_frame_new (const gchar * location,
                                            const gchar * cache_path);
void               seedance_last_frame_free (SeedanceLastFrame * frame);

gboolean           seedance_last_frame_restore (SeedanceLastFrame * frame,
                                                guint64 size,
                                                const gchar * sha256,
                                                gboolean * intact,
                                                GError ** error);
gboolean           seedance_last_frame_download (SeedanceLastFrame * frame,
                                                 SeedanceClient * client,
                                                 const gchar * url,
                                                 GCancellable * cancellable,
                                                 guint stall_s,
                                                 GError ** error);
SeedanceTask *     seedance_last_frame_query_task (SeedanceClient * client,
                                                   const gchar * task_id,
                                                   gint64 deadline,
                                                   guint base_ms,
                                                   GCancellable * cancellable,
                                                   GError ** error);

void               seedance_last_frame_settle (SeedanceLastFrame * frame);
gboolean           seedance_last_frame_is_settled (SeedanceLastFrame * frame);

const gchar *      seedance_last_frame_get_location (SeedanceLastFrame * frame);
const gchar *      seedance_last_frame_get_cache_path (SeedanceLastFrame * frame);
const gchar *      seedance_last_frame_get_file (SeedanceLastFrame * frame);
const gchar *      seedance_last_frame_get_url (SeedanceLastFrame * frame);
gboolean           seedance_last_frame_get_cached (SeedanceLastFrame * frame,
                                                   guint64 * size,
                                                   const gchar ** sha256);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceLastFrame, seedance_last_frame_free)

G_END_DECLS

#endif /* __SEEDANCE_LAST_FRAME_H__ */
