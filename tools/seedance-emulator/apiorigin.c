/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The API origin:
 *
 *   POST /api/v1/{provider}/{model}/async   submit a task
 *   GET  /api/v1/tasks/{task_id}            query it
 *
 * Bearer auth, body size limit, routing, the creation of tasks and the
 * answers of MODELLIX-API.md. A task is "pending" for the first third of
 * its generation time, then "processing", then "success" once the time is
 * up and its clip exists. */

#include "emulator-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (emulator_api_debug);
#define GST_CAT_DEFAULT emulator_api_debug

/* Large enough for a few inline images, small enough to refuse nonsense. */
#define MAX_BODY_SIZE (64 * 1024 * 1024)

static void
respond_method_not_allowed (SoupServerMessage * msg, const gchar * allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Allow", allow);
  emulator_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
      "Method Not Allowed", "use %s", allow);
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

/* Returns the bearer key of the request when the emulator accepts it;
 * otherwise answers 401 and returns NULL. */
static gchar *
check_auth (SeedanceEmulator * self, SoupServerMessage * msg)
{
  const gchar *value;
  gchar *key = NULL;
  gboolean ok;

  value = soup_message_headers_get_one (soup_server_message_get_request_headers
      (msg), "Authorization");
  if (value == NULL) {
    emulator_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
        "missing Authorization header (expected 'Bearer <API key>')");
  } else if (g_ascii_strncasecmp (value, "Bearer ", 7) != 0) {
    emulator_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
        "the Authorization header must be 'Bearer <API key>'");
  } else {
    key = g_strstrip (g_strdup (value + 7));
    if (*key == '\0') {
      emulator_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
          "empty API key");
    } else if (self->api_key != NULL && strcmp (key, self->api_key) != 0) {
      emulator_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "Unauthorized",
          "invalid API key");
    }
  }

  ok = soup_server_message_get_status (msg) == 0;
  if (!ok) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "WWW-Authenticate", "Bearer");
    g_clear_pointer (&key, g_free);
  }
  return key;
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
      emulator_resolve_origin (self, task->get_result_to) : self->api_origin,
      TASKS_PREFIX, task->id, NULL);
  builder = json_builder_new ();
  emulator_begin_envelope (builder);
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
  emulator_end_envelope (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  g_free (url);
  return root;
}

