/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Two SoupServers on one thread with its own GMainContext, as libsoup's own
 * tests run theirs (SOUP_TEST_SERVER_IN_THREAD):
 *
 *   API origin    POST /api/v1/{provider}/{model}/async   submit a task
 *                 GET  /api/v1/tasks/{task_id}            query it
 *   files origin  GET|HEAD /files/{name}                  the rendered clip
 *
 * The API validates bodies as the request schema does and answers with the
 * envelopes of MODELLIX-API.md. A task is "pending" for the first third of
 * its generation time, then "processing", then "success" once the time is up
 * and its clip (rendered by clipgen on a worker thread) exists. Every
 * request answered is logged, so tests can assert what reached the servers.
 */

#include "emulator.h"
#include "clipgen.h"
#include "faults.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <glib/gstdio.h>

#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

GST_DEBUG_CATEGORY_STATIC (emulator_debug);
#define GST_CAT_DEFAULT emulator_debug

#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_GENERATION_MS 3000
#define MODEL_PROVIDER "bytedance"
#define MODEL_NAME "seedance-2.0-fast-i2v"
#define MODEL_ID MODEL_PROVIDER "/" MODEL_NAME
#define API_PREFIX "/api/v1/"
#define TASKS_PREFIX "/api/v1/tasks/"
#define FILES_PREFIX "/files/"
/* Large enough for a few inline images, small enough to refuse nonsense. */
#define MAX_BODY_SIZE (64 * 1024 * 1024)
#define RENDER_THREADS 2

#define BODY_SIZE_KEY "seedance-emulator-body-size"
#define LOGGED_KEY "seedance-emulator-logged"
#define FAULT_KEY "seedance-emulator-fault"
#define SENT_STATUS_KEY "seedance-emulator-sent-status"
#define DEFERRED_KEY "seedance-emulator-deferred"
#define RANGE_KEY "seedance-emulator-range"

typedef enum
{
  RENDER_RUNNING,
  RENDER_DONE,
  RENDER_FAILED,
} RenderState;

typedef struct
{
  gchar *id;
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
};

static void
emulator_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (emulator_debug, "seedance-emulator", 0,
        "seedance Modellix API emulator");
    g_once_init_leave (&done, 1);
  }
}

/**
 * seedance_emulator_config_init:
 * @config: the configuration to fill in
 *
 * Sets @config to the defaults: 127.0.0.1, ephemeral ports, any bearer key,
 * the default clip cache, 3000 ms generation time, moov at the end.
 */
void
seedance_emulator_config_init (SeedanceEmulatorConfig * config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof (*config));
  config->address = NULL;
  config->api_port = 0;
  config->files_port = 0;
  config->api_key = NULL;
  config->clip_cache_dir = NULL;
  config->generation_ms = DEFAULT_GENERATION_MS;
  config->faststart = FALSE;
  config->request_func = NULL;
  config->request_func_data = NULL;
}

/**
 * seedance_emulator_frame_size:
 * @ratio: "21:9", "16:9", "4:3", "1:1", "3:4" or "9:16"
 * @resolution: "480p" or "720p"
 * @width: (out) (optional): frame width in pixels
 * @height: (out) (optional): frame height in pixels
 *
 * The frame size of a clip rendered at @ratio and @resolution.
 *
 * Returns: %FALSE when @ratio or @resolution is unknown.
 */
gboolean
seedance_emulator_frame_size (const gchar * ratio, const gchar * resolution,
    guint * width, guint * height)
{
  static const struct
  {
    const gchar *ratio;
    guint w480, h480, w720, h720;
  } sizes[] = {
    {"21:9", 960, 416, 1470, 630},
    {"16:9", 864, 480, 1280, 720},
    {"4:3", 736, 544, 1112, 834},
    {"1:1", 640, 640, 960, 960},
    {"3:4", 544, 736, 834, 1112},
    {"9:16", 480, 864, 720, 1280},
  };
  gboolean p720;
  guint i;

  if (ratio == NULL || resolution == NULL)
    return FALSE;
  if (strcmp (resolution, "720p") == 0)
    p720 = TRUE;
  else if (strcmp (resolution, "480p") == 0)
    p720 = FALSE;
  else
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    if (strcmp (sizes[i].ratio, ratio) == 0) {
      if (width != NULL)
        *width = p720 ? sizes[i].w720 : sizes[i].w480;
      if (height != NULL)
        *height = p720 ? sizes[i].h720 : sizes[i].h480;
      return TRUE;
    }
  }
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Tasks and the request log                                               */

static void
emulator_task_free (EmulatorTask * task)
{
  g_free (task->id);
  seedance_clip_params_free (task->params);
  g_free (task->clip_path);
  g_free (task->frame_path);
  g_free (task->clip_name);
  g_free (task->frame_name);
  g_free (task->error);
  g_free (task->fault_specs);
  fault_free (task->fail);
  g_free (task->get_result_to);
  g_free (task->result_to);
  g_free (task);
}

/**
 * seedance_emulator_request_free:
 * @request: (nullable): a request log entry
 *
 * Frees a #SeedanceEmulatorRequest.
 */
void
seedance_emulator_request_free (SeedanceEmulatorRequest * request)
{
  if (request == NULL)
    return;

  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_free (request->authorization);
  g_free (request->range);
  g_free (request->body);
  g_free (request->fault);
  g_free (request);
}

static SeedanceEmulatorRequest *
request_copy (const SeedanceEmulatorRequest * request)
{
  SeedanceEmulatorRequest *copy;

  copy = g_new0 (SeedanceEmulatorRequest, 1);
  copy->origin = request->origin;
  copy->method = g_strdup (request->method);
  copy->path = g_strdup (request->path);
  copy->query = g_strdup (request->query);
  copy->authorization = g_strdup (request->authorization);
  copy->range = g_strdup (request->range);
  copy->body = g_strdup (request->body);
  copy->status = request->status;
  copy->fault = g_strdup (request->fault);
  return copy;
}

/* The status the client will see: SoupServer turns a 200 with a complete
 * body into a 206 for a satisfiable Range (the files handler has answered
 * unsatisfiable ones itself), after the handler returns. */
static guint
answered_status (SoupServerMessage * msg)
{
  guint status = soup_server_message_get_status (msg);
  gpointer sent = g_object_get_data (G_OBJECT (msg), SENT_STATUS_KEY);
  SoupMessageHeaders *headers;
  SoupMessageBody *body;
  SoupRange *ranges;
  gint n;

  /* Closed or answered by hand on a stolen connection. */
  if (sent != NULL)
    return GPOINTER_TO_UINT (sent) - 1;

  if (status != SOUP_STATUS_OK ||
      soup_server_message_get_method (msg) != SOUP_METHOD_GET)
    return status;
  headers = soup_server_message_get_request_headers (msg);
  body = soup_server_message_get_response_body (msg);
  if (body->length == 0 ||
      !soup_message_headers_get_ranges (headers, body->length, &ranges, &n))
    return status;
  soup_message_headers_free_ranges (headers, ranges);
  return SOUP_STATUS_PARTIAL_CONTENT;
}

/* Logs @msg once. Called when the handler has answered, before anything is
 * sent: a client that has its response finds the request in the log. */
static void
log_request (SeedanceEmulator * self, SeedanceEmulatorOrigin origin,
    SoupServerMessage * msg)
{
  SeedanceEmulatorRequest *request;
  SoupMessageHeaders *headers;
  SoupMessageBody *body;
  GUri *uri;

  if (g_object_get_data (G_OBJECT (msg), LOGGED_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (msg), LOGGED_KEY, GINT_TO_POINTER (TRUE));

  request = g_new0 (SeedanceEmulatorRequest, 1);
  request->origin = origin;
  request->method = g_strdup (soup_server_message_get_method (msg));
  uri = soup_server_message_get_uri (msg);
  request->path = g_strdup (uri != NULL ? g_uri_get_path (uri) : "");
  request->query = g_strdup (uri != NULL ? g_uri_get_query (uri) : NULL);
  headers = soup_server_message_get_request_headers (msg);
  request->authorization =
      g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  /* A Range the files origin ignored (If-Range) was taken off the
   * headers. */
  request->range = g_strdup (g_object_get_data (G_OBJECT (msg), RANGE_KEY));
  if (request->range == NULL)
    request->range = g_strdup (soup_message_headers_get_one (headers, "Range"));
  body = soup_server_message_get_request_body (msg);
  if (body != NULL && body->length > 0) {
    GBytes *bytes = soup_message_body_flatten (body);
    gsize size;
    gconstpointer data = g_bytes_get_data (bytes, &size);

    request->body = g_malloc (size + 1);
    memcpy (request->body, data, size);
    request->body[size] = '\0';
    g_bytes_unref (bytes);
  }
  request->status = answered_status (msg);
  request->fault = g_strdup (g_object_get_data (G_OBJECT (msg), FAULT_KEY));

  GST_DEBUG ("%s %s %s -> %u%s%s",
      origin == SEEDANCE_EMULATOR_ORIGIN_API ? "api" :
      origin == SEEDANCE_EMULATOR_ORIGIN_FILES ? "files" : "other",
      request->method, request->path, request->status,
      request->fault != NULL ? ", fault " : "",
      request->fault != NULL ? request->fault : "");

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, request);
  g_mutex_unlock (&self->lock);

  /* A copy: another thread may clear the log while the callback runs. */
  if (self->request_func != NULL) {
    SeedanceEmulatorRequest *copy = request_copy (request);

    self->request_func (copy, self->request_func_data);
    seedance_emulator_request_free (copy);
  }
}

/* For what SoupServer answers without calling a handler (a malformed
 * request, a path with "..") and so was not logged yet. */
static void
api_request_finished_cb (SoupServer * server, SoupServerMessage * msg,
    gpointer user_data)
{
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
}

static void
files_request_finished_cb (SoupServer * server, SoupServerMessage * msg,
    gpointer user_data)
{
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_FILES, msg);
}

static void
other_request_finished_cb (SoupServer * server, SoupServerMessage * msg,
    gpointer user_data)
{
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_OTHER, msg);
}

/* ---------------------------------------------------------------------- */
/* Answers                                                                 */

static void
respond_json (SoupServerMessage * msg, guint status, JsonBuilder * builder)
{
  JsonNode *root;
  gchar *text;

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  json_node_unref (root);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, text, strlen (text));
}

/* *INDENT-OFF* */
static void respond_error (SoupServerMessage * msg, guint status,
    const gchar * category, const gchar * format, ...) G_GNUC_PRINTF (4, 5);
/* *INDENT-ON* */

/* Every error is {"code": <HTTP status>, "message": "<Category>: <detail>"}. */
static void
respond_error (SoupServerMessage * msg, guint status, const gchar * category,
    const gchar * format, ...)
{
  JsonBuilder *builder;
  gchar *detail, *message;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_strdup_printf ("%s: %s", category, detail);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, status);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  respond_json (msg, status, builder);
  g_object_unref (builder);

  g_free (message);
  g_free (detail);
}

static void
begin_envelope_with_message (JsonBuilder * builder, const gchar * message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
}

static void
begin_envelope (JsonBuilder * builder)
{
  begin_envelope_with_message (builder, "success");
}

static void
end_envelope (JsonBuilder * builder)
{
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
respond_method_not_allowed (SoupServerMessage * msg, const gchar * allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Allow", allow);
  respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed",
      "use %s", allow);
}

/* ---------------------------------------------------------------------- */
/* Request validation, as the schema of the model                         */

typedef enum
{
  FIELD_STRING,
  FIELD_INTEGER,
  FIELD_BOOLEAN,
  FIELD_ENUM,
  FIELD_STRING_ARRAY,
} FieldKind;

typedef struct
{
  const gchar *name;
  FieldKind kind;
  gint64 min;                   /* integer value, string characters or items */
  gint64 max;
  const gchar *const *values;   /* FIELD_ENUM */
  const gchar *allowed;         /* what the error message asks for */
} FieldSpec;

