/* gst-seedance: helpers shared by the GstCheck suites
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"

void
seedance_test_prepare_environment (void)
{
  /* The suites must never reach the real service with the user's key. */
  g_unsetenv ("MODELLIX_API_KEY");
  g_unsetenv ("MODELLIX_BASE_URL");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  /* Polls as fast as the test asks: the key's request budget is the
   * business of the tests (and the benchmark) that set
   * requests-per-minute. */
  g_setenv ("MODELLIX_REQUESTS_PER_MINUTE", "0", TRUE);
}

void
seedance_test_config_init (SeedanceEmulatorConfig * config)
{
  seedance_emulator_config_init (config);
  config->api_key = SEEDANCE_TEST_API_KEY;
  config->generation_ms = 300;
  /* Shared by all suites so that each clip is rendered once per build. */
  config->clip_cache_dir = g_getenv ("SEEDANCE_EMULATOR_CACHE");
}

/* On the emulator's thread, for every request it logged. */
static void
request_cb (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  SeedanceTestFixture *f = user_data;

  g_mutex_lock (&f->lock);
  if (f->bus)
    gst_bus_post (f->bus, gst_message_new_application (NULL,
            gst_structure_new_empty ("seedance-test-request")));
  g_mutex_unlock (&f->lock);
}

SeedanceTestFixture *
seedance_test_fixture_new (const SeedanceEmulatorConfig * config)
{
  gchar *cache_home;
  SeedanceTestFixture *f;
  GError *error = NULL;

  f = g_new0 (SeedanceTestFixture, 1);
  g_mutex_init (&f->lock);

  if (config)
    f->config = *config;
  else
    seedance_test_config_init (&f->config);
  f->config.request_func = request_cb;
  f->config.request_func_data = f;

  f->emulator = seedance_emulator_start (&f->config, &error);
  fail_unless (f->emulator != NULL, "emulator did not start: %s",
      error ? error->message : "no error");

  f->tmpdir = g_dir_make_tmp ("seedance-check-XXXXXX", &error);
  fail_unless (f->tmpdir != NULL, "no scratch directory: %s",
      error ? error->message : "no error");
  /* The element's task journal and clip cache (and those of the programs
   * a test runs) start empty in each test: an emulator of an earlier test
   * may have had the same port, hence the same requests. */
  cache_home = g_build_filename (f->tmpdir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_free (cache_home);

  return f;
}

/* Removes @path and everything below it (not following symlinks). */
void
seedance_test_remove_tree (const gchar * path)
{
  GDir *dir;
  const gchar *name;

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL) {
    gchar *file = g_build_filename (path, name, NULL);

    if (g_file_test (file, G_FILE_TEST_IS_DIR)
        && !g_file_test (file, G_FILE_TEST_IS_SYMLINK))
      seedance_test_remove_tree (file);
    else
      g_unlink (file);
    g_free (file);
  }
  g_dir_close (dir);
  g_rmdir (path);
}

/* After an EOS the bin may still be going to PLAYING in a thread of
 * gst_element_call_async(), which drops its reference to the pipeline just
 * after the state lock, so maybe after our stop: wait for it. */
static void
wait_single_ref (GstElement * element)
{
  gint64 deadline = g_get_monotonic_time () +
      SEEDANCE_TEST_TIMEOUT / GST_USECOND;

  while (GST_OBJECT_REFCOUNT_VALUE (element) > 1) {
    fail_unless (g_get_monotonic_time () < deadline, "%s keeps %d references",
        GST_OBJECT_NAME (element), GST_OBJECT_REFCOUNT_VALUE (element));
    g_usleep (G_TIME_SPAN_MILLISECOND);
  }
}

