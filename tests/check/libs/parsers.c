/* gst-seedance: unit tests of the answer, header and property parsers
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Everything here parses bytes from the network or the user, so each
 * parser is fed the good, the odd and the hostile. No network. */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "seedanceclient.h"
#include "seedanceerror.h"
#include "seedancejournal.h"
#include "seedancerequest.h"
#include "seedanceanswer.h"
#include "seedancetestutils.h"

static SeedanceTask *
parse_task (const gchar * json, GError ** error)
{
  return seedance_task_parse (json, strlen (json), error);
}

static void
assert_bad_task (const gchar * json)
{
  GError *error = NULL;
  SeedanceTask *task = parse_task (json, &error);

  fail_unless (task == NULL, "accepted: %s", json);
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE), "wrong error for: %s", json);
  g_error_free (error);
}

GST_START_TEST (test_task_running)
{
  SeedanceTask *task = parse_task ("{\"code\":0,\"message\":\"success\","
      "\"data\":{\"task_id\":\"task-1\",\"model_id\":\"m\","
      "\"status\":\"processing\",\"extra\":[1,2,{\"x\":null}]}}", NULL);

  fail_unless (task != NULL);
  fail_unless_equals_string (task->task_id, "task-1");
  fail_unless_equals_string (task->status, "processing");
  fail_unless_equals_int (task->state, SEEDANCE_TASK_RUNNING);
  fail_unless (task->video_url == NULL);
  seedance_task_free (task);
}

GST_END_TEST;

GST_START_TEST (test_task_statuses)
{
  static const struct
  {
    const gchar *status;
    SeedanceTaskState state;
  } cases[] = {
    {"pending", SEEDANCE_TASK_RUNNING},
    {"queued", SEEDANCE_TASK_RUNNING},
    {"SUCCESS", SEEDANCE_TASK_SUCCEEDED},
    {"Completed", SEEDANCE_TASK_SUCCEEDED},
    {"succeeded", SEEDANCE_TASK_SUCCEEDED},
    {"failed", SEEDANCE_TASK_FAILED},
    {"Canceled", SEEDANCE_TASK_FAILED},
    {"cancelled", SEEDANCE_TASK_FAILED},
    {"ERROR", SEEDANCE_TASK_FAILED},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *json = g_strdup_printf ("{\"data\":{\"task_id\":\"t\","
        "\"status\":\"%s\",\"result\":{\"resources\":[{\"url\":"
        "\"https://cdn.example/v.mp4\",\"type\":\"video\"}]}}}",
        cases[i].status);
    SeedanceTask *task = parse_task (json, NULL);

    fail_unless (task != NULL, "%s", json);
    fail_unless_equals_int (task->state, cases[i].state);
    seedance_task_free (task);
    g_free (json);
  }
}

GST_END_TEST;

GST_START_TEST (test_task_success_resources)
{
  SeedanceTask *task;

  /* Objects under data.result.resources, the image after the video. */
  task = parse_task ("{\"data\":{\"task_id\":\"t\",\"status\":\"success\","
      "\"result\":{\"resources\":[{\"url\":\"https://cdn.example/v.mp4\","
      "\"type\":\"video\",\"width\":1280,\"height\":720},{\"url\":"
      "\"https://cdn.example/last.png\",\"type\":\"image\"}]}}}", NULL);
  fail_unless (task != NULL);
  fail_unless_equals_string (task->video_url, "https://cdn.example/v.mp4");
  fail_unless_equals_string (task->last_frame_url,
      "https://cdn.example/last.png");
  seedance_task_free (task);

  /* Older answers: resources directly under data, bare URL strings. */
  task = parse_task ("{\"data\":{\"status\":\"success\",\"resources\":"
      "[\"https://cdn.example/old.mp4\"]}}", NULL);
  fail_unless (task != NULL);
  fail_unless_equals_string (task->video_url, "https://cdn.example/old.mp4");
  fail_unless (task->task_id == NULL);
  seedance_task_free (task);

  /* An image first and a non-http URL are not taken for the video. */
  task = parse_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":[{\"url\":\"https://cdn.example/a.png\",\"type\":"
      "\"image\"},{\"url\":\"file:///etc/passwd\",\"type\":\"video\"},"
      "{\"url\":\"http://127.0.0.1:1/v.mp4\",\"type\":\"video\"}]}}}", NULL);
  fail_unless (task != NULL);
  fail_unless_equals_string (task->video_url, "http://127.0.0.1:1/v.mp4");
  seedance_task_free (task);
}

GST_END_TEST;

GST_START_TEST (test_task_success_without_video)
{
  assert_bad_task ("{\"data\":{\"status\":\"success\"}}");
  assert_bad_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":[]}}}");
  assert_bad_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":[{\"url\":\"https://x/a.png\",\"type\":\"image\"}]}}}");
  assert_bad_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":[{\"url\":42,\"type\":\"video\"}]}}}");
  assert_bad_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":{\"url\":\"https://x/v.mp4\"}}}}");
}

GST_END_TEST;

