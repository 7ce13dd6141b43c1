/* gst-seedance: numbers out of the schema's range, on every path
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A number out of its property's range (duration=3, seed=-2, ...) used to
 * be refused by GObject with a warning that kept the old value, so the
 * element paid for the default. Now, whether it comes from g_object_set(),
 * a gst-launch line, PyGObject, a seedance:// URI set directly or through
 * uridecodebin and playbin, the element stores it and start() refuses it:
 * a RESOURCE SETTINGS error naming the property, the value and the range,
 * no GLib warning (GstCheck fails a test on any), and not one request at
 * the emulator. gst-inspect-1.0 still shows every range. */

#include <string.h>

#include "seedancetestutils.h"

typedef struct
{
  const gchar *property;
  GType type;                   /* G_TYPE_INT, G_TYPE_UINT or G_TYPE_INT64 */
  gint64 value;
  const gchar *message;         /* the whole error message */
  /* A URI may hold it: in a URI, poll-interval below 1000 ms is a URI
   * error of its own (a link may not spend the key's request budget). */
  gboolean in_uri;
} RangeCase;

static const RangeCase range_cases[] = {
  {"duration", G_TYPE_INT, 3,
      "Invalid property 'duration': 3; allowed: 4 to 15 seconds", TRUE},
  {"duration", G_TYPE_INT, 16,
      "Invalid property 'duration': 16; allowed: 4 to 15 seconds", TRUE},
  {"execution-expires-after", G_TYPE_INT, 100,
      "Invalid property 'execution-expires-after': 100; allowed: 3600 to "
        "259200 seconds", TRUE},
  {"execution-expires-after", G_TYPE_INT, 259201,
      "Invalid property 'execution-expires-after': 259201; allowed: 3600 "
        "to 259200 seconds", TRUE},
  {"seed", G_TYPE_INT64, -2,
      "Invalid property 'seed': -2; allowed: -1 (random) to 4294967295", TRUE},
  {"seed", G_TYPE_INT64, G_GINT64_CONSTANT (4294967296),
      "Invalid property 'seed': 4294967296; allowed: -1 (random) to "
        "4294967295", TRUE},
  {"poll-interval", G_TYPE_UINT, 5,
      "Invalid property 'poll-interval': 5; allowed: 10 to 2147483 ms", FALSE},
  {"poll-interval", G_TYPE_UINT, 2147484,
        "Invalid property 'poll-interval': 2147484; allowed: 10 to 2147483 ms",
      TRUE},
  {"timeout", G_TYPE_UINT, 2147484,
      "Invalid property 'timeout': 2147484; allowed: 0 (no limit) to "
        "2147483 seconds", TRUE},
};

/* ------------------------------------------------------------------------ */
/* Helpers */

/* Sets the case's value with g_object_set(), in the property's C type. */
static void
set_number (GstElement * src, const RangeCase * c)
{
  if (c->type == G_TYPE_INT)
    g_object_set (src, c->property, (gint) c->value, NULL);
  else if (c->type == G_TYPE_UINT)
    g_object_set (src, c->property, (guint) c->value, NULL);
  else
    g_object_set (src, c->property, c->value, NULL);
}

static gint64
get_number (GstElement * src, const RangeCase * c)
{
  GValue value = G_VALUE_INIT;
  gint64 n;

  g_value_init (&value, c->type);
  g_object_get_property (G_OBJECT (src), c->property, &value);
  if (c->type == G_TYPE_INT)
    n = g_value_get_int (&value);
  else if (c->type == G_TYPE_UINT)
    n = g_value_get_uint (&value);
  else
    n = g_value_get_int64 (&value);
  g_value_unset (&value);
  return n;
}

/* The element kept the value as given: nothing was clamped or dropped. */
static void
assert_stored (GstElement * src, const RangeCase * c)
{
  fail_unless_equals_int64 (get_number (src, c), c->value);
}

/* start() refused it: the state change failed with the case's SETTINGS
 * error from the element, and the emulator saw not one request. */
static void
assert_refused_at_start (SeedanceTestFixture * f, const RangeCase * c)
{
  GstMessage *msg = seedance_test_fixture_fail_to_start (f);

  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, c->message);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (f->src),
      "the error came from %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)));
  gst_message_unref (msg);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
}

