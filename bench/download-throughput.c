/* gst-seedance: download throughput, memory and first-buffer latency
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Prints (1) the throughput of seedancesrc downloading a large clip into
 * fakesink, beside souphttpsrc and curl fetching the same URL from the
 * same emulator; (2) the peak RSS growth of a process that runs
 * seedancesrc ! fakesink on a small and a large clip; (3) the time from
 * the poll answer that said "success" to the first buffer at the sink.
 * The emulator runs in a thread of this process, on loopback; the RSS
 * cases run in child processes (this program again, with a hidden option)
 * that talk to it, so that its mapping of the clip is not counted. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

#include "benchutils.h"

/* The clip of the cancellation benchmark: rendered once, then cached. */
#define PROMPT "a stop at a named moment"
#define MIB (1024 * 1024)
/* Longest wait for an EOS, a child or curl. */
#define WAIT_S 300
/* The throughput runs' tasks succeed at once by default (--generation-ms):
 * a download that follows a wait with idle CPUs is slower on some
 * machines, whichever client makes it (see README.md). */
#define GENERATION_MS 0
#define LATENCY_GENERATION_MS 300
#define POLL_INTERVAL_MS 10
#define TASKS_PATH "/api/v1/tasks/"
#define FILES_PATH "/files/"
/* What a child prints for its parent, on one line. */
#define RSS_FORMAT "rss-child baseline-rss=%" G_GUINT64_FORMAT \
  " baseline-hwm=%" G_GUINT64_FORMAT " peak-hwm=%" G_GUINT64_FORMAT \
  " reset=%d bytes=%" G_GUINT64_FORMAT

typedef struct
{
  SeedanceEmulator *emulator;
  /* Times (monotonic us) the request log gave, on the emulator's thread. */
  GMutex lock;
  gint64 last_poll_us;          /* the latest task GET was answered */
  gint64 success_poll_us;       /* the last task GET before the download */
  gint64 download_us;           /* the first GET of the clip was answered */
} Bench;

/* What the sink saw, written on the streaming thread; read once the EOS
 * message arrived. */
typedef struct
{
  gint64 first_us;
  gint64 eos_us;
  guint64 bytes;
  guint buffers;
} SinkStats;

typedef struct
{
  SinkStats sink;
  gint64 start_us;              /* set_state (PLAYING) */
  gint64 eos_msg_us;            /* the EOS message was popped */
  gchar *video_url;             /* from the seedance-task messages */
} Run;

static void
request_cb (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();

  if (g_strcmp0 (request->method, "GET") != 0)
    return;
  g_mutex_lock (&bench->lock);
  if (request->origin == SEEDANCE_EMULATOR_ORIGIN_API
      && g_str_has_prefix (request->path, TASKS_PATH)) {
    bench->last_poll_us = now;
  } else if (request->origin == SEEDANCE_EMULATOR_ORIGIN_FILES
      && g_str_has_prefix (request->path, FILES_PATH)
      && bench->download_us == 0) {
    /* The element downloads as soon as a poll said success: that poll
     * was the last one. */
    bench->download_us = now;
    bench->success_poll_us = bench->last_poll_us;
  }
  g_mutex_unlock (&bench->lock);
}

static void
bench_clear_marks (Bench * bench)
{
  g_mutex_lock (&bench->lock);
  bench->last_poll_us = bench->success_poll_us = bench->download_us = 0;
  g_mutex_unlock (&bench->lock);
}

static Bench *
bench_new (void)
{
  Bench *bench = g_new0 (Bench, 1);

  g_mutex_init (&bench->lock);
  bench->emulator = seedance_bench_start_emulator (GENERATION_MS, request_cb,
      bench);
  return bench;
}

static void
bench_free (Bench * bench)
{
  seedance_emulator_stop (bench->emulator);
  g_mutex_clear (&bench->lock);
  g_free (bench);
}

/* The next task's clip is served padded to @mb MiB; 0 leaves it as
 * rendered (about 1 MB). */
