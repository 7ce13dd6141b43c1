/* gst-seedance: the progress examples, run against the emulator
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* examples/seedance-progress (C) runs as a user would run it: its own
 * process, the key and the origin from the environment. Built with
 * SEEDANCE_EXAMPLE_PYTHON (progress-python.c), the same tests run
 * examples/seedance-progress.py instead. */

#include <string.h>

#include "seedancetestutils.h"

/* Runs the example with @args after the program name; returns its exit
 * status and what it printed. */
static gint
run_example (SeedanceTestFixture * f, const gchar * const *args,
    gchar ** out, gchar ** err)
{
  GPtrArray *argv = g_ptr_array_new ();
  gint status;

#ifdef SEEDANCE_EXAMPLE_PYTHON
  g_ptr_array_add (argv, (gpointer) SEEDANCE_PYTHON);
  g_ptr_array_add (argv, (gpointer) SEEDANCE_EXAMPLE_PROGRESS_PY);
#else
  g_ptr_array_add (argv, (gpointer) SEEDANCE_EXAMPLE_PROGRESS);
#endif
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) * args);
  g_ptr_array_add (argv, NULL);
#ifdef SEEDANCE_EXAMPLE_PYTHON
  status = seedance_test_fixture_spawn_host (f,
      (const gchar * const *) argv->pdata, out, err);
#else
  status = seedance_test_fixture_spawn (f,
      (const gchar * const *) argv->pdata, out, err);
#endif
  g_ptr_array_unref (argv);
  return status;
}

/* It draws the wait from the progress messages and ends with the path
 * of an MP4 it wrote, after one submission. */
GST_START_TEST (test_writes_clip)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *path = seedance_test_fixture_path (f, "clip.mp4");
  const gchar *args[] = { "a cat surfing", path, "duration=4",
    "resolution=480p", "generate-audio=false", "poll-interval=50", NULL
  };
  gchar *out = NULL, *err = NULL, *wrote, *data;
  gsize length;
  gint status;

  status = run_example (f, args, &out, &err);
  fail_unless (g_spawn_check_wait_status (status, NULL), "exit %d: %s",
      status, err);
  fail_unless (strstr (out, "submitting the task") != NULL, "%s", out);
  fail_unless (strstr (out, "downloading the clip") != NULL, "%s", out);
  wrote = g_strdup_printf ("Wrote %s\n", path);
  fail_unless (g_str_has_suffix (out, wrote), "%s", out);

  fail_unless (g_file_get_contents (path, &data, &length, NULL));
  fail_unless (length > 8 && memcmp (data + 4, "ftyp", 4) == 0,
      "%s is not an MP4", path);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);

  g_free (data);
  g_free (wrote);
  g_free (out);
  g_free (err);
  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A value the element cannot take ends the example at once, naming it;
 * nothing is sent. */
GST_START_TEST (test_refuses_bad_value)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *path = seedance_test_fixture_path (f, "clip.mp4");
  const gchar *args[] = { "a cat surfing", path, "duration=99", NULL };
  gchar *out = NULL, *err = NULL;
  gint status;

  status = run_example (f, args, &out, &err);
  fail_if (g_spawn_check_wait_status (status, NULL), "it accepted "
      "duration=99: %s", out);
  fail_unless (strstr (err, "duration") != NULL, "%s", err);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);

  g_free (out);
  g_free (err);
  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
progress_example_suite (void)
{
  Suite *s = suite_create ("progress_example");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_writes_clip);
  tcase_add_test (tc, test_refuses_bad_value);
  return s;
}

#ifdef SEEDANCE_EXAMPLE_PYTHON
/* Whether the Python that runs the example has PyGObject and GStreamer's
 * typelib. */
static gboolean
have_pygobject (void)
{
  const gchar *argv[] = { SEEDANCE_PYTHON, "-c",
    "import gi; gi.require_version('Gst', '1.0'); "
        "from gi.repository import Gst", NULL
  };
  gint status;

  return g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
      | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
      && g_spawn_check_wait_status (status, NULL);
}
#endif

int
main (int argc, char **argv)
{
#ifdef SEEDANCE_EXAMPLE_PYTHON
#if !SEEDANCE_TEST_CAN_RUN_HOSTS
  g_print ("SKIP: the plugin is built with a sanitizer whose runtime %s, "
      "not built with it, cannot preload; the normal build runs this test\n",
      SEEDANCE_PYTHON);
  return 77;
#endif
  if (!have_pygobject ()) {
    /* 77: meson counts the test as skipped. */
    g_print ("SKIP: %s lacks PyGObject for GStreamer; install python3-gi "
        "and gir1.2-gstreamer-1.0 (tools/setup.sh does)\n", SEEDANCE_PYTHON);
    return 77;
  }
#endif
  seedance_test_prepare_environment ();
  gst_check_init (&argc, &argv);
  return gst_check_run_suite (progress_example_suite (), "progress_example",
      __FILE__);
}
