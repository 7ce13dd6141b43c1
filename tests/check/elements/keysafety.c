/* gst-seedance: the API key goes to the API origin only, and into no log
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Two promises about the user's key. It is sent only to the API origin:
 * not after a redirect of the submission or of a query, not to a result
 * URL on a foreign origin, not to a foreign get_result URL; each test
 * checks the Authorization header of every request the emulator logged,
 * on all three origins. And it is never shown: whole runs, successful or
 * not, with the key from the property or from MODELLIX_API_KEY, are
 * captured at GST_DEBUG=*:9 with every GLib debug message enabled, and
 * neither a log line nor a bus message may contain it. (That api-url must
 * be https off loopback is tested in libs/parsers.c.) */

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "seedanceclient.h"
#include "seedancetestutils.h"

/* The clip of elements/seedancesrc.c's key test: rendered once per build. */
#define PROMPT "a red fox runs through fresh snow"

/* Any run of this many characters of the key is a leak: a key cut short
 * still shows, and so does one split across the 16-byte rows of a memory
 * dump. No other text of a run holds such a run. */
#define KEY_FRAGMENT 12
G_STATIC_ASSERT (sizeof (SEEDANCE_TEST_API_KEY) > KEY_FRAGMENT);

/* The key an emulator demands when the element must be refused. */
#define OTHER_KEY "sk-other-fedcba9876543210"

/* A successful run at GST_DEBUG=*:9 logs far more lines than this; an
 * error run at least this many. */
#define MIN_RUN_LINES 1000
#define MIN_ERROR_RUN_LINES 100

static const gchar *origin_names[] = { "API", "files", "other" };

static gboolean
contains_key (const gchar * text)
{
  const gchar *key = SEEDANCE_TEST_API_KEY;
  gchar fragment[KEY_FRAGMENT + 1];
  gsize i;

  if (text == NULL)
    return FALSE;
  for (i = 0; key[i + KEY_FRAGMENT - 1] != '\0'; i++) {
    memcpy (fragment, key + i, KEY_FRAGMENT);
    fragment[KEY_FRAGMENT] = '\0';
    if (strstr (text, fragment))
      return TRUE;
  }
  return FALSE;
}

static void
configure_clip (GstElement * src)
{
  g_object_set (src, "prompt", PROMPT, "duration", 4, "generate-audio", FALSE,
      NULL);
  gst_util_set_object_arg (G_OBJECT (src), "resolution", "480p");
}

static SeedanceTestFixture *
fixture_with_fault (const gchar * fault)
{
  SeedanceTestFixture *f = seedance_test_fixture_new_with_fault (fault,
      PROMPT);

  configure_clip (f->src);
  return f;
}

/* Every request on the API origin carries exactly the test key; no request
 * on another origin carries an Authorization header at all, and no path or
 * query anywhere holds the key. Counts the requests of each origin. */
static void
assert_key_only_to_api (SeedanceTestFixture * f, guint counts[3])
{
  GPtrArray *requests;
  guint i;

  memset (counts, 0, 3 * sizeof (guint));
  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    fail_unless (r->origin < G_N_ELEMENTS (origin_names));
    if (r->origin == SEEDANCE_EMULATOR_ORIGIN_API)
      fail_unless (g_strcmp0 (r->authorization,
              "Bearer " SEEDANCE_TEST_API_KEY) == 0,
          "%s %s on the API origin carried Authorization '%s', not the key",
          r->method, r->path, GST_STR_NULL (r->authorization));
    else
      fail_unless (r->authorization == NULL,
          "%s %s on the %s origin carried Authorization: %s", r->method,
          r->path, origin_names[r->origin], r->authorization);
    fail_if (contains_key (r->path) || contains_key (r->query),
        "%s %s?%s on the %s origin holds the key", r->method, r->path,
        GST_STR_NULL (r->query), origin_names[r->origin]);
    counts[r->origin]++;
  }
  g_ptr_array_unref (requests);
}

