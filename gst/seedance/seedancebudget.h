/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_BUDGET_H__
#define __SEEDANCE_BUDGET_H__

#include <gio/gio.h>

#include "seedancedeadline.h"

G_BEGIN_DECLS

/* What Modellix allows a key, in requests a minute. */
#define SEEDANCE_DEFAULT_REQUESTS_PER_MINUTE 100

typedef struct _SeedanceBudget SeedanceBudget;

SeedanceBudget *seedance_budget_get (const gchar * origin,
                                     const gchar * api_key,
                                     guint requests_per_minute);
SeedanceBudget *seedance_budget_ref (SeedanceBudget * budget);
void            seedance_budget_unref (SeedanceBudget * budget);

void            seedance_budget_share (SeedanceBudget * budget, gint fd);
const gchar *   seedance_budget_get_id (SeedanceBudget * budget);
guint           seedance_budget_get_limit (SeedanceBudget * budget);

gboolean        seedance_budget_acquire (SeedanceBudget * budget,
                                         gint64 priority,
                                         gint64 deadline,
                                         GCancellable * cancellable,
                                         GError ** error);
void            seedance_budget_slow_down (SeedanceBudget * budget,
                                           gint64 ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceBudget, seedance_budget_unref)

G_END_DECLS

#endif /* __SEEDANCE_BUDGET_H__ */
