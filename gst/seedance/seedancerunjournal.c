/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The run's task journal and clip cache (see seedancejournal.c and
 * seedancerun.c): before anything is paid, the journal decides whether
 * the run plays a cached clip, resumes a task or submits; then the run
 * records its claim, its task, its end and its cached clip. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancerunprivate.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_run_journal_debug);
#define GST_CAT_DEFAULT seedance_run_journal_debug

/* How often a source waiting for another one's submission looks again. */
#define JOURNAL_LOCK_POLL_MS 50
/* How long a journal update waits for the entry's lock. */
#define JOURNAL_UPDATE_WAIT_MS 2000
/* The longest wait for another pipeline's decision when timeout=0. */
#define JOURNAL_LOCK_MAX_WAIT_S (15 * 60)

void
seedance_run_init_journal_debug (void)
{
  GST_DEBUG_CATEGORY_INIT (seedance_run_journal_debug, "seedancerunjournal",
      0, "Seedance run: the task journal");
}

/* Reads this run's entry under its lock, taking the lock (waiting a little
 * at most) when this run does not hold it already. NULL when the entry is
 * another task's or the lock could not be had: the journal only saves
 * money, so a lost update is logged and the run goes on. */
SeedanceJournalEntry *
seedance_run_journal_begin (SeedanceRun * run, gboolean * took)
{
  SeedanceJournalEntry *entry;
  gboolean locked = seedance_journal_is_locked (run->journal);
  gint64 waited = 0;

  *took = !locked;
  while (!locked) {
    if (!seedance_journal_try_lock (run->journal, &locked, NULL)
        || (!locked && (waited >= JOURNAL_UPDATE_WAIT_MS
                || !seedance_run_wait (run, JOURNAL_LOCK_POLL_MS)))) {
      GST_WARNING_OBJECT (run->log_object,
          "the journal entry is busy: not updated");
      return NULL;
    }
    waited += JOURNAL_LOCK_POLL_MS;
  }
  entry = seedance_journal_read (run->journal, NULL);
  if (entry == NULL)
    return seedance_journal_entry_new (run->task_id, "pending");
  if (g_strcmp0 (entry->task_id, run->task_id) == 0)
    return entry;
  /* A later submission of the same request is recorded: it stays. */
  seedance_journal_entry_free (entry);
  if (*took)
    seedance_journal_unlock (run->journal);
  return NULL;
}

/* Writes @entry (NULL: nothing), frees it, and lets go of a lock that
 * seedance_run_journal_begin() took. */
void
seedance_run_journal_end (SeedanceRun * run,
    SeedanceJournalEntry * entry, gboolean took)
{
  GError *error = NULL;

  if (entry && !seedance_journal_write (run->journal, entry, &error)) {
    GST_WARNING_OBJECT (run->log_object, "cannot write the journal: %s",
        error->message);
    g_error_free (error);
  }
  seedance_journal_entry_free (entry);
  if (took)
    seedance_journal_unlock (run->journal);
}

/* Records the end of this run's task, and on success its result URL. */
void
seedance_run_journal_record_task (SeedanceRun * run, const SeedanceTask * task)
{
  SeedanceJournalEntry *entry;
  gboolean took;

  if (run->journal == NULL
      || !(entry = seedance_run_journal_begin (run, &took)))
    return;
  g_free (entry->status);
  entry->status = g_strdup (task->status);
  if (task->state == SEEDANCE_TASK_SUCCEEDED
      && g_strcmp0 (entry->video_url, task->video_url) != 0) {
    g_free (entry->video_url);
    entry->video_url = g_strdup (task->video_url);
    entry->video_url_expires = g_get_real_time () / G_USEC_PER_SEC +
        SEEDANCE_OUTPUT_LIFETIME_S;
  }
  seedance_run_journal_end (run, entry, took);
}

/* A 404 for the journal's task proves it gone only once the task is older
 * than the API keeps any (the longest execution_expires_after, then the
 * outputs' lifetime): its entry goes then, and the next run submits anew.
 * Before that it stays, so that no run pays again by accident. */
gboolean
seedance_run_journal_forget_if_gone (SeedanceRun * run)
{
  SeedanceJournalEntry *entry;
  gboolean took, gone;
  gint64 age;

  if (run->journal == NULL
      || !(entry = seedance_run_journal_begin (run, &took)))
    return FALSE;
  age = g_get_real_time () / G_USEC_PER_SEC - entry->updated;
  gone = entry->updated > 0
      && age > SEEDANCE_EXPIRES_MAX + SEEDANCE_OUTPUT_LIFETIME_S;
  if (gone)
    seedance_journal_remove (run->journal);
  seedance_run_journal_end (run, NULL, took);
  seedance_journal_entry_free (entry);
  return gone;
}

