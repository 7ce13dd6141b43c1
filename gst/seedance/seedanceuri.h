/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_URI_H__
#define __SEEDANCE_URI_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define SEEDANCE_URI_SCHEME "seedance"

GPtrArray * seedance_uri_split (const gchar * uri, GError ** error);

gboolean    seedance_uri_parse_value (GParamSpec * pspec,
                                      GPtrArray * strings,
                                      GValue * value,
                                      GError ** error);

void        seedance_uri_append_value (GString * uri,
                                       GParamSpec * pspec,
                                       const GValue * value);

/* *INDENT-OFF* */
gboolean    seedance_uri_set_error (GError ** error, const gchar * format,
                                    ...) G_GNUC_PRINTF (2, 3);
/* *INDENT-ON* */

G_END_DECLS

#endif /* __SEEDANCE_URI_H__ */
