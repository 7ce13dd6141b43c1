/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the files of the run share: seedancerun.c (setting up, errors,
 * polls, what create() asks), seedancerunshared.c (the shared run of
 * identical requests), seedancerunsubmission.c (the submission),
 * seedancerunjournal.c (the journal's decision and records) and
 * seedancerunframe.c (the last frame). */

#ifndef __SEEDANCE_RUN_PRIVATE_H__
#define __SEEDANCE_RUN_PRIVATE_H__

#include "seedancerun.h"
#include "seedanceanswer.h"
#include "seedanceclient.h"
#include "seedanceenums.h"
#include "seedancejournal.h"
#include "seedancelastframe.h"
#include "seedancesharedrun.h"
#include "seedancesubmission.h"

G_BEGIN_DECLS

struct _SeedanceRun
{
  GstObject *log_object;        /* the element, for logging (and its
                                 * pipeline, for the shared run); no ref */
  GCancellable *cancellable;    /* the element's */
  GMutex *wait_lock;            /* the element's: the submission is under it */
  GCond *wait_cond;             /* the element's, broadcast by unlock() */
  SeedanceReader *reader;       /* the element's: a cached clip opens in it */
  const SeedanceRunHooks *hooks;
  gpointer user_data;

  /* Set up by set_request() and open(), cleared by reset(). */
  SeedanceClient *client;
  gchar *body;                  /* the validated JSON submission */
  gsize body_length;
  gchar *task_id;
  guint poll_interval;
  guint timeout;
  gchar *fingerprint;           /* SHA-256 of origin, model, account, body */
  GStrv former_fingerprints;    /* this request's names in earlier
                                 * versions' journals */
  gchar *cache_dir;
  gchar *video_url;
  gint64 start;                 /* monotonic us when the wait began, 0 before */
  gboolean progress_open;       /* START posted, no end posted yet */
  gboolean url_refreshed;       /* the task was asked for a fresh URL */

  /* The task journal and clip cache of this run's request; NULL with
   * cache-mode=off or when the user gave the task id. */
  SeedanceJournal *journal;
  GstSeedanceCacheMode cache_mode;
  guint64 cache_bytes;
  gboolean journal_consulted;
  SeedanceLastFrame *last_frame;        /* with return-last-frame, when it
                                         * has a cache or a location */
  /* Identical requests of this process share one run: this source leads
   * it or follows it, until the leader concludes. */
  SeedanceSharedRun *shared_run;
  gboolean leads_run;
  gboolean joined;              /* once per run */

  /* The submission runs on its own thread: a flush neither cancels it nor
   * waits for it; a stop or an EOS cancels it. Under wait_lock. */
  SeedanceSubmission *submission;
  gboolean submission_done;
};

/* Errors are posted where they happen: GStreamer shows the call site's
 * file, function and line with each. */
#define SEEDANCE_RUN_POST_FAILURE(run, error, status, detail) \
    seedance_run_post_failure_at ((run), (error), (status), (detail), \
        __FILE__, GST_FUNCTION, __LINE__)
#define SEEDANCE_RUN_FAIL(run, error, status) \
    seedance_run_fail_at ((run), (error), (status), __FILE__, \
        GST_FUNCTION, __LINE__)
/* A RESOURCE warning of GST_RESOURCE_ERROR_<code>, @debug nullable. */
#define SEEDANCE_RUN_WARN(run, code, debug, ...) \
    seedance_run_warn_at ((run), GST_RESOURCE_ERROR_ ## code, (debug), \
        __FILE__, GST_FUNCTION, __LINE__, __VA_ARGS__)

/* *INDENT-OFF* */
G_GNUC_INTERNAL
void seedance_run_warn_at (SeedanceRun * run, gint code, const gchar * debug,
    const gchar * file, const gchar * function, gint line,
    const gchar * format, ...) G_GNUC_PRINTF (7, 8);
G_GNUC_INTERNAL
void seedance_run_post_progress (SeedanceRun * run, GstProgressType type,
    const gchar * format, ...) G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

G_GNUC_INTERNAL
void seedance_run_init_journal_debug (void);
G_GNUC_INTERNAL
void seedance_run_init_frame_debug (void);
G_GNUC_INTERNAL
void seedance_run_init_submission_debug (void);
G_GNUC_INTERNAL
void seedance_run_init_shared_debug (void);

/* While waiting, progress is reported at least this often. */
#define PROGRESS_EVERY_US (5 * G_USEC_PER_SEC)

G_GNUC_INTERNAL
GstFlowReturn seedance_run_interrupted (SeedanceRun * run);
G_GNUC_INTERNAL
gboolean seedance_run_is_flushing (SeedanceRun * run);
G_GNUC_INTERNAL
gint64 seedance_run_deadline (SeedanceRun * run);
G_GNUC_INTERNAL
gint64 seedance_run_remaining_ms (SeedanceRun * run);
G_GNUC_INTERNAL
void seedance_run_set_task_id (SeedanceRun * run, const gchar * task_id);
G_GNUC_INTERNAL
void seedance_run_post_task (SeedanceRun * run, const gchar * status,
    const SeedanceTask * task, gint64 elapsed_us);

G_GNUC_INTERNAL
gboolean seedance_run_wait (SeedanceRun * run, gint64 ms);

/* seedancerunshared.c */
G_GNUC_INTERNAL
GstFlowReturn seedance_run_follow_run (SeedanceRun * run);

/* seedancerunsubmission.c */

/* What submit() returns when a submission was given up before it was
 * sent while the stream goes on: create() asks the journal again, since
 * another pipeline may have submitted the request meanwhile. */
#define SEEDANCE_RUN_FLOW_DECIDE_AGAIN GST_FLOW_CUSTOM_SUCCESS

G_GNUC_INTERNAL
gboolean seedance_run_check_not_uncertain (SeedanceRun * run,
    GError ** error);
G_GNUC_INTERNAL
GstFlowReturn seedance_run_submit (SeedanceRun * run);
G_GNUC_INTERNAL
GstFlowReturn seedance_run_conclude_submission (SeedanceRun * run);

/* seedancerunjournal.c */
G_GNUC_INTERNAL
GstFlowReturn seedance_run_consult_journal (SeedanceRun * run);
G_GNUC_INTERNAL
SeedanceJournalEntry *seedance_run_journal_begin (SeedanceRun * run,
    gboolean * took);
G_GNUC_INTERNAL
void seedance_run_journal_end (SeedanceRun * run,
    SeedanceJournalEntry * entry, gboolean took);
G_GNUC_INTERNAL
void seedance_run_journal_record_task (SeedanceRun * run,
    const SeedanceTask * task);
G_GNUC_INTERNAL
gboolean seedance_run_journal_forget_if_gone (SeedanceRun * run);
G_GNUC_INTERNAL
void seedance_run_journal_record_submission (SeedanceRun * run,
    const gchar * task_id, gboolean uncertain);
G_GNUC_INTERNAL
gboolean seedance_run_claim (SeedanceRun * run, GError ** error,
    gchar ** detail);

/* seedancerunframe.c */
G_GNUC_INTERNAL
GstFlowReturn seedance_run_deliver_last_frame (SeedanceRun * run,
    const SeedanceTask * task);
G_GNUC_INTERNAL
GstFlowReturn seedance_run_announce_cached (SeedanceRun * run);
G_GNUC_INTERNAL
void seedance_run_describe_last_frame (SeedanceRun * run, GstStructure * s);

G_END_DECLS

#endif /* __SEEDANCE_RUN_PRIVATE_H__ */
