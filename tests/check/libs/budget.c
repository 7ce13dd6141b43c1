/* gst-seedance: the key's request budget alone
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* SeedanceBudget without the element: slots never closer than the limit
 * allows, one budget per key and origin in a process, budgets sharing a
 * state file sharing their slots and pauses (as processes do), a 429's
 * pause, cancellation and the deadline, a hostile state file, and the
 * priority: the best waiter present gets the slot, the spacing holds
 * whatever the priorities, and a waiter that leaves (even the one holding
 * the reserved slot) leaves at once and strands no one. Times are
 * asserted as lower bounds only (never faster than the limit), which a
 * loaded machine cannot break; the upper bounds are generous. */

/* valgrind's client request, when its header is there (tools/setup.sh
 * installs valgrind, which ships it). */
#if defined (__has_include)
#if __has_include (<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"
#include "seedancebudget.h"
#include "seedanceerror.h"

#define KEY "sk-test-0123456789abcdef"
/* 600 a minute: a slot every 102 ms (the 2 % margin included). */
#define PER_MINUTE 600
#define SPACING_US (60 * G_USEC_PER_SEC / PER_MINUTE)

/* A scratch state file, as a cache directory holds one. */
static gint
open_state (const gchar * path)
{
  gint fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  fail_unless (fd >= 0);
  return fd;
}

static gchar *
scratch_path (const gchar * name)
{
  gchar *dir = g_dir_make_tmp ("seedance-budget-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, name, NULL);

  g_free (dir);
  return path;
}

static void
remove_scratch (gchar * path)
{
  gchar *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  g_free (path);
}

static void
acquire_ok (SeedanceBudget * budget)
{
  GError *error = NULL;

  fail_unless (seedance_budget_acquire (budget, 0, 0, NULL, &error), "%s",
      error ? error->message : "");
}

/* N acquires take at least (N - 1) slots, whoever asks. */
GST_START_TEST (test_slots_spaced)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:1", KEY,
      PER_MINUTE);
  gint64 start = g_get_monotonic_time ();
  guint i;

  fail_unless_equals_int (seedance_budget_get_limit (budget), PER_MINUTE);
  for (i = 0; i < 10; i++)
    acquire_ok (budget);
  fail_unless (g_get_monotonic_time () - start >= 9 * SPACING_US,
      "10 slots in %" G_GINT64_FORMAT " us", g_get_monotonic_time () - start);
  seedance_budget_unref (budget);
}

GST_END_TEST;

/* One budget per key and origin: the sources of a key share it, and the
 * stricter limit wins; another key or origin has a budget of its own. */
GST_START_TEST (test_one_budget_per_key)
{
  SeedanceBudget *a = seedance_budget_get ("http://127.0.0.1:1", KEY, 0);
  SeedanceBudget *b = seedance_budget_get ("http://127.0.0.1:1", KEY, 60);
  SeedanceBudget *c = seedance_budget_get ("http://127.0.0.1:1", KEY, 600);
  SeedanceBudget *other_key = seedance_budget_get ("http://127.0.0.1:1",
      "sk-other-0123456789abcdef", 600);
  SeedanceBudget *other_origin = seedance_budget_get ("http://127.0.0.1:2",
      KEY, 600);

  fail_unless (a == b && b == c);
  fail_unless_equals_int (seedance_budget_get_limit (a), 60);
  fail_if (other_key == a || other_origin == a || other_key == other_origin);
  /* The id says nothing of the key. */
  fail_unless_equals_int (strlen (seedance_budget_get_id (a)), 64);
  fail_if (strstr (seedance_budget_get_id (a), KEY) != NULL);

  seedance_budget_unref (other_origin);
  seedance_budget_unref (other_key);
  seedance_budget_unref (c);
  seedance_budget_unref (b);
  seedance_budget_unref (a);
}

GST_END_TEST;

/* Two budgets sharing a state file (two processes of one key, here two
 * origins in one process, each with its own open file) take their slots
 * one after the other: together never faster than the limit. */
GST_START_TEST (test_state_file_shared)
{
  gchar *path = scratch_path ("key.budget");
  SeedanceBudget *a = seedance_budget_get ("http://127.0.0.1:3", KEY,
      PER_MINUTE);
  SeedanceBudget *b = seedance_budget_get ("http://127.0.0.1:4", KEY,
      PER_MINUTE);
  gint64 start;
  guint i;

  seedance_budget_share (a, open_state (path));
  seedance_budget_share (b, open_state (path));
  start = g_get_monotonic_time ();
  for (i = 0; i < 5; i++) {
    acquire_ok (a);
    acquire_ok (b);
  }
  fail_unless (g_get_monotonic_time () - start >= 9 * SPACING_US,
      "10 slots of two sharers in %" G_GINT64_FORMAT " us",
      g_get_monotonic_time () - start);

  seedance_budget_unref (b);
  seedance_budget_unref (a);
  remove_scratch (path);
}

