/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Integer param specs that state a range without enforcing it.
 *
 * GObject refuses a value outside a GParamSpecInt's range with a
 * GLib-GObject-WARNING and keeps the old value (object_set_property()
 * validates a copy and drops it): the element never sees the attempt, and
 * `gst-launch-1.0 seedancesrc duration=3` goes on to pay for the default
 * 5 s clip. G_PARAM_LAX_VALIDATION does not help: it only silences the
 * warning, and set_property() then gets the clamped value.
 *
 * The types here derive from GParamSpecInt, GParamSpecUInt and
 * GParamSpecInt64 and override only value_validate, which leaves the value
 * alone. They are still GParamSpecInt & co. (G_IS_PARAM_SPEC_INT() holds),
 * so gst-inspect-1.0, bindings and UIs read minimum, maximum and default
 * as before, and g_param_value_is_valid() still says whether a value is in
 * range. But GObject hands an out-of-range value to set_property(): the
 * element stores it and refuses it in start() with an error that names
 * the property, the value and the range, before anything is sent. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "seedanceparamspecs.h"

/* A value out of range is the element's to refuse, with its name: never
 * clamped, never dropped. */
static gboolean
keep_value (GParamSpec * pspec, GValue * value)
{
  return FALSE;
}

static void
lenient_class_init (gpointer g_class, gpointer class_data)
{
  GParamSpecClass *klass = g_class;

  /* The parent's value_is_valid stays: it tells whether the value is in
   * range; only fixing it up is switched off. */
  klass->value_validate = keep_value;
}

/* Registers, once, the lenient twin of @parent in *@type_id. */
static GType
lenient_type (gsize * type_id, GType parent, const gchar * name,
    guint16 instance_size)
{
  if (g_once_init_enter (type_id)) {
    const GTypeInfo info = {
      .class_size = sizeof (GParamSpecClass),
      .class_init = lenient_class_init,
      .instance_size = instance_size,
    };

    g_once_init_leave (type_id, g_type_register_static (parent, name, &info,
            0));
  }
  return (GType) * type_id;
}

/**
 * seedance_param_int_get_type:
 *
 * Returns: a #GParamSpecInt type whose range is shown but not enforced.
 */
GType
seedance_param_int_get_type (void)
{
  static gsize type_id = 0;

  return lenient_type (&type_id, G_TYPE_PARAM_INT, "GstSeedanceParamInt",
      sizeof (GParamSpecInt));
}

/**
 * seedance_param_uint_get_type:
 *
 * Returns: a #GParamSpecUInt type whose range is shown but not enforced.
 */
GType
seedance_param_uint_get_type (void)
{
  static gsize type_id = 0;

  return lenient_type (&type_id, G_TYPE_PARAM_UINT, "GstSeedanceParamUInt",
      sizeof (GParamSpecUInt));
}

/**
 * seedance_param_int64_get_type:
 *
 * Returns: a #GParamSpecInt64 type whose range is shown but not enforced.
 */
GType
seedance_param_int64_get_type (void)
{
  static gsize type_id = 0;

  return lenient_type (&type_id, G_TYPE_PARAM_INT64, "GstSeedanceParamInt64",
      sizeof (GParamSpecInt64));
}

/**
 * seedance_param_enum_get_type:
 *
 * Returns: a #GParamSpecEnum type whose values are shown but not enforced.
 */
GType
seedance_param_enum_get_type (void)
{
  static gsize type_id = 0;

  return lenient_type (&type_id, G_TYPE_PARAM_ENUM, "GstSeedanceParamEnum",
      sizeof (GParamSpecEnum));
}

/**
 * seedance_param_spec_int:
 * @name: canonical name of the property
 * @nick: (nullable): nick name
 * @blurb: (nullable): description, which should state the range
 * @minimum: the smallest value allowed
 * @maximum: the largest value allowed
 * @default_value: the default, within the range
 * @flags: flags for the property
 *
 * Like g_param_spec_int(), but GObject passes a value out of the range to
 * set_property() as it is, for the owner to refuse with a clear error.
 *
 * Returns: (transfer floating): a #GParamSpecInt of type
 * #SEEDANCE_TYPE_PARAM_INT
 */
