/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */


/* What the emulator's files share and nothing else sees: the emulator and
 * task structs, the keys it sets on messages, and the helpers one part of
 * it gives the others. emulator.h is the public side. */

#ifndef __SEEDANCE_EMULATOR_PRIVATE_H__
#define __SEEDANCE_EMULATOR_PRIVATE_H__

#include "emulator.h"
#include "clipgen.h"
#include "faults.h"

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define MODEL_PROVIDER "bytedance"
#define MODEL_NAME "seedance-2.0-fast-i2v"
#define MODEL_ID MODEL_PROVIDER "/" MODEL_NAME
#define API_PREFIX "/api/v1/"
#define TASKS_PREFIX "/api/v1/tasks/"
#define FILES_PREFIX "/files/"

/* Data set on a SoupServerMessage while it is handled. */
#define BODY_SIZE_KEY "seedance-emulator-body-size"
#define LOGGED_KEY "seedance-emulator-logged"
#define FAULT_KEY "seedance-emulator-fault"
#define SENT_STATUS_KEY "seedance-emulator-sent-status"
#define DEFERRED_KEY "seedance-emulator-deferred"
#define RANGE_KEY "seedance-emulator-range"
#define LIMITED_KEY "seedance-emulator-limited"

typedef enum
{
  RENDER_RUNNING,
  RENDER_DONE,
  RENDER_FAILED,
} RenderState;

typedef struct
{
  gchar *id;
  gchar *key;                   /* the API key that submitted it */
  gint64 submitted;             /* g_get_monotonic_time() at submission */
  guint generation_ms;          /* as set when it was submitted */
  gboolean return_last_frame;
  SeedanceClipParams *params;   /* read by the render thread, never changed */

  /* Written by the render thread, under the emulator's lock. */
  RenderState render;
  gchar *clip_path;
  gchar *frame_path;
  gchar *clip_name;             /* the names under /files/ */
  gchar *frame_name;
  gchar *error;                 /* why the render failed */

  /* Task faults, set at creation or by an "id=" fault, under the lock. */
  gchar *fault_specs;           /* the specs applied, ", " separated */
  Fault *fail;                  /* fails when its time is up, this reason */
  gboolean never_finish;        /* stays "processing" */
  gboolean no_video;            /* success without the video resource */
  gchar *get_result_to;         /* origin of get_result.url, NULL = API */
  gchar *result_to;             /* origin of the result URLs, NULL = files */
  guint64 clip_bytes;           /* serve the clip padded to this; 0 = not */
} EmulatorTask;

struct _SeedanceEmulator
{
  /* Set by start() and not changed afterwards. */
  gchar *address;
  guint api_port;
  guint files_port;
  gchar *api_key;
  gchar *cache_dir;
  gboolean faststart;
  SeedanceEmulatorRequestFunc request_func;
  gpointer request_func_data;

  /* Server thread: owns the servers and runs the loop on the context. */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *api_server;
  SoupServer *files_server;
  SoupServer *other_server;
  /* Server thread only: slow answers waiting (Deferred) and hand-written
   * download answers in progress (RawWriter), ended by stop(). */
  GList *deferred;
  gint n_held;                  /* answers held back now (atomic) */
  GList *writers;

  /* Start handshake with the server thread. */
  GMutex start_lock;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
  gchar *api_origin;            /* written by the thread before start_done */
  gchar *files_origin;
  gchar *other_origin;

  /* Clip rendering, off the server thread. */
  GThreadPool *render_pool;
  GCancellable *cancellable;

  GMutex lock;                  /* protects everything below */
  guint generation_ms;
  GHashTable *tasks;            /* task id -> EmulatorTask */
  GHashTable *files;            /* name -> path, what /files/ serves */
  GPtrArray *requests;          /* SeedanceEmulatorRequest, oldest first */
  GPtrArray *faults;            /* Fault not consumed yet, in order */
  /* limits.c */
  guint rate_limit;             /* requests per window and key; 0 = none */
  guint rate_window_ms;
  guint max_concurrent_tasks;   /* per key; 0 = none */
  GHashTable *rate_windows;     /* key -> GArray of the g_get_monotonic_time()
                                 * of its requests in the window, oldest
                                 * first */
};

/* An answer written by hand on the stolen connection, so that it can be
 * slow, cut short, chunked, blind to Range, endless, compressed or
 * trickled: headers, then the content in chunks (each after delay_ms), then
 * the connection is closed (FIN). The writer ends, and frees everything, as
 * soon as a write fails (the peer went away) or stop() cancels it. */
