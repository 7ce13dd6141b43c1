/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_DOWNLOAD_H__
#define __SEEDANCE_DOWNLOAD_H__

#include <gio/gio.h>

#include "seedancedeadline.h"
#include "seedanceengine.h"

G_BEGIN_DECLS

/**
 * SeedanceFileIdentity:
 * @size: size of the whole file in bytes, -1 when unknown
 * @etag: (nullable): its strong ETag
 * @last_modified: (nullable): its Last-Modified date, as sent
 *
 * What an answer said of the file it is part of: every later answer for
 * the same clip must agree, or the parts would be of two files.
 */
typedef struct
{
  gint64 size;
  gchar *etag;
  gchar *last_modified;
} SeedanceFileIdentity;

/* The largest clip taken, unless SEEDANCE_MAX_CLIP_SIZE says otherwise: a
 * 15 s clip at 720p is tens of MB. */
#define SEEDANCE_DEFAULT_MAX_CLIP_SIZE (G_GUINT64_CONSTANT (2) << 30)

/**
 * SeedanceDownload:
 * @stream: the body, positioned at the requested offset
 * @total_size: size of the whole file in bytes, -1 when unknown
 * @http_status: 200 or 206
 * @message: the HTTP message the stream belongs to
 * @content_type: (nullable): the media type the host gave, without
 *   parameters
 * @identity: what the answer said of the file
 * @context: the thread-default context of every call on the download:
 *   libsoup does a message's I/O in the context that sent it, and a
 *   download may be dropped from another thread than the one reading it
 *
 * An open download; seedance_download_clear() closes it.
 */
typedef struct
{
  GInputStream *stream;
  gint64 total_size;
  guint http_status;
  GObject *message;
  gchar *content_type;
  SeedanceFileIdentity identity;
  GMainContext *context;
} SeedanceDownload;

gboolean        seedance_download_open (SeedanceDownload * download,
                                        SeedanceEngine * engine,
                                        const gchar * what,
                                        const gchar * url,
                                        guint64 offset,
                                        gint64 stop,
                                        const SeedanceFileIdentity * first,
                                        guint64 max_size,
                                        SeedanceDeadline * watch,
                                        GError ** error);
gssize          seedance_download_read (SeedanceDownload * download,
                                        void *buffer, gsize count,
                                        GCancellable * cancellable,
                                        GError ** error);
void            seedance_download_clear (SeedanceDownload * download);

void            seedance_file_identity_copy (SeedanceFileIdentity * dest,
                                             const SeedanceFileIdentity * src);
void            seedance_file_identity_clear (SeedanceFileIdentity * identity);

gboolean        seedance_parse_content_range (const gchar * value,
                                              guint64 * start,
                                              gint64 * total);

G_END_DECLS

#endif /* __SEEDANCE_DOWNLOAD_H__ */
