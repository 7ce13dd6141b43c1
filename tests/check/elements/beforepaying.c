/* gst-seedance: what is checked before a request is paid
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Pay only for what the user asked, and only when the pipeline can play
 * it: a pipeline that cannot take an MP4 pays nothing; a restarted
 * element follows the journal (a cached clip plays for free, a failed
 * task is never resumed implicitly); a submission the journal cannot
 * record is not sent; one origin is one request whatever its spelling;
 * one 404 does not make the journal forget a task; each error is posted
 * where it happens, alone, and a key too short to be one is refused.
 * Every test counts the POSTs the emulator received. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "seedancetestutils.h"

#define PROMPT "a paper boat on a rain puddle"

/* Set in a child of this suite: the pipeline to run, under a file size
 * limit of 0 bytes (nothing can be written, as on a full disk). */
#define CHILD_ENV "SEEDANCE_BEFOREPAYING_TEST_CHILD"

static guint
count (SeedanceTestFixture * f, const gchar * method, const gchar * path)
{
  return seedance_test_fixture_count_requests (f, method, path);
}

/* The fixture's pipeline to NULL and back to PLAYING, to EOS. */
static void
restart_to_eos (SeedanceTestFixture * f)
{
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  seedance_test_fixture_run_to_eos (f);
}

/* The debug string of an ERROR message; free with g_free(). */
static gchar *
error_debug (GstMessage * msg)
{
  gchar *debug = NULL;

  gst_message_parse_error (msg, NULL, &debug);
  fail_unless (debug != NULL);
  return debug;
}

/* ------------------------------------------------------------------------ */
/* A pipeline that cannot play the clip pays nothing */

/* No downstream at all, and what gst-launch-1.0 makes of an unquoted
 * prompt="" ("prompt= ! fakesink": the prompt '!' and a fakesink of its
 * own). */
static const gchar *unlinked[] = {
  "seedancesrc name=src prompt=\"" PROMPT "\" fakesink",
  "seedancesrc name=src prompt= ! fakesink",
};