typedef struct
{
  SeedanceEmulator *self;
  GIOStream *stream;
  GCancellable *cancellable;
  GBytes *head;                 /* status line and headers; may be empty */
  GBytes *body;                 /* the bytes the answer is about */
  guint64 offset;               /* content bytes sent, before chunk framing */
  gint64 drop_at;               /* content bytes to send, then close; -1 */
  gsize chunk;
  guint delay_ms;
  gboolean chunked;
  gboolean endless;             /* zeros after body until the peer goes */
  GConverter *gzip;             /* compresses body, then zeros, on the fly */
  guint64 gzip_total;           /* uncompressed content bytes */
  guint64 gzip_in;              /* of them, compressed so far */
  gboolean ended;               /* all content sent */
  gboolean head_sent;
  gboolean waited;
  gboolean trailer_sent;
  GSource *timer;
  GBytes *pending;              /* being written */
} RawWriter;

/* One debug category per file that logs; emulator.c registers them all. */
GST_DEBUG_CATEGORY_EXTERN (emulator_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_log_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_api_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_files_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_answers_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_raw_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_faults_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_tasks_debug);
GST_DEBUG_CATEGORY_EXTERN (emulator_limits_debug);

/* requestlog.c: the request log */
void emulator_log_request (SeedanceEmulator * self,
    SeedanceEmulatorOrigin origin, SoupServerMessage * msg);
void emulator_api_request_finished_cb (SoupServer * server,
    SoupServerMessage * msg, gpointer user_data);
void emulator_files_request_finished_cb (SoupServer * server,
    SoupServerMessage * msg, gpointer user_data);
void emulator_other_request_finished_cb (SoupServer * server,
    SoupServerMessage * msg, gpointer user_data);

/* emulator.c: slow answers */
void emulator_defer_answer (SeedanceEmulator * self, SoupServerMessage * msg,
    SeedanceEmulatorOrigin origin, guint delay_ms);

/* answers.c: answers both origins write */
/* *INDENT-OFF* */
void emulator_respond_error (SoupServerMessage * msg, guint status,
    const gchar * category, const gchar * format, ...) G_GNUC_PRINTF (4, 5);
/* *INDENT-ON* */
void emulator_begin_envelope_with_message (JsonBuilder * builder,
    const gchar * message);
void emulator_begin_envelope (JsonBuilder * builder);
void emulator_end_envelope (JsonBuilder * builder);
void emulator_respond_node (SoupServerMessage * msg, guint status,
    JsonNode * root);
void emulator_respond_take (SoupServerMessage * msg, guint status,
    const gchar * content_type, gchar * text, gsize length);
void emulator_set_retry_after (SoupServerMessage * msg, const gchar * value);
const gchar *emulator_status_phrase (guint status);
void emulator_close_connection (SoupServerMessage * msg, gboolean reset);

/* schema.c: the submission body against the model's request schema */
gchar *emulator_validate_body (SoupServerMessage * msg, JsonParser * parser,
    JsonObject ** object);

/* apiorigin.c: the API origin's handlers */
void emulator_api_early_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data);
void emulator_api_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data);

/* apifaults.c: API answers shaped by a fault */
void emulator_respond_api_fault (SeedanceEmulator * self,
    SoupServerMessage * msg, const Fault * fault, JsonNode * answer,
    const gchar * task_id);

/* filesorigin.c: the files origin's and the third origin's handlers */
void emulator_files_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data);
void emulator_other_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data);

/* rawwriter.c: answers written by hand on a stolen connection */
RawWriter *emulator_raw_writer_new (SeedanceEmulator * self,
    SoupServerMessage * msg, guint status, GString * head, GBytes * body);
void emulator_raw_next (RawWriter * writer);
void emulator_raw_finish (RawWriter * writer);
GBytes *emulator_gzip_all (GBytes * content, guint64 total);

/* faultqueue.c: queued faults, taken by requests and tasks */
Fault *emulator_take_fault (SeedanceEmulator * self, FaultTarget target,
    const gchar * task_id, const gchar * file);
void emulator_apply_task_fault (EmulatorTask * task, const Fault * fault);
void emulator_apply_queued_task_faults (SeedanceEmulator * self,
    EmulatorTask * task);
const gchar *emulator_resolve_origin (SeedanceEmulator * self,
    const gchar * to);
void emulator_mark_fault (SoupServerMessage * msg, const gchar * first,
    const gchar * second);

/* limits.c: the per-key limits of the API origin */
gboolean emulator_limits_admit_request (SeedanceEmulator * self,
    SoupServerMessage * msg, const gchar * key);
gboolean emulator_limits_admit_task (SeedanceEmulator * self,
    SoupServerMessage * msg, const gchar * key);

/* tasks.c: tasks and their clips */
void emulator_task_free (EmulatorTask * task);
const gchar *emulator_task_status (const EmulatorTask * task, gint64 now,
    const Fault ** fail);
gboolean emulator_task_running (const EmulatorTask * task, gint64 now);
void emulator_render_func (gpointer data, gpointer user_data);

G_END_DECLS

#endif /* __SEEDANCE_EMULATOR_PRIVATE_H__ */
