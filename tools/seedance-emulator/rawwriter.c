/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Answers written by hand on the stolen connection (RawWriter): slow, cut
 * short, chunked, endless, gzip-compressed on the fly or trickled, written
 * asynchronously on the server thread. */

#include "emulator-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (emulator_raw_debug);
#define GST_CAT_DEFAULT emulator_raw_debug

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
GBytes *
emulator_gzip_all (GBytes * content, guint64 total)
{
  GConverter *gzip = G_CONVERTER (g_zlib_compressor_new
      (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  GByteArray *out = g_byte_array_new ();
  guint64 in = 0;

  while (in < total && gzip_step (gzip, content, total, &in, out));
  g_object_unref (gzip);
  return g_byte_array_free_to_bytes (out);
}

void
emulator_raw_finish (RawWriter * writer)
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
    emulator_raw_finish (writer);
    return;
  }
  emulator_raw_next (writer);
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
  emulator_raw_next (writer);
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

void
emulator_raw_next (RawWriter * writer)
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
  emulator_raw_finish (writer);
}

/* Takes @msg's connection for a hand-written answer: @head (may be empty),
 * then @body. NULL when the connection is gone. */
RawWriter *
emulator_raw_writer_new (SeedanceEmulator * self, SoupServerMessage * msg,
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