GST_START_TEST (test_task_failure_reason)
{
  static const struct
  {
    const gchar *json;
    const gchar *reason;
  } cases[] = {
    {"{\"data\":{\"status\":\"failed\",\"error\":{\"code\":\"nsfw\","
          "\"message\":\"the prompt was refused\"}}}",
        "the prompt was refused (nsfw)"},
    {"{\"data\":{\"status\":\"failed\",\"error\":\"quota\"}}", "quota"},
    {"{\"data\":{\"status\":\"failed\",\"message\":\"m1\"}}", "m1"},
    {"{\"data\":{\"status\":\"failed\",\"fail_reason\":\"r1\"}}", "r1"},
    {"{\"message\":\"envelope\",\"data\":{\"status\":\"failed\"}}",
        "envelope"},
    {"{\"data\":{\"status\":\"failed\",\"error\":7}}",
        "the API gave no reason"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    SeedanceTask *task = parse_task (cases[i].json, NULL);

    fail_unless (task != NULL, "%s", cases[i].json);
    fail_unless_equals_int (task->state, SEEDANCE_TASK_FAILED);
    fail_unless_equals_string (task->failure, cases[i].reason);
    seedance_task_free (task);
  }
}

GST_END_TEST;

GST_START_TEST (test_task_hostile)
{
  GString *deep = g_string_new ("{\"data\":{\"status\":\"processing\","
      "\"x\":");
  gchar *big;
  guint i;

  assert_bad_task ("");
  assert_bad_task ("{\"code\":0,");
  assert_bad_task ("<html><body>502 Bad Gateway</body></html>");
  assert_bad_task ("[1,2,3]");
  assert_bad_task ("\"success\"");
  assert_bad_task ("{\"data\":null}");
  assert_bad_task ("{\"data\":{\"status\":5}}");
  assert_bad_task ("{\"data\":{\"status\":\"\"}}");
  assert_bad_task ("{\"data\":{\"status\":[\"success\"]}}");
  assert_bad_task ("{\"data\":{\"task_id\":\"a b\",\"status\":\"pending\"}}");
  assert_bad_task ("{\"data\":\"success\"}");

  for (i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append (deep, "}}");
  assert_bad_task (deep->str);
  g_string_free (deep, TRUE);

  big = g_strnfill (SEEDANCE_MAX_ANSWER_SIZE + 1, ' ');
  assert_bad_task (big);
  g_free (big);

  /* Huge and negative numbers in fields we ignore are harmless. */
  {
    SeedanceTask *task = parse_task ("{\"data\":{\"status\":\"pending\","
        "\"progress\":-1e308,\"eta\":123456789012345678901234567890}}",
        NULL);

    fail_unless (task != NULL);
    seedance_task_free (task);
  }
}

GST_END_TEST;

/* An empty body, whose data an empty GBytes gives as NULL, is refused
 * like any other bad answer (it once reached json-glib, which refused
 * NULL with a critical and no error: found by fuzz/fuzz-task-answer.c). */
GST_START_TEST (test_empty_answer)
{
  GBytes *empty = g_bytes_new (NULL, 0);
  const gchar *data;
  GError *error = NULL;
  gsize len;

  data = g_bytes_get_data (empty, &len);
  fail_unless (seedance_task_parse (data, len, &error) == NULL);
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE));
  fail_unless (strstr (error->message, "empty") != NULL, "%s", error->message);
  g_clear_error (&error);

  fail_unless (seedance_submit_answer_parse (data, len, &error) == NULL);
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE));
  g_clear_error (&error);

  fail_unless (seedance_error_answer_message ("", 0) == NULL);
  g_bytes_unref (empty);
}

GST_END_TEST;

/* What an answer says reaches messages and bindings: it is UTF-8, or not
 * used. json-glib quotes raw bytes in its parse errors and turns an
 * unpaired surrogate escape into bytes that are not UTF-8 (found by
 * fuzz/fuzz-task-answer.c). */
GST_START_TEST (test_answer_text_utf8)
{
  GError *error = NULL;
  SeedanceTask *task;
  gchar *msg;
  const gchar *message = "{\"code\":500,\"message\":\"x\\udfffy\"}";

  /* (json-glib refuses a surrogate escape that ends a string: each one
   * here is followed by something.) A string quoted in json-glib's parse
   * error. */
  assert_bad_task ("{\"code\":0}{\"\\ud800x\"}");
  task = parse_task ("{\"code\":0}{\"\\ud800x\"}", &error);
  fail_unless (task == NULL);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  /* A status that is not UTF-8 is no status. */
  assert_bad_task ("{\"data\":{\"task_id\":\"t\",\"status\":"
      "\"\\ud800ted\"}}");

  /* A failure reason is a text for people: kept, its bad bytes shown as
   * U+FFFD. */
  task = parse_task ("{\"message\":\"other reason\",\"data\":{\"status\":"
      "\"failed\",\"error\":\"disk \\ud83dx full\"}}", NULL);
  fail_unless (task != NULL);
  fail_unless (g_utf8_validate (task->failure, -1, NULL));
  fail_unless (g_str_has_prefix (task->failure, "disk "), "%s", task->failure);
  fail_unless (g_str_has_suffix (task->failure, " full"), "%s", task->failure);
  fail_unless (strstr (task->failure, "\xef\xbf\xbd") != NULL, "%s",
      task->failure);
  seedance_task_free (task);

  /* Nor such a URL. */
  assert_bad_task ("{\"data\":{\"status\":\"success\",\"result\":"
      "{\"resources\":[\"https://x/\\ud800.mp4\"]}}}");

  msg = seedance_error_answer_message (message, strlen (message));
  fail_unless (msg != NULL);
  fail_unless (g_utf8_validate (msg, -1, NULL));
  fail_unless (g_str_has_prefix (msg, "x") && strstr (msg, "\xef\xbf\xbd"),
      "'%s'", msg);
  g_free (msg);
}