void
seedance_test_fixture_free (SeedanceTestFixture * f)
{
  if (f->pipeline) {
    fail_unless_equals_int (gst_element_set_state (f->pipeline,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (f->src);
    g_mutex_lock (&f->lock);
    gst_clear_object (&f->bus);
    g_mutex_unlock (&f->lock);
    wait_single_ref (f->pipeline);
    gst_object_unref (f->pipeline);
  }

  seedance_emulator_stop (f->emulator);

  seedance_test_remove_tree (f->tmpdir);
  g_free (f->tmpdir);
  g_mutex_clear (&f->lock);
  g_free (f);
}

GstElement *
seedance_test_fixture_make_src (SeedanceTestFixture * f)
{
  GstElement *src;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL, "no seedancesrc element: is GST_PLUGIN_PATH set?");

  g_object_set (src,
      "api-url", seedance_emulator_get_api_origin (f->emulator),
      "api-key", SEEDANCE_TEST_API_KEY,
      "poll-interval", (guint) SEEDANCE_TEST_POLL_INTERVAL, NULL);

  return src;
}

static void
task_id_notify_cb (GObject * object, GParamSpec * pspec,
    SeedanceTestFixture * f)
{
  g_mutex_lock (&f->lock);
  f->task_id_notifies++;
  g_mutex_unlock (&f->lock);
}

void
seedance_test_fixture_launch_unconfigured (SeedanceTestFixture * f,
    const gchar * description)
{
  GError *error = NULL;

  fail_unless (f->pipeline == NULL, "one pipeline per fixture");

  f->pipeline = gst_parse_launch (description, &error);
  fail_unless (error == NULL, "could not parse '%s': %s", description,
      error ? error->message : "");
  fail_unless (GST_IS_PIPELINE (f->pipeline), "'%s' is not a pipeline",
      description);

  f->src = gst_bin_get_by_name (GST_BIN (f->pipeline), "src");
  fail_unless (f->src != NULL, "no element named 'src' in '%s'", description);

  g_signal_connect (f->src, "notify::task-id",
      G_CALLBACK (task_id_notify_cb), f);

  g_mutex_lock (&f->lock);
  f->bus = gst_element_get_bus (f->pipeline);
  g_mutex_unlock (&f->lock);
}

void
seedance_test_fixture_launch (SeedanceTestFixture * f,
    const gchar * description)
{
  seedance_test_fixture_launch_unconfigured (f, description);

  g_object_set (f->src,
      "api-url", seedance_emulator_get_api_origin (f->emulator),
      "api-key", SEEDANCE_TEST_API_KEY,
      "poll-interval", (guint) SEEDANCE_TEST_POLL_INTERVAL, NULL);
}

void
seedance_test_fixture_launch_fakesink (SeedanceTestFixture * f)
{
  seedance_test_fixture_launch (f, "seedancesrc name=src ! fakesink");
}

static void
fail_with_error_message (GstMessage * msg)
{
  GError *error = NULL;
  gchar *debug = NULL;

  gst_message_parse_error (msg, &error, &debug);
  fail ("unexpected error from %s: %s (%s, %d) [%s]",
      GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), error->message,
      g_quark_to_string (error->domain), error->code, GST_STR_NULL (debug));
}

static gint
spawn (SeedanceTestFixture * f, const gchar * const *argv, gboolean host,
    gchar ** out, gchar ** err)
{
  gchar **envp = g_get_environ ();
  GError *error = NULL;
  gint status;

  envp = g_environ_setenv (envp, "MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  envp = g_environ_setenv (envp, "MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY,
      TRUE);
#ifdef SEEDANCE_SANITIZER_RUNTIME
  if (host) {
    const gchar *asan_options = g_environ_getenv (envp, "ASAN_OPTIONS");
    gchar *options = g_strconcat (asan_options ? asan_options : "",
        asan_options ? ":" : "", "detect_leaks=0", NULL);

    /* The leaks of python3 or ges-launch-1.0 are theirs; the plugin's own
     * are checked in the test processes, which load it too. */
    envp = g_environ_setenv (envp, "LD_PRELOAD", SEEDANCE_SANITIZER_RUNTIME,
        TRUE);
    envp = g_environ_setenv (envp, "ASAN_OPTIONS", options, TRUE);
    g_free (options);
  }
#endif
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, envp, G_SPAWN_DEFAULT,
          NULL, NULL, out, err, &status, &error), "%s: %s", argv[0],
      error ? error->message : "");
  g_strfreev (envp);
