/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Answers of the API origin shaped by a fault: error statuses, closed
 * connections, redirects, and 200s that are malformed, oversized, of the
 * wrong types, deeply nested, with hostile numbers, a fake task id, or
 * trickled a byte at a time. */

#include "emulator-private.h"

#include <string.h>

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

  emulator_begin_envelope (builder);
  if (task_id != NULL) {
    json_builder_set_member_name (builder, "task_id");
    json_builder_add_string_value (builder, task_id);
  }
  json_builder_set_member_name (builder, "model_id");
  json_builder_add_string_value (builder, MODEL_ID);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  emulator_end_envelope (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  return root;
}

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
  writer = emulator_raw_writer_new (self, msg, SOUP_STATUS_OK, head, body);
  if (writer == NULL)
    return;
  writer->chunk = 1;
  writer->delay_ms = fault->delay_ms;
  emulator_raw_next (writer);
}

/* Answers an API request (submit or query) as @fault says. @answer is the
 * normal answer when there is one (a task exists), NULL otherwise; it may be
 * changed. FAULT_SLOW is the caller's. */
void
emulator_respond_api_fault (SeedanceEmulator * self, SoupServerMessage * msg,
    const Fault * fault, JsonNode * answer, const gchar * task_id)
{
  JsonNode *root;
  JsonObject *data;
  GString *text;

  switch (fault->kind) {
    case FAULT_STATUS:
      emulator_respond_error (msg, fault->status,
          emulator_status_phrase (fault->status), "%s",
          fault->message != NULL ? fault->message : "injected fault");
      soup_server_message_set_status (msg, fault->status,
          emulator_status_phrase (fault->status));
      emulator_set_retry_after (msg, fault->retry_after);
      if (fault->status == SOUP_STATUS_UNAUTHORIZED)
        soup_message_headers_replace (soup_server_message_get_response_headers
            (msg), "WWW-Authenticate", "Bearer");
      return;
    case FAULT_RESET:
    case FAULT_CLOSE:
      emulator_close_connection (msg, fault->kind == FAULT_RESET);
      return;
    case FAULT_MALFORMED:
      emulator_respond_take (msg, SOUP_STATUS_OK, "application/json",
          g_strdup ("{\"code\":0,"), strlen ("{\"code\":0,"));
      return;
    case FAULT_HTML:{
      const gchar *html = "<!DOCTYPE html>\n<html><head><title>502 Bad "
          "Gateway</title></head>\n<body><h1>Bad Gateway</h1><p>The proxy "
          "received an invalid response.</p></body></html>\n";

      emulator_respond_take (msg, SOUP_STATUS_OK, "text/html; charset=utf-8",
          g_strdup (html), strlen (html));
      return;
    }
    case FAULT_WRONG_TYPES:{
      const gchar *wrong = "{\"code\":\"0\",\"message\":200,\"data\":"
          "{\"task_id\":12345,\"model_id\":false,\"status\":5,"
          "\"get_result\":\"GET\",\"result\":\"resources\",\"error\":7}}";

      emulator_respond_take (msg, SOUP_STATUS_OK, "application/json",
          g_strdup (wrong), strlen (wrong));
      return;
    }
    case FAULT_REDIRECT:{
      GUri *uri = soup_server_message_get_uri (msg);
      const gchar *query = g_uri_get_query (uri);
      gchar *location;

      location = g_strconcat (emulator_resolve_origin (self, fault->to),
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

    emulator_respond_take (msg, SOUP_STATUS_OK, "application/json",
        g_string_free (text, FALSE), length);
  }
}
