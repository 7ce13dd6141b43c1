/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_ERROR_H__
#define __SEEDANCE_ERROR_H__

#include <glib.h>

G_BEGIN_DECLS

#define SEEDANCE_ERROR (seedance_error_quark ())
GQuark seedance_error_quark (void);

/**
 * SeedanceError:
 * @SEEDANCE_ERROR_INVALID_PROPERTY: a property has a value the API does not
 *   allow; nothing was sent
 * @SEEDANCE_ERROR_BAD_REQUEST: the API rejected the request (HTTP 400)
 * @SEEDANCE_ERROR_UNAUTHORIZED: the key was missing, invalid or expired
 *   (HTTP 401/403)
 * @SEEDANCE_ERROR_PAYMENT_REQUIRED: the account balance is insufficient (402)
 * @SEEDANCE_ERROR_NOT_FOUND: unknown task, model or provider (404)
 * @SEEDANCE_ERROR_RATE_LIMITED: too many requests (429)
 * @SEEDANCE_ERROR_SERVER: the server failed (5xx)
 * @SEEDANCE_ERROR_BAD_RESPONSE: an answer that cannot be understood
 * @SEEDANCE_ERROR_OUTCOME_UNKNOWN: a submission may or may not have created
 *   (and billed) a task
 * @SEEDANCE_ERROR_TASK_FAILED: the task ended without a result
 * @SEEDANCE_ERROR_TIMEOUT: the task did not finish in time
 * @SEEDANCE_ERROR_NETWORK: the server could not be reached
 * @SEEDANCE_ERROR_DOWNLOAD: the result could not be downloaded
 * @SEEDANCE_ERROR_REDIRECTED: the API answered with a redirect, which is
 *   not followed so that the key stays with api-url
 * @SEEDANCE_ERROR_UNTRUSTED_CLIP: what the file host sent is not the clip
 *   (another type, coding, length or file); asking again will not help
 * @SEEDANCE_ERROR_JOURNAL: the task journal cannot record a submission
 *   before it is sent, so it is not sent
 * @SEEDANCE_ERROR_NOT_LINKED: the element's src pad leads nowhere, so a
 *   clip would be paid for nothing; nothing was sent
 * @SEEDANCE_ERROR_NOT_NEGOTIATED: downstream does not take an MP4; nothing
 *   was sent
 */
typedef enum
{
  SEEDANCE_ERROR_INVALID_PROPERTY,
  SEEDANCE_ERROR_BAD_REQUEST,
  SEEDANCE_ERROR_UNAUTHORIZED,
  SEEDANCE_ERROR_PAYMENT_REQUIRED,
  SEEDANCE_ERROR_NOT_FOUND,
  SEEDANCE_ERROR_RATE_LIMITED,
  SEEDANCE_ERROR_SERVER,
  SEEDANCE_ERROR_BAD_RESPONSE,
  SEEDANCE_ERROR_OUTCOME_UNKNOWN,
  SEEDANCE_ERROR_TASK_FAILED,
  SEEDANCE_ERROR_TIMEOUT,
  SEEDANCE_ERROR_NETWORK,
  SEEDANCE_ERROR_DOWNLOAD,
  SEEDANCE_ERROR_REDIRECTED,
  SEEDANCE_ERROR_UNTRUSTED_CLIP,
  SEEDANCE_ERROR_JOURNAL,
  SEEDANCE_ERROR_NOT_LINKED,
  SEEDANCE_ERROR_NOT_NEGOTIATED,
} SeedanceError;

const gchar * seedance_error_code_name (gint code);

void seedance_set_error_valist (GError ** error, GQuark domain, gint code,
                                const gchar * prefix, const gchar * format,
                                va_list args) G_GNUC_PRINTF (5, 0);

/* *INDENT-OFF* */
void seedance_set_error (GError ** error, GQuark domain, gint code,
                         const gchar * format, ...) G_GNUC_PRINTF (4, 5);
/* *INDENT-ON* */

gchar * seedance_text_for_display (const gchar * text);

void seedance_error_to_gst (const GError * error, GQuark * domain,
                            gint * code);

G_END_DECLS

#endif /* __SEEDANCE_ERROR_H__ */
