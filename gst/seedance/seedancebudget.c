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
 * Slots are spaced evenly, first come first served: a client that never
 * bursts is safe under any window, where a token bucket's burst can
 * exceed a sliding window. A 429 pauses every source of the key until
 * the server's Retry-After (or X-RateLimit-Reset). Downloads go to the
 * file host and take no slot. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <gst/gst.h>

#include "seedancebudget.h"
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

struct _SeedanceBudget
{
  gint ref_count;               /* atomic */
  gchar *id;                    /* the registry's key, hex */

  GMutex lock;
  guint per_minute;             /* 0: no limit but the server's pauses */
  gint64 next_slot;             /* real time, us: the next free slot */
  gint64 paused_until;          /* real time, us: no slot before this */
  gint fd;                      /* the shared state file, -1: this process */
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

/* The key's name in the registry and in file names: never the key. */
static gchar *
budget_id (const gchar * origin, const gchar * api_key)
{
  gchar *account = g_compute_checksum_for_string (G_CHECKSUM_SHA256, api_key,
      -1);
  gchar *text = g_strconcat ("budget\n", origin, "\n", account, NULL);
  gchar *id = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  g_free (text);
  g_free (account);
  return id;
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
  gchar *id = budget_id (origin, api_key);
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

/**
 * seedance_budget_acquire:
 * @deadline: monotonic time (us) past which the request is not sent, 0 for
 *   none
 *
 * Waits for the key's next free slot, then lets one API request go. The
 * slot is the caller's once this is called: one that is cancelled is
 * lost to everyone, which only ever slows the key down.
 *
 * Returns: FALSE with a SEEDANCE_ERROR_TIMEOUT error when the slot is past
 * @deadline (nothing waited), or G_IO_ERROR_CANCELLED.
 */
gboolean
seedance_budget_acquire (SeedanceBudget * budget, gint64 deadline,
    GCancellable * cancellable, GError ** error)
{
  gint64 now, slot, wait, paused_seen;
  gboolean shared, paused_again;

  g_return_val_if_fail (budget != NULL, FALSE);

again:
  g_mutex_lock (&budget->lock);
  now = g_get_real_time ();
  shared = lock_state (budget, now);
  slot = MAX (now, budget->paused_until);
  if (budget->per_minute > 0)
    slot = MAX (slot, budget->next_slot);
  wait = slot - now;
  if (deadline != 0 && g_get_monotonic_time () + wait > deadline) {
    if (shared)
      flock (budget->fd, LOCK_UN);
    g_mutex_unlock (&budget->lock);
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT,
        "the key's request budget (%u a minute) has no slot before the "
        "timeout", budget->per_minute);
    return FALSE;
  }
  if (budget->per_minute > 0)
    budget->next_slot = slot + (gint64) (60 * G_USEC_PER_SEC *
        SPACING_MARGIN / budget->per_minute);
  paused_seen = budget->paused_until;
  if (shared)
    unlock_state (budget);
  g_mutex_unlock (&budget->lock);

  if (wait <= 0)
    return TRUE;
  GST_LOG ("budget %.12s: next slot in %" G_GINT64_FORMAT " ms", budget->id,
      wait / 1000);
  if (!seedance_sleep_until (g_get_monotonic_time () + wait, cancellable)) {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
        "cancelled while waiting for the key's request budget");
    return FALSE;
  }
  /* A 429 while this slot was awaited pauses it too: the slot is given up
   * and a new one taken after the pause, behind the sources already
   * queued there. */
  g_mutex_lock (&budget->lock);
  now = g_get_real_time ();
  if (lock_state (budget, now))
    flock (budget->fd, LOCK_UN);
  paused_again = budget->paused_until != paused_seen
      && budget->paused_until > now;
  g_mutex_unlock (&budget->lock);
  if (paused_again)
    goto again;
  return TRUE;
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