#ifdef SEEDANCE_SANITIZED
  /* A sanitizer report in the child fails the test even where the test
   * expects the child to fail; the log shows it. */
  if (err && *err && (strstr (*err, "ERROR: AddressSanitizer")
          || strstr (*err, "ERROR: LeakSanitizer")
          || strstr (*err, "runtime error:"))) {
    g_printerr ("%s", *err);
    fail ("%s: a sanitizer report (above)", argv[0]);
  }
#endif
  return status;
}

gint
seedance_test_fixture_spawn (SeedanceTestFixture * f,
    const gchar * const *argv, gchar ** out, gchar ** err)
{
  return spawn (f, argv, FALSE, out, err);
}

gint
seedance_test_fixture_spawn_host (SeedanceTestFixture * f,
    const gchar * const *argv, gchar ** out, gchar ** err)
{
  return spawn (f, argv, TRUE, out, err);
}

GstDiscovererInfo *
seedance_test_discover_file (const gchar * path)
{
  GstDiscoverer *discoverer;
  GstDiscovererInfo *info;
  GError *error = NULL;
  gchar *uri = gst_filename_to_uri (path, NULL);

  discoverer = gst_discoverer_new (10 * GST_SECOND, &error);
  fail_unless (discoverer != NULL, "%s", error ? error->message : "");
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  fail_unless (info != NULL, "%s: %s", path, error ? error->message : "");
  fail_unless_equals_int (gst_discoverer_info_get_result (info),
      GST_DISCOVERER_OK);
  g_object_unref (discoverer);
  g_free (uri);
  return info;
}

void
seedance_test_assert_duration (GstDiscovererInfo * info, GstClockTime expected)
{
  GstClockTime duration = gst_discoverer_info_get_duration (info);

  fail_unless (ABS (GST_CLOCK_DIFF (expected, duration)) <=
      SEEDANCE_TEST_FRAME_TOLERANCE, "%s lasts %" GST_TIME_FORMAT ", not %"
      GST_TIME_FORMAT, gst_discoverer_info_get_uri (info),
      GST_TIME_ARGS (duration), GST_TIME_ARGS (expected));
}

GstMessage *
seedance_test_wait_eos_or_error (GstBus * bus, GstClockTime timeout)
{
  GstMessage *msg;

  msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no EOS or ERROR within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));

  return msg;
}

void
seedance_test_fixture_run_to_eos (SeedanceTestFixture * f)
{
  GstMessage *msg;

  /* The work happens in the streaming thread: never block the caller. */
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);

  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    fail_with_error_message (msg);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
}