GST_END_TEST;

/* A 429 pauses every sharer of the key, even one without a limit. */
GST_START_TEST (test_slow_down_pauses_sharers)
{
  gchar *path = scratch_path ("key.budget");
  SeedanceBudget *a = seedance_budget_get ("http://127.0.0.1:5", KEY, 0);
  SeedanceBudget *b = seedance_budget_get ("http://127.0.0.1:6", KEY, 0);
  gint64 start;

  seedance_budget_share (a, open_state (path));
  seedance_budget_share (b, open_state (path));
  start = g_get_monotonic_time ();
  seedance_budget_slow_down (a, 500);
  acquire_ok (b);
  fail_unless (g_get_monotonic_time () - start >= 500 * 1000,
      "the pause lasted %" G_GINT64_FORMAT " us",
      g_get_monotonic_time () - start);

  seedance_budget_unref (b);
  seedance_budget_unref (a);
  remove_scratch (path);
}

GST_END_TEST;

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (50 * 1000);
  cancel_cb (data);
  return NULL;
}

/* A source that leaves while it waits for its slot leaves at once; a slot
 * past the deadline is refused without waiting. */
GST_START_TEST (test_cancel_and_deadline)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:7", KEY, 6);
  GCancellable *cancellable = g_cancellable_new ();
  GError *error = NULL;
  GThread *thread;
  gint64 start;

  /* The first slot is now, the next 10 s away. */
  acquire_ok (budget);
  start = g_get_monotonic_time ();
  fail_if (seedance_budget_acquire (budget, 0, start + G_USEC_PER_SEC, NULL,
          &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR, SEEDANCE_ERROR_TIMEOUT));
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  start = g_get_monotonic_time ();
  fail_if (seedance_budget_acquire (budget, 0, 0, cancellable, &error));
  fail_unless (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC,
      "the cancel took %" G_GINT64_FORMAT " us", g_get_monotonic_time () -
      start);
  g_clear_error (&error);
  g_thread_join (thread);

  g_object_unref (cancellable);
  seedance_budget_unref (budget);
}

GST_END_TEST;

/* A waiter of the priority tests: acquires with its priority (and its
 * cancellable), then records when and in which order it got its slot. */
typedef struct
{
  SeedanceBudget *budget;
  gint64 priority;
  GCancellable *cancellable;
  GMutex *lock;
  GArray *order;                /* the names, in the order served */
  GArray *times;                /* when they were served, monotonic us */
  gchar name;
  gboolean ok;
  gint64 returned;
} Asker;

static gpointer
ask (gpointer data)
{
  Asker *a = data;
  GError *error = NULL;

  a->ok = seedance_budget_acquire (a->budget, a->priority, 0, a->cancellable,
      &error);
  a->returned = g_get_monotonic_time ();
  g_mutex_lock (a->lock);
  if (a->ok) {
    g_array_append_val (a->order, a->name);
    g_array_append_val (a->times, a->returned);
  }
  g_mutex_unlock (a->lock);
  g_clear_error (&error);
  return NULL;
}

static GThread *
start_asker (Asker * a, SeedanceBudget * budget, GMutex * lock,
    GArray * order, GArray * times, gchar name, gint64 priority,
    GCancellable * cancellable)
{
  a->budget = budget;
  a->priority = priority;
  a->cancellable = cancellable;
  a->lock = lock;
  a->order = order;
  a->times = times;
  a->name = name;
  a->ok = FALSE;
  return g_thread_new ("asker", ask, a);
}

/* The slot goes to the best waiter present when its time comes, not to
 * the first that arrived: three wait (a slot every 510 ms), the last to
 * come with the smallest priority is served first, the others in the
 * order of their priorities. */
GST_START_TEST (test_priority_order)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:9", KEY,
      120);
  GArray *order = g_array_new (TRUE, FALSE, 1);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 base = g_get_monotonic_time ();
  GThread *threads[3];
  Asker askers[3];
  GMutex lock;

  g_mutex_init (&lock);
  /* The first slot is now, the next 510 ms away. */
  acquire_ok (budget);
  threads[0] = start_asker (&askers[0], budget, &lock, order, times, 'c',
      base + 300, NULL);
  g_usleep (20 * 1000);
  threads[1] = start_asker (&askers[1], budget, &lock, order, times, 'b',
      base + 200, NULL);
  g_usleep (20 * 1000);
  threads[2] = start_asker (&askers[2], budget, &lock, order, times, 'a',
      base + 100, NULL);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
  g_thread_join (threads[2]);
  fail_unless_equals_string (order->data, "abc");

  g_mutex_clear (&lock);
  g_array_unref (times);
  g_array_unref (order);
  seedance_budget_unref (budget);
}

