/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The run of one request, behind seedancesrc's create(): it follows
 * another source's run of the same request, asks the journal
 * (seedancerunjournal.c), submits, polls the task until it ends and
 * leaves the clip's URL, the last frame delivered (seedancerunframe.c).
 * What only the element can do (post messages, its task-id property, its
 * waits) it asks through SeedanceRunHooks. Errors are posted as from the
 * function that met them. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancerunprivate.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_run_debug);
#define GST_CAT_DEFAULT seedance_run_debug

/* Polls keep poll-interval for this long, then back off... */
#define POLL_STEADY_US (30 * G_USEC_PER_SEC)
/* ...by this factor up to this ceiling (or poll-interval if larger). */
#define POLL_BACKOFF_FACTOR 1.5
#define POLL_CEILING_MS 10000
/* Consecutive unusable task answers tolerated before giving up. */
#define MAX_BAD_ANSWERS 5

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (seedance_run_debug, "seedancerun", 0,
        "Seedance run: submission and polls");
    seedance_run_init_journal_debug ();
    seedance_run_init_frame_debug ();
    seedance_run_init_submission_debug ();
    seedance_run_init_shared_debug ();
    g_once_init_leave (&initialized, 1);
  }
}

/**
 * seedance_run_new:
 * @log_object: the element: what the run's log lines name, and whose
 *   top-level bin tells a shared run which pipeline a source is in; not
 *   reffed
 * @cancellable: the element's, cancelled by its unlock()
 * @wait_lock: the element's wait lock: the submission is under it
 * @wait_cond: the element's wait cond, which unlock() broadcasts
 * @reader: the element's reader, in which a cached clip is opened
 * @hooks: (transfer none): what the run asks of the element; kept
 * @user_data: passed to @hooks
 *
 * Returns: a run with nothing set up: see seedance_run_set_request().
 */
SeedanceRun *
seedance_run_new (GstObject * log_object, GCancellable * cancellable,
    GMutex * wait_lock, GCond * wait_cond, SeedanceReader * reader,
    const SeedanceRunHooks * hooks, gpointer user_data)
{
  SeedanceRun *run = g_new0 (SeedanceRun, 1);

  ensure_debug_category ();
  run->log_object = log_object;
  run->cancellable = g_object_ref (cancellable);
  run->wait_lock = wait_lock;
  run->wait_cond = wait_cond;
  run->reader = reader;
  run->hooks = hooks;
  run->user_data = user_data;
  return run;
}

void
seedance_run_free (SeedanceRun * run)
{
  seedance_run_reset (run);
  g_object_unref (run->cancellable);
  g_free (run);
}

/* Forgets everything of a run. */
void
seedance_run_reset (SeedanceRun * run)
{
  g_clear_pointer (&run->client, seedance_client_free);
  g_clear_pointer (&run->body, g_free);
  g_clear_pointer (&run->task_id, g_free);
  g_clear_pointer (&run->video_url, g_free);
  g_clear_pointer (&run->fingerprint, g_free);
  g_clear_pointer (&run->former_fingerprints, g_strfreev);
  g_clear_pointer (&run->cache_dir, g_free);
  run->body_length = 0;
  run->start = 0;
  run->progress_open = FALSE;
  g_clear_pointer (&run->journal, seedance_journal_free);
  run->journal_consulted = FALSE;
  run->url_refreshed = FALSE;
  g_clear_pointer (&run->last_frame, seedance_last_frame_free);
  seedance_run_release (run, FALSE, NULL);
  run->joined = FALSE;
}

/* Sleeps up to @ms milliseconds; FALSE when a flush interrupted it. */
gboolean
seedance_run_wait (SeedanceRun * run, gint64 ms)
{
  return run->hooks->wait (run->user_data, ms);
}

gboolean
seedance_run_is_flushing (SeedanceRun * run)
{
  return run->hooks->is_flushing (run->user_data);
}

/* One START, then CONTINUEs, then one of COMPLETE, ERROR or CANCELED: a
 * START while one is open (a run that waited for another pipeline first)
 * goes as a CONTINUE. */
void
seedance_run_post_progress (SeedanceRun * run, GstProgressType type,
    const gchar * format, ...)
{
  va_list args;
  gchar *text;

  if (type == GST_PROGRESS_TYPE_START && run->progress_open)
    type = GST_PROGRESS_TYPE_CONTINUE;
  if (type == GST_PROGRESS_TYPE_START)
    run->progress_open = TRUE;
  else if (!run->progress_open)
    return;
  else if (type != GST_PROGRESS_TYPE_CONTINUE)
    run->progress_open = FALSE;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  run->hooks->post_progress (run->user_data, type, text);
  g_free (text);
}