static const gchar *const ratio_values[] =
    { "21:9", "16:9", "4:3", "1:1", "3:4", "9:16", NULL };
static const gchar *const resolution_values[] = { "480p", "720p", NULL };

static const FieldSpec fields[] = {
  {"prompt", FIELD_STRING, 1, 10000, NULL,
      "a string of 1 to 10000 characters"},
  {"first_frame_image", FIELD_STRING, 1, G_MAXINT64, NULL,
      "a non-empty string (image URL or base64 data)"},
  {"last_frame_image", FIELD_STRING, 1, G_MAXINT64, NULL,
      "a non-empty string (image URL or base64 data)"},
  {"reference_images", FIELD_STRING_ARRAY, 1, 9, NULL,
      "an array of 1 to 9 non-empty strings (image URLs or base64 data)"},
  {"audio_urls", FIELD_STRING_ARRAY, 1, 3, NULL,
      "an array of 1 to 3 non-empty strings (audio URLs)"},
  {"camera_fixed", FIELD_BOOLEAN, 0, 0, NULL, "a boolean (true or false)"},
  {"duration", FIELD_INTEGER, 4, 15, NULL,
      "an integer from 4 to 15 (seconds)"},
  {"execution_expires_after", FIELD_INTEGER, 3600, 259200, NULL,
      "an integer from 3600 to 259200 (seconds)"},
  {"generate_audio", FIELD_BOOLEAN, 0, 0, NULL, "a boolean (true or false)"},
  {"ratio", FIELD_ENUM, 0, 0, ratio_values,
      "one of 21:9, 16:9, 4:3, 1:1, 3:4, 9:16"},
  {"resolution", FIELD_ENUM, 0, 0, resolution_values, "one of 480p, 720p"},
  {"return_last_frame", FIELD_BOOLEAN, 0, 0, NULL,
      "a boolean (true or false)"},
  {"seed", FIELD_INTEGER, -1, G_GINT64_CONSTANT (4294967295), NULL,
      "an integer from -1 to 4294967295"},
};

static gboolean
node_is_type (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == type;
}

static gboolean
string_in_range (JsonNode * node, gint64 min, gint64 max)
{
  glong chars;

  if (!node_is_type (node, G_TYPE_STRING))
    return FALSE;
  /* The schema counts characters, not bytes. */
  chars = g_utf8_strlen (json_node_get_string (node), -1);
  return chars >= min && chars <= max;
}

static gboolean
field_valid (const FieldSpec * spec, JsonNode * node)
{
  switch (spec->kind) {
    case FIELD_STRING:
      return string_in_range (node, spec->min, spec->max);
    case FIELD_INTEGER:
      /* json-glib reads 5 as gint64 and 5.0 or 5e0 as gdouble: only the
       * former is a JSON integer. */
      return node_is_type (node, G_TYPE_INT64) &&
          json_node_get_int (node) >= spec->min &&
          json_node_get_int (node) <= spec->max;
    case FIELD_BOOLEAN:
      return node_is_type (node, G_TYPE_BOOLEAN);
    case FIELD_ENUM:
      return node_is_type (node, G_TYPE_STRING) &&
          g_strv_contains (spec->values, json_node_get_string (node));
    case FIELD_STRING_ARRAY:{
      JsonArray *array;
      guint i, n;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return FALSE;
      array = json_node_get_array (node);
      n = json_array_get_length (array);
      if (n < spec->min || n > spec->max)
        return FALSE;
      for (i = 0; i < n; i++) {
        if (!string_in_range (json_array_get_element (array, i), 1, G_MAXINT64))
          return FALSE;
      }
      return TRUE;
    }
  }
  g_assert_not_reached ();
  return FALSE;
}

static const FieldSpec *
find_field (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    if (strcmp (fields[i].name, name) == 0)
      return &fields[i];
  }
  return NULL;
}

/* Checks a submission body; returns the detail of the 400 ("<field>: ...")
 * or NULL and the parsed object in @object. */
static gchar *
validate_body (SoupServerMessage * msg, JsonParser * parser,
    JsonObject ** object)
{
  SoupMessageBody *body;
  GBytes *bytes;
  GError *error = NULL;
  JsonNode *root;
  JsonObject *obj;
  GList *members, *l;
  gchar *detail = NULL;
  gconstpointer data;
  gsize size;
  gboolean ok;

  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  if (size == 0) {
    g_bytes_unref (bytes);
    return g_strdup ("body: must be a JSON object");
  }
  if (!g_utf8_validate (data, size, NULL)) {
    g_bytes_unref (bytes);
    return g_strdup ("body: must be UTF-8 JSON");
  }
  ok = json_parser_load_from_data (parser, data, size, &error);
  g_bytes_unref (bytes);
  if (!ok) {
    detail = g_strdup_printf ("body: not valid JSON (%s)", error->message);
    g_error_free (error);
    return detail;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup ("body: must be a JSON object");
  obj = json_node_get_object (root);

  /* Members in the order they were sent: the first bad one is reported. */
  members = json_object_get_members (obj);
  for (l = members; l != NULL && detail == NULL; l = l->next) {
    const gchar *name = l->data;
    const FieldSpec *spec = find_field (name);

    if (spec == NULL) {
      GString *text = g_string_new (NULL);
      gchar *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));
      guint i;

      g_string_append_printf (text, "%s: unknown field; allowed:", shown);
      for (i = 0; i < G_N_ELEMENTS (fields); i++)
        g_string_append_printf (text, "%s %s", i > 0 ? "," : "",
            fields[i].name);
      detail = g_string_free (text, FALSE);
      g_free (shown);
    } else if (!field_valid (spec, json_object_get_member (obj, name))) {
      detail = g_strdup_printf ("%s: must be %s", spec->name, spec->allowed);
    }
  }
  g_list_free (members);
  if (detail != NULL)
    return detail;

  if (!json_object_has_member (obj, "prompt"))
    return g_strdup_printf ("prompt: required, %s", fields[0].allowed);
  if (json_object_has_member (obj, "reference_images") &&
      (json_object_has_member (obj, "first_frame_image") ||
          json_object_has_member (obj, "last_frame_image")))
    return g_strdup ("reference_images: cannot be used together with "
        "first_frame_image or last_frame_image");

  *object = obj;
  return NULL;
}

static const gchar *
member_string (JsonObject * obj, const gchar * name, const gchar * fallback)
{
  if (!json_object_has_member (obj, name))
    return fallback;
  return json_object_get_string_member (obj, name);
}

static gboolean
member_boolean (JsonObject * obj, const gchar * name, gboolean fallback)
{
  if (!json_object_has_member (obj, name))
    return fallback;
  return json_object_get_boolean_member (obj, name);
}

/* ---------------------------------------------------------------------- */
/* Rendering                                                               */

/* Writes beside @clip a copy padded to @bytes with a trailing "free" box
 * (a sparse run of zeros): still a valid MP4 that plays as @clip does. Reuses
 * a copy made before. */
static gboolean
pad_clip (const gchar * clip, guint64 bytes, gchar ** padded, GError ** error)
{
  gchar *contents = NULL, *base, *path, *tmp = NULL;
  guint8 header[16];
  gsize length, header_size;
  guint64 pad;
  GStatBuf st;
  gint fd = -1, err;

  base = g_str_has_suffix (clip, ".mp4") ?
      g_strndup (clip, strlen (clip) - 4) : g_strdup (clip);
  path = g_strdup_printf ("%s-%" G_GUINT64_FORMAT ".mp4", base, bytes);
  g_free (base);
  if (g_stat (path, &st) == 0 && (guint64) st.st_size == bytes) {
    *padded = path;
    return TRUE;
  }

  if (!g_file_get_contents (clip, &contents, &length, error))
    goto failed;
  if (bytes < length + 16) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "clip-bytes=%" G_GUINT64_FORMAT " is below the clip's %" G_GSIZE_FORMAT
        " bytes + 16", bytes, length);
    goto failed;
  }
  pad = bytes - length;
  if (pad <= G_MAXUINT32) {
    GST_WRITE_UINT32_BE (header, pad);
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a box type */
    memcpy (header + 4, "free", 4);
    header_size = 8;
  } else {
    GST_WRITE_UINT32_BE (header, 1);
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a box type */
    memcpy (header + 4, "free", 4);
    GST_WRITE_UINT64_BE (header + 8, pad);
    header_size = 16;
  }

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp (tmp);
  if (fd < 0 || write (fd, contents, length) != (gssize) length ||
      write (fd, header, header_size) != (gssize) header_size ||
      ftruncate (fd, bytes) != 0 || g_close (fd, NULL) != TRUE ||
      g_rename (tmp, path) != 0) {
    err = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not write %s: %s", path, g_strerror (err));
    if (fd >= 0)
      close (fd);
    g_unlink (tmp);
    goto failed;
  }
  g_free (contents);
  g_free (tmp);
  *padded = path;
  return TRUE;

failed:
  g_free (contents);
  g_free (tmp);
  g_free (path);
  return FALSE;
}

static void
render_func (gpointer data, gpointer user_data)
{
  EmulatorTask *task = data;
  SeedanceEmulator *self = user_data;
  gchar *clip = NULL, *frame = NULL;
  gboolean cached = FALSE;
  GError *error = NULL;
  gboolean ok;

  ok = seedance_clip_render (task->params, self->cache_dir, &clip, &frame,
      &cached, self->cancellable, &error);
  /* clip_bytes was set before the task was pushed and never changes. */
  if (ok && task->clip_bytes > 0) {
    gchar *padded = NULL;

    ok = pad_clip (clip, task->clip_bytes, &padded, &error);
    g_free (clip);
    clip = padded;
    if (!ok)
      g_clear_pointer (&frame, g_free);
  }

  g_mutex_lock (&self->lock);
  if (ok) {
    task->render = RENDER_DONE;
    task->clip_path = clip;
    task->frame_path = frame;
    task->clip_name = g_path_get_basename (clip);
    task->frame_name = g_path_get_basename (frame);
    g_hash_table_replace (self->files, g_strdup (task->clip_name),
        g_strdup (clip));
    g_hash_table_replace (self->files, g_strdup (task->frame_name),
        g_strdup (frame));
    GST_INFO ("task %s: clip %s%s", task->id, clip, cached ? " (cached)" : "");
  } else {
    task->render = RENDER_FAILED;
    task->error = g_strdup_printf ("could not generate the video: %s",
        error->message);
    GST_WARNING ("task %s: render failed: %s", task->id, error->message);
  }
  g_mutex_unlock (&self->lock);
  g_clear_error (&error);
}

/* ---------------------------------------------------------------------- */
/* Faults                                                                  */

/* Takes the first queued fault for @target (for a poll, one whose task
 * filter is unset or @task_id; for a download, one whose file filter is
 * unset or @file, "clip" or "frame"): a copy, while the queued one counts
 * down. NULL when there is none. */
static Fault *
take_fault (SeedanceEmulator * self, FaultTarget target, const gchar * task_id,
    const gchar * file)
{
  Fault *taken = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->faults->len; i++) {
    Fault *fault = self->faults->pdata[i];

    if (fault->target != target)
      continue;
    if (fault->task_filter != NULL &&
        g_strcmp0 (fault->task_filter, task_id) != 0)
      continue;
    if (fault->file_filter != NULL && g_strcmp0 (fault->file_filter, file) != 0)
      continue;
    taken = fault_copy (fault);
    if (fault->count > 0 && --fault->count == 0)
      g_ptr_array_remove_index (self->faults, i);
    break;
  }
  g_mutex_unlock (&self->lock);
  return taken;
}

