/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The paid submission, on a thread of its own: a flushing seek must
 * neither cut it short (the task would be lost) nor wait for it while
 * holding the stream lock (a stop could not get through). It is sent
 * again only when the server certainly created no task, and only a
 * cancel, which the element does when it stops or ends, interrupts it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "seedanceerror.h"
#include "seedancesubmission.h"

GST_DEBUG_CATEGORY_STATIC (seedance_submission_debug);
#define GST_CAT_DEFAULT seedance_submission_debug

/* Submissions that certainly reached no server are tried this often. */
#define MAX_ATTEMPTS 5
/* First backoff between attempts, doubled each time. */
#define BACKOFF_BASE_MS 1000

struct _SeedanceSubmission
{
  SeedanceClient *client;       /* not owned */
  GBytes *body;
  gint64 deadline;              /* monotonic us, 0 = none */
  guint timeout;                /* the property it comes from, in s */
  SeedanceSubmissionRetryFunc retry;
  SeedanceSubmissionDoneFunc done;
  gpointer user_data;
  GThread *thread;
  GCancellable *cancellable;

  GMutex lock;
  GCond cond;
  gboolean cancelled;           /* under lock */
  gboolean cut_short;           /* cancelled when the outcome was known */

  /* Written by the thread before done(), read after the join. */
  gchar *task_id;
  GError *error;
  guint http_status;
};

static gboolean
is_retryable (const GError * error)
{
  /* Both mean the server certainly created no task. */
  return g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NETWORK)
      || g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_RATE_LIMITED);
}

/* Sleeps up to ms milliseconds; FALSE when cancelled. */
static gboolean
submission_wait (SeedanceSubmission * s, gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;
  gboolean cancelled;

  g_mutex_lock (&s->lock);
  while (!s->cancelled && g_cond_wait_until (&s->cond, &s->lock, end));
  cancelled = s->cancelled;
  g_mutex_unlock (&s->lock);
  return !cancelled;
}

static gpointer
submission_thread (gpointer data)
{
  SeedanceSubmission *s = data;
  SeedanceAnswer answer = { 0, -1 };
  gsize length;
  const gchar *body = g_bytes_get_data (s->body, &length);
  guint attempt;

  for (attempt = 0;; attempt++) {
    gint64 delay, left;

    s->task_id = seedance_client_submit (s->client, body, length,
        s->deadline, &answer, s->cancellable, &s->error);
    s->http_status = answer.http_status;
    if (s->task_id || !is_retryable (s->error)
        || attempt + 1 == MAX_ATTEMPTS)
      break;

    /* Retry-After is a floor: "0" must not make a burst of POSTs. */
    delay = MAX (answer.retry_after_ms,
        seedance_backoff_ms (BACKOFF_BASE_MS, attempt));
    left = s->deadline ? (s->deadline - g_get_monotonic_time ()) / 1000 :
        G_MAXINT64;
    if (delay >= left) {
      /* No task exists: nothing to resume, the user may simply retry. */
      g_prefix_error (&s->error, "No task was created within timeout=%u s; "
          "the last attempt failed: ", s->timeout);
      break;
    }
    GST_INFO ("submission not accepted (%s), retrying in %" G_GINT64_FORMAT
        " ms", s->error->message, delay);
    if (s->retry)
      s->retry (s->user_data, s->error, delay);
    g_clear_error (&s->error);
    if (!submission_wait (s, delay)) {
      g_set_error_literal (&s->error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
          "cancelled before the submission was sent again");
      break;
    }
  }

  /* What the caller hears: whether a cancel cut this outcome short, not
   * whether one came after it. */
  g_mutex_lock (&s->lock);
  s->cut_short = s->cancelled;
  g_mutex_unlock (&s->lock);
  s->done (s->user_data);
  return NULL;
}

/**
 * seedance_submission_start:
 * @client: the client, which must outlive the submission
 * @body: the JSON body, copied
 * @length: its length
 * @deadline: monotonic time (us) after which no attempt starts, 0 for none
 * @timeout: the timeout property @deadline comes from, for the error text
 * @retry: (nullable): called on the submission's thread before each wait
 *   to send it again
 * @done: called on the submission's thread once it has ended
 * @user_data: for @done
 *
 * Starts sending the submission on a new thread.
 */
SeedanceSubmission *
seedance_submission_start (SeedanceClient * client, const gchar * body,
    gsize length, gint64 deadline, guint timeout,
    SeedanceSubmissionRetryFunc retry, SeedanceSubmissionDoneFunc done,
    gpointer user_data)
{
  static gsize debug_initialized = 0;
  SeedanceSubmission *s = g_new0 (SeedanceSubmission, 1);

  if (g_once_init_enter (&debug_initialized)) {
    GST_DEBUG_CATEGORY_INIT (seedance_submission_debug, "seedancesubmission",
        0, "Seedance task submission");
    g_once_init_leave (&debug_initialized, 1);
  }

  s->client = client;
  s->body = g_bytes_new (body, length);
  s->deadline = deadline;
  s->timeout = timeout;
  s->retry = retry;
  s->done = done;
  s->user_data = user_data;
  s->cancellable = g_cancellable_new ();
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->thread = g_thread_new ("seedance-submit", submission_thread, s);
  return s;
}

/**
 * seedance_submission_cancel:
 *
 * Cuts the request in flight short and ends any wait; thread-safe, does
 * not block. A request cut short after it was sent ends with
 * %SEEDANCE_ERROR_OUTCOME_UNKNOWN.
 */
void
seedance_submission_cancel (SeedanceSubmission * s)
{
  g_mutex_lock (&s->lock);
  s->cancelled = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  g_cancellable_cancel (s->cancellable);
}

/**
 * seedance_submission_finish:
 * @submission: (transfer full): the submission, freed
 * @http_status: (out): the status of the last answer, 0 for none
 * @cancelled: (out): whether seedance_submission_cancel() was called
 *   before the outcome was known
 * @error: why no task id came back
 *
 * Waits for the submission's thread (at once after a cancel) and frees it.
 *
 * Returns: (transfer full) (nullable): the new task's id.
 */
gchar *
seedance_submission_finish (SeedanceSubmission * s, guint * http_status,
    gboolean * cancelled, GError ** error)
{
  gchar *task_id;

  g_thread_join (s->thread);
  task_id = s->task_id;
  *http_status = s->http_status;
  *cancelled = s->cut_short;
  if (s->error)
    g_propagate_error (error, s->error);

  g_object_unref (s->cancellable);
  g_bytes_unref (s->body);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
  return task_id;
}
