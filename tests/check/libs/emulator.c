/* gst-seedance: the emulator's per-key limits
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The emulator enforces a key's budget as Modellix does: a request rate
 * over a sliding window and a number of tasks at once, each refusal a 429
 * with Retry-After and X-RateLimit-* headers, logged with its cause.
 * These tests talk to it with a SoupSession of their own, no plugin: what
 * the client side will rely on is checked here, at the server. The
 * windows are short (10 requests per 2 s) so that none waits a minute. */

#include <string.h>

#include <libsoup/soup.h>

#include "seedancetestutils.h"

#define MS G_TIME_SPAN_MILLISECOND
#define LIMIT 10
#define WINDOW_MS 2000
#define OTHER_KEY "sk-test-another-key-0123456789"
/* A small clip: each suite renders it once per build, then it is cached. */
#define SUBMIT_BODY "{\"prompt\":\"limits\",\"duration\":4," \
  "\"resolution\":\"480p\",\"generate_audio\":false}"

/* What the test saw of one answer. */
typedef struct
{
  guint status;
  gint64 limit;                 /* X-RateLimit-Limit, -1 when absent */
  gint64 remaining;             /* X-RateLimit-Remaining, -1 when absent */
  gint64 reset;                 /* X-RateLimit-Reset, -1 when absent */
  gint64 retry_after;           /* Retry-After in seconds, -1 when absent */
  gint64 sent;                  /* g_get_monotonic_time() before sending */
  gint64 answered;              /* ... once the answer was read */
  gint64 answered_real;         /* g_get_real_time() then */
  JsonNode *body;               /* parsed, NULL when not JSON */
} Answer;

static void
answer_clear (Answer * a)
{
  g_clear_pointer (&a->body, json_node_unref);
}

static gint64
header_int (SoupMessageHeaders * headers, const gchar * name)
{
  const gchar *value = soup_message_headers_get_one (headers, name);
  gchar *end = NULL;
  gint64 n;

  if (value == NULL)
    return -1;
  n = g_ascii_strtoll (value, &end, 10);
  fail_unless (end != value && *end == '\0' && n >= 0,
      "%s is not a number of seconds: '%s'", name, value);
  return n;
}

/* Sends @method @url (with @key as its bearer key unless NULL, and @body as
 * JSON unless NULL) and reads the whole answer into @a. */