/* The number of requests logged that met a fault whose spec contains
 * @fault. */
static guint
count_faulted (SeedanceTestFixture * f, const gchar * fault)
{
  GPtrArray *requests;
  guint i, n = 0;

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->fault && strstr (r->fault, fault))
      n++;
  }
  g_ptr_array_unref (requests);
  return n;
}

/* The number of requests logged on @origin with that method and path
 * prefix (NULL = any) and, when not 0, that answer status. */
static guint
count_on_origin (SeedanceTestFixture * f, SeedanceEmulatorOrigin origin,
    const gchar * method, const gchar * path_prefix, guint status)
{
  GPtrArray *requests;
  guint i, n = 0;

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->origin == origin
        && (method == NULL || g_strcmp0 (r->method, method) == 0)
        && (path_prefix == NULL || g_str_has_prefix (r->path, path_prefix))
        && (status == 0 || r->status == status))
      n++;
  }
  g_ptr_array_unref (requests);
  return n;
}

static const gchar *
origin_url (SeedanceTestFixture * f, SeedanceEmulatorOrigin origin)
{
  switch (origin) {
    case SEEDANCE_EMULATOR_ORIGIN_FILES:
      return seedance_emulator_get_files_origin (f->emulator);
    case SEEDANCE_EMULATOR_ORIGIN_OTHER:
      return seedance_emulator_get_other_origin (f->emulator);
    default:
      return seedance_emulator_get_api_origin (f->emulator);
  }
}

/* ------------------------------------------------------------------------ */
/* The key goes to the API origin only. */

typedef struct
{
  const gchar *fault;
  /* The path the redirected request went to. */
  const gchar *path;
  guint status;                 /* the redirect the emulator answers */
  SeedanceEmulatorOrigin target;        /* where it points */
} RedirectCase;

static const RedirectCase redirect_cases[] = {
  {"submit:redirect", SEEDANCE_TEST_SUBMIT_PATH, 302,
      SEEDANCE_EMULATOR_ORIGIN_OTHER},
  {"submit:redirect=301", SEEDANCE_TEST_SUBMIT_PATH, 301,
      SEEDANCE_EMULATOR_ORIGIN_OTHER},
  {"submit:redirect=307", SEEDANCE_TEST_SUBMIT_PATH, 307,
      SEEDANCE_EMULATOR_ORIGIN_OTHER},
  {"submit:redirect=308", SEEDANCE_TEST_SUBMIT_PATH, 308,
      SEEDANCE_EMULATOR_ORIGIN_OTHER},
  {"submit:redirect=307:to=files", SEEDANCE_TEST_SUBMIT_PATH, 307,
      SEEDANCE_EMULATOR_ORIGIN_FILES},
  {"poll:redirect", SEEDANCE_TEST_TASKS_PATH, 302,
      SEEDANCE_EMULATOR_ORIGIN_OTHER},
  {"poll:redirect=308:to=files", SEEDANCE_TEST_TASKS_PATH, 308,
      SEEDANCE_EMULATOR_ORIGIN_FILES},
};

/* A redirect of an API request is not followed, whatever its status: the
 * error names it and where it leads, and nothing reaches that origin. A
 * redirect does not prove that the submission created no task (the API's
 * rules), so it is not sent again and the error says a task may exist; a
 * redirected query is not asked again either: it is no passing fault. */