GST_START_TEST (test_not_linked)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;

  seedance_test_fixture_launch (f, unlinked[__i__]);
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
      "nothing linked to its src pad");
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
      "decodebin");
  if (__i__ == 1)
    seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
        "give the prompt in quotes");
  gst_message_unref (msg);

  fail_unless_equals_int (count (f, NULL, NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Downstream that takes no MP4, linked where the launch parser cannot see
 * it: a capsfilter whose caps change after linking, and h264parse behind
 * a queue linked without checks, as an application may do. */
GST_START_TEST (test_not_negotiated)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *element;
  GstMessage *msg;
  GstCaps *caps;
  gchar *debug;

  if (__i__ == 0) {
    seedance_test_fixture_launch (f, "seedancesrc name=src ! "
        "capsfilter name=filter ! fakesink");
    element = gst_bin_get_by_name (GST_BIN (f->pipeline), "filter");
    caps = gst_caps_from_string ("video/x-h264");
    g_object_set (element, "caps", caps, NULL);
    gst_caps_unref (caps);
  } else {
    GstElement *queue;
    GstPad *srcpad, *sinkpad;

    seedance_test_fixture_launch (f, "seedancesrc name=src ! queue name=q");
    element = gst_element_factory_make ("h264parse", "parser");
    fail_unless (element != NULL);
    gst_bin_add (GST_BIN (f->pipeline), gst_object_ref (element));
    queue = gst_bin_get_by_name (GST_BIN (f->pipeline), "q");
    srcpad = gst_element_get_static_pad (queue, "src");
    sinkpad = gst_element_get_static_pad (element, "sink");
    fail_unless_equals_int (gst_pad_link_full (srcpad, sinkpad,
            GST_PAD_LINK_CHECK_NOTHING), GST_PAD_LINK_OK);
    gst_object_unref (sinkpad);
    gst_object_unref (srcpad);
    gst_object_unref (queue);
  }
  g_object_set (f->src, "prompt", PROMPT, NULL);

  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
      "video/quicktime");
  /* The element linked to it, which refused. */
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
      __i__ == 0 ? "filter does not accept" : "q does not accept");
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
      "qtdemux, decodebin or a filesink");
  debug = error_debug (msg);
  fail_unless (strstr (debug, "video/x-h264") != NULL, "%s", debug);
  g_free (debug);
  gst_message_unref (msg);

  fail_unless_equals_int (count (f, NULL, NULL), 0);
  gst_object_unref (element);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A source in a bin whose ghost src pad leads nowhere: its own pad is
 * linked (to the ghost pad's proxy), but nothing downstream answers. */
GST_START_TEST (test_ghost_pad_leads_nowhere)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *bin = gst_bin_new ("generated");
  GstMessage *msg;
  GstPad *pad;

  f->pipeline = gst_pipeline_new (NULL);
  f->bus = gst_element_get_bus (f->pipeline);
  f->src = seedance_test_fixture_make_src (f);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  gst_bin_add (GST_BIN (bin), gst_object_ref (f->src));
  pad = gst_element_get_static_pad (f->src, "src");
  gst_element_add_pad (bin, gst_ghost_pad_new ("src", pad));
  gst_object_unref (pad);
  gst_bin_add (GST_BIN (f->pipeline), bin);

  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_CORE_ERROR, GST_CORE_ERROR_PAD,
      "nothing linked to its src pad");
  gst_message_unref (msg);
  fail_unless_equals_int (count (f, NULL, NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The pad template says what the element makes, so the launch parser
 * refuses what cannot take it before any element runs. */
static const gchar *unplayable[] = {
  "seedancesrc name=src prompt=x ! matroskademux ! fakesink",
  "seedancesrc name=src prompt=x ! h264parse ! fakesink",
};

GST_START_TEST (test_template_refuses_link)
{
  GstPadTemplate *templ;
  GstElement *src, *pipeline;
  GstCaps *caps;
  GError *error = NULL;

  src = gst_element_factory_make ("seedancesrc", NULL);
  templ = gst_element_get_pad_template (src, "src");
  caps = gst_pad_template_get_caps (templ);
  fail_unless (gst_caps_is_fixed (caps));
  fail_unless (gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "video/quicktime"), "%" GST_PTR_FORMAT, caps);
  gst_caps_unref (caps);
  gst_object_unref (src);

  pipeline = gst_parse_launch (unplayable[__i__], &error);
  fail_unless (g_error_matches (error, GST_PARSE_ERROR,
          GST_PARSE_ERROR_LINK), "%s", error ? error->message : "no error");
  g_clear_error (&error);
  gst_clear_object (&pipeline);
}

GST_END_TEST;

/* What a sink pad saw first: the order of caps, segment and buffers. */
typedef struct
{
  GMutex lock;
  GString *order;               /* 'C' caps, 'S' segment, 'B' buffer */
  GstCaps *caps;
} EventOrder;

static GstPadProbeReturn
record_order (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  EventOrder *o = user_data;
  gchar c = 0;

  g_mutex_lock (&o->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    c = 'B';
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_CAPS) {
    GstCaps *caps;

    gst_event_parse_caps (GST_PAD_PROBE_INFO_EVENT (info), &caps);
    gst_caps_replace (&o->caps, caps);
    c = 'C';
  } else if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) ==
      GST_EVENT_SEGMENT) {
    c = 'S';
  }
  if (c && (o->order->len == 0 || o->order->str[o->order->len - 1] != c))
    g_string_append_c (o->order, c);
  g_mutex_unlock (&o->lock);
  return GST_PAD_PROBE_OK;
}

/* Caps come before the first byte whatever the blocksize, downloaded or
 * played from the cache: first "video/quicktime", then the segment, then
 * buffers. */