/* Called with the lock held. */
static void
apply_task_fault (EmulatorTask * task, const Fault * fault)
{
  gchar *specs;

  switch (fault->kind) {
    case FAULT_FAIL:
      fault_free (task->fail);
      task->fail = fault_copy (fault);
      task->never_finish = FALSE;
      break;
    case FAULT_NEVER_FINISH:
      g_clear_pointer (&task->fail, fault_free);
      task->never_finish = TRUE;
      break;
    case FAULT_NO_VIDEO:
      task->no_video = TRUE;
      break;
    case FAULT_GET_RESULT_ORIGIN:
      g_free (task->get_result_to);
      task->get_result_to = g_strdup (fault->to);
      break;
    case FAULT_RESULT_ORIGIN:
      g_free (task->result_to);
      task->result_to = g_strdup (fault->to);
      break;
    case FAULT_CLIP_BYTES:
      task->clip_bytes = fault->size;
      break;
    default:
      g_assert_not_reached ();
  }

  specs = task->fault_specs != NULL ?
      g_strconcat (task->fault_specs, ", ", fault->spec, NULL) :
      g_strdup (fault->spec);
  g_free (task->fault_specs);
  task->fault_specs = specs;
}

/* Task faults in one group exclude each other; a task takes the oldest
 * queued fault of each group. */
static guint
task_fault_group (const Fault * fault)
{
  switch (fault->kind) {
    case FAULT_GET_RESULT_ORIGIN:
      return 1 << 1;
    case FAULT_RESULT_ORIGIN:
      return 1 << 2;
    case FAULT_CLIP_BYTES:
      return 1 << 3;
    default:                   /* fail, never-finish, no-video: the outcome */
      return 1 << 0;
  }
}

/* Gives the queued task faults to a new task, the oldest of each group;
 * lock held. */
static void
apply_queued_task_faults (SeedanceEmulator * self, EmulatorTask * task)
{
  guint i = 0, groups = 0;

  while (i < self->faults->len) {
    Fault *fault = self->faults->pdata[i];

    if (fault->target != FAULT_TARGET_TASK ||
        (groups & task_fault_group (fault)) != 0) {
      i++;
      continue;
    }
    groups |= task_fault_group (fault);
    apply_task_fault (task, fault);
    if (fault->count > 0 && --fault->count == 0)
      g_ptr_array_remove_index (self->faults, i);
    else
      i++;
  }
}

/* "other", "files", "api" or an origin as given. */
static const gchar *
resolve_origin (SeedanceEmulator * self, const gchar * to)
{
  if (to == NULL)
    return NULL;
  if (strcmp (to, "other") == 0)
    return self->other_origin;
  if (strcmp (to, "files") == 0)
    return self->files_origin;
  if (strcmp (to, "api") == 0)
    return self->api_origin;
  return to;
}

/* Records in the request log which faults shaped the answer to @msg. */
static void
mark_fault (SoupServerMessage * msg, const gchar * first, const gchar * second)
{
  gchar *specs;

  if (first == NULL && second == NULL)
    return;
  if (first != NULL && second != NULL)
    specs = g_strconcat (first, ", ", second, NULL);
  else
    specs = g_strdup (first != NULL ? first : second);
  g_object_set_data_full (G_OBJECT (msg), FAULT_KEY, specs, g_free);
}

static void
respond_node (SoupServerMessage * msg, guint status, JsonNode * root)
{
  gchar *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
respond_take (SoupServerMessage * msg, guint status,
    const gchar * content_type, gchar * text, gsize length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
      text, length);
}

#define PLACEHOLDER(n) "@@seedance-fault-" n "@@"

/* Serializes @root, then replaces each quoted placeholder string of
 * @replacements ({placeholder, literal}, ..., NULL) by its raw literal: how
 * JSON that json-glib cannot build (1e999, 2^64) is made. */
static GString *
serialize_with (JsonNode * root, const gchar * const *replacements)
{
  gchar *text = json_to_string (root, FALSE);
  GString *out = g_string_new (text);
  guint i;

  g_free (text);
  for (i = 0; replacements[i] != NULL; i += 2) {
    gchar *quoted = g_strdup_printf ("\"%s\"", replacements[i]);

    g_string_replace (out, quoted, replacements[i + 1], 0);
    g_free (quoted);
  }
  return out;
}

static JsonObject *
answer_data (JsonNode * root)
{
  JsonObject *envelope = json_node_get_object (root);

  return json_object_get_object_member (envelope, "data");
}

/* A minimal envelope when there is no normal answer to alter. */
static JsonNode *
placeholder_answer (const gchar * task_id, const gchar * status)
{
  JsonBuilder *builder = json_builder_new ();
  JsonNode *root;

  begin_envelope (builder);
  if (task_id != NULL) {
    json_builder_set_member_name (builder, "task_id");
    json_builder_add_string_value (builder, task_id);
  }
  json_builder_set_member_name (builder, "model_id");
  json_builder_add_string_value (builder, MODEL_ID);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  end_envelope (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  return root;
}

/* "2" (seconds), "date+2" (an HTTP date 2 s from now) or verbatim. */
static void
set_retry_after (SoupServerMessage * msg, const gchar * value)
{
  SoupMessageHeaders *headers;
  gchar *text;

  if (value == NULL)
    return;
  if (g_str_has_prefix (value, "date+") || g_str_has_prefix (value, "date-")) {
    GDateTime *now = g_date_time_new_now_utc ();
    GDateTime *then = g_date_time_add_seconds (now,
        g_ascii_strtod (value + 4, NULL));

    text = soup_date_time_to_string (then, SOUP_DATE_HTTP);
    g_date_time_unref (then);
    g_date_time_unref (now);
  } else {
    text = g_strdup (value);
  }
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Retry-After", text);
  g_free (text);
}

/* libsoup 3.2 knows no phrase for 429. */
static const gchar *
status_phrase (guint status)
{
  const gchar *phrase = soup_status_get_phrase (status);

  if (status == 429)
    return "Too Many Requests";
  if (phrase == NULL || strcmp (phrase, "Unknown Error") == 0)
    return "Error";
  return phrase;
}

/* Closes the connection of @msg without an answer: with a RST (SO_LINGER
 * 0) or a FIN. The request has been read in full. */
static void
close_connection (SoupServerMessage * msg, gboolean reset)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GIOStream *stream;

  if (reset && socket != NULL) {
    struct linger linger = { 1, 0 };

    if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER,
            &linger, sizeof (linger)) != 0)
      GST_WARNING ("SO_LINGER: %s", g_strerror (errno));
  }
  stream = soup_server_message_steal_connection (msg);
  if (stream != NULL) {
    g_io_stream_close (stream, NULL, NULL);
    g_object_unref (stream);
  }
  g_object_set_data (G_OBJECT (msg), SENT_STATUS_KEY, GUINT_TO_POINTER (1));
}

/* A slow answer: @msg has its answer; it goes out @delay_ms later, without
 * blocking the server thread. */
typedef struct
{
  SeedanceEmulator *self;
  SoupServerMessage *msg;
  SeedanceEmulatorOrigin origin;
  GSource *source;
  gulong finished_id;
  gboolean finished;
} Deferred;

static void
deferred_finished_cb (SoupServerMessage * msg, gpointer user_data)
{
  Deferred *deferred = user_data;

  deferred->finished = TRUE;
}

static void
deferred_free (gpointer data)
{
  Deferred *deferred = data;

  deferred->self->deferred = g_list_remove (deferred->self->deferred, deferred);
  g_atomic_int_add (&deferred->self->n_held, -1);
  g_signal_handler_disconnect (deferred->msg, deferred->finished_id);
  g_object_unref (deferred->msg);
  g_free (deferred);
}

static gboolean
deferred_cb (gpointer data)
{
  Deferred *deferred = data;

  log_request (deferred->self, deferred->origin, deferred->msg);
  if (!deferred->finished)
    soup_server_message_unpause (deferred->msg);
  return G_SOURCE_REMOVE;
}

static void
defer_answer (SeedanceEmulator * self, SoupServerMessage * msg,
    SeedanceEmulatorOrigin origin, guint delay_ms)
{
  Deferred *deferred = g_new0 (Deferred, 1);

  deferred->self = self;
  deferred->msg = g_object_ref (msg);
  deferred->origin = origin;
  deferred->finished_id = g_signal_connect (msg, "finished",
      G_CALLBACK (deferred_finished_cb), deferred);
  deferred->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (deferred->source, deferred_cb, deferred,
      deferred_free);
  g_source_attach (deferred->source, self->context);
  /* The context holds the source until it has run or stop() destroys it. */
  g_source_unref (deferred->source);
  self->deferred = g_list_prepend (self->deferred, deferred);
  g_atomic_int_inc (&self->n_held);

  g_object_set_data (G_OBJECT (msg), DEFERRED_KEY, GINT_TO_POINTER (TRUE));
  soup_server_message_pause (msg);
}

static void respond_trickle (SeedanceEmulator * self, SoupServerMessage * msg,
    const Fault * fault, GString * text);

/* @root serialized with data.padding, so that it is at least @size bytes
 * long (exactly @size when it was shorter). */
static GString *
serialize_padded (JsonNode * root, guint64 size)
{
  const gchar *const empty[] = { PLACEHOLDER ("padding"), "\"\"", NULL };
  const gchar *padded[] = { PLACEHOLDER ("padding"), NULL, NULL };
  GString *text;
  gchar *padding;
  gsize pad;

  json_object_set_string_member (answer_data (root), "padding",
      PLACEHOLDER ("padding"));
  text = serialize_with (root, empty);
  pad = size > text->len ? size - text->len : 0;
  g_string_free (text, TRUE);
  padding = g_malloc (pad + 3);
  padding[0] = '"';
  memset (padding + 1, 'x', pad);
  padding[pad + 1] = '"';
  padding[pad + 2] = '\0';
  padded[1] = padding;
  text = serialize_with (root, padded);
  g_free (padding);
  return text;
}

/* @length bytes of @data as a JSON string literal: quotes, backslashes
 * and control characters (NUL too) escaped, other bytes as they are. */
