/* gst-seedance: what the benchmarks share
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <glib/gstdio.h>

#include "benchutils.h"

/* The tests' environment: the plugin from this build, no proxy lookups,
 * no user key or origin, a registry and clip cache of the build's own.
 * Runs before gst_init(); child processes inherit it. */
void
seedance_bench_prepare_environment (void)
{
  g_unsetenv ("MODELLIX_API_KEY");
  g_unsetenv ("MODELLIX_BASE_URL");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GST_PLUGIN_PATH_1_0", SEEDANCE_PLUGIN_DIR, FALSE);
  g_setenv ("GST_REGISTRY_1_0", SEEDANCE_BENCH_DIR "/registry.bin", FALSE);
  g_setenv ("SEEDANCE_EMULATOR_CACHE", SEEDANCE_BENCH_DIR "/clip-cache", FALSE);
  /* Polls as fast as the test asks: the key's request budget is the
   * business of the tests (and the benchmark) that set
   * requests-per-minute. */
  g_setenv ("MODELLIX_REQUESTS_PER_MINUTE", "0", TRUE);
}

/* An emulator demanding SEEDANCE_BENCH_API_KEY whose tasks take
 * @generation_ms, calling @func for each request it answers. */
SeedanceEmulator *
seedance_bench_start_emulator (guint generation_ms,
    SeedanceEmulatorRequestFunc func, gpointer user_data)
{
  SeedanceEmulatorConfig config;
  SeedanceEmulator *emulator;
  GError *error = NULL;

  seedance_emulator_config_init (&config);
  config.api_key = SEEDANCE_BENCH_API_KEY;
  config.generation_ms = generation_ms;
  config.clip_cache_dir = g_getenv ("SEEDANCE_EMULATOR_CACHE");
  config.request_func = func;
  config.request_func_data = user_data;
  emulator = seedance_emulator_start (&config, &error);
  if (emulator == NULL)
    die ("the emulator did not start: %s", error->message);
  return emulator;
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gdouble
seedance_bench_median_ms (GArray * samples)
{
  guint n = samples->len, mid = n / 2;
  gint64 *v = (gint64 *) samples->data;

  g_array_sort (samples, compare_int64);
  if (n % 2)
    return v[mid] / 1000.0;
  return (v[mid - 1] + v[mid]) / 2000.0;
}

gdouble
seedance_bench_max_ms (GArray * samples)
{
  g_array_sort (samples, compare_int64);
  return g_array_index (samples, gint64, samples->len - 1) / 1000.0;
}

/* Removes @path and everything under it, never through a symlink: best
 * effort, for the benchmarks' scratch directories. */
void
seedance_bench_remove_tree (const gchar * path)
{
  GDir *dir;
  const gchar *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK)
      && (dir = g_dir_open (path, 0, NULL)) != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      gchar *child = g_build_filename (path, name, NULL);

      seedance_bench_remove_tree (child);
      g_free (child);
    }
    g_dir_close (dir);
  }
  (void) g_remove (path);
}