GST_START_TEST (test_api_redirect_not_followed)
{
  const RedirectCase *c = &redirect_cases[__i__];
  SeedanceTestFixture *f = fixture_with_fault (c->fault);
  gboolean is_poll = g_str_equal (c->path, SEEDANCE_TEST_TASKS_PATH);
  gint code = is_poll ? GST_RESOURCE_ERROR_SETTINGS : GST_RESOURCE_ERROR_FAILED;
  GstMessage *msg;
  gchar *status_text, *task_id;
  guint counts[3];

  msg = seedance_test_fixture_run_to_error (f);
  status_text = g_strdup_printf ("HTTP %u", c->status);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code, status_text);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code, "redirects to");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code, "not followed");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code,
      origin_url (f, c->target));
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code,
      is_poll ? "Querying task" : "task may exist");
  if (is_poll) {
    /* The user is told which task to resume once the API is fixed. */
    task_id = seedance_test_fixture_get_task_id (f);
    fail_unless (task_id != NULL);
    seedance_test_assert_error (msg, GST_RESOURCE_ERROR, code, task_id);
    g_free (task_id);
  }
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_expect_requests (f, "GET", SEEDANCE_TEST_TASKS_PATH,
      is_poll ? 1 : 0);
  /* The emulator did answer the redirect the test is about. */
  fail_unless_equals_int (count_on_origin (f, SEEDANCE_EMULATOR_ORIGIN_API,
          NULL, c->path, c->status), 1);

  assert_key_only_to_api (f, counts);
  fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_FILES], 0);
  fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_OTHER], 0);
  g_free (status_text);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The result URL is on the third origin: the clip is downloaded there,
 * without the key, and the files origin is never asked. */
GST_START_TEST (test_result_on_other_origin)
{
  SeedanceTestFixture *f = fixture_with_fault ("task:result-origin=other");
  guint counts[3];

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);

  /* The task's answers carried the fault. */
  fail_unless (count_faulted (f, "task:result-origin=other") >= 2);
  assert_key_only_to_api (f, counts);
  fail_unless (count_on_origin (f, SEEDANCE_EMULATOR_ORIGIN_OTHER, "GET",
          SEEDANCE_TEST_FILES_PATH, 200) >= 1,
      "the clip was not downloaded from the other origin");
  fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_OTHER],
      count_on_origin (f, SEEDANCE_EMULATOR_ORIGIN_OTHER, "GET",
          SEEDANCE_TEST_FILES_PATH, 0));
  fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_FILES], 0);
  fail_unless (counts[SEEDANCE_EMULATOR_ORIGIN_API] >= 2,
      "only %u requests to the API", counts[SEEDANCE_EMULATOR_ORIGIN_API]);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The submission's answer offers get_result.url on the third origin: the
 * task is queried on the API origin all the same, and the third origin
 * never hears of the run. */
GST_START_TEST (test_get_result_on_other_origin_ignored)
{
  SeedanceTestFixture *f = fixture_with_fault ("task:get-result-origin=other");
  guint counts[3];

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);

  /* The fault did shape the submission's answer. */
  fail_unless (count_faulted (f, "task:get-result-origin=other") >= 1);
  assert_key_only_to_api (f, counts);
  fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_OTHER], 0);
  fail_unless (count_on_origin (f, SEEDANCE_EMULATOR_ORIGIN_API, "GET",
          SEEDANCE_TEST_TASKS_PATH, 200) >= 1, "the task was never queried");
  fail_unless (count_on_origin (f, SEEDANCE_EMULATOR_ORIGIN_FILES, "GET",
          SEEDANCE_TEST_FILES_PATH, 200) >= 1, "the clip was not downloaded");
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The key in what the API answers (a server that echoes it into a task
 * id, or a result URL that carries it) is never rewritten into the id or
 * URL: the answer is refused as unusable, and nothing goes out with a
 * masked id or to the files origin. */
typedef struct
{
  gint code;
  const gchar *text;
  guint n_task_gets;            /* at least; 0: exactly none */
} KeyInAnswerCase;

/* 0: the task id "task-<key>"; 1: a result URL "<files origin>/<key>/..." */
static const KeyInAnswerCase key_in_answer_cases[] = {
  {GST_RESOURCE_ERROR_FAILED, "task id carries the API key", 0},
  {GST_RESOURCE_ERROR_READ, "result URL carries the API key", 1},
};

