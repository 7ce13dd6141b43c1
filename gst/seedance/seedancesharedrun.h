/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_SHARED_RUN_H__
#define __SEEDANCE_SHARED_RUN_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SeedanceSharedRun SeedanceSharedRun;

/* What a source that follows a run learns of it. */
typedef enum
{
  SEEDANCE_SHARED_RUN_GOING,    /* its leader is at it: wait */
  SEEDANCE_SHARED_RUN_LEAD,     /* its leader left: the caller leads now */
  SEEDANCE_SHARED_RUN_CACHED,   /* the clip is in the cache */
  SEEDANCE_SHARED_RUN_FAILED,   /* the task failed on the server */
  SEEDANCE_SHARED_RUN_DOWNLOAD_ALONE,   /* its task is done, but its clip
                                         * will not be cached in time for
                                         * the caller */
} SeedanceSharedRunState;

SeedanceSharedRun *    seedance_shared_run_join (const gchar * key,
                                                 gconstpointer pipeline,
                                                 gboolean * lead);
SeedanceSharedRunState seedance_shared_run_check (SeedanceSharedRun * run,
                                                  gconstpointer pipeline,
                                                  GError ** failure);
void                   seedance_shared_run_touch (SeedanceSharedRun * run);
void                   seedance_shared_run_conclude (SeedanceSharedRun * run,
                                                     gboolean cached,
                                                     const GError * failure);
void                   seedance_shared_run_leave (SeedanceSharedRun * run);

G_END_DECLS

#endif /* __SEEDANCE_SHARED_RUN_H__ */