/* A warning posted as from @file, @function and @line (see
 * SEEDANCE_RUN_WARN). */
void
seedance_run_warn_at (SeedanceRun * run, gint code, const gchar * debug,
    const gchar * file, const gchar * function, gint line,
    const gchar * format, ...)
{
  va_list args;
  gchar *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* Logged as GST_ELEMENT_WARNING logs it. */
  GST_WARNING_OBJECT (run->log_object, "%s", text);
  if (debug)
    GST_WARNING_OBJECT (run->log_object, "%s", debug);
  run->hooks->post_warning (run->user_data, code, text, g_strdup (debug),
      file, function, line);
}

/* The seedance-task element message, on every status change; @task is
 * NULL before the first answer of the task endpoint. */
void
seedance_run_post_task (SeedanceRun * run, const gchar * status,
    const SeedanceTask * task, gint64 elapsed_us)
{
  GstStructure *s = gst_structure_new ("seedance-task",
      "task-id", G_TYPE_STRING, run->task_id,
      "status", G_TYPE_STRING, status,
      "elapsed", G_TYPE_DOUBLE, (gdouble) elapsed_us / G_USEC_PER_SEC, NULL);

  if (task == NULL)
    goto post;
  if (task->video_url)
    gst_structure_set (s, "video-url", G_TYPE_STRING, task->video_url, NULL);
  if (task->last_frame_url)
    gst_structure_set (s, "last-frame-url", G_TYPE_STRING,
        task->last_frame_url, NULL);
  if (task->failure)
    gst_structure_set (s, "reason", G_TYPE_STRING, task->failure, NULL);
post:
  seedance_run_describe_last_frame (run, s);
  run->hooks->post_message (run->user_data, s);
}

/* The run resumes or submitted @task_id: the element's task-id says so. */
void
seedance_run_set_task_id (SeedanceRun * run, const gchar * task_id)
{
  g_free (run->task_id);
  run->task_id = g_strdup (task_id);
  run->hooks->set_task_id (run->user_data, task_id, run->fingerprint);
}

const gchar *
seedance_run_get_task_id (SeedanceRun * run)
{
  return run->task_id;
}

const gchar *
seedance_run_get_video_url (SeedanceRun * run)
{
  return run->video_url;
}

/* ------------------------------------------------------------------------ */
/* Setting up, from the checked settings (see gst_seedance_src_prepare()) */

/* Decides whether this run resumes a task before the journal is read. A
 * task id the user set is resumed as is, whatever the request (see
 * gst_seedance_src_prepare()). One the element submitted itself is the
 * journal's to decide about: a restart plays the cached clip, and a task
 * that failed is submitted anew. Without the journal it is resumed for
 * the same request unless it failed; after a property changed it would
 * give the old clip. */
static gboolean
seedance_run_choose_task (SeedanceRun * run, const gchar * task_id,
    const gchar * task_fingerprint, gboolean task_failed, gboolean * forget,
    GError ** error)
{
  gboolean same = task_id && g_strcmp0 (task_fingerprint,
      run->fingerprint) == 0;

  if (same && !task_failed && run->cache_mode == GST_SEEDANCE_CACHE_MODE_OFF) {
    run->task_id = g_strdup (task_id);
    return TRUE;
  }
  /* The task of another request is none of this run's. */
  *forget = task_id && !same;
  if (*forget)
    GST_INFO_OBJECT (run->log_object,
        "the request changed since task %s: it is not resumed", task_id);
  return seedance_run_check_not_uncertain (run, error);
}

/* The names this request had in the journals of earlier versions: without
 * the account, and with the origin as typed (before it was normalised). */