GST_START_TEST (test_caps_before_data)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *out = seedance_test_fixture_path (f, "tiny-blocks.mp4");
  gchar *description = g_strdup_printf ("seedancesrc name=src blocksize=8 ! "
      "filesink name=sink location=\"%s\"", out);
  GstElement *sink;
  GstPad *pad;
  EventOrder o = { 0 };
  guint run;

  g_mutex_init (&o.lock);
  o.order = g_string_new (NULL);
  seedance_test_fixture_launch (f, description);
  g_object_set (f->src, "prompt", PROMPT, "duration", 4, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  sink = gst_bin_get_by_name (GST_BIN (f->pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, record_order, &o, NULL);

  /* Downloaded, then played from the cache. */
  for (run = 0; run < 2; run++) {
    g_string_truncate (o.order, 0);
    gst_clear_caps (&o.caps);
    if (run == 0)
      seedance_test_fixture_run_to_eos (f);
    else
      restart_to_eos (f);
    fail_unless_equals_string (o.order->str, "CSB");
    fail_unless (gst_caps_is_fixed (o.caps));
    fail_unless (gst_structure_has_name (gst_caps_get_structure (o.caps, 0),
            "video/quicktime"), "%" GST_PTR_FORMAT, o.caps);
  }
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  gst_discoverer_info_unref (seedance_test_discover_file (out));

  gst_clear_caps (&o.caps);
  g_string_free (o.order, TRUE);
  g_mutex_clear (&o.lock);
  gst_object_unref (pad);
  gst_object_unref (sink);
  g_free (description);
  g_free (out);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* A restarted element follows the journal */

/* EOS, NULL, PLAYING again: the cached clip plays with no request at all,
 * and task-id says which task it is. */
GST_START_TEST (test_restart_plays_cached_clip)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *task_id, *again;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  seedance_test_fixture_run_to_eos (f);
  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  seedance_emulator_clear_requests (f->emulator);

  restart_to_eos (f);
  restart_to_eos (f);
  again = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_string (again, task_id);
  fail_unless_equals_int (count (f, NULL, NULL), 0);

  g_free (again);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A task last seen failed is never resumed implicitly: the restart submits
 * one new task (and plays its clip from the cache after that); with the
 * journal or without it. task-id follows the run's task. */
static const gchar *failed_settings[] = { "reuse", "off" };

GST_START_TEST (test_restart_after_failed_task)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *failed, *resubmitted, *failed_path, *replayed;
  GstMessage *msg;

  seedance_test_fixture_add_fault (f, "task:fail:reason=refused%20once");
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "cache-mode",
      failed_settings[__i__]);

  msg = seedance_test_fixture_run_to_error (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "refused once");
  gst_message_unref (msg);
  failed = seedance_test_fixture_get_task_id (f);
  failed_path = g_strconcat (SEEDANCE_TEST_TASKS_PATH, failed, NULL);
  fail_unless (failed != NULL);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  seedance_emulator_clear_requests (f->emulator);

  restart_to_eos (f);
  resubmitted = seedance_test_fixture_get_task_id (f);
  fail_if (g_strcmp0 (resubmitted, failed) == 0, "task-id is still %s", failed);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", failed_path), 0);

  /* Once: the next restart pays nothing more. */
  restart_to_eos (f);
  replayed = seedance_test_fixture_get_task_id (f);
  fail_unless_equals_string (replayed, resubmitted);
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (count (f, "GET", failed_path), 0);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 2);

  g_free (replayed);
  g_free (resubmitted);
  g_free (failed_path);
  g_free (failed);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* task-id set by the user wins over the journal: that task is queried and
 * its clip downloaded, nothing is paid. */
GST_START_TEST (test_user_task_id_wins)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *task_id, *path;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, NULL);
  seedance_test_fixture_run_to_eos (f);
  task_id = seedance_test_fixture_get_task_id (f);
  seedance_emulator_clear_requests (f->emulator);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_object_set (f->src, "task-id", task_id, NULL);
  seedance_test_fixture_run_to_eos (f);
  path = g_strconcat (SEEDANCE_TEST_TASKS_PATH, task_id, NULL);
  fail_unless (count (f, "GET", path) >= 1);
  fail_unless (count (f, "GET", SEEDANCE_TEST_FILES_PATH) >= 1);
  fail_unless_equals_int (count (f, "POST", NULL), 0);

  g_free (path);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The journal holds before the POST goes out */