static gchar *
json_quote (const gchar * data, gsize length)
{
  GString *out = g_string_new ("\"");
  gsize i;

  for (i = 0; i < length; i++) {
    guchar c = data[i];

    if (c == '"' || c == '\\')
      g_string_append_printf (out, "\\%c", c);
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf (out, "\\u%04x", c);
    else
      g_string_append_c (out, c);
  }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* Answers an API request (submit or query) as @fault says. @answer is the
 * normal answer when there is one (a task exists), NULL otherwise; it may be
 * changed. FAULT_SLOW is the caller's. */
static void
respond_api_fault (SeedanceEmulator * self, SoupServerMessage * msg,
    const Fault * fault, JsonNode * answer, const gchar * task_id)
{
  JsonNode *root;
  JsonObject *data;
  GString *text;

  switch (fault->kind) {
    case FAULT_STATUS:
      respond_error (msg, fault->status, status_phrase (fault->status), "%s",
          fault->message != NULL ? fault->message : "injected fault");
      soup_server_message_set_status (msg, fault->status,
          status_phrase (fault->status));
      set_retry_after (msg, fault->retry_after);
      if (fault->status == SOUP_STATUS_UNAUTHORIZED)
        soup_message_headers_replace (soup_server_message_get_response_headers
            (msg), "WWW-Authenticate", "Bearer");
      return;
    case FAULT_RESET:
    case FAULT_CLOSE:
      close_connection (msg, fault->kind == FAULT_RESET);
      return;
    case FAULT_MALFORMED:
      respond_take (msg, SOUP_STATUS_OK, "application/json",
          g_strdup ("{\"code\":0,"), strlen ("{\"code\":0,"));
      return;
    case FAULT_HTML:{
      const gchar *html = "<!DOCTYPE html>\n<html><head><title>502 Bad "
          "Gateway</title></head>\n<body><h1>Bad Gateway</h1><p>The proxy "
          "received an invalid response.</p></body></html>\n";

      respond_take (msg, SOUP_STATUS_OK, "text/html; charset=utf-8",
          g_strdup (html), strlen (html));
      return;
    }
    case FAULT_WRONG_TYPES:{
      const gchar *wrong = "{\"code\":\"0\",\"message\":200,\"data\":"
          "{\"task_id\":12345,\"model_id\":false,\"status\":5,"
          "\"get_result\":\"GET\",\"result\":\"resources\",\"error\":7}}";

      respond_take (msg, SOUP_STATUS_OK, "application/json", g_strdup (wrong),
          strlen (wrong));
      return;
    }
    case FAULT_REDIRECT:{
      GUri *uri = soup_server_message_get_uri (msg);
      const gchar *query = g_uri_get_query (uri);
      gchar *location;

      location = g_strconcat (resolve_origin (self, fault->to),
          g_uri_get_path (uri), query != NULL ? "?" : "", query, NULL);
      soup_server_message_set_redirect (msg, fault->status, location);
      g_free (location);
      return;
    }
    default:
      break;
  }

  /* The rest alter the normal answer, or a stand-in for it. */
  root = answer != NULL ? json_node_ref (answer) :
      placeholder_answer (task_id, "pending");
  data = answer_data (root);

  switch (fault->kind) {
    case FAULT_NO_TASK_ID:{
      const gchar *const none[] = { NULL };

      json_object_remove_member (data, "task_id");
      json_object_remove_member (data, "get_result");
      text = serialize_with (root, none);
      break;
    }
    case FAULT_OVERSIZED:
      text = serialize_padded (root, fault->size);
      break;
    case FAULT_TRICKLE:{
      const gchar *const none[] = { NULL };

      text = fault->size > 0 ? serialize_padded (root, fault->size) :
          serialize_with (root, none);
      json_node_unref (root);
      respond_trickle (self, msg, fault, text);
      return;
    }
    case FAULT_TASK_ID:{
      const gchar *replacements[] = { PLACEHOLDER ("task-id"), NULL,
        PLACEHOLDER ("url"), NULL, NULL
      };
      JsonObject *get_result = json_object_has_member (data, "get_result") ?
          json_object_get_object_member (data, "get_result") : NULL;
      const gchar *url = get_result != NULL ?
          json_object_get_string_member (get_result, "url") : "";
      GString *fake_url = g_string_new (url);

      /* The real id ends the URL. */
      if (task_id != NULL && g_str_has_suffix (url, task_id))
        g_string_truncate (fake_url, fake_url->len - strlen (task_id));
      g_string_append_len (fake_url, fault->task_id_value,
          fault->task_id_length);
      replacements[1] = json_quote (fault->task_id_value,
          fault->task_id_length);
      replacements[3] = json_quote (fake_url->str, fake_url->len);
      g_string_free (fake_url, TRUE);
      json_object_set_string_member (data, "task_id", PLACEHOLDER ("task-id"));
      if (get_result != NULL)
        json_object_set_string_member (get_result, "url", PLACEHOLDER ("url"));
      text = serialize_with (root, replacements);
      g_free ((gchar *) replacements[1]);
      g_free ((gchar *) replacements[3]);
      break;
    }
    case FAULT_DEEP_NESTING:{
      const gchar *nested[] = { PLACEHOLDER ("nested"), NULL, NULL };
      GString *arrays = g_string_sized_new (fault->size * 2);
      guint64 i;

      for (i = 0; i < fault->size; i++)
        g_string_append_c (arrays, '[');
      for (i = 0; i < fault->size; i++)
        g_string_append_c (arrays, ']');
      json_object_set_string_member (data, "nested", PLACEHOLDER ("nested"));
      nested[1] = arrays->str;
      text = serialize_with (root, nested);
      g_string_free (arrays, TRUE);
      break;
    }
    case FAULT_HUGE_NUMBERS:
    case FAULT_NEGATIVE_NUMBERS:{
      gboolean huge = fault->kind == FAULT_HUGE_NUMBERS;
      const gchar *const numbers[] = {
        PLACEHOLDER ("code"), huge ? "18446744073709551616" : "0",
        PLACEHOLDER ("progress"), huge ? "1e999" : "-42",
        PLACEHOLDER ("elapsed"),
        huge ? "340282366920938463463374607431768211456" :
            "-9223372036854775808",
        PLACEHOLDER ("width"), huge ? "99999999999999999999999" : "-1280",
        PLACEHOLDER ("height"), huge ? "1e308" : "-720",
        PLACEHOLDER ("duration"), huge ? "1.7976931348623157e309" : "-5",
        NULL
      };
      JsonObject *result;

      json_object_set_string_member (json_node_get_object (root), "code",
          PLACEHOLDER ("code"));
      json_object_set_string_member (data, "progress",
          PLACEHOLDER ("progress"));
      json_object_set_string_member (data, "elapsed", PLACEHOLDER ("elapsed"));
      result = json_object_has_member (data, "result") ?
          json_object_get_object_member (data, "result") : NULL;
      if (result != NULL && json_object_has_member (result, "resources")) {
        JsonArray *resources = json_object_get_array_member (result,
            "resources");
        guint i;

        for (i = 0; i < json_array_get_length (resources); i++) {
          JsonObject *resource = json_array_get_object_element (resources, i);

          json_object_set_string_member (resource, "width",
              PLACEHOLDER ("width"));
          json_object_set_string_member (resource, "height",
              PLACEHOLDER ("height"));
          json_object_set_string_member (resource, "duration",
              PLACEHOLDER ("duration"));
        }
      }
      text = serialize_with (root, numbers);
      break;
    }
    default:
      g_assert_not_reached ();
      return;
  }
  json_node_unref (root);

  {
    gsize length = text->len;

    respond_take (msg, SOUP_STATUS_OK, "application/json",
        g_string_free (text, FALSE), length);
  }
}

/* ---------------------------------------------------------------------- */
/* API origin                                                              */

/* Answers 401 and returns FALSE unless the request carries a bearer key
 * the emulator accepts. */
static gboolean
check_auth (SeedanceEmulator * self, SoupServerMessage * msg)
{
  const gchar *value;
  gchar *key;
  gboolean ok;

  value = soup_message_headers_get_one (soup_server_message_get_request_headers
      (msg), "Authorization");
  if (value == NULL) {
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
        "missing Authorization header (expected 'Bearer <API key>')");
  } else if (g_ascii_strncasecmp (value, "Bearer ", 7) != 0) {
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
        "the Authorization header must be 'Bearer <API key>'");
  } else {
    key = g_strstrip (g_strdup (value + 7));
    if (*key == '\0') {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
          "empty API key");
    } else if (self->api_key != NULL && strcmp (key, self->api_key) != 0) {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
          "invalid API key");
    }
    g_free (key);
  }

  ok = soup_server_message_get_status (msg) == 0;
  if (!ok)
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "WWW-Authenticate", "Bearer");
  return ok;
}

static gchar *
new_task_id (SeedanceEmulator * self)
{
  gchar *id = NULL;

  /* Called with the lock held. */
  do {
    g_free (id);
    id = g_strdup_printf ("task-%08x%08x", g_random_int (), g_random_int ());
  } while (g_hash_table_contains (self->tasks, id));
  return id;
}

/* The normal answer to a submission; lock held. */
static JsonNode *
submit_answer (SeedanceEmulator * self, EmulatorTask * task)
{
  JsonBuilder *builder;
  JsonNode *root;
  gchar *url;

  url = g_strconcat (task->get_result_to != NULL ?
      resolve_origin (self, task->get_result_to) : self->api_origin,
      TASKS_PREFIX, task->id, NULL);
  builder = json_builder_new ();
  begin_envelope (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "pending");
  json_builder_set_member_name (builder, "task_id");
  json_builder_add_string_value (builder, task->id);
  json_builder_set_member_name (builder, "model_id");
  json_builder_add_string_value (builder, MODEL_ID);
  json_builder_set_member_name (builder, "get_result");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, "GET");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  end_envelope (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  g_free (url);
  return root;
}

static void
handle_submit (SeedanceEmulator * self, SoupServerMessage * msg)
{
  JsonParser *parser;
  JsonObject *obj = NULL;
  EmulatorTask *task;
  SeedanceClipParams *params;
  JsonNode *answer;
  Fault *fault;
  gchar *detail, *task_faults;

  parser = json_parser_new ();
  detail = validate_body (msg, parser, &obj);
  if (detail != NULL) {
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Bad Request", "%s", detail);
    g_free (detail);
    g_object_unref (parser);
    return;
  }

  /* Only a submission that would succeed meets a fault: one that does not
   * create the task answers before anything is created. */
  fault = take_fault (self, FAULT_TARGET_SUBMIT, NULL, NULL);
  if (fault != NULL && !fault->created) {
    GST_INFO ("submission: fault %s, no task created", fault->spec);
    mark_fault (msg, fault->spec, NULL);
    respond_api_fault (self, msg, fault, NULL, NULL);
    fault_free (fault);
    g_object_unref (parser);
    return;
  }

  params = seedance_clip_params_new ();
  params->prompt = g_strdup (json_object_get_string_member (obj, "prompt"));
  params->duration = json_object_has_member (obj, "duration") ?
      json_object_get_int_member (obj, "duration") : 5;
  params->ratio = g_strdup (member_string (obj, "ratio", "1:1"));
  params->resolution = g_strdup (member_string (obj, "resolution", "720p"));
  seedance_emulator_frame_size (params->ratio, params->resolution,
      &params->width, &params->height);
  params->audio = member_boolean (obj, "generate_audio", TRUE);
  params->faststart = self->faststart;
  params->first_frame =
      g_strdup (member_string (obj, "first_frame_image", NULL));

  task = g_new0 (EmulatorTask, 1);
  task->submitted = g_get_monotonic_time ();
  task->return_last_frame = member_boolean (obj, "return_last_frame", FALSE);
  task->params = params;
  task->render = RENDER_RUNNING;
  g_object_unref (parser);

  g_mutex_lock (&self->lock);
  task->id = new_task_id (self);
  task->generation_ms = self->generation_ms;
  apply_queued_task_faults (self, task);
  g_hash_table_insert (self->tasks, task->id, task);
  answer = submit_answer (self, task);
  task_faults = g_strdup (task->fault_specs);
  g_mutex_unlock (&self->lock);

  GST_INFO ("task %s: %ux%u, %u s, audio %d, first frame %s%s%s%s%s",
      task->id, params->width, params->height, params->duration,
      params->audio, params->first_frame != NULL ? "yes" : "no",
      fault != NULL ? ", fault " : "", fault != NULL ? fault->spec : "",
      task_faults != NULL ? ", task faults " : "",
      task_faults != NULL ? task_faults : "");
  /* The task stays in the table until stop(), which drains the pool first,
   * so the worker's pointer stays valid. */
  g_thread_pool_push (self->render_pool, task, NULL);

  mark_fault (msg, fault != NULL ? fault->spec : NULL, task_faults);
  if (fault == NULL || fault->kind == FAULT_SLOW)
    respond_node (msg, SOUP_STATUS_OK, answer);
  else
    respond_api_fault (self, msg, fault, answer, task->id);
  if (fault != NULL && fault->kind == FAULT_SLOW)
    defer_answer (self, msg, SEEDANCE_EMULATOR_ORIGIN_API, fault->delay_ms);
  json_node_unref (answer);
  fault_free (fault);
  g_free (task_faults);
}

static void
add_resource (JsonBuilder * builder, const gchar * origin,
    const gchar * name, const gchar * type, const EmulatorTask * task,
    const gchar * format)
{
  gchar *url;

  url = g_strconcat (origin, FILES_PREFIX, name, NULL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, task->params->width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, task->params->height);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, format);
  json_builder_end_object (builder);
  g_free (url);
}

