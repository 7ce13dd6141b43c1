/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_PARAM_SPECS_H__
#define __SEEDANCE_PARAM_SPECS_H__

#include <glib-object.h>

G_BEGIN_DECLS

#define SEEDANCE_TYPE_PARAM_INT (seedance_param_int_get_type ())
GType seedance_param_int_get_type (void);

#define SEEDANCE_TYPE_PARAM_UINT (seedance_param_uint_get_type ())
GType seedance_param_uint_get_type (void);

#define SEEDANCE_TYPE_PARAM_INT64 (seedance_param_int64_get_type ())
GType seedance_param_int64_get_type (void);

#define SEEDANCE_TYPE_PARAM_ENUM (seedance_param_enum_get_type ())
GType seedance_param_enum_get_type (void);

GParamSpec * seedance_param_spec_int   (const gchar * name,
                                        const gchar * nick,
                                        const gchar * blurb,
                                        gint minimum,
                                        gint maximum,
                                        gint default_value,
                                        GParamFlags flags);

GParamSpec * seedance_param_spec_uint  (const gchar * name,
                                        const gchar * nick,
                                        const gchar * blurb,
                                        guint minimum,
                                        guint maximum,
                                        guint default_value,
                                        GParamFlags flags);

GParamSpec * seedance_param_spec_int64 (const gchar * name,
                                        const gchar * nick,
                                        const gchar * blurb,
                                        gint64 minimum,
                                        gint64 maximum,
                                        gint64 default_value,
                                        GParamFlags flags);

GParamSpec * seedance_param_spec_enum  (const gchar * name,
                                        const gchar * nick,
                                        const gchar * blurb,
                                        GType enum_type,
                                        gint default_value,
                                        GParamFlags flags);

G_END_DECLS

#endif /* __SEEDANCE_PARAM_SPECS_H__ */
