/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <gst/gst.h>

#include "seedanceerror.h"

/* *INDENT-OFF* */
G_DEFINE_QUARK (seedance-error-quark, seedance_error);
/* *INDENT-ON* */

/**
 * seedance_error_code_name:
 * @code: a #SeedanceError
 *
 * Returns: the code's name for debug texts ("outcome-unknown"), stable
 * where the number is not.
 */
const gchar *
seedance_error_code_name (gint code)
{
  static const gchar *const names[] = {
    "invalid-property", "bad-request", "unauthorized", "payment-required",
    "not-found", "rate-limited", "server", "bad-response", "outcome-unknown",
    "task-failed", "timeout", "network", "download", "redirected",
    "untrusted-clip", "journal", "not-linked", "not-negotiated",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (names) == SEEDANCE_ERROR_NOT_NEGOTIATED + 1);
  if (code < 0 || code >= (gint) G_N_ELEMENTS (names))
    return "unknown";
  return names[code];
}

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
  gchar *shown = seedance_text_for_display (text);

  g_set_error (error, domain, code, "%s%s", prefix, shown);
  g_free (shown);
  g_free (text);
}

/**
 * seedance_set_error:
 *
 * g_set_error() for messages that quote values from users, servers or
 * files: the text is made valid UTF-8 and its control characters escaped
 * (see seedance_text_for_display()).
 */
void
seedance_set_error (GError ** error, GQuark domain, gint code,
    const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  seedance_set_error_valist (error, domain, code, "", format, args);
  va_end (args);
}

/* Characters that move a terminal's cursor, change its title or reorder
 * the text around them. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c
      || (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e)
      || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
}

/**
 * seedance_text_for_display:
 * @text: (nullable): text from a server, a URI or a file
 *
 * Returns: (transfer full) (nullable): @text made valid UTF-8 (U+FFFD for
 * bad bytes) with every control character escaped (`\n`, `\t`, `\x1B`,
 * `\u202E`), so that it can reach a terminal, a log or a bus message
 * without acting on it.
 */
gchar *
seedance_text_for_display (const gchar * text)
{
  gchar *valid;
  GString *shown;
  const gchar *p;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  for (p = valid; *p && !is_control (g_utf8_get_char (p));
      p = g_utf8_next_char (p));
  if (*p == '\0')
    return valid;

  shown = g_string_new_len (valid, p - valid);
  for (; *p; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);

    if (!is_control (c))
      g_string_append_unichar (shown, c);
    else if (c == '\n')
      g_string_append (shown, "\\n");
    else if (c == '\t')
      g_string_append (shown, "\\t");
    else if (c == '\r')
      g_string_append (shown, "\\r");
    else if (c < 0x100)
      g_string_append_printf (shown, "\\x%02X", c);
    else
      g_string_append_printf (shown, "\\u%04X", c);
  }
  g_free (valid);
  return g_string_free (shown, FALSE);
}

/**
 * seedance_error_to_gst:
 * @domain: (out): a GStreamer error domain
 * @code: (out): its code
 *
 * The GStreamer error a client error is posted as: the domain and code a
 * user's application switches on.
 */
void
seedance_error_to_gst (const GError * error, GQuark * domain, gint * code)
{
  *domain = GST_RESOURCE_ERROR;
  if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC)) {
    /* A file the element writes: the last frame's location. */
    *code = GST_RESOURCE_ERROR_NO_SPACE_LEFT;
    return;
  }
  switch (error->domain == SEEDANCE_ERROR ? error->code : -1) {
    case SEEDANCE_ERROR_INVALID_PROPERTY:
    case SEEDANCE_ERROR_BAD_REQUEST:
    case SEEDANCE_ERROR_REDIRECTED:
      *code = GST_RESOURCE_ERROR_SETTINGS;
      break;
    case SEEDANCE_ERROR_UNAUTHORIZED:
    case SEEDANCE_ERROR_PAYMENT_REQUIRED:
      *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      break;
    case SEEDANCE_ERROR_NOT_FOUND:
      *code = GST_RESOURCE_ERROR_NOT_FOUND;
      break;
    case SEEDANCE_ERROR_RATE_LIMITED:
    case SEEDANCE_ERROR_SERVER:
    case SEEDANCE_ERROR_NETWORK:
      *code = GST_RESOURCE_ERROR_OPEN_READ;
      break;
    case SEEDANCE_ERROR_BAD_RESPONSE:
    case SEEDANCE_ERROR_DOWNLOAD:
    case SEEDANCE_ERROR_UNTRUSTED_CLIP:
      *code = GST_RESOURCE_ERROR_READ;
      break;
    case SEEDANCE_ERROR_JOURNAL:
      *code = GST_RESOURCE_ERROR_WRITE;
      break;
    case SEEDANCE_ERROR_NOT_LINKED:
      *domain = GST_CORE_ERROR;
      *code = GST_CORE_ERROR_PAD;
      break;
    case SEEDANCE_ERROR_NOT_NEGOTIATED:
      *domain = GST_CORE_ERROR;
      *code = GST_CORE_ERROR_NEGOTIATION;
      break;
    default:
      /* A task that failed on the server, a timeout, an unknown outcome. */
      *code = GST_RESOURCE_ERROR_FAILED;
      break;
  }
}