GST_END_TEST;

GST_START_TEST (test_submit_answer)
{
  static const gchar *bad[] = {
    "{\"code\":0,\"data\":{\"status\":\"pending\"}}",
    "{\"code\":0,\"data\":{\"task_id\":12}}",
    "{\"code\":0,\"data\":{\"task_id\":\"\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\"bad\\nid\"}}",
    /* Not one path segment that means itself. */
    "{\"code\":0,\"data\":{\"task_id\":\"..\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\".\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\"a/b\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\"a%2Fb\"}}",
    "{\"code\":0,\"data\":{\"task_id\":\"a b\"}}",
    /* json-glib would cut the string at the NUL: "t". */
    "{\"code\":0,\"data\":{\"task_id\":\"t\\u0000x\"}}",
    "{\"code\":0}",
    "<html></html>",
    "",
  };
  GError *error = NULL;
  gchar *id;
  guint i;
  const gchar *good = "{\"code\":0,\"message\":\"success\","
      "\"data\":{\"status\":\"pending\",\"task_id\":\"task-abc123\","
      "\"model_id\":\"model-123\",\"get_result\":{\"method\":\"GET\","
      "\"url\":\"https://elsewhere.example/x\"}}}";

  id = seedance_submit_answer_parse (good, strlen (good), &error);
  g_assert_no_error (error);
  fail_unless_equals_string (id, "task-abc123");
  g_free (id);

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    id = seedance_submit_answer_parse (bad[i], strlen (bad[i]), &error);
    fail_unless (id == NULL, "accepted %s", bad[i]);
    fail_unless (g_error_matches (error, SEEDANCE_ERROR,
            SEEDANCE_ERROR_BAD_RESPONSE));
    g_clear_error (&error);
  }
}

GST_END_TEST;

/* Only a NUL escape is refused: an escaped backslash before "u0000" is
 * text, and so is any other escape. */
GST_START_TEST (test_nul_escape)
{
  const gchar *nul = "{\"code\":0,\"data\":{\"task_id\":\"t1\","
      "\"status\":\"pen\\u0000ding\"}}";
  const gchar *text = "{\"code\":0,\"data\":{\"task_id\":\"t1\","
      "\"status\":\"a\\\\u0000\\u0041\"}}";
  GError *error = NULL;
  SeedanceTask *task;

  fail_if (seedance_task_parse (nul, strlen (nul), &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE));
  fail_unless (strstr (error->message, "NUL") != NULL, "%s", error->message);
  g_clear_error (&error);

  task = seedance_task_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  fail_unless_equals_string (task->status, "a\\u0000A");
  seedance_task_free (task);
}

GST_END_TEST;

/* A status is a word: one with control characters is refused, not
 * escaped into something longer (found by fuzz-task-answer). */
GST_START_TEST (test_status_control_characters)
{
  const gchar *answer = "{\"code\":0,\"data\":{\"task_id\":\"t1\","
      "\"status\":\"Completed\x10\x10\"}}";
  GError *error = NULL;

  fail_if (seedance_task_parse (answer, strlen (answer), &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE));
  fail_unless (strstr (error->message, "data.status") != NULL);
  g_clear_error (&error);
}

GST_END_TEST;

/* Text from servers and URIs reaches terminals and logs inert. */
GST_START_TEST (test_text_for_display)
{
  static const struct
  {
    const gchar *in, *out;
  } cases[] = {
    {"plain text, caf\xc3\xa9", "plain text, caf\xc3\xa9"},
    {"\x1b[2J\x1b]0;pwned\x07", "\\x1B[2J\\x1B]0;pwned\\x07"},
    {"a\nb\tc\rd", "a\\nb\\tc\\rd"},
    {"del\x7f c1\xc2\x9b", "del\\x7F c1\\x9B"},
    /* NOLINTNEXTLINE(misc-misleading-bidirectional): the very case */
    {"bidi \xe2\x80\xae evil", "bidi \\u202E evil"},
    {"bad \xff byte", "bad \xef\xbf\xbd byte"},
  };
  guint i;

  fail_unless (seedance_text_for_display (NULL) == NULL);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *shown = seedance_text_for_display (cases[i].in);

    fail_unless_equals_string (shown, cases[i].out);
    g_free (shown);
  }
}

GST_END_TEST;

GST_START_TEST (test_task_id_is_safe)
{
  static const gchar *good[] = { "task-abc123", "T_1.2~x", "a" };
  static const gchar *bad[] = { NULL, "", ".", "..", "a/b", "a b", "a%2F",
    "a?b", "a#b", "\xc3\xa9", "a\\b"
  };
  gchar *long_id = g_strnfill (257, 'a');
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++)
    fail_unless (seedance_task_id_is_safe (good[i]), "%s", good[i]);
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    fail_if (seedance_task_id_is_safe (bad[i]), "%s", GST_STR_NULL (bad[i]));
  fail_if (seedance_task_id_is_safe (long_id));
  long_id[256] = '\0';
  fail_unless (seedance_task_id_is_safe (long_id));
  g_free (long_id);
}

GST_END_TEST;

