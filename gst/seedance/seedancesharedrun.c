/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Identical requests in one process share one run: the first source to
 * ask leads it (journal, submission, polls, download into the cache) and
 * the others follow, sending nothing, until the clip is in the cache, the
 * task failed, or the leader left, when one of them leads in its place.
 * Across processes the journal's lock does the same with one POST, but
 * each process downloads on its own.
 *
 * A follower waits for the clip in the cache only while the leader's
 * download moves: one whose pipeline is paused holds nobody. A follower in
 * the leader's own pipeline does not wait for the download at all: the
 * pipeline prerolls only once every source pushed a buffer. Either then
 * downloads on its own once the task is done (one more poll, no POST). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "seedancesharedrun.h"

GST_DEBUG_CATEGORY_STATIC (seedance_shared_run_debug);
#define GST_CAT_DEFAULT seedance_shared_run_debug

/* A leader's download that stands still this long is held by its own
 * pipeline (paused, or blocked downstream). */
#define STALL_US (3 * G_USEC_PER_SEC)

struct _SeedanceSharedRun
{
  gint ref_count;               /* under lock, as is all below */
  gchar *key;
  gboolean led;                 /* a source leads it */
  SeedanceSharedRunState state; /* GOING, CACHED or FAILED */
  GError *failure;              /* with FAILED */
  gconstpointer pipeline;       /* the leader's, only compared */
  gint64 touched;               /* monotonic us the leader last cached
                                 * bytes, 0 before its download */
};

static GMutex lock;
static GHashTable *runs;        /* key -> the run going for it, not owned */

static void
unregister (SeedanceSharedRun * run)
{
  if (runs && g_hash_table_lookup (runs, run->key) == run)
    g_hash_table_remove (runs, run->key);
}

/**
 * seedance_shared_run_join:
 * @key: what makes requests identical: their fingerprint and cache
 *   directory
 * @pipeline: the caller's top-level bin, only compared
 * @lead: (out): TRUE when the caller leads the run
 *
 * Returns: (transfer full): the run going for @key, or a new one that the
 * caller leads. Give it back with seedance_shared_run_leave().
 */
SeedanceSharedRun *
seedance_shared_run_join (const gchar * key, gconstpointer pipeline,
    gboolean * lead)
{
  static gsize debug_done = 0;
  SeedanceSharedRun *run;

  if (g_once_init_enter (&debug_done)) {
    GST_DEBUG_CATEGORY_INIT (seedance_shared_run_debug, "seedancesharedrun",
        0, "identical requests sharing one run");
    g_once_init_leave (&debug_done, 1);
  }

  g_mutex_lock (&lock);
  if (runs == NULL)
    runs = g_hash_table_new (g_str_hash, g_str_equal);
  run = g_hash_table_lookup (runs, key);
  if (run) {
    run->ref_count++;
    *lead = !run->led;
  } else {
    run = g_new0 (SeedanceSharedRun, 1);
    run->ref_count = 1;
    run->key = g_strdup (key);
    run->state = SEEDANCE_SHARED_RUN_GOING;
    g_hash_table_insert (runs, run->key, run);
    *lead = TRUE;
  }
  if (*lead)
    run->pipeline = pipeline;
  run->led = TRUE;
  GST_DEBUG ("run %.12s: %s, %d sources", key, *lead ? "leading" :
      "following", run->ref_count);
  g_mutex_unlock (&lock);
  return run;
}

/**
 * seedance_shared_run_check:
 * @pipeline: the caller's top-level bin, only compared
 * @failure: (out) (optional): with FAILED, the task's failure
 *
 * What a follower learns of the run. LEAD makes the caller its leader.
 */
SeedanceSharedRunState
seedance_shared_run_check (SeedanceSharedRun * run, gconstpointer pipeline,
    GError ** failure)
{
  SeedanceSharedRunState state;

  g_mutex_lock (&lock);
  state = run->state;
  if (state == SEEDANCE_SHARED_RUN_GOING && !run->led) {
    run->led = TRUE;
    run->pipeline = pipeline;
    state = SEEDANCE_SHARED_RUN_LEAD;
    GST_DEBUG ("run %.12s: its leader left, another source leads it", run->key);
  } else if (state == SEEDANCE_SHARED_RUN_GOING && run->touched
      && (pipeline == run->pipeline
          || g_get_monotonic_time () - run->touched > STALL_US)) {
    state = SEEDANCE_SHARED_RUN_DOWNLOAD_ALONE;
  } else if (state == SEEDANCE_SHARED_RUN_FAILED && failure) {
    *failure = g_error_copy (run->failure);
  }
  g_mutex_unlock (&lock);
  return state;
}

/**
 * seedance_shared_run_touch:
 *
 * The leader's download began, or cached some more of the clip: its
 * followers in other pipelines keep waiting.
 */
void
seedance_shared_run_touch (SeedanceSharedRun * run)
{
  g_mutex_lock (&lock);
  run->touched = g_get_monotonic_time ();
  g_mutex_unlock (&lock);
}

/**
 * seedance_shared_run_conclude:
 * @cached: the clip is in the cache, for the followers to play
 * @failure: (nullable): the task failed on the server with this
 *
 * The leader is done with the run. With neither @cached nor @failure it
 * only steps down, and a follower goes on in its place. A run that ended
 * takes no new source: the next to ask starts anew.
 */
void
seedance_shared_run_conclude (SeedanceSharedRun * run, gboolean cached,
    const GError * failure)
{
  g_mutex_lock (&lock);
  if (cached) {
    run->state = SEEDANCE_SHARED_RUN_CACHED;
  } else if (failure) {
    run->state = SEEDANCE_SHARED_RUN_FAILED;
    run->failure = g_error_copy (failure);
  } else {
    run->led = FALSE;
  }
  if (run->state != SEEDANCE_SHARED_RUN_GOING)
    unregister (run);
  GST_DEBUG ("run %.12s: %s", run->key, cached ? "the clip is cached" :
      failure ? "the task failed" : "its leader steps down");
  g_mutex_unlock (&lock);
}

/**
 * seedance_shared_run_leave:
 *
 * The caller is done with the run. A leader concludes it first.
 */
void
seedance_shared_run_leave (SeedanceSharedRun * run)
{
  g_mutex_lock (&lock);
  if (--run->ref_count > 0) {
    g_mutex_unlock (&lock);
    return;
  }
  unregister (run);
  g_mutex_unlock (&lock);
  g_clear_error (&run->failure);
  g_free (run->key);
  g_free (run);
}
