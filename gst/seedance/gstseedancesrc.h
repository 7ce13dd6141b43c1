/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_SEEDANCE_SRC_H__
#define __GST_SEEDANCE_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>

#include "seedanceclient.h"
#include "seedanceclipcache.h"
#include "seedanceenums.h"
#include "seedancejournal.h"
#include "seedancelastframe.h"
#include "seedancedeadline.h"
#include "seedancesubmission.h"
#include "seedancereader.h"
#include "seedancerequest.h"
#include "seedancesettings.h"
#include "seedancesharedrun.h"

G_BEGIN_DECLS

#define GST_TYPE_SEEDANCE_SRC (gst_seedance_src_get_type ())
G_DECLARE_FINAL_TYPE (GstSeedanceSrc, gst_seedance_src, GST, SEEDANCE_SRC,
    GstBaseSrc)

struct _GstSeedanceSrc
{
  GstBaseSrc parent;

  /* Properties, under the object lock. */
  SeedanceSettings settings;
  gchar *task_fingerprint;      /* request the element submitted task_id
                                 * for; NULL when the user set task_id */
  gchar *uncertain_fingerprint; /* request whose submission was cut off
                                 * after it was sent: never resent */
  gboolean task_failed;         /* task_id was last seen failed */

  /* Per run, set in prepare() and used by the streaming thread only. */
  SeedanceClient *client;
  gchar *body;                  /* the validated JSON submission */
  gsize body_length;
  gchar *run_task_id;
  guint run_poll_interval;
  guint run_timeout;
  gchar *fingerprint;           /* SHA-256 of origin, model, account, body */
  GStrv former_fingerprints;    /* this request's names in earlier
                                 * versions' journals */
  gchar *run_cache_dir;
  gchar *video_url;
  gint64 run_start;             /* monotonic us when the wait began, 0 before */
  SeedanceReader *reader;       /* the clip's bytes (seedancereader.c) */
  guint64 max_clip_size;        /* bytes */
  gboolean progress_open;       /* START posted, no end posted yet */
  gboolean url_refreshed;       /* the task was asked for a fresh URL */

  /* The task journal and clip cache of this run's request; NULL with
   * cache-mode=off or when the user gave the task id. */
  SeedanceJournal *journal;
  GstSeedanceCacheMode run_cache_mode;
  guint64 run_cache_bytes;
  gboolean journal_consulted;
  gboolean prepared;            /* checked and ready, until reset() */
  SeedanceLastFrame *last_frame;        /* with return-last-frame, when it
                                         * has a cache or a location */
  /* Identical requests of this process share one run: this source leads
   * it or follows it, until the leader concludes. */
  SeedanceSharedRun *shared_run;
  gboolean leads_run;
  gboolean run_joined;          /* once per run */

  /* Cancellation of every query, download and wait; see unlock(). */
  GCancellable *cancellable;
  GMutex wait_lock;
  GCond wait_cond;
  gboolean flushing;
  gboolean stopping;            /* going to READY */
  gboolean ending;              /* an EOS was sent to the element */
  /* The submission runs on its own thread: a flush neither cancels it nor
   * waits for it; a stop or an EOS cancels it. Under wait_lock. */
  SeedanceSubmission *submission;
  gboolean submission_done;
};

GST_ELEMENT_REGISTER_DECLARE (seedancesrc);

/* The GstURIHandler interface (gstseedancesrcuri.c). */
G_GNUC_INTERNAL
void gst_seedance_src_uri_handler_init (gpointer g_iface, gpointer iface_data);

G_END_DECLS

#endif /* __GST_SEEDANCE_SRC_H__ */
