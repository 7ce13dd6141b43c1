/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Identical requests of this process share one run (see
 * seedancesharedrun.c and seedancerun.c): one source leads it, the
 * others follow it and send nothing until it concludes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancerunprivate.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_run_shared_debug);
#define GST_CAT_DEFAULT seedance_run_shared_debug

/* How often a source following another's run of its request looks at it:
 * it only waits, and sends nothing meanwhile. */
#define SHARED_RUN_POLL_MS 20

void
seedance_run_init_shared_debug (void)
{
  GST_DEBUG_CATEGORY_INIT (seedance_run_shared_debug, "seedancerunshared", 0,
      "Seedance run: identical requests share one run");
}

/* The leader concludes the shared run: @cached, its task failed
 * (@failure), or neither, when a follower goes on in its place. A
 * follower only leaves it. */
void
seedance_run_release (SeedanceRun * run, gboolean cached,
    const GError * failure)
{
  if (run->shared_run == NULL)
    return;
  if (run->leads_run)
    seedance_shared_run_conclude (run->shared_run, cached, failure);
  g_clear_pointer (&run->shared_run, seedance_shared_run_leave);
  run->leads_run = FALSE;
}

/* Joins the run of this same request going in this process, if any, and
 * follows it: nothing is sent (no POST, no poll, no download) until its
 * leader has the clip in the cache, its task failed, or it left, when
 * this source leads in its place, or until the task is done and the clip
 * will not be cached in time for this source (see seedancesharedrun.c).
 * Only runs that would play a cached clip share: cache-mode=reuse, with
 * the journal. */
GstFlowReturn
seedance_run_follow_run (SeedanceRun * run)
{
  GstObject *pipeline = run->log_object, *parent;
  gint64 next_report = 0;
  GError *error = NULL;

  /* Only compared, never used: no reference is kept. */
  while ((parent = gst_object_get_parent (pipeline))) {
    gst_object_unref (parent);
    pipeline = parent;
  }
  /* Once a run; a flush only interrupts the wait. */
  if (!run->joined) {
    gchar *key = g_strconcat (run->fingerprint, "\n", run->cache_dir,
        NULL);

    run->joined = TRUE;
    run->shared_run = seedance_shared_run_join (key, pipeline, &run->leads_run);
    g_free (key);
  }
  while (!run->leads_run) {
    gint64 now = g_get_monotonic_time (), remaining;

    switch (seedance_shared_run_check (run->shared_run, pipeline, &error)) {
      case SEEDANCE_SHARED_RUN_LEAD:
        GST_INFO_OBJECT (run->log_object,
            "leading the run of this request in its leader's place");
        run->leads_run = TRUE;
        continue;
      case SEEDANCE_SHARED_RUN_CACHED:
        GST_INFO_OBJECT (run->log_object,
            "the source that ran this same request has "
            "its clip in the cache");
        seedance_run_release (run, FALSE, NULL);
        return GST_FLOW_OK;
      case SEEDANCE_SHARED_RUN_FAILED:
        seedance_run_release (run, FALSE, NULL);
        g_prefix_error (&error, "Another source of this process ran this "
            "same request: ");
        return SEEDANCE_RUN_POST_FAILURE (run, error, 0, NULL);
      case SEEDANCE_SHARED_RUN_DOWNLOAD_ALONE:
        GST_INFO_OBJECT (run->log_object,
            "the task of this same request is done, but "
            "its clip will not be cached in time: downloading it here");
        seedance_run_release (run, FALSE, NULL);
        return GST_FLOW_OK;
      case SEEDANCE_SHARED_RUN_GOING:
        break;
    }
    if (now >= next_report) {
      GST_INFO_OBJECT (run->log_object,
          "following another source of this process, "
          "which runs this same request");
      seedance_run_post_progress (run,
          GST_PROGRESS_TYPE_START,
          "waiting for another source, which runs this same request");
      next_report = now + PROGRESS_EVERY_US;
    }
    remaining = seedance_run_remaining_ms (run);
    if (remaining <= 0) {
      g_set_error (&error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "Waited timeout=%u s for another source of this process, which "
          "runs this same request, and gave up: this source sent nothing. "
          "Its task goes on; run again to play its clip", run->timeout);
      return SEEDANCE_RUN_FAIL (run, error, 0);
    }
    if (!seedance_run_wait (run, MIN (SHARED_RUN_POLL_MS, remaining)))
      return seedance_run_interrupted (run);
  }
  return GST_FLOW_OK;
}