static GStrv
seedance_run_former_fingerprints (const gchar * api_url,
    const gchar * origin, const gchar * model, const gchar * api_key,
    const gchar * body)
{
  GPtrArray *names = g_ptr_array_new ();
  gchar *typed = seedance_api_url_former_origin (api_url);

  g_ptr_array_add (names, seedance_request_legacy_fingerprint (origin, model,
          body));
  if (g_strcmp0 (typed, origin) != 0) {
    g_ptr_array_add (names, seedance_request_fingerprint (typed, model,
            api_key, body));
    g_ptr_array_add (names, seedance_request_legacy_fingerprint (typed,
            model, body));
  }
  g_ptr_array_add (names, NULL);
  g_free (typed);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

/* Every source of a key spends one budget: this process's, shared with
 * the other processes through a state file beside the journal (without
 * the journal, this process's alone). */
static void
seedance_run_join_budget (SeedanceRun * run, const gchar * origin,
    const gchar * api_key, guint requests_per_minute)
{
  SeedanceBudget *budget = seedance_budget_get (origin, api_key,
      requests_per_minute);
  GError *error = NULL;

  if (run->journal) {
    gchar *name = g_strconcat (seedance_budget_get_id (budget), ".budget",
        NULL);
    gint fd = seedance_journal_open_file (run->journal, name, &error);

    if (fd >= 0) {
      seedance_budget_share (budget, fd);
    } else {
      SEEDANCE_RUN_WARN (run, OPEN_READ_WRITE, NULL, "The key's request "
          "budget is not shared with other processes: %s", error->message);
      g_error_free (error);
    }
    g_free (name);
  }
  GST_DEBUG_OBJECT (run->log_object, "the key's request budget: %u a minute",
      seedance_budget_get_limit (budget));
  seedance_client_set_budget (run->client, budget);
  seedance_budget_unref (budget);
}

/**
 * seedance_run_set_request:
 * @settings: the checked settings
 * @origin: the API origin they name
 * @task_fingerprint: (nullable): the request the element submitted its
 *   task-id for; NULL when the user set it
 * @task_failed: whether that task was last seen failed
 * @forget_task: set when the element's task-id is another request's
 *
 * Builds the run's request, or takes the user's task id, and decides
 * whether the run resumes a task before the journal is read.
 *
 * Returns: FALSE with @error set when the request is refused.
 */
gboolean
seedance_run_set_request (SeedanceRun * run, const SeedanceSettings * settings,
    const gchar * origin, const gchar * task_fingerprint,
    gboolean task_failed, gboolean * forget_task, GError ** error)
{
  run->poll_interval = settings->poll_interval;
  run->timeout = settings->timeout;
  run->cache_mode = settings->cache_mode;
  run->cache_bytes = (guint64) settings->cache_size * 1024 * 1024;

  if (settings->task_id && task_fingerprint == NULL) {
    /* Resuming the user's task needs no request at all. */
    run->task_id = g_strdup (settings->task_id);
    return TRUE;
  }
  run->body = seedance_request_build_body (&settings->request,
      &run->body_length, error);
  if (run->body == NULL)
    return FALSE;
  run->fingerprint = seedance_request_fingerprint (origin, settings->model,
      settings->api_key, run->body);
  run->former_fingerprints = seedance_run_former_fingerprints
      (settings->api_url, origin, settings->model, settings->api_key,
      run->body);
  return seedance_run_choose_task (run, settings->task_id, task_fingerprint,
      task_failed, forget_task, error);
}

/**
 * seedance_run_open:
 * @settings: the checked settings
 * @origin: the API origin they name
 * @cache_dir: the directory of the journal and the clip cache
 *
 * Opens the journal of the run's request (unless cache-mode=off or the
 * user gave the task id), makes the client and joins the key's budget.
 *
 * Returns: FALSE with @error set when the journal cannot be opened.
 */
gboolean
seedance_run_open (SeedanceRun * run, const SeedanceSettings * settings,
    const gchar * origin, const gchar * cache_dir, GError ** error)
{
  if (run->fingerprint && run->cache_mode != GST_SEEDANCE_CACHE_MODE_OFF) {
    GError *why = NULL;

    run->journal = seedance_journal_open (cache_dir, run->fingerprint, &why);
    run->cache_dir = g_strdup (cache_dir);
    if (run->journal == NULL) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
          "Invalid property 'cache-dir': %s; set cache-dir to a private "
          "directory of your own, or cache-mode=off", why->message);
      g_error_free (why);
      return FALSE;
    }
  }

  /* The frame needs somewhere to go: the cache, a location, or both. */
  if (settings->request.return_last_frame && (settings->last_frame_location
          || run->journal))
    run->last_frame = seedance_last_frame_new (settings->last_frame_location,
        run->journal ? seedance_journal_get_frame_path (run->journal) : NULL);
  run->client = seedance_client_new (origin, settings->api_key,
      settings->model);
  seedance_run_join_budget (run, origin, settings->api_key,
      settings->requests_per_minute);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Errors and interruptions */

/* Leaves create() on an interruption. A stop or an EOS ends the run, so
 * its progress ends CANCELED; after a flush the run goes on. */
