/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A deadline that cuts blocking I/O short. libsoup's own timeouts only
 * bound the silence between two bytes, so a server that trickles one byte
 * a second would keep a synchronous request going for ever. A deadline
 * owns a GCancellable, given to the I/O, which a watcher thread cancels
 * once the deadline passes; it is also cancelled with its parent, so the
 * caller's own cancel (unlock(), a stop) still works. Moving the deadline
 * later costs a mutex, not a wakeup, so a download can move it on every
 * read that makes progress. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedancedeadline.h"

struct _SeedanceDeadline
{
  GCancellable *cancellable;    /* given to the I/O */
  GCancellable *parent;         /* (nullable) */
  gulong parent_handler;
  GThread *watcher;

  GMutex lock;
  GCond cond;
  gint64 when;                  /* monotonic us, 0 = none; under lock */
  gint64 period;                /* us a touch moves it past now; under lock */
  gboolean expired;             /* under lock */
  gboolean quit;                /* under lock */
};

static gpointer
watch (gpointer data)
{
  SeedanceDeadline *d = data;
  g_mutex_lock (&d->lock);
  while (!d->quit) {
    if (d->when == 0 || d->expired) {
      g_cond_wait (&d->cond, &d->lock);
    } else if (g_get_monotonic_time () >= d->when) {
      /* Under the lock, so that no reset comes between the verdict and
       * the cancel; the I/O's cancel handlers never call back into us. */
      d->expired = TRUE;
      g_cancellable_cancel (d->cancellable);
    } else {
      g_cond_wait_until (&d->cond, &d->lock, d->when);
    }
  }
  g_mutex_unlock (&d->lock);
  return NULL;
}

static void
parent_cancelled (GCancellable * parent, gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

/**
 * seedance_deadline_new:
 * @parent: (nullable): cancelling it cancels the deadline's cancellable
 * @deadline: monotonic time (us) at which the cancellable is cancelled,
 *   0 for none yet
 */
SeedanceDeadline *
seedance_deadline_new (GCancellable * parent, gint64 deadline)
{
  SeedanceDeadline *d = g_new0 (SeedanceDeadline, 1);

  d->cancellable = g_cancellable_new ();
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  d->when = deadline;
  if (parent) {
    d->parent = g_object_ref (parent);
    d->parent_handler = g_cancellable_connect (parent,
        G_CALLBACK (parent_cancelled), g_object_ref (d->cancellable),
        g_object_unref);
  }
  d->watcher = g_thread_new ("seedance-deadline", watch, d);
  return d;
}

void
seedance_deadline_free (SeedanceDeadline * d)
{
  if (d == NULL)
    return;
  g_mutex_lock (&d->lock);
  d->quit = TRUE;
  g_cond_signal (&d->cond);
  g_mutex_unlock (&d->lock);
  g_thread_join (d->watcher);
  if (d->parent) {
    g_cancellable_disconnect (d->parent, d->parent_handler);
    g_object_unref (d->parent);
  }
  g_object_unref (d->cancellable);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_free (d);
}

/**
 * seedance_deadline_set:
 * @when: the new deadline (monotonic us), 0 for none
 *
 * Moves the deadline; once it has expired it stays expired until
 * seedance_deadline_reset().
 */
void
seedance_deadline_set (SeedanceDeadline * d, gint64 when)
{
  g_mutex_lock (&d->lock);
  /* A later deadline needs no wakeup: the watcher looks again when the
   * earlier one comes. */
  if (when != 0 && (d->when == 0 || when < d->when))
    g_cond_signal (&d->cond);
  d->when = when;
  g_mutex_unlock (&d->lock);
}

/**
 * seedance_deadline_set_period:
 * @period: microseconds, > 0
 *
 * Makes the deadline @period from now, and from each later
 * seedance_deadline_touch(): a bound on silence, not on the whole.
 */
void
seedance_deadline_set_period (SeedanceDeadline * d, gint64 period)
{
  g_mutex_lock (&d->lock);
  d->period = period;
  g_mutex_unlock (&d->lock);
  seedance_deadline_set (d, g_get_monotonic_time () + period);
}

/**
 * seedance_deadline_touch:
 *
 * Progress: the deadline moves to a period from now (see
 * seedance_deadline_set_period()); no wakeup, only a mutex.
 */
void
seedance_deadline_touch (SeedanceDeadline * d)
{
  g_mutex_lock (&d->lock);
  if (d->period > 0 && !d->expired)
    d->when = g_get_monotonic_time () + d->period;
  g_mutex_unlock (&d->lock);
}

GCancellable *
seedance_deadline_get_cancellable (SeedanceDeadline * d)
{
  return d->cancellable;
}

/**
 * seedance_deadline_expired:
 *
 * Returns: whether the deadline, not the parent, cancelled the cancellable.
 */
gboolean
seedance_deadline_expired (SeedanceDeadline * d)
{
  gboolean expired;

  g_mutex_lock (&d->lock);
  expired = d->expired;
  g_mutex_unlock (&d->lock);
  return expired;
}

/**
 * seedance_deadline_reset:
 *
 * Makes the cancellable usable again, with no deadline; only while no I/O
 * uses it, and once the parent was reset too.
 */
void
seedance_deadline_reset (SeedanceDeadline * d)
{
  g_mutex_lock (&d->lock);
  d->when = 0;
  d->expired = FALSE;
  g_cancellable_reset (d->cancellable);
  g_mutex_unlock (&d->lock);
  /* A parent cancelled meanwhile must still cut the next I/O short. */
  if (d->parent && g_cancellable_is_cancelled (d->parent))
    g_cancellable_cancel (d->cancellable);
}

/**
 * seedance_sleep_until:
 * @until: monotonic time, in us
 *
 * Returns: FALSE when @cancellable (nullable) was cancelled before @until.
 */
gboolean
seedance_sleep_until (gint64 until, GCancellable * cancellable)
{
  GPollFD pfd;
  gboolean pollable = cancellable
      && g_cancellable_make_pollfd (cancellable, &pfd);
  gint64 now;

  while (!g_cancellable_is_cancelled (cancellable)
      && (now = g_get_monotonic_time ()) < until) {
    gint64 ms = (until - now + 999) / 1000;

    if (pollable)
      g_poll (&pfd, 1, (gint) MIN (ms, G_MAXINT));
    else
      g_usleep (MIN (until - now, G_USEC_PER_SEC));
  }
  if (pollable)
    g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}