static void
send_request (SoupSession * session, const gchar * method, const gchar * url,
    const gchar * key, const gchar * body, Answer * a)
{
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;
  GError *error = NULL;
  GBytes *bytes;

  fail_unless (msg != NULL, "bad URL %s", url);
  if (key != NULL) {
    gchar *auth = g_strconcat ("Bearer ", key, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", auth);
    g_free (auth);
  }
  if (body != NULL) {
    GBytes *content = g_bytes_new_static (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, "application/json", content);
    g_bytes_unref (content);
  }

  memset (a, 0, sizeof (*a));
  a->sent = g_get_monotonic_time ();
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  a->answered = g_get_monotonic_time ();
  a->answered_real = g_get_real_time ();
  fail_unless (bytes != NULL, "%s %s: %s", method, url,
      error != NULL ? error->message : "?");

  a->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  a->limit = header_int (headers, "X-RateLimit-Limit");
  a->remaining = header_int (headers, "X-RateLimit-Remaining");
  a->reset = header_int (headers, "X-RateLimit-Reset");
  a->retry_after = header_int (headers, "Retry-After");
  if (g_bytes_get_size (bytes) > 0)
    a->body = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  g_bytes_unref (bytes);
  g_object_unref (msg);
}

static gchar *
api_url (SeedanceTestFixture * f, const gchar * path)
{
  return g_strconcat (seedance_emulator_get_api_origin (f->emulator), path,
      NULL);
}

/* GET /api/v1/tasks/@task_id with @key. */
static void
query (SeedanceTestFixture * f, SoupSession * session, const gchar * key,
    const gchar * task_id, Answer * a)
{
  gchar *path = g_strconcat (SEEDANCE_TEST_TASKS_PATH, task_id, NULL);
  gchar *url = api_url (f, path);

  send_request (session, "GET", url, key, NULL, a);
  g_free (url);
  g_free (path);
}

/* POST of a small, valid submission with @key. */
static void
submit (SeedanceTestFixture * f, SoupSession * session, const gchar * key,
    Answer * a)
{
  gchar *url = api_url (f, SEEDANCE_TEST_SUBMIT_PATH);

  send_request (session, "POST", url, key, SUBMIT_BODY, a);
  g_free (url);
}

/* A string member of the answer's data, NULL when missing. */
static const gchar *
data_string (const Answer * a, const gchar * member)
{
  JsonObject *root, *data;

  if (a->body == NULL || !JSON_NODE_HOLDS_OBJECT (a->body))
    return NULL;
  root = json_node_get_object (a->body);
  if (!json_object_has_member (root, "data"))
    return NULL;
  data = json_object_get_object_member (root, "data");
  if (data == NULL || !json_object_has_member (data, member))
    return NULL;
  return json_object_get_string_member (data, member);
}

/* Submits with @key, expecting a 200; returns the new task's id. */
static gchar *
submit_ok (SeedanceTestFixture * f, SoupSession * session, const gchar * key)
{
  Answer a;
  gchar *id;

  submit (f, session, key, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  id = g_strdup (data_string (&a, "task_id"));
  fail_unless (id != NULL);
  answer_clear (&a);
  return id;
}

/* Fails unless @a is a 429 of the API's envelope whose message starts with
 * "Too Many Requests: @what". */
static void
assert_too_many (const Answer * a, const gchar * what)
{
  JsonObject *root;
  gchar *prefix = g_strconcat ("Too Many Requests: ", what, NULL);
  const gchar *message;

  fail_unless_equals_int (a->status, 429);
  fail_unless (a->body != NULL && JSON_NODE_HOLDS_OBJECT (a->body));
  root = json_node_get_object (a->body);
  fail_unless_equals_int (json_object_get_int_member (root, "code"), 429);
  message = json_object_get_string_member (root, "message");
  fail_unless (g_str_has_prefix (message, prefix), "message '%s'", message);
  g_free (prefix);
}

/* The last entry of the request log. */
static SeedanceEmulatorRequest *
last_logged (SeedanceTestFixture * f)
{
  GPtrArray *log = seedance_emulator_get_requests (f->emulator);
  SeedanceEmulatorRequest *last;

  fail_unless (log->len > 0);
  last = g_ptr_array_steal_index (log, log->len - 1);
  g_ptr_array_unref (log);
  return last;
}

/* Polls @task_id (no limit in force) until it has finished. */
static void
wait_task_done (SeedanceTestFixture * f, SoupSession * session,
    const gchar * task_id)
{
  gint64 deadline = g_get_monotonic_time () + 40 * G_TIME_SPAN_SECOND;

  for (;;) {
    Answer a;
    gboolean done;

    query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
    fail_unless_equals_int (a.status, SOUP_STATUS_OK);
    done = g_strcmp0 (data_string (&a, "status"), "success") == 0;
    answer_clear (&a);
    if (done)
      return;
    fail_unless (g_get_monotonic_time () < deadline, "task %s never ended",
        task_id);
    g_usleep (50 * MS);
  }
}

static SeedanceTestFixture *
fixture_with_limits (guint rate_limit, guint window_ms, guint max_tasks)
{
  SeedanceEmulatorConfig config;

  seedance_test_config_init (&config);
  config.rate_limit_per_minute = rate_limit;
  config.rate_limit_window_ms = window_ms;
  config.max_concurrent_tasks = max_tasks;
  return seedance_test_fixture_new (&config);
}

/* The in-process default has no limits: the suites written before them
 * (which poll every 50 ms) must not meet a 429 or see the headers. */
GST_START_TEST (test_no_limits_by_default)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  SoupSession *session = soup_session_new ();
  guint i;

  seedance_emulator_config_init (&config);
  fail_unless_equals_int (config.rate_limit_per_minute, 0);
  fail_unless_equals_int (config.max_concurrent_tasks, 0);
  fail_unless_equals_int (config.rate_limit_window_ms, 60000);

  f = seedance_test_fixture_new (NULL);
  for (i = 0; i < 150; i++) {
    Answer a;

    query (f, session, SEEDANCE_TEST_API_KEY, "task-none", &a);
    fail_unless_equals_int (a.status, SOUP_STATUS_NOT_FOUND);
    fail_unless_equals_int (a.limit, -1);
    fail_unless_equals_int (a.remaining, -1);
    answer_clear (&a);
  }
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator, NULL),
      0);

  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* LIMIT requests count X-RateLimit-Remaining down, the next are refused
 * with a Retry-After that is exact: when it has passed, the oldest request
 * has left the window, the others are still in it, and the refused ones
 * never were (so one request passes, with none left). A refused request
 * meets no fault. */