GstFlowReturn
seedance_run_interrupted (SeedanceRun * run)
{
  gboolean ending;

  g_mutex_lock (run->wait_lock);
  run->hooks->interrupted (run->user_data, &ending);
  g_mutex_unlock (run->wait_lock);
  if (ending) {
    seedance_run_post_progress (run, GST_PROGRESS_TYPE_CANCELED, "cancelled");
    /* Nobody waits for a run that stopped; a flush only pauses it. */
    seedance_run_release (run, FALSE, NULL);
  }
  return GST_FLOW_FLUSHING;
}

/* A failure that every source of this same request would meet in turn,
 * so that the sources following this one's run meet it at once: the
 * request refused, the key's, the task's own. Any other (a timeout of
 * this source's, its disk, its network) leaves them to go on. */
static gboolean
seedance_run_shares_failure (const GError * error)
{
  if (error->domain != SEEDANCE_ERROR)
    return FALSE;
  switch (error->code) {
    case SEEDANCE_ERROR_BAD_REQUEST:
    case SEEDANCE_ERROR_UNAUTHORIZED:
    case SEEDANCE_ERROR_PAYMENT_REQUIRED:
    case SEEDANCE_ERROR_OUTCOME_UNKNOWN:
    case SEEDANCE_ERROR_TASK_FAILED:
      return TRUE;
    default:
      return FALSE;
  }
}

/* Ends a run on an error (taken): its progress, then the error, posted
 * as from the call site (see SEEDANCE_RUN_POST_FAILURE). */
GstFlowReturn
seedance_run_post_failure_at (SeedanceRun * run, GError * error,
    guint status, const gchar * detail, const gchar * file,
    const gchar * function, gint line)
{
  GST_WARNING_OBJECT (run->log_object, "%s%s%s", error->message,
      detail ? ": " : "", detail ? detail : "");
  seedance_run_release (run, FALSE,
      seedance_run_shares_failure (error) ? error : NULL);
  seedance_run_post_progress (run, GST_PROGRESS_TYPE_ERROR, "%s",
      error->message);
  run->hooks->post_error (run->user_data, error, status, detail, file, function,
      line);
  g_error_free (error);
  return GST_FLOW_ERROR;
}

/* Ends a run on an error, or quietly when it was cancelled (see
 * SEEDANCE_RUN_FAIL). */
