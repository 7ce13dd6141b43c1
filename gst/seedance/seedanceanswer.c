/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Parsing of the API's answers. Every byte comes from the network: sizes
 * and nesting are bounded before json-glib sees them, and every field's
 * type is checked; unknown fields are ignored. */

#include <string.h>
#include <json-glib/json-glib.h>

#include "seedanceanswer.h"
#include "seedanceerror.h"

/* json-glib recurses per nesting level; the envelope needs about five. */
#define MAX_NESTING 32
#define MAX_ID_LENGTH 256
#define MAX_TEXT_LENGTH 2048

void
seedance_task_free (SeedanceTask * task)
{
  if (task == NULL)
    return;
  g_free (task->task_id);
  g_free (task->status);
  g_free (task->video_url);
  g_free (task->last_frame_url);
  g_free (task->failure);
  g_free (task);
}

static gboolean
nesting_within_bound (const gchar * data, gsize length)
{
  gsize i;
  gint depth = 0;
  gboolean in_string = FALSE;

  for (i = 0; i < length; i++) {
    gchar c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '{' || c == '[') {
      if (++depth > MAX_NESTING)
        return FALSE;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  return TRUE;
}

/* Whether a JSON text escapes a NUL (\u0000) in a string: json-glib
 * decodes it and the C string then ends there, so "task\u0000x" would
 * pass for "task". Every backslash in valid JSON starts an escape. */
static gboolean
escapes_nul (const gchar * data, gsize length)
{
  gsize i;

  for (i = 0; i + 1 < length; i++) {
    if (data[i] != '\\')
      continue;
    if (data[i + 1] == 'u' && i + 6 <= length
        && memcmp (data + i + 2, "0000", 4) == 0)
      return TRUE;
    i++;
  }
  return FALSE;
}

/* Returns the root object of the answer, or NULL with BAD_RESPONSE. */
static JsonParser *
parse_object (const gchar * data, gsize length, GError ** error)
{
  JsonParser *parser;
  GError *err = NULL;
  JsonNode *root;

  if (length > SEEDANCE_MAX_ANSWER_SIZE) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer is %" G_GSIZE_FORMAT " bytes, more than the %d accepted",
        length, SEEDANCE_MAX_ANSWER_SIZE);
    return NULL;
  }
  /* An empty body (whose data may be NULL) is no answer; json-glib
   * refuses NULL data without saying why. */
  if (length == 0) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer is empty");
    return NULL;
  }
  if (!nesting_within_bound (data, length)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer nests deeper than %d levels", MAX_NESTING);
    return NULL;
  }
  if (escapes_nul (data, length)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer holds a NUL character (\\u0000), which would cut the "
        "string it is in short");
    return NULL;
  }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &err)) {
    /* json-glib may quote a string it decoded, which is not UTF-8 when it
     * held an unpaired surrogate escape. */
    gchar *reason = g_utf8_make_valid (err->message, -1);

    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer is not JSON: %s", reason);
    g_free (reason);
    g_error_free (err);
    g_object_unref (parser);
    return NULL;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer is not a JSON object");
    g_object_unref (parser);
    return NULL;
  }
  return parser;
}

static JsonObject *
member_object (JsonObject * object, const gchar * name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ?
      json_node_get_object (node) : NULL;
}

/* A string member that is present, a non-empty string and within max_len
 * bytes; it may not be UTF-8: json-glib turns an unpaired surrogate escape
 * ("\ud800") into bytes that are not. */
static const gchar *
member_bytes (JsonObject * object, const gchar * name, gsize max_len)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  const gchar *s;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (node);
  if (s == NULL || *s == '\0' || strlen (s) > max_len)
    return NULL;
  return s;
}

/* An id, a status or a URL: used as it is, so one that is not UTF-8 is
 * no value at all. */
static const gchar *
member_string (JsonObject * object, const gchar * name, gsize max_len)
{
  const gchar *s = member_bytes (object, name, max_len);

  return s && g_utf8_validate (s, -1, NULL) ? s : NULL;
}

/* A text for people (a failure reason, an error message): kept with
 * U+FFFD for the bytes that are not UTF-8, so that one bad escape does
 * not lose the server's reason, and its control characters escaped. */