/* ------------------------------------------------------------------------ */
/* From C */

/* g_object_set(): no warning, the value is stored, the param spec still
 * knows it is out of range, and start() refuses it. */
GST_START_TEST (test_gobject_set)
{
  const RangeCase *c = &range_cases[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GParamSpec *pspec;
  GValue value = G_VALUE_INIT;

  GST_INFO ("%s = %" G_GINT64_FORMAT, c->property, c->value);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "x", NULL);

  set_number (f->src, c);
  assert_stored (f->src, c);

  /* What a UI reads: the spec is an ordinary GParamSpecInt & co. whose
   * range excludes the value. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (f->src),
      c->property);
  fail_unless (G_PARAM_SPEC_VALUE_TYPE (pspec) == c->type);
  g_value_init (&value, c->type);
  g_object_get_property (G_OBJECT (f->src), c->property, &value);
  fail_if (g_param_value_is_valid (pspec, &value),
      "%s: the spec takes %" G_GINT64_FORMAT " as in range", c->property,
      c->value);
  g_value_unset (&value);

  assert_refused_at_start (f, c);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* An enum set by a number that is none of its values (g_object_set, or a
 * binding that passes ints): kept without a GLib warning, and refused at
 * start naming the values allowed, instead of the default being paid. */
static const struct
{
  const gchar *property;
  gint value;
  const gchar *message;
} enum_cases[] = {
  {"ratio", 99, "Invalid property 'ratio': 99; allowed: 21:9, 16:9, 4:3, "
        "1:1, 3:4, 9:16"},
  {"resolution", -1, "Invalid property 'resolution': -1; allowed: 480p, "
        "720p"},
};

GST_START_TEST (test_enum_number_refused)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstMessage *msg;
  gint stored;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", "x", enum_cases[__i__].property,
      enum_cases[__i__].value, NULL);
  g_object_get (f->src, enum_cases[__i__].property, &stored, NULL);
  fail_unless_equals_int (stored, enum_cases[__i__].value);
  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, enum_cases[__i__].message);
  gst_message_unref (msg);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Resuming a task builds no request, yet a number out of range is still an
 * error: it was asked for, and would be sent by the next submission. */
GST_START_TEST (test_resume_refuses)
{
  const RangeCase *c = &range_cases[0];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "task-id", "task-to-resume", NULL);
  set_number (f->src, c);

  assert_refused_at_start (f, c);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* A gst-launch-1.0 line */

