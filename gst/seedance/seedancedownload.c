/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The download of a task's result files (the clip, its last frame) from
 * the file host: a GET, ranged to resume or to honour a seek, whose
 * answer must be the file asked for. Whatever the host sends is
 * checked: the status, the content coding, the length, the range, the
 * size bound, and that every part is of the same file. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

#include "seedancedownload.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_download_debug);
#define GST_CAT_DEFAULT seedance_download_debug

static void
ensure_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (seedance_download_debug, "seedancedownload", 0,
        "result file downloads");
    g_once_init_leave (&done, 1);
  }
}

/**
 * seedance_parse_content_range:
 * @value: a Content-Range header, "bytes START-END/TOTAL" (TOTAL may be *)
 * @start: (out): first byte of the part
 * @total: (out): size of the whole file, -1 when given as *
 */
gboolean
seedance_parse_content_range (const gchar * value, guint64 * start,
    gint64 * total)
{
  guint64 first, last, size;
  gchar *end;

  if (value == NULL || g_ascii_strncasecmp (value, "bytes ", 6) != 0)
    return FALSE;
  value += 6;
  if (!g_ascii_isdigit (*value))
    return FALSE;
  first = g_ascii_strtoull (value, &end, 10);
  if (*end != '-' || !g_ascii_isdigit (end[1]))
    return FALSE;
  last = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '/' || last < first || last == G_MAXUINT64)
    return FALSE;
  end++;
  if (*end == '*' && end[1] == '\0') {
    *total = -1;
  } else {
    if (!g_ascii_isdigit (*end))
      return FALSE;
    size = g_ascii_strtoull (end, &end, 10);
    if (*end != '\0' || size <= last || size > G_MAXINT64)
      return FALSE;
    *total = (gint64) size;
  }
  *start = first;
  return TRUE;
}

/* Discards the bytes before offset from a server that ignored Range. */
static gboolean
skip_to (GInputStream * in, guint64 offset, SeedanceDeadline * watch,
    GError ** error)
{
  while (offset > 0) {
    gssize n = g_input_stream_skip (in, MIN (offset, 1 << 20),
        seedance_deadline_get_cancellable (watch), error);

    if (n < 0)
      return FALSE;
    if (n == 0) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "the file ended before the requested offset");
      return FALSE;
    }
    offset -= n;
    seedance_deadline_touch (watch);
  }
  return TRUE;
}

/* The answer's Content-Length, as sent: only digits make a length. FALSE
 * with @error set for a header that is there but is no length. */
static gboolean
content_length (SoupMessageHeaders * headers, gint64 * length, GError ** error)
{
  const gchar *value = soup_message_headers_get_one (headers,
      "Content-Length");
  gchar *trimmed;
  guint64 n;
  gboolean ok;

  *length = -1;
  if (value == NULL)
    return TRUE;
  trimmed = g_strstrip (g_strdup (value));
  ok = g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXINT64, &n, NULL);
  g_free (trimmed);
  if (ok) {
    *length = (gint64) n;
    return TRUE;
  }
  seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
      "the file host sent an invalid Content-Length '%s'", value);
  return FALSE;
}

typedef struct
{
  SeedanceDeadline *cancel;     /* no deadline: cancels the one request */
  gboolean bad_length;
} LengthCheck;

static void
check_length_cb (SoupMessage * msg, LengthCheck * check)
{
  gint64 length;

  if (!content_length (soup_message_get_response_headers (msg), &length, NULL)) {
    check->bad_length = TRUE;
    g_cancellable_cancel (seedance_deadline_get_cancellable (check->cancel));
  }
}

/* The validator of an answer: a strong ETag, else its Last-Modified. */
static void
read_identity (SoupMessageHeaders * headers, gint64 total,
    SeedanceFileIdentity * identity)
{
  const gchar *etag = soup_message_headers_get_one (headers, "ETag");

  identity->size = total;
  identity->etag = etag && !g_str_has_prefix (etag, "W/") ?
      g_strdup (etag) : NULL;
  identity->last_modified = g_strdup (soup_message_headers_get_one (headers,
          "Last-Modified"));
}

/* Whether @got may be the same file as @first: a size or validator that
 * both answers gave must agree. */
static gboolean
same_file (const SeedanceFileIdentity * first, const SeedanceFileIdentity * got)
{
  if (first->size >= 0 && got->size >= 0 && first->size != got->size)
    return FALSE;
  if (first->etag && got->etag)
    return strcmp (first->etag, got->etag) == 0;
  if (first->last_modified && got->last_modified)
    return strcmp (first->last_modified, got->last_modified) == 0;
  return TRUE;
}