/* The normal answer to a query of @task; lock held. */
static JsonNode *
task_answer (SeedanceEmulator * self, EmulatorTask * task)
{
  const Fault *fail = NULL;
  JsonBuilder *builder;
  JsonNode *root;
  const gchar *status;
  gint64 elapsed_ms;

  elapsed_ms = (g_get_monotonic_time () - task->submitted) / 1000;
  if (elapsed_ms < task->generation_ms / 3)
    status = "pending";
  else if (task->never_finish || elapsed_ms < task->generation_ms)
    /* NOLINTNEXTLINE(bugprone-branch-clone): a fault outranks a render */
    status = "processing";
  else if (task->fail != NULL) {
    fail = task->fail;
    status = fail->fail_status;
  } else if (task->render == RENDER_RUNNING)
    status = "processing";
  else if (task->render == RENDER_DONE)
    status = "success";
  else
    status = "failed";

  builder = json_builder_new ();
  begin_envelope_with_message (builder, fail != NULL &&
      fail->where == FAULT_REASON_ENVELOPE ? fail->reason : "success");
  json_builder_set_member_name (builder, "task_id");
  json_builder_add_string_value (builder, task->id);
  json_builder_set_member_name (builder, "model_id");
  json_builder_add_string_value (builder, MODEL_ID);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);

  if (fail != NULL) {
    switch (fail->where) {
      case FAULT_REASON_ERROR:
        json_builder_set_member_name (builder, "error");
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "code");
        json_builder_add_string_value (builder, fail->code);
        json_builder_set_member_name (builder, "message");
        json_builder_add_string_value (builder, fail->reason);
        json_builder_end_object (builder);
        break;
      case FAULT_REASON_ERROR_STRING:
        json_builder_set_member_name (builder, "error");
        json_builder_add_string_value (builder, fail->reason);
        break;
      case FAULT_REASON_MESSAGE:
        json_builder_set_member_name (builder, "message");
        json_builder_add_string_value (builder, fail->reason);
        break;
      case FAULT_REASON_FAIL_REASON:
        json_builder_set_member_name (builder, "fail_reason");
        json_builder_add_string_value (builder, fail->reason);
        break;
      case FAULT_REASON_ENVELOPE:
      case FAULT_REASON_NONE:
        break;
    }
  } else if (strcmp (status, "success") == 0) {
    const gchar *origin = task->result_to != NULL ?
        resolve_origin (self, task->result_to) : self->files_origin;

    json_builder_set_member_name (builder, "result");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "resources");
    json_builder_begin_array (builder);
    if (!task->no_video)
      add_resource (builder, origin, task->clip_name, "video", task, "mp4");
    if (task->return_last_frame)
      add_resource (builder, origin, task->frame_name, "image", task, "png");
    json_builder_end_array (builder);
    json_builder_end_object (builder);
  } else if (strcmp (status, "failed") == 0) {
    json_builder_set_member_name (builder, "error");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "code");
    json_builder_add_string_value (builder, "generation_failed");
    json_builder_set_member_name (builder, "message");
    json_builder_add_string_value (builder, task->error);
    json_builder_end_object (builder);
  }
  end_envelope (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  return root;
}

static void
handle_task (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * task_id)
{
  EmulatorTask *task;
  JsonNode *answer = NULL;
  Fault *fault;
  gchar *task_faults = NULL;

  fault = take_fault (self, FAULT_TARGET_POLL, task_id, NULL);

  g_mutex_lock (&self->lock);
  task = g_hash_table_lookup (self->tasks, task_id);
  if (task != NULL) {
    answer = task_answer (self, task);
    task_faults = g_strdup (task->fault_specs);
  }
  g_mutex_unlock (&self->lock);

  mark_fault (msg, fault != NULL ? fault->spec : NULL, task_faults);
  if (fault != NULL && fault->kind != FAULT_SLOW) {
    /* An unknown task still meets the fault, with a stand-in answer. */
    respond_api_fault (self, msg, fault, answer, task_id);
  } else if (answer == NULL) {
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "task %s", task_id);
  } else {
    respond_node (msg, SOUP_STATUS_OK, answer);
  }
  if (fault != NULL && fault->kind == FAULT_SLOW)
    defer_answer (self, msg, SEEDANCE_EMULATOR_ORIGIN_API, fault->delay_ms);

  if (answer != NULL)
    json_node_unref (answer);
  fault_free (fault);
  g_free (task_faults);
}

static void
body_got_chunk_cb (SoupServerMessage * msg, GBytes * chunk, gpointer user_data)
{
  gsize size;

  size = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_SIZE_KEY));
  size += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), BODY_SIZE_KEY, GSIZE_TO_POINTER (size));
  if (size > MAX_BODY_SIZE) {
    SoupMessageBody *body = soup_server_message_get_request_body (msg);

    /* Drain the rest of a chunked body without keeping it. */
    soup_message_body_set_accumulate (body, FALSE);
    soup_message_body_truncate (body);
  }
}

static void
respond_too_large (SoupServerMessage * msg)
{
  respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
      "Payload Too Large", "the request body exceeds %d bytes (64 MiB)",
      MAX_BODY_SIZE);
}

/* Runs once the headers are in, before the body is read. */
static void
api_early_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  SoupMessageHeaders *headers;

  headers = soup_server_message_get_request_headers (msg);
  if (soup_message_headers_get_encoding (headers) ==
      SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > MAX_BODY_SIZE) {
    /* SoupServer still reads the body: keep none of it. */
    soup_message_body_set_accumulate (soup_server_message_get_request_body
        (msg), FALSE);
    respond_too_large (msg);
    log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
    return;
  }
  g_signal_connect (msg, "got-chunk", G_CALLBACK (body_got_chunk_cb), NULL);
}

static void
handle_api (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * path)
{
  const gchar *method = soup_server_message_get_method (msg);
  gsize body_size;

  body_size = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg),
          BODY_SIZE_KEY));
  if (body_size > MAX_BODY_SIZE) {
    respond_too_large (msg);
    return;
  }

  if (!g_str_has_prefix (path, API_PREFIX)) {
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s", path);
    return;
  }
  if (!check_auth (self, msg))
    return;

  if (g_str_has_prefix (path, TASKS_PREFIX)) {
    const gchar *task_id = path + strlen (TASKS_PREFIX);

    if (*task_id == '\0' || strchr (task_id, '/') != NULL)
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s", path);
    else if (method != SOUP_METHOD_GET)
      respond_method_not_allowed (msg, "GET");
    else
      handle_task (self, msg, task_id);
  } else {
    gchar **parts = g_strsplit (path + strlen (API_PREFIX), "/", -1);

    if (g_strv_length (parts) != 3 || strcmp (parts[2], "async") != 0 ||
        *parts[0] == '\0' || *parts[1] == '\0') {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s", path);
    } else if (strcmp (parts[0], MODEL_PROVIDER) != 0 ||
        strcmp (parts[1], MODEL_NAME) != 0) {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found",
          "model %s/%s", parts[0], parts[1]);
    } else if (method != SOUP_METHOD_POST) {
      respond_method_not_allowed (msg, "POST");
    } else {
      handle_submit (self, msg);
    }
    g_strfreev (parts);
  }
}

/* ---------------------------------------------------------------------- */
/* Files origin                                                            */

static void
respond_text (SoupServerMessage * msg, guint status, const gchar * text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY,
      text, strlen (text));
}

/* SoupServer answers an unsatisfiable Range with a bare 416; RFC 9110 wants
 * "Content-Range: bytes * /length" there, so such ranges are answered here,
 * by the rule SoupServer uses: no range starts within the file. */
static gboolean
range_unsatisfiable (SoupServerMessage * msg, gsize size)
{
  SoupMessageHeaders *headers;
  SoupRange *ranges;
  gboolean unsatisfiable = TRUE;
  gint i, n;

  headers = soup_server_message_get_request_headers (msg);
  /* FALSE for no Range or a malformed one: both get the whole file. */
  if (!soup_message_headers_get_ranges (headers, size, &ranges, &n))
    return FALSE;
  for (i = 0; i < n; i++) {
    if (ranges[i].start < (goffset) size)
      unsatisfiable = FALSE;
  }
  soup_message_headers_free_ranges (headers, ranges);
  return unsatisfiable;
}

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

/* Uncompressed bytes compressed per step: the gzip answers hold no more. */
#define GZIP_STEP (1024 * 1024)
#define GZIP_OUT (64 * 1024)

static const guint8 zeros[64 * 1024];

/* Feeds the next GZIP_STEP bytes of the content (@content, then zeros up to
 * @total bytes) from *@in to @gzip, flushed, and appends what comes out to
 * @out. */
static gboolean
gzip_step (GConverter * gzip, GBytes * content, guint64 total, guint64 * in,
    GByteArray * out)
{
  gsize size, n, done = 0, copied;
  const guint8 *data = g_bytes_get_data (content, &size);
  guint8 *input, *output;
  GError *error = NULL;
  gboolean last, ok = TRUE;

  n = MIN (GZIP_STEP, total - *in);
  last = *in + n == total;
  input = g_malloc0 (MAX (n, 1));
  output = g_malloc (GZIP_OUT);
  copied = *in < size ? MIN (n, size - *in) : 0;
  if (copied > 0)
    memcpy (input, data + *in, copied);
  for (;;) {
    gsize read = 0, written = 0;
    GConverterResult result;

    result = g_converter_convert (gzip, input + done, n - done, output,
        GZIP_OUT, last ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_FLUSH, &read,
        &written, &error);
    if (result == G_CONVERTER_ERROR) {
      GST_WARNING ("gzip: %s", error->message);
      g_error_free (error);
      ok = FALSE;
      break;
    }
    done += read;
    g_byte_array_append (out, output, written);
    if (done == n && (result == G_CONVERTER_FLUSHED ||
            result == G_CONVERTER_FINISHED))
      break;
  }
  *in += n;
  g_free (input);
  g_free (output);
  return ok;
}

/* @content, then zeros up to @total bytes, gzip-compressed at once. */
static GBytes *
gzip_all (GBytes * content, guint64 total)
{
  GConverter *gzip = G_CONVERTER (g_zlib_compressor_new
      (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  GByteArray *out = g_byte_array_new ();
  guint64 in = 0;

  while (in < total && gzip_step (gzip, content, total, &in, out));
  g_object_unref (gzip);
  return g_byte_array_free_to_bytes (out);
}

static void raw_next (RawWriter * writer);

static void
raw_finish (RawWriter * writer)
{
  SeedanceEmulator *self = writer->self;

  GST_DEBUG ("hand-written answer ends after %" G_GUINT64_FORMAT
      " content bytes", writer->offset);
  self->writers = g_list_remove (self->writers, writer);
  g_io_stream_close (writer->stream, NULL, NULL);
  g_object_unref (writer->stream);
  g_object_unref (writer->cancellable);
  g_clear_object (&writer->gzip);
  g_bytes_unref (writer->head);
  g_bytes_unref (writer->body);
  g_free (writer);
}

static void
raw_written_cb (GObject * source, GAsyncResult * result, gpointer user_data)
{
  RawWriter *writer = user_data;
  GError *error = NULL;

  g_clear_pointer (&writer->pending, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
          NULL, &error)) {
    GST_DEBUG ("hand-written answer: %s", error->message);
    g_error_free (error);
    raw_finish (writer);
    return;
  }
  raw_next (writer);
}

static void
raw_write (RawWriter * writer, GBytes * bytes)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  writer->pending = bytes;
  g_output_stream_write_all_async (g_io_stream_get_output_stream
      (writer->stream), data, size, G_PRIORITY_DEFAULT, writer->cancellable,
      raw_written_cb, writer);
}

static gboolean
raw_timer_cb (gpointer data)
{
  RawWriter *writer = data;

  writer->timer = NULL;
  raw_next (writer);
  return G_SOURCE_REMOVE;
}

/* Whether all the content is out (an endless body never is). */
static gboolean
raw_content_done (RawWriter * writer)
{
  if (writer->gzip != NULL)
    return writer->gzip_in >= writer->gzip_total;
  return !writer->endless && writer->offset >= g_bytes_get_size (writer->body);
}