GstFlowReturn
seedance_run_fail_at (SeedanceRun * run, GError * error, guint status,
    const gchar * file, const gchar * function, gint line)
{
  gboolean ending;

  g_mutex_lock (run->wait_lock);
  run->hooks->interrupted (run->user_data, &ending);
  g_mutex_unlock (run->wait_lock);
  /* A cancel nobody asked for is an error, not a quiet pause. */
  if (seedance_run_is_flushing (run) || (ending
          && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
    GST_DEBUG_OBJECT (run->log_object, "cancelled: %s", error->message);
    g_error_free (error);
    return seedance_run_interrupted (run);
  }
  return seedance_run_post_failure_at (run, error, status, NULL, file,
      function, line);
}

/* When the timeout expires (monotonic us), 0 without one. */
gint64
seedance_run_deadline (SeedanceRun * run)
{
  return run->timeout ? run->start + (gint64) run->timeout * G_USEC_PER_SEC : 0;
}

/* Milliseconds left before the timeout, G_MAXINT64 without one. */
gint64
seedance_run_remaining_ms (SeedanceRun * run)
{
  gint64 deadline = seedance_run_deadline (run);

  if (deadline == 0)
    return G_MAXINT64;
  return (deadline - g_get_monotonic_time ()) / 1000;
}

/* Polls the task until it ends, within the timeout; leaves the clip's URL
 * in video_url. */
static GstFlowReturn
seedance_run_poll (SeedanceRun * run)
{
  gint64 start = run->start, last_progress = g_get_monotonic_time ();
  /* The backoff counts from the first poll: a submission queued in the
   * key's budget made the task no older. */
  gint64 polling_since = last_progress, interval = run->poll_interval;
  gchar *last_status = NULL;
  guint failures = 0, bad_answers = 0;
  SeedanceAnswer answer = { 0, -1 };
  GError *error = NULL;
  GstFlowReturn ret;

  for (;;) {
    SeedanceTask *task = seedance_client_query (run->client,
        run->task_id, seedance_run_deadline (run), &answer,
        run->cancellable, &error);
    gint64 now = g_get_monotonic_time (), elapsed = now - start, wait;
    gint64 remaining;

    if (task == NULL) {
      /* An unusable answer may be a passing fault, but not forever; it
       * says nothing about load, so it is asked again sooner. */
      gboolean bad = g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE);

      if (bad)
        bad_answers++;
      if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT)) {
        GST_INFO_OBJECT (run->log_object, "%s", error->message);
        g_clear_error (&error);
        goto timed_out;
      }
      if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_FOUND)
          && run->journal && seedance_run_journal_forget_if_gone (run))
        g_prefix_error (&error, "Task %s no longer exists: it is older than "
            "the API keeps any task, so the journal forgets it and the next "
            "run submits this request anew. ", run->task_id);
      else if (g_error_matches (error, SEEDANCE_ERROR,
              SEEDANCE_ERROR_NOT_FOUND) && run->journal)
        /* One 404 is no proof the task cannot be resumed (a task just made
         * may not show yet): the journal keeps it, and the user decides. */
        g_prefix_error (&error, "Task %s is not known to the API (yet?); "
            "the journal keeps it, so this request is not paid again by "
            "accident: resume it with task-id=%s once the API knows it, or "
            "delete %s (or set cache-mode=off) to submit anew. ",
            run->task_id, run->task_id,
            seedance_journal_get_path (run->journal));
      if (seedance_run_is_flushing (run)
          || !seedance_error_is_retryable_query (error)
          || bad_answers > MAX_BAD_ANSWERS)
        goto failed;
      /* Retry-After is a floor: "0" must not make a busy loop. */
      wait = MAX (answer.retry_after_ms,
          seedance_backoff_ms (bad ? run->poll_interval :
              MAX (run->poll_interval, 500), failures));
      failures++;
      GST_INFO_OBJECT (run->log_object,
          "query failed (%s), retrying in %" G_GINT64_FORMAT " ms",
          error->message, wait);
      g_clear_error (&error);
    } else {
      gboolean changed = g_strcmp0 (last_status, task->status) != 0;

      failures = bad_answers = 0;
      /* The last frame comes before the news of success, which names it. */
      if (task->state == SEEDANCE_TASK_SUCCEEDED
          && (ret = seedance_run_deliver_last_frame (run, task))
          != GST_FLOW_OK) {
        seedance_task_free (task);
        g_free (last_status);
        return ret;
      }
      if (changed) {
        g_free (last_status);
        last_status = g_strdup (task->status);
        GST_INFO_OBJECT (run->log_object, "task %s: %s after %.1f s",
            run->task_id, task->status, (gdouble) elapsed / G_USEC_PER_SEC);
        seedance_run_post_task (run, task->status, task, elapsed);
      }
      if (changed || now - last_progress >= PROGRESS_EVERY_US) {
        seedance_run_post_progress (run, GST_PROGRESS_TYPE_CONTINUE,
            "%s: %s, %" G_GINT64_FORMAT " s", run->task_id,
            task->status, elapsed / G_USEC_PER_SEC);
        last_progress = now;
      }

      if (task->state != SEEDANCE_TASK_RUNNING)
        seedance_run_journal_record_task (run, task);
      if (task->state == SEEDANCE_TASK_SUCCEEDED) {
        run->video_url = g_strdup (task->video_url);
        seedance_task_free (task);
        break;
      }
      if (task->state == SEEDANCE_TASK_FAILED) {
        /* Never resumed implicitly again: a restart submits anew. */
        run->hooks->task_failed (run->user_data, run->task_id);
        g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TASK_FAILED,
            "Task %s failed on the server: %s", run->task_id, task->failure);
        seedance_task_free (task);
        goto failed;
      }
      seedance_task_free (task);

      wait = interval;
      if (now - polling_since >= POLL_STEADY_US)
        interval = MIN (interval * POLL_BACKOFF_FACTOR,
            MAX (POLL_CEILING_MS, (gint64) run->poll_interval));
    }

    remaining = seedance_run_remaining_ms (run);
    if (wait > remaining) {
      wait = remaining;
      if (wait <= 0)
        goto timed_out;
    }
    if (!seedance_run_wait (run, wait))
      goto flushing;
  }

  g_free (last_status);
  return GST_FLOW_OK;

  /* ERROR */
timed_out:
  {
    g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
        "Task %s did not finish within timeout=%u s. It keeps running on "
        "the server and is paid for: resume it with task-id=%s (and a "
        "larger timeout, or timeout=0)", run->task_id,
        run->timeout, run->task_id);
  }