static void
handle_submit (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * key)
{
  JsonParser *parser;
  JsonObject *obj = NULL;
  EmulatorTask *task;
  SeedanceClipParams *params;
  JsonNode *answer;
  Fault *fault;
  gchar *detail, *task_faults;

  parser = json_parser_new ();
  detail = emulator_validate_body (msg, parser, &obj);
  if (detail != NULL) {
    emulator_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Bad Request", "%s",
        detail);
    g_free (detail);
    g_object_unref (parser);
    return;
  }

  /* Checked after the body, so that a bad one is told what to fix. */
  if (!emulator_limits_admit_task (self, msg, key)) {
    g_object_unref (parser);
    return;
  }

  /* Only a submission that would succeed meets a fault: one that does not
   * create the task answers before anything is created. */
  fault = emulator_take_fault (self, FAULT_TARGET_SUBMIT, NULL, NULL);
  if (fault != NULL && !fault->created) {
    GST_INFO ("submission: fault %s, no task created", fault->spec);
    emulator_mark_fault (msg, fault->spec, NULL);
    emulator_respond_api_fault (self, msg, fault, NULL, NULL);
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
  task->key = g_strdup (key);
  task->submitted = g_get_monotonic_time ();
  task->return_last_frame = member_boolean (obj, "return_last_frame", FALSE);
  task->params = params;
  task->render = RENDER_RUNNING;
  g_object_unref (parser);

  g_mutex_lock (&self->lock);
  task->id = new_task_id (self);
  task->generation_ms = self->generation_ms;
  emulator_apply_queued_task_faults (self, task);
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

  emulator_mark_fault (msg, fault != NULL ? fault->spec : NULL, task_faults);
  if (fault == NULL || fault->kind == FAULT_SLOW)
    emulator_respond_node (msg, SOUP_STATUS_OK, answer);
  else
    emulator_respond_api_fault (self, msg, fault, answer, task->id);
  if (fault != NULL && fault->kind == FAULT_SLOW)
    emulator_defer_answer (self, msg, SEEDANCE_EMULATOR_ORIGIN_API,
        fault->delay_ms);
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

  status = emulator_task_status (task, g_get_monotonic_time (), &fail);

  builder = json_builder_new ();
  emulator_begin_envelope_with_message (builder, fail != NULL &&
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
        emulator_resolve_origin (self, task->result_to) : self->files_origin;

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
  emulator_end_envelope (builder);
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

  fault = emulator_take_fault (self, FAULT_TARGET_POLL, task_id, NULL);

  g_mutex_lock (&self->lock);
  task = g_hash_table_lookup (self->tasks, task_id);
  if (task != NULL) {
    answer = task_answer (self, task);
    task_faults = g_strdup (task->fault_specs);
  }
  g_mutex_unlock (&self->lock);

  emulator_mark_fault (msg, fault != NULL ? fault->spec : NULL, task_faults);
  if (fault != NULL && fault->kind != FAULT_SLOW) {
    /* An unknown task still meets the fault, with a stand-in answer. */
    emulator_respond_api_fault (self, msg, fault, answer, task_id);
  } else if (answer == NULL) {
    emulator_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "task %s",
        task_id);
  } else {
    emulator_respond_node (msg, SOUP_STATUS_OK, answer);
  }
  if (fault != NULL && fault->kind == FAULT_SLOW)
    emulator_defer_answer (self, msg, SEEDANCE_EMULATOR_ORIGIN_API,
        fault->delay_ms);

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
  emulator_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
      "Payload Too Large", "the request body exceeds %d bytes (64 MiB)",
      MAX_BODY_SIZE);
}

/* Runs once the headers are in, before the body is read. */
void
emulator_api_early_handler (SoupServer * server, SoupServerMessage * msg,
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
    emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
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
  gchar *key;

  body_size = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg),
          BODY_SIZE_KEY));
  if (body_size > MAX_BODY_SIZE) {
    respond_too_large (msg);
    return;
  }

  if (!g_str_has_prefix (path, API_PREFIX)) {
    emulator_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s",
        path);
    return;
  }
  key = check_auth (self, msg);
  if (key == NULL)
    return;
  /* Every request with an accepted key counts, whatever it asks for; one
   * refused here meets no fault. */
  if (!emulator_limits_admit_request (self, msg, key)) {
    g_free (key);
    return;
  }

  if (g_str_has_prefix (path, TASKS_PREFIX)) {
    const gchar *task_id = path + strlen (TASKS_PREFIX);

    if (*task_id == '\0' || strchr (task_id, '/') != NULL)
      emulator_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s",
          path);
    else if (method != SOUP_METHOD_GET)
      respond_method_not_allowed (msg, "GET");
    else
      handle_task (self, msg, task_id);
  } else {
    gchar **parts = g_strsplit (path + strlen (API_PREFIX), "/", -1);

    if (g_strv_length (parts) != 3 || strcmp (parts[2], "async") != 0 ||
        *parts[0] == '\0' || *parts[1] == '\0') {
      emulator_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found", "%s",
          path);
    } else if (strcmp (parts[0], MODEL_PROVIDER) != 0
        || strcmp (parts[1], MODEL_NAME) != 0) {
      emulator_respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not Found",
          "model %s/%s", parts[0], parts[1]);
    } else if (method != SOUP_METHOD_POST) {
      respond_method_not_allowed (msg, "POST");
    } else {
      handle_submit (self, msg, key);
    }
    g_strfreev (parts);
  }
  g_free (key);
}

void
emulator_api_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_api (user_data, msg, path);
  /* A slow answer is logged when it goes out. */
  if (g_object_get_data (G_OBJECT (msg), DEFERRED_KEY) == NULL)
    emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
}
