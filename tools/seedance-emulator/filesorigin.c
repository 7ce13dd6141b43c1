/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The files origin (the storage/CDN host of the clips):
 *
 *   GET|HEAD /files/{name}
 *
 * Range (SoupServer's, plus a proper 416), strong validators and If-Range,
 * and the download faults. The third origin serves the same files without
 * faults. */

#include "emulator-private.h"

#include <string.h>

#include <glib/gstdio.h>

GST_DEBUG_CATEGORY (emulator_files_debug);
#define GST_CAT_DEFAULT emulator_files_debug

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
    compressed = emulator_gzip_all (bytes, gzip_total);

  head = g_string_new (NULL);
  g_string_append_printf (head, "HTTP/1.1 %u %s\r\n", status,
      emulator_status_phrase (status));
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
  writer = emulator_raw_writer_new (self, msg, status, head, body);
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
  emulator_raw_next (writer);
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
    fault = emulator_take_fault (self, FAULT_TARGET_DOWNLOAD, NULL,
        g_str_has_suffix (file, ".png") ? "frame" : "clip");
  if (fault != NULL) {
    emulator_mark_fault (msg, fault->spec, NULL);
    if (fault->kind == FAULT_STATUS) {
      gchar *text = g_strdup_printf ("%s\n", fault->message != NULL ?
          fault->message : emulator_status_phrase (fault->status));

      emulator_respond_take (msg, fault->status, "text/plain", text,
          strlen (text));
      soup_server_message_set_status (msg, fault->status,
          emulator_status_phrase (fault->status));
      emulator_set_retry_after (msg, fault->retry_after);
      goto done;
    } else if (fault->kind == FAULT_RESET || fault->kind == FAULT_CLOSE) {
      emulator_close_connection (msg, fault->kind == FAULT_RESET);
      goto done;
    } else if (fault->kind == FAULT_HTML) {
      /* A proxy's error page, 200 whatever the Range. */
      const gchar *html = "<!DOCTYPE html>\n<html><head><title>Service "
          "Unavailable</title></head>\n<body><h1>Service temporarily "
          "unavailable</h1><p>Please try again later.</p></body></html>\n";

      drop_range (msg);
      emulator_respond_take (msg, SOUP_STATUS_OK, "text/html; charset=utf-8",
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

void
emulator_files_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  handle_files (user_data, msg, path, TRUE);
  emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_FILES, msg);
}

/* The third origin: serves the clips without faults, 404 for the rest. */
void
emulator_other_handler (SoupServer * server, SoupServerMessage * msg,
    const gchar * path, GHashTable * query, gpointer user_data)
{
  if (g_str_has_prefix (path, FILES_PREFIX))
    handle_files (user_data, msg, path, FALSE);
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not Found\n");
  emulator_log_request (user_data, SEEDANCE_EMULATOR_ORIGIN_OTHER, msg);
}
