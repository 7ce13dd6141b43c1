/* gst-seedance: what the API answers, good and bad, and the timeout
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Each test makes the emulator answer one way and checks the error the
 * user gets (domain, code, the server's words, the task id) and what
 * reached the emulator: a final answer is never asked again, an unusable
 * one only a bounded number of times. */

#include <string.h>
#include <gst/check/gstcheck.h>

#include "seedancetestutils.h"

/* Answers about a task the element tolerates before giving up: the first
 * and five more (MAX_BAD_ANSWERS in gstseedancesrc.c). */
#define TASK_QUERIES_BEFORE_GIVING_UP 6

#define PROMPT "the API answers oddly"

/* The error's text and debug string never carry the key. */
static void
assert_no_key (GstMessage * msg)
{
  GError *error = NULL;
  gchar *debug = NULL;

  gst_message_parse_error (msg, &error, &debug);
  fail_if (strstr (error->message, SEEDANCE_TEST_API_KEY) != NULL);
  fail_if (debug && strstr (debug, SEEDANCE_TEST_API_KEY) != NULL);
  g_error_free (error);
  g_free (debug);
}

static guint
count_task_queries (SeedanceTestFixture * f)
{
  return seedance_test_fixture_count_requests (f, "GET",
      SEEDANCE_TEST_TASKS_PATH);
}

/* Runs the fixture's first task to its end, then returns its id with the
 * request log cleared, so that what follows counts alone. The id is set
 * back as the user's: the next run queries that task whatever the
 * journal holds (a restart alone would play the cached clip). */
static gchar *
finish_one_task (SeedanceTestFixture * f)
{
  gchar *task_id;

  seedance_test_fixture_run_to_eos (f);
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_object_set (f->src, "task-id", task_id, NULL);
  seedance_emulator_clear_requests (f->emulator);
  return task_id;
}

/* 401 and 403, on the submission or on a query, are final: RESOURCE
 * NOT_AUTHORIZED pointing at api-key, nothing asked twice. */
static const gchar *unauthorized[] = {
  "submit:401", "submit:403", "poll:401", "poll:403",
};

GST_START_TEST (test_unauthorized)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault (unauthorized[__i__], PROMPT);
  gboolean on_poll = g_str_has_prefix (unauthorized[__i__], "poll:");
  GstMessage *msg;

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "check api-key");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "injected fault");
  assert_no_key (msg);
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (count_task_queries (f), on_poll ? 1 : 0);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f),
      on_poll ? 1 : 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A 400 is the request's fault: RESOURCE SETTINGS with the server's own
 * words, and no second try. */
GST_START_TEST (test_bad_request_server_message)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("submit:400:message="
      "Invalid%20parameter%3A%20seed%20is%20out%20of%20range", PROMPT);
  GstMessage *msg;

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Invalid parameter: seed is out of range");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "HTTP 400");
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A 404 on the task, whether the server lost it or the user resumes an
 * id that never existed, names the id; asking again would not help. */
GST_START_TEST (test_task_not_found_names_id)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("poll:404", PROMPT);
  GstMessage *msg;
  gchar *task_id;

  msg = seedance_test_fixture_run_to_error (f);
  task_id = seedance_test_fixture_get_task_id (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, task_id);
  gst_message_unref (msg);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (count_task_queries (f), 1);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);

  /* An id the API never gave. */
  seedance_emulator_clear_requests (f->emulator);
  g_object_set (f->src, "task-id", "task-never-was", NULL);
  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, "task-never-was");
  gst_message_unref (msg);
  fail_unless_equals_int (count_task_queries (f), 1);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 0);

  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* "success" without a video is an error naming the task, after a bounded
 * number of queries (the answer might be a passing glitch); nothing is
 * downloaded. */
GST_START_TEST (test_success_without_video)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  gchar *task_id, *fault;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a task that loses its video", NULL);
  task_id = finish_one_task (f);
  fault = g_strdup_printf ("task:no-video:id=%s", task_id);
  fail_unless (seedance_emulator_add_fault (f->emulator, fault, NULL));

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, "no video");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, task_id);
  gst_message_unref (msg);

  fail_unless_equals_int (count_task_queries (f),
      TASK_QUERIES_BEFORE_GIVING_UP);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 0);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_FILES_PATH), 0);
  g_free (fault);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Answers to a query that cannot be used, forever: a clear READ error
 * naming the task after a bounded number of queries, one POST, nothing
 * downloaded, no crash. (One such answer alone is retried: retries.c.) */
