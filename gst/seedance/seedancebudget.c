/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The request budget of one key at one API origin: Modellix allows a key
 * 100 requests a minute, over a window whose algorithm it does not say.
 * Every source of the key in this process takes its API requests' slots
 * from one budget, and processes on this machine that share a cache
 * directory take them from one state file there (flock), so 16 sources
 * or 16 processes ask no faster than one client may.
 *
 * Slots are spaced evenly: a client that never bursts is safe under any
 * window, where a token bucket's burst can exceed a sliding window. A 429
 * pauses every source of the key until the server's Retry-After (or
 * X-RateLimit-Reset). Downloads go to the file host and take no slot.
 *
 * Who gets a slot is decided by priority, not by arrival: under
 * contention a poll of a task that is not done yet would take the slot
 * that the oldest task (most likely done) needs. Each request gives a
 * priority, the monotonic time its run began waiting for this step (a
 * submission: the run's start; a poll: its task's creation), the smaller
 * first. In a process the waiters queue sorted by it; one of them, the
 * holder, reserves the key's next slot (in the state file when there is
 * one, so processes still take evenly spaced slots in turn) and sleeps
 * until it, then hands it to the best waiter present at that moment. A
 * waiter that leaves (cancelled, past its deadline) leaves at once, and a
 * holder that leaves hands its reserved slot to another waiter. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <gst/gst.h>

#include "seedancebudget.h"
#include "seedancekey.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_budget_debug);
#define GST_CAT_DEFAULT seedance_budget_debug

/* Slots a little wider than the limit's: the requests of one slot and the
 * next may reach the server closer than they left. */
#define SPACING_MARGIN 1.02
/* A slot or pause further ahead than this is no queue's, but a clock that
 * jumped or a damaged state file: it is ignored. */
#define MAX_AHEAD_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
/* The state file's text: two numbers and a newline. */
#define STATE_MAX 64

/* One caller of seedance_budget_acquire(), on its stack, in the queue. */
typedef struct
{
  gint64 priority;              /* monotonic us, the smaller first */
  guint64 seq;                  /* arrival, among equal priorities */
  gboolean granted;             /* a slot was handed to it */
} Waiter;

struct _SeedanceBudget
{
  gint ref_count;               /* atomic */
  gchar *id;                    /* the registry's key, hex */

  GMutex lock;
  guint per_minute;             /* 0: no limit but the server's pauses */
  gint64 next_slot;             /* real time, us: the next free slot */
  gint64 paused_until;          /* real time, us: no slot before this */
  gint fd;                      /* the shared state file, -1: this process */

  GCond cond;                   /* a slot was handed over, a holder left, a
                                 * waiter was cancelled */
  GQueue waiters;               /* Waiter *, sorted by priority */
  guint64 seq;
  Waiter *holder;               /* the waiter sleeping until held_slot */
  gint64 held_slot;             /* real time, us, 0: none reserved */
};

static GMutex registry_lock;
static GHashTable *registry;    /* id -> SeedanceBudget, not owned */

static void
ensure_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (seedance_budget_debug, "seedancebudget", 0,
        "the request budget of a key");
    g_once_init_leave (&done, 1);
  }
}

/* The smaller limit wins; 0 (none) only when every source says so. */
static guint
stricter (guint a, guint b)
{
  if (a == 0 || b == 0)
    return MAX (a, b);
  return MIN (a, b);
}

/**
 * seedance_budget_get:
 * @origin: the API origin, as seedance_check_api_url() gives it
 * @api_key: the key (only a hash of it is kept)
 * @requests_per_minute: what this source allows the key, 0 = no limit
 *
 * Returns: (transfer full): the process's budget of the key at @origin,
 * shared with every other source of it. Its limit is the smallest any of
 * them asked for.
 */
