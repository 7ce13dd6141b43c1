/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A main for the fuzz harnesses in the normal build, without libFuzzer:
 * runs LLVMFuzzerTestOneInput once on every file of the directories (or
 * on the files) given, so that every seed and every crash ever found is a
 * regression test of the usual suites, with gcc, valgrind or ASan.
 * Hidden files (.gitkeep) are skipped; a missing directory has no inputs.
 * Fails when no input at all was run. */

#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "fuzz.h"

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Adds the inputs of @path, in name order, as absolute paths: a harness
 * may change its working directory. */
static void
collect (const gchar * path, GPtrArray * inputs)
{
  gchar *abs = g_canonicalize_filename (path, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir;
  const gchar *name;
  guint i;

  if (!g_file_test (abs, G_FILE_TEST_IS_DIR)) {
    /* A directory that is not there would drop its inputs unnoticed. */
    if (!g_file_test (abs, G_FILE_TEST_IS_REGULAR))
      g_error ("replay: %s is neither a directory nor a file", path);
    g_ptr_array_add (inputs, g_strdup (abs));
    g_ptr_array_unref (names);
    g_free (abs);
    return;
  }

  dir = g_dir_open (abs, 0, NULL);
  while (dir && (name = g_dir_read_name (dir))) {
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  }
  if (dir)
    g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++)
    g_ptr_array_add (inputs, g_build_filename (abs, g_ptr_array_index (names,
                i), NULL));
  g_ptr_array_unref (names);
  g_free (abs);
}

int
main (int argc, char **argv)
{
  GPtrArray *inputs = g_ptr_array_new_with_free_func (g_free);
  guint i;
  gint status = 0;

  for (i = 1; i < (guint) argc; i++)
    collect (argv[i], inputs);

  for (i = 0; i < inputs->len; i++) {
    const gchar *path = g_ptr_array_index (inputs, i);
    gchar *data, *copy;
    gsize size;
    GError *error = NULL;

    if (!g_file_get_contents (path, &data, &size, &error)) {
      g_printerr ("replay: %s\n", error->message);
      g_error_free (error);
      status = 1;
      continue;
    }
    g_print ("replay: %s (%" G_GSIZE_FORMAT " bytes)\n", path, size);
    /* Exactly the input's bytes, so that ASan sees a read past them. */
    copy = g_memdup2 (data, size);
    LLVMFuzzerTestOneInput ((const uint8_t *) copy, size);
    g_free (copy);
    g_free (data);
  }

  g_print ("replay: %u inputs run\n", inputs->len);
  if (inputs->len == 0) {
    g_printerr ("replay: no inputs\n");
    status = 1;
  }
  g_ptr_array_unref (inputs);
  return status;
}