/* The next piece of content, at most @max bytes; NULL at its end. */
static GBytes *
raw_produce (RawWriter * writer, guint64 max)
{
  gsize size = g_bytes_get_size (writer->body);

  if (raw_content_done (writer))
    return NULL;
  if (writer->gzip != NULL) {
    GByteArray *out = g_byte_array_new ();

    if (!gzip_step (writer->gzip, writer->body, writer->gzip_total,
            &writer->gzip_in, out)) {
      g_byte_array_unref (out);
      writer->gzip_in = writer->gzip_total;
      return NULL;
    }
    if (out->len > max)
      g_byte_array_set_size (out, max);
    return g_byte_array_free_to_bytes (out);
  }
  if (writer->offset < size)
    return g_bytes_new_from_bytes (writer->body, writer->offset,
        MIN (MIN (writer->chunk, max), size - writer->offset));
  return g_bytes_new_static (zeros, MIN (MIN (writer->chunk, max),
          sizeof (zeros)));
}

static void
raw_next (RawWriter * writer)
{
  if (!writer->head_sent) {
    writer->head_sent = TRUE;
    if (g_bytes_get_size (writer->head) > 0) {
      raw_write (writer, g_bytes_ref (writer->head));
      return;
    }
  }
  while (!writer->ended) {
    guint64 max = G_MAXUINT64;
    GBytes *piece;
    gsize n;

    if (writer->drop_at >= 0) {
      if (writer->offset >= (guint64) writer->drop_at &&
          !raw_content_done (writer))
        goto finish;
      max = (guint64) writer->drop_at - MIN (writer->offset,
          (guint64) writer->drop_at);
    }
    if (writer->delay_ms > 0 && !writer->waited) {
      writer->waited = TRUE;
      writer->timer = g_timeout_source_new (writer->delay_ms);
      g_source_set_callback (writer->timer, raw_timer_cb, writer, NULL);
      g_source_attach (writer->timer, writer->self->context);
      g_source_unref (writer->timer);
      return;
    }
    writer->waited = FALSE;
    piece = max > 0 ? raw_produce (writer, max) : NULL;
    if (piece == NULL) {
      writer->ended = TRUE;
      break;
    }
    n = g_bytes_get_size (piece);
    writer->offset += n;
    if (n == 0) {
      /* Never framed: an empty chunk would end the body. */
      g_bytes_unref (piece);
      continue;
    }
    if (writer->chunked) {
      GByteArray *framed = g_byte_array_sized_new (n + 32);
      gchar size_line[32];

      g_snprintf (size_line, sizeof (size_line), "%" G_GSIZE_MODIFIER
          "x\r\n", n);
      g_byte_array_append (framed, (const guint8 *) size_line,
          strlen (size_line));
      g_byte_array_append (framed, g_bytes_get_data (piece, NULL), n);
      g_byte_array_append (framed, (const guint8 *) "\r\n", 2);
      g_bytes_unref (piece);
      piece = g_byte_array_free_to_bytes (framed);
    }
    raw_write (writer, piece);
    return;
  }
  if (writer->chunked && !writer->trailer_sent && raw_content_done (writer)) {
    writer->trailer_sent = TRUE;
    raw_write (writer, g_bytes_new_static ("0\r\n\r\n", 5));
    return;
  }
finish:
  raw_finish (writer);
}

/* Takes @msg's connection for a hand-written answer: @head (may be empty),
 * then @body. NULL when the connection is gone. */
static RawWriter *
raw_writer_new (SeedanceEmulator * self, SoupServerMessage * msg,
    guint status, GString * head, GBytes * body)
{
  RawWriter *writer;
  GIOStream *stream;

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL) {
    g_string_free (head, TRUE);
    g_bytes_unref (body);
    return NULL;
  }
  g_object_set_data (G_OBJECT (msg), SENT_STATUS_KEY,
      GUINT_TO_POINTER (status + 1));

  writer = g_new0 (RawWriter, 1);
  writer->self = self;
  writer->stream = stream;
  writer->cancellable = g_cancellable_new ();
  writer->head = g_string_free_to_bytes (head);
  writer->body = body;
  writer->drop_at = -1;
  writer->chunk = 64 * 1024;
  self->writers = g_list_prepend (self->writers, writer);
  return writer;
}

/* Answers @msg (a GET of @bytes) by hand as the FAULT_BODY @fault says;
 * @etag and @last_modified are the file's validators. */
static void
respond_raw_download (SeedanceEmulator * self, SoupServerMessage * msg,
    const Fault * fault, GBytes * bytes, const gchar * content_type,
    const gchar * etag, const gchar * last_modified)
{
  SoupMessageHeaders *request_headers;
  RawWriter *writer;
  GString *head;
  GBytes *body, *compressed = NULL;
  gsize size = g_bytes_get_size (bytes), start = 0, end = size - 1, length;
  guint64 gzip_total = fault->size > 0 ? fault->size : size;
  SoupRange *ranges;
  /* These answer the whole file, whatever the Range. */
  gboolean whole = fault->ignore_range || fault->content_length != NULL ||
      fault->endless || fault->gzip;
  gboolean partial = FALSE;
  guint status;
  gint n;

  request_headers = soup_server_message_get_request_headers (msg);
  if (!whole && size > 0 &&
      soup_message_headers_get_ranges (request_headers, size, &ranges, &n)) {
    /* The first range only. */
    start = ranges[0].start;
    end = ranges[0].end;
    partial = TRUE;
    soup_message_headers_free_ranges (request_headers, ranges);
  }
  length = size > 0 ? end - start + 1 : 0;
  status = partial ? SOUP_STATUS_PARTIAL_CONTENT : SOUP_STATUS_OK;
  /* A small gzip body is compressed here, for its Content-Length; a large
   * one blocks the server thread meanwhile (hence :chunked, on the fly). */
  if (fault->gzip && !fault->chunked)
    compressed = gzip_all (bytes, gzip_total);

  head = g_string_new (NULL);
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status,
      status_phrase (status));
  g_string_append (head, "Server: seedance-emulator-files\r\n");
  g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  if (!whole)
    g_string_append (head, "Accept-Ranges: bytes\r\n");
  if (etag != NULL)
    g_string_append_printf (head, "ETag: %s\r\n", etag);
  if (last_modified != NULL)
    g_string_append_printf (head, "Last-Modified: %s\r\n", last_modified);
  if (fault->gzip)
    g_string_append (head, "Content-Encoding: gzip\r\n");
  if (partial)
    g_string_append_printf (head, "Content-Range: bytes %" G_GSIZE_FORMAT
        "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "\r\n", start, end, size);
  if (fault->content_length != NULL)
    g_string_append_printf (head, "Content-Length: %s\r\n",
        fault->content_length);
  if (fault->chunked)
    g_string_append (head, "Transfer-Encoding: chunked\r\n");
  else if (compressed != NULL)
    g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n",
        g_bytes_get_size (compressed));
  else if (fault->content_length == NULL && !fault->endless)
    g_string_append_printf (head, "Content-Length: %" G_GSIZE_FORMAT "\r\n",
        length);
  g_string_append (head, "Connection: close\r\n\r\n");

  body = compressed != NULL ? compressed :
      g_bytes_new_from_bytes (bytes, start, length);
  writer = raw_writer_new (self, msg, status, head, body);
  if (writer == NULL)
    return;
  writer->drop_at = fault->drop_at;
  writer->chunk = fault->chunk;
  writer->delay_ms = fault->delay_ms;
  writer->chunked = fault->chunked;
  writer->endless = fault->endless;
  if (fault->gzip && fault->chunked) {
    writer->gzip = G_CONVERTER (g_zlib_compressor_new
        (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
    writer->gzip_total = gzip_total;
  }
  raw_next (writer);
}

/* Answers an API request with @text (a 200 JSON answer), one byte every
 * delay_ms; the status line and headers at once, or trickled too. */
static void
respond_trickle (SeedanceEmulator * self, SoupServerMessage * msg,
    const Fault * fault, GString * text)
{
  RawWriter *writer;
  GString *head = g_string_new (NULL);
  GBytes *body;

  g_string_append_printf (head, "HTTP/1.1 200 OK\r\n"
      "Server: seedance-emulator\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: %" G_GSIZE_FORMAT "\r\n"
      "Connection: close\r\n\r\n", text->len);
  if (fault->trickle_headers) {
    g_string_prepend_len (text, head->str, head->len);
    g_string_truncate (head, 0);
  }
  body = g_string_free_to_bytes (text);
  writer = raw_writer_new (self, msg, SOUP_STATUS_OK, head, body);
  if (writer == NULL)
    return;
  writer->chunk = 1;
  writer->delay_ms = fault->delay_ms;
  raw_next (writer);
}

/* The validators of the file at @path as served: a strong ETag (quoted hex
 * of a hash of its name, size and mtime) and its mtime as Last-Modified.
 * @variant (NULL for the file itself) names a stand-in served instead, as
 * a host whose file was replaced: another tag, a second newer. */
static void
file_validators (const gchar * path, const gchar * variant, gchar ** etag,
    gchar ** last_modified)
{
  gchar *name = g_path_get_basename (path), *text, *sum;
  gint64 mtime = 0, size = 0;
  GDateTime *date;
  GStatBuf st;

  if (g_stat (path, &st) == 0) {
    mtime = st.st_mtime;
    size = st.st_size;
  }
  text = g_strdup_printf ("%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT
      "\n%s", name, size, mtime, variant != NULL ? variant : "");
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  *etag = g_strdup_printf ("\"%.32s\"", sum);
  date = g_date_time_new_from_unix_utc (mtime + (variant != NULL ? 1 : 0));
  *last_modified = soup_date_time_to_string (date, SOUP_DATE_HTTP);
  g_date_time_unref (date);
  g_free (sum);
  g_free (text);
  g_free (name);
}

/* RFC 9110 13.1.5: TRUE when @msg has a Range and an If-Range that does
 * not match the representation (@etag strongly, or @last_modified
 * exactly), so the Range is to be ignored. */
static gboolean
if_range_fails (SoupServerMessage * msg, const gchar * etag,
    const gchar * last_modified)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const gchar *value = soup_message_headers_get_one (headers, "If-Range");
  GDateTime *date, *modified;
  gchar *condition;
  gboolean fails;

  if (value == NULL || soup_message_headers_get_one (headers, "Range") == NULL)
    return FALSE;
  condition = g_strstrip (g_strdup (value));
  if (condition[0] == '"' || g_str_has_prefix (condition, "W/")) {
    /* A weak tag never matches. */
    fails = strcmp (condition, etag) != 0;
  } else {
    date = soup_date_time_new_from_http_string (condition);
    modified = soup_date_time_new_from_http_string (last_modified);
    fails = date == NULL || modified == NULL ||
        !g_date_time_equal (date, modified);
    g_clear_pointer (&date, g_date_time_unref);
    g_clear_pointer (&modified, g_date_time_unref);
  }
  g_free (condition);
  return fails;
}

/* Makes SoupServer (and the hand-written answers) ignore @msg's Range;
 * the request log still shows it. */
static void
drop_range (SoupServerMessage * msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const gchar *range = soup_message_headers_get_one (headers, "Range");

  if (range == NULL)
    return;
  g_object_set_data_full (G_OBJECT (msg), RANGE_KEY, g_strdup (range), g_free);
  soup_message_headers_remove (headers, "Range");
}

/* The stand-in of download:different: @bytes with every byte after the
 * first 64 XORed with 0x5A, @size bytes long (0: as long as @bytes). */
static GBytes *
different_bytes (GBytes * bytes, guint64 size)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  gsize n = size > 0 ? size : length, i;
  guint8 *out = g_malloc (MAX (n, 1));

  for (i = 0; i < n; i++)
    out[i] = (i < length ? data[i] : 0) ^ (i >= 64 ? 0x5A : 0);
  return g_bytes_new_take (out, n);
}

