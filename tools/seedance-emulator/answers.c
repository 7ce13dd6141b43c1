/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Answers either origin writes: the API's JSON envelopes (success and
 * error), raw bodies, Retry-After, status phrases, and a connection closed
 * without an answer. */

#include "emulator-private.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

GST_DEBUG_CATEGORY (emulator_answers_debug);
#define GST_CAT_DEFAULT emulator_answers_debug

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

/* Every error is {"code": <HTTP status>, "message": "<Category>: <detail>"}. */
void
emulator_respond_error (SoupServerMessage * msg, guint status,
    const gchar * category, const gchar * format, ...)
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

void
emulator_begin_envelope_with_message (JsonBuilder * builder,
    const gchar * message)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
}

void
emulator_begin_envelope (JsonBuilder * builder)
{
  emulator_begin_envelope_with_message (builder, "success");
}

void
emulator_end_envelope (JsonBuilder * builder)
{
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

void
emulator_respond_node (SoupServerMessage * msg, guint status, JsonNode * root)
{
  gchar *text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, text, strlen (text));
}

void
emulator_respond_take (SoupServerMessage * msg, guint status,
    const gchar * content_type, gchar * text, gsize length)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE,
      text, length);
}

/* "2" (seconds), "date+2" (an HTTP date 2 s from now) or verbatim. */
void
emulator_set_retry_after (SoupServerMessage * msg, const gchar * value)
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
const gchar *
emulator_status_phrase (guint status)
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
void
emulator_close_connection (SoupServerMessage * msg, gboolean reset)
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