void
seedance_test_fixture_run_resumed (SeedanceTestFixture * f,
    const gchar * description, const gchar * task_id, const gchar * prompt)
{
  GstElement *pipeline = gst_parse_launch (description, NULL);
  GstElement *src;
  GstBus *bus;
  GstMessage *msg;

  fail_unless (pipeline != NULL, "could not parse '%s'", description);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  bus = gst_element_get_bus (pipeline);
  g_object_set (src, "task-id", task_id,
      "api-url", seedance_emulator_get_api_origin (f->emulator),
      "api-key", SEEDANCE_TEST_API_KEY,
      "poll-interval", (guint) SEEDANCE_TEST_POLL_INTERVAL, NULL);
  if (prompt)
    g_object_set (src, "prompt", prompt, NULL);

  fail_unless_equals_int (gst_element_set_state (pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  msg = seedance_test_wait_eos_or_error (bus, SEEDANCE_TEST_TIMEOUT);
  fail_unless (msg != NULL, "resuming task %s hung", task_id);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    fail_with_error_message (msg);
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

guint
seedance_test_fixture_count_tasks (SeedanceTestFixture * f)
{
  gchar **tasks = seedance_emulator_list_tasks (f->emulator);
  guint n = g_strv_length (tasks);

  g_strfreev (tasks);
  return n;
}

void
seedance_test_fixture_add_fault (SeedanceTestFixture * f, const gchar * spec)
{
  GError *error = NULL;

  fail_unless (seedance_emulator_add_fault (f->emulator, spec, &error),
      "bad fault '%s': %s", spec, error ? error->message : "");
}

SeedanceTestFixture *
seedance_test_fixture_new_with_fault (const gchar * fault, const gchar * prompt)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);

  if (fault)
    seedance_test_fixture_add_fault (f, fault);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", prompt, NULL);
  return f;
}

GstMessage *
seedance_test_fixture_fail_to_start (SeedanceTestFixture * f)
{
  GstMessage *msg, *extra;

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);

  /* start() posted the error before the state change returned. */
  msg = gst_bus_timed_pop_filtered (f->bus, 0, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "the failed state change posted no error");
  /* Its own, alone: not followed by GstBaseSrc's "failed to post a proper
   * error message". */
  extra = gst_bus_timed_pop_filtered (f->bus, 0, GST_MESSAGE_ERROR);
  if (extra) {
    GError *error = NULL;

    gst_message_parse_error (extra, &error, NULL);
    fail ("a second error followed the element's own: %s", error->message);
  }

  return msg;
}

GstMessage *
seedance_test_fixture_run_to_error (SeedanceTestFixture * f)
{
  GstMessage *msg;

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);

  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);

  return msg;
}

guint
seedance_test_fixture_count_requests (SeedanceTestFixture * f,
    const gchar * method, const gchar * path_prefix)
{
  return seedance_emulator_count_requests (f->emulator, method, path_prefix);
}

void
seedance_test_fixture_wait_requests (SeedanceTestFixture * f,
    const gchar * method, const gchar * path_prefix, guint count)
{
  GstMessage *error_msg = NULL;
  gint64 deadline;

  fail_unless (f->bus != NULL, "no pipeline to wait on");

  deadline = g_get_monotonic_time () + SEEDANCE_TEST_TIMEOUT / GST_USECOND;

  /* Every logged request posts an application message (request_cb), so
   * this wakes up exactly when the log grows. */
  while (seedance_test_fixture_count_requests (f, method, path_prefix) < count) {
    GstMessage *msg;
    gint64 remaining = deadline - g_get_monotonic_time ();

    if (remaining <= 0) {
      if (error_msg)
        fail_with_error_message (error_msg);
      fail ("fewer than %u %s %s* requests within %" GST_TIME_FORMAT, count,
          GST_STR_NULL (method), GST_STR_NULL (path_prefix),
          GST_TIME_ARGS (SEEDANCE_TEST_TIMEOUT));
    }

    msg = gst_bus_timed_pop_filtered (f->bus, remaining * GST_USECOND,
        GST_MESSAGE_ERROR | GST_MESSAGE_APPLICATION);
    if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && error_msg == NULL) {
      /* The element may see an answer before the emulator logs it: give
       * the log a moment before failing. */
      error_msg = msg;
      deadline = MIN (deadline, g_get_monotonic_time () + G_USEC_PER_SEC);
    } else if (msg) {
      gst_message_unref (msg);
    }
  }

  /* Leave an error for the caller to inspect. */
  if (error_msg)
    gst_bus_post (f->bus, error_msg);
}

void
seedance_test_fixture_expect_requests (SeedanceTestFixture * f,
    const gchar * method, const gchar * path_prefix, guint count)
{
  guint n;

  seedance_test_fixture_wait_requests (f, method, path_prefix, count);
  n = seedance_test_fixture_count_requests (f, method, path_prefix);
  fail_unless (n == count, "%u %s %s* requests, expected %u", n,
      method ? method : "(any)", path_prefix ? path_prefix : "", count);
}

