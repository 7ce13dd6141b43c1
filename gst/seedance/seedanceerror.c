/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include "seedanceerror.h"

/* *INDENT-OFF* */
G_DEFINE_QUARK (seedance-error-quark, seedance_error);
/* *INDENT-ON* */

/**
 * seedance_set_error_valist:
 * @prefix: what the message starts with, before the formatted text
 *
 * Sets @error to @prefix followed by the text of @format, made valid
 * UTF-8: messages quote values as the user or the server gave them, and
 * they reach the bus and language bindings.
 */
void
seedance_set_error_valist (GError ** error, GQuark domain, gint code,
    const gchar * prefix, const gchar * format, va_list args)
{
  gchar *text = g_strdup_vprintf (format, args);

  if (!g_utf8_validate (text, -1, NULL)) {
    gchar *valid = g_utf8_make_valid (text, -1);

    g_free (text);
    text = valid;
  }
  g_set_error (error, domain, code, "%s%s", prefix, text);
  g_free (text);
}