GST_START_TEST (test_key_in_answer_refused)
{
  const KeyInAnswerCase *c = &key_in_answer_cases[__i__];
  SeedanceTestFixture *f;
  GstMessage *msg;
  GPtrArray *log;
  gchar *fault;
  guint i;

  f = seedance_test_fixture_new (NULL);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a cat surfing", NULL);
  if (__i__ == 0) {
    fault = g_strconcat ("submit:task-id=task-", SEEDANCE_TEST_API_KEY, NULL);
  } else {
    /* Fault values are percent-decoded; ':' separates options. */
    gchar *origin = g_uri_escape_string (seedance_emulator_get_files_origin
        (f->emulator), NULL, FALSE);

    fault = g_strconcat ("task:result-origin=", origin, "%2F",
        SEEDANCE_TEST_API_KEY, NULL);
    g_free (origin);
  }
  seedance_test_fixture_add_fault (f, fault);
  g_free (fault);

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, c->code, c->text);
  gst_message_unref (msg);

  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  if (c->n_task_gets == 0) {
    fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
            SEEDANCE_TEST_TASKS_PATH), 0);
  } else {
    fail_unless (seedance_test_fixture_count_requests (f, "GET",
            SEEDANCE_TEST_TASKS_PATH) >= c->n_task_gets);
  }
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "GET",
          SEEDANCE_TEST_FILES_PATH), 0);
  log = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < log->len; i++) {
    const SeedanceEmulatorRequest *r = g_ptr_array_index (log, i);

    fail_if (strstr (r->path, SEEDANCE_MASKED_KEY) != NULL,
        "a masked id was sent: %s", r->path);
  }
  g_ptr_array_unref (log);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The key is in no log line and no bus message. */

/* What a run logged, checked line by line as it is logged, from any
 * thread. The log functions are process-wide, and so is this. */
typedef struct
{
  GMutex lock;
  gboolean active;
  gchar *marker;                /* text proving the run was captured */
  guint n_lines;                /* GStreamer debug lines */
  guint n_glib_lines;           /* GLib log messages */
  guint n_marker_lines;
  guint n_authorization_lines;  /* redacted header lines */
  guint n_leaks;
  gchar *first_leak;
  guint n_messages;             /* bus messages */
  guint n_message_leaks;
  gchar *first_message_leak;

  /* What capture_stop() restores. */
  GstDebugLevel old_threshold;
  gboolean old_debug_enabled;
  gboolean removed_default_log;
  GLogFunc old_handler;
} LogCapture;

static LogCapture capture;

static void
capture_line (const gchar * line, gboolean glib)
{
  /* Any bearer value in a header line is a leak, even cut short. */
  gboolean leak = contains_key (line)
      || strstr (line, "Authorization: Bearer") != NULL;

  g_mutex_lock (&capture.lock);
  if (capture.active) {
    if (glib)
      capture.n_glib_lines++;
    else
      capture.n_lines++;
    if (capture.marker && strstr (line, capture.marker))
      capture.n_marker_lines++;
    if (strstr (line, "Authorization: [redacted]"))
      capture.n_authorization_lines++;
    if (leak && capture.n_leaks++ == 0)
      capture.first_leak = g_strdup (line);
  }
  g_mutex_unlock (&capture.lock);
}

static void
capture_gst_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  gchar *text;

  /* The emulator stands for the API: what it logs of the key it was sent
   * (a fault spec echoing it) is no leak of the element's. Its categories
   * are all named seedance-emulator*. */
  if (g_str_has_prefix (gst_debug_category_get_name (category),
          "seedance-emulator"))
    return;
  /* The line exactly as GST_DEBUG would print it, object name included. */
  text = gst_debug_log_get_line (category, level, file, function, line,
      object, message);
  capture_line (text, FALSE);
  g_free (text);
}

static void
capture_glib_log (const gchar * log_domain, GLogLevelFlags log_level,
    const gchar * message, gpointer user_data)
{
  gchar *text;

  text = g_strdup_printf ("%s: %s", GST_STR_NULL (log_domain), message);
  capture_line (text, TRUE);
  g_free (text);

  /* Debug and info are only counted, the rest shows as it would have. */
  if ((log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) == 0)
    g_log_default_handler (log_domain, log_level, message, NULL);
}

