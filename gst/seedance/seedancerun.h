/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_RUN_H__
#define __SEEDANCE_RUN_H__

#include <gst/gst.h>

#include "seedancereader.h"
#include "seedancesettings.h"

G_BEGIN_DECLS

typedef struct _SeedanceRun SeedanceRun;

/**
 * SeedanceRunHooks:
 * @wait: sleeps @ms milliseconds; FALSE when a flush interrupted it
 * @is_flushing: whether the element is flushing or its I/O cancelled
 * @interrupted: called with the wait lock held: whether unlock()
 *   interrupted the streaming thread; @ending: whether a stop or an EOS
 *   ends the run
 * @post_progress: posts a progress message of @type with @text
 * @post_message: posts the element message @s (taken)
 * @set_task_id: the run resumes or submitted @task_id for the request
 *   @fingerprint (nullable): the element sets its task-id property,
 *   notifies it and remembers the fingerprint
 * @task_failed: @task_id failed on the server: the element never resumes
 *   it implicitly again
 * @is_uncertain: whether a submission of the request @fingerprint was cut
 *   off after it was sent, by an earlier run of the element
 * @set_uncertain: the submission of the request @fingerprint was cut off
 *   after it was sent: the element never sends it again
 * @check_downstream: whether downstream still takes the clip; @detail
 *   gets what it accepts
 * @post_error: posts @error, @status and @detail as met at @file,
 *   @function and @line
 * @post_warning: posts a RESOURCE warning of @code with @text and @debug
 *   (both nullable, taken) as met at @file, @function and @line
 *
 * What the run asks of the element; @user_data is the hooks' own. The
 * hooks are called from the streaming thread, except @post_message,
 * which the submission's thread calls too.
 */
typedef struct
{
  gboolean (*wait) (gpointer user_data, gint64 ms);
  gboolean (*is_flushing) (gpointer user_data);
  gboolean (*interrupted) (gpointer user_data, gboolean * ending);
  void (*post_progress) (gpointer user_data, GstProgressType type,
                         const gchar * text);
  void (*post_message) (gpointer user_data, GstStructure * s);
  void (*set_task_id) (gpointer user_data, const gchar * task_id,
                       const gchar * fingerprint);
  void (*task_failed) (gpointer user_data, const gchar * task_id);
  gboolean (*is_uncertain) (gpointer user_data, const gchar * fingerprint);
  void (*set_uncertain) (gpointer user_data, const gchar * fingerprint);
  gboolean (*check_downstream) (gpointer user_data, GError ** error,
                                gchar ** detail);
  void (*post_error) (gpointer user_data, const GError * error,
                      guint status, const gchar * detail,
                      const gchar * file, const gchar * function, gint line);
  void (*post_warning) (gpointer user_data, gint code, gchar * text,
                        gchar * debug, const gchar * file,
                        const gchar * function, gint line);
} SeedanceRunHooks;

SeedanceRun *  seedance_run_new (GstObject * log_object,
                                 GCancellable * cancellable,
                                 GMutex * wait_lock, GCond * wait_cond,
                                 SeedanceReader * reader,
                                 const SeedanceRunHooks * hooks,
                                 gpointer user_data);
void           seedance_run_free (SeedanceRun * run);
void           seedance_run_reset (SeedanceRun * run);

gboolean       seedance_run_set_request (SeedanceRun * run,
                                         const SeedanceSettings * settings,
                                         const gchar * origin,
                                         const gchar * task_fingerprint,
                                         gboolean task_failed,
                                         gboolean * forget_task,
                                         GError ** error);
gboolean       seedance_run_open (SeedanceRun * run,
                                  const SeedanceSettings * settings,
                                  const gchar * origin,
                                  const gchar * cache_dir, GError ** error);

const gchar *  seedance_run_get_task_id (SeedanceRun * run);
const gchar *  seedance_run_get_video_url (SeedanceRun * run);

GstFlowReturn  seedance_run_get_clip (SeedanceRun * run);
void           seedance_run_configure_reader (SeedanceRun * run,
                                              guint64 max_clip_size);
gboolean       seedance_run_can_refresh_url (SeedanceRun * run);
GstFlowReturn  seedance_run_refresh_url (SeedanceRun * run);

void           seedance_run_abandon_submission (SeedanceRun * run);
void           seedance_run_stop (SeedanceRun * run);

void           seedance_run_touch (SeedanceRun * run);
void           seedance_run_release (SeedanceRun * run, gboolean cached,
                                     const GError * failure);
void           seedance_run_record_clip (SeedanceRun * run,
                                         const gchar * sums, gint64 size);
void           seedance_run_discard_clip (SeedanceRun * run,
                                          const GError * warning);

GstFlowReturn  seedance_run_fail_at (SeedanceRun * run, GError * error,
                                     guint status, const gchar * file,
                                     const gchar * function, gint line);
GstFlowReturn  seedance_run_post_failure_at (SeedanceRun * run,
                                             GError * error, guint status,
                                             const gchar * detail,
                                             const gchar * file,
                                             const gchar * function,
                                             gint line);

G_END_DECLS

#endif /* __SEEDANCE_RUN_H__ */
