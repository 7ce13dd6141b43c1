/* gst-seedance: time to first buffer from the clip cache
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Prints the time from PLAYING to the first buffer at fakesink's sink pad
 * of seedancesrc ! fakesink playing a clip from the element's clip cache
 * (cache-mode=reuse), beside a fresh task and download of the same clip
 * (cache-mode=off), interleaved in one run; and the requests the cached
 * runs made, which must be none. Everything runs in this process against
 * the in-thread emulator on loopback. */

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "benchutils.h"

GST_DEBUG_CATEGORY_STATIC (bench_debug);
#define GST_CAT_DEFAULT bench_debug

/* A clip of the size users ask for: the emulator renders it once (a few
 * seconds), then finds it in its clip cache. */
#define PROMPT "a lighthouse at dusk, gulls circling"
#define RESOLUTION "720p"
#define RATIO "16:9"
#define DURATION_S 5
#define GENERATION_MS 100
#define POLL_INTERVAL_MS 10
/* Longest wait for an EOS. */
#define WAIT_S 60
#define SUBMIT_PATH "/api/v1/bytedance/seedance-2.0-fast-i2v/async"

typedef struct
{
  SeedanceEmulator *emulator;
  /* Requests answered while a cached run was under way, counted on the
   * emulator's thread. */
  GMutex lock;
  gboolean counting;
  guint cached_requests;
  GString *cached_paths;        /* "METHOD path" of each, for the report */
} Bench;

/* What one run saw; the probe and the sync handler write it on the
 * streaming thread, main() reads it once the pipeline is in NULL. */
typedef struct
{
  gint64 start_us;              /* set_state (PLAYING) */
  gint64 success_us;            /* seedance-task "success" was posted */
  gint64 cached_us;             /* seedance-task "cached" was posted */
  gint64 first_us;              /* the first buffer at the sink pad */
  guint64 bytes;
  gboolean submitted;           /* seedance-task "submitted" was posted */
} Run;

typedef enum
{
  MODE_FRESH,                   /* cache-mode=off */
  MODE_PRIME,                   /* cache-mode=reuse, nothing cached yet */
  MODE_CACHED                   /* cache-mode=reuse, the clip cached */
} Mode;

static const gchar *mode_names[] = { "fresh", "priming", "cached" };

/* The element's cache-dir, removed at exit, die() included. */
static gchar *cache_dir;

static void
request_cb (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  Bench *bench = user_data;

  g_mutex_lock (&bench->lock);
  if (bench->counting) {
    bench->cached_requests++;
    g_string_append_printf (bench->cached_paths, "\n    %s %s",
        request->method, request->path);
  }
  g_mutex_unlock (&bench->lock);
}

static Bench *
bench_new (void)
{
  Bench *bench = g_new0 (Bench, 1);

  g_mutex_init (&bench->lock);
  bench->cached_paths = g_string_new (NULL);
  bench->emulator = seedance_bench_start_emulator (GENERATION_MS, request_cb,
      bench);
  return bench;
}

static void
bench_free (Bench * bench)
{
  seedance_emulator_stop (bench->emulator);
  g_string_free (bench->cached_paths, TRUE);
  g_mutex_clear (&bench->lock);
  g_free (bench);
}

static void
set_counting (Bench * bench, gboolean counting)
{
  g_mutex_lock (&bench->lock);
  bench->counting = counting;
  g_mutex_unlock (&bench->lock);
}

static void
remove_cache_dir (void)
{
  if (cache_dir == NULL)
    return;
  seedance_bench_remove_tree (cache_dir);
  g_clear_pointer (&cache_dir, g_free);
}

/* The cached clips, which the journal keeps in cache-dir/clips/: their
 * number, and the size of the last one. */
static guint
count_cached_clips (guint64 * size)
{
  gchar *clips = g_build_filename (cache_dir, "clips", NULL);
  GDir *dir = g_dir_open (clips, 0, NULL);
  const gchar *name;
  guint n = 0;

  *size = 0;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    gchar *path = g_build_filename (clips, name, NULL);
    GStatBuf st;

    if (g_str_has_suffix (name, ".mp4") && g_stat (path, &st) == 0) {
      *size = st.st_size;
      n++;
    }
    g_free (path);
  }
  if (dir != NULL)
    g_dir_close (dir);
  g_free (clips);
  return n;
}

