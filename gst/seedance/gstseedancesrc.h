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

#include "seedanceenums.h"
#include "seedancejournal.h"
#include "seedancereader.h"
#include "seedancerun.h"
#include "seedancesettings.h"

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
  SeedanceRun *run;             /* the request's task (seedancerun.c) */
  SeedanceReader *reader;       /* the clip's bytes (seedancereader.c) */
  guint64 max_clip_size;        /* bytes */
  gboolean prepared;            /* checked and ready, until reset() */

  /* Cancellation of every query, download and wait; see unlock(). */
  GCancellable *cancellable;
  GMutex wait_lock;
  GCond wait_cond;
  gboolean flushing;
  gboolean stopping;            /* going to READY */
  gboolean ending;              /* an EOS was sent to the element */
};

GST_ELEMENT_REGISTER_DECLARE (seedancesrc);

/* The GstURIHandler interface (gstseedancesrcuri.c). */
G_GNUC_INTERNAL
void gst_seedance_src_uri_handler_init (gpointer g_iface, gpointer iface_data);

/* Whether downstream takes the clip (gstseedancesrcdownstream.c). */
G_GNUC_INTERNAL
gboolean gst_seedance_src_check_downstream (GstSeedanceSrc * src,
    const gchar * prompt, GError ** error, gchar ** detail);

G_END_DECLS

#endif /* __GST_SEEDANCE_SRC_H__ */