SeedanceBudget *
seedance_budget_get (const gchar * origin, const gchar * api_key,
    guint requests_per_minute)
{
  gchar *id = seedance_key_name ("budget", origin, api_key);
  SeedanceBudget *budget;

  ensure_debug ();
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  budget = g_hash_table_lookup (registry, id);
  if (budget) {
    g_atomic_int_inc (&budget->ref_count);
    g_mutex_lock (&budget->lock);
    budget->per_minute = stricter (budget->per_minute, requests_per_minute);
    g_mutex_unlock (&budget->lock);
    g_free (id);
  } else {
    budget = g_new0 (SeedanceBudget, 1);
    budget->ref_count = 1;
    budget->id = id;
    budget->per_minute = requests_per_minute;
    budget->fd = -1;
    g_mutex_init (&budget->lock);
    g_cond_init (&budget->cond);
    g_queue_init (&budget->waiters);
    g_hash_table_insert (registry, budget->id, budget);
    GST_DEBUG ("budget %.12s: %u requests a minute", id, requests_per_minute);
  }
  g_mutex_unlock (&registry_lock);
  return budget;
}

SeedanceBudget *
seedance_budget_ref (SeedanceBudget * budget)
{
  g_return_val_if_fail (budget != NULL, NULL);

  g_atomic_int_inc (&budget->ref_count);
  return budget;
}

void
seedance_budget_unref (SeedanceBudget * budget)
{
  g_return_if_fail (budget != NULL);

  /* Under the registry's lock: a get() must not revive a budget that is
   * being freed. */
  g_mutex_lock (&registry_lock);
  if (!g_atomic_int_dec_and_test (&budget->ref_count)) {
    g_mutex_unlock (&registry_lock);
    return;
  }
  g_hash_table_remove (registry, budget->id);
  g_mutex_unlock (&registry_lock);

  if (budget->fd >= 0)
    close (budget->fd);
  g_cond_clear (&budget->cond);
  g_mutex_clear (&budget->lock);
  g_free (budget->id);
  g_free (budget);
}

/**
 * seedance_budget_share:
 * @fd: (transfer full): the key's state file in a cache directory, open
 *   for reading and writing (see seedance_journal_open_file())
 *
 * From now on the budget's slots are taken through @fd, so every process
 * that shares it shares the key's budget. The first file given is kept;
 * a later one is closed.
 */
void
seedance_budget_share (SeedanceBudget * budget, gint fd)
{
  g_return_if_fail (budget != NULL);

  g_mutex_lock (&budget->lock);
  if (budget->fd < 0) {
    budget->fd = fd;
    fd = -1;
  }
  g_mutex_unlock (&budget->lock);
  if (fd >= 0)
    close (fd);
}

/**
 * seedance_budget_get_id:
 *
 * Returns: a name for the budget that says nothing of the key: 64 hex
 * digits, for its state file.
 */
const gchar *
seedance_budget_get_id (SeedanceBudget * budget)
{
  return budget->id;
}

guint
seedance_budget_get_limit (SeedanceBudget * budget)
{
  guint limit;

  g_mutex_lock (&budget->lock);
  limit = budget->per_minute;
  g_mutex_unlock (&budget->lock);
  return limit;
}

/* A time read from the state file, or 0 when it is none (garbage, or
 * further ahead than any queue). */
static gint64
sane_time (gint64 value, gint64 now)
{
  return value > 0 && value <= now + MAX_AHEAD_US ? value : 0;
}

/* Takes the other processes' slots and pauses into account. Called with
 * the lock held and the file locked. The file is the user's own, in a
 * private directory, but read as untrusted all the same. */
static void
read_state (SeedanceBudget * budget, gint64 now)
{
  gchar text[STATE_MAX + 1];
  gchar **numbers;
  gint64 next = 0, paused = 0;
  gboolean ok;
  gssize n;

  do
    n = pread (budget->fd, text, STATE_MAX, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return;
  text[n] = '\0';
  numbers = g_strsplit (g_strchomp (text), " ", 3);
  ok = g_strv_length (numbers) == 2
      && g_ascii_string_to_signed (numbers[0], 10, 0, G_MAXINT64, &next, NULL)
      && g_ascii_string_to_signed (numbers[1], 10, 0, G_MAXINT64, &paused,
      NULL);
  g_strfreev (numbers);
  if (!ok)
    return;
  budget->next_slot = MAX (budget->next_slot, sane_time (next, now));
  budget->paused_until = MAX (budget->paused_until, sane_time (paused, now));
}

static void
write_state (SeedanceBudget * budget)
{
  gchar *text = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
      "\n", budget->next_slot, budget->paused_until);
  gsize length = strlen (text);
  gssize n;

  do
    n = pwrite (budget->fd, text, length, 0);
  while (n < 0 && errno == EINTR);
  if (n != (gssize) length || ftruncate (budget->fd, length) < 0)
    GST_WARNING ("budget %.12s: cannot write its state file: %s", budget->id,
        n < 0 ? g_strerror (errno) : "short write");
  g_free (text);
}