static GstPadProbeReturn
sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Run *run = user_data;

  if (run->first_us == 0)
    run->first_us = g_get_monotonic_time ();
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    run->bytes += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
  else
    run->bytes +=
        gst_buffer_list_calculate_size (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  return GST_PAD_PROBE_OK;
}

/* Runs on the streaming thread that posts: the time is the element's, not
 * the time main() gets to the message. */
static GstBusSyncReply
sync_handler (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Run *run = user_data;
  const GstStructure *s;
  const gchar *status;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return GST_BUS_PASS;
  s = gst_message_get_structure (msg);
  if (!gst_structure_has_name (s, "seedance-task")
      || (status = gst_structure_get_string (s, "status")) == NULL)
    return GST_BUS_PASS;
  if (g_str_equal (status, "success") && run->success_us == 0)
    run->success_us = g_get_monotonic_time ();
  else if (g_str_equal (status, "cached") && run->cached_us == 0)
    run->cached_us = g_get_monotonic_time ();
  else if (g_str_equal (status, "submitted"))
    run->submitted = TRUE;
  return GST_BUS_PASS;
}

static GstElement *
make_pipeline (Bench * bench, Mode mode, const gchar * prompt)
{
  GError *error = NULL;
  GstElement *pipeline, *src;

  pipeline = gst_parse_launch ("seedancesrc name=src ! "
      "fakesink name=sink sync=false", &error);
  if (pipeline == NULL)
    die ("cannot build the pipeline: %s", error->message);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  if (src == NULL)
    die ("no seedancesrc: is the plugin built?");
  g_object_set (src, "api-url",
      seedance_emulator_get_api_origin (bench->emulator), "api-key",
      SEEDANCE_BENCH_API_KEY, "prompt", prompt, "duration", DURATION_S,
      "generate-audio", TRUE, "poll-interval", (guint) POLL_INTERVAL_MS,
      "cache-dir", cache_dir, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "resolution", RESOLUTION);
  gst_util_set_object_arg (G_OBJECT (src), "ratio", RATIO);
  gst_util_set_object_arg (G_OBJECT (src), "cache-mode",
      mode == MODE_FRESH ? "off" : "reuse");
  gst_object_unref (src);
  return pipeline;
}

/* One run of @mode from PLAYING to EOS. */
static void
run_prompt (Bench * bench, Mode mode, const gchar * prompt, Run * run)
{
  GstElement *pipeline = make_pipeline (bench, mode, prompt);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  memset (run, 0, sizeof (*run));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, sink_probe, run, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_bus_set_sync_handler (bus, sync_handler, run, NULL);

  run->start_us = g_get_monotonic_time ();
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("the pipeline did not start");
  msg = gst_bus_timed_pop_filtered (bus, WAIT_S * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg == NULL)
    die ("no EOS within %d s", WAIT_S);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &error, &debug);
    die ("%s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
        error->message, debug ? debug : "no details");
  }
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (pipeline);

  if (run->first_us == 0)
    die ("the sink saw no buffer");
  /* The seedance-task messages say which way the clip came. */
  if (mode != MODE_CACHED && (!run->submitted || run->success_us == 0
          || run->cached_us != 0))
    die ("the %s run did not submit a task and see it succeed",
        mode_names[mode]);
  if (mode == MODE_CACHED && (run->cached_us == 0 || run->submitted
          || run->success_us != 0))
    die ("a cached run did not play the cached clip");
  GST_INFO ("%s run: first buffer after %.3f ms, %" G_GUINT64_FORMAT
      " bytes", mode_names[mode],
      (run->first_us - run->start_us) / 1000.0, run->bytes);
}

static void
run_pipeline (Bench * bench, Mode mode, Run * run)
{
  run_prompt (bench, mode, PROMPT, run);
}

static void
check_bytes (const gchar * what, guint64 bytes, guint64 expected)
{
  if (bytes != expected)
    die ("%s delivered %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT,
        what, bytes, expected);
}

static void
append (GArray * samples, gint64 value)
{
  g_array_append_val (samples, value);
}

static void
print_row (const gchar * what, GArray * samples)
{
  g_print ("  %-50s %10.3f %10.3f\n", what, seedance_bench_median_ms (samples),
      seedance_bench_max_ms (samples));
}