static const gchar *unusable_forever[] = {
  "poll:malformed:count=forever",
  "poll:html:count=forever",
  "poll:oversized:count=forever",
  "poll:oversized=5M:count=forever",
  "poll:deep-nesting:count=forever",
  "poll:deep-nesting=40:count=forever",
  "poll:wrong-types:count=forever",
};

GST_START_TEST (test_unusable_answers_bounded)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault (unusable_forever[__i__], PROMPT);
  GstMessage *msg;
  gchar *task_id;

  msg = seedance_test_fixture_run_to_error (f);
  task_id = seedance_test_fixture_get_task_id (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, task_id);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_READ, "unusable");
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (count_task_queries (f),
      TASK_QUERIES_BEFORE_GIVING_UP);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_FILES_PATH), 0);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Numbers the element does not need, however absurd, change nothing: the
 * clip arrives whole. */
static const gchar *odd_numbers[] = {
  "poll:huge-numbers:count=forever",
  "poll:negative-numbers:count=forever",
};

GST_START_TEST (test_odd_numbers_ignored)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault (odd_numbers[__i__], PROMPT);

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_FILES_PATH) >= 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* timeout bounds the wait; the error says the task keeps running and how
 * to resume it, and no second task is submitted. */
GST_START_TEST (test_timeout_names_task_and_resume)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("task:never-finish", PROMPT);
  GstMessage *msg;
  gchar *task_id, *resume;
  gint64 start, elapsed;

  g_object_set (f->src, "timeout", 1u, NULL);
  start = g_get_monotonic_time ();
  msg = seedance_test_fixture_run_to_error (f);
  elapsed = g_get_monotonic_time () - start;

  task_id = seedance_test_fixture_get_task_id (f);
  resume = g_strdup_printf ("task-id=%s", task_id);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, resume);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "timeout=1 s");
  gst_message_unref (msg);

  fail_unless (elapsed >= G_USEC_PER_SEC, "gave up after %" G_GINT64_FORMAT
      " us", elapsed);
  fail_unless (elapsed < 10 * G_USEC_PER_SEC, "waited %" G_GINT64_FORMAT
      " us", elapsed);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless (count_task_queries (f) >= 2);

  g_free (resume);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A query that hangs does not outlast the timeout by much: the stall
 * bound of each request follows a short timeout. */
GST_START_TEST (test_timeout_bounds_a_hung_query)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  gchar *task_id, *resume;
  gint64 start, elapsed;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a query hangs", NULL);
  task_id = finish_one_task (f);
  fail_unless (seedance_emulator_add_fault (f->emulator, "poll:slow=20000",
          NULL));

  g_object_set (f->src, "timeout", 2u, NULL);
  start = g_get_monotonic_time ();
  msg = seedance_test_fixture_run_to_error (f);
  elapsed = g_get_monotonic_time () - start;
  resume = g_strdup_printf ("task-id=%s", task_id);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, resume);
  gst_message_unref (msg);
  fail_unless (elapsed < 5 * G_USEC_PER_SEC, "gave up after %"
      G_GINT64_FORMAT " us", elapsed);

  g_free (resume);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The timeout covers the submission's retries too: a rate limit that
 * outlasts it ends with an error saying no task was created. */
GST_START_TEST (test_timeout_during_submission_retries)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault
      ("submit:429:retry-after=5:count=forever", PROMPT);
  GstMessage *msg;
  gint64 start, elapsed;

  g_object_set (f->src, "timeout", 2u, NULL);
  start = g_get_monotonic_time ();
  msg = seedance_test_fixture_run_to_error (f);
  elapsed = g_get_monotonic_time () - start;
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "No task was created within timeout=2 s");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "429");
  gst_message_unref (msg);

  /* Retry-After: 5 cannot fit in 2 s: it gives up at once. */
  fail_unless (elapsed < 2 * G_USEC_PER_SEC, "waited %" G_GINT64_FORMAT
      " us", elapsed);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Retry-After on a query is honoured, as seconds and as an HTTP date, and
 * "0" does not make a busy loop (the backoff, 0.5 s then 1 s, +-20%, is a
 * floor): the task is finished, so only the delays separate the queries. */