void
seedance_test_assert_error (GstMessage * msg, GQuark domain, gint code,
    const gchar * substring)
{
  GError *error = NULL;
  gchar *debug = NULL;

  fail_unless_equals_string (gst_message_type_get_name (GST_MESSAGE_TYPE
          (msg)), "error");

  gst_message_parse_error (msg, &error, &debug);
  fail_unless (error->domain == domain && error->code == code,
      "expected error %s %d, got %s %d: %s [%s]", g_quark_to_string (domain),
      code, g_quark_to_string (error->domain), error->code, error->message,
      GST_STR_NULL (debug));
  if (substring)
    fail_unless (strstr (error->message, substring) != NULL,
        "error message '%s' does not name '%s'", error->message, substring);

  g_error_free (error);
  g_free (debug);
}

JsonNode *
seedance_test_fixture_get_submit_body (SeedanceTestFixture * f,
    const gchar * model)
{
  GPtrArray *requests;
  JsonParser *parser;
  JsonNode *root;
  GError *error = NULL;
  gchar *path;
  const gchar *body = NULL;
  guint i, n_posts = 0, n_matching = 0;

  path = g_strdup_printf ("/api/v1/%s/async",
      model ? model : SEEDANCE_TEST_DEFAULT_MODEL);

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (g_strcmp0 (r->method, "POST") != 0)
      continue;
    n_posts++;
    if (r->origin == SEEDANCE_EMULATOR_ORIGIN_API
        && g_strcmp0 (r->path, path) == 0) {
      n_matching++;
      body = r->body;
    }
  }
  fail_unless_equals_int (n_posts, 1);
  fail_unless_equals_int (n_matching, 1);
  fail_unless (body != NULL, "the POST to %s had no body", path);

  parser = json_parser_new ();
  fail_unless (json_parser_load_from_data (parser, body, -1, &error),
      "the body is not JSON: %s: %s", error ? error->message : "", body);
  fail_unless (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)),
      "the body is not a JSON object: %s", body);
  root = json_node_copy (json_parser_get_root (parser));

  g_object_unref (parser);
  g_ptr_array_unref (requests);
  g_free (path);

  return root;
}

gchar *
seedance_test_fixture_get_task_id (SeedanceTestFixture * f)
{
  gchar *task_id = NULL;

  g_object_get (f->src, "task-id", &task_id, NULL);
  return task_id;
}