/* The next task's clip is served padded to @mb MiB. */
static void
queue_clip_size (Bench * bench, guint mb)
{
  GError *error = NULL;
  gchar *spec = g_strdup_printf ("task:clip-bytes=%uM", mb);

  if (!seedance_emulator_add_fault (bench->emulator, spec, &error))
    die ("bad fault %s: %s", spec, error->message);
  g_free (spec);
}

/* Time to first buffer of cached clips of @small_mb and @large_mb MiB:
 * a cached clip plays as it is checked, so the large one must not wait
 * for its whole file. */
static void
bench_sizes (Bench * bench, guint small_mb, guint large_mb, guint runs)
{
  guint sizes[2] = { small_mb, large_mb }, i, k;
  gchar *prompts[2];
  GArray *first[2];
  gdouble median[2];
  Run run;

  for (k = 0; k < 2; k++) {
    prompts[k] = g_strdup_printf ("%s, %u MiB", PROMPT, sizes[k]);
    first[k] = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);
    queue_clip_size (bench, sizes[k]);
    run_prompt (bench, MODE_PRIME, prompts[k], &run);
    check_bytes ("a priming run", run.bytes, (guint64) sizes[k] << 20);
  }
  for (i = 0; i < runs; i++) {
    for (k = 0; k < 2; k++) {
      run_prompt (bench, MODE_CACHED, prompts[k], &run);
      check_bytes ("a cached run", run.bytes, (guint64) sizes[k] << 20);
      append (first[k], run.first_us - run.start_us);
    }
  }

  g_print ("Time to first buffer of cached clips by size, %u runs each, "
      "interleaved;\n  the clip as rendered, padded to its size; PLAYING "
      "to the first buffer\n", runs);
  g_print ("  %-50s %10s %10s\n", "", "median ms", "max ms");
  for (k = 0; k < 2; k++) {
    gchar *what = g_strdup_printf ("cached %u MiB clip", sizes[k]);

    print_row (what, first[k]);
    median[k] = seedance_bench_median_ms (first[k]);
    g_free (what);
    g_array_unref (first[k]);
    g_free (prompts[k]);
  }
  g_print ("  %u MiB / %u MiB (medians): %.2fx (goal: <= 1.5x: %s)\n\n",
      large_mb, small_mb, median[1] / median[0],
      median[1] / median[0] <= 1.5 ? "met" : "NOT met");
}