/* GST_DEBUG=*:9 and G_MESSAGES_DEBUG=all, into capture_line() only. */
static void
capture_start (void)
{
  fail_if (capture.active, "a capture is already running");
  g_mutex_lock (&capture.lock);
  capture.n_lines = capture.n_glib_lines = capture.n_marker_lines = 0;
  capture.n_authorization_lines = capture.n_leaks = 0;
  capture.n_messages = capture.n_message_leaks = 0;
  capture.active = TRUE;
  g_mutex_unlock (&capture.lock);

  capture.old_threshold = gst_debug_get_default_threshold ();
  capture.old_debug_enabled = g_log_get_debug_enabled ();

  capture.old_handler = g_log_set_default_handler (capture_glib_log, NULL);
  g_log_set_debug_enabled (TRUE);
  /* Millions of characters would go to stderr otherwise. */
  capture.removed_default_log =
      gst_debug_remove_log_function (gst_debug_log_default) > 0;
  gst_debug_add_log_function (capture_gst_log, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_default_threshold (GST_LEVEL_MEMDUMP);

  /* Proves that GLib's debug messages reach the handler. */
  g_log ("keysafety", G_LOG_LEVEL_DEBUG, "capture started");
}

static void
capture_stop (void)
{
  /* Debugging stays active: deactivating it would also silence the
   * categories GST_DEBUG enabled. */
  gst_debug_set_default_threshold (capture.old_threshold);
  gst_debug_remove_log_function (capture_gst_log);
  if (capture.removed_default_log)
    gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  g_log_set_debug_enabled (capture.old_debug_enabled);
  g_log_set_default_handler (capture.old_handler, NULL);

  g_mutex_lock (&capture.lock);
  capture.active = FALSE;
  g_mutex_unlock (&capture.lock);
}

static void
capture_clear (void)
{
  g_mutex_lock (&capture.lock);
  g_clear_pointer (&capture.marker, g_free);
  g_clear_pointer (&capture.first_leak, g_free);
  g_clear_pointer (&capture.first_message_leak, g_free);
  g_mutex_unlock (&capture.lock);
}

static void
capture_set_marker (const gchar * marker)
{
  g_mutex_lock (&capture.lock);
  g_free (capture.marker);
  capture.marker = g_strdup (marker);
  g_mutex_unlock (&capture.lock);
}

/* The task id, once known, proves that the lines of the run were seen. */
static void
task_id_notify_cb (GObject * object, GParamSpec * pspec, gpointer user_data)
{
  gchar *task_id = NULL;

  g_object_get (object, "task-id", &task_id, NULL);
  if (task_id)
    capture_set_marker (task_id);
  g_free (task_id);
}

static gchar *
message_to_string (GstMessage * msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  GString *text = g_string_new (GST_MESSAGE_TYPE_NAME (msg));
  GError *error = NULL;
  gchar *debug = NULL, *str;
  const GstStructure *details = NULL;

  if (s) {
    str = gst_structure_to_string (s);
    g_string_append_printf (text, " %s", str);
    g_free (str);
  }

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &error, &debug);
      gst_message_parse_error_details (msg, &details);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &error, &debug);
      gst_message_parse_warning_details (msg, &details);
      break;
    case GST_MESSAGE_INFO:
      gst_message_parse_info (msg, &error, &debug);
      gst_message_parse_info_details (msg, &details);
      break;
    default:
      break;
  }
  if (error) {
    g_string_append_printf (text, " [%s] [%s]", error->message,
        GST_STR_NULL (debug));
    g_error_free (error);
    g_free (debug);
  }
  if (details) {
    str = gst_structure_to_string (details);
    g_string_append_printf (text, " %s", str);
    g_free (str);
  }

  return g_string_free (text, FALSE);
}

/* Sees every message in the posting thread, before the fixture's waits
 * drop those they do not wait for. */