GST_START_TEST (test_launch_line)
{
  const RangeCase *c = &range_cases[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *description;

  description = g_strdup_printf ("seedancesrc name=src prompt=x %s=%"
      G_GINT64_FORMAT " ! fakesink", c->property, c->value);
  GST_INFO ("%s", description);
  /* Not launch(), which would set poll-interval after the line. */
  seedance_test_fixture_launch_unconfigured (f, description);
  g_object_set (f->src, "api-url", seedance_emulator_get_api_origin
      (f->emulator), "api-key", SEEDANCE_TEST_API_KEY, NULL);
  assert_stored (f->src, c);

  assert_refused_at_start (f, c);
  g_free (description);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* PyGObject */

#if SEEDANCE_TEST_CAN_RUN_HOSTS
typedef struct
{
  const RangeCase *range;
  const gchar *how;             /* "set_property" or "props" */
  const gchar *shown_range;     /* the "range:" line the script prints */
} PythonCase;

static const PythonCase python_cases[] = {
  {&range_cases[0], "set_property", "range: 4 15\n"},
  {&range_cases[4], "props", "range: -1 4294967295\n"},
};

/* src.set_property('duration', 3) and src.props.seed = -2: Python sees the
 * range in the spec, no GLib warning, the value stored, and the element's
 * error naming it. */
GST_START_TEST (test_pygobject)
{
  const PythonCase *c = &python_cases[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *value = g_strdup_printf ("%" G_GINT64_FORMAT, c->range->value);
  const gchar *argv[] = { SEEDANCE_PYTHON, SEEDANCE_SET_OUT_OF_RANGE_PY,
    c->range->property, value, c->how, NULL
  };
  gchar *out = NULL, *err = NULL, *expected;
  gint status;

  status = seedance_test_fixture_spawn_host (f, argv, &out, &err);
  fail_unless (g_spawn_check_wait_status (status, NULL), "exit %d: %s%s",
      status, out, err);
  fail_unless (strstr (out, c->shown_range) != NULL, "%s", out);
  expected = g_strdup_printf ("stored: %s\n", value);
  fail_unless (strstr (out, expected) != NULL, "%s", out);
  g_free (expected);
  expected = g_strdup_printf ("error: %s %d %s\n",
      g_quark_to_string (GST_RESOURCE_ERROR), GST_RESOURCE_ERROR_SETTINGS,
      c->range->message);
  fail_unless (strstr (out, expected) != NULL, "expected '%s' in:\n%s",
      expected, out);
  g_free (expected);
  fail_if (strstr (err, "WARNING") != NULL, "%s", err);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);

  g_free (out);
  g_free (err);
  g_free (value);
  seedance_test_fixture_free (f);
}

GST_END_TEST;
#endif

/* ------------------------------------------------------------------------ */
/* seedance:// URIs */

/* set_uri() takes the number, which only has to fit the property's C
 * type, and start() refuses it naming the property. A poll-interval under
 * a second stays a URI error of its own. */
GST_START_TEST (test_set_uri)
{
  const RangeCase *c = &range_cases[__i__];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GError *error = NULL;
  gchar *uri;

  seedance_test_fixture_launch_fakesink (f);
  uri = g_strdup_printf ("seedance://?prompt=x&%s=%" G_GINT64_FORMAT,
      c->property, c->value);
  GST_INFO ("%s", uri);

  if (c->in_uri) {
    fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (f->src), uri,
            &error), "%s refused: %s", uri, error ? error->message : "");
    assert_stored (f->src, c);
    assert_refused_at_start (f, c);
  } else {
    fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (f->src), uri,
            &error), "%s taken", uri);
    fail_unless (g_error_matches (error, GST_URI_ERROR,
            GST_URI_ERROR_BAD_URI), "%s", error->message);
    fail_unless (strstr (error->message, "in a URI allowed: 1000 ms or more")
        != NULL, "%s", error->message);
    fail_unless_equals_int64 (get_number (f->src, c),
        SEEDANCE_TEST_POLL_INTERVAL);
    g_error_free (error);
  }
  g_free (uri);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static const gchar *uri_bins[] = { "uridecodebin", "playbin" };

/* uridecodebin and playbin make the source, whose own error reaches the
 * bus (before, the URI was refused and the bins could only say that no
 * element handles it). The key and origin come from the environment. */
GST_START_TEST (test_uri_bins)
{
  const gchar *bin = uri_bins[__i__];
  const RangeCase *c = &range_cases[0];
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  GstElement *element;
  GstMessage *msg;
  GstObject *source;

  g_setenv ("MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);

  element = gst_element_factory_make (bin, NULL);
  fail_unless (element != NULL, "no %s", bin);
  if (GST_IS_PIPELINE (element)) {
    f->pipeline = element;
    g_object_set (element, "video-sink", gst_element_factory_make ("fakesink",
            NULL), "audio-sink", gst_element_factory_make ("fakesink", NULL),
        NULL);
  } else {
    /* A bin has a bus only in a pipeline. */
    f->pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (f->pipeline), element);
  }
  g_object_set (element, "uri", "seedance://?prompt=x&duration=3", NULL);
  g_mutex_lock (&f->lock);
  f->bus = gst_element_get_bus (f->pipeline);
  g_mutex_unlock (&f->lock);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (f->bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "%s posted no error", bin);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, c->message);
  source = GST_MESSAGE_SRC (msg);
  fail_unless_equals_string (G_OBJECT_TYPE_NAME (source), "GstSeedanceSrc");
  /* The fixture drops it with the pipeline. */
  f->src = GST_ELEMENT (gst_object_ref (source));
  gst_message_unref (msg);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  g_unsetenv ("MODELLIX_BASE_URL");
  g_unsetenv ("MODELLIX_API_KEY");
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* gst-inspect-1.0 */