GST_START_TEST (test_rate_limit)
{
  SeedanceTestFixture *f = fixture_with_limits (LIMIT, WINDOW_MS, 0);
  SoupSession *session = soup_session_new ();
  SeedanceEmulatorRequest *logged;
  gchar *task_id;
  Answer a;
  guint i;

  /* A submission and the queries of its task share the budget. */
  submit (f, session, SEEDANCE_TEST_API_KEY, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  fail_unless_equals_int (a.limit, LIMIT);
  fail_unless_equals_int (a.remaining, LIMIT - 1);
  task_id = g_strdup (data_string (&a, "task_id"));
  answer_clear (&a);
  /* The others half a window later: only the first leaves before them. */
  g_usleep (WINDOW_MS / 2 * MS);
  for (i = 1; i < LIMIT; i++) {
    query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
    fail_unless_equals_int (a.status, SOUP_STATUS_OK);
    fail_unless_equals_int (a.limit, LIMIT);
    fail_unless_equals_int (a.remaining, LIMIT - 1 - i);
    fail_unless_equals_int (a.reset, -1);
    answer_clear (&a);
  }

  /* The next are refused before any fault can meet them. */
  seedance_test_fixture_add_fault (f, "poll:500");
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  assert_too_many (&a, "rate limit exceeded");
  answer_clear (&a);
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  assert_too_many (&a, "rate limit exceeded");
  fail_unless_equals_int (a.limit, LIMIT);
  fail_unless_equals_int (a.remaining, 0);
  fail_unless (a.retry_after == WINDOW_MS / 2 / 1000,
      "Retry-After %" G_GINT64_FORMAT, a.retry_after);
  fail_unless (a.reset * G_USEC_PER_SEC > a.answered_real,
      "X-RateLimit-Reset %" G_GINT64_FORMAT " is not in the future", a.reset);
  fail_unless (a.reset * G_USEC_PER_SEC <= a.answered_real +
      (WINDOW_MS / 2 + 1000) * MS, "X-RateLimit-Reset %" G_GINT64_FORMAT
      " is beyond the first request's exit", a.reset);
  logged = last_logged (f);
  fail_unless_equals_int (logged->status, 429);
  fail_unless_equals_string (logged->limited, SEEDANCE_EMULATOR_LIMITED_RATE);
  fail_unless (logged->fault == NULL);
  seedance_emulator_request_free (logged);
  fail_unless_equals_int (seedance_emulator_count_faults (f->emulator), 1);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_RATE), 2);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_CONCURRENCY), 0);

  /* Retry-After later the first has left, and no refusal took its place:
   * the request passes, with nothing left, and meets the fault queued. */
  g_usleep (a.retry_after * G_USEC_PER_SEC);
  answer_clear (&a);
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  fail_unless_equals_int (a.status, 500);
  fail_unless_equals_int (a.remaining, 0);
  answer_clear (&a);
  logged = last_logged (f);
  fail_unless (logged->limited == NULL);
  fail_unless_equals_string (logged->fault, "poll:500");
  seedance_emulator_request_free (logged);
  fail_unless_equals_int (seedance_emulator_count_faults (f->emulator), 0);

  /* A whole window later the budget is whole again. */
  g_usleep (WINDOW_MS * MS + 100 * MS);
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  fail_unless_equals_int (a.remaining, LIMIT - 1);
  answer_clear (&a);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator, NULL),
      2);

  g_free (task_id);
  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A client that leaves WINDOW_MS / LIMIT between one answer and its next
 * request is at the limit's rate and never refused: over two windows, no
 * 429, and every X-RateLimit-Remaining is what a sliding window of the
 * requests' times gives (bounded by when each was sent and answered). */
