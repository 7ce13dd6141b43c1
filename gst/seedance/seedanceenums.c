/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include "seedanceenums.h"

GType
gst_seedance_ratio_get_type (void)
{
  static gsize type_id = 0;
  /* The nicks are the API's own values, so the JSON body uses them as is. */
  static const GEnumValue values[] = {
    {GST_SEEDANCE_RATIO_21_9, "21:9 (ultra wide)", "21:9"},
    {GST_SEEDANCE_RATIO_16_9, "16:9 (landscape)", "16:9"},
    {GST_SEEDANCE_RATIO_4_3, "4:3", "4:3"},
    {GST_SEEDANCE_RATIO_1_1, "1:1 (square)", "1:1"},
    {GST_SEEDANCE_RATIO_3_4, "3:4", "3:4"},
    {GST_SEEDANCE_RATIO_9_16, "9:16 (portrait)", "9:16"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type_id)) {
    GType tmp = g_enum_register_static ("GstSeedanceRatio", values);
    g_once_init_leave (&type_id, tmp);
  }
  return (GType) type_id;
}

GType
gst_seedance_resolution_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    {GST_SEEDANCE_RESOLUTION_480P, "480p", "480p"},
    {GST_SEEDANCE_RESOLUTION_720P, "720p", "720p"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type_id)) {
    GType tmp = g_enum_register_static ("GstSeedanceResolution", values);
    g_once_init_leave (&type_id, tmp);
  }
  return (GType) type_id;
}

GType
gst_seedance_cache_mode_get_type (void)
{
  static gsize type_id = 0;
  static const GEnumValue values[] = {
    {GST_SEEDANCE_CACHE_MODE_REUSE, "Play a cached clip or resume the task "
          "of a request made before", "reuse"},
    {GST_SEEDANCE_CACHE_MODE_RESUME, "Resume unfinished tasks only", "resume"},
    {GST_SEEDANCE_CACHE_MODE_OFF, "No journal, no cache: always submit",
        "off"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type_id)) {
    GType tmp = g_enum_register_static ("GstSeedanceCacheMode", values);
    g_once_init_leave (&type_id, tmp);
  }
  return (GType) type_id;
}

/**
 * seedance_enum_to_nick:
 * @enum_type: a registered enum type
 * @value: one of its values
 *
 * Returns: (transfer none) (nullable): the nick of @value, which for the
 * Seedance enums is the string the API expects.
 */
const gchar *
seedance_enum_to_nick (GType enum_type, gint value)
{
  GEnumClass *klass = g_type_class_ref (enum_type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const gchar *nick = v ? v->value_nick : NULL;

  /* Enum classes of static types are never finalized, so the nick stays
   * valid after this unref. */
  g_type_class_unref (klass);
  return nick;
}

/**
 * seedance_enum_nicks:
 * @enum_type: a registered enum type
 *
 * Returns: (transfer full): its nicks, in order, as "a, b, c": what an
 * error about a value of it says is allowed.
 */
gchar *
seedance_enum_nicks (GType enum_type)
{
  GEnumClass *klass = g_type_class_ref (enum_type);
  GString *nicks = g_string_new (NULL);
  guint i;

  for (i = 0; i < klass->n_values; i++)
    g_string_append_printf (nicks, "%s%s", i ? ", " : "",
        klass->values[i].value_nick);
  g_type_class_unref (klass);
  return g_string_free (nicks, FALSE);
}
