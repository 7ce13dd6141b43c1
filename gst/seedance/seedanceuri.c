/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* seedance://?prompt=a%20cat&duration=5: the query of a seedance URI as
 * property values and back. Keys are property names; a value is parsed
 * with the type of its property's GParamSpec, and lists repeat their
 * key. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "seedanceuri.h"
#include "seedanceenums.h"
#include "seedanceerror.h"

/* Characters left as they are in a canonical URI, beside the unreserved
 * ones: ratios (16:9) and paths stay readable. */
#define URI_KEPT_CHARS ":/"

/**
 * seedance_uri_set_error:
 *
 * Sets a #GST_URI_ERROR_BAD_URI error "Invalid seedance URI: ..." that
 * stays UTF-8 whatever bytes the URI decoded to, and returns %FALSE.
 */
gboolean
seedance_uri_set_error (GError ** error, const gchar * format, ...)
{
  va_list args;

  /* Decoded keys and values are quoted as given. */
  va_start (args, format);
  seedance_set_error_valist (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
      "Invalid seedance URI: ", format, args);
  va_end (args);
  return FALSE;
}

/**
 * seedance_uri_split:
 * @uri: a seedance://?key=value&... URI
 * @error: a GST_URI_ERROR_BAD_URI error saying what is wrong
 *
 * Returns: (transfer full) (nullable): the decoded keys and values,
 * alternating, keys spelt with '-' for '_'; a key without '=' has a NULL
 * value.
 */
GPtrArray *
seedance_uri_split (const gchar * uri, GError ** error)
{
  GUri *parsed;
  GPtrArray *pairs;
  gchar **parts;
  const gchar *host, *path, *query;
  guint i;

  /* Relaxed, so that a bad escape is reported with its key below. */
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED | G_URI_FLAGS_PARSE_RELAXED,
      NULL);
  if (parsed == NULL) {
    seedance_uri_set_error (error,
        "it is not a URI, or is badly percent-encoded; the form "
        "is %s://?prompt=...&key=value", SEEDANCE_URI_SCHEME);
    return NULL;
  }
  host = g_uri_get_host (parsed);
  path = g_uri_get_path (parsed);
  query = g_uri_get_query (parsed);
  if (g_ascii_strcasecmp (g_uri_get_scheme (parsed), SEEDANCE_URI_SCHEME)) {
    seedance_uri_set_error (error, "the scheme is not %s", SEEDANCE_URI_SCHEME);
    goto failed;
  }
  if ((host && *host) || g_uri_get_userinfo (parsed) || g_uri_get_port
      (parsed) != -1 || (*path && strcmp (path, "/") != 0)
      || g_uri_get_fragment (parsed)) {
    seedance_uri_set_error (error,
        "only a query may follow %s://, as in %s://?prompt=...",
        SEEDANCE_URI_SCHEME, SEEDANCE_URI_SCHEME);
    goto failed;
  }

  pairs = g_ptr_array_new_with_free_func (g_free);
  parts = g_strsplit (query ? query : "", "&", -1);
  for (i = 0; parts[i]; i++) {
    gchar *eq = strchr (parts[i], '=');
    gchar *key, *value;

    if (*parts[i] == '\0')
      continue;
    /* Form encoders (urllib.parse.urlencode, URLSearchParams) write a
     * space as '+': it is one, and a plus is %2B. */
    g_strdelimit (parts[i], "+", ' ');
    if (eq)
      *eq = '\0';
    key = g_uri_unescape_string (parts[i], NULL);
    value = eq ? g_uri_unescape_string (eq + 1, NULL) : NULL;
    if (key == NULL || *key == '\0' || (eq && value == NULL)) {
      if (key == NULL || *key == '\0')
        seedance_uri_set_error (error,
            "a key is empty or badly percent-encoded");
      else
        seedance_uri_set_error (error,
            "the value of '%s' is badly percent-encoded", key);
      g_free (key);
      g_free (value);
      g_strfreev (parts);
      g_ptr_array_unref (pairs);
      goto failed;
    }
    g_strdelimit (key, "_", '-');
    g_ptr_array_add (pairs, key);
    g_ptr_array_add (pairs, value);
  }
  g_strfreev (parts);
  g_uri_unref (parsed);
  return pairs;

failed:
  g_uri_unref (parsed);
  return NULL;
}

static gboolean
parse_boolean (const gchar * s, gboolean * b)
{
  static const gchar *words[][2] = {
    {"false", "true"}, {"no", "yes"}, {"0", "1"},
  };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (words); i++) {
    for (j = 0; j < 2; j++) {
      if (g_ascii_strcasecmp (s, words[i][j]) == 0) {
        *b = j;
        return TRUE;
      }
    }
  }
  return FALSE;
}

/**
 * seedance_uri_parse_value:
 * @pspec: the property a key names
 * @strings: the values given for it, in order (one unless a list)
 * @value: (out caller-allocates): an unset GValue, set on success
 * @error: a GST_URI_ERROR_BAD_URI error naming the key and what is allowed
 *
 * A number is parsed within its C type, not its property's range: the
 * element refuses a value out of range when it starts, with an error that
 * names the property, where uridecodebin and playbin would only say that
 * no element handles the URI.
 */
