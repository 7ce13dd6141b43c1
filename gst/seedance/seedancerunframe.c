/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The run's last frame (return-last-frame; see seedancelastframe.c and
 * seedancerun.c): delivered before the clip's first byte and before the
 * message that names it, from the cache or from the task's URL. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancerunprivate.h"
#include "seedanceclipcache.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_run_frame_debug);
#define GST_CAT_DEFAULT seedance_run_frame_debug

void
seedance_run_init_frame_debug (void)
{
  GST_DEBUG_CATEGORY_INIT (seedance_run_frame_debug, "seedancerunframe", 0,
      "Seedance run: the last frame");
}

/* The frame could not be had. With last-frame-location set the run fails;
 * without, only the cache missed it, which a warning says. After a flush
 * it is tried again. */
static GstFlowReturn
seedance_run_last_frame_failed (SeedanceRun * run, GError * error)
{
  const gchar *location = seedance_last_frame_get_location (run->last_frame);

  if (seedance_run_is_flushing (run))
    return SEEDANCE_RUN_FAIL (run, error, 0);
  seedance_last_frame_settle (run->last_frame);
  if (location) {
    g_prefix_error (&error, "The last frame of task %s cannot be written to "
        "%s: ", run->task_id, location);
    return SEEDANCE_RUN_FAIL (run, error, 0);
  }
  SEEDANCE_RUN_WARN (run, READ, NULL, "The last frame of task %s is not "
      "cached: %s", run->task_id, error->message);
  g_error_free (error);
  return GST_FLOW_OK;
}

/* Records the frame just cached in the journal entry, and keeps the cache
 * within its bound. */
static void
seedance_run_journal_record_frame (SeedanceRun * run)
{
  SeedanceJournalEntry *entry;
  const gchar *sha256;
  guint64 size;
  gboolean took;

  if (run->journal == NULL
      || !seedance_last_frame_get_cached (run->last_frame, &size, &sha256)
      || !(entry = seedance_run_journal_begin (run, &took)))
    return;
  g_free (entry->frame_sha256);
  entry->frame_sha256 = g_strdup (sha256);
  entry->frame_size = size;
  seedance_run_journal_end (run, entry, took);
  seedance_clip_cache_evict (seedance_journal_get_clips_dir (run->journal),
      run->cache_bytes, seedance_journal_get_frame_path (run->journal));
}

/* The frame from the cache, when the journal records one for this run's
 * task and the cached file is still it. FALSE with @error set only when
 * the cache holds it but the location cannot be written. */
static gboolean
seedance_run_restore_last_frame (SeedanceRun * run, GError ** error)
{
  SeedanceJournalEntry *entry;
  GError *why = NULL;
  gboolean intact = FALSE;

  if (run->journal == NULL
      || !(entry = seedance_journal_read (run->journal, NULL)))
    return TRUE;
  if (entry->frame_sha256 && g_strcmp0 (entry->task_id, run->task_id) == 0) {
    if (seedance_last_frame_restore (run->last_frame, entry->frame_size,
            entry->frame_sha256, &intact, &why)) {
      GST_INFO_OBJECT (run->log_object,
          "the last frame of task %s comes from the cache", entry->task_id);
    } else if (intact) {
      g_propagate_error (error, why);
      why = NULL;
    } else if (g_error_matches (why, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      GST_INFO_OBJECT (run->log_object,
          "the last frame of task %s was evicted from the cache",
          entry->task_id);
    } else {
      SEEDANCE_RUN_WARN (run, READ, NULL, "The cached last frame of task %s "
          "is discarded: %s", entry->task_id, why->message);
    }
  }
  g_clear_error (&why);
  seedance_journal_entry_free (entry);
  return error == NULL || *error == NULL;
}

/* The clip's last frame, before its first byte goes downstream and before
 * the message that names it: from the cache when it holds the frame
 * intact, else from the task's URL. @task is the answer that said the
 * task succeeded; NULL on a cached replay, which asks the task (a free
 * GET) for a fresh URL. Nothing is ever submitted for it. */
GstFlowReturn
seedance_run_deliver_last_frame (SeedanceRun * run, const SeedanceTask * task)
{
  SeedanceLastFrame *frame = run->last_frame;
  SeedanceTask *asked = NULL;
  GError *error = NULL;
  gboolean ok;

  if (frame == NULL || seedance_last_frame_is_settled (frame))
    return GST_FLOW_OK;
  if (!seedance_run_restore_last_frame (run, &error))
    return seedance_run_last_frame_failed (run, error);
  if (seedance_last_frame_is_settled (frame))
    return GST_FLOW_OK;

  if (task == NULL) {
    task = asked = seedance_last_frame_query_task (run->client,
        run->task_id, seedance_run_deadline (run),
        run->poll_interval, run->cancellable, &error);
    if (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_NOT_FOUND)) {
      GError *why = error;

      /* One 404 proves nothing more here than when polling: worded so. */
      error = g_error_new (SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "the API does not know the task (any more): its outputs may have "
          "expired (%s)", why->message);
      g_error_free (why);
    }
    if (task == NULL)
      return seedance_run_last_frame_failed (run, error);
  }
  if (task->state != SEEDANCE_TASK_SUCCEEDED || task->last_frame_url == NULL) {
    g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the task (%s) gives no last frame: its result has no image "
        "resource with an http(s) URL%s", task->status, asked ?
        "; its outputs may have expired" : "");
    seedance_task_free (asked);
    return seedance_run_last_frame_failed (run, error);
  }

  GST_INFO_OBJECT (run->log_object, "downloading the last frame of task %s",
      run->task_id);
  seedance_run_post_progress (run, GST_PROGRESS_TYPE_CONTINUE,
      "%s: downloading the last frame", run->task_id);
  ok = seedance_last_frame_download (frame, run->client,
      task->last_frame_url, run->cancellable,
      seedance_reader_stall_s (run->timeout), &error);
  seedance_task_free (asked);
  /* Cached even when the location could not be written. */
  seedance_run_journal_record_frame (run);
  return ok ? GST_FLOW_OK : seedance_run_last_frame_failed (run, error);
}

/* A seedance-task message names the file that holds the last frame, once
 * it is written, and the URL it came from: the user's location, or
 * without one the cache's own copy, under a name of its own (the cache
 * may evict or replace it at any time). */
void
seedance_run_describe_last_frame (SeedanceRun * run, GstStructure * s)
{
  const gchar *file, *url;

  if (run->last_frame == NULL)
    return;
  if ((file = seedance_last_frame_get_file (run->last_frame)))
    gst_structure_set (s, g_strcmp0 (file,
            seedance_last_frame_get_location (run->last_frame)) == 0 ?
        "last-frame-location" : "last-frame-cache-file", G_TYPE_STRING, file,
        NULL);
  url = seedance_last_frame_get_url (run->last_frame);
  if (url && !gst_structure_has_field (s, "last-frame-url"))
    gst_structure_set (s, "last-frame-url", G_TYPE_STRING, url, NULL);
}

/* A cached replay: the last frame first, then the news. */
GstFlowReturn
seedance_run_announce_cached (SeedanceRun * run)
{
  GstFlowReturn ret;

  if ((ret = seedance_run_deliver_last_frame (run, NULL)) != GST_FLOW_OK)
    return ret;
  seedance_run_post_task (run, "cached", NULL,
      g_get_monotonic_time () - run->start);
  seedance_run_post_progress (run, GST_PROGRESS_TYPE_COMPLETE,
      "%s: playing the cached clip", run->task_id);
  return GST_FLOW_OK;
}
