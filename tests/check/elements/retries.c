/* gst-seedance: the retry policy against injected faults
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A submission is resent only when the server certainly created no task;
 * queries are retried on transient faults. Each test injects one fault in
 * the emulator and counts what reached it. */

#include <gst/check/gstcheck.h>

#include "seedancetestutils.h"

#define PROMPT "a fault is injected"

/* 429 proves no task was created: the POST is sent again after the
 * Retry-After delay, and the clip arrives. */
GST_START_TEST (test_submit_429_retried_after_delay)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("submit:429:retry-after=1", PROMPT);
  gint64 start = g_get_monotonic_time ();

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 2);
  fail_unless (g_get_monotonic_time () - start >= G_USEC_PER_SEC,
      "Retry-After: 1 was not honoured");
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* After a 500, after a reset once the request was read, after a 2xx
 * without a task id, and after any answer the API's rules do not list as
 * proof that no task was created, a task may exist: one POST, an error
 * that says so, and a restart of the same element does not send it
 * again. */
static const gchar *unknown_outcomes[] = {
  "submit:500:created",
  "submit:503",
  "submit:reset:created",
  "submit:no-task-id",
  "submit:malformed",
  "submit:html",
  "submit:wrong-types",
  "submit:oversized",
  "submit:close:created",
  "submit:408",
  "submit:409",
  "submit:redirect=303",
};

GST_START_TEST (test_submit_unknown_outcome_not_resent)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault (unknown_outcomes[__i__], PROMPT);
  GstMessage *msg;

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "task may exist");
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_TASKS_PATH), 0);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "is not sent again");
  gst_message_unref (msg);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Transient faults on a query are retried; the clip still arrives after
 * exactly one POST. */
static const gchar *transient_polls[] = {
  "poll:503:count=2",
  "poll:429:retry-after=0",
  "poll:500",
  "poll:502",
  "poll:504",
  "poll:reset",
  "poll:html",
  "poll:malformed",
  "poll:oversized",
  "poll:deep-nesting",
  "poll:wrong-types",
  "poll:close",
  "poll:slow=300",
};

GST_START_TEST (test_poll_transient_fault_retried)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault (transient_polls[__i__], PROMPT);

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A task that fails is a STREAM FAILED error carrying the API's reason
 * and the task id. */
GST_START_TEST (test_failed_task_reason)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault
      ("task:fail:reason=the%20prompt%20was%20refused", PROMPT);
  GstMessage *msg;
  gchar *task_id;

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "the prompt was refused");
  task_id = seedance_test_fixture_get_task_id (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, task_id);
  gst_message_unref (msg);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* 401 and 402 are final: one POST, NOT_AUTHORIZED, and the 402 says why. */
GST_START_TEST (test_payment_required)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("submit:402", PROMPT);
  GstMessage *msg;

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "balance is insufficient");
  gst_message_unref (msg);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
retries_suite (void)
{
  Suite *s = suite_create ("retries");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_submit_429_retried_after_delay);
  tcase_add_loop_test (tc, test_submit_unknown_outcome_not_resent, 0,
      G_N_ELEMENTS (unknown_outcomes));
  tcase_add_loop_test (tc, test_poll_transient_fault_retried, 0,
      G_N_ELEMENTS (transient_polls));
  tcase_add_test (tc, test_failed_task_reason);
  tcase_add_test (tc, test_payment_required);
  return s;
}

SEEDANCE_CHECK_MAIN (retries);
