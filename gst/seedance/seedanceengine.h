/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_ENGINE_H__
#define __SEEDANCE_ENGINE_H__

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _SeedanceEngine SeedanceEngine;

SeedanceEngine *seedance_engine_get (const gchar * origin,
                                     const gchar * api_key);
SeedanceEngine *seedance_engine_ref (SeedanceEngine * engine);
void            seedance_engine_unref (SeedanceEngine * engine);

GBytes *        seedance_engine_exchange (SeedanceEngine * engine,
                                          SoupMessage * msg,
                                          gsize max_size,
                                          GCancellable * cancellable,
                                          GError ** error);
GInputStream *  seedance_engine_open (SeedanceEngine * engine,
                                      SoupMessage * msg,
                                      GCancellable * cancellable,
                                      GError ** error);

void            seedance_engine_drop_stream (GInputStream * in);

guint           seedance_engine_count (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceEngine, seedance_engine_unref)

G_END_DECLS

#endif /* __SEEDANCE_ENGINE_H__ */