static gboolean
open_in_context (SeedanceDownload * download, SeedanceEngine * engine,
    const gchar * what, const gchar * url, guint64 offset, gint64 stop,
    const SeedanceFileIdentity * first, guint64 max_size,
    SeedanceDeadline * watch, GError ** error)
{
  gboolean ranged = offset > 0 || stop >= 0;
  GCancellable *cancellable = seedance_deadline_get_cancellable (watch);
  SoupMessage *msg;
  SoupMessageHeaders *headers;
  GInputStream *in;
  GError *err = NULL;
  LengthCheck check;
  const gchar *coding;
  guint status;
  gint64 length, total = -1;

  ensure_debug ();
  memset (download, 0, sizeof (*download));
  download->total_size = -1;
  download->identity.size = -1;

  msg = soup_message_new ("GET", url);
  if (msg == NULL) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the result URL '%s' is not a valid URL", url);
    return FALSE;
  }
  headers = soup_message_get_request_headers (msg);
  if (ranged) {
    soup_message_headers_set_range (headers, offset, stop >= 0 ? stop - 1 : -1);
    /* A file replaced since is answered whole, not spliced. Only a
     * strong ETag: a date may not be one (RFC 9110, 13.1.5). */
    if (first && first->etag)
      soup_message_headers_replace (headers, "If-Range", first->etag);
  }
  /* The bytes are the clip: no content coding may change them. */
  soup_message_headers_replace (headers, "Accept-Encoding", "identity");
  /* One long GET: its connection is not kept for another, which the
   * download's own context (see seedance_download_open()) would never
   * time out. */
  soup_message_headers_replace (headers, "Connection", "close");

  GST_DEBUG ("GET %s from byte %" G_GUINT64_FORMAT " to %" G_GINT64_FORMAT,
      url, offset, stop);
  /* A Content-Length that is no length is refused as the headers arrive:
   * libsoup would otherwise make a body of it (or refuse it without
   * naming it). */
  check.cancel = seedance_deadline_new (cancellable, 0);
  check.bad_length = FALSE;
  g_signal_connect (msg, "got-headers", G_CALLBACK (check_length_cb), &check);
  in = seedance_engine_open (engine, msg,
      seedance_deadline_get_cancellable (check.cancel), &err);
  g_signal_handlers_disconnect_by_data (msg, &check);
  seedance_deadline_free (check.cancel);
  if (in == NULL && (check.bad_length || !content_length
          (soup_message_get_response_headers (msg), &length, NULL))) {
    g_clear_error (&err);
    content_length (soup_message_get_response_headers (msg), &length, error);
    g_object_unref (msg);
    return FALSE;
  }
  if (in == NULL) {
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      g_propagate_error (error, err);
    else {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "downloading the %s failed: %s", what, err->message);
      g_error_free (err);
    }
    g_object_unref (msg);
    return FALSE;
  }

  status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  download->http_status = status;

  if (status != SOUP_STATUS_OK && !(status == SOUP_STATUS_PARTIAL_CONTENT
          && ranged)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "downloading the %s failed with HTTP %u %s%s", what, status,
        soup_status_get_phrase (status) ? soup_status_get_phrase (status) : "",
        (status == 403 || status == 404 || status == 410) ?
        " (result URLs expire 24 hours after the task ends)" : "");
    goto failed;
  }
  coding = soup_message_headers_get_list (headers, "Content-Encoding");
  if (coding && g_ascii_strcasecmp (coding, "identity") != 0) {
    seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the file host sent the %s with Content-Encoding '%s' though "
        "identity was asked: those bytes are not the %s", what, coding, what);
    goto failed;
  }
  if (!content_length (headers, &length, error))
    goto failed;

  if (status == SOUP_STATUS_PARTIAL_CONTENT) {
    guint64 start;

    if (!seedance_parse_content_range (soup_message_headers_get_one (headers,
                "Content-Range"), &start, &total) || start != offset) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
          "the file host answered a request from byte %" G_GUINT64_FORMAT
          " with a mismatched Content-Range", offset);
      goto failed;
    }
  } else {
    total = length;
  }
  if (total == 0) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the file host sent an empty %s", what);
    goto failed;
  }
  if (total > 0 && (guint64) total > max_size) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the file host announces %" G_GINT64_FORMAT " bytes, larger than "
        "the %" G_GUINT64_FORMAT " bytes a %s may have", total, max_size, what);
    goto failed;
  }

  read_identity (headers, total, &download->identity);
  if (first && !same_file (first, &download->identity)) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the %s changed on the file host since its download began (its "
        "size or validator differs from the first answer): its parts "
        "cannot be joined", what);
    goto failed;
  }
  download->total_size = total;
  if (status == SOUP_STATUS_OK && offset > 0
      && !skip_to (in, offset, watch, error))
    goto failed;

  download->content_type = g_strdup (soup_message_headers_get_content_type
      (headers, NULL));
  download->stream = in;
  download->message = G_OBJECT (msg);
  return TRUE;

