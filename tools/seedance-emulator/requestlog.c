/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The request log: every request any origin answered, with the status the
 * client saw and the faults that shaped the answer, recorded when the
 * answer is ready, so that a client holding an answer finds its request
 * logged. */

#include "emulator-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (emulator_log_debug);
#define GST_CAT_DEFAULT emulator_log_debug

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
  g_free (request->limited);
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
  copy->limited = g_strdup (request->limited);
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
void
emulator_log_request (SeedanceEmulator * self, SeedanceEmulatorOrigin origin,
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
  request->limited = g_strdup (g_object_get_data (G_OBJECT (msg), LIMITED_KEY));

  GST_DEBUG ("%s %s %s -> %u%s%s%s%s",
      origin == SEEDANCE_EMULATOR_ORIGIN_API ? "api" :
      origin == SEEDANCE_EMULATOR_ORIGIN_FILES ? "files" : "other",
      request->method, request->path, request->status,
      request->fault != NULL ? ", fault " : "",
      request->fault != NULL ? request->fault : "",
      request->limited != NULL ? ", limited: " : "",
      request->limited != NULL ? request->limited : "");

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
void
emulator_api_request_finished_cb (SoupServer * server, SoupServerMessage * msg,
    gpointer user_data)
{
  emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_API, msg);
}

void
emulator_files_request_finished_cb (SoupServer * server,
    SoupServerMessage * msg, gpointer user_data)
{
  emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_FILES, msg);
}

void
emulator_other_request_finished_cb (SoupServer * server,
    SoupServerMessage * msg, gpointer user_data)
{
  emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_OTHER, msg);
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