/* The child: PROMPT through the pipeline CHILD_ENV names, unable to write
 * a byte to any file; exits 0 on EOS, 1 on an error, whose message goes to
 * stdout. */
static int
run_child (const gchar * description)
{
  struct rlimit none = { 0, 0 };
  GstElement *pipeline;
  GstMessage *msg;
  GError *error = NULL;
  GstBus *bus;
  int status;

  /* Writes past the limit fail with EFBIG instead of killing us. */
  if (signal (SIGXFSZ, SIG_IGN) == SIG_ERR)
    return 3;
  if (setrlimit (RLIMIT_FSIZE, &none) != 0)
    return 3;
  gst_init (NULL, NULL);
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    return 4;
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  status = msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS ? 0 : 1;
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (msg, &error, NULL);
    g_print ("%s %d: %s\n", g_quark_to_string (error->domain), error->code,
        error->message);
    g_error_free (error);
  }
  gst_clear_message (&msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return status;
}

/* Runs this suite's executable as a child that can write nothing, on
 * "seedancesrc ... cache-dir=<scratch> @settings ! fakesink"; returns its
 * wait status and what it printed. */
static gint
run_on_full_disk (SeedanceTestFixture * f, const gchar * settings, gchar ** out)
{
  gchar *self = g_file_read_link ("/proc/self/exe", NULL);
  gchar *cache = seedance_test_fixture_path (f, "cache");
  gchar *description = g_strdup_printf ("seedancesrc prompt=\"" PROMPT "\" "
      "poll-interval=%u cache-dir=\"%s\" %s ! fakesink",
      (guint) SEEDANCE_TEST_POLL_INTERVAL, cache, settings);
  const gchar *argv[] = { self, NULL };
  gchar **envp = g_get_environ ();
  GError *error = NULL;
  gint status;

  envp = g_environ_setenv (envp, CHILD_ENV, description, TRUE);
  envp = g_environ_setenv (envp, "MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  envp = g_environ_setenv (envp, "MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY,
      TRUE);
  fail_unless (g_spawn_sync (NULL, (gchar **) argv, envp, G_SPAWN_DEFAULT,
          NULL, NULL, out, NULL, &status, &error), "%s",
      error ? error->message : "");
  g_strfreev (envp);
  g_free (description);
  g_free (cache);
  g_free (self);
  return status;
}

/* The next progress message of @bus whose text has @needle. */
static void
wait_progress (GstBus * bus, const gchar * needle)
{
  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus, SEEDANCE_TEST_TIMEOUT,
        GST_MESSAGE_PROGRESS | GST_MESSAGE_ERROR);
    gchar *text = NULL;
    gboolean found;

    fail_unless (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_PROGRESS,
        "no progress message '%s'", needle);
    gst_message_parse_progress (msg, NULL, NULL, &text);
    found = strstr (text, needle) != NULL;
    g_free (text);
    gst_message_unref (msg);
    if (found)
      return;
  }
}

/* A submission given up before it was sent (an EOS during its backoff
 * after a 429) lets go of the journal entry; when the stream goes on (a
 * flushing seek), the element asks the journal again, so it resumes the
 * task another pipeline submitted meanwhile instead of paying for its
 * own: one task for the request. */