GST_END_TEST;

static gint
compare_times (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Many threads of mixed priorities, coming and going: no two slots closer
 * than the limit allows (a slot every 100 ms; the budget spaces them
 * 102 ms). The times are taken by the threads once served, a thread
 * woken a little late by a busy machine brings its slot closer to the
 * next one: that much (JITTER_US) is allowed per slot, never over the
 * whole run. Two requests sent on one slot would be ~0 us apart. */
#define MIXED_THREADS 8
#define MIXED_ROUNDS 4
#define JITTER_US (20 * 1000)

static gpointer
ask_rounds (gpointer data)
{
  Asker *a = data;
  guint i;

  for (i = 0; i < MIXED_ROUNDS; i++) {
    a->priority = g_get_monotonic_time () - g_random_int_range (0, 2000000);
    ask (a);
    fail_unless (a->ok);
    g_usleep (g_random_int_range (0, 150000));
  }
  return NULL;
}

GST_START_TEST (test_priority_spacing)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:10", KEY,
      PER_MINUTE);
  GArray *order = g_array_new (TRUE, FALSE, 1);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GThread *threads[MIXED_THREADS];
  Asker askers[MIXED_THREADS];
  gint64 *t;
  GMutex lock;
  guint i;

  g_mutex_init (&lock);
  for (i = 0; i < MIXED_THREADS; i++) {
    askers[i].budget = budget;
    askers[i].cancellable = NULL;
    askers[i].lock = &lock;
    askers[i].order = order;
    askers[i].times = times;
    askers[i].name = (gchar) ('a' + i);
    threads[i] = g_thread_new ("asker", ask_rounds, &askers[i]);
  }
  for (i = 0; i < MIXED_THREADS; i++)
    g_thread_join (threads[i]);
  fail_unless_equals_int (times->len, MIXED_THREADS * MIXED_ROUNDS);
  g_array_sort (times, compare_times);
  t = (gint64 *) times->data;
  /* Valgrind runs one thread at a time: a served thread may wake a whole
   * slot late, and the times say nothing of the slots. The suites and the
   * sanitizer builds check them; under valgrind the test still checks
   * memory and that every request was served. */
  for (i = 1; i < times->len && !RUNNING_ON_VALGRIND; i++)
    fail_unless (t[i] - t[i - 1] >= SPACING_US - JITTER_US, "slots %u and %u %"
        G_GINT64_FORMAT " us apart", i - 1, i, t[i] - t[i - 1]);
  fail_unless (RUNNING_ON_VALGRIND || t[times->len - 1] - t[0] >=
      (times->len - 1) * SPACING_US - JITTER_US, "%u slots in %"
      G_GINT64_FORMAT " us", times->len, t[times->len - 1] - t[0]);

  g_mutex_clear (&lock);
  g_array_unref (times);
  g_array_unref (order);
  seedance_budget_unref (budget);
}

GST_END_TEST;

/* The waiter that holds the process's reserved slot (the first to wait)
 * is cancelled: the others still get that slot, on time, and the next. */
GST_START_TEST (test_holder_cancelled)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:11", KEY,
      120);
  GCancellable *cancellable = g_cancellable_new ();
  GArray *order = g_array_new (TRUE, FALSE, 1);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GThread *threads[3];
  Asker askers[3];
  gint64 began;
  GMutex lock;

  g_mutex_init (&lock);
  /* The first slot is now, the next 510 ms away. */
  acquire_ok (budget);
  began = g_get_monotonic_time ();
  threads[0] = start_asker (&askers[0], budget, &lock, order, times, 'h',
      1, cancellable);
  g_usleep (50 * 1000);
  threads[1] = start_asker (&askers[1], budget, &lock, order, times, 'b',
      3, NULL);
  threads[2] = start_asker (&askers[2], budget, &lock, order, times, 'a',
      2, NULL);
  g_usleep (50 * 1000);
  g_cancellable_cancel (cancellable);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);
  g_thread_join (threads[2]);
  fail_if (askers[0].ok);
  fail_unless_equals_string (order->data, "ab");
  /* The slot reserved at 510 ms, not one reserved anew (1020 ms). */
  fail_unless (g_array_index (times, gint64, 0) - began < 900 * 1000,
      "the first slot after the cancel came after %" G_GINT64_FORMAT " us",
      g_array_index (times, gint64, 0) - began);
  fail_unless (g_array_index (times, gint64, 1) - g_array_index (times,
          gint64, 0) >= SPACING_US);

  g_mutex_clear (&lock);
  g_array_unref (times);
  g_array_unref (order);
  g_object_unref (cancellable);
  seedance_budget_unref (budget);
}