GST_START_TEST (test_error_answer_message)
{
  gchar *msg;
  const gchar *answer = "{\"code\":400,\"message\":"
      "\"Bad Request: duration: must be 4..15\"}";

  msg = seedance_error_answer_message (answer, strlen (answer));
  fail_unless_equals_string (msg, "Bad Request: duration: must be 4..15");
  g_free (msg);

  fail_unless (seedance_error_answer_message ("<html>", 6) == NULL);
  fail_unless (seedance_error_answer_message ("{\"message\":3}", 13) == NULL);
  fail_unless (seedance_error_answer_message (NULL, 0) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_retry_after)
{
  GDateTime *now = g_date_time_new_utc (2026, 11, 25, 8, 0, 0);
  GDateTime *later = g_date_time_add_seconds (now, 30);
  GDateTime *earlier = g_date_time_add_seconds (now, -30);
  gchar *later_s = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  gchar *earlier_s = g_date_time_format (earlier, "%a, %d %b %Y %H:%M:%S GMT");

  fail_unless_equals_int64 (seedance_parse_retry_after ("5", now), 5000);
  fail_unless_equals_int64 (seedance_parse_retry_after (" 10 ", now), 10000);
  fail_unless_equals_int64 (seedance_parse_retry_after ("0", now), 0);
  fail_unless_equals_int64 (seedance_parse_retry_after (later_s, now), 30000);
  fail_unless_equals_int64 (seedance_parse_retry_after (earlier_s, now), 0);
  /* Capped at 15 minutes, however large. */
  fail_unless_equals_int64 (seedance_parse_retry_after
      ("99999999999999999999999", now), 15 * 60 * 1000);
  fail_unless_equals_int64 (seedance_parse_retry_after (NULL, now), -1);
  fail_unless_equals_int64 (seedance_parse_retry_after ("", now), -1);
  fail_unless_equals_int64 (seedance_parse_retry_after ("-5", now), -1);
  fail_unless_equals_int64 (seedance_parse_retry_after ("5s", now), -1);
  fail_unless_equals_int64 (seedance_parse_retry_after ("soon", now), -1);

  g_free (later_s);
  g_free (earlier_s);
  g_date_time_unref (now);
  g_date_time_unref (later);
  g_date_time_unref (earlier);
}

GST_END_TEST;

/* X-RateLimit-Reset: the Unix time when the key may ask again, or from
 * some servers the seconds until then; capped like Retry-After. */
GST_START_TEST (test_rate_limit_reset)
{
  GDateTime *now = g_date_time_new_utc (2026, 11, 25, 8, 0, 0);
  gchar *in_30s = g_strdup_printf ("%" G_GINT64_FORMAT,
      g_date_time_to_unix (now) + 30);
  gchar *ago = g_strdup_printf ("%" G_GINT64_FORMAT,
      g_date_time_to_unix (now) - 30);

  fail_unless_equals_int64 (seedance_parse_rate_limit_reset (in_30s, now),
      30000);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset (ago, now), 0);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset (" 12 ", now),
      12000);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset
      ("99999999999999999999", now), -1);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset ("9999999999",
          now), 15 * 60 * 1000);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset (NULL, now), -1);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset ("", now), -1);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset ("-5", now), -1);
  fail_unless_equals_int64 (seedance_parse_rate_limit_reset ("soon", now), -1);

  g_free (ago);
  g_free (in_30s);
  g_date_time_unref (now);
}

GST_END_TEST;

GST_START_TEST (test_content_range)
{
  static const gchar *bad[] = {
    NULL, "", "bytes", "bytes */1000", "bytes 10-5/1000", "bytes 0-999/999",
    "bytes a-b/c", "items 0-1/2", "bytes 0-1/2x", "bytes -1-2/3",
    "bytes 0-18446744073709551615/18446744073709551615",
  };
  guint64 start;
  gint64 total;
  guint i;

  fail_unless (seedance_parse_content_range ("bytes 100-199/1000", &start,
          &total));
  fail_unless_equals_uint64 (start, 100);
  fail_unless_equals_int64 (total, 1000);
  fail_unless (seedance_parse_content_range ("bytes 0-0/*", &start, &total));
  fail_unless_equals_uint64 (start, 0);
  fail_unless_equals_int64 (total, -1);

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    fail_if (seedance_parse_content_range (bad[i], &start, &total),
        "accepted %s", bad[i]);
}

GST_END_TEST;