GST_START_TEST (test_decides_again_after_giving_up)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SeedanceTestRun *a, *b;

  /* A backoff far longer than the test needs to send its EOS (and which
   * B waits out too: a 429 pauses every source of the key). */
  seedance_test_fixture_add_fault (f, "submit:429:retry-after=8");
  seedance_test_fixture_add_fault (f, "submit:slow=2000");
  a = seedance_test_run_new (f, PROMPT, NULL, NULL);
  b = seedance_test_run_new (f, PROMPT, NULL, NULL);

  fail_unless_equals_int (gst_element_set_state (a->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  /* A read the 429 and waits to send again ("retrying"): it is ended. */
  seedance_test_wait_task_status (a->bus, "retrying");
  seedance_test_fixture_poll_requests (f, "POST", NULL, 1);
  gst_element_send_event (a->src, gst_event_new_eos ());
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (a->bus,
          SEEDANCE_TEST_TIMEOUT));

  /* B takes the entry and sends its POST, which the emulator holds. */
  fail_unless_equals_int (gst_element_set_state (b->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  wait_progress (b->bus, "submitting");
  fail_unless (gst_element_seek_simple (a->pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (b->bus,
          SEEDANCE_TEST_TIMEOUT));
  seedance_test_assert_eos (seedance_test_wait_eos_or_error (a->bus,
          SEEDANCE_TEST_TIMEOUT));

  /* The refused POST, and B's. */
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 1);
  seedance_test_run_free (a);
  seedance_test_run_free (b);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* On a full disk the claim cannot be recorded: nothing is sent, and the
 * error says why and how to submit anyway (cache-mode=off, which pays). */
GST_START_TEST (test_unrecorded_claim_not_sent)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *out = NULL, *prefix;
  gint status;

  status = run_on_full_disk (f, "", &out);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 1,
      "status %d: %s", status, out);
  fail_unless (strstr (out, "cannot record this submission") != NULL, "%s",
      out);
  fail_unless (strstr (out, "cache-mode=off") != NULL, "%s", out);
  fail_unless (strstr (out, "Nothing was sent") != NULL, "%s", out);
  prefix = g_strdup_printf ("%s %d:", g_quark_to_string (GST_RESOURCE_ERROR),
      GST_RESOURCE_ERROR_WRITE);
  fail_unless (g_str_has_prefix (out, prefix), "not RESOURCE WRITE: %s", out);
  g_free (prefix);
  g_free (out);
  fail_unless_equals_int (count (f, "POST", NULL), 0);

  /* The user's choice: no journal, one POST, and the clip plays. */
  status = run_on_full_disk (f, "cache-mode=off", &out);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "status %d: %s", status, out);
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  g_free (out);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* One origin in any spelling is one request: the scheme and host in any
 * case, a trailing slash. (Default ports: libs/parsers test_api_url.) */
GST_START_TEST (test_origin_spellings_one_request)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *origin = seedance_emulator_get_api_origin (f->emulator);
  const gchar *port = strrchr (origin, ':');
  const gchar *spellings[][2] = { {"http://127.0.0.1", ""},
  {"HTTP://127.0.0.1", "/"}, {"http://localhost", ""},
  {"Http://LocalHost", "/"}, {"http://LOCALHOST", ""},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (spellings); i++) {
    SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, NULL, NULL);
    gchar *url = g_strconcat (spellings[i][0], port, spellings[i][1], NULL);

    g_object_set (r->src, "api-url", url, NULL);
    seedance_test_assert_eos (seedance_test_run_play (r,
            SEEDANCE_TEST_TIMEOUT));
    seedance_test_run_free (r);
    g_free (url);
  }
  /* 127.0.0.1 and localhost are two hosts, each paid once. */
  fail_unless_equals_int (count (f, "POST", NULL), 2);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* One 404 on a task the journal knows (just created, not visible yet) is
 * an error that offers task-id=, and the journal keeps the task: the next
 * run resumes it instead of paying again. */