static gchar *
member_text (JsonObject * object, const gchar * name, gsize max_len)
{
  return seedance_text_for_display (member_bytes (object, name, max_len));
}

/**
 * seedance_task_id_is_safe:
 * @id: (nullable): a task id from the user or a server
 *
 * A task id goes into the path /api/v1/tasks/{id}: it must be one path
 * segment that means itself, 1 to 256 of the characters a URI leaves
 * unescaped (letters, digits, '-', '.', '_', '~'), and not "." or "..".
 */
gboolean
seedance_task_id_is_safe (const gchar * id)
{
  const gchar *p;

  if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LENGTH
      || strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return FALSE;
  for (p = id; *p; p++) {
    if (!g_ascii_isalnum (*p) && !strchr ("-._~", *p))
      return FALSE;
  }
  return TRUE;
}

/* A status is a word: one with control characters is no status. */
static gboolean
status_is_unprintable (const gchar * status)
{
  gchar *shown = seedance_text_for_display (status);
  gboolean unprintable = g_strcmp0 (shown, status) != 0;

  g_free (shown);
  return unprintable;
}

/* An http(s) URL without spaces or control characters. */
static gboolean
is_http_url (const gchar * url)
{
  const gchar *p;

  if (url == NULL || !(g_ascii_strncasecmp (url, "http://", 7) == 0
          || g_ascii_strncasecmp (url, "https://", 8) == 0)
      || !g_utf8_validate (url, -1, NULL))
    return FALSE;
  for (p = url; *p; p++) {
    if ((guchar) * p <= ' ' || *p == 0x7f)
      return FALSE;
  }
  return TRUE;
}

static gboolean
status_is_one_of (const gchar * status, const gchar * const *names)
{
  for (; *names; names++) {
    if (g_ascii_strcasecmp (status, *names) == 0)
      return TRUE;
  }
  return FALSE;
}

/* What a status the API (or the journal) spelled means. */
SeedanceTaskState
seedance_task_state_from_status (const gchar * status)
{
  static const gchar *const success[] =
      { "success", "succeeded", "completed", NULL };
  static const gchar *const failure[] =
      { "failed", "canceled", "cancelled", "error", NULL };

  if (status_is_one_of (status, success))
    return SEEDANCE_TASK_SUCCEEDED;
  if (status_is_one_of (status, failure))
    return SEEDANCE_TASK_FAILED;
  /* Unknown statuses mean "still running", as the API reference asks. */
  return SEEDANCE_TASK_RUNNING;
}

/* Picks the video and last-frame URLs out of a resources array whose items
 * are objects with url/type, or bare URL strings. */
static void
read_resources (JsonArray * resources, SeedanceTask * task)
{
  guint i, n = json_array_get_length (resources);

  for (i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (resources, i);
    const gchar *url = NULL, *type = NULL;

    if (JSON_NODE_HOLDS_OBJECT (item)) {
      JsonObject *o = json_node_get_object (item);

      url = member_string (o, "url", MAX_TEXT_LENGTH);
      type = member_string (o, "type", 64);
    } else if (JSON_NODE_HOLDS_VALUE (item)
        && json_node_get_value_type (item) == G_TYPE_STRING) {
      url = json_node_get_string (item);
    }
    if (url == NULL || !is_http_url (url) || strlen (url) > MAX_TEXT_LENGTH)
      continue;

    if (type && g_ascii_strcasecmp (type, "image") == 0) {
      if (task->last_frame_url == NULL)
        task->last_frame_url = g_strdup (url);
    } else if (type == NULL || g_ascii_strcasecmp (type, "video") == 0) {
      if (task->video_url == NULL)
        task->video_url = g_strdup (url);
    }
  }
}

static JsonArray *
find_resources (JsonObject * data)
{
  JsonObject *result = member_object (data, "result");
  JsonNode *node = NULL;

  if (result)
    node = json_object_get_member (result, "resources");
  if (node == NULL)
    node = json_object_get_member (data, "resources");
  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) :
      NULL;
}

