/* gst-seedance: what the user sees of the wait
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The progress messages (START, CONTINUE, COMPLETE, ERROR) and the
 * seedance-task element messages of whole runs, read off the bus in the
 * order they were posted. */

#include <string.h>
#include <gst/check/gstcheck.h>

#include "seedancetestutils.h"

#define PROGRESS_CODE "generate"
/* Long enough for a poll to see "pending" and "processing" even under
 * valgrind: the first third of it is pending. */
#define GENERATION_MS 1500

/* Sets PLAYING and keeps every message of the element until EOS or ERROR
 * (the last one kept). */
static GPtrArray *
run_collecting (SeedanceTestFixture * f)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  gint64 end = g_get_monotonic_time () + SEEDANCE_TEST_TIMEOUT / GST_USECOND;

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    GstMessage *msg;

    fail_unless (left > 0, "no EOS or ERROR in time");
    msg = gst_bus_timed_pop (f->bus, left * GST_USECOND);
    fail_unless (msg != NULL, "no EOS or ERROR in time");
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
        || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
        || GST_MESSAGE_SRC (msg) == GST_OBJECT (f->src)) {
      g_ptr_array_add (messages, msg);
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
          || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        return messages;
    } else {
      gst_message_unref (msg);
    }
  }
}

static gboolean
is_progress (GstMessage * msg, GstProgressType * type, gchar ** text)
{
  gchar *code = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_PROGRESS)
    return FALSE;
  gst_message_parse_progress (msg, type, &code, text);
  fail_unless_equals_string (code, PROGRESS_CODE);
  g_free (code);
  return TRUE;
}

static const GstStructure *
task_structure (GstMessage * msg)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return NULL;
  s = gst_message_get_structure (msg);
  return gst_structure_has_name (s, "seedance-task") ? s : NULL;
}

/* START when submitting, CONTINUE with "<task>: <status>, <n> s" on each
 * status, COMPLETE when the download starts, then EOS; never ERROR. */
GST_START_TEST (test_progress_sequence)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GPtrArray *messages;
  gchar *task_id, *prefix;
  guint i, n_start = 0, n_continue = 0, n_complete = 0;
  gboolean saw_processing = FALSE;

  seedance_emulator_set_generation_ms (f->emulator, GENERATION_MS);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "progress is shown", NULL);
  messages = run_collecting (f);
  task_id = seedance_test_fixture_get_task_id (f);
  prefix = g_strdup_printf ("%s: ", task_id);

  fail_unless_equals_int (GST_MESSAGE_TYPE (g_ptr_array_index (messages,
              messages->len - 1)), GST_MESSAGE_EOS);
  for (i = 0; i < messages->len; i++) {
    GstProgressType type;
    gchar *text = NULL;

    if (!is_progress (g_ptr_array_index (messages, i), &type, &text))
      continue;
    switch (type) {
      case GST_PROGRESS_TYPE_START:
        fail_unless_equals_int (n_continue + n_complete, 0);
        n_start++;
        break;
      case GST_PROGRESS_TYPE_CONTINUE:
        fail_unless_equals_int (n_start, 1);
        fail_unless_equals_int (n_complete, 0);
        fail_unless (g_str_has_prefix (text, prefix), "'%s'", text);
        fail_unless (g_str_has_suffix (text, " s"), "'%s'", text);
        if (strstr (text, ": processing, "))
          saw_processing = TRUE;
        n_continue++;
        break;
      case GST_PROGRESS_TYPE_COMPLETE:
        fail_unless (g_str_has_prefix (text, prefix), "'%s'", text);
        n_complete++;
        break;
      default:
        fail ("unexpected progress type %d: '%s'", type, text);
    }
    g_free (text);
  }
  fail_unless_equals_int (n_start, 1);
  fail_unless_equals_int (n_complete, 1);
  /* pending, processing and success at least. */
  fail_unless (n_continue >= 3, "%u CONTINUE", n_continue);
  fail_unless (saw_processing);

  g_ptr_array_unref (messages);
  g_free (prefix);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* seedance-task: "submitted" as soon as the id exists, then each status
 * the API gave, with the id, a growing elapsed time and, on success, the
 * clip's URL (and the last frame's, when asked for). */