static void
handle_files (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * path, gboolean with_faults)
{
  const gchar *method = soup_server_message_get_method (msg);
  const gchar *content_type;
  SoupMessageHeaders *headers;
  GMappedFile *mapped;
  GBytes *bytes;
  GError *error = NULL;
  gchar *file = NULL, *etag = NULL, *last_modified = NULL;
  Fault *fault = NULL;

  if (g_str_has_prefix (path, FILES_PREFIX)) {
    /* Only names of rendered clips are served, so no request can reach a
     * path outside the cache, whatever it contains. */
    g_mutex_lock (&self->lock);
    file = g_strdup (g_hash_table_lookup (self->files,
            path + strlen (FILES_PREFIX)));
    g_mutex_unlock (&self->lock);
  }
  if (file == NULL) {
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
    return;
  }
  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
    g_free (file);
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", "GET, HEAD");
    respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method Not Allowed\n");
    return;
  }

  /* Downloads meet faults, HEAD requests do not. */
  if (with_faults && method == SOUP_METHOD_GET)
    fault = take_fault (self, FAULT_TARGET_DOWNLOAD, NULL,
        g_str_has_suffix (file, ".png") ? "frame" : "clip");
  if (fault != NULL) {
    mark_fault (msg, fault->spec, NULL);
    if (fault->kind == FAULT_STATUS) {
      gchar *text = g_strdup_printf ("%s\n", fault->message != NULL ?
          fault->message : status_phrase (fault->status));

      respond_take (msg, fault->status, "text/plain", text, strlen (text));
      soup_server_message_set_status (msg, fault->status,
          status_phrase (fault->status));
      set_retry_after (msg, fault->retry_after);
      goto done;
    } else if (fault->kind == FAULT_RESET || fault->kind == FAULT_CLOSE) {
      close_connection (msg, fault->kind == FAULT_RESET);
      goto done;
    } else if (fault->kind == FAULT_HTML) {
      /* A proxy's error page, 200 whatever the Range. */
      const gchar *html = "<!DOCTYPE html>\n<html><head><title>Service "
          "Unavailable</title></head>\n<body><h1>Service temporarily "
          "unavailable</h1><p>Please try again later.</p></body></html>\n";

      drop_range (msg);
      respond_take (msg, SOUP_STATUS_OK, "text/html; charset=utf-8",
          g_strdup (html), strlen (html));
      goto done;
    }
  }

  mapped = g_mapped_file_new (file, FALSE, &error);
  if (mapped == NULL) {
    GST_WARNING ("cannot map %s: %s", file, error->message);
    g_error_free (error);
    g_free (file);
    fault_free (fault);
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
    return;
  }

  content_type = g_str_has_suffix (file, ".png") ? "image/png" : "video/mp4";
  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Content-Type", content_type);
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  bytes = g_mapped_file_get_bytes (mapped);
  if (fault != NULL && fault->kind == FAULT_DIFFERENT) {
    gchar *variant = g_strdup_printf ("different-%" G_GUINT64_FORMAT,
        fault->size);
    GBytes *different = different_bytes (bytes, fault->size);

    g_bytes_unref (bytes);
    bytes = different;
    file_validators (file, variant, &etag, &last_modified);
    g_free (variant);
  } else {
    file_validators (file, NULL, &etag, &last_modified);
  }
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Last-Modified", last_modified);
  if (method == SOUP_METHOD_GET && if_range_fails (msg, etag, last_modified))
    drop_range (msg);

  if (fault != NULL && fault->kind == FAULT_BODY &&
      (fault->ignore_range || !range_unsatisfiable (msg,
              g_bytes_get_size (bytes)))) {
    respond_raw_download (self, msg, fault, bytes, content_type, etag,
        last_modified);
  } else if (method == SOUP_METHOD_GET && range_unsatisfiable (msg,
          g_bytes_get_size (bytes))) {
    gchar *content_range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT,
        g_bytes_get_size (bytes));

    soup_message_headers_replace (headers, "Content-Range", content_range);
    soup_server_message_set_status (msg,
        SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
    g_free (content_range);
  } else {
    /* The whole file as the body: SoupServer answers a Range itself from it
     * (206 with Content-Range), and HEAD gets the Content-Length. */
    soup_message_body_append_bytes (soup_server_message_get_response_body
        (msg), bytes);
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  }
  g_bytes_unref (bytes);
  g_mapped_file_unref (mapped);
done:
  fault_free (fault);
  g_free (etag);
  g_free (last_modified);
  g_free (file);
}

static void
api_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_api (user_data, msg, path);
  /* A slow answer is logged when it goes out. */
  if (g_object_get_data (G_OBJECT (msg), DEFERRED_KEY) == NULL)
    log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
}

static void
files_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_files (user_data, msg, path, TRUE);
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_FILES, msg);
}

/* The third origin: serves the clips without faults, 404 for the rest. */
static void
other_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  if (g_str_has_prefix (path, FILES_PREFIX))
    handle_files (user_data, msg, path, FALSE);
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_OTHER, msg);
}

/* ---------------------------------------------------------------------- */
/* Server thread                                                           */

static gboolean
listen_server (SoupServer * server, const gchar * address, guint port,
    gchar ** origin, GError ** error)
{
  GInetAddress *inet;
  GSocketAddress *socket_address, *bound;
  GSList *listeners;
  gchar *host;
  guint bound_port;
  gboolean ok;

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not an IP address", address);
    return FALSE;
  }
  socket_address = g_inet_socket_address_new (inet, port);
  ok = soup_server_listen (server, socket_address, 0, error);
  g_object_unref (socket_address);
  if (!ok) {
    g_object_unref (inet);
    return FALSE;
  }

  /* From the listening socket: soup_server_get_uris() leaks an address in
   * libsoup 3.2 (fixed in 3.4.3). */
  listeners = soup_server_get_listeners (server);
  bound = g_socket_get_local_address (listeners->data, error);
  g_slist_free (listeners);
  if (bound == NULL) {
    g_object_unref (inet);
    return FALSE;
  }
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_object_unref (bound);

  /* A wildcard address is reached through loopback. */
  if (g_inet_address_get_is_any (inet))
    host = g_strdup (g_inet_address_get_family (inet) ==
        G_SOCKET_FAMILY_IPV6 ? "::1" : "127.0.0.1");
  else
    host = g_inet_address_to_string (inet);
  if (strchr (host, ':') != NULL)
    *origin = g_strdup_printf ("http://[%s]:%u", host, bound_port);
  else
    *origin = g_strdup_printf ("http://%s:%u", host, bound_port);
  g_free (host);
  g_object_unref (inet);
  return TRUE;
}

static gboolean
setup_servers (SeedanceEmulator * self, GError ** error)
{
  self->api_server = soup_server_new ("server-header", "seedance-emulator ",
      NULL);
  soup_server_add_early_handler (self->api_server, NULL, api_early_handler,
      self, NULL);
  soup_server_add_handler (self->api_server, NULL, api_handler, self, NULL);
  /* Requests answered without a handler are logged when finished. */
  g_signal_connect (self->api_server, "request-finished",
      G_CALLBACK (api_request_finished_cb), self);
  g_signal_connect (self->api_server, "request-aborted",
      G_CALLBACK (api_request_finished_cb), self);

  self->files_server = soup_server_new ("server-header",
      "seedance-emulator-files ", NULL);
  soup_server_add_handler (self->files_server, NULL, files_handler, self, NULL);
  g_signal_connect (self->files_server, "request-finished",
      G_CALLBACK (files_request_finished_cb), self);
  g_signal_connect (self->files_server, "request-aborted",
      G_CALLBACK (files_request_finished_cb), self);

  if (!listen_server (self->api_server, self->address, self->api_port,
          &self->api_origin, error))
    return FALSE;
  if (!listen_server (self->files_server, self->address, self->files_port,
          &self->files_origin, error))
    return FALSE;

  self->other_server = soup_server_new ("server-header",
      "seedance-emulator-other ", NULL);
  soup_server_add_handler (self->other_server, NULL, other_handler, self, NULL);
  g_signal_connect (self->other_server, "request-finished",
      G_CALLBACK (other_request_finished_cb), self);
  g_signal_connect (self->other_server, "request-aborted",
      G_CALLBACK (other_request_finished_cb), self);
  if (!listen_server (self->other_server, self->address, 0,
          &self->other_origin, error))
    return FALSE;
  return TRUE;
}

static void
drain_context (GMainContext * context)
{
  while (g_main_context_iteration (context, FALSE));
}

static gpointer
server_thread (gpointer data)
{
  SeedanceEmulator *self = data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (self->context);

  ok = setup_servers (self, &error);

  g_mutex_lock (&self->start_lock);
  self->start_error = error;
  self->start_done = TRUE;
  g_cond_signal (&self->start_cond);
  g_mutex_unlock (&self->start_lock);

  if (ok)
    g_main_loop_run (self->loop);

  /* Slow answers never go out; hand-written downloads end: a timer's at
   * once, one in a write when its cancelled write returns. */
  while (self->deferred != NULL) {
    Deferred *deferred = self->deferred->data;

    g_source_destroy (deferred->source);
  }
  {
    GList *writers = g_list_copy (self->writers), *l;

    for (l = writers; l != NULL; l = l->next) {
      RawWriter *writer = l->data;

      if (writer->timer != NULL) {
        g_source_destroy (writer->timer);
        writer->timer = NULL;
        raw_finish (writer);
      } else {
        g_cancellable_cancel (writer->cancellable);
      }
    }
    g_list_free (writers);
  }

  /* Close listeners and clients, let their sources run, then free: the
   * connections' pending sources still reference the servers. */
  if (self->api_server != NULL)
    soup_server_disconnect (self->api_server);
  if (self->files_server != NULL)
    soup_server_disconnect (self->files_server);
  if (self->other_server != NULL)
    soup_server_disconnect (self->other_server);
  drain_context (self->context);
  g_clear_object (&self->api_server);
  g_clear_object (&self->files_server);
  g_clear_object (&self->other_server);
  drain_context (self->context);
  /* Cancelled writes whose callbacks came late. */
  while (self->writers != NULL) {
    g_main_context_iteration (self->context, TRUE);
  }

  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
emulator_free (SeedanceEmulator * self)
{
  if (self->render_pool != NULL) {
    /* Abort renders in progress and drop queued ones, then wait. */
    g_cancellable_cancel (self->cancellable);
    g_thread_pool_free (self->render_pool, TRUE, TRUE);
  }
  g_clear_object (&self->cancellable);
  if (self->loop != NULL)
    g_main_loop_unref (self->loop);
  if (self->context != NULL)
    g_main_context_unref (self->context);
  g_clear_error (&self->start_error);
  g_mutex_clear (&self->start_lock);
  g_cond_clear (&self->start_cond);
  g_mutex_clear (&self->lock);
  g_hash_table_unref (self->tasks);
  g_hash_table_unref (self->files);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->faults);
  g_free (self->address);
  g_free (self->api_key);
  g_free (self->cache_dir);
  g_free (self->api_origin);
  g_free (self->files_origin);
  g_free (self->other_origin);
  g_free (self);
}

/**
 * seedance_emulator_start:
 * @config: the configuration, see seedance_emulator_config_init()
 * @error: return location for a #GError
 *
 * Starts the API and files servers on a thread of their own, with their own
 * #GMainContext, and returns once both listen. Initializes GStreamer when
 * the caller has not.
 *
 * Returns: (transfer full) (nullable): the emulator, to be stopped with
 *   seedance_emulator_stop(), or %NULL with @error set.
 */