gchar *
seedance_test_fixture_path (SeedanceTestFixture * f, const gchar * name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

gchar *
seedance_test_fixture_write_image (SeedanceTestFixture * f,
    const gchar * name, const gchar * encoder)
{
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *error = NULL;
  gchar *path, *description;
  GStatBuf st;

  path = seedance_test_fixture_path (f, name);
  description = g_strdup_printf ("videotestsrc num-buffers=1 pattern=smpte ! "
      "video/x-raw,width=64,height=48 ! videoconvert ! %s ! "
      "filesink location=\"%s\"", encoder, path);

  pipeline = gst_parse_launch (description, &error);
  fail_unless (error == NULL, "could not parse '%s': %s", description,
      error ? error->message : "");

  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = seedance_test_wait_eos_or_error (bus, SEEDANCE_TEST_TIMEOUT);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    fail_with_error_message (msg);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  fail_unless (g_stat (path, &st) == 0 && st.st_size > 0,
      "%s wrote no image to %s", encoder, path);

  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (description);

  return path;
}

gchar *
seedance_test_fixture_write_file (SeedanceTestFixture * f, const gchar * name,
    const gchar * contents, gsize length)
{
  GError *error = NULL;
  gchar *path;

  path = seedance_test_fixture_path (f, name);
  fail_unless (g_file_set_contents (path, contents, length, &error),
      "could not write %s: %s", path, error ? error->message : "");

  return path;
}

gchar *
seedance_test_data_uri_for_file (const gchar * path, const gchar * mime)
{
  GError *error = NULL;
  gchar *contents, *b64, *uri;
  gsize length;

  fail_unless (g_file_get_contents (path, &contents, &length, &error),
      "could not read %s: %s", path, error ? error->message : "");

  b64 = g_base64_encode ((const guchar *) contents, length);
  uri = g_strdup_printf ("data:%s;base64,%s", mime, b64);

  g_free (b64);
  g_free (contents);

  return uri;
}

void
seedance_test_set_string_array (GstElement * element, const gchar * property,
    const gchar * const *strv)
{
  GValue array = G_VALUE_INIT;

  g_value_init (&array, GST_TYPE_ARRAY);
  for (; strv && *strv; strv++) {
    GValue item = G_VALUE_INIT;

    g_value_init (&item, G_TYPE_STRING);
    g_value_set_string (&item, *strv);
    gst_value_array_append_and_take_value (&array, &item);
  }

  g_object_set_property (G_OBJECT (element), property, &array);
  g_value_unset (&array);
}

gchar **
seedance_test_get_string_array (GstElement * element, const gchar * property)
{
  GValue array = G_VALUE_INIT;
  GPtrArray *strv;
  guint i, n;

  g_value_init (&array, GST_TYPE_ARRAY);
  g_object_get_property (G_OBJECT (element), property, &array);

  n = gst_value_array_get_size (&array);
  strv = g_ptr_array_new ();
  for (i = 0; i < n; i++) {
    const GValue *item = gst_value_array_get_value (&array, i);

    fail_unless (G_VALUE_HOLDS_STRING (item), "item %u of %s is a %s", i,
        property, G_VALUE_TYPE_NAME (item));
    g_ptr_array_add (strv, g_value_dup_string (item));
  }
  g_ptr_array_add (strv, NULL);
  g_value_unset (&array);

  return (gchar **) g_ptr_array_free (strv, FALSE);
}

void
seedance_test_sink_info_init (SeedanceTestSinkInfo * info)
{
  memset (info, 0, sizeof (*info));
  g_mutex_init (&info->lock);
  info->first_offset = GST_BUFFER_OFFSET_NONE;
  info->last_end = GST_CLOCK_TIME_NONE;
  info->offsets_contiguous = TRUE;
}

void
seedance_test_sink_info_clear (SeedanceTestSinkInfo * info)
{
  gst_clear_caps (&info->caps);
  g_mutex_clear (&info->lock);
}

static gboolean
sink_info_add_buffer (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  SeedanceTestSinkInfo *info = user_data;
  GstBuffer *buf = *buffer;

  if (info->n_buffers == 0)
    info->first_offset = GST_BUFFER_OFFSET (buf);
  if (GST_BUFFER_OFFSET (buf) != info->n_bytes)
    info->offsets_contiguous = FALSE;
  info->n_buffers++;
  info->n_bytes += gst_buffer_get_size (buf);

  if (GST_BUFFER_PTS_IS_VALID (buf)) {
    GstClockTime end = GST_BUFFER_PTS (buf);

    if (GST_BUFFER_DURATION_IS_VALID (buf))
      end += GST_BUFFER_DURATION (buf);
    if (!GST_CLOCK_TIME_IS_VALID (info->last_end) || end > info->last_end)
      info->last_end = end;
  }

  return TRUE;
}

static GstPadProbeReturn
sink_info_probe (GstPad * pad, GstPadProbeInfo * probe_info, gpointer user_data)
{
  SeedanceTestSinkInfo *info = user_data;

  g_mutex_lock (&info->lock);
  if (probe_info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (probe_info);

    sink_info_add_buffer (&buf, 0, info);
  } else if (probe_info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (probe_info),
        sink_info_add_buffer, info);
  } else if (probe_info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (probe_info);

    if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      gst_caps_replace (&info->caps, caps);
    }
  }
  g_mutex_unlock (&info->lock);

  return GST_PAD_PROBE_OK;
}

void
seedance_test_sink_info_attach (SeedanceTestSinkInfo * info, GstElement * sink)
{
  GstPad *pad;

  pad = gst_element_get_static_pad (sink, "sink");
  fail_unless (pad != NULL, "%s has no sink pad", GST_OBJECT_NAME (sink));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      sink_info_probe, info, NULL);
  gst_object_unref (pad);
}