GST_END_TEST;

/* A queued waiter, holder or not, leaves within a few ms of its cancel,
 * though the next slot is 10 s away; the other one stays queued. */
GST_START_TEST (test_cancel_queued_at_once)
{
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:12", KEY, 6);
  GCancellable *holder_cancel = g_cancellable_new ();
  GCancellable *queued_cancel = g_cancellable_new ();
  GArray *order = g_array_new (TRUE, FALSE, 1);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  GThread *threads[2];
  Asker askers[2];
  gint64 cancelled;
  GMutex lock;

  g_mutex_init (&lock);
  acquire_ok (budget);
  threads[0] = start_asker (&askers[0], budget, &lock, order, times, 'h',
      1, holder_cancel);
  g_usleep (20 * 1000);
  threads[1] = start_asker (&askers[1], budget, &lock, order, times, 'q',
      2, queued_cancel);
  g_usleep (50 * 1000);

  /* Not the holder first: it only waits in the queue. */
  cancelled = g_get_monotonic_time ();
  g_cancellable_cancel (queued_cancel);
  g_thread_join (threads[1]);
  fail_if (askers[1].ok);
  GST_INFO ("a queued waiter left %" G_GINT64_FORMAT " us after its cancel",
      askers[1].returned - cancelled);
  fail_unless (askers[1].returned - cancelled < 20 * 1000,
      "the queued waiter left %" G_GINT64_FORMAT " us after its cancel",
      askers[1].returned - cancelled);

  cancelled = g_get_monotonic_time ();
  g_cancellable_cancel (holder_cancel);
  g_thread_join (threads[0]);
  fail_if (askers[0].ok);
  fail_unless (askers[0].returned - cancelled < 20 * 1000,
      "the holder left %" G_GINT64_FORMAT " us after its cancel",
      askers[0].returned - cancelled);
  fail_unless_equals_int (times->len, 0);

  g_mutex_clear (&lock);
  g_array_unref (times);
  g_array_unref (order);
  g_object_unref (queued_cancel);
  g_object_unref (holder_cancel);
  seedance_budget_unref (budget);
}

GST_END_TEST;

/* What another process (or anyone who can write the file) left there is
 * read as untrusted: garbage is ignored, and a slot or pause an hour or
 * more ahead (a clock that jumped) does not stall the key. */
static const gchar *hostile_states[] = {
  "garbage",
  "99999999999999999999 99999999999999999999\n",
  "-5 -7\n",
  "",
};

GST_START_TEST (test_hostile_state_file)
{
  gchar *path = scratch_path ("key.budget");
  SeedanceBudget *budget = seedance_budget_get ("http://127.0.0.1:8", KEY,
      PER_MINUTE);
  gchar *far = g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
      g_get_real_time () + G_GINT64_CONSTANT (7200) * G_USEC_PER_SEC,
      g_get_real_time () + G_GINT64_CONSTANT (7200) * G_USEC_PER_SEC);
  const gchar *state = __i__ < (gint) G_N_ELEMENTS (hostile_states) ?
      hostile_states[__i__] : far;
  gint64 start;

  fail_unless (g_file_set_contents (path, state, -1, NULL));
  seedance_budget_share (budget, open_state (path));
  start = g_get_monotonic_time ();
  acquire_ok (budget);
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);

  g_free (far);
  seedance_budget_unref (budget);
  remove_scratch (path);
}

GST_END_TEST;

static Suite *
budget_suite (void)
{
  Suite *s = suite_create ("budget");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_slots_spaced);
  tcase_add_test (tc, test_one_budget_per_key);
  tcase_add_test (tc, test_state_file_shared);
  tcase_add_test (tc, test_slow_down_pauses_sharers);
  tcase_add_test (tc, test_cancel_and_deadline);
  tcase_add_test (tc, test_priority_order);
  tcase_add_test (tc, test_priority_spacing);
  tcase_add_test (tc, test_holder_cancelled);
  tcase_add_test (tc, test_cancel_queued_at_once);
  tcase_add_loop_test (tc, test_hostile_state_file, 0,
      G_N_ELEMENTS (hostile_states) + 1);
  return s;
}

SEEDANCE_CHECK_MAIN (budget);