static GstBusSyncReply
capture_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  gchar *text = message_to_string (msg);

  g_mutex_lock (&capture.lock);
  capture.n_messages++;
  if (contains_key (text) && capture.n_message_leaks++ == 0)
    capture.first_message_leak = g_strdup (text);
  g_mutex_unlock (&capture.lock);
  g_free (text);

  return GST_BUS_PASS;
}

static void
capture_watch (SeedanceTestFixture * f)
{
  gst_bus_set_sync_handler (f->bus, capture_bus_message, NULL, NULL);
  g_signal_connect (f->src, "notify::task-id", G_CALLBACK (task_id_notify_cb),
      NULL);
}

static void
capture_unwatch (SeedanceTestFixture * f)
{
  gst_bus_set_sync_handler (f->bus, NULL, NULL, NULL);
  g_signal_handlers_disconnect_by_func (f->src, task_id_notify_cb, NULL);
}

/* The key's absence means something only if the run was captured: many
 * lines, some naming the marker, GLib's messages, every bus message.
 * @n_keyed: the requests that carried the key. */
static void
capture_assert_clean (guint min_lines, guint n_keyed)
{
  /* The capture is over: nothing else touches it now. */
  GST_INFO ("captured %u GStreamer lines (%u naming %s, %u redacted "
      "Authorization headers), %u GLib messages, %u bus messages",
      capture.n_lines, capture.n_marker_lines, GST_STR_NULL (capture.marker),
      capture.n_authorization_lines, capture.n_glib_lines, capture.n_messages);
  fail_unless (capture.n_leaks == 0, "%u log lines hold the key, the first: "
      "%s", capture.n_leaks, capture.first_leak);
  fail_unless (capture.n_message_leaks == 0, "%u bus messages hold the key, "
      "the first: %s", capture.n_message_leaks, capture.first_message_leak);
  fail_unless (capture.n_lines > min_lines, "only %u lines were captured",
      capture.n_lines);
  fail_unless (capture.n_glib_lines >= 1, "no GLib message was captured");
  fail_unless (capture.marker != NULL, "no marker to look for");
  fail_unless (capture.n_marker_lines >= 1, "no captured line names %s",
      capture.marker);
  fail_unless (capture.n_messages >= 5, "only %u bus messages were seen",
      capture.n_messages);

  /* HEADER LOG: the client prints libsoup's request and answer headers
   * into the seedanceclient category at LOG level (a SoupLogger), with
   * the Authorization value replaced by "[redacted]" (README). So each
   * keyed request logged its Authorization line, redacted, and no line
   * held the key (checked above). Drop this assertion only together with
   * that logger. */
  fail_unless (capture.n_authorization_lines >= n_keyed, "%u redacted "
      "Authorization header lines for %u requests with the key: is the "
      "client's header log gone?", capture.n_authorization_lines, n_keyed);
}

static void
assert_key_masked (SeedanceTestFixture * f)
{
  gchar *value = NULL;

  g_object_get (f->src, "api-key", &value, NULL);
  fail_unless_equals_string (value, "***");
  g_free (value);
}

typedef enum
{
  KEY_FROM_PROPERTY,
  KEY_FROM_ENVIRONMENT,
  KEY_FROM_FILE,
} KeySource;

/* A whole run, submission, polls and download to EOS, at GST_DEBUG=*:9:
 * the key is in no line, with the property or MODELLIX_API_KEY. */