/* Locks the state file, if there is one, and reads it. The lock is short:
 * the time to take a slot, never the wait for it. */
static gboolean
lock_state (SeedanceBudget * budget, gint64 now)
{
  gint r;

  if (budget->fd < 0)
    return FALSE;
  do
    r = flock (budget->fd, LOCK_EX);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    GST_WARNING ("budget %.12s: cannot lock its state file: %s", budget->id,
        g_strerror (errno));
    return FALSE;
  }
  read_state (budget, now);
  return TRUE;
}

static void
unlock_state (SeedanceBudget * budget)
{
  write_state (budget);
  flock (budget->fd, LOCK_UN);
}

/* The key's next free slot, reserved for this process: written to the
 * state file at once, so another process takes the one after. Called with
 * the lock held. */
static void
reserve_slot (SeedanceBudget * budget)
{
  gint64 now = g_get_real_time (), slot;
  gboolean shared = lock_state (budget, now);

  slot = MAX (now, budget->paused_until);
  if (budget->per_minute > 0) {
    slot = MAX (slot, budget->next_slot);
    budget->next_slot = slot + (gint64) (60 * G_USEC_PER_SEC *
        SPACING_MARGIN / budget->per_minute);
  }
  budget->held_slot = slot;
  if (shared)
    unlock_state (budget);
  GST_LOG ("budget %.12s: slot reserved in %" G_GINT64_FORMAT " ms",
      budget->id, (slot - now) / 1000);
}

/* The earliest slot a waiter could have now, real time: what the deadline
 * is checked against before waiting. Called with the lock held. */
static gint64
earliest_slot (SeedanceBudget * budget, gint64 now)
{
  gint64 slot;

  if (budget->held_slot != 0)
    return MAX (now, budget->held_slot);
  if (lock_state (budget, now))
    flock (budget->fd, LOCK_UN);
  slot = MAX (now, budget->paused_until);
  if (budget->per_minute > 0)
    slot = MAX (slot, budget->next_slot);
  return slot;
}