GST_START_TEST (test_not_found_keeps_task)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *task_id = NULL, *resume, *journal_dir, *entry, *contents = NULL;
  SeedanceTestRun *r;
  GstMessage *msg;

  seedance_test_fixture_add_fault (f, "poll:404");
  r = seedance_test_run_new (f, PROMPT, NULL, NULL);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  g_object_get (r->src, "task-id", &task_id, NULL);
  fail_unless (task_id != NULL);
  resume = g_strdup_printf ("task-id=%s", task_id);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, resume);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, "journal keeps it");
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  journal_dir = seedance_test_fixture_cache_path (f, "journal");
  entry = seedance_test_only_file (journal_dir, ".json");
  fail_unless (g_file_get_contents (entry, &contents, NULL, NULL));
  fail_unless (strstr (contents, task_id) != NULL, "%s", contents);

  /* New pipelines with the same request: resumed, then played from the
   * cache, never paid again. */
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  g_free (contents);
  g_free (entry);
  g_free (journal_dir);
  g_free (resume);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Moves the "updated" time of the journal entry @path back by @seconds. */
static void
age_entry (const gchar * path, gint64 seconds)
{
  JsonParser *parser = json_parser_new ();
  JsonGenerator *generator = json_generator_new ();
  JsonObject *entry;
  GError *error = NULL;

  fail_unless (json_parser_load_from_file (parser, path, &error), "%s",
      error ? error->message : "");
  entry = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (entry, "updated",
      json_object_get_int_member (entry, "updated") - seconds);
  json_generator_set_root (generator, json_parser_get_root (parser));
  fail_unless (json_generator_to_file (generator, path, &error), "%s",
      error ? error->message : "");
  g_object_unref (generator);
  g_object_unref (parser);
}

/* A 404 for a task older than the API keeps any (3 days of execution,
 * then a day of outputs) proves it gone: the journal forgets it, the
 * error says so, and the next run submits anew, once. */
GST_START_TEST (test_not_found_after_lifetime_forgets)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *journal_dir = seedance_test_fixture_cache_path (f, "journal");
  gchar *entry;
  SeedanceTestRun *r;
  GstMessage *msg;
  guint run;

  for (run = 0; run < 2; run++) {
    seedance_test_fixture_add_fault (f, "poll:404");
    r = seedance_test_run_new (f, PROMPT, NULL, NULL);
    msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_NOT_FOUND, run == 0 ? "journal keeps it" :
        "no longer exists");
    gst_message_unref (msg);
    seedance_test_run_free (r);
    if (run == 0) {
      /* Five days later. */
      entry = seedance_test_only_file (journal_dir, ".json");
      age_entry (entry, 5 * 24 * 3600);
      g_free (entry);
    }
  }
  fail_unless_equals_int (count (f, "POST", NULL), 1);
  fail_unless_equals_int (seedance_test_count_files (journal_dir, ".json"), 0);

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST", NULL), 2);

  g_free (journal_dir);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Errors as GStreamer users read them */

/* Where each error happened: the location GStreamer shows is the function
 * that met it, and the debug string names the kind of error, the task
 * and the HTTP status; the details carry task-id and http-status-code. */