static void
queue_clip_size (Bench * bench, guint mb)
{
  GError *error = NULL;
  gchar *spec;

  if (mb == 0)
    return;
  spec = g_strdup_printf ("task:clip-bytes=%uM", mb);
  if (!seedance_emulator_add_fault (bench->emulator, spec, &error))
    die ("bad fault %s: %s", spec, error->message);
  g_free (spec);
}

static GstPadProbeReturn
sink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  SinkStats *stats = user_data;
  gint64 now = g_get_monotonic_time ();

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    if (stats->first_us == 0)
      stats->first_us = now;
    stats->bytes += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
    stats->buffers++;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

    if (stats->first_us == 0)
      stats->first_us = now;
    stats->bytes += gst_buffer_list_calculate_size (list);
    stats->buffers += gst_buffer_list_length (list);
  } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
      && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS) {
    stats->eos_us = now;
  }
  return GST_PAD_PROBE_OK;
}

/* "<source> name=src ! fakesink name=sink sync=false"; returns the
 * pipeline and its source. */
static GstElement *
make_pipeline (const gchar * source, GstElement ** src)
{
  GError *error = NULL;
  gchar *description =
      g_strdup_printf ("%s name=src ! fakesink name=sink sync=false", source);
  GstElement *pipeline = gst_parse_launch (description, &error);

  if (pipeline == NULL)
    die ("cannot build '%s': %s", description, error->message);
  *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  if (*src == NULL)
    die ("no element named src in '%s': is the plugin built?", description);
  g_free (description);
  return pipeline;
}

/* seedancesrc with the clip cache in @cache_dir (the defaults otherwise),
 * or with cache-mode=off when @cache_dir is NULL. */
static GstElement *
make_seedance_pipeline (const gchar * api_origin, const gchar * cache_dir)
{
  GstElement *src, *pipeline = make_pipeline ("seedancesrc", &src);

  g_object_set (src, "api-url", api_origin, "api-key", SEEDANCE_BENCH_API_KEY,
      "prompt", PROMPT, "duration", 4, "generate-audio", FALSE,
      "poll-interval", (guint) POLL_INTERVAL_MS, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "resolution", "480p");
  if (cache_dir)
    g_object_set (src, "cache-dir", cache_dir, NULL);
  else
    gst_util_set_object_arg (G_OBJECT (src), "cache-mode", "off");
  gst_object_unref (src);
  return pipeline;
}

/* A cache directory no run used yet: each run downloads (and caches). */
static gchar *
fresh_cache_dir (void)
{
  gchar *dir = g_dir_make_tmp ("seedance-bench-cache-XXXXXX", NULL);

  if (dir == NULL)
    die ("cannot make a scratch directory");
  return dir;
}

static GstElement *
make_souphttpsrc_pipeline (const gchar * url)
{
  GstElement *src, *pipeline = make_pipeline ("souphttpsrc", &src);

  g_object_set (src, "location", url, NULL);
  gst_object_unref (src);
  return pipeline;
}

/* Runs @pipeline from PLAYING to EOS, watching its sink; frees it. */
static void
run_pipeline (GstElement * pipeline, Run * run)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline;

  memset (run, 0, sizeof (*run));
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      sink_probe, &run->sink, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  run->start_us = g_get_monotonic_time ();
  deadline = run->start_us + WAIT_S * G_USEC_PER_SEC;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    die ("the pipeline did not start");

  while (run->eos_msg_us == 0) {
    gint64 remaining = deadline - g_get_monotonic_time ();
    GstMessage *msg;

    if (remaining <= 0)
      die ("no EOS within %d s", WAIT_S);
    msg = gst_bus_timed_pop_filtered (bus, remaining * GST_USECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (msg == NULL)
      continue;
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        run->eos_msg_us = g_get_monotonic_time ();
        break;
      case GST_MESSAGE_ERROR:{
        GError *error = NULL;
        gchar *debug = NULL;

        gst_message_parse_error (msg, &error, &debug);
        die ("%s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
            error->message, debug ? debug : "no details");
        break;
      }
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *s = gst_message_get_structure (msg);
        const gchar *url;

        if (gst_structure_has_name (s, "seedance-task")
            && (url = gst_structure_get_string (s, "video-url")) != NULL) {
          g_free (run->video_url);
          run->video_url = g_strdup (url);
        }
        break;
      }
      default:
        break;
    }
    gst_message_unref (msg);
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  if (run->sink.first_us == 0 || run->sink.eos_us == 0)
    die ("the sink saw no buffer or no EOS");
}