static void
check_task_messages (gboolean return_last_frame)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GPtrArray *messages;
  GPtrArray *statuses = g_ptr_array_new_with_free_func (g_free);
  gchar *task_id;
  const GstStructure *last = NULL;
  gdouble previous = -1;
  guint i;

  seedance_emulator_set_generation_ms (f->emulator, GENERATION_MS);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "task messages", "return-last-frame",
      return_last_frame, NULL);
  messages = run_collecting (f);
  task_id = seedance_test_fixture_get_task_id (f);

  for (i = 0; i < messages->len; i++) {
    const GstStructure *s = task_structure (g_ptr_array_index (messages, i));
    gdouble elapsed;

    if (s == NULL)
      continue;
    fail_unless_equals_string (gst_structure_get_string (s, "task-id"),
        task_id);
    fail_unless (gst_structure_get_double (s, "elapsed", &elapsed));
    fail_unless (elapsed >= previous, "elapsed went back: %f < %f", elapsed,
        previous);
    previous = elapsed;
    /* One message per change, never the same status twice in a row. */
    if (statuses->len > 0)
      fail_if (g_str_equal (g_ptr_array_index (statuses, statuses->len - 1),
              gst_structure_get_string (s, "status")));
    g_ptr_array_add (statuses, g_strdup (gst_structure_get_string (s,
                "status")));
    last = s;
  }

  fail_unless (statuses->len >= 3, "%u seedance-task messages", statuses->len);
  fail_unless_equals_string (g_ptr_array_index (statuses, 0), "submitted");
  fail_unless_equals_string (g_ptr_array_index (statuses, statuses->len - 1),
      "success");
  fail_unless (g_str_has_prefix (gst_structure_get_string (last, "video-url"),
          seedance_emulator_get_files_origin (f->emulator)));
  fail_unless (g_str_has_suffix (gst_structure_get_string (last, "video-url"),
          ".mp4"));
  if (return_last_frame) {
    const gchar *frame = gst_structure_get_string (last, "last-frame-url");

    fail_unless (frame != NULL);
    fail_unless (g_str_has_prefix (frame,
            seedance_emulator_get_files_origin (f->emulator)), "%s", frame);
    fail_if (g_str_equal (frame, gst_structure_get_string (last, "video-url")));
  } else {
    fail_if (gst_structure_has_field (last, "last-frame-url"));
  }

  g_ptr_array_unref (statuses);
  g_ptr_array_unref (messages);
  g_free (task_id);
  seedance_test_fixture_free (f);
}

GST_START_TEST (test_task_messages)
{
  check_task_messages (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_task_messages_last_frame)
{
  check_task_messages (TRUE);
}

GST_END_TEST;

/* A status that does not change is still reported every few seconds, so
 * a long wait never looks like a hang. */
GST_START_TEST (test_progress_while_waiting)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gint64 first_seen = 0, end;
  guint n_processing = 0;

  fail_unless (seedance_emulator_add_fault (f->emulator, "task:never-finish",
          NULL));
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a long wait", NULL);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);

  /* Two CONTINUE messages for "processing" arrive within 5 s (+ slack). */
  end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (n_processing < 2) {
    GstMessage *msg = gst_bus_timed_pop_filtered (f->bus,
        (end - g_get_monotonic_time ()) * GST_USECOND,
        GST_MESSAGE_PROGRESS | GST_MESSAGE_ERROR);
    GstProgressType type;
    gchar *text = NULL;

    fail_unless (msg != NULL, "no progress for 15 s");
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR);
    if (is_progress (msg, &type, &text)
        && type == GST_PROGRESS_TYPE_CONTINUE
        && strstr (text, ": processing, ")) {
      if (n_processing++ == 0)
        first_seen = g_get_monotonic_time ();
    }
    g_free (text);
    gst_message_unref (msg);
  }
  fail_unless (g_get_monotonic_time () - first_seen <= 6 * G_USEC_PER_SEC);
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A run that fails ends its progress with ERROR, before the ERROR
 * message, and no COMPLETE. */
GST_START_TEST (test_progress_error)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GPtrArray *messages;
  gboolean saw_error = FALSE;
  guint i;

  fail_unless (seedance_emulator_add_fault (f->emulator,
          "task:fail:reason=nope", NULL));
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "a failing task", NULL);
  messages = run_collecting (f);

  fail_unless_equals_int (GST_MESSAGE_TYPE (g_ptr_array_index (messages,
              messages->len - 1)), GST_MESSAGE_ERROR);
  for (i = 0; i < messages->len; i++) {
    GstProgressType type;
    gchar *text = NULL;

    if (!is_progress (g_ptr_array_index (messages, i), &type, &text))
      continue;
    fail_if (type == GST_PROGRESS_TYPE_COMPLETE);
    if (type == GST_PROGRESS_TYPE_ERROR) {
      fail_unless (strstr (text, "nope") != NULL, "'%s'", text);
      saw_error = TRUE;
    }
    g_free (text);
  }
  fail_unless (saw_error);
  g_ptr_array_unref (messages);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
progress_suite (void)
{
  Suite *s = suite_create ("progress");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_progress_sequence);
  tcase_add_test (tc, test_task_messages);
  tcase_add_test (tc, test_task_messages_last_frame);
  tcase_add_test (tc, test_progress_while_waiting);
  tcase_add_test (tc, test_progress_error);
  return s;
}

SEEDANCE_CHECK_MAIN (progress);