GST_START_TEST (test_api_url)
{
  static const struct
  {
    const gchar *url;
    const gchar *origin;
  } good[] = {
    {"https://api.modellix.ai", "https://api.modellix.ai"},
    {"https://api.modellix.ai/", "https://api.modellix.ai"},
    {"HTTPS://api.modellix.ai:8443", "https://api.modellix.ai:8443"},
    {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
    {"http://127.1.2.3", "http://127.1.2.3"},
    {"http://localhost:1", "http://localhost:1"},
    /* One origin, one spelling: the journal's fingerprint covers it. */
    {"http://[::1]:80", "http://[::1]"},
    {"http://LOCALHOST:80/", "http://localhost"},
    {"HTTP://127.0.0.1:80", "http://127.0.0.1"},
    {"http://127.0.0.1:443", "http://127.0.0.1:443"},
    {"https://API.Modellix.AI:443", "https://api.modellix.ai"},
    {"https://api.modellix.ai:80", "https://api.modellix.ai:80"},
  };
  static const gchar *bad[] = {
    NULL, "", "api.modellix.ai", "ftp://api.modellix.ai",
    "http://api.modellix.ai", "http://10.0.0.1", "http://localhost.example",
    "https://api.modellix.ai/api/v1", "https://api.modellix.ai?x=1",
    "https://api.modellix.ai#f", "https://user:pw@api.modellix.ai",
    "https://", "file:///tmp", "https://api.modellix.ai/?key=sk-secret",
    "https://sk-secret@api.modellix.ai/#sk-secret",
  };
  GError *error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (good); i++) {
    gchar *origin = NULL;

    fail_unless (seedance_check_api_url (good[i].url, &origin, &error),
        "rejected %s", good[i].url);
    fail_unless_equals_string (origin, good[i].origin);
    g_free (origin);
  }
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    fail_if (seedance_check_api_url (bad[i], NULL, &error), "accepted %s",
        bad[i]);
    fail_unless (g_error_matches (error, SEEDANCE_ERROR,
            SEEDANCE_ERROR_INVALID_PROPERTY));
    fail_unless (strstr (error->message, "api-url") != NULL);
    /* Credentials, query and fragment may hold a secret: never echoed. */
    fail_if (strstr (error->message, "sk-secret") != NULL, "%s",
        error->message);
    g_clear_error (&error);
  }
}

GST_END_TEST;

GST_START_TEST (test_model)
{
  static const gchar *bad[] = {
    NULL, "", "seedance", "/x", "x/", "a/b/c", "../x", "a/..", "a/b?c",
    "a b/c", "a/%2e%2e",
  };
  GError *error = NULL;
  guint i;

  fail_unless (seedance_check_model ("bytedance/seedance-2.0-fast-i2v", NULL));
  fail_unless (seedance_check_model ("p_1/m.2", NULL));
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    fail_if (seedance_check_model (bad[i], &error), "accepted %s", bad[i]);
    fail_unless (strstr (error->message, "'model'") != NULL);
    g_clear_error (&error);
  }
}

GST_END_TEST;

/* A 1x1 PNG, as bytes and as base64. */
static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
  0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static gchar *
body_with_first_frame (const gchar * image, GError ** error)
{
  SeedanceRequest r;
  gchar *body;

  seedance_request_init (&r);
  r.prompt = g_strdup ("p");
  r.first_frame_image = g_strdup (image);
  body = seedance_request_build_body (&r, NULL, error);
  seedance_request_clear (&r);
  return body;
}

/* The api-url and model messages quote the value, which may be any
 * bytes (a seedance:// URI decodes %FF): they stay UTF-8. */