GST_START_TEST (test_no_key_in_logs)
{
  KeySource source = __i__;
  SeedanceTestFixture *f;
  guint counts[3];

  capture_start ();
  f = seedance_test_fixture_new (NULL);
  if (source == KEY_FROM_PROPERTY) {
    seedance_test_fixture_launch_fakesink (f);
  } else if (source == KEY_FROM_FILE) {
    /* A wrong api-key too: the file wins. */
    gchar *path = seedance_test_fixture_write_file (f, "key",
        SEEDANCE_TEST_API_KEY "\n", -1);

    seedance_test_fixture_launch_fakesink (f);
    g_object_set (f->src, "api-key", OTHER_KEY, "api-key-file", path, NULL);
    g_free (path);
  } else {
    /* The element reads the variable when it is made. */
    g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);
    seedance_test_fixture_launch_unconfigured (f,
        "seedancesrc name=src ! fakesink");
    g_unsetenv ("MODELLIX_API_KEY");
    g_object_set (f->src, "api-url",
        seedance_emulator_get_api_origin (f->emulator), "poll-interval",
        (guint) SEEDANCE_TEST_POLL_INTERVAL, NULL);
  }
  configure_clip (f->src);
  assert_key_masked (f);
  capture_watch (f);

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);
  assert_key_masked (f);

  /* The key was really used, and went only where it belongs. */
  assert_key_only_to_api (f, counts);
  fail_unless (counts[SEEDANCE_EMULATOR_ORIGIN_API] >= 2);
  fail_unless (counts[SEEDANCE_EMULATOR_ORIGIN_FILES] >= 1);

  capture_unwatch (f);
  seedance_test_fixture_free (f);
  capture_stop ();

  capture_assert_clean (MIN_RUN_LINES, counts[SEEDANCE_EMULATOR_ORIGIN_API]);
  capture_clear ();
}

GST_END_TEST;

typedef struct
{
  const gchar *fault;           /* NULL: the emulator demands OTHER_KEY */
  gint code;                    /* a RESOURCE error */
  const gchar *text;            /* in the error message, and logged */
} ErrorCase;

/* The last two echo the key back: the client masks it. */
static const ErrorCase error_cases[] = {
  {NULL, GST_RESOURCE_ERROR_NOT_AUTHORIZED, "HTTP 401"},
  {"submit:400", GST_RESOURCE_ERROR_SETTINGS, "HTTP 400"},
  {"submit:401:message=Incorrect%20API%20key%20" SEEDANCE_TEST_API_KEY,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "Incorrect API key ***"},
  {"task:fail:reason=key%20" SEEDANCE_TEST_API_KEY "%20is%20suspended",
      GST_RESOURCE_ERROR_FAILED, "key *** is suspended"},
};

/* A refused submission, at GST_DEBUG=*:9: neither the error message nor
 * any log line shows the key the API refused. */
GST_START_TEST (test_no_key_in_logs_on_error)
{
  const ErrorCase *c = &error_cases[__i__];
  SeedanceEmulatorConfig config;
  SeedanceTestFixture *f;
  GstMessage *msg;
  gchar *text;
  guint counts[3];

  capture_start ();
  capture_set_marker (c->text);
  seedance_test_config_init (&config);
  if (c->fault == NULL)
    config.api_key = OTHER_KEY;
  f = seedance_test_fixture_new (&config);
  if (c->fault)
    fail_unless (seedance_emulator_add_fault (f->emulator, c->fault, NULL),
        "bad fault '%s'", c->fault);
  seedance_test_fixture_launch_fakesink (f);
  configure_clip (f->src);
  capture_watch (f);

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR, c->code, c->text);
  text = message_to_string (msg);
  fail_if (contains_key (text), "the error shows the key: %s", text);
  g_free (text);
  gst_message_unref (msg);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  assert_key_masked (f);
  assert_key_only_to_api (f, counts);
  /* The POST, and the queries of a task that fails. */
  if (c->code == GST_RESOURCE_ERROR_FAILED)
    fail_unless (counts[SEEDANCE_EMULATOR_ORIGIN_API] > 1);
  else
    fail_unless_equals_int (counts[SEEDANCE_EMULATOR_ORIGIN_API], 1);

  capture_unwatch (f);
  seedance_test_fixture_free (f);
  capture_stop ();

  capture_assert_clean (MIN_ERROR_RUN_LINES,
      counts[SEEDANCE_EMULATOR_ORIGIN_API]);
  capture_clear ();
}