static gint
compare_waiters (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const Waiter *x = a, *y = b;

  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Called by whoever cancels a waiter's cancellable: the waiter wakes at
 * once and leaves. */
static void
cancelled_cb (GCancellable * cancellable, SeedanceBudget * budget)
{
  g_mutex_lock (&budget->lock);
  g_cond_broadcast (&budget->cond);
  g_mutex_unlock (&budget->lock);
}

/* The holder's slot has come: to the best waiter present, unless a 429
 * paused the key since it was reserved (then a slot after the pause is
 * reserved instead). Called with the lock held. */
static void
hand_over (SeedanceBudget * budget, gint64 now)
{
  Waiter *best;

  if (lock_state (budget, now))
    flock (budget->fd, LOCK_UN);
  if (budget->paused_until > now) {
    reserve_slot (budget);
    return;
  }
  best = g_queue_pop_head (&budget->waiters);
  best->granted = TRUE;
  budget->held_slot = 0;
  budget->holder = NULL;
  g_cond_broadcast (&budget->cond);
}

/**
 * seedance_budget_acquire:
 * @priority: monotonic time (us) this request's step began waiting, the
 *   smaller served first: a submission gives its run's start, a poll its
 *   task's creation. 0: now (first come first served among those)
 * @deadline: monotonic time (us) past which the request is not sent, 0 for
 *   none
 *
 * Waits for one of the key's slots, then lets one API request go. Each
 * slot goes, when its time comes, to the waiter of the smallest @priority
 * present then, whenever it arrived. A 429's pause (see
 * seedance_budget_slow_down()) holds every waiter until it ends.
 *
 * Returns: FALSE with a SEEDANCE_ERROR_TIMEOUT error when no slot can be
 * had before @deadline (at once when the next free slot is already past
 * it, else when the deadline comes), or G_IO_ERROR_CANCELLED as soon as
 * @cancellable is cancelled.
 */
gboolean
seedance_budget_acquire (SeedanceBudget * budget, gint64 priority,
    gint64 deadline, GCancellable * cancellable, GError ** error)
{
  Waiter waiter = { 0, };
  gulong handler = 0;
  gint64 now, real_now;
  gboolean ok = FALSE;

  g_return_val_if_fail (budget != NULL, FALSE);

  waiter.priority = priority != 0 ? priority : g_get_monotonic_time ();
  /* Not under the lock: the callback takes it, and is called at once when
   * @cancellable is already cancelled. */
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
        budget, NULL);

  g_mutex_lock (&budget->lock);
  waiter.seq = budget->seq++;
  real_now = g_get_real_time ();
  if (deadline != 0 && g_get_monotonic_time () + earliest_slot (budget,
          real_now) - real_now > deadline) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
        "the key's request budget (%u a minute) has no slot before the "
        "timeout", budget->per_minute);
    goto out;
  }
  g_queue_insert_sorted (&budget->waiters, &waiter, compare_waiters, NULL);

  for (;;) {
    if (waiter.granted) {
      ok = TRUE;
      break;
    }
    if (g_cancellable_is_cancelled (cancellable)) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
          "cancelled while waiting for the key's request budget");
      break;
    }
    now = g_get_monotonic_time ();
    if (deadline != 0 && now >= deadline) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
          "the key's request budget (%u a minute) gave no slot before the "
          "timeout", budget->per_minute);
      break;
    }
    /* One waiter at a time holds the process's reserved slot; one that
     * left (its slot, if any, is inherited) is replaced. */
    if (budget->holder == NULL) {
      /* The waiter lives on this stack while it is queued: it leaves the
       * queue and stops being the holder before this returns. */
      /* cppcheck-suppress autoVariables */
      budget->holder = &waiter;
      if (budget->held_slot == 0)
        reserve_slot (budget);
    }
    if (budget->holder == &waiter) {
      gint64 end;

      real_now = g_get_real_time ();
      if (real_now >= budget->held_slot) {
        hand_over (budget, real_now);
        continue;
      }
      end = now + budget->held_slot - real_now;
      g_cond_wait_until (&budget->cond, &budget->lock,
          deadline != 0 ? MIN (end, deadline) : end);
    } else if (deadline != 0) {
      g_cond_wait_until (&budget->cond, &budget->lock, deadline);
    } else {
      g_cond_wait (&budget->cond, &budget->lock);
    }
  }

  if (!ok) {
    g_queue_remove (&budget->waiters, &waiter);
    if (budget->holder == &waiter) {
      /* Another waiter inherits the slot; with none left it is lost,
       * which only ever slows the key down. */
      budget->holder = NULL;
      if (g_queue_is_empty (&budget->waiters))
        budget->held_slot = 0;
      g_cond_broadcast (&budget->cond);
    }
  }
out:
  g_mutex_unlock (&budget->lock);
  /* Not under the lock either: it waits for a callback in flight. */
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
  return ok;
}

/**
 * seedance_budget_slow_down:
 * @ms: how long the server asked the key to wait (a 429's Retry-After or
 *   X-RateLimit-Reset)
 *
 * No source of the key, in this process or any that shares its state
 * file, sends an API request for @ms.
 */
void
seedance_budget_slow_down (SeedanceBudget * budget, gint64 ms)
{
  gint64 now, until;
  gboolean shared;

  g_return_if_fail (budget != NULL);

  g_mutex_lock (&budget->lock);
  now = g_get_real_time ();
  until = now + MIN (ms, MAX_AHEAD_US / 1000) * 1000;
  shared = lock_state (budget, now);
  budget->paused_until = MAX (budget->paused_until, until);
  if (shared)
    unlock_state (budget);
  g_mutex_unlock (&budget->lock);
  GST_INFO ("budget %.12s: the server asked the key to wait %" G_GINT64_FORMAT
      " ms", budget->id, ms);
}