void
seedance_test_assert_eos (GstMessage * msg)
{
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
    fail_with_error_message (msg);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
}

SeedanceTestRun *
seedance_test_run_new (SeedanceTestFixture * f, const gchar * prompt,
    const gchar * out, const gchar * settings)
{
  SeedanceTestRun *r = g_new0 (SeedanceTestRun, 1);
  gchar *sink = out ? g_strdup_printf ("filesink location=\"%s\"", out) :
      g_strdup ("fakesink");
  gchar *description = g_strdup_printf ("seedancesrc name=src %s ! %s",
      settings ? settings : "", sink);
  GError *error = NULL;

  r->pipeline = gst_parse_launch (description, &error);
  fail_unless (r->pipeline != NULL, "%s: %s", description,
      error ? error->message : "");
  r->src = gst_bin_get_by_name (GST_BIN (r->pipeline), "src");
  r->bus = gst_element_get_bus (r->pipeline);
  r->warnings = g_string_new (NULL);
  r->task_messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  g_object_set (r->src, "api-url",
      seedance_emulator_get_api_origin (f->emulator), "api-key",
      SEEDANCE_TEST_API_KEY, "poll-interval",
      (guint) SEEDANCE_TEST_POLL_INTERVAL, "prompt", prompt, "duration", 4,
      "generate-audio", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (r->src), "resolution", "480p");
  g_free (description);
  g_free (sink);
  return r;
}

GstMessage *
seedance_test_run_play (SeedanceTestRun * r, GstClockTime timeout)
{
  return seedance_test_run_play_bounded (r, timeout, NULL, 0);
}

GstMessage *
seedance_test_run_play_bounded (SeedanceTestRun * r, GstClockTime timeout,
    const gchar * dir, guint64 max_bytes)
{
  GstClockTime deadline = gst_util_get_timestamp () + timeout;

  /* The work happens in the streaming thread: never block the caller. */
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  for (;;) {
    GstClockTime now = gst_util_get_timestamp (), wait;
    GstMessage *msg;

    fail_unless (now < deadline, "the run did not end within %"
        GST_TIME_FORMAT, GST_TIME_ARGS (timeout));
    wait = deadline - now;
    if (max_bytes > 0) {
      guint64 written = seedance_test_tree_bytes (dir);

      fail_unless (written <= max_bytes, "%" G_GUINT64_FORMAT " bytes "
          "written under %s, more than %" G_GUINT64_FORMAT, written, dir,
          max_bytes);
      wait = MIN (wait, 50 * GST_MSECOND);
    }
    msg = gst_bus_timed_pop (r->bus, wait);
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      GError *error = NULL;

      gst_message_parse_warning (msg, &error, NULL);
      g_string_append_printf (r->warnings, "%s\n", error->message);
      g_error_free (error);
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
        gst_message_has_name (msg, "seedance-task")) {
      g_ptr_array_add (r->task_messages,
          gst_structure_copy (gst_message_get_structure (msg)));
    } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
        || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      return msg;
    }
    gst_message_unref (msg);
  }
}

void
seedance_test_run_free (SeedanceTestRun * r)
{
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_ptr_array_unref (r->task_messages);
  g_string_free (r->warnings, TRUE);
  gst_object_unref (r->bus);
  gst_object_unref (r->src);
  gst_object_unref (r->pipeline);
  g_free (r);
}

gchar *
seedance_test_run_to_eos (SeedanceTestFixture * f, const gchar * prompt,
    const gchar * out, const gchar * settings)
{
  SeedanceTestRun *r = seedance_test_run_new (f, prompt, out, settings);
  gchar *warnings;

  seedance_test_assert_eos (seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT));
  warnings = g_strdup (r->warnings->str);
  seedance_test_run_free (r);
  return warnings;
}

