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

#include <errno.h>
#include <string.h>

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

  /* Start handshake with the server thread. */
  GMutex start_lock;
  GCond start_cond;
  gboolean start_done;
  GError *start_error;
  gchar *api_origin;            /* written by the thread before start_done */
  gchar *files_origin;

  /* Clip rendering, off the server thread. */
  GThreadPool *render_pool;
  GCancellable *cancellable;

  GMutex lock;                  /* protects everything below */
  guint generation_ms;
  GHashTable *tasks;            /* task id -> EmulatorTask */
  GHashTable *files;            /* name -> path, what /files/ serves */
  GPtrArray *requests;          /* SeedanceEmulatorRequest, oldest first */
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
  return copy;
}

/* The status the client will see: SoupServer turns a 200 with a complete
 * body into a 206 for a satisfiable Range (the files handler has answered
 * unsatisfiable ones itself), after the handler returns. */
static guint
answered_status (SoupServerMessage * msg)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeaders *headers;
  SoupMessageBody *body;
  SoupRange *ranges;
  gint n;

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

  GST_DEBUG ("%s %s %s -> %u",
      origin == SEEDANCE_EMULATOR_ORIGIN_API ? "api" : "files",
      request->method, request->path, request->status);

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
begin_envelope (JsonBuilder * builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "success");
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
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

static void
handle_submit (SeedanceEmulator * self, SoupServerMessage * msg)
{
  JsonParser *parser;
  JsonObject *obj = NULL;
  JsonBuilder *builder;
  EmulatorTask *task;
  SeedanceClipParams *params;
  gchar *detail, *url;

  parser = json_parser_new ();
  detail = validate_body (msg, parser, &obj);
  if (detail != NULL) {
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Bad Request", "%s", detail);
    g_free (detail);
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
  g_hash_table_insert (self->tasks, task->id, task);
  g_mutex_unlock (&self->lock);

  GST_INFO ("task %s: %ux%u, %u s, audio %d, first frame %s", task->id,
      params->width, params->height, params->duration, params->audio,
      params->first_frame != NULL ? "yes" : "no");
  /* The task stays in the table until stop(), which drains the pool first,
   * so the worker's pointer stays valid. */
  g_thread_pool_push (self->render_pool, task, NULL);

  url = g_strconcat (self->api_origin, TASKS_PREFIX, task->id, NULL);
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
  respond_json (msg, SOUP_STATUS_OK, builder);
  g_object_unref (builder);
  g_free (url);
}

static void
add_resource (JsonBuilder * builder, const gchar * files_origin,
    const gchar * name, const gchar * type, const EmulatorTask * task,
    const gchar * format)
{
  gchar *url;

  url = g_strconcat (files_origin, FILES_PREFIX, name, NULL);
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

static void
handle_task (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * task_id)
{
  EmulatorTask *task;
  JsonBuilder *builder;
  const gchar *status;
  gint64 elapsed_ms;

  g_mutex_lock (&self->lock);
  task = g_hash_table_lookup (self->tasks, task_id);
  if (task == NULL) {
    g_mutex_unlock (&self->lock);
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "task %s", task_id);
    return;
  }

  elapsed_ms = (g_get_monotonic_time () - task->submitted) / 1000;
  if (elapsed_ms < task->generation_ms / 3)
    status = "pending";
  else if (elapsed_ms < task->generation_ms || task->render == RENDER_RUNNING)
    status = "processing";
  else if (task->render == RENDER_DONE)
    status = "success";
  else
    status = "failed";

  builder = json_builder_new ();
  begin_envelope (builder);
  json_builder_set_member_name (builder, "task_id");
  json_builder_add_string_value (builder, task->id);
  json_builder_set_member_name (builder, "model_id");
  json_builder_add_string_value (builder, MODEL_ID);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);

  if (strcmp (status, "success") == 0) {
    json_builder_set_member_name (builder, "result");
    json_builder_begin_object (builder);
    json_builder_set_member_name (builder, "resources");
    json_builder_begin_array (builder);
    add_resource (builder, self->files_origin, task->clip_name, "video", task,
        "mp4");
    if (task->return_last_frame)
      add_resource (builder, self->files_origin, task->frame_name, "image",
          task, "png");
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
  g_mutex_unlock (&self->lock);

  respond_json (msg, SOUP_STATUS_OK, builder);
  g_object_unref (builder);
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

static void
handle_files (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * path)
{
  const gchar *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers;
  GMappedFile *mapped;
  GBytes *bytes;
  GError *error = NULL;
  gchar *file = NULL;

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

  mapped = g_mapped_file_new (file, FALSE, &error);
  if (mapped == NULL) {
    GST_WARNING ("cannot map %s: %s", file, error->message);
    g_error_free (error);
    g_free (file);
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
    return;
  }

  headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_replace (headers, "Content-Type",
      g_str_has_suffix (file, ".png") ? "image/png" : "video/mp4");
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  bytes = g_mapped_file_get_bytes (mapped);

  if (method == SOUP_METHOD_GET && range_unsatisfiable (msg,
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
  g_free (file);
}

static void
api_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_api (user_data, msg, path);
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
}

static void
files_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_files (user_data, msg, path);
  log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_FILES, msg);
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

  /* Close listeners and clients, let their sources run, then free: the
   * connections' pending sources still reference the servers. */
  if (self->api_server != NULL)
    soup_server_disconnect (self->api_server);
  if (self->files_server != NULL)
    soup_server_disconnect (self->files_server);
  drain_context (self->context);
  g_clear_object (&self->api_server);
  g_clear_object (&self->files_server);
  drain_context (self->context);

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
  g_free (self->address);
  g_free (self->api_key);
  g_free (self->cache_dir);
  g_free (self->api_origin);
  g_free (self->files_origin);
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
  EmulatorTask *task;
  gchar *path = NULL;

  g_return_val_if_fail (emulator != NULL, NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  task = g_hash_table_lookup (emulator->tasks, task_id);
  if (task != NULL && task->render == RENDER_DONE)
    path = g_strdup (task->clip_path);
  g_mutex_unlock (&emulator->lock);
  return path;
}
