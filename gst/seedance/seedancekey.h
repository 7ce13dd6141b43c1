/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_KEY_H__
#define __SEEDANCE_KEY_H__

#include <glib.h>

G_BEGIN_DECLS

/* What stands for the key wherever it would show. */
#define SEEDANCE_MASKED_KEY "***"
/* Shorter than this is no key but a typo or a cut-off paste; masking its
 * text in messages would also mangle ordinary words. */
#define SEEDANCE_MIN_KEY_LENGTH 16

gboolean        seedance_check_api_key (const gchar * key,
                                        const gchar * source,
                                        GError ** error);
gchar *         seedance_read_key_file (const gchar * path, GError ** error);

const gchar *   seedance_key_find (const gchar * key, const gchar * text);
gchar *         seedance_key_scrub (const gchar * key, const gchar * text);
void            seedance_key_scrub_in_place (const gchar * key,
                                             gchar ** text);
gchar *         seedance_key_name (const gchar * purpose,
                                   const gchar * origin,
                                   const gchar * api_key);

G_END_DECLS

#endif /* __SEEDANCE_KEY_H__ */