GST_END_TEST;

typedef enum
{
  KEY_FILE_MISSING,
  KEY_FILE_DIRECTORY,
  KEY_FILE_FIFO,
  KEY_FILE_DEVICE,
  KEY_FILE_EMPTY_LINE,
  KEY_FILE_SPACES,
  KEY_FILE_HUGE,
} KeyFileKind;

typedef struct
{
  KeyFileKind kind;
  const gchar *why;             /* in the error message */
} BadKeyFile;

static const BadKeyFile bad_key_files[] = {
  {KEY_FILE_MISSING, "No such file"},
  {KEY_FILE_DIRECTORY, "not a regular file"},
  {KEY_FILE_FIFO, "not a regular file"},
  {KEY_FILE_DEVICE, "not a regular file"},
  {KEY_FILE_EMPTY_LINE, "first line is empty"},
  {KEY_FILE_SPACES, "not a key"},
  {KEY_FILE_HUGE, "larger than a key file"},
};

/* An api-key-file that holds no key fails the start, names the property
 * and what is allowed, never quotes the file, never blocks on a FIFO or
 * reads a device, and sends nothing. */
GST_START_TEST (test_bad_key_file)
{
  const BadKeyFile *c = &bad_key_files[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *path = seedance_test_fixture_path (f, "key"), *dbg = NULL;
  GError *error = NULL;
  GstMessage *msg;

  switch (c->kind) {
    case KEY_FILE_MISSING:
      break;
    case KEY_FILE_DIRECTORY:
      fail_unless (g_mkdir (path, 0700) == 0);
      break;
    case KEY_FILE_FIFO:
      fail_unless (mkfifo (path, 0600) == 0);
      break;
    case KEY_FILE_DEVICE:
      g_free (path);
      path = g_strdup ("/dev/zero");
      break;
    case KEY_FILE_EMPTY_LINE:
      fail_unless (g_file_set_contents (path, "\n" SEEDANCE_TEST_API_KEY,
              -1, NULL));
      break;
    case KEY_FILE_SPACES:
      fail_unless (g_file_set_contents (path, "my secret " OTHER_KEY "\n",
              -1, NULL));
      break;
    case KEY_FILE_HUGE:{
      gchar *big = g_strnfill (8192, 'k');

      fail_unless (g_file_set_contents (path, big, -1, NULL));
      g_free (big);
      break;
    }
  }
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "api-key-file", path, NULL);
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Invalid property 'api-key-file'");
  gst_message_parse_error (msg, &error, &dbg);
  fail_unless (strstr (error->message, c->why), "'%s' does not say '%s'",
      error->message, c->why);
  fail_unless (strstr (error->message, "allowed"), "%s", error->message);
  fail_if (strstr (error->message, OTHER_KEY) || contains_key (dbg),
      "%s", error->message);
  g_error_free (error);
  g_free (dbg);
  gst_message_unref (msg);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);

  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
keysafety_suite (void)
{
  Suite *s = suite_create ("keysafety");
  TCase *tc;

  g_mutex_init (&capture.lock);

  tc = tcase_create ("origins");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_api_redirect_not_followed, 0,
      G_N_ELEMENTS (redirect_cases));
  tcase_add_test (tc, test_result_on_other_origin);
  tcase_add_test (tc, test_get_result_on_other_origin_ignored);
  tcase_add_loop_test (tc, test_key_in_answer_refused, 0,
      G_N_ELEMENTS (key_in_answer_cases));

  tc = tcase_create ("logs");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_no_key_in_logs, KEY_FROM_PROPERTY,
      KEY_FROM_FILE + 1);
  tcase_add_loop_test (tc, test_bad_key_file, 0, G_N_ELEMENTS (bad_key_files));
  tcase_add_loop_test (tc, test_no_key_in_logs_on_error, 0,
      G_N_ELEMENTS (error_cases));

  return s;
}

SEEDANCE_CHECK_MAIN (keysafety);
