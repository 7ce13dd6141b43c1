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

#include "seedancebudget.h"
#include "seedancedeadline.h"
#include "seedanceanswer.h"

G_BEGIN_DECLS

#define SEEDANCE_DEFAULT_API_URL "https://api.modellix.ai"
#define SEEDANCE_DEFAULT_MODEL "bytedance/seedance-2.0-fast-i2v"
/* What stands for the key wherever it would show. */
#define SEEDANCE_MASKED_KEY "***"
/* Shorter than this is no key but a typo or a cut-off paste; masking its
 * text in messages would also mangle ordinary words. */
#define SEEDANCE_MIN_KEY_LENGTH 16

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
} SeedanceDownload;

gboolean        seedance_check_api_url (const gchar * url, gchar ** origin,
                                        GError ** error);
gchar *         seedance_api_url_former_origin (const gchar * url);
gboolean        seedance_check_model (const gchar * model, GError ** error);
gboolean        seedance_check_api_key (const gchar * key,
                                        const gchar * source,
                                        GError ** error);

SeedanceClient *seedance_client_new (const gchar * origin,
                                     const gchar * api_key,
                                     const gchar * model);
void            seedance_client_free (SeedanceClient * client);

void            seedance_client_set_io_timeout (SeedanceClient * client,
                                                guint seconds);
void            seedance_client_set_budget (SeedanceClient * client,
                                            SeedanceBudget * budget);
void            seedance_client_set_priority (SeedanceClient * client,
                                              gint64 priority);

gchar *         seedance_client_submit (SeedanceClient * client,
                                        const gchar * body, gsize length,
                                        gint64 deadline,
                                        SeedanceAnswer * answer,
                                        GCancellable * cancellable,
                                        GError ** error);

SeedanceTask *  seedance_client_query (SeedanceClient * client,
                                       const gchar * task_id,
                                       gint64 deadline,
                                       SeedanceAnswer * answer,
                                       GCancellable * cancellable,
                                       GError ** error);

gboolean        seedance_client_open_download (SeedanceClient * client,
                                               const gchar * url,
                                               guint64 offset,
                                               gint64 stop,
                                               const SeedanceFileIdentity * first,
                                               guint64 max_size,
                                               SeedanceDownload * download,
                                               SeedanceDeadline * watch,
                                               GError ** error);
gboolean        seedance_client_open_result (SeedanceClient * client,
                                             const gchar * what,
                                             const gchar * url,
                                             guint64 offset,
                                             const SeedanceFileIdentity * first,
                                             guint64 max_size,
                                             SeedanceDownload * download,
                                             SeedanceDeadline * watch,
                                             GError ** error);

void            seedance_download_clear (SeedanceDownload * download);

void            seedance_file_identity_copy (SeedanceFileIdentity * dest,
                                             const SeedanceFileIdentity * src);
void            seedance_file_identity_clear (SeedanceFileIdentity * identity);

gchar *         seedance_read_key_file (const gchar * path, GError ** error);

gboolean        seedance_error_is_retryable_query (const GError * error);

gint64          seedance_backoff_ms (guint base_ms, guint attempt);

gint64          seedance_parse_retry_after (const gchar * value,
                                            GDateTime * now);
gint64          seedance_parse_rate_limit_reset (const gchar * value,
                                                 GDateTime * now);
gboolean        seedance_parse_content_range (const gchar * value,
                                              guint64 * start,
                                              gint64 * total);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceClient, seedance_client_free)

G_END_DECLS

#endif /* __SEEDANCE_CLIENT_H__ */