GST_START_TEST (test_evenly_spaced_never_refused)
{
  SeedanceTestFixture *f = fixture_with_limits (LIMIT, WINDOW_MS, 0);
  SoupSession *session = soup_session_new ();
  const gint64 spacing = WINDOW_MS * MS / LIMIT, window = WINDOW_MS * MS;
  Answer answers[2 * LIMIT + 1];
  guint i, j, saturated = 0;

  for (i = 0; i < G_N_ELEMENTS (answers); i++) {
    Answer *a = &answers[i];
    guint lower = 0, upper = 0;

    if (i > 0) {
      gint64 wait = answers[i - 1].answered + spacing - g_get_monotonic_time ();

      if (wait > 0)
        g_usleep (wait);
    }
    query (f, session, SEEDANCE_TEST_API_KEY, "task-none", a);
    fail_unless_equals_int (a->status, SOUP_STATUS_NOT_FOUND);
    fail_unless_equals_int (a->limit, LIMIT);

    /* The emulator stamped request j between its sent and answered. */
    for (j = 0; j < i; j++) {
      if (answers[j].sent > a->answered - window)
        lower++;
      if (answers[j].answered > a->sent - window)
        upper++;
    }
    fail_unless (upper < LIMIT, "the test sent faster than the limit");
    fail_unless (a->remaining >= LIMIT - 1 - upper &&
        a->remaining <= LIMIT - 1 - lower, "request %u: X-RateLimit-Remaining"
        " %" G_GINT64_FORMAT ", expected %u..%u", i, a->remaining,
        LIMIT - 1 - upper, LIMIT - 1 - lower);
    if (a->remaining == 0)
      saturated++;
  }
  for (i = 0; i < G_N_ELEMENTS (answers); i++)
    answer_clear (&answers[i]);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator, NULL),
      0);
  GST_INFO ("%u of %u answers had no request left", saturated,
      (guint) G_N_ELEMENTS (answers));

  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* LIMIT + 1 requests at once: exactly one refused, the last. */
GST_START_TEST (test_burst_one_refused)
{
  SeedanceTestFixture *f = fixture_with_limits (LIMIT, WINDOW_MS, 0);
  SoupSession *session = soup_session_new ();
  guint i, refused = 0;

  for (i = 0; i < LIMIT + 1; i++) {
    Answer a;

    query (f, session, SEEDANCE_TEST_API_KEY, "task-none", &a);
    if (a.status == 429) {
      assert_too_many (&a, "rate limit exceeded");
      refused++;
      fail_unless_equals_int (i, LIMIT);
    } else {
      fail_unless_equals_int (a.status, SOUP_STATUS_NOT_FOUND);
    }
    answer_clear (&a);
  }
  fail_unless_equals_int (refused, 1);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_RATE), 1);

  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* With at most 2 tasks at once, a third submission is refused and creates
 * nothing; a finished task frees its place, one still running does not. */