GST_START_TEST (test_error_posted_where_it_happens)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const GstStructure *details;
  const gchar *detail_task;
  gchar *debug, *task_id;
  guint status = 0;
  GstMessage *msg;

  /* A refused property: prepared before anything is sent. */
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "api-url", "", "prompt", PROMPT, NULL);
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "'api-url'");
  debug = error_debug (msg);
  fail_unless (strstr (debug, "gst_seedance_src_prepare") != NULL, "%s", debug);
  fail_unless (strstr (debug, "invalid-property error") != NULL, "%s", debug);
  fail_if (strstr (debug, "post_error") || strstr (debug, "-quark"), "%s",
      debug);
  g_free (debug);
  gst_message_unref (msg);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);

  /* A task that failed on the server: a RESOURCE error from the poll. */
  g_object_set (f->src, "api-url", seedance_emulator_get_api_origin
      (f->emulator), NULL);
  seedance_test_fixture_add_fault (f, "task:fail:reason=not%20today");
  msg = seedance_test_fixture_run_to_error (f);
  task_id = seedance_test_fixture_get_task_id (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "not today");
  debug = error_debug (msg);
  fail_unless (strstr (debug, "seedance_run_poll") != NULL, "%s", debug);
  fail_unless (strstr (debug, "task-failed error") != NULL, "%s", debug);
  fail_unless (strstr (debug, task_id) != NULL, "%s", debug);
  fail_unless (strstr (debug, "HTTP status 200") != NULL, "%s", debug);
  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL);
  detail_task = gst_structure_get_string (details, "task-id");
  fail_unless_equals_string (detail_task, task_id);
  fail_unless (gst_structure_get_uint (details, "http-status-code", &status));
  fail_unless_equals_int (status, 200);
  fail_unless_equals_int (count (f, "POST", NULL), 1);

  g_free (debug);
  g_free (task_id);
  gst_message_unref (msg);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A key too short to be one (a typo, a cut-off paste, a placeholder) or
 * with spaces is refused, naming where it came from and never quoting it:
 * masking it in messages would mangle ordinary words ("a tas*** may
 * exist"). */
typedef struct
{
  const gchar *key;
  gboolean from_environment;
  const gchar *named;           /* where the message says it came from */
} ShortKeyCase;

static const ShortKeyCase short_keys[] = {
  {"k", FALSE, "from api-key"},
  {"task", FALSE, "too short"},
  {"sk-0123456789ab", FALSE, "too short"},      /* 15 characters */
  {"sk-test 0123456789abcdef", FALSE, "spaces"},
  {"k", TRUE, "from MODELLIX_API_KEY"},
};

GST_START_TEST (test_short_key_refused)
{
  const ShortKeyCase *c = &short_keys[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  GError *error = NULL;

  if (c->from_environment)
    g_setenv ("MODELLIX_API_KEY", c->key, TRUE);
  seedance_test_fixture_launch_unconfigured (f,
      "seedancesrc name=src ! fakesink");
  if (c->from_environment)
    g_unsetenv ("MODELLIX_API_KEY");
  else
    g_object_set (f->src, "api-key", c->key, NULL);
  g_object_set (f->src, "api-url", seedance_emulator_get_api_origin
      (f->emulator), "prompt", "a task may exist", NULL);

  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Invalid property 'api-key'");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, c->named);
  gst_message_parse_error (msg, &error, NULL);
  fail_if (strstr (error->message, "***") != NULL, "%s", error->message);
  if (strlen (c->key) > 4)
    fail_if (strstr (error->message, c->key) != NULL, "%s", error->message);
  g_error_free (error);
  gst_message_unref (msg);

  fail_unless_equals_int (count (f, NULL, NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
beforepaying_suite (void)
{
  Suite *s = suite_create ("beforepaying");
  TCase *tc = tcase_create ("downstream");

  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_not_linked, 0, G_N_ELEMENTS (unlinked));
  tcase_add_test (tc, test_ghost_pad_leads_nowhere);
  tcase_add_loop_test (tc, test_not_negotiated, 0, 2);
  tcase_add_loop_test (tc, test_template_refuses_link, 0,
      G_N_ELEMENTS (unplayable));
  tcase_add_test (tc, test_caps_before_data);

  tc = tcase_create ("restart");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_restart_plays_cached_clip);
  tcase_add_loop_test (tc, test_restart_after_failed_task, 0,
      G_N_ELEMENTS (failed_settings));
  tcase_add_test (tc, test_user_task_id_wins);

  tc = tcase_create ("journal");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_decides_again_after_giving_up);
  tcase_add_test (tc, test_unrecorded_claim_not_sent);
  tcase_add_test (tc, test_origin_spellings_one_request);
  tcase_add_test (tc, test_not_found_keeps_task);
  tcase_add_test (tc, test_not_found_after_lifetime_forgets);

  tc = tcase_create ("errors");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_error_posted_where_it_happens);
  tcase_add_loop_test (tc, test_short_key_refused, 0,
      G_N_ELEMENTS (short_keys));
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *child = g_getenv (CHILD_ENV);

  if (child)
    return run_child (child);
  seedance_test_prepare_environment ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (beforepaying_suite (), "beforepaying", __FILE__);
}
