/* gst-seedance: helpers shared by the GstCheck suites
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_TEST_UTILS_H__
#define __SEEDANCE_TEST_UTILS_H__

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <gst/pbutils/pbutils.h>

#include "emulator.h"

G_BEGIN_DECLS

/* The key the emulator demands by default and the element is given. */
#define SEEDANCE_TEST_API_KEY "sk-test-0123456789abcdef"

/* The model the element uses by default and the path it posts to. */
#define SEEDANCE_TEST_DEFAULT_MODEL "bytedance/seedance-2.0-fast-i2v"
#define SEEDANCE_TEST_SUBMIT_PATH \
    "/api/v1/" SEEDANCE_TEST_DEFAULT_MODEL "/async"
#define SEEDANCE_TEST_TASKS_PATH "/api/v1/tasks/"
/* Where the emulator's files origin serves the clips. */
#define SEEDANCE_TEST_FILES_PATH "/files/"

/* Longest wait for a bus message; well below CK_DEFAULT_TIMEOUT. */
#define SEEDANCE_TEST_TIMEOUT (45 * GST_SECOND)

/* Poll interval given to the element, in milliseconds. */
#define SEEDANCE_TEST_POLL_INTERVAL 50

/* One per test: the emulator, the pipeline under test and a scratch
 * directory; nothing is shared between tests. */
typedef struct
{
  SeedanceEmulator *emulator;
  SeedanceEmulatorConfig config;        /* as the emulator was started */

  GstElement *pipeline;         /* owned, NULL until a pipeline is made */
  GstElement *src;              /* the seedancesrc in it, owned ref */
  GstBus *bus;                  /* the pipeline's bus, owned ref */

  gchar *tmpdir;                /* scratch directory, removed at the end */

  /* Filled from streaming threads, under lock. */
  GMutex lock;
  guint task_id_notifies;       /* times notify::task-id fired */
} SeedanceTestFixture;

/* What a sink saw, filled by a pad probe (streaming thread). */
typedef struct
{
  GMutex lock;
  GstCaps *caps;                /* last CAPS event, owned */
  guint n_buffers;
  guint64 n_bytes;
  guint64 first_offset;         /* GST_BUFFER_OFFSET of the first buffer */
  GstClockTime last_end;        /* max of pts + duration over all buffers */
  gboolean offsets_contiguous;  /* offset of each buffer = sum of sizes before */
} SeedanceTestSinkInfo;