int
main (int argc, char **argv)
{
  gint runs = 20, small_mb = 8, large_mb = 512;
  GOptionEntry entries[] = {
    {"runs", 'n', 0, G_OPTION_ARG_INT, &runs,
        "Runs of each case, interleaved (default 20)", "N"},
    {"small-mb", 0, 0, G_OPTION_ARG_INT, &small_mb,
        "Size of the small cached clip in MiB (default 8)", "N"},
    {"large-mb", 0, 0, G_OPTION_ARG_INT, &large_mb,
        "Size of the large cached clip in MiB (default 512)", "N"},
    {NULL}
  };
  GOptionContext *context;
  GError *error = NULL;
  GArray *fresh, *fresh_success, *cached, *cached_message;
  guint major, minor, micro, nano, posts, n_clips, cached_requests, i;
  guint64 clip_bytes, file_bytes;
  gdouble fresh_median, success_median, cached_median;
  Bench *bench;
  Run run;

  seedance_bench_prepare_environment ();
  context = g_option_context_new ("- time to first buffer of seedancesrc "
      "from its clip cache");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  g_option_context_free (context);
  if (runs < 1 || small_mb < 2 || large_mb < small_mb)
    die ("--runs takes a number >= 1, --small-mb one >= 2 and --large-mb "
        "one >= --small-mb");
  GST_DEBUG_CATEGORY_INIT (bench_debug, "seedance-bench-cache", 0,
      "seedance clip cache benchmark");

  /* Fresh, so that no clip of an earlier run (or of the user's) counts. */
  cache_dir = g_dir_make_tmp ("seedance-bench-cache-XXXXXX", &error);
  if (cache_dir == NULL)
    die ("no temporary cache-dir: %s", error->message);
  if (atexit (remove_cache_dir) != 0)
    die ("cannot register the removal of %s", cache_dir);

  gst_version (&major, &minor, &micro, &nano);
  g_print ("Environment: %u CPUs, GStreamer %u.%u.%u\n\n",
      g_get_num_processors (), major, minor, micro);

  bench = bench_new ();
  fresh = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);
  fresh_success = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);
  cached = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);
  cached_message = g_array_sized_new (FALSE, FALSE, sizeof (gint64), runs);

  /* Warm-up: loads the plugins, renders (or finds) the clip, so that no
   * fresh run counts rendering time. */
  run_pipeline (bench, MODE_FRESH, &run);
  clip_bytes = run.bytes;
  if (count_cached_clips (&file_bytes) != 0)
    die ("cache-mode=off cached a clip");

  /* Primes the cache: one task, its clip written while it streams. */
  seedance_emulator_clear_requests (bench->emulator);
  run_pipeline (bench, MODE_PRIME, &run);
  posts = seedance_emulator_count_requests (bench->emulator, "POST",
      SUBMIT_PATH);
  if (posts != 1)
    die ("priming the cache made %u POSTs, not 1", posts);
  check_bytes ("the priming run", run.bytes, clip_bytes);
  n_clips = count_cached_clips (&file_bytes);
  if (n_clips != 1 || file_bytes != clip_bytes)
    die ("after priming, cache-dir holds %u clips (last: %" G_GUINT64_FORMAT
        " bytes), not 1 of %" G_GUINT64_FORMAT, n_clips, file_bytes,
        clip_bytes);

  /* Interleaved, so that a slow spell of the machine hits both. */
  seedance_emulator_clear_requests (bench->emulator);
  for (i = 0; i < (guint) runs; i++) {
    run_pipeline (bench, MODE_FRESH, &run);
    check_bytes ("a fresh run", run.bytes, clip_bytes);
    append (fresh, run.first_us - run.start_us);
    append (fresh_success, run.first_us - run.success_us);

    set_counting (bench, TRUE);
    run_pipeline (bench, MODE_CACHED, &run);
    set_counting (bench, FALSE);
    check_bytes ("a cached run", run.bytes, clip_bytes);
    append (cached, run.first_us - run.start_us);
    append (cached_message, run.cached_us - run.start_us);
  }
  posts = seedance_emulator_count_requests (bench->emulator, "POST",
      SUBMIT_PATH);
  g_mutex_lock (&bench->lock);
  cached_requests = bench->cached_requests;
  g_mutex_unlock (&bench->lock);

  g_print ("Time to first buffer: the clip cache against a fresh download, "
      "%d runs each,\n  interleaved; seedancesrc ! fakesink sync=false, "
      "PLAYING to the first buffer\n  at fakesink's sink pad; a %s %s %d s "
      "clip with audio (%" G_GUINT64_FORMAT " bytes),\n  %d ms of "
      "generation, poll-interval=%d\n", runs, RESOLUTION, RATIO, DURATION_S,
      clip_bytes, GENERATION_MS, POLL_INTERVAL_MS);
  g_print ("  %-50s %10s %10s\n", "", "median ms", "max ms");
  print_row ("fresh (cache-mode=off): PLAYING -> first buffer", fresh);
  print_row ("  of which: 'success' message -> first buffer", fresh_success);
  print_row ("cached (cache-mode=reuse): PLAYING -> first buffer", cached);
  print_row ("  of which: PLAYING -> 'cached' message", cached_message);
  fresh_median = seedance_bench_median_ms (fresh);
  success_median = seedance_bench_median_ms (fresh_success);
  cached_median = seedance_bench_median_ms (cached);
  g_print ("  fresh/cached, PLAYING -> first buffer (medians): %.1fx\n",
      fresh_median / cached_median);
  g_print ("  fresh 'success' -> first buffer / cached PLAYING -> first "
      "buffer: %.1fx\n", success_median / cached_median);
  g_print ("  POSTs: 1 to prime the cache, %u during the %d fresh and %d "
      "cached runs\n", posts, runs, runs);
  g_print ("  requests during the cached runs: %u (goal: 0: %s)%s\n\n",
      cached_requests, cached_requests == 0 ? "met" : "NOT met",
      bench->cached_paths->str);

  bench_sizes (bench, small_mb, large_mb, runs);

  g_array_unref (fresh);
  g_array_unref (fresh_success);
  g_array_unref (cached);
  g_array_unref (cached_message);
  bench_free (bench);
  gst_deinit ();
  return cached_requests == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
