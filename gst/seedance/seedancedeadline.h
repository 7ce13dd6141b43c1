/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_DEADLINE_H__
#define __SEEDANCE_DEADLINE_H__

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SeedanceDeadline SeedanceDeadline;

SeedanceDeadline *seedance_deadline_new (GCancellable * parent,
                                         gint64 deadline);
void              seedance_deadline_free (SeedanceDeadline * deadline);

void              seedance_deadline_set (SeedanceDeadline * deadline,
                                         gint64 when);
void              seedance_deadline_set_period (SeedanceDeadline * deadline,
                                                gint64 period);
void              seedance_deadline_touch (SeedanceDeadline * deadline);
GCancellable *    seedance_deadline_get_cancellable (SeedanceDeadline * deadline);
gboolean          seedance_deadline_expired (SeedanceDeadline * deadline);
void              seedance_deadline_reset (SeedanceDeadline * deadline);

gboolean          seedance_sleep_until (gint64 until,
                                        GCancellable * cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceDeadline, seedance_deadline_free)

G_END_DECLS

#endif /* __SEEDANCE_DEADLINE_H__ */