GST_START_TEST (test_connection_messages_utf8)
{
  static const gchar *urls[] = {
    "https://\xff.example", "ftp://h\xe9st", "https://host/\xff",
    "http://\xc3.example:8080",
  };
  GError *error = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (urls); i++) {
    fail_if (seedance_check_api_url (urls[i], NULL, &error), "accepted %s",
        urls[i]);
    fail_unless (g_str_has_prefix (error->message,
            "Invalid property 'api-url'"), "%s", error->message);
    fail_unless (g_utf8_validate (error->message, -1, NULL), "%s: the "
        "message is not UTF-8", urls[i]);
    g_clear_error (&error);
  }

  fail_if (seedance_check_model ("bytedance/\xff", &error));
  fail_unless (g_str_has_prefix (error->message,
          "Invalid property 'model'"), "%s", error->message);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_image_forms)
{
  gchar *b64 = g_base64_encode (tiny_png, sizeof (tiny_png));
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "frame.jpg", NULL);
  gchar *uri, *body, *expected;
  GError *error = NULL;

  /* Bare base64 of an image is sent as given. */
  body = body_with_first_frame (b64, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("\"first_frame_image\":\"%s\"", b64);
  fail_unless (strstr (body, expected) != NULL, "%s", body);
  g_free (expected);
  g_free (body);

  /* A file named .jpg holding a PNG goes as image/png, by file:// too. */
  fail_unless (g_file_set_contents (path, (const gchar *) tiny_png,
          sizeof (tiny_png), NULL));
  uri = g_filename_to_uri (path, NULL, NULL);
  body = body_with_first_frame (uri, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("data:image/png;base64,%s", b64);
  fail_unless (strstr (body, expected) != NULL, "%s", body);
  g_free (expected);
  g_free (body);
  g_free (uri);

  /* A missing path that happens to be base64 alphabet is still a path. */
  fail_if (body_with_first_frame ("/no/such/dir/frameimage", &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY));
  fail_unless (strstr (error->message, "first-frame-image") != NULL);
  g_clear_error (&error);

  /* data: URIs must be images with data. */
  fail_if (body_with_first_frame ("data:text/plain;base64,aGk=", &error));
  g_clear_error (&error);
  fail_if (body_with_first_frame ("data:image/png;base64,", &error));
  g_clear_error (&error);
  fail_if (body_with_first_frame ("https://", &error));
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (b64);
}

GST_END_TEST;

/* Whatever goes into the body is UTF-8 (JSON is), and so is every error
 * message, whatever bytes the value had (found by fuzz/fuzz-request.c). */
GST_START_TEST (test_values_utf8)
{
  SeedanceRequest r;
  GError *error = NULL;

  fail_if (body_with_first_frame ("https://example.com/\xff.png", &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY));
  fail_unless (g_str_has_prefix (error->message,
          "Invalid property 'first-frame-image'"), "%s", error->message);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  seedance_request_init (&r);
  r.prompt = g_strdup ("p");
  r.audio_urls = g_new0 (gchar *, 2);
  r.audio_urls[0] = g_strdup ("https://example.com/\xe9.mp3");
  fail_if (seedance_request_build_body (&r, NULL, &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY));
  fail_unless (g_str_has_prefix (error->message,
          "Invalid property 'audio-urls'"), "%s", error->message);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  g_free (r.audio_urls[0]);
  r.audio_urls[0] = g_strdup ("ftp://\xff");
  fail_if (seedance_request_build_body (&r, NULL, &error));
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  seedance_request_clear (&r);
}

GST_END_TEST;

/* A data: URI is what the error message says it must be:
 * data:image/<type>;base64,<base64>. */
GST_START_TEST (test_data_uri_form)
{
  static const gchar *bad[] = {
    "data:image/svg+xml,<svg/>",
    "data:image/png,iVBORw0KGgo",
    "data:image/png;base64,iVBOR%3DKGgo",
    "data:image/png;base64,\xff",
    "data:image/png;base64, \n",
    "data:image/;base64,iVBORw0KGgo",
    "data:image/p\"ng;base64,iVBORw0KGgo",
    "data:image/png;charset=x,iVBORw0KGgo",
    "data:image/png;name;base64,iVBORw0KGgo",
  };
  /* As given, and as sent: base64 wrapped in lines, as base64(1) writes
   * it, is sent without its whitespace. */
  static const gchar *good[][2] = {
    {"data:image/png;base64,iVBORw0KGgo=",
        "data:image/png;base64,iVBORw0KGgo="},
    {"DATA:IMAGE/JPEG;BASE64,/9j/4AAQ", "DATA:IMAGE/JPEG;BASE64,/9j/4AAQ"},
    {"data:image/svg+xml;base64,PHN2Zy8+",
        "data:image/svg+xml;base64,PHN2Zy8+"},
    {"data:image/png;base64,iVBOR w0K\r\nGgo=\n",
        "data:image/png;base64,iVBORw0KGgo="},
    {"data:image/png;name=frame.png;base64,iVBORw0KGgo=",
        "data:image/png;name=frame.png;base64,iVBORw0KGgo="},
  };
  GError *error = NULL;
  gchar *body, *sent;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    fail_if (body_with_first_frame (bad[i], &error), "accepted %s", bad[i]);
    fail_unless (g_error_matches (error, SEEDANCE_ERROR,
            SEEDANCE_ERROR_INVALID_PROPERTY));
    fail_unless (strstr (error->message, ";base64,") != NULL, "%s",
        error->message);
    g_clear_error (&error);
  }
  for (i = 0; i < G_N_ELEMENTS (good); i++) {
    body = body_with_first_frame (good[i][0], &error);
    g_assert_no_error (error);
    sent = g_strdup_printf ("\"%s\"", good[i][1]);
    fail_unless (strstr (body, sent) != NULL, "%s", body);
    g_free (sent);
    g_free (body);
  }
}

GST_END_TEST;

/* file://host/path names a file of another machine: it is not read as
 * the local /path. file://localhost/path and file:///path are local. */
