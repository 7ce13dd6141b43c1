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
#include "seedancedownload.h"
#include "seedanceengine.h"
#include "seedancekey.h"

G_BEGIN_DECLS

#define SEEDANCE_DEFAULT_API_URL "https://api.modellix.ai"
#define SEEDANCE_DEFAULT_MODEL "bytedance/seedance-2.0-fast-i2v"

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

gboolean        seedance_check_api_url (const gchar * url, gchar ** origin,
                                        GError ** error);
gchar *         seedance_api_url_former_origin (const gchar * url);
gboolean        seedance_check_model (const gchar * model, GError ** error);

SeedanceClient *seedance_client_new (const gchar * origin,
                                     const gchar * api_key,
                                     const gchar * model);
void            seedance_client_free (SeedanceClient * client);
SeedanceEngine *seedance_client_get_engine (SeedanceClient * client);

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

gboolean        seedance_error_is_retryable_query (const GError * error);

gint64          seedance_backoff_ms (guint base_ms, guint attempt);

gint64          seedance_parse_retry_after (const gchar * value,
                                            GDateTime * now);
gint64          seedance_parse_rate_limit_reset (const gchar * value,
                                                 GDateTime * now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceClient, seedance_client_free)

G_END_DECLS

#endif /* __SEEDANCE_CLIENT_H__ */
