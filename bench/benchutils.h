/* gst-seedance: what the benchmarks share
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_BENCH_UTILS_H__
#define __SEEDANCE_BENCH_UTILS_H__

#include <stdlib.h>
#include <glib.h>

#include "emulator.h"

G_BEGIN_DECLS

/* The key the benchmarks' emulator demands. */
#define SEEDANCE_BENCH_API_KEY "sk-bench-0123456789abcdef"

/* A benchmark that cannot measure what it says stops. */
#define die(...) G_STMT_START {                                         \
    g_printerr (__VA_ARGS__);                                           \
    g_printerr ("\n");                                                  \
    exit (EXIT_FAILURE); /* NOLINT(concurrency-mt-unsafe): at once */ \
  } G_STMT_END

void               seedance_bench_prepare_environment (void);

SeedanceEmulator * seedance_bench_start_emulator (guint generation_ms,
                                                  SeedanceEmulatorRequestFunc func,
                                                  gpointer user_data);

/* Median and maximum of samples in microseconds (gint64), in ms; sorts
 * @samples. */
gdouble            seedance_bench_median_ms (GArray * samples);
gdouble            seedance_bench_max_ms (GArray * samples);

void               seedance_bench_remove_tree (const gchar * path);

G_END_DECLS

#endif /* __SEEDANCE_BENCH_UTILS_H__ */