/* A run of seedancesrc at the defaults, its clip cached in a fresh
 * directory that goes afterwards. */
static void
run_seedance_cached (const gchar * api_origin, Run * run)
{
  gchar *dir = fresh_cache_dir ();

  run_pipeline (make_seedance_pipeline (api_origin, dir), run);
  seedance_bench_remove_tree (dir);
  g_free (dir);
}

static void
check_bytes (const gchar * what, guint64 bytes, guint64 expected)
{
  if (bytes != expected)
    die ("%s delivered %" G_GUINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT,
        what, bytes, expected);
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static gint64
median_us (GArray * samples)
{
  guint n = samples->len;
  gint64 *v = (gint64 *) samples->data;

  g_array_sort (samples, compare_int64);
  if (n % 2)
    return v[n / 2];
  return (v[n / 2 - 1] + v[n / 2]) / 2;
}

static gint64
max_us (GArray * samples)
{
  g_array_sort (samples, compare_int64);
  return g_array_index (samples, gint64, samples->len - 1);
}

static void
append (GArray * samples, gint64 value)
{
  g_array_append_val (samples, value);
}

static gdouble
mb_per_s (guint64 bytes, gint64 us)
{
  return us > 0 ? (bytes / (gdouble) MIB) / (us / (gdouble) G_USEC_PER_SEC) :
      0.0;
}

/* A child's stdout and exit status; FALSE (with a message) when it could
 * not run or did not exit 0. */
static gboolean
spawn (gchar ** argv, gchar ** out, gchar ** why)
{
  gchar **envp = g_environ_setenv (g_get_environ (), "LC_ALL", "C", TRUE);
  GError *error = NULL;
  gint status;
  gboolean ok;

  ok = g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, out,
      NULL, &status, &error) && g_spawn_check_wait_status (status, &error);
  g_strfreev (envp);
  if (!ok) {
    *why = g_strdup (error->message);
    g_error_free (error);
  }
  return ok;
}

/* Downloads @url with curl; FALSE when curl failed. @transfer_us is the
 * time from curl's first byte to its last, @wall_us from spawn to exit. */
static gboolean
run_curl (const gchar * curl, const gchar * url, guint64 expected,
    gint64 * transfer_us, gint64 * wall_us)
{
  gchar *argv[] = { (gchar *) curl, (gchar *) "-s", (gchar *) "-o",
    (gchar *) "/dev/null", (gchar *) "--noproxy", (gchar *) "*",
    (gchar *) "-w", (gchar *) "%{size_download} %{time_starttransfer} "
        "%{time_total}", (gchar *) url, NULL
  };
  gchar *out = NULL, *why = NULL;
  guint64 size = 0;
  gdouble first = 0, total = 0;
  gchar **fields;
  gint64 start = g_get_monotonic_time ();

  if (!spawn (argv, &out, &why)) {
    g_printerr ("curl failed: %s\n", why);
    g_free (why);
    g_free (out);
    return FALSE;
  }
  *wall_us = g_get_monotonic_time () - start;
  fields = g_strsplit (out, " ", 3);
  if (g_strv_length (fields) == 3) {
    size = g_ascii_strtoull (fields[0], NULL, 10);
    first = g_ascii_strtod (fields[1], NULL);
    total = g_ascii_strtod (fields[2], NULL);
  }
  g_strfreev (fields);
  g_free (out);
  check_bytes ("curl", size, expected);
  *transfer_us = (total - first) * G_USEC_PER_SEC;
  return TRUE;
}

typedef enum
{
  CASE_SEEDANCE,
  CASE_SEEDANCE_OFF,
  CASE_SOUP,
  CASE_CURL,
  N_CASES
} Case;

static const gchar *case_names[N_CASES] = {
  "seedancesrc ! fakesink (defaults)", "  the same, cache-mode=off",
  "souphttpsrc ! fakesink", "curl -s -o /dev/null",
};