GParamSpec *
seedance_param_spec_int (const gchar * name, const gchar * nick,
    const gchar * blurb, gint minimum, gint maximum, gint default_value,
    GParamFlags flags)
{
  GParamSpecInt *pspec;

  g_return_val_if_fail (default_value >= minimum && default_value <= maximum,
      NULL);

  pspec = g_param_spec_internal (SEEDANCE_TYPE_PARAM_INT, name, nick, blurb,
      flags);
  pspec->minimum = minimum;
  pspec->maximum = maximum;
  pspec->default_value = default_value;
  return G_PARAM_SPEC (pspec);
}

/**
 * seedance_param_spec_uint:
 *
 * The #guint twin of seedance_param_spec_int().
 *
 * Returns: (transfer floating): a #GParamSpecUInt of type
 * #SEEDANCE_TYPE_PARAM_UINT
 */
GParamSpec *
seedance_param_spec_uint (const gchar * name, const gchar * nick,
    const gchar * blurb, guint minimum, guint maximum, guint default_value,
    GParamFlags flags)
{
  GParamSpecUInt *pspec;

  g_return_val_if_fail (default_value >= minimum && default_value <= maximum,
      NULL);

  pspec = g_param_spec_internal (SEEDANCE_TYPE_PARAM_UINT, name, nick, blurb,
      flags);
  pspec->minimum = minimum;
  pspec->maximum = maximum;
  pspec->default_value = default_value;
  return G_PARAM_SPEC (pspec);
}

/**
 * seedance_param_spec_int64:
 *
 * The #gint64 twin of seedance_param_spec_int().
 *
 * Returns: (transfer floating): a #GParamSpecInt64 of type
 * #SEEDANCE_TYPE_PARAM_INT64
 */
GParamSpec *
seedance_param_spec_int64 (const gchar * name, const gchar * nick,
    const gchar * blurb, gint64 minimum, gint64 maximum, gint64 default_value,
    GParamFlags flags)
{
  GParamSpecInt64 *pspec;

  g_return_val_if_fail (default_value >= minimum && default_value <= maximum,
      NULL);

  pspec = g_param_spec_internal (SEEDANCE_TYPE_PARAM_INT64, name, nick, blurb,
      flags);
  pspec->minimum = minimum;
  pspec->maximum = maximum;
  pspec->default_value = default_value;
  return G_PARAM_SPEC (pspec);
}

/**
 * seedance_param_spec_enum:
 * @enum_type: the #GEnum type of the property
 *
 * The enum twin of seedance_param_spec_int(): g_object_set() of a number
 * that is none of @enum_type's values reaches set_property().
 *
 * Returns: (transfer floating): a #GParamSpecEnum of type
 * #SEEDANCE_TYPE_PARAM_ENUM
 */
GParamSpec *
seedance_param_spec_enum (const gchar * name, const gchar * nick,
    const gchar * blurb, GType enum_type, gint default_value, GParamFlags flags)
{
  GParamSpecEnum *pspec;
  GEnumClass *enum_class;

  g_return_val_if_fail (G_TYPE_IS_ENUM (enum_type), NULL);
  enum_class = g_type_class_ref (enum_type);
  g_return_val_if_fail (g_enum_get_value (enum_class, default_value) != NULL,
      NULL);

  pspec = g_param_spec_internal (SEEDANCE_TYPE_PARAM_ENUM, name, nick, blurb,
      flags);
  /* As g_param_spec_enum() does: the class ref goes with the pspec. */
  pspec->enum_class = enum_class;
  pspec->default_value = default_value;
  G_PARAM_SPEC (pspec)->value_type = enum_type;
  return G_PARAM_SPEC (pspec);
}
