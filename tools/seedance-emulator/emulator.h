/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_EMULATOR_H__
#define __SEEDANCE_EMULATOR_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SeedanceEmulator SeedanceEmulator;

/* Which of the emulator's two origins a request reached. */
typedef enum
{
  SEEDANCE_EMULATOR_ORIGIN_API,         /* submit + task endpoints */
  SEEDANCE_EMULATOR_ORIGIN_FILES,       /* the storage/CDN host with the clips */
  SEEDANCE_EMULATOR_ORIGIN_OTHER,       /* a third origin, target of the
                                         * redirect and foreign-URL faults */
} SeedanceEmulatorOrigin;

/* One entry of the request log, recorded when the request is answered. */
typedef struct
{
  SeedanceEmulatorOrigin origin;
  gchar *method;                /* "POST", "GET", "HEAD" */
  gchar *path;                  /* e.g. "/api/v1/tasks/task-1" */
  gchar *query;                 /* NULL when absent */
  gchar *authorization;         /* the Authorization header, NULL when absent */
  gchar *range;                 /* the Range header, NULL when absent */
  gchar *body;                  /* request body (NUL-terminated), NULL when empty */
  guint status;                 /* HTTP status the emulator answered; 0 when
                                 * it closed the connection without one */
  gchar *fault;                 /* the fault spec(s) that shaped the answer,
                                 * ", " separated; NULL for none */
  gchar *limited;               /* the limit that refused it with a 429:
                                 * SEEDANCE_EMULATOR_LIMITED_RATE or
                                 * _CONCURRENCY; NULL when none did */
} SeedanceEmulatorRequest;

/* Why a limit refused a request (SeedanceEmulatorRequest.limited). */
#define SEEDANCE_EMULATOR_LIMITED_RATE "rate"
#define SEEDANCE_EMULATOR_LIMITED_CONCURRENCY "concurrency"

/* Called on the emulator's thread for each request, once it is logged. */
typedef void (*SeedanceEmulatorRequestFunc) (const SeedanceEmulatorRequest * request,
                                             gpointer user_data);

typedef struct
{
  /* Address to listen on, "127.0.0.1" when NULL. */
  const gchar *address;
  /* Ports; 0 picks an ephemeral port. */
  guint api_port;
  guint files_port;
  /* Bearer key the API demands; NULL accepts any non-empty bearer key. */
  const gchar *api_key;
  /* Directory where generated clips are cached by their parameters (created
   * when missing); NULL uses $SEEDANCE_EMULATOR_CACHE or, failing that,
   * g_get_user_cache_dir()/seedance-emulator. */
  const gchar *clip_cache_dir;
  /* How long a task takes from submission to success, in milliseconds; the
   * first third is "pending", the rest "processing" (and longer while the
   * clip is still rendering). 3000 after seedance_emulator_config_init(). */
  guint generation_ms;
  /* TRUE puts the moov atom first (faststart), FALSE at the end. */
  gboolean faststart;
  /* Called for every request answered (after it is logged), on the
   * emulator's thread; NULL for none. */
  SeedanceEmulatorRequestFunc request_func;
  gpointer request_func_data;
  /* Per-key limits of the API origin, as Modellix enforces them (see
   * README.md): requests a key may make in any window of
   * rate_limit_window_ms (a sliding window), and tasks it may have
   * pending or processing at once; 0 = no limit. Both are 0 after
   * seedance_emulator_config_init(), so a test meets no limit unless it
   * sets one; the CLI sets 100 a minute and 10 tasks. */
  guint rate_limit_per_minute;
  /* The window's length: 60000 (a minute) after
   * seedance_emulator_config_init(); 0 is taken as 60000. Tests shorten it
   * (10 requests per 2000 ms) instead of waiting minutes. */
  guint rate_limit_window_ms;
  guint max_concurrent_tasks;
} SeedanceEmulatorConfig;

void              seedance_emulator_config_init (SeedanceEmulatorConfig * config);

/* Starts both servers on their own thread with their own GMainContext and
 * returns once they listen. */
SeedanceEmulator *seedance_emulator_start (const SeedanceEmulatorConfig * config,
                                           GError ** error);

/* Stops the servers, joins the thread, frees everything. */
void              seedance_emulator_stop (SeedanceEmulator * emulator);