GST_START_TEST (test_concurrency_limit)
{
  SeedanceTestFixture *f = fixture_with_limits (0, 0, 0);
  SoupSession *session = soup_session_new ();
  SeedanceEmulatorRequest *logged;
  gchar *task1, *task2, *task4;
  gint64 first_sent;
  gchar **tasks;
  Answer a;

  /* Set while running: the first task takes 3 s, the second a minute. */
  seedance_emulator_set_max_concurrent_tasks (f->emulator, 2);
  seedance_emulator_set_generation_ms (f->emulator, 3000);
  first_sent = g_get_monotonic_time ();
  task1 = submit_ok (f, session, SEEDANCE_TEST_API_KEY);
  seedance_emulator_set_generation_ms (f->emulator, 60000);
  task2 = submit_ok (f, session, SEEDANCE_TEST_API_KEY);

  submit (f, session, SEEDANCE_TEST_API_KEY, &a);
  fail_unless (g_get_monotonic_time () - first_sent < 3000 * MS,
      "too slow: the first task may have finished before the third POST");
  assert_too_many (&a, "concurrency limit exceeded");
  fail_unless (a.retry_after >= 1 && a.retry_after <= 3,
      "Retry-After %" G_GINT64_FORMAT, a.retry_after);
  answer_clear (&a);
  logged = last_logged (f);
  fail_unless_equals_string (logged->limited,
      SEEDANCE_EMULATOR_LIMITED_CONCURRENCY);
  seedance_emulator_request_free (logged);
  tasks = seedance_emulator_list_tasks (f->emulator);
  fail_unless_equals_int (g_strv_length (tasks), 2);
  g_strfreev (tasks);

  /* The first finishes: its place is free for one more, not two. */
  wait_task_done (f, session, task1);
  task4 = submit_ok (f, session, SEEDANCE_TEST_API_KEY);
  submit (f, session, SEEDANCE_TEST_API_KEY, &a);
  assert_too_many (&a, "concurrency limit exceeded");
  answer_clear (&a);

  tasks = seedance_emulator_list_tasks (f->emulator);
  fail_unless_equals_int (g_strv_length (tasks), 3);
  fail_unless_equals_string (tasks[0], task1);
  fail_unless_equals_string (tasks[1], task2);
  fail_unless_equals_string (tasks[2], task4);
  g_strfreev (tasks);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_CONCURRENCY), 2);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_RATE), 0);

  g_free (task1);
  g_free (task2);
  g_free (task4);
  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Downloads, the third origin and requests without a key spend nothing of
 * the key's budget, and a key out of budget still downloads. */
GST_START_TEST (test_files_origin_not_counted)
{
  SeedanceTestFixture *f = fixture_with_limits (0, 0, 0);
  SoupSession *session = soup_session_new ();
  gchar *task_id, *clip_path, *name, *clip_url, *url;
  GPtrArray *log;
  Answer a;
  guint i;

  task_id = submit_ok (f, session, SEEDANCE_TEST_API_KEY);
  wait_task_done (f, session, task_id);
  clip_path = seedance_emulator_get_clip_path (f->emulator, task_id);
  fail_unless (clip_path != NULL);
  name = g_path_get_basename (clip_path);
  clip_url = g_strconcat (seedance_emulator_get_files_origin (f->emulator),
      SEEDANCE_TEST_FILES_PATH, name, NULL);

  /* A limit set while running starts from an empty window. */
  seedance_emulator_set_rate_limit (f->emulator, 3, 60000);
  seedance_emulator_clear_requests (f->emulator);
  for (i = 0; i < 5; i++) {
    send_request (session, i == 0 ? "HEAD" : "GET", clip_url,
        i == 1 ? SEEDANCE_TEST_API_KEY : NULL, NULL, &a);
    fail_unless_equals_int (a.status, SOUP_STATUS_OK);
    fail_unless_equals_int (a.limit, -1);
    answer_clear (&a);
  }
  url = g_strconcat (seedance_emulator_get_files_origin (f->emulator),
      SEEDANCE_TEST_FILES_PATH, "no-such-file.mp4", NULL);
  send_request (session, "GET", url, NULL, NULL, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_NOT_FOUND);
  answer_clear (&a);
  g_free (url);
  url = g_strconcat (seedance_emulator_get_other_origin (f->emulator),
      SEEDANCE_TEST_FILES_PATH, name, NULL);
  send_request (session, "GET", url, SEEDANCE_TEST_API_KEY, NULL, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  answer_clear (&a);
  g_free (url);
  query (f, session, NULL, task_id, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_UNAUTHORIZED);
  answer_clear (&a);

  /* The key's first request finds its whole budget. */
  for (i = 0; i < 3; i++) {
    query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
    fail_unless_equals_int (a.status, SOUP_STATUS_OK);
    fail_unless_equals_int (a.remaining, 2 - i);
    answer_clear (&a);
  }
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  assert_too_many (&a, "rate limit exceeded");
  answer_clear (&a);
  send_request (session, "GET", clip_url, NULL, NULL, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  answer_clear (&a);

  log = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < log->len; i++) {
    SeedanceEmulatorRequest *r = log->pdata[i];

    fail_unless ((r->limited != NULL) == (r->status == 429));
  }
  g_ptr_array_unref (log);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator, NULL),
      1);

  g_free (clip_url);
  g_free (name);
  g_free (clip_path);
  g_free (task_id);
  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Two keys (any key accepted): each has its own rate budget and its own
 * tasks at once. */