typedef struct
{
  const gchar *fault;
  guint queries;
} RetryAfterCase;

static const RetryAfterCase query_retry_after[] = {
  {"poll:429:retry-after=1", 2},
  {"poll:503:retry-after=1", 2},
  {"poll:429:retry-after=date+2", 2},
  {"poll:503:retry-after=0:count=2", 3},
};

GST_START_TEST (test_query_retry_after_honoured)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *task_id;
  gint64 start, elapsed;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a finished task", NULL);
  task_id = finish_one_task (f);

  fail_unless (seedance_emulator_add_fault (f->emulator,
          query_retry_after[__i__].fault, NULL));
  start = g_get_monotonic_time ();
  seedance_test_fixture_run_resumed (f, "seedancesrc name=src ! fakesink",
      task_id, NULL);
  elapsed = g_get_monotonic_time () - start;

  /* An HTTP date has whole seconds: "2 s ahead" is at least 1 s. */
  fail_unless (elapsed >= G_USEC_PER_SEC, "Retry-After ignored: %"
      G_GINT64_FORMAT " us", elapsed);
  fail_unless (elapsed < 5 * G_USEC_PER_SEC, "waited %" G_GINT64_FORMAT
      " us", elapsed);
  fail_unless_equals_int (count_task_queries (f),
      query_retry_after[__i__].queries);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 0);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A 429 without Retry-After is retried after a backoff of about a
 * second, and only one task exists. */
GST_START_TEST (test_submit_429_backoff)
{
  SeedanceTestFixture *f =
      seedance_test_fixture_new_with_fault ("submit:429", PROMPT);
  gint64 start = g_get_monotonic_time ();

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 2);
  /* 1 s minus the 20% jitter. */
  fail_unless (g_get_monotonic_time () - start >=
      800 * G_TIME_SPAN_MILLISECOND);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Nobody listens: no request ever left, so the POST is tried again with
 * backoff until the timeout, and the error says no task was created. */
GST_START_TEST (test_unreachable_api_retried)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GSocketListener *listener = g_socket_listener_new ();
  GInetAddress *loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  GSocketAddress *any = g_inet_socket_address_new (loopback, 0), *bound;
  GstMessage *msg;
  gchar *url;
  gint64 start, elapsed;

  /* A port that was just free and is closed again. */
  fail_unless (g_socket_listener_add_address (listener, any,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL));
  url = g_strdup_printf ("http://127.0.0.1:%u",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_listener_close (listener);

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "nobody listens", "api-url", url,
      "timeout", 3u, NULL);
  start = g_get_monotonic_time ();
  msg = seedance_test_fixture_run_to_error (f);
  elapsed = g_get_monotonic_time () - start;
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "No task was created within timeout=3 s");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "cannot reach");
  gst_message_unref (msg);
  /* At least one backoff (1 s, -20%) was waited, and not past 3 s. */
  fail_unless (elapsed >= 800 * G_TIME_SPAN_MILLISECOND);
  fail_unless (elapsed < 3 * G_USEC_PER_SEC + 500 * G_TIME_SPAN_MILLISECOND);

  g_object_unref (bound);
  g_object_unref (any);
  g_object_unref (loopback);
  g_object_unref (listener);
  g_free (url);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
answers_suite (void)
{
  Suite *s = suite_create ("answers");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_unauthorized, 0, G_N_ELEMENTS (unauthorized));
  tcase_add_test (tc, test_bad_request_server_message);
  tcase_add_test (tc, test_task_not_found_names_id);
  tcase_add_test (tc, test_success_without_video);
  tcase_add_loop_test (tc, test_unusable_answers_bounded, 0,
      G_N_ELEMENTS (unusable_forever));
  tcase_add_loop_test (tc, test_odd_numbers_ignored, 0,
      G_N_ELEMENTS (odd_numbers));
  tcase_add_test (tc, test_timeout_names_task_and_resume);
  tcase_add_test (tc, test_timeout_during_submission_retries);
  tcase_add_test (tc, test_timeout_bounds_a_hung_query);
  tcase_add_loop_test (tc, test_query_retry_after_honoured, 0,
      G_N_ELEMENTS (query_retry_after));
  tcase_add_test (tc, test_submit_429_backoff);
  tcase_add_test (tc, test_unreachable_api_retried);
  return s;
}

SEEDANCE_CHECK_MAIN (answers);
