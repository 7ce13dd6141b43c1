/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* seedancesrc's seedance:// URI handler: the URI is the whole request, so
 * what it does not name goes back to its default; what a URI may set is
 * in seedancesettings.c, and the key never goes in a URI. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstseedancesrc.h"
#include "seedanceuri.h"

static GstURIType
gst_seedance_src_uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
gst_seedance_src_uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { SEEDANCE_URI_SCHEME, NULL };

  return protocols;
}

/* Connection properties, in the order a canonical URI gives them. */
static const guint uri_connection_props[] = {
  SEEDANCE_PROP_TASK_ID, SEEDANCE_PROP_POLL_INTERVAL, SEEDANCE_PROP_TIMEOUT,
};

static gchar *
gst_seedance_src_uri_get_uri (GstURIHandler * handler)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (handler);
  GString *uri = g_string_new (SEEDANCE_URI_SCHEME "://");
  guint32 set_fields;
  guint i;

  GST_OBJECT_LOCK (src);
  set_fields = src->settings.request.set_fields;
  GST_OBJECT_UNLOCK (src);

  for (i = SEEDANCE_PROP_PROMPT; i <= SEEDANCE_PROP_SEED; i++) {
    GParamSpec *pspec = seedance_settings_get_pspec (i);
    GValue value = G_VALUE_INIT;

    if (!(set_fields & (1u << (i - SEEDANCE_PROP_PROMPT))))
      continue;
    g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
    g_object_get_property (G_OBJECT (src), pspec->name, &value);
    seedance_uri_append_value (uri, pspec, &value);
    g_value_unset (&value);
  }
  for (i = 0; i < G_N_ELEMENTS (uri_connection_props); i++) {
    GParamSpec *pspec = seedance_settings_get_pspec (uri_connection_props[i]);
    GValue value = G_VALUE_INIT;

    g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
    g_object_get_property (G_OBJECT (src), pspec->name, &value);
    if (!g_param_value_defaults (pspec, &value))
      seedance_uri_append_value (uri, pspec, &value);
    g_value_unset (&value);
  }
  return g_string_free (uri, FALSE);
}

/* Every URI property back to what a new element has; what a URI cannot
 * set (the key, its origin, the cache) stays as the application set it. */
static void
gst_seedance_src_reset_uri_properties (GstSeedanceSrc * src)
{
  GST_OBJECT_LOCK (src);
  seedance_settings_reset_uri (&src->settings);
  g_clear_pointer (&src->task_fingerprint, g_free);
  GST_OBJECT_UNLOCK (src);
}