/* What the submission, whose lock this run holds, came to: its task, an
 * outcome nobody knows (never sent again, by any pipeline), or no task. */
void
seedance_run_journal_record_submission (SeedanceRun * run,
    const gchar * task_id, gboolean uncertain)
{
  SeedanceJournalEntry *entry;

  if (run->journal == NULL || !seedance_journal_is_locked (run->journal))
    return;
  if (task_id || uncertain) {
    entry = seedance_journal_entry_new (task_id,
        task_id ? "pending" : SEEDANCE_JOURNAL_UNCERTAIN);
    seedance_run_journal_end (run, entry, TRUE);
  } else {
    seedance_journal_remove (run->journal);
    seedance_journal_unlock (run->journal);
    /* Unlocked, the entry is anybody's: a next attempt reads it anew. */
    run->journal_consulted = FALSE;
  }
}

/* Opens the entry's cached clip for this run (see
 * seedance_reader_open_cached_clip()); a damaged one is discarded with a
 * warning. */
static gboolean
seedance_run_open_cached_clip (SeedanceRun * run, SeedanceJournalEntry * entry)
{
  GError *warning = NULL;

  if (seedance_reader_open_cached_clip (run->reader, run->journal, entry,
          &warning))
    return TRUE;
  if (warning) {
    SEEDANCE_RUN_WARN (run, READ, NULL, "%s", warning->message);
    g_error_free (warning);
  }
  return FALSE;
}

/* Waits until no other pipeline decides about this request, saying whom
 * it waits for; not past timeout (JOURNAL_LOCK_MAX_WAIT_S without one):
 * a holder that hangs must not hang this pipeline too. */
static GstFlowReturn
seedance_run_lock_journal (SeedanceRun * run)
{
  GError *error = NULL;
  gboolean locked = FALSE;
  gint64 start = g_get_monotonic_time (), deadline, next_report = 0;
  gchar *holder = NULL;

  deadline = seedance_run_deadline (run);
  if (deadline == 0)
    deadline = start + JOURNAL_LOCK_MAX_WAIT_S * G_USEC_PER_SEC;
  for (;;) {
    gint64 now;

    if (!seedance_journal_try_lock (run->journal, &locked, &error))
      break;
    if (locked) {
      g_free (holder);
      return GST_FLOW_OK;
    }
    now = g_get_monotonic_time ();
    if (now >= next_report) {
      gchar *named = seedance_journal_describe_holder (run->journal);

      if (named || holder == NULL) {
        g_free (holder);
        holder = named ? named : g_strdup ("another pipeline");
      }
      GST_INFO_OBJECT (run->log_object,
          "waiting for %s, which is deciding about this request (%s)",
          holder, seedance_journal_get_lock_path (run->journal));
      seedance_run_post_progress (run,
          GST_PROGRESS_TYPE_START,
          "waiting for %s, which is deciding about this request", holder);
      next_report = now + PROGRESS_EVERY_US;
    }
    if (now >= deadline) {
      g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "Waited %" G_GINT64_FORMAT " s for %s, which is deciding about "
          "this same request (journal lock %s), and gave up%s: nothing was "
          "sent. If that pipeline is stuck, stop it; otherwise run again once "
          "it is done, to resume its task", (now - start) / G_USEC_PER_SEC,
          holder, seedance_journal_get_lock_path (run->journal),
          run->timeout ? " at timeout" : "");
      break;
    }
    if (!seedance_run_wait (run, MIN (JOURNAL_LOCK_POLL_MS,
                (deadline - now) / 1000 + 1))) {
      g_free (holder);
      return seedance_run_interrupted (run);
    }
  }
  g_free (holder);
  return SEEDANCE_RUN_FAIL (run, error, 0);
}

/* Before anything is paid: a request made before plays its cached clip or
 * resumes its task. Otherwise the entry's lock stays held until the
 * submission is recorded, so that a second pipeline asking for the same
 * request waits for this one's task instead of paying for its own. */