GST_START_TEST (test_file_uri_host)
{
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "frame.png", NULL);
  gchar *uri, *body;
  GError *error = NULL;

  fail_unless (g_file_set_contents (path, (const gchar *) tiny_png,
          sizeof (tiny_png), NULL));

  uri = g_strconcat ("file://elsewhere.example", path, NULL);
  fail_if (body_with_first_frame (uri, &error), "read %s", uri);
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY));
  fail_unless (strstr (error->message, "elsewhere.example") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  g_free (uri);

  uri = g_strconcat ("file://localhost", path, NULL);
  body = body_with_first_frame (uri, &error);
  g_assert_no_error (error);
  fail_unless (strstr (body, "data:image/png;base64,") != NULL, "%s", body);
  g_free (body);
  g_free (uri);

  /* This machine's own name is local too (RFC 8089). */
  uri = g_strconcat ("file://", g_get_host_name (), path, NULL);
  body = body_with_first_frame (uri, &error);
  g_assert_no_error (error);
  fail_unless (strstr (body, "data:image/png;base64,") != NULL, "%s", body);
  g_free (body);
  g_free (uri);

  /* A bad escape is refused, and leaks nothing. */
  fail_if (body_with_first_frame ("file://host//%00x", &error));
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* A damaged journal entry is ignored with a UTF-8 reason, whatever
 * json-glib quotes (as in test_answer_text_utf8). */
GST_START_TEST (test_journal_entry_not_utf8)
{
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  SeedanceJournal *journal = seedance_journal_open (dir, "abcd", NULL);
  gchar *problem = NULL;

  fail_unless (journal != NULL);
  fail_unless (g_file_set_contents (seedance_journal_get_path (journal),
          "{\"format\":\"gst-seedance-journal/1\"}{\"\\udfffx\"}", -1, NULL));
  fail_unless (seedance_journal_read (journal, &problem) == NULL);
  fail_unless (problem != NULL);
  fail_unless (strstr (problem, "not JSON") != NULL, "%s", problem);
  fail_unless (g_utf8_validate (problem, -1, NULL));
  g_free (problem);

  seedance_journal_free (journal);
  seedance_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

#define JOURNAL_FINGERPRINT \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* An entry of the request JOURNAL_FINGERPRINT with @extra members, its
 * "@CLIP@" and "@FRAME@" the request's own clip and last frame. */
static gchar *
journal_entry_text (SeedanceJournal * journal, const gchar * extra)
{
  GString *text = g_string_new ("{\"format\":\"gst-seedance-journal/1\","
      "\"fingerprint\":\"" JOURNAL_FINGERPRINT "\",\"task_id\":\"task-1\","
      "\"status\":\"success\",\"video_url_expires\":0,\"clip_size\":0,"
      "\"updated\":1");

  g_string_append (text, extra);
  g_string_append (text, "}");
  g_string_replace (text, "@CLIP@", seedance_journal_get_clip_path (journal),
      0);
  g_string_replace (text, "@FRAME@", seedance_journal_get_frame_path (journal),
      0);
  return g_string_free (text, FALSE);
}

/* The cached last frame's size and checksum are written and read back;
 * an entry written before them is read without them; malformed ones make
 * the entry untrusted, like a malformed clip; a frame that is not this
 * request's own is forgotten, and the task kept. */
GST_START_TEST (test_journal_entry_frame)
{
  static const gchar *const malformed[] = {
    ",\"last_frame\":\"@FRAME@\",\"last_frame_sha256\":\"" SHA_A "\"",
    ",\"last_frame\":\"@FRAME@\",\"last_frame_size\":5",
    ",\"last_frame\":\"@FRAME@\",\"last_frame_size\":\"5\","
        "\"last_frame_sha256\":\"" SHA_A "\"",
    ",\"last_frame\":\"@FRAME@\",\"last_frame_size\":5,"
        "\"last_frame_sha256\":\"E3B0\"",
    ",\"last_frame\":\"@FRAME@\",\"last_frame_size\":-5,"
        "\"last_frame_sha256\":\"" SHA_A "\"",
  };
  /* Files that are not this request's own: the task is kept, the cached
   * file forgotten, never followed. */
  static const gchar *const not_ours[] = {
    ",\"last_frame\":\"/tmp/elsewhere.png\",\"last_frame_size\":5,"
        "\"last_frame_sha256\":\"" SHA_A "\"",
    ",\"last_frame\":\"@CLIP@\",\"last_frame_size\":5,"
        "\"last_frame_sha256\":\"" SHA_A "\"",
    ",\"last_frame_size\":5,\"last_frame_sha256\":\"" SHA_A "\"",
  };
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  SeedanceJournal *journal = seedance_journal_open (dir, JOURNAL_FINGERPRINT,
      NULL);
  SeedanceJournalEntry *entry, *again;
  gchar *text, *problem = NULL, *name;
  guint i;

  fail_unless (journal != NULL);
  name = g_path_get_basename (seedance_journal_get_frame_path (journal));
  fail_unless_equals_string (name, JOURNAL_FINGERPRINT ".last-frame");
  g_free (name);

  /* Before the last frame was cached. */
  text = journal_entry_text (journal, "");
  fail_unless (g_file_set_contents (seedance_journal_get_path (journal), text,
          -1, NULL));
  g_free (text);
  entry = seedance_journal_read (journal, &problem);
  fail_unless (entry != NULL, "%s", problem);
  fail_unless (entry->frame_sha256 == NULL && entry->frame_size == 0);

  entry->frame_size = 69405;
  entry->frame_sha256 = g_strdup (SHA_A);
  fail_unless (seedance_journal_write (journal, entry, NULL));
  again = seedance_journal_read (journal, &problem);
  fail_unless (again != NULL, "%s", problem);
  fail_unless_equals_uint64 (again->frame_size, 69405);
  fail_unless_equals_string (again->frame_sha256, SHA_A);
  fail_unless_equals_string (again->task_id, "task-1");
  seedance_journal_entry_free (again);
  seedance_journal_entry_free (entry);

  for (i = 0; i < G_N_ELEMENTS (malformed); i++) {
    text = journal_entry_text (journal, malformed[i]);
    fail_unless (g_file_set_contents (seedance_journal_get_path (journal),
            text, -1, NULL));
    entry = seedance_journal_read (journal, &problem);
    fail_unless (entry == NULL, "%s was trusted", text);
    fail_unless (problem != NULL && (strstr (problem, "last frame") != NULL
            || strstr (problem, "wrong type") != NULL), "%s: %s", text,
        problem);
    g_clear_pointer (&problem, g_free);
    g_free (text);
  }
  for (i = 0; i < G_N_ELEMENTS (not_ours); i++) {
    text = journal_entry_text (journal, not_ours[i]);
    fail_unless (g_file_set_contents (seedance_journal_get_path (journal),
            text, -1, NULL));
    entry = seedance_journal_read (journal, &problem);
    fail_unless (entry != NULL, "%s: %s", text, problem);
    fail_unless_equals_string (entry->task_id, "task-1");
    fail_unless (entry->frame_sha256 == NULL && entry->frame_size == 0,
        "%s: the frame was trusted", text);
    seedance_journal_entry_free (entry);
    g_free (text);
  }

  seedance_journal_free (journal);
  seedance_test_remove_tree (dir);
  g_free (dir);
}

GST_END_TEST;

/* A request of prompt "p" with nine reference images, each @path. */
static void
init_nine_images (SeedanceRequest * r, const gchar * path)
{
  guint i;

  seedance_request_init (r);
  r->prompt = g_strdup ("p");
  r->reference_images = g_new0 (gchar *, 10);
  for (i = 0; i < 9; i++)
    r->reference_images[i] = g_strdup (path);
}

/* Fails unless @r's body is refused as INVALID_PROPERTY, the message
 * naming reference-images and saying @why. */
static void
assert_images_too_large (SeedanceRequest * r, const gchar * why)
{
  GError *error = NULL;

  fail_if (seedance_request_build_body (r, NULL, &error));
  fail_unless (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY));
  fail_unless (strstr (error->message, "reference-images") != NULL);
  fail_unless (strstr (error->message, why) != NULL, "%s", error->message);
  g_clear_error (&error);
}

GST_START_TEST (test_body_size_bound)
{
  SeedanceRequest r;
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "big.png", NULL);
  gsize size = 9 * 1024 * 1024;
  gchar *data = g_malloc0 (size);

  /* Nine 9 MiB images are each allowed, together too large to send. */
  memcpy (data, tiny_png, sizeof (tiny_png));
  fail_unless (g_file_set_contents (path, data, size, NULL));
  init_nine_images (&r, path);
  assert_images_too_large (&r, "48 MiB");

  seedance_request_clear (&r);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  g_free (data);
}

