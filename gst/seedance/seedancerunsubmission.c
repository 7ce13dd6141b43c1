/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The run's submission (see seedancerun.c): checked, claimed in the
 * journal, sent on its own thread (seedancesubmission.c) and concluded:
 * a task id, or what the user must know about the money. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancerunprivate.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_run_submission_debug);
#define GST_CAT_DEFAULT seedance_run_submission_debug

void
seedance_run_init_submission_debug (void)
{
  GST_DEBUG_CATEGORY_INIT (seedance_run_submission_debug,
      "seedancerunsubmission", 0, "Seedance run: the submission");
}

/* Fails when this very request was submitted before and the outcome of
 * that submission is unknown: sending it again could pay twice. */
gboolean
seedance_run_check_not_uncertain (SeedanceRun * run, GError ** error)
{
  gboolean uncertain;

  uncertain = run->fingerprint != NULL
      && run->hooks->is_uncertain (run->user_data, run->fingerprint);

  if (uncertain)
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN,
        "An earlier submission of this same request was interrupted after it "
        "was sent: a task may exist and be billed, so it is not sent again. "
        "Look for it in your Modellix dashboard and resume it with "
        "task-id=<id>, or use a new element to submit anyway");
  return !uncertain;
}

/* On the submission's thread: the server created no task (a 429, or no
 * connection) and the submission goes again later. The news, as a
 * seedance-task message, tells the user why nothing has happened yet. */
static void
seedance_run_submission_retry (gpointer user_data, const GError * why,
    gint64 delay_ms)
{
  SeedanceRun *run = user_data;
  GstStructure *s = gst_structure_new ("seedance-task",
      "task-id", G_TYPE_STRING, NULL,
      "status", G_TYPE_STRING, "retrying",
      "elapsed", G_TYPE_DOUBLE, (gdouble) (g_get_monotonic_time () -
          run->start) / G_USEC_PER_SEC,
      "reason", G_TYPE_STRING, why->message,
      "retry-in", G_TYPE_DOUBLE, delay_ms / 1000.0, NULL);

  GST_INFO_OBJECT (run->log_object,
      "no task was created (%s): submitting again in %" G_GINT64_FORMAT " ms",
      why->message, delay_ms);
  run->hooks->post_message (run->user_data, s);
}

static void
seedance_run_submission_done (gpointer user_data)
{
  SeedanceRun *run = user_data;

  g_mutex_lock (run->wait_lock);
  run->submission_done = TRUE;
  g_cond_broadcast (run->wait_cond);
  g_mutex_unlock (run->wait_lock);
}

/* Takes the outcome of the ended submission: the task id, or what the
 * user must know about the money. Called by the streaming thread, or by
 * stop() when that thread is gone. */
GstFlowReturn
seedance_run_conclude_submission (SeedanceRun * run)
{
  SeedanceSubmission *submission;
  GError *error = NULL;
  gboolean cancelled;
  guint status;
  gchar *task_id;

  g_mutex_lock (run->wait_lock);
  submission = run->submission;
  run->submission = NULL;
  run->submission_done = FALSE;
  g_mutex_unlock (run->wait_lock);

  task_id = seedance_submission_finish (submission, &status, &cancelled,
      &error);
  seedance_run_journal_record_submission (run, task_id,
      g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN));
  if (task_id) {
    /* Its polls queue by the task's age, behind older tasks'. */
    seedance_client_set_priority (run->client, g_get_monotonic_time ());
    seedance_run_set_task_id (run, task_id);
    /* The id is news the user needs at once: with it a task that is
     * interrupted later can be resumed instead of paid twice. */
    seedance_run_post_task (run, "submitted", NULL,
        g_get_monotonic_time () - run->start);
    g_free (task_id);
    return GST_FLOW_OK;
  }

  if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_OUTCOME_UNKNOWN)) {
    run->hooks->set_uncertain (run->user_data, run->fingerprint);
    if (cancelled) {
      /* Stopping posts no error, but the user must hear of the money. */
      SEEDANCE_RUN_WARN (run, FAILED, error->message, "Stopped while a "
          "submission was in flight: a task may exist and be billed. Look "
          "for it in your Modellix dashboard and resume it with "
          "task-id=<id>");
      g_error_free (error);
      return seedance_run_interrupted (run);
    }
  } else if (cancelled) {
    /* Cut short before it was sent, or while waiting to send it again:
     * no task exists. */
    GST_DEBUG_OBJECT (run->log_object, "submission cancelled: %s",
        error->message);
    g_error_free (error);
    return seedance_run_interrupted (run);
  }
  /* Posted even during a flush: what happened to the money is news. */
  return SEEDANCE_RUN_POST_FAILURE (run, error, status, NULL);
}