GstFlowReturn
seedance_run_consult_journal (SeedanceRun * run)
{
  SeedanceJournalEntry *entry;
  SeedanceTaskState state;
  GstFlowReturn ret;
  gchar *problem = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if ((ret = seedance_run_lock_journal (run)) != GST_FLOW_OK)
    return ret;
  run->journal_consulted = TRUE;
  entry = seedance_journal_read (run->journal, &problem);
  if (problem) {
    SEEDANCE_RUN_WARN (run, READ, NULL, "%s", problem);
    g_free (problem);
  } else {
    /* Written by an earlier version under another name: still this
     * request's, and its task must not be paid again. */
    GStrv former = run->former_fingerprints;

    for (; entry == NULL && former && *former; former++)
      entry = seedance_journal_adopt (run->journal, run->cache_dir, *former);
  }
  if (entry == NULL)
    return GST_FLOW_OK;

  if (entry->task_id == NULL) {
    GError *error = g_error_new (SEEDANCE_ERROR,
        SEEDANCE_ERROR_OUTCOME_UNKNOWN, "An earlier submission of this same "
        "request was cut off after it was sent (journal entry %s): a task "
        "may exist and be billed, so it is not sent again. Look for it in "
        "your Modellix dashboard and resume it with task-id=<id>, or delete "
        "that file (or set cache-mode=off) to submit anyway",
        seedance_journal_get_path (run->journal));

    seedance_journal_entry_free (entry);
    seedance_journal_unlock (run->journal);
    return SEEDANCE_RUN_POST_FAILURE (run, error, 0, NULL);
  }

  state = seedance_task_state_from_status (entry->status);
  if (state == SEEDANCE_TASK_SUCCEEDED
      && seedance_journal_entry_has_clip (entry)
      && run->cache_mode == GST_SEEDANCE_CACHE_MODE_REUSE
      && seedance_run_open_cached_clip (run, entry)) {
    GST_INFO_OBJECT (run->log_object, "playing the cached clip of task %s",
        entry->task_id);
    seedance_run_release (run, TRUE, NULL);
  } else if (state == SEEDANCE_TASK_FAILED
      || (state == SEEDANCE_TASK_SUCCEEDED
          && (run->cache_mode == GST_SEEDANCE_CACHE_MODE_RESUME
              || (entry->video_url_expires
                  && now >= entry->video_url_expires)))) {
    /* Failed, finished with the clip wanted anew, or its outputs gone. */
    GST_INFO_OBJECT (run->log_object,
        "task %s of this request is %s: submitting anew", entry->task_id,
        entry->status);
    seedance_journal_entry_free (entry);
    return GST_FLOW_OK;
  } else {
    GST_INFO_OBJECT (run->log_object, "resuming task %s (%s) of this request",
        entry->task_id, entry->status);
  }

  seedance_run_set_task_id (run, entry->task_id);
  seedance_journal_entry_free (entry);
  seedance_journal_unlock (run->journal);
  return GST_FLOW_OK;
}

/* Records, before the POST goes out, that this request is being
 * submitted: a crash, a rerun or a second pipeline then finds the claim
 * and never pays again. A claim that cannot be recorded (a full disk)
 * stops the submission; without the journal (cache-mode=off) there is
 * nothing to record. @detail gets the system's reason. */
gboolean
seedance_run_claim (SeedanceRun * run, GError ** error, gchar ** detail)
{
  SeedanceJournalEntry *entry;
  GError *why = NULL;
  gboolean ok;

  if (run->journal == NULL)
    return TRUE;
  /* Only the holder of the entry's lock decides for the request. */
  g_return_val_if_fail (seedance_journal_is_locked (run->journal), FALSE);
  entry = seedance_journal_entry_new (NULL, SEEDANCE_JOURNAL_SUBMITTING);
  ok = seedance_journal_write (run->journal, entry, &why);
  seedance_journal_entry_free (entry);
  if (ok)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_JOURNAL,
      "Nothing was sent: the task journal cannot record this submission, "
      "and unrecorded, a crash or a second pipeline could pay for the same "
      "request again. Make room in cache-dir (%s) or fix it, or set "
      "cache-mode=off to submit without the journal", run->cache_dir);
  *detail = g_strdup (why->message);
  g_error_free (why);
  return FALSE;
}

/* The whole clip is in the cache: its entry says so. */
void
seedance_run_record_clip (SeedanceRun * run, const gchar * sums, gint64 size)
{
  SeedanceJournalEntry *entry;
  gboolean took;

  if ((entry = seedance_run_journal_begin (run, &took))) {
    seedance_journal_entry_forget_clip (entry);
    entry->clip_sums = g_strdup (sums);
    entry->clip_size = size;
    seedance_run_journal_end (run, entry, took);
  }
}

/* The cached clip being played failed a check and is gone: the user
 * hears of it, and the entry forgets it, so that the next run downloads
 * the clip again (never a new task). */
void
seedance_run_discard_clip (SeedanceRun * run, const GError * warning)
{
  SEEDANCE_RUN_WARN (run, READ, NULL, "%s", warning->message);
  seedance_run_record_clip (run, NULL, 0);
}