GST_START_TEST (test_keys_have_separate_budgets)
{
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  SoupSession *session = soup_session_new ();
  gchar *task_id, *other_task;
  Answer a;
  guint i;

  seedance_test_config_init (&config);
  config.api_key = NULL;
  config.generation_ms = 60000;
  config.rate_limit_per_minute = 5;
  config.max_concurrent_tasks = 1;
  f = seedance_test_fixture_new (&config);

  /* The first key: one task, then a second refused for concurrency, then
   * its rate budget spent. */
  task_id = submit_ok (f, session, SEEDANCE_TEST_API_KEY);
  submit (f, session, SEEDANCE_TEST_API_KEY, &a);
  assert_too_many (&a, "concurrency limit exceeded");
  fail_unless_equals_int (a.remaining, 3);
  answer_clear (&a);
  for (i = 0; i < 3; i++) {
    query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
    fail_unless_equals_int (a.remaining, 2 - i);
    answer_clear (&a);
  }
  query (f, session, SEEDANCE_TEST_API_KEY, task_id, &a);
  assert_too_many (&a, "rate limit exceeded");
  answer_clear (&a);

  /* The other key is not held back by either. */
  submit (f, session, OTHER_KEY, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  fail_unless_equals_int (a.remaining, 4);
  other_task = g_strdup (data_string (&a, "task_id"));
  answer_clear (&a);
  query (f, session, OTHER_KEY, other_task, &a);
  fail_unless_equals_int (a.status, SOUP_STATUS_OK);
  fail_unless_equals_int (a.remaining, 3);
  answer_clear (&a);
  submit (f, session, OTHER_KEY, &a);
  assert_too_many (&a, "concurrency limit exceeded");
  answer_clear (&a);

  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_RATE), 1);
  fail_unless_equals_int (seedance_emulator_count_limited (f->emulator,
          SEEDANCE_EMULATOR_LIMITED_CONCURRENCY), 2);

  g_free (other_task);
  g_free (task_id);
  g_object_unref (session);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
emulator_suite (void)
{
  Suite *s = suite_create ("emulator");
  TCase *tc = tcase_create ("limits");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_no_limits_by_default);
  tcase_add_test (tc, test_rate_limit);
  tcase_add_test (tc, test_evenly_spaced_never_refused);
  tcase_add_test (tc, test_burst_one_refused);
  tcase_add_test (tc, test_concurrency_limit);
  tcase_add_test (tc, test_files_origin_not_counted);
  tcase_add_test (tc, test_keys_have_separate_budgets);
  return s;
}

SEEDANCE_CHECK_MAIN (emulator);