failed:
  {
    seedance_engine_drop_stream (in);
    g_object_unref (in);
    g_object_unref (msg);
    seedance_file_identity_clear (&download->identity);
    return FALSE;
  }
}

/**
 * seedance_download_open:
 * @download: (out caller-allocates): the body stream and what the answer
 *   said of the file
 * @engine: the key's engine, whose session sends the request from the
 *   calling thread (the key is never sent to the file host)
 * @what: what the file is, for the messages: "clip", "last frame"
 * @url: the result URL, on the file host
 * @offset: first byte wanted; a Range request when not 0
 * @stop: the byte after the last one wanted, -1 for the end of the file;
 *   a Range request that ends there when not -1 (a host that ignores
 *   Range sends the whole file all the same)
 * @first: (nullable): what the first answer for this file said of it;
 *   this answer must describe the same file (a resume is sent with
 *   If-Range)
 * @max_size: the largest file accepted, in bytes
 * @watch: bounds the silence of the request (see seedance_deadline_touch())
 *   and cancels it
 * @error: a %SEEDANCE_ERROR_DOWNLOAD error, or
 *   %SEEDANCE_ERROR_UNTRUSTED_CLIP when the answer is not the file (a
 *   content coding, a bad length, another file): asking again will not
 *   help
 */
gboolean
seedance_download_open (SeedanceDownload * download, SeedanceEngine * engine,
    const gchar * what, const gchar * url, guint64 offset, gint64 stop,
    const SeedanceFileIdentity * first, guint64 max_size,
    SeedanceDeadline * watch, GError ** error)
{
  GMainContext *context = g_main_context_new ();
  gboolean ok;

  g_main_context_push_thread_default (context);
  ok = open_in_context (download, engine, what, url, offset, stop, first,
      max_size, watch, error);
  g_main_context_pop_thread_default (context);
  if (ok)
    download->context = context;
  else
    g_main_context_unref (context);
  return ok;
}

/**
 * seedance_download_read:
 * @download: an open download
 *
 * g_input_stream_read() of the download's body, in the download's
 * context, from whatever thread reads it.
 */
gssize
seedance_download_read (SeedanceDownload * download, void *buffer,
    gsize count, GCancellable * cancellable, GError ** error)
{
  gssize n;

  g_main_context_push_thread_default (download->context);
  n = g_input_stream_read (download->stream, buffer, count, cancellable, error);
  g_main_context_pop_thread_default (download->context);
  return n;
}

/**
 * seedance_file_identity_copy:
 * @dest: (out caller-allocates): the copy
 * @src: an identity filled by seedance_download_open()
 */
void
seedance_file_identity_copy (SeedanceFileIdentity * dest,
    const SeedanceFileIdentity * src)
{
  dest->size = src->size;
  dest->etag = g_strdup (src->etag);
  dest->last_modified = g_strdup (src->last_modified);
}

void
seedance_file_identity_clear (SeedanceFileIdentity * identity)
{
  g_clear_pointer (&identity->etag, g_free);
  g_clear_pointer (&identity->last_modified, g_free);
  identity->size = -1;
}

/**
 * seedance_download_clear:
 * @download: an open download, or one that was cleared already
 */
void
seedance_download_clear (SeedanceDownload * download)
{
  if (download->context)
    g_main_context_push_thread_default (download->context);
  if (download->stream) {
    /* Dropped, not read to its end: a seek wants it gone. */
    seedance_engine_drop_stream (download->stream);
    g_clear_object (&download->stream);
  }
  g_clear_object (&download->message);
  if (download->context) {
    g_main_context_pop_thread_default (download->context);
    g_clear_pointer (&download->context, g_main_context_unref);
  }
  seedance_file_identity_clear (&download->identity);
  g_clear_pointer (&download->content_type, g_free);
  download->total_size = -1;
  download->http_status = 0;
}