failed:
  {
    g_free (last_status);
    return SEEDANCE_RUN_FAIL (run, error, answer.http_status);
  }
flushing:
  {
    g_free (last_status);
    return seedance_run_interrupted (run);
  }
}

/* ------------------------------------------------------------------------ */
/* What create() asks */

/**
 * seedance_run_get_clip:
 *
 * Until the run has its clip: the URL of the task's result, or the
 * cached clip opened in the reader. Follows another source's run of the
 * same request, asks the journal, submits, polls; the last frame comes
 * first, and the progress and messages on the way.
 *
 * Returns: GST_FLOW_OK, or why create() stops (an error is posted).
 */
GstFlowReturn
seedance_run_get_clip (SeedanceRun * run)
{
  GstFlowReturn ret;

  if (run->video_url == NULL && !seedance_reader_has_cached_clip (run->reader)) {
    /* timeout bounds the whole wait, submission included, across flushes */
    if (run->start == 0) {
      run->start = g_get_monotonic_time ();
      /* The budget serves older runs first: a submission or a resumed
       * task's polls queue by the run's start. */
      seedance_client_set_priority (run->client, run->start);
    }
  decide:
    if (run->journal && run->task_id == NULL
        && run->cache_mode == GST_SEEDANCE_CACHE_MODE_REUSE
        && (!run->joined || (run->shared_run && !run->leads_run))
        && (ret = seedance_run_follow_run (run)) != GST_FLOW_OK)
      return ret;
    if (run->journal && !run->journal_consulted && run->task_id == NULL
        && (ret = seedance_run_consult_journal (run)) != GST_FLOW_OK)
      return ret;
    if (seedance_reader_has_cached_clip (run->reader)) {
      seedance_run_post_progress (run, GST_PROGRESS_TYPE_START,
          "%s: playing the cached clip", run->task_id);
      if ((ret = seedance_run_announce_cached (run)) != GST_FLOW_OK)
        return ret;
    } else {
      if (run->task_id && !run->progress_open)
        seedance_run_post_progress (run, GST_PROGRESS_TYPE_START,
            "%s: resuming", run->task_id);
      if (run->task_id == NULL) {
        ret = seedance_run_submit (run);
        if (ret == SEEDANCE_RUN_FLOW_DECIDE_AGAIN)
          goto decide;
        if (ret != GST_FLOW_OK)
          return ret;
      }
      if ((ret = seedance_run_poll (run)) != GST_FLOW_OK)
        return ret;
      seedance_run_post_progress (run, GST_PROGRESS_TYPE_COMPLETE,
          "%s: downloading the clip", run->task_id);
    }
  }

  /* A flush cut a cached replay's last frame short (a run that downloads
   * the clip has its frame before): it still comes first. */
  if (seedance_reader_has_cached_clip (run->reader) && run->last_frame
      && !seedance_last_frame_is_settled (run->last_frame)
      && (ret = seedance_run_announce_cached (run)) != GST_FLOW_OK)
    return ret;
  return GST_FLOW_OK;
}

/* The reader downloads (or reads from the cache) this run's clip. */
void
seedance_run_configure_reader (SeedanceRun * run, guint64 max_clip_size)
{
  seedance_reader_configure (run->reader, run->client, run->journal,
      run->task_id, run->cache_bytes, max_clip_size, run->timeout);
}

/* Result URLs expire: the task gives a fresh one while its outputs last.
 * Asked once per run. */
gboolean
seedance_run_can_refresh_url (SeedanceRun * run)
{
  return !run->url_refreshed;
}

GstFlowReturn
seedance_run_refresh_url (SeedanceRun * run)
{
  run->url_refreshed = TRUE;
  g_clear_pointer (&run->video_url, g_free);
  return seedance_run_poll (run);
}

/* A stop or an EOS abandons the submission in flight. Called with the
 * wait lock held. */
void
seedance_run_abandon_submission (SeedanceRun * run)
{
  if (run->submission)
    seedance_submission_cancel (run->submission);
}

/* The element stops: a submission left by a create() that a flush ended
 * is reported, and a run that a flush interrupted closes its progress. */
void
seedance_run_stop (SeedanceRun * run)
{
  if (run->submission)
    seedance_run_conclude_submission (run);
  seedance_run_interrupted (run);
}

/* The followers of this run wait on while its download moves. */
void
seedance_run_touch (SeedanceRun * run)
{
  if (run->shared_run)
    seedance_shared_run_touch (run->shared_run);
}