void
seedance_test_fixture_await_requests (SeedanceTestFixture * f,
    const gchar * method, const gchar * path_prefix, guint count)
{
  gint64 deadline = g_get_monotonic_time () +
      SEEDANCE_TEST_TIMEOUT / GST_USECOND;

  while (seedance_test_fixture_count_requests (f, method, path_prefix) < count) {
    fail_unless (g_get_monotonic_time () < deadline, "fewer than %u %s %s* "
        "requests", count, method ? method : "(any)",
        path_prefix ? path_prefix : "");
    g_usleep (5000);
  }
}

void
seedance_test_fixture_poll_requests (SeedanceTestFixture * f,
    const gchar * method, const gchar * path_prefix, guint count)
{
  seedance_test_fixture_await_requests (f, method, path_prefix, count);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, method,
          path_prefix), count);
}

gchar *
seedance_test_fixture_cache_path (SeedanceTestFixture * f, const gchar * sub)
{
  return g_build_filename (f->tmpdir, "cache", "gst-seedance", sub, NULL);
}

gchar *
seedance_test_only_file (const gchar * dir_path, const gchar * suffix)
{
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  const gchar *name;
  gchar *found = NULL;
  guint n = 0;

  fail_unless (dir != NULL, "no %s", dir_path);
  while ((name = g_dir_read_name (dir))) {
    if (!g_str_has_suffix (name, suffix))
      continue;
    g_free (found);
    found = g_build_filename (dir_path, name, NULL);
    n++;
  }
  g_dir_close (dir);
  fail_unless_equals_int (n, 1);
  return found;
}

guint
seedance_test_count_files (const gchar * dir_path, const gchar * suffix)
{
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir)))
    n += g_str_has_suffix (name, suffix);
  if (dir)
    g_dir_close (dir);
  return n;
}

guint64
seedance_test_tree_bytes (const gchar * path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;
  guint64 total = 0;

  while (dir && (name = g_dir_read_name (dir))) {
    gchar *child = g_build_filename (path, name, NULL);
    GStatBuf st;

    if (g_lstat (child, &st) == 0) {
      if (S_ISDIR (st.st_mode))
        total += seedance_test_tree_bytes (child);
      else if (S_ISREG (st.st_mode))
        total += st.st_size;
    }
    g_free (child);
  }
  if (dir)
    g_dir_close (dir);
  return total;
}

void
seedance_test_assert_same_bytes (const gchar * a, const gchar * b)
{
  gchar *da, *db;
  gsize la, lb;

  fail_unless (g_file_get_contents (a, &da, &la, NULL), "no %s", a);
  fail_unless (g_file_get_contents (b, &db, &lb, NULL), "no %s", b);
  fail_unless (la > 1000 && la == lb && memcmp (da, db, la) == 0,
      "%s (%" G_GSIZE_FORMAT " bytes) and %s (%" G_GSIZE_FORMAT " bytes) "
      "differ", a, la, b, lb);
  g_free (da);
  g_free (db);
}

void
seedance_test_wait_task_status (GstBus * bus, const gchar * status)
{
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, SEEDANCE_TEST_TIMEOUT,
        GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR);
    gboolean found;

    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT,
        "no seedance-task message '%s'", status);
    found = gst_message_has_name (msg, "seedance-task")
        && g_strcmp0 (gst_structure_get_string (gst_message_get_structure
            (msg), "status"), status) == 0;
    gst_message_unref (msg);
    if (found)
      return;
  }
}

/* The Range headers of the clip's GETs (an .mp4 on the files origin), in
 * order; "none" for a GET without one. */
GPtrArray *
seedance_test_fixture_clip_ranges (SeedanceTestFixture * f)
{
  GPtrArray *requests = seedance_emulator_get_requests (f->emulator);
  GPtrArray *ranges = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (g_strcmp0 (r->method, "GET") == 0
        && g_str_has_prefix (r->path, SEEDANCE_TEST_FILES_PATH)
        && g_str_has_suffix (r->path, ".mp4"))
      g_ptr_array_add (ranges, g_strdup (r->range ? r->range : "none"));
  }
  g_ptr_array_unref (requests);
  return ranges;
}