gboolean
seedance_uri_parse_value (GParamSpec * pspec, GPtrArray * strings,
    GValue * value, GError ** error)
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  const gchar *key = g_param_spec_get_name (pspec);
  const gchar *s = g_ptr_array_index (strings, 0);
  guint i;

  if (type == GST_TYPE_ARRAY) {
    g_value_init (value, type);
    for (i = 0; i < strings->len; i++) {
      GValue item = G_VALUE_INIT;

      g_value_init (&item, G_TYPE_STRING);
      g_value_set_string (&item, g_ptr_array_index (strings, i));
      gst_value_array_append_and_take_value (value, &item);
    }
    return TRUE;
  }
  if (strings->len > 1)
    return seedance_uri_set_error (error, "'%s' is given %u times; only "
        "list properties may repeat their key", key, strings->len);

  g_value_init (value, type);
  if (type == G_TYPE_STRING) {
    g_value_set_string (value, s);
  } else if (type == G_TYPE_BOOLEAN) {
    gboolean b;

    if (!parse_boolean (s, &b))
      goto invalid;
    g_value_set_boolean (value, b);
  } else if (G_IS_PARAM_SPEC_INT (pspec)) {
    GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);
    gint64 n;

    if (!g_ascii_string_to_signed (s, 10, G_MININT, G_MAXINT, &n, NULL)) {
      g_value_unset (value);
      return seedance_uri_set_error (error, "'%s' must be an integer "
          "(allowed: %d to %d), not '%s'", key, p->minimum, p->maximum, s);
    }
    g_value_set_int (value, (gint) n);  /* a gint: checked above */
  } else if (G_IS_PARAM_SPEC_UINT (pspec)) {
    GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);
    guint64 n;

    if (!g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT, &n, NULL)) {
      g_value_unset (value);
      return seedance_uri_set_error (error, "'%s' must be an integer "
          "(allowed: %u to %u), not '%s'", key, p->minimum, p->maximum, s);
    }
    g_value_set_uint (value, n);
  } else if (G_IS_PARAM_SPEC_INT64 (pspec)) {
    GParamSpecInt64 *p = G_PARAM_SPEC_INT64 (pspec);
    gint64 n;

    if (!g_ascii_string_to_signed (s, 10, G_MININT64, G_MAXINT64, &n, NULL)) {
      g_value_unset (value);
      return seedance_uri_set_error (error, "'%s' must be an integer "
          "(allowed: %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT "), not '%s'",
          key, p->minimum, p->maximum, s);
    }
    g_value_set_int64 (value, n);
  } else if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumValue *e =
        g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (pspec)->enum_class, s);
    gchar *nicks;

    if (e == NULL) {
      nicks = seedance_enum_nicks (G_PARAM_SPEC_VALUE_TYPE (pspec));
      g_value_unset (value);
      seedance_uri_set_error (error, "'%s' must be one of %s, not '%s'", key,
          nicks, s);
      g_free (nicks);
      return FALSE;
    }
    g_value_set_enum (value, e->value);
  } else {
    g_value_unset (value);
    return seedance_uri_set_error (error, "'%s' cannot be set from a URI", key);
  }
  return TRUE;

invalid:
  g_value_unset (value);
  return seedance_uri_set_error (error, "'%s' must be true or false (or "
      "yes/no, 1/0), not '%s'", key, s);
}

static void
append_pair (GString * uri, const gchar * key, const gchar * value)
{
  g_string_append_c (uri, strchr (uri->str, '?') ? '&' : '?');
  g_string_append (uri, key);
  g_string_append_c (uri, '=');
  g_string_append_uri_escaped (uri, value, URI_KEPT_CHARS, FALSE);
}

/**
 * seedance_uri_append_value:
 * @uri: a URI being built, from "seedance://"
 * @pspec: the property
 * @value: its value; a NULL string or an empty list adds nothing
 */
void
seedance_uri_append_value (GString * uri, GParamSpec * pspec,
    const GValue * value)
{
  const gchar *key = g_param_spec_get_name (pspec);
  gchar *text = NULL;
  guint i;

  if (G_VALUE_TYPE (value) == GST_TYPE_ARRAY) {
    for (i = 0; i < gst_value_array_get_size (value); i++)
      append_pair (uri, key, g_value_get_string (gst_value_array_get_value
              (value, i)));
    return;
  }
  if (G_VALUE_HOLDS_STRING (value)) {
    if (g_value_get_string (value))
      append_pair (uri, key, g_value_get_string (value));
    return;
  }
  if (G_VALUE_HOLDS_BOOLEAN (value))
    text = g_strdup (g_value_get_boolean (value) ? "true" : "false");
  else if (G_VALUE_HOLDS_INT (value))
    text = g_strdup_printf ("%d", g_value_get_int (value));
  else if (G_VALUE_HOLDS_UINT (value))
    text = g_strdup_printf ("%u", g_value_get_uint (value));
  else if (G_VALUE_HOLDS_INT64 (value))
    text = g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
  else if (G_VALUE_HOLDS_ENUM (value))
    /* A number set that is none of the values (the element refuses it at
     * start) is written as a number, which set_uri() refuses too. */
    text = g_strdup (seedance_enum_to_nick (G_VALUE_TYPE (value),
            g_value_get_enum (value)));
  if (text == NULL && G_VALUE_HOLDS_ENUM (value))
    text = g_strdup_printf ("%d", g_value_get_enum (value));
  g_return_if_fail (text != NULL);
  append_pair (uri, key, text);
  g_free (text);
}