SeedanceEmulator *
seedance_emulator_start (const SeedanceEmulatorConfig * config, GError ** error)
{
  SeedanceEmulator *self;
  const gchar *cache_dir;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  emulator_init_debug ();

  self = g_new0 (SeedanceEmulator, 1);
  self->address = g_strdup (config->address != NULL ? config->address :
      DEFAULT_ADDRESS);
  self->api_port = config->api_port;
  self->files_port = config->files_port;
  self->api_key = g_strdup (config->api_key);
  self->faststart = config->faststart;
  self->generation_ms = config->generation_ms;
  self->request_func = config->request_func;
  self->request_func_data = config->request_func_data;

  cache_dir = config->clip_cache_dir;
  if (cache_dir == NULL)
    cache_dir = g_getenv ("SEEDANCE_EMULATOR_CACHE");
  if (cache_dir != NULL && *cache_dir != '\0')
    self->cache_dir = g_strdup (cache_dir);
  else
    self->cache_dir = g_build_filename (g_get_user_cache_dir (),
        "seedance-emulator", NULL);

  g_mutex_init (&self->lock);
  g_mutex_init (&self->start_lock);
  g_cond_init (&self->start_cond);
  self->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) emulator_task_free);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      seedance_emulator_request_free);
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) fault_free);
  self->cancellable = g_cancellable_new ();

  if (g_mkdir_with_parents (self->cache_dir, 0755) != 0) {
    gint err = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not create the clip cache directory %s: %s", self->cache_dir,
        g_strerror (err));
    emulator_free (self);
    return NULL;
  }

  /* Non-exclusive: never fails, and the threads are shared with GLib. */
  self->render_pool = g_thread_pool_new (render_func, self, RENDER_THREADS,
      FALSE, NULL);

  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);

  g_mutex_lock (&self->start_lock);
  self->thread = g_thread_new ("seedance-emulator", server_thread, self);
  while (!self->start_done)
    g_cond_wait (&self->start_cond, &self->start_lock);
  g_mutex_unlock (&self->start_lock);

  if (self->start_error != NULL) {
    g_thread_join (self->thread);
    g_propagate_error (error, g_steal_pointer (&self->start_error));
    emulator_free (self);
    return NULL;
  }

  GST_INFO ("listening: API %s, files %s, cache %s", self->api_origin,
      self->files_origin, self->cache_dir);
  return self;
}

/**
 * seedance_emulator_stop:
 * @emulator: (transfer full) (nullable): an emulator
 *
 * Stops both servers, joins their thread, aborts clip renders in progress
 * and frees everything, including the request log.
 */
void
seedance_emulator_stop (SeedanceEmulator * emulator)
{
  GSource *source;

  if (emulator == NULL)
    return;

  /* An idle source rather than g_main_loop_quit(): a quit that came before
   * the thread entered g_main_loop_run() would be lost. */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop_cb, emulator->loop, NULL);
  g_source_attach (source, emulator->context);
  g_source_unref (source);
  g_thread_join (emulator->thread);

  emulator_free (emulator);
}

/**
 * seedance_emulator_get_api_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the API, no trailing slash.
 */
const gchar *
seedance_emulator_get_api_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->api_origin;
}

/**
 * seedance_emulator_get_files_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the file host, no trailing
 *   slash.
 */
const gchar *
seedance_emulator_get_files_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->files_origin;
}

/**
 * seedance_emulator_get_clip_cache_dir:
 * @emulator: an emulator
 *
 * Returns: (transfer none): the directory where clips are cached.
 */
const gchar *
seedance_emulator_get_clip_cache_dir (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->cache_dir;
}

/**
 * seedance_emulator_get_requests:
 * @emulator: an emulator
 *
 * Returns: (transfer full) (element-type SeedanceEmulatorRequest): a copy of
 *   the request log, oldest first; free with g_ptr_array_unref().
 */
GPtrArray *
seedance_emulator_get_requests (SeedanceEmulator * emulator)
{
  GPtrArray *copy;
  guint i;

  g_return_val_if_fail (emulator != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  copy = g_ptr_array_new_full (emulator->requests->len,
      (GDestroyNotify) seedance_emulator_request_free);
  for (i = 0; i < emulator->requests->len; i++)
    g_ptr_array_add (copy, request_copy (emulator->requests->pdata[i]));
  g_mutex_unlock (&emulator->lock);
  return copy;
}

/**
 * seedance_emulator_count_requests:
 * @emulator: an emulator
 * @method: (nullable): "GET", "POST", ... or %NULL for any
 * @path_prefix: (nullable): what the path starts with, or %NULL for any
 *
 * Returns: the number of logged requests, on either origin, that match.
 */
guint
seedance_emulator_count_requests (SeedanceEmulator * emulator,
    const gchar * method, const gchar * path_prefix)
{
  guint i, count = 0;

  g_return_val_if_fail (emulator != NULL, 0);

  g_mutex_lock (&emulator->lock);
  for (i = 0; i < emulator->requests->len; i++) {
    SeedanceEmulatorRequest *request = emulator->requests->pdata[i];

    if (method != NULL && g_strcmp0 (request->method, method) != 0)
      continue;
    if (path_prefix != NULL && (request->path == NULL ||
            !g_str_has_prefix (request->path, path_prefix)))
      continue;
    count++;
  }
  g_mutex_unlock (&emulator->lock);
  return count;
}

/**
 * seedance_emulator_clear_requests:
 * @emulator: an emulator
 *
 * Empties the request log.
 */
void
seedance_emulator_clear_requests (SeedanceEmulator * emulator)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  g_ptr_array_set_size (emulator->requests, 0);
  g_mutex_unlock (&emulator->lock);
}

/**
 * seedance_emulator_set_generation_ms:
 * @emulator: an emulator
 * @generation_ms: milliseconds from submission to success
 *
 * Sets the generation time of the tasks submitted from now on.
 */
void
seedance_emulator_set_generation_ms (SeedanceEmulator * emulator,
    guint generation_ms)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  emulator->generation_ms = generation_ms;
  g_mutex_unlock (&emulator->lock);
}

/* A copy of the rendered file of @task_id at @offset in EmulatorTask (a
 * clip_path or frame_path), NULL until it is rendered. */
static gchar *
rendered_file (SeedanceEmulator * emulator, const gchar * task_id, gsize offset)
{
  EmulatorTask *task;
  gchar *path = NULL;

  g_return_val_if_fail (emulator != NULL, NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  task = g_hash_table_lookup (emulator->tasks, task_id);
  if (task != NULL && task->render == RENDER_DONE)
    path = g_strdup (G_STRUCT_MEMBER (const gchar *, task, offset));
  g_mutex_unlock (&emulator->lock);
  return path;
}

/**
 * seedance_emulator_get_clip_path:
 * @emulator: an emulator
 * @task_id: a task id
 *
 * Returns: (transfer full) (nullable): the MP4 the emulator serves for the
 *   task, or %NULL while the task is unknown or its clip is not rendered.
 */
gchar *
seedance_emulator_get_clip_path (SeedanceEmulator * emulator,
    const gchar * task_id)
{
  return rendered_file (emulator, task_id, G_STRUCT_OFFSET (EmulatorTask,
          clip_path));
}

/**
 * seedance_emulator_get_frame_path:
 * @emulator: an emulator
 * @task_id: a task id
 *
 * Returns: (transfer full) (nullable): the PNG of the clip's last frame
 *   that the emulator serves for the task (as its "image" resource when
 *   return_last_frame was set), or %NULL while the task is unknown or its
 *   clip is not rendered.
 */
gchar *
seedance_emulator_get_frame_path (SeedanceEmulator * emulator,
    const gchar * task_id)
{
  return rendered_file (emulator, task_id, G_STRUCT_OFFSET (EmulatorTask,
          frame_path));
}

/**
 * seedance_emulator_get_other_origin:
 * @emulator: an emulator
 *
 * Returns: (transfer none): "http://HOST:PORT" of the third origin, which
 *   logs every request, serves /files/ as the file host does (without
 *   faults) and answers 404 to anything else.
 */
const gchar *
seedance_emulator_get_other_origin (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, NULL);
  return emulator->other_origin;
}

/**
 * seedance_emulator_check_fault:
 * @spec: a fault spec
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @spec is valid; otherwise %FALSE with @error
 *   (G_IO_ERROR_INVALID_ARGUMENT) saying what is wrong.
 */
gboolean
seedance_emulator_check_fault (const gchar * spec, GError ** error)
{
  Fault *fault = fault_parse (spec, error);

  fault_free (fault);
  return fault != NULL;
}

/**
 * seedance_emulator_add_fault:
 * @emulator: an emulator
 * @spec: a fault spec, see README.md beside this file
 * @error: return location for a #GError
 *
 * Queues a fault: the next matching requests (or, for "task:", the next
 * tasks created) meet it. A "task:" fault with "id=TASK" applies to that
 * existing task at once. Thread-safe.
 *
 * Returns: %FALSE with @error set when @spec is invalid or names an unknown
 *   task.
 */
gboolean
seedance_emulator_add_fault (SeedanceEmulator * emulator, const gchar * spec,
    GError ** error)
{
  Fault *fault;

  g_return_val_if_fail (emulator != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fault = fault_parse (spec, error);
  if (fault == NULL)
    return FALSE;

  g_mutex_lock (&emulator->lock);
  if (fault->task_id != NULL) {
    EmulatorTask *task = g_hash_table_lookup (emulator->tasks,
        fault->task_id);

    if (task == NULL) {
      g_mutex_unlock (&emulator->lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
          "fault '%s': no task %s", spec, fault->task_id);
      fault_free (fault);
      return FALSE;
    }
    apply_task_fault (task, fault);
    fault_free (fault);
  } else {
    g_ptr_array_add (emulator->faults, fault);
  }
  g_mutex_unlock (&emulator->lock);
  GST_INFO ("fault added: %s", spec);
  return TRUE;
}

/**
 * seedance_emulator_clear_faults:
 * @emulator: an emulator
 *
 * Drops the faults not consumed yet. Faults already given to tasks stay.
 */
void
seedance_emulator_clear_faults (SeedanceEmulator * emulator)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  g_ptr_array_set_size (emulator->faults, 0);
  g_mutex_unlock (&emulator->lock);
}

/**
 * seedance_emulator_count_faults:
 * @emulator: an emulator
 *
 * Returns: the number of faults waiting to be consumed; one that lasts
 *   forever counts as one.
 */
guint
seedance_emulator_count_faults (SeedanceEmulator * emulator)
{
  guint count;

  g_return_val_if_fail (emulator != NULL, 0);

  g_mutex_lock (&emulator->lock);
  count = emulator->faults->len;
  g_mutex_unlock (&emulator->lock);
  return count;
}

static gint
compare_submitted (gconstpointer a, gconstpointer b)
{
  const EmulatorTask *ta = *(EmulatorTask * const *) a;
  const EmulatorTask *tb = *(EmulatorTask * const *) b;

  return ta->submitted < tb->submitted ? -1 : ta->submitted > tb->submitted;
}

/**
 * seedance_emulator_list_tasks:
 * @emulator: an emulator
 *
 * Every task created, including those whose submission met a fault after
 * the task was created ("created").
 *
 * Returns: (transfer full): the task ids, oldest first, NULL-terminated;
 *   free with g_strfreev().
 */
gchar **
seedance_emulator_list_tasks (SeedanceEmulator * emulator)
{
  GPtrArray *tasks;
  GHashTableIter iter;
  gpointer value;
  gchar **ids;
  guint i;

  g_return_val_if_fail (emulator != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  tasks = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, emulator->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tasks, value);
  g_ptr_array_sort (tasks, compare_submitted);
  ids = g_new0 (gchar *, tasks->len + 1);
  for (i = 0; i < tasks->len; i++)
    ids[i] = g_strdup (((EmulatorTask *) tasks->pdata[i])->id);
  g_mutex_unlock (&emulator->lock);
  g_ptr_array_free (tasks, TRUE);
  return ids;
}

/**
 * seedance_emulator_count_held:
 * @emulator: an emulator
 *
 * Returns: how many answers a slow fault (slow=MS) holds back right now:
 * a test can act while a request is in flight, not before or after it.
 */
guint
seedance_emulator_count_held (SeedanceEmulator * emulator)
{
  g_return_val_if_fail (emulator != NULL, 0);

  return g_atomic_int_get (&emulator->n_held);
}