#if SEEDANCE_TEST_CAN_RUN_HOSTS
typedef struct
{
  const gchar *property;
  const gchar *blurb_range;     /* what the blurb says */
  const gchar *range_line;      /* what gst-inspect-1.0 prints from the spec */
} InspectCase;

static const InspectCase inspect_cases[] = {
  {"duration", "4 to 15", "Integer. Range: 4 - 15 Default: 5"},
  {"execution-expires-after", "3600 to 259200",
      "Integer. Range: 3600 - 259200 Default: 172800"},
  {"seed", "-1 to 4294967295",
      "Integer64. Range: -1 - 4294967295 Default: -1"},
  {"poll-interval", "10 to 2147483",
      "Unsigned Integer. Range: 10 - 2147483 Default: 2000"},
  {"timeout", "0 to 2147483",
      "Unsigned Integer. Range: 0 - 2147483 Default: 1800"},
};

/* The lines gst-inspect-1.0 prints for @property: from "  name : blurb"
 * to the first line that is not indented past the name column. */
static gchar *
inspect_block (const gchar * out, const gchar * property)
{
  gchar *head = g_strdup_printf ("\n  %s ", property);
  const gchar *start = strstr (out, head), *end;

  if (start == NULL) {
    g_free (head);
    head = g_strdup_printf ("\n  %s:", property);
    start = strstr (out, head);
  }
  g_free (head);
  fail_unless (start != NULL, "gst-inspect-1.0 shows no '%s':\n%s",
      property, out);
  start++;
  for (end = strchr (start, '\n'); end && g_str_has_prefix (end + 1,
          "                        "); end = strchr (end + 1, '\n'));
  return end ? g_strndup (start, end - start) : g_strdup (start);
}

GST_START_TEST (test_gst_inspect)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  const gchar *argv[] = { SEEDANCE_GST_INSPECT, "seedancesrc", NULL };
  gchar *out = NULL, *err = NULL;
  gint status;
  guint i;

  status = seedance_test_fixture_spawn_host (f, argv, &out, &err);
  fail_unless (g_spawn_check_wait_status (status, NULL), "exit %d: %s%s",
      status, out, err);
  for (i = 0; i < G_N_ELEMENTS (inspect_cases); i++) {
    const InspectCase *c = &inspect_cases[i];
    gchar *block = inspect_block (out, c->property);
    gchar *first_line = g_strndup (block, strcspn (block, "\n"));

    fail_unless (strstr (first_line, c->blurb_range) != NULL,
        "the blurb of %s does not say '%s':\n%s", c->property,
        c->blurb_range, block);
    fail_unless (strstr (block, c->range_line) != NULL,
        "gst-inspect-1.0 does not show '%s' for %s:\n%s", c->range_line,
        c->property, block);
    g_free (first_line);
    g_free (block);
  }

  g_free (out);
  g_free (err);
  seedance_test_fixture_free (f);
}

GST_END_TEST;
#endif

static Suite *
ranges_suite (void)
{
  Suite *s = suite_create ("ranges");
  TCase *tc;

  tc = tcase_create ("c");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_gobject_set, 0, G_N_ELEMENTS (range_cases));
  tcase_add_loop_test (tc, test_enum_number_refused, 0,
      G_N_ELEMENTS (enum_cases));
  tcase_add_test (tc, test_resume_refuses);
  tcase_add_loop_test (tc, test_launch_line, 0, G_N_ELEMENTS (range_cases));

  tc = tcase_create ("uri");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_set_uri, 0, G_N_ELEMENTS (range_cases));
  tcase_add_loop_test (tc, test_uri_bins, 0, G_N_ELEMENTS (uri_bins));

#if SEEDANCE_TEST_CAN_RUN_HOSTS
  /* A clang sanitizer build cannot preload its runtime into python3 or
   * gst-inspect-1.0; the normal build runs these. */
  tc = tcase_create ("hosts");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_pygobject, 0, G_N_ELEMENTS (python_cases));
  tcase_add_test (tc, test_gst_inspect);
#endif

  return s;
}

SEEDANCE_CHECK_MAIN (ranges);
