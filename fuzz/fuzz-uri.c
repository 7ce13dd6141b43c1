/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Fuzzes the element's seedance:// URI handler, which playbin and
 * uridecodebin feed with whatever URI they were given. The element is
 * compiled into this executable and never leaves the NULL state: no
 * network. Oracles: a refused URI is a BAD_URI error with a UTF-8
 * message and changes no property; an accepted one reads back (get_uri)
 * as a URI that a fresh element accepts with the same property values,
 * and that reads back the same (the canonical form is a fixed point);
 * and no URI, accepted or refused, changes what the application set on
 * the element: the key, its file, its origin (api-url), the model and
 * the cache, which get_uri never shows either. */

#include <string.h>
#include <gst/gst.h>

#include "fuzz.h"
#include "gstseedancesrc.h"

/* A non-default state for the element, to see that a bad URI keeps it. */
#define BASE_URI "seedance://?prompt=keep%20me&duration=7&ratio=16:9" \
  "&reference-images=a.png&reference-images=https://example.com/b.jpg" \
  "&task-id=task-base&poll-interval=3000&timeout=60"

/* What the application set on the element, each unlike its default; no
 * URI may change it. */
#define ELEMENT_KEY "sk-fuzz-element-key"
#define ELEMENT_KEY_FILE "/nonexistent/fuzz-key-file"
#define ELEMENT_API_URL "http://127.0.0.1:1"
#define ELEMENT_MODEL "fuzz/element-model"
#define ELEMENT_CACHE_MODE GST_SEEDANCE_CACHE_MODE_OFF
#define ELEMENT_CACHE_DIR "/nonexistent/fuzz-cache-dir"
#define ELEMENT_CACHE_SIZE 7
#define ELEMENT_REQUESTS_PER_MINUTE 13
#define ELEMENT_LAST_FRAME_LOCATION "/nonexistent/fuzz-last-frame.png"

/* The properties no URI may name, in either spelling. */
static const gchar *const element_properties[] = {
  "api-key", "api-key-file", "api-url", "model", "cache-mode", "cache-dir",
  "cache-size", "last-frame-location", "requests-per-minute",
};

static GstElement *
new_source (void)
{
  GstElement *src =
      gst_object_ref_sink (g_object_new (GST_TYPE_SEEDANCE_SRC, NULL));

  g_object_set (src, "api-key", ELEMENT_KEY, "api-key-file", ELEMENT_KEY_FILE,
      "api-url", ELEMENT_API_URL, "model", ELEMENT_MODEL,
      "cache-mode", ELEMENT_CACHE_MODE, "cache-dir", ELEMENT_CACHE_DIR,
      "cache-size", (guint) ELEMENT_CACHE_SIZE, "last-frame-location",
      ELEMENT_LAST_FRAME_LOCATION, "requests-per-minute",
      (guint) ELEMENT_REQUESTS_PER_MINUTE, NULL);
  return src;
}

static gboolean
is_element_property (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (element_properties); i++) {
    if (strcmp (name, element_properties[i]) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The properties a URI sets: the element's own but those above. */
static gboolean
is_uri_property (GParamSpec * pspec)
{
  return pspec->owner_type == GST_TYPE_SEEDANCE_SRC
      && !is_element_property (pspec->name);
}

/* What new_source() set is still there. The key reads back only as set or
 * not, so it is compared where the element keeps it. */
static void
check_element_settings (GstElement * element, const gchar * uri)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (element);
  gchar *key_file, *api_url, *model, *cache_dir, *last_frame;
  GstSeedanceCacheMode cache_mode;
  guint cache_size, requests_per_minute;
  gboolean key_kept;

  GST_OBJECT_LOCK (src);
  key_kept = g_strcmp0 (src->settings.api_key, ELEMENT_KEY) == 0;
  GST_OBJECT_UNLOCK (src);
  FUZZ_CHECK (key_kept, "'%s' changed the api-key", uri);

  g_object_get (src, "api-key-file", &key_file, "api-url", &api_url,
      "model", &model, "cache-mode", &cache_mode, "cache-dir", &cache_dir,
      "cache-size", &cache_size, "last-frame-location", &last_frame,
      "requests-per-minute", &requests_per_minute, NULL);
  FUZZ_CHECK (g_strcmp0 (key_file, ELEMENT_KEY_FILE) == 0,
      "'%s' changed the api-key-file to '%s'", uri, key_file);
  FUZZ_CHECK (g_strcmp0 (api_url, ELEMENT_API_URL) == 0,
      "'%s' changed the api-url to '%s'", uri, api_url);
  FUZZ_CHECK (g_strcmp0 (model, ELEMENT_MODEL) == 0,
      "'%s' changed the model to '%s'", uri, model);
  FUZZ_CHECK (cache_mode == ELEMENT_CACHE_MODE,
      "'%s' changed the cache-mode to %d", uri, cache_mode);
  FUZZ_CHECK (g_strcmp0 (cache_dir, ELEMENT_CACHE_DIR) == 0,
      "'%s' changed the cache-dir to '%s'", uri, cache_dir);
  FUZZ_CHECK (cache_size == ELEMENT_CACHE_SIZE,
      "'%s' changed the cache-size to %u", uri, cache_size);
  FUZZ_CHECK (g_strcmp0 (last_frame, ELEMENT_LAST_FRAME_LOCATION) == 0,
      "'%s' changed the last-frame-location to '%s'", uri, last_frame);
  FUZZ_CHECK (requests_per_minute == ELEMENT_REQUESTS_PER_MINUTE,
      "'%s' changed the requests-per-minute to %u", uri, requests_per_minute);
  g_free (last_frame);
  g_free (key_file);
  g_free (api_url);
  g_free (model);
  g_free (cache_dir);
}

/* No key of @canonical (a get_uri() answer, so '&' and '=' inside values
 * are encoded) is one of those properties. */
static void
check_hides_element_settings (const gchar * uri, const gchar * canonical)
{
  const gchar *query = strchr (canonical, '?');
  gchar **pairs;
  guint i;

  if (query == NULL)
    return;
  pairs = g_strsplit (query + 1, "&", -1);
  for (i = 0; pairs[i]; i++) {
    gchar *key = g_strndup (pairs[i], strcspn (pairs[i], "="));

    g_strdelimit (key, "_", '-');
    FUZZ_CHECK (!is_element_property (key) && strstr (key, "api-key") == NULL,
        "'%s' reads back as '%s', which names %s", uri, canonical, key);
    g_free (key);
  }
  g_strfreev (pairs);
}

/* Returns the name of the first property whose values differ, or NULL. */
static const gchar *
first_difference (GstElement * a, GstElement * b)
{
  guint n, i;
  GParamSpec **pspecs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n);
  const gchar *differs = NULL;

  for (i = 0; i < n && differs == NULL; i++) {
    GValue va = G_VALUE_INIT, vb = G_VALUE_INIT;

    if (!is_uri_property (pspecs[i]))
      continue;
    g_value_init (&va, pspecs[i]->value_type);
    g_value_init (&vb, pspecs[i]->value_type);
    g_object_get_property (G_OBJECT (a), pspecs[i]->name, &va);
    g_object_get_property (G_OBJECT (b), pspecs[i]->name, &vb);
    if (g_param_values_cmp (pspecs[i], &va, &vb) != 0)
      differs = pspecs[i]->name;
    g_value_unset (&va);
    g_value_unset (&vb);
  }
  g_free (pspecs);
  return differs;
}