GST_END_TEST;

/* Local files are sized before one of them is read: nine sparse 6 MiB
 * files that are no images are refused for their size (read, the first
 * would be refused as no image); the inline bytes count, as base64. */
GST_START_TEST (test_body_size_checked_before_reading)
{
  SeedanceRequest r;
  gchar *dir = g_dir_make_tmp ("seedance-parsers-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "sparse.png", NULL);
  GError *error = NULL;
  gchar *body;
  gint fd;
  guint i;

  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  fail_unless (fd >= 0 && ftruncate (fd, 6 * 1024 * 1024) == 0);
  close (fd);
  init_nine_images (&r, path);
  assert_images_too_large (&r, "at least 75497473 bytes");

  /* Five of them stay under the bound: now they are read, and refused
   * for what they are. */
  for (i = 5; i < 9; i++)
    g_clear_pointer (&r.reference_images[i], g_free);
  fail_if ((body = seedance_request_build_body (&r, NULL, &error)));
  fail_unless (strstr (error->message, "not an image") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  seedance_request_clear (&r);
  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* The legacy fingerprint is exactly what entries were named by before the
 * account went in (else a pending task would be paid again); the new one
 * adds a hash of the key, never the key. */
GST_START_TEST (test_fingerprints)
{
  gchar *legacy = seedance_request_legacy_fingerprint ("https://a.example",
      "p/m", "{\"prompt\":\"x\"}");
  gchar *old = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      "https://a.example\np/m\n{\"prompt\":\"x\"}", -1);
  gchar *account = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      "sk-key-one-0123456789", -1);
  gchar *text = g_strdup_printf ("https://a.example\np/m\n%s\n"
      "{\"prompt\":\"x\"}", account);
  gchar *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text,
      -1);
  gchar *one = seedance_request_fingerprint ("https://a.example", "p/m",
      "sk-key-one-0123456789", "{\"prompt\":\"x\"}");
  gchar *two = seedance_request_fingerprint ("https://a.example", "p/m",
      "sk-key-two-0123456789", "{\"prompt\":\"x\"}");

  fail_unless_equals_string (legacy, old);
  fail_unless_equals_string (one, expected);
  fail_if (g_strcmp0 (one, two) == 0);
  fail_if (g_strcmp0 (one, legacy) == 0);

  g_free (two);
  g_free (one);
  g_free (expected);
  g_free (text);
  g_free (account);
  g_free (old);
  g_free (legacy);
}

GST_END_TEST;

static Suite *
parsers_suite (void)
{
  Suite *s = suite_create ("parsers");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_task_running);
  tcase_add_test (tc, test_task_statuses);
  tcase_add_test (tc, test_task_success_resources);
  tcase_add_test (tc, test_task_success_without_video);
  tcase_add_test (tc, test_task_failure_reason);
  tcase_add_test (tc, test_task_hostile);
  tcase_add_test (tc, test_empty_answer);
  tcase_add_test (tc, test_answer_text_utf8);
  tcase_add_test (tc, test_submit_answer);
  tcase_add_test (tc, test_error_answer_message);
  tcase_add_test (tc, test_retry_after);
  tcase_add_test (tc, test_rate_limit_reset);
  tcase_add_test (tc, test_content_range);
  tcase_add_test (tc, test_api_url);
  tcase_add_test (tc, test_model);
  tcase_add_test (tc, test_connection_messages_utf8);
  tcase_add_test (tc, test_image_forms);
  tcase_add_test (tc, test_values_utf8);
  tcase_add_test (tc, test_data_uri_form);
  tcase_add_test (tc, test_file_uri_host);
  tcase_add_test (tc, test_journal_entry_not_utf8);
  tcase_add_test (tc, test_journal_entry_frame);
  tcase_add_test (tc, test_body_size_bound);
  tcase_add_test (tc, test_body_size_checked_before_reading);
  tcase_add_test (tc, test_nul_escape);
  tcase_add_test (tc, test_text_for_display);
  tcase_add_test (tc, test_task_id_is_safe);
  tcase_add_test (tc, test_fingerprints);
  tcase_add_test (tc, test_status_control_characters);
  return s;
}

GST_CHECK_MAIN (parsers);