static gboolean
gst_seedance_src_uri_set_uri (GstURIHandler * handler, const gchar * uri,
    GError ** error)
{
  GstSeedanceSrc *src = GST_SEEDANCE_SRC (handler);
  GPtrArray *pairs, *strings[SEEDANCE_N_PROPERTIES] = { NULL };
  GValue values[SEEDANCE_N_PROPERTIES] = { G_VALUE_INIT };
  gboolean ok = FALSE;
  GstState state;
  guint i;

  /* No state change may come between the check and the last property. */
  GST_STATE_LOCK (src);
  GST_OBJECT_LOCK (src);
  state = GST_STATE (src);
  GST_OBJECT_UNLOCK (src);
  if (state > GST_STATE_READY) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "The URI of %s can change only in the NULL and READY states",
        GST_ELEMENT_NAME (src));
    GST_STATE_UNLOCK (src);
    return FALSE;
  }

  /* Everything is parsed before anything is set: a bad URI changes
   * nothing. */
  if ((pairs = seedance_uri_split (uri, error)) == NULL) {
    GST_STATE_UNLOCK (src);
    return FALSE;
  }
  for (i = 0; i < pairs->len; i += 2) {
    const gchar *key = g_ptr_array_index (pairs, i);
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
        (src), key);

    if (pspec == seedance_settings_get_pspec (SEEDANCE_PROP_API_KEY)
        || pspec == seedance_settings_get_pspec (SEEDANCE_PROP_API_KEY_FILE)) {
      seedance_uri_set_error (error, "'%s' must not be in a URI, where it "
          "would be logged and shared; set the api-key or api-key-file "
          "property, or MODELLIX_API_KEY", pspec->name);
      goto done;
    }
    if (pspec && pspec->owner_type == GST_TYPE_SEEDANCE_SRC
        && !seedance_settings_is_uri_property (pspec->param_id)) {
      seedance_uri_set_error (error, "'%s' is not allowed in a URI: a URI "
          "describes the request, never where the key goes (api-url, model), "
          "how fast it is spent (requests-per-minute) or where files go "
          "(cache-mode, cache-dir, cache-size, last-frame-location); set "
          "'%s' on the element", pspec->name, pspec->name);
      goto done;
    }
    if (pspec == NULL || pspec->owner_type != GST_TYPE_SEEDANCE_SRC) {
      seedance_uri_set_error (error, "unknown key '%s'; the keys are the "
          "properties of seedancesrc (gst-inspect-1.0 seedancesrc), such as "
          "prompt, duration or ratio", key);
      goto done;
    }
    if (g_ptr_array_index (pairs, i + 1) == NULL) {
      seedance_uri_set_error (error, "'%s' has no value; write %s=value", key,
          key);
      goto done;
    }
    if (strings[pspec->param_id] == NULL)
      strings[pspec->param_id] = g_ptr_array_new ();
    g_ptr_array_add (strings[pspec->param_id], g_ptr_array_index (pairs,
            i + 1));
  }
  for (i = 0; i < SEEDANCE_N_PROPERTIES; i++) {
    if (strings[i]
        && !seedance_uri_parse_value (seedance_settings_get_pspec (i),
            strings[i], &values[i], error))
      goto done;
  }
  /* Polls spend the key's request budget: a link may slow them down,
   * never speed them up past one a second. */
  if (G_IS_VALUE (&values[SEEDANCE_PROP_POLL_INTERVAL])
      && g_value_get_uint (&values[SEEDANCE_PROP_POLL_INTERVAL]) <
      seedance_settings_uri_min_poll_interval ()) {
    seedance_uri_set_error (error, "'poll-interval' is %u ms; in a URI "
        "allowed: %u ms or more, so that a link cannot spend the key's "
        "request budget (set a shorter poll-interval on the element)",
        g_value_get_uint (&values[SEEDANCE_PROP_POLL_INTERVAL]),
        seedance_settings_uri_min_poll_interval ());
    goto done;
  }

  gst_seedance_src_reset_uri_properties (src);
  GST_OBJECT_LOCK (src);
  src->settings.setting_uri = TRUE;
  GST_OBJECT_UNLOCK (src);
  for (i = 0; i < SEEDANCE_N_PROPERTIES; i++) {
    if (G_IS_VALUE (&values[i]))
      g_object_set_property (G_OBJECT (src),
          seedance_settings_get_pspec (i)->name, &values[i]);
  }
  GST_OBJECT_LOCK (src);
  src->settings.setting_uri = FALSE;
  GST_OBJECT_UNLOCK (src);
  ok = TRUE;

done:
  for (i = 0; i < SEEDANCE_N_PROPERTIES; i++) {
    if (strings[i])
      g_ptr_array_unref (strings[i]);
    if (G_IS_VALUE (&values[i]))
      g_value_unset (&values[i]);
  }
  g_ptr_array_unref (pairs);
  GST_STATE_UNLOCK (src);
  return ok;
}

void
gst_seedance_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = (GstURIHandlerInterface *) g_iface;

  iface->get_type = gst_seedance_src_uri_get_type;
  iface->get_protocols = gst_seedance_src_uri_get_protocols;
  iface->get_uri = gst_seedance_src_uri_get_uri;
  iface->set_uri = gst_seedance_src_uri_set_uri;
}