/* The main() of a suite: the test must not see the user's key or origin. */
#define SEEDANCE_CHECK_MAIN(name)                                       \
int                                                                     \
main (int argc, char **argv)                                            \
{                                                                       \
  seedance_test_prepare_environment ();                                 \
  gst_check_init (&argc, &argv);                                        \
  return gst_check_run_suite (name ## _suite (), # name, __FILE__);     \
}

void                 seedance_test_prepare_environment (void);

/* The configuration every test starts from: the test key, a short
 * generation time and the shared clip cache. */
void                 seedance_test_config_init (SeedanceEmulatorConfig * config);

/* NULL config: seedance_test_config_init() defaults.  The fixture takes
 * the config's request_func for itself. */
SeedanceTestFixture *seedance_test_fixture_new (const SeedanceEmulatorConfig * config);
void                 seedance_test_fixture_free (SeedanceTestFixture * f);

/* A seedancesrc pointed at the emulator (api-url, api-key, poll-interval);
 * nothing else is set. */
GstElement *         seedance_test_fixture_make_src (SeedanceTestFixture * f);

/* Builds the pipeline from a gst-launch description containing one element
 * named "src" (a seedancesrc), points it at the emulator, and counts its
 * task-id notifications. */
void                 seedance_test_fixture_launch (SeedanceTestFixture * f,
                                                   const gchar * description);

/* Like seedance_test_fixture_launch() but leaves api-url, api-key and
 * poll-interval at the element's defaults. */
void                 seedance_test_fixture_launch_unconfigured (SeedanceTestFixture * f,
                                                                const gchar * description);

/* "src" in a pipeline "seedancesrc name=src ! fakesink". */
void                 seedance_test_fixture_launch_fakesink (SeedanceTestFixture * f);

/* Queues @spec (see the emulator's README) in the fixture's emulator,
 * failing the test on a bad spec. */
void                 seedance_test_fixture_add_fault (SeedanceTestFixture * f,
                                                      const gchar * spec);

/* A fixture with @fault queued (NULL: none) and "seedancesrc name=src !
 * fakesink" launched, its prompt set to @prompt. */
SeedanceTestFixture *seedance_test_fixture_new_with_fault (const gchar * fault,
                                                           const gchar * prompt);

/* Sets PLAYING and waits for EOS; fails on an error or timeout.  The state
 * change must not block: it has to return ASYNC. */
void                 seedance_test_fixture_run_to_eos (SeedanceTestFixture * f);

/* Runs one more pipeline from @description, whose "src" resumes @task_id
 * against the fixture's emulator (with @prompt, when not NULL), to EOS. */
void                 seedance_test_fixture_run_resumed (SeedanceTestFixture * f,
                                                        const gchar * description,
                                                        const gchar * task_id,
                                                        const gchar * prompt);

/* Sets PLAYING, expecting it to fail at once (the element's checks before
 * anything is sent), and returns the one ERROR message posted; fails when
 * another follows it. */
GstMessage *         seedance_test_fixture_fail_to_start (SeedanceTestFixture * f);

/* Sets PLAYING (which must return ASYNC) and waits for an ERROR. */
GstMessage *         seedance_test_fixture_run_to_error (SeedanceTestFixture * f);

/* Waits until the emulator logged at least @count requests matching
 * @method/@path_prefix, woken by the application message the fixture posts
 * on the bus for each logged request; fails after SEEDANCE_TEST_TIMEOUT or
 * (one second after) an ERROR message, which it leaves on the bus. */
void                 seedance_test_fixture_wait_requests (SeedanceTestFixture * f,
                                                          const gchar * method,
                                                          const gchar * path_prefix,
                                                          guint count);

/* The emulator logs a request once its answer is written, which may be
 * after the element acted on it: waits for @count matching requests, then
 * asserts there are exactly @count. */
void                 seedance_test_fixture_expect_requests (SeedanceTestFixture * f,
                                                            const gchar * method,
                                                            const gchar * path_prefix,
                                                            guint count);

/* Runs @argv (NULL-terminated) as its own process, as a user would: the
 * key and the emulator's origin in MODELLIX_API_KEY and MODELLIX_BASE_URL.
 * Returns its wait status; @out and @err get what it printed. */
gint                 seedance_test_fixture_spawn (SeedanceTestFixture * f,
                                                  const gchar * const * argv,
                                                  gchar ** out, gchar ** err);

/* The same for a program this build did not compile (python3,
 * ges-launch-1.0) that loads the plugin: in a sanitizer build, it runs
 * with the sanitizer runtime preloaded. */
gint                 seedance_test_fixture_spawn_host (SeedanceTestFixture * f,
                                                       const gchar * const * argv,
                                                       gchar ** out, gchar ** err);

/* Whether this build can run such programs with the plugin it built. */
#if defined (SEEDANCE_SANITIZED) && !defined (SEEDANCE_SANITIZER_RUNTIME)
#define SEEDANCE_TEST_CAN_RUN_HOSTS 0
#else
#define SEEDANCE_TEST_CAN_RUN_HOSTS 1
#endif

/* Removes @path and everything under it (not following symlinks). */
void                 seedance_test_remove_tree (const gchar * path);

/* One frame at the emulator's 24 fps, plus rounding. */
#define SEEDANCE_TEST_FRAME_TOLERANCE (GST_SECOND / 24 + GST_MSECOND)

/* What GstDiscoverer (gst-discoverer-1.0) reads of the file at @path;
 * fails unless it reads it whole. */
GstDiscovererInfo *  seedance_test_discover_file (const gchar * path);

/* Fails unless @info lasts @expected, within one frame. */
void                 seedance_test_assert_duration (GstDiscovererInfo * info,
                                                    GstClockTime expected);

/* The next EOS or ERROR message, failing after @timeout. */
GstMessage *         seedance_test_wait_eos_or_error (GstBus * bus,
                                                      GstClockTime timeout);

/* Asserts an ERROR message of that domain and code whose GError message
 * contains @substring (when not NULL). */
void                 seedance_test_assert_error (GstMessage * msg, GQuark domain,
                                                 gint code,
                                                 const gchar * substring);

/* The number of tasks the emulator created. */
guint                seedance_test_fixture_count_tasks (SeedanceTestFixture * f);

/* The number of requests the emulator logged, on any origin. */
GPtrArray *          seedance_test_fixture_clip_ranges (SeedanceTestFixture * f);
guint                seedance_test_fixture_count_requests (SeedanceTestFixture * f,
                                                           const gchar * method,
                                                           const gchar * path_prefix);

/* The one POST to the submit endpoint of @model (NULL: the default model),
 * its body parsed; fails when there is not exactly one.  Free with
 * json_node_unref(). */
JsonNode *           seedance_test_fixture_get_submit_body (SeedanceTestFixture * f,
                                                            const gchar * model);

/* The task id read back from the element after a submission. */
gchar *              seedance_test_fixture_get_task_id (SeedanceTestFixture * f);

/* A path in the fixture's scratch directory. */
gchar *              seedance_test_fixture_path (SeedanceTestFixture * f,
                                                 const gchar * name);

/* Writes an image encoded by @encoder ("pngenc", "jpegenc") to @name in the
 * scratch directory and returns its path. */
gchar *              seedance_test_fixture_write_image (SeedanceTestFixture * f,
                                                        const gchar * name,
                                                        const gchar * encoder);

/* Writes @contents to @name in the scratch directory, returns its path. */
gchar *              seedance_test_fixture_write_file (SeedanceTestFixture * f,
                                                       const gchar * name,
                                                       const gchar * contents,
                                                       gsize length);

/* "data:<mime>;base64,<base64 of the file's bytes>". */
gchar *              seedance_test_data_uri_for_file (const gchar * path,
                                                      const gchar * mime);

/* Sets a GstValueArray property from a NULL-terminated list of strings. */
void                 seedance_test_set_string_array (GstElement * element,
                                                     const gchar * property,
                                                     const gchar * const * strv);

/* Reads a GstValueArray-of-strings property back as a strv. */
gchar **             seedance_test_get_string_array (GstElement * element,
                                                     const gchar * property);

void                 seedance_test_sink_info_init (SeedanceTestSinkInfo * info);
void                 seedance_test_sink_info_clear (SeedanceTestSinkInfo * info);

/* Watches buffers and caps arriving on @sink's sink pad. */
void                 seedance_test_sink_info_attach (SeedanceTestSinkInfo * info,
                                                     GstElement * sink);

/* Fails unless @msg is an EOS (showing the error when it is an ERROR);
 * unrefs it. */
void                 seedance_test_assert_eos (GstMessage * msg);

/* A pipeline of a test's own, beside the fixture's, and what its bus said
 * while seedance_test_run_play() waited. */
typedef struct
{
  GstElement *pipeline;         /* owned */
  GstElement *src;              /* the seedancesrc in it, owned ref */
  GstBus *bus;                  /* the pipeline's bus, owned ref */
  GString *warnings;            /* the text of each WARNING, one a line */
  GPtrArray *task_messages;     /* a copy of each seedance-task structure */
} SeedanceTestRun;

/* "seedancesrc name=src @settings ! filesink location=@out" (@out NULL:
 * fakesink; @settings NULL: none), the source pointed at the emulator and
 * asking for a small clip (4 s, 480p, no audio) of @prompt. */
SeedanceTestRun *    seedance_test_run_new (SeedanceTestFixture * f,
                                            const gchar * prompt,
                                            const gchar * out,
                                            const gchar * settings);

/* Sets PLAYING (which must return ASYNC) and returns the EOS or ERROR that
 * ends the run, keeping the WARNINGs and seedance-task messages before it;
 * fails when it has not ended within @timeout. */
GstMessage *         seedance_test_run_play (SeedanceTestRun * r,
                                             GstClockTime timeout);

/* The same, and fails as soon as the files under @dir hold more than
 * @max_bytes (0: no bound), looking every 50 ms. */
GstMessage *         seedance_test_run_play_bounded (SeedanceTestRun * r,
                                                     GstClockTime timeout,
                                                     const gchar * dir,
                                                     guint64 max_bytes);

/* Sets NULL (which must succeed at once) and frees @r. */
void                 seedance_test_run_free (SeedanceTestRun * r);

/* One run of seedance_test_run_new() to EOS within SEEDANCE_TEST_TIMEOUT;
 * returns its warnings (free with g_free()). */
gchar *              seedance_test_run_to_eos (SeedanceTestFixture * f,
                                               const gchar * prompt,
                                               const gchar * out,
                                               const gchar * settings);

/* For runs with pipelines of their own: polls the emulator's log until it
 * has at least @count matching requests; fails after
 * SEEDANCE_TEST_TIMEOUT. */
void                 seedance_test_fixture_await_requests (SeedanceTestFixture * f,
                                                           const gchar * method,
                                                           const gchar * path_prefix,
                                                           guint count);

/* Like seedance_test_fixture_expect_requests(), for runs with pipelines
 * of their own: awaits @count matching requests, then asserts there are
 * exactly @count. */
void                 seedance_test_fixture_poll_requests (SeedanceTestFixture * f,
                                                          const gchar * method,
                                                          const gchar * path_prefix,
                                                          guint count);

/* The element's default cache directory in the fixture (XDG_CACHE_HOME),
 * or its @sub directory ("journal", "clips"; NULL: the top). */
gchar *              seedance_test_fixture_cache_path (SeedanceTestFixture * f,
                                                       const gchar * sub);

/* The one file in @dir whose name ends with @suffix; fails unless @dir
 * exists and has exactly one. */
gchar *              seedance_test_only_file (const gchar * dir,
                                              const gchar * suffix);

/* How many names in @dir end with @suffix (0 when there is no @dir). */
guint                seedance_test_count_files (const gchar * dir,
                                                const gchar * suffix);

/* The bytes in the regular files under @path (apparent sizes), not
 * following symlinks; 0 when there is no @path. */
guint64              seedance_test_tree_bytes (const gchar * path);

/* Fails unless the files @a and @b are the same bytes, over 1000 of
 * them. */
void                 seedance_test_assert_same_bytes (const gchar * a,
                                                      const gchar * b);

/* Pops @bus's messages until the seedance-task message of @status; fails
 * on an error or after SEEDANCE_TEST_TIMEOUT. */
void                 seedance_test_wait_task_status (GstBus * bus,
                                                     const gchar * status);

G_END_DECLS

#endif /* __SEEDANCE_TEST_UTILS_H__ */