/* "http://127.0.0.1:PORT", no trailing slash. */
const gchar *     seedance_emulator_get_api_origin (SeedanceEmulator * emulator);
const gchar *     seedance_emulator_get_files_origin (SeedanceEmulator * emulator);

/* Snapshot of the request log, oldest first: a GPtrArray of
 * SeedanceEmulatorRequest, freed with g_ptr_array_unref(). */
GPtrArray *       seedance_emulator_get_requests (SeedanceEmulator * emulator);

/* Number of logged requests with that method (NULL = any) whose path starts
 * with path_prefix (NULL = any), on either origin. */
guint             seedance_emulator_count_requests (SeedanceEmulator * emulator,
                                                    const gchar * method,
                                                    const gchar * path_prefix);

void              seedance_emulator_clear_requests (SeedanceEmulator * emulator);

/* The generation time of tasks submitted from now on. */
void              seedance_emulator_set_generation_ms (SeedanceEmulator * emulator,
                                                       guint generation_ms);

/* Path of the MP4 file that the emulator serves for the task, or NULL while
 * the task is unknown or its clip is not generated yet. Free with g_free(). */
gchar *           seedance_emulator_get_clip_path (SeedanceEmulator * emulator,
                                                   const gchar * task_id);

/* Path of the PNG of the clip's last frame that the emulator serves for the
 * task (the "image" resource of a return_last_frame request), or NULL while
 * the task is unknown or not rendered. Free with g_free(). */
gchar *           seedance_emulator_get_frame_path (SeedanceEmulator * emulator,
                                                    const gchar * task_id);

/* The frame size the emulator (and the real service) renders for a ratio
 * ("16:9", ...) and resolution ("480p", "720p"). FALSE for unknown values. */
gboolean          seedance_emulator_frame_size (const gchar * ratio,
                                                const gchar * resolution,
                                                guint * width, guint * height);

void              seedance_emulator_request_free (SeedanceEmulatorRequest * request);

/* The directory the clips are cached in (absolute or as configured). */
const gchar *     seedance_emulator_get_clip_cache_dir (SeedanceEmulator * emulator);

/* Fault injection: see README.md beside this file for the spec syntax,
 * e.g. "submit:500:created", "poll:429:retry-after=2",
 * "download:drop-at=100000", "task:fail:reason=nope". Faults of one target
 * are consumed in the order they were added. Thread-safe. */
gboolean          seedance_emulator_add_fault (SeedanceEmulator * emulator,
                                               const gchar * spec,
                                               GError ** error);

/* Forgets the faults not consumed yet (not those already given to tasks). */
void              seedance_emulator_clear_faults (SeedanceEmulator * emulator);

/* Number of faults waiting to be consumed (one that lasts forever counts). */
guint             seedance_emulator_count_faults (SeedanceEmulator * emulator);

/* Answers a slow fault holds back right now. */
guint             seedance_emulator_count_held (SeedanceEmulator * emulator);

/* The ids of every task created (whatever answer its submission got),
 * oldest first; free with g_strfreev(). */
gchar **          seedance_emulator_list_tasks (SeedanceEmulator * emulator);

/* The limits of SeedanceEmulatorConfig, changed while running (thread-safe).
 * A new rate limit or window applies to the next request, counted over
 * the requests already in the window; window_ms 0 = 60000. */
void              seedance_emulator_set_rate_limit (SeedanceEmulator * emulator,
                                                    guint per_window,
                                                    guint window_ms);
void              seedance_emulator_set_max_concurrent_tasks (SeedanceEmulator * emulator,
                                                              guint max_tasks);

/* Number of logged requests a limit refused: @cause is
 * SEEDANCE_EMULATOR_LIMITED_RATE, _CONCURRENCY, or NULL for either. */
guint             seedance_emulator_count_limited (SeedanceEmulator * emulator,
                                                   const gchar * cause);

/* Checks a spec without an emulator (for a command line). */
gboolean          seedance_emulator_check_fault (const gchar * spec,
                                                 GError ** error);

/* "http://127.0.0.1:PORT" of the third origin: it logs every request, serves
 * /files/{name} as the files origin does (no faults) and answers 404 to
 * anything else. Redirect and foreign-URL faults point there by default. */
const gchar *     seedance_emulator_get_other_origin (SeedanceEmulator * emulator);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceEmulator, seedance_emulator_stop)

G_END_DECLS

#endif /* __SEEDANCE_EMULATOR_H__ */
