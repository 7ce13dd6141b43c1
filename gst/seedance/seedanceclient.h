/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_CLIENT_H__
#define __SEEDANCE_CLIENT_H__

#include <gio/gio.h>

#include "seedancetask.h"

G_BEGIN_DECLS

#define SEEDANCE_DEFAULT_API_URL "https://api.modellix.ai"
#define SEEDANCE_DEFAULT_MODEL "bytedance/seedance-2.0-fast-i2v"
/* What stands for the key wherever it would show. */
#define SEEDANCE_MASKED_KEY "***"

typedef struct _SeedanceClient SeedanceClient;

/**
 * SeedanceAnswer:
 * @http_status: status of the last answer, 0 when none arrived
 * @retry_after_ms: the answer's Retry-After in milliseconds, -1 when absent
 *
 * What the caller needs to know of an answer beyond its verdict.
 */
typedef struct
{
  guint http_status;
  gint64 retry_after_ms;
} SeedanceAnswer;

/**
 * SeedanceDownload:
 * @stream: the body, positioned at the requested offset
 * @total_size: size of the whole file in bytes, -1 when unknown
 * @http_status: 200 or 206
 * @message: the HTTP message the stream belongs to
 * @content_type: (nullable): the media type the host gave, without
 *   parameters
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
} SeedanceDownload;

gboolean        seedance_check_api_url (const gchar * url, gchar ** origin,
                                        GError ** error);
gboolean        seedance_check_model (const gchar * model, GError ** error);

SeedanceClient *seedance_client_new (const gchar * origin,
                                     const gchar * api_key,
                                     const gchar * model);
void            seedance_client_free (SeedanceClient * client);

void            seedance_client_set_io_timeout (SeedanceClient * client,
                                                guint seconds);

gchar *         seedance_client_submit (SeedanceClient * client,
                                        const gchar * body, gsize length,
                                        SeedanceAnswer * answer,
                                        GCancellable * cancellable,
                                        GError ** error);

SeedanceTask *  seedance_client_query (SeedanceClient * client,
                                       const gchar * task_id,
                                       SeedanceAnswer * answer,
                                       GCancellable * cancellable,
                                       GError ** error);

gboolean        seedance_client_open_download (SeedanceClient * client,
                                               const gchar * url,
                                               guint64 offset,
                                               SeedanceDownload * download,
                                               GCancellable * cancellable,
                                               GError ** error);

void            seedance_download_clear (SeedanceDownload * download);

gboolean        seedance_error_is_retryable_query (const GError * error);

gint64          seedance_backoff_ms (guint base_ms, guint attempt);

gint64          seedance_parse_retry_after (const gchar * value,
                                            GDateTime * now);
gboolean        seedance_parse_content_range (const gchar * value,
                                              guint64 * start,
                                              gint64 * total);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceClient, seedance_client_free)

G_END_DECLS

#endif /* __SEEDANCE_CLIENT_H__ */
