/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_SUBMISSION_H__
#define __SEEDANCE_SUBMISSION_H__

#include "seedanceclient.h"

G_BEGIN_DECLS

typedef struct _SeedanceSubmission SeedanceSubmission;

/* Called once, on the submission's thread, when it has ended. */
typedef void (*SeedanceSubmissionDoneFunc) (gpointer user_data);

/* Called on the submission's thread when the server certainly created no
 * task (@why) and the submission will be sent again in @delay_ms. */
typedef void (*SeedanceSubmissionRetryFunc) (gpointer user_data,
                                             const GError * why,
                                             gint64 delay_ms);

SeedanceSubmission *seedance_submission_start (SeedanceClient * client,
                                               const gchar * body,
                                               gsize length,
                                               gint64 deadline,
                                               guint timeout,
                                               SeedanceSubmissionRetryFunc retry,
                                               SeedanceSubmissionDoneFunc done,
                                               gpointer user_data);

void                seedance_submission_cancel (SeedanceSubmission * submission);

gchar *             seedance_submission_finish (SeedanceSubmission * submission,
                                                guint * http_status,
                                                gboolean * cancelled,
                                                GError ** error);

G_END_DECLS

#endif /* __SEEDANCE_SUBMISSION_H__ */