/* Before the POST: downstream still takes the clip, and the claim is
 * recorded. Outside the wait lock: unlock() never waits for a disk. */
static GstFlowReturn
seedance_run_before_submitting (SeedanceRun * run)
{
  GError *error = NULL;
  gchar *detail = NULL;
  GstFlowReturn ret;

  if (seedance_run_check_not_uncertain (run, &error)
      && run->hooks->check_downstream (run->user_data, &error, &detail)
      && seedance_run_claim (run, &error, &detail))
    return GST_FLOW_OK;
  ret = SEEDANCE_RUN_POST_FAILURE (run, error, 0, detail);
  g_free (detail);
  return ret;
}

/* Starts the submission, or goes on waiting for it after a flush. A flush
 * leaves it running for the next create(); a stop or an EOS cancelled it,
 * so its end is near and is waited for, to report it. */
GstFlowReturn
seedance_run_submit (SeedanceRun * run)
{
  GstFlowReturn ret;
  gboolean started, done, interrupted, flushing, ending;

again:
  started = FALSE;
  if (run->submission == NULL
      && (ret = seedance_run_before_submitting (run)) != GST_FLOW_OK)
    return ret;

  g_mutex_lock (run->wait_lock);
  if (run->submission == NULL) {
    flushing = run->hooks->interrupted (run->user_data, &ending);
    if (flushing || ending) {
      g_mutex_unlock (run->wait_lock);
      /* Claimed, never sent: the claim goes with the lock. */
      seedance_run_journal_record_submission (run, NULL, FALSE);
      return seedance_run_interrupted (run);
    }
    run->submission_done = FALSE;
    run->submission = seedance_submission_start (run->client, run->body,
        run->body_length, seedance_run_deadline (run), run->timeout,
        seedance_run_submission_retry, seedance_run_submission_done, run);
    started = TRUE;
  }
  g_mutex_unlock (run->wait_lock);

  if (started && !run->progress_open)
    seedance_run_post_progress (run, GST_PROGRESS_TYPE_START,
        "submitting the task");

  g_mutex_lock (run->wait_lock);
  for (;;) {
    flushing = run->hooks->interrupted (run->user_data, &ending);
    if (run->submission_done || (flushing && !ending))
      break;
    g_cond_wait (run->wait_cond, run->wait_lock);
  }
  done = run->submission_done;
  g_mutex_unlock (run->wait_lock);
  if (!done)
    return seedance_run_interrupted (run);

  ret = seedance_run_conclude_submission (run);
  g_mutex_lock (run->wait_lock);
  flushing = run->hooks->interrupted (run->user_data, &ending);
  interrupted = flushing || ending;
  g_mutex_unlock (run->wait_lock);
  /* Cancelled by an EOS that was pushed since, while no create() ran: the
   * stream goes on, so decide again (a sent POST is never resent); with
   * the journal, from what it says now. */
  if (ret == GST_FLOW_FLUSHING && !interrupted) {
    if (run->journal)
      return SEEDANCE_RUN_FLOW_DECIDE_AGAIN;
    goto again;
  }
  if (ret == GST_FLOW_OK && interrupted)
    ret = seedance_run_interrupted (run);
  return ret;
}