typedef struct
{
  GArray *download[N_CASES];    /* first byte to last, us */
  GArray *whole[N_CASES];       /* start to end, us */
  guint buffers[N_CASES];       /* at the sink, last run */
} Samples;

/* One run of @c; FALSE when curl failed. */
static gboolean
measure (Bench * bench, Case c, Samples * samples, guint mb,
    const gchar * url, const gchar * curl)
{
  const gchar *api = seedance_emulator_get_api_origin (bench->emulator);
  guint64 expected = (guint64) mb * MIB;
  gint64 download, whole;
  Run run;

  switch (c) {
    case CASE_SEEDANCE:
    case CASE_SEEDANCE_OFF:
      queue_clip_size (bench, mb);
      if (c == CASE_SEEDANCE)
        run_seedance_cached (api, &run);
      else
        run_pipeline (make_seedance_pipeline (api, NULL), &run);
      if (g_strcmp0 (run.video_url, url) != 0)
        die ("the clip URL changed: %s", run.video_url);
      break;
    case CASE_SOUP:
      run_pipeline (make_souphttpsrc_pipeline (url), &run);
      break;
    case CASE_CURL:
      if (!run_curl (curl, url, expected, &download, &whole))
        return FALSE;
      g_array_append_val (samples->download[c], download);
      g_array_append_val (samples->whole[c], whole);
      return TRUE;
    default:
      g_assert_not_reached ();
  }
  check_bytes (case_names[c], run.sink.bytes, expected);
  append (samples->download[c], run.sink.eos_us - run.sink.first_us);
  append (samples->whole[c], run.eos_msg_us - run.start_us);
  samples->buffers[c] = run.sink.buffers;
  g_free (run.video_url);
  return TRUE;
}

static const gchar *
goal (gdouble ratio)
{
  return ratio >= 1.0 ? "met" : "NOT met";
}