/* The reason a task failed, looked for where the API reference says. */
static gchar *
failure_reason (JsonObject * root, JsonObject * data)
{
  JsonNode *node = json_object_get_member (data, "error");
  gchar *s;

  if (node && JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *e = json_node_get_object (node);
    const gchar *code = member_string (e, "code", 128);

    if ((s = member_text (e, "message", MAX_TEXT_LENGTH))) {
      gchar *reason = code ? g_strdup_printf ("%s (%s)", s, code) : NULL;

      if (reason) {
        g_free (s);
        return reason;
      }
      return s;
    }
  }
  if ((s = member_text (data, "error", MAX_TEXT_LENGTH))
      || (s = member_text (data, "message", MAX_TEXT_LENGTH))
      || (s = member_text (data, "fail_reason", MAX_TEXT_LENGTH))
      || (s = member_text (root, "message", MAX_TEXT_LENGTH)))
    return s;
  return g_strdup ("the API gave no reason");
}

/**
 * seedance_task_parse:
 * @data: the body of a task query answer
 * @length: its length in bytes
 * @error: a #SEEDANCE_ERROR_BAD_RESPONSE error when the answer is unusable
 *
 * Returns: (transfer full) (nullable): the task, or %NULL on error. A
 * success without a video resource is an error.
 */
SeedanceTask *
seedance_task_parse (const gchar * data, gsize length, GError ** error)
{
  JsonParser *parser;
  JsonObject *root, *d;
  const gchar *id, *status;
  SeedanceTask *task;
  JsonArray *resources;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!(parser = parse_object (data, length, error)))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  d = member_object (root, "data");
  id = member_string (d, "task_id", MAX_ID_LENGTH);
  status = member_string (d, "status", 64);
  if (d == NULL || status == NULL) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the task answer has no data.status string");
    g_object_unref (parser);
    return NULL;
  }
  if (status_is_unprintable (status)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the task answer's data.status holds control characters");
    g_object_unref (parser);
    return NULL;
  }
  if (id && !seedance_task_id_is_safe (id)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the task answer has a malformed data.task_id");
    g_object_unref (parser);
    return NULL;
  }

  task = g_new0 (SeedanceTask, 1);
  task->task_id = g_strdup (id);
  task->status = g_strdup (status);
  task->state = seedance_task_state_from_status (status);

  if (task->state == SEEDANCE_TASK_SUCCEEDED) {
    if ((resources = find_resources (d)))
      read_resources (resources, task);
    if (task->video_url == NULL) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
          "the task succeeded but its result has no video resource with an "
          "http(s) URL");
      seedance_task_free (task);
      task = NULL;
    }
  } else if (task->state == SEEDANCE_TASK_FAILED) {
    task->failure = failure_reason (root, d);
  }

  g_object_unref (parser);
  return task;
}

/**
 * seedance_submit_answer_parse:
 * @data: the body of a 2xx answer to a submission
 * @length: its length in bytes
 * @error: a #SEEDANCE_ERROR_BAD_RESPONSE error when it has no usable task id
 *
 * Returns: (transfer full) (nullable): the new task's id.
 */
gchar *
seedance_submit_answer_parse (const gchar * data, gsize length, GError ** error)
{
  JsonParser *parser;
  JsonObject *root;
  const gchar *id;
  gchar *result = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!(parser = parse_object (data, length, error)))
    return NULL;

  root = json_node_get_object (json_parser_get_root (parser));
  id = member_string (member_object (root, "data"), "task_id", MAX_ID_LENGTH);
  if (seedance_task_id_is_safe (id))
    result = g_strdup (id);
  else if (id)
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "its data.task_id is not a safe task id (1 to %d letters, digits, "
        "'-', '.', '_' or '~', not '.' or '..')", MAX_ID_LENGTH);
  else
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_BAD_RESPONSE,
        "the answer has no usable data.task_id");

  g_object_unref (parser);
  return result;
}

/**
 * seedance_error_answer_message:
 * @data: the body of an error answer
 * @length: its length in bytes
 *
 * Returns: (transfer full) (nullable): the envelope's "message", or %NULL
 * when the body is not the API's JSON error.
 */
gchar *
seedance_error_answer_message (const gchar * data, gsize length)
{
  JsonParser *parser;
  gchar *msg;

  if (data == NULL || !(parser = parse_object (data, length, NULL)))
    return NULL;

  msg = member_text (json_node_get_object (json_parser_get_root (parser)),
      "message", MAX_TEXT_LENGTH);
  g_object_unref (parser);
  return msg;
}
