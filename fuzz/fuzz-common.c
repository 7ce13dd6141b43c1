/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The process setup of the harnesses: GStreamer without a registry (no
 * plugin scan, nothing loaded that the code under test does not need),
 * criticals and warnings fatal, no debug log, no proxy resolver (libproxy
 * crashes under ASan), and no key or origin from the environment, so that
 * every run is the same. */

#include <stdlib.h>
#include <gst/gst.h>

#include "fuzz.h"

/* Aborts (which libFuzzer catches, unlike G_DEBUG's breakpoint) on a
 * critical or a warning: a bug of the code under test, as in the GstCheck
 * suites. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField * fields, gsize n_fields,
    gpointer user_data)
{
  GLogWriterOutput ret = g_log_writer_standard_streams (level, fields,
      n_fields, user_data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return ret;
}

void
seedance_fuzz_init (void)
{
  static gboolean initialized = FALSE;

  if (initialized)
    return;
  initialized = TRUE;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GST_REGISTRY_DISABLE", "yes", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_unsetenv ("GST_DEBUG");
  g_unsetenv ("MODELLIX_API_KEY");
  g_unsetenv ("MODELLIX_BASE_URL");
  g_log_set_writer_func (log_writer, NULL, NULL);
  gst_init (NULL, NULL);
  gst_debug_set_active (FALSE);
  gst_debug_set_default_threshold (GST_LEVEL_NONE);
}

void
seedance_fuzz_fail (const gchar * file, gint line, const gchar * what,
    const gchar * format, ...)
{
  va_list args;
  gchar *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("\n%s:%d: oracle failed: %s\n  %s\n", file, line, what, message);
  g_free (message);
  abort ();
}