static void
bench_throughput (Bench * bench, guint mb, guint runs, guint generation_ms,
    const gchar * curl)
{
  const gchar *api = seedance_emulator_get_api_origin (bench->emulator);
  const gchar *skipped = "curl is not installed";
  guint64 expected = (guint64) mb * MIB;
  gdouble rate[N_CASES] = { 0 };
  Samples samples;
  gchar *url;
  guint i, c;
  Run run;

  g_print ("Throughput of a %u MB clip into fakesink sync=false, median of "
      "%u runs\n  (MB = 2^20 bytes)\n", mb, runs);
  for (c = 0; c < N_CASES; c++) {
    samples.download[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
    samples.whole[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
    samples.buffers[c] = 0;
  }

  seedance_emulator_set_generation_ms (bench->emulator, generation_ms);
  /* Warm-up: loads the plugins, renders (or finds) the clip, writes (or
   * finds) its padded copy; gives the URL. */
  queue_clip_size (bench, mb);
  run_pipeline (make_seedance_pipeline (api, NULL), &run);
  check_bytes ("seedancesrc", run.sink.bytes, expected);
  if (run.video_url == NULL)
    die ("no video-url in the seedance-task messages");
  url = run.video_url;
  if (!g_str_has_prefix (url,
          seedance_emulator_get_files_origin (bench->emulator)))
    die ("the clip is not on the files origin: %s", url);
  for (c = CASE_SOUP; c < N_CASES; c++) {
    if (c == CASE_CURL && curl == NULL)
      break;
    if (!measure (bench, c, &samples, mb, url, curl)) {
      curl = NULL;
      skipped = "curl failed (see above)";
    }
    g_array_set_size (samples.download[c], 0);
    g_array_set_size (samples.whole[c], 0);
  }

  /* Interleaved, so that a slow spell of the machine hits them all. */
  for (i = 0; i < runs; i++) {
    for (c = 0; c < N_CASES; c++) {
      if (c == CASE_CURL && curl == NULL)
        break;
      if (!measure (bench, c, &samples, mb, url, curl))
        die ("curl failed after it worked once");
    }
  }

  g_print ("  URL: %s\n", url);
  g_print ("  %-34s %12s %12s %8s\n", "", "download", "whole run", "buffers");
  for (c = 0; c < N_CASES; c++) {
    gchar *buffers;

    if (c == CASE_CURL && curl == NULL) {
      g_print ("  %-34s skipped: %s\n", case_names[c], skipped);
      break;
    }
    rate[c] = mb_per_s (expected, median_us (samples.download[c]));
    buffers = c == CASE_CURL ? g_strdup ("-") :
        g_strdup_printf ("%u", samples.buffers[c]);
    g_print ("  %-34s %7.0f MB/s %7.0f MB/s %8s\n", case_names[c], rate[c],
        mb_per_s (expected, median_us (samples.whole[c])), buffers);
    g_free (buffers);
  }
  g_print ("  download: the elements from the first buffer to EOS at the "
      "sink, curl from\n  its first byte to its last. whole run: PLAYING to "
      "the EOS message\n  (seedancesrc: submission, %u ms of generation "
      "polled every %d ms,\n  download), curl: spawn to exit. defaults: "
      "cache-mode=reuse, each run with\n  an empty cache directory, so it "
      "downloads, checksums and writes the clip.\n",
      generation_ms, POLL_INTERVAL_MS);
  if (curl != NULL)
    g_print ("  curl runs as: %s -s -o /dev/null --noproxy '*' \\\n"
        "      -w '%%{size_download} %%{time_starttransfer} %%{time_total}' "
        "<URL>\n", curl);
  g_print ("  seedancesrc at the defaults/souphttpsrc: %.2fx (goal: >= 1.0x: "
      "%s)\n", rate[CASE_SEEDANCE] / rate[CASE_SOUP],
      goal (rate[CASE_SEEDANCE] / rate[CASE_SOUP]));
  g_print ("  seedancesrc cache-mode=off/souphttpsrc: %.2fx\n",
      rate[CASE_SEEDANCE_OFF] / rate[CASE_SOUP]);
  if (curl != NULL)
    g_print ("  seedancesrc/curl:        %.2fx\n",
        rate[CASE_SEEDANCE] / rate[CASE_CURL]);
  g_print ("\n");

  for (c = 0; c < N_CASES; c++) {
    g_array_unref (samples.download[c]);
    g_array_unref (samples.whole[c]);
  }
  g_free (url);
}

/* VmRSS and VmHWM of /proc/self/status in kB, from one reading. */
static void
read_rss (guint64 * rss, guint64 * hwm)
{
  gchar *contents = NULL, **lines, **line;

  *rss = *hwm = 0;
  if (!g_file_get_contents ("/proc/self/status", &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  for (line = lines; *line != NULL; line++) {
    if (g_str_has_prefix (*line, "VmRSS:"))
      *rss = g_ascii_strtoull (*line + strlen ("VmRSS:"), NULL, 10);
    else if (g_str_has_prefix (*line, "VmHWM:"))
      *hwm = g_ascii_strtoull (*line + strlen ("VmHWM:"), NULL, 10);
  }
  g_strfreev (lines);
  g_free (contents);
}

/* Resets VmHWM to the current RSS; FALSE when the kernel refused. */
static gboolean
reset_peak_rss (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  guint64 rss, hwm;
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fputs ("5", f) >= 0;
  ok = fclose (f) == 0 && ok;
  read_rss (&rss, &hwm);
  /* A few pages may have been touched since the reset. */
  return ok && hwm <= rss + 256;
}

/* The child: one run of seedancesrc ! fakesink against the parent's
 * emulator, which queued the clip size; prints RSS_FORMAT. */
static gint
rss_child (const gchar * api_origin)
{
  gchar *dir = fresh_cache_dir ();
  GstElement *pipeline = make_seedance_pipeline (api_origin, dir);
  guint64 baseline_rss, baseline_hwm, end_rss, peak_hwm;
  gboolean reset;
  Run run;

  reset = reset_peak_rss ();
  read_rss (&baseline_rss, &baseline_hwm);
  run_pipeline (pipeline, &run);
  seedance_bench_remove_tree (dir);
  g_free (dir);
  g_free (run.video_url);
  read_rss (&end_rss, &peak_hwm);
  g_print (RSS_FORMAT "\n", baseline_rss, baseline_hwm, peak_hwm, reset,
      run.sink.bytes);
  return EXIT_SUCCESS;
}

static gdouble
kb_to_mb (guint64 kb)
{
  return kb / 1024.0;
}

static void
bench_rss (Bench * bench, guint mb)
{
  guint sizes[2] = { 5, mb }, i;
  gdouble growth[2] = { 0, 0 };
  gboolean all_reset = TRUE;

  g_print ("Peak RSS of seedancesrc ! fakesink sync=false at the defaults "
      "(the clip\n  cached as it downloads), each clip in a child process\n");
  g_print ("  %-8s %12s %12s %12s\n", "clip", "baseline MB", "peak MB",
      "growth MB");
  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    gchar *size = g_strdup_printf ("%u", sizes[i]);
    gchar *argv[] = { (gchar *) "/proc/self/exe", (gchar *) "--rss-child",
      size, (gchar *) "--rss-api",
      (gchar *) seedance_emulator_get_api_origin (bench->emulator), NULL
    };
    gchar *out = NULL, *why = NULL, *line;
    guint64 baseline_rss, baseline_hwm, peak, bytes;
    gint reset;

    queue_clip_size (bench, sizes[i]);
    if (!spawn (argv, &out, &why))
      die ("the RSS child for %u MB failed: %s", sizes[i], why);
    line = strstr (out, "rss-child ");
    /* NOLINTNEXTLINE(cert-err34-c): our own child printed it as RSS_FORMAT */
    if (line == NULL || sscanf (line, RSS_FORMAT, &baseline_rss,
            &baseline_hwm, &peak, &reset, &bytes) != 5)
      die ("the RSS child printed no result: %s", out);
    check_bytes ("seedancesrc (child)", bytes, (guint64) sizes[i] * MIB);
    all_reset = all_reset && reset;
    /* Without a reset the peak may be older than the run: it is then an
     * upper bound of the run's own peak. */
    growth[i] = kb_to_mb (peak) - kb_to_mb (reset ? baseline_hwm :
        baseline_rss);
    g_free (size);
    size = g_strdup_printf ("%u MB", sizes[i]);
    g_print ("  %-8s %12.1f %12.1f %12.1f\n", size, kb_to_mb (reset ?
            baseline_hwm : baseline_rss), kb_to_mb (peak), growth[i]);
    if (!reset)
      g_print ("  %-8s (VmHWM not reset: baseline is VmRSS, VmHWM was "
          "%.1f MB before the run)\n", "", kb_to_mb (baseline_hwm));
    g_free (size);
    g_free (out);
  }
  g_print ("  baseline: VmRSS just before PLAYING, after gst_init and "
      "building the\n  pipeline; peak: VmHWM at EOS; VmHWM reset by "
      "clear_refs before the run: %s\n", all_reset ? "yes" : "no");
  g_print ("  difference (%u MB - 5 MB clip): %+.1f MB\n", mb,
      growth[1] - growth[0]);
  g_print ("  goal: growth under 10 MB, not growing with clip size "
      "(difference under\n  1 MB): %s\n\n", growth[0] < 10 && growth[1] < 10
      && growth[1] - growth[0] < 1 ? "met" : "NOT met");
}

static void
bench_latency (Bench * bench, guint runs)
{
  const gchar *api = seedance_emulator_get_api_origin (bench->emulator);
  GArray *total = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *to_get = g_array_new (FALSE, FALSE, sizeof (gint64));
  GArray *to_buffer = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint i;
  gint64 latency_max;

  g_print ("First-buffer latency: from the emulator's answer of the first "
      "successful poll\n  to the first buffer at fakesink's sink pad, %u "
      "runs, poll-interval=%d,\n  %d ms of generation, the clip as rendered"
      "\n", runs, POLL_INTERVAL_MS, LATENCY_GENERATION_MS);

  seedance_emulator_set_generation_ms (bench->emulator, LATENCY_GENERATION_MS);
  for (i = 0; i < runs; i++) {
    Run run;

    bench_clear_marks (bench);
    run_pipeline (make_seedance_pipeline (api, NULL), &run);
    g_free (run.video_url);
    g_mutex_lock (&bench->lock);
    if (bench->success_poll_us == 0 || bench->download_us == 0)
      die ("the request log shows no poll or no download");
    append (total, run.sink.first_us - bench->success_poll_us);
    append (to_get, bench->download_us - bench->success_poll_us);
    append (to_buffer, run.sink.first_us - bench->download_us);
    g_mutex_unlock (&bench->lock);
  }

  latency_max = max_us (total);
  g_print ("  %-48s %10s %10s\n", "", "median ms", "max ms");
  g_print ("  %-48s %10.3f %10.3f\n", "success answer -> first buffer",
      median_us (total) / 1000.0, latency_max / 1000.0);
  g_print ("  %-48s %10.3f %10.3f\n", "  of which: success answer -> clip GET "
      "answered", median_us (to_get) / 1000.0, max_us (to_get) / 1000.0);
  g_print ("  %-48s %10.3f %10.3f\n", "            clip GET answered -> first "
      "buffer", median_us (to_buffer) / 1000.0, max_us (to_buffer) / 1000.0);
  g_print ("  goal: under 50 ms: %s\n", latency_max < 50000 ? "met" :
      "NOT met");

  g_array_unref (total);
  g_array_unref (to_get);
  g_array_unref (to_buffer);
}

static gchar *
command_line (gint argc, gchar ** argv)
{
  GString *s = g_string_new (NULL);
  gint i;

  for (i = 0; i < argc; i++) {
    gboolean plain = argv[i][0] != '\0'
        && strspn (argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
        "WXYZ0123456789-_./=,:+") == strlen (argv[i]);
    gchar *quoted = plain ? g_strdup (argv[i]) : g_shell_quote (argv[i]);

    g_string_append_printf (s, "%s%s", i ? " " : "", quoted);
    g_free (quoted);
  }
  return g_string_free (s, FALSE);
}

int
main (int argc, char **argv)
{
  gint mb = 200, runs = 3, generation_ms = GENERATION_MS, rss_child_mb = 0;
  gchar *rss_api = NULL;
  GOptionEntry entries[] = {
    {"mb", 'm', 0, G_OPTION_ARG_INT, &mb,
        "Size of the large clip in MB (default 200)", "N"},
    {"runs", 'n', 0, G_OPTION_ARG_INT, &runs,
        "Runs of each throughput and latency measure (default 3)", "N"},
    {"generation-ms", 'g', 0, G_OPTION_ARG_INT, &generation_ms,
        "Generation time of the throughput runs' tasks (default 0)", "MS"},
    {"rss-child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &rss_child_mb,
        "Be the child that measures the RSS of one clip", "MB"},
    {"rss-api", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &rss_api,
        "The emulator's API origin, for --rss-child", "URL"},
    {NULL}
  };
  GOptionContext *context;
  GError *error = NULL;
  gchar *cmdline = command_line (argc, argv), *curl;
  guint major, minor, micro, nano;
  Bench *bench;

  seedance_bench_prepare_environment ();
  context = g_option_context_new ("- download throughput, memory and "
      "first-buffer latency of seedancesrc");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  g_option_context_free (context);

  if (rss_child_mb > 0) {
    if (rss_api == NULL)
      die ("--rss-child needs --rss-api");
    return rss_child (rss_api);
  }
  if (mb < 6 || runs < 1 || generation_ms < 0)
    die ("--mb takes a number >= 6, --runs a number >= 1 and "
        "--generation-ms a number >= 0");

  curl = g_find_program_in_path ("curl");
  g_print ("Command: %s\n", cmdline);
  gst_version (&major, &minor, &micro, &nano);
  g_print ("Environment: %u CPUs, GStreamer %u.%u.%u, libsoup %u.%u.%u, "
      "curl: %s\n\n", g_get_num_processors (), major, minor, micro,
      soup_get_major_version (),
      soup_get_minor_version (), soup_get_micro_version (),
      curl != NULL ? curl : "not installed (its baseline is skipped)");

  bench = bench_new ();
  bench_throughput (bench, mb, runs, generation_ms, curl);
  bench_rss (bench, mb);
  bench_latency (bench, runs);
  bench_free (bench);

  g_free (curl);
  g_free (cmdline);
  gst_deinit ();
  return EXIT_SUCCESS;
}