static void
check_refused (GstElement * src, const gchar * uri, const GError * error)
{
  GstElement *base = new_source ();
  gchar *protocol = gst_uri_get_protocol (uri);
  const gchar *differs;

  /* GStreamer itself refuses other schemes; the rest is ours to refuse. */
  if (g_strcmp0 (protocol, "seedance") != 0) {
    FUZZ_CHECK (g_error_matches (error, GST_URI_ERROR,
            GST_URI_ERROR_UNSUPPORTED_PROTOCOL), "'%s' refused with %s", uri,
        error ? error->message : "no error");
  } else {
    FUZZ_CHECK (g_error_matches (error, GST_URI_ERROR,
            GST_URI_ERROR_BAD_URI), "'%s' refused with %s", uri,
        error ? error->message : "no error");
    FUZZ_CHECK (g_str_has_prefix (error->message, "Invalid seedance URI: "),
        "'%s': %s", uri, error->message);
  }
  g_free (protocol);
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL),
      "'%s': the error message is not UTF-8", uri);

  /* A bad URI changes nothing. */
  FUZZ_CHECK (gst_uri_handler_set_uri (GST_URI_HANDLER (base), BASE_URI,
          NULL), "the base URI");
  differs = first_difference (src, base);
  FUZZ_CHECK (differs == NULL, "'%s' was refused but changed %s", uri, differs);
  gst_object_unref (base);
}

static void
check_round_trip (GstElement * src, const gchar * uri)
{
  GstElement *copy = new_source ();
  GError *error = NULL;
  gchar *canonical, *again;
  const gchar *differs;

  canonical = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  FUZZ_CHECK (canonical && g_str_has_prefix (canonical, "seedance://"),
      "'%s' reads back as '%s'", uri, canonical);
  FUZZ_CHECK (g_utf8_validate (canonical, -1, NULL), "'%s' reads back as "
      "'%s'", uri, canonical);
  check_hides_element_settings (uri, canonical);
  FUZZ_CHECK (gst_uri_handler_set_uri (GST_URI_HANDLER (copy), canonical,
          &error), "'%s' reads back as '%s', which is refused: %s", uri,
      canonical, error->message);
  check_element_settings (copy, canonical);

  differs = first_difference (src, copy);
  FUZZ_CHECK (differs == NULL, "'%s' and its canonical form '%s' differ in "
      "%s", uri, canonical, differs);

  again = gst_uri_handler_get_uri (GST_URI_HANDLER (copy));
  FUZZ_CHECK (g_strcmp0 (canonical, again) == 0, "'%s' reads back as '%s', "
      "which reads back as '%s'", uri, canonical, again);

  g_free (again);
  g_free (canonical);
  gst_object_unref (copy);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  gchar *uri = g_strndup ((const gchar *) data, size);
  GstElement *src;
  GError *error = NULL;

  seedance_fuzz_init ();

  /* What gst_uri_handler_set_uri() takes, as gst_element_make_from_uri()
   * and the URI-handling bins check before they call it. */
  if (!gst_uri_is_valid (uri)) {
    g_free (uri);
    return 0;
  }

  src = new_source ();
  FUZZ_CHECK (gst_uri_handler_set_uri (GST_URI_HANDLER (src), BASE_URI,
          NULL), "the base URI");
  check_element_settings (src, BASE_URI);
  if (gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, &error)) {
    FUZZ_CHECK (error == NULL, "'%s' accepted with an error", uri);
    check_round_trip (src, uri);
  } else {
    check_refused (src, uri, error);
    g_error_free (error);
  }
  /* No URI sets the key or says where it goes or where files go: a URI
   * comes from playlists and projects the user did not write. */
  check_element_settings (src, uri);

  gst_object_unref (src);
  g_free (uri);
  return 0;
}
