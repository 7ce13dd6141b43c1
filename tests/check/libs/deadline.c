/* gst-seedance: the deadline that cuts blocking I/O short
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A SeedanceDeadline cancels its cancellable when its time comes, not
 * before; its parent's cancel reaches it without counting as expiry;
 * touches move it on; a reset makes it usable again. Waits are bounded
 * polls of the cancellable, never fixed sleeps. */

#include <gst/check/gstcheck.h>

#include "seedancedeadline.h"
#include "seedancetestutils.h"

#define MS (G_TIME_SPAN_MILLISECOND)

/* Whether @c is cancelled within @ms. */
static gboolean
cancelled_within (GCancellable * c, gint64 ms)
{
  gint64 end = g_get_monotonic_time () + ms * MS;

  while (!g_cancellable_is_cancelled (c)) {
    if (g_get_monotonic_time () >= end)
      return FALSE;
    g_usleep (2 * MS);
  }
  return TRUE;
}

GST_START_TEST (test_expires_at_its_time)
{
  gint64 start = g_get_monotonic_time ();
  SeedanceDeadline *d = seedance_deadline_new (NULL, start + 200 * MS);
  GCancellable *c = seedance_deadline_get_cancellable (d);

  fail_unless (cancelled_within (c, 5000));
  fail_unless (g_get_monotonic_time () - start >= 200 * MS);
  fail_unless (seedance_deadline_expired (d));
  seedance_deadline_free (d);
}

GST_END_TEST;

GST_START_TEST (test_no_deadline_never_fires)
{
  SeedanceDeadline *d = seedance_deadline_new (NULL, 0);

  fail_if (cancelled_within (seedance_deadline_get_cancellable (d), 300));
  fail_if (seedance_deadline_expired (d));
  seedance_deadline_free (d);
}

GST_END_TEST;

GST_START_TEST (test_parent_cancel_is_not_expiry)
{
  GCancellable *parent = g_cancellable_new ();
  SeedanceDeadline *d = seedance_deadline_new (parent, 0);

  g_cancellable_cancel (parent);
  fail_unless (g_cancellable_is_cancelled (seedance_deadline_get_cancellable
          (d)));
  fail_if (seedance_deadline_expired (d));
  seedance_deadline_free (d);

  /* A parent cancelled before reaches a new deadline at once, and one
   * reset while its parent stays cancelled stays cancelled. */
  d = seedance_deadline_new (parent, 0);
  fail_unless (g_cancellable_is_cancelled (seedance_deadline_get_cancellable
          (d)));
  seedance_deadline_reset (d);
  fail_unless (g_cancellable_is_cancelled (seedance_deadline_get_cancellable
          (d)));
  seedance_deadline_free (d);
  g_object_unref (parent);
}

GST_END_TEST;

/* A period moved by touches fires only once the touches stop. */
GST_START_TEST (test_touch_moves_it_on)
{
  SeedanceDeadline *d = seedance_deadline_new (NULL, 0);
  GCancellable *c = seedance_deadline_get_cancellable (d);
  gint64 start = g_get_monotonic_time (), last;
  guint i;

  seedance_deadline_set_period (d, 400 * MS);
  for (i = 0; i < 12; i++) {
    g_usleep (50 * MS);
    seedance_deadline_touch (d);
  }
  last = g_get_monotonic_time ();
  /* 600 ms in, half as much again as the period: still alive. */
  fail_unless (last - start >= 600 * MS);
  fail_if (g_cancellable_is_cancelled (c), "expired while being touched");
  fail_unless (cancelled_within (c, 5000));
  fail_unless (g_get_monotonic_time () - last >= 400 * MS - 5 * MS);
  fail_unless (seedance_deadline_expired (d));

  /* Reset: usable again, and it expires anew when armed. */
  seedance_deadline_reset (d);
  fail_if (g_cancellable_is_cancelled (c));
  fail_if (seedance_deadline_expired (d));
  seedance_deadline_set_period (d, 50 * MS);
  fail_unless (cancelled_within (c, 5000));
  fail_unless (seedance_deadline_expired (d));
  seedance_deadline_free (d);
}

GST_END_TEST;

/* Disarmed (0), it does not fire; armed earlier, it wakes up for it. */
GST_START_TEST (test_set_moves_both_ways)
{
  gint64 now = g_get_monotonic_time ();
  SeedanceDeadline *d = seedance_deadline_new (NULL, now + 100 * MS);
  GCancellable *c = seedance_deadline_get_cancellable (d);

  seedance_deadline_set (d, 0);
  fail_if (cancelled_within (c, 300));
  seedance_deadline_set (d,
      g_get_monotonic_time () + 3600 * (gint64) G_USEC_PER_SEC);
  seedance_deadline_set (d, g_get_monotonic_time () + 50 * MS);
  fail_unless (cancelled_within (c, 5000));
  seedance_deadline_free (d);
}

GST_END_TEST;

static Suite *
deadline_suite (void)
{
  Suite *s = suite_create ("deadline");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_expires_at_its_time);
  tcase_add_test (tc, test_no_deadline_never_fires);
  tcase_add_test (tc, test_parent_cancel_is_not_expiry);
  tcase_add_test (tc, test_touch_moves_it_on);
  tcase_add_test (tc, test_set_moves_both_ways);
  return s;
}

SEEDANCE_CHECK_MAIN (deadline);
