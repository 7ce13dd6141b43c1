/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Validation of a submission body, as the request schema of the model
 * (seedance-2.0-fast-i2v.openapi.json) has it: the first bad field is
 * named in the 400's detail. */

#include "emulator-private.h"

#include <string.h>

typedef enum
{
  FIELD_STRING,
  FIELD_INTEGER,
  FIELD_BOOLEAN,
  FIELD_ENUM,
  FIELD_STRING_ARRAY,
} FieldKind;

typedef struct
{
  const gchar *name;
  FieldKind kind;
  gint64 min;                   /* integer value, string characters or items */
  gint64 max;
  const gchar *const *values;   /* FIELD_ENUM */
  const gchar *allowed;         /* what the error message asks for */
} FieldSpec;

static const gchar *const ratio_values[] =
    { "21:9", "16:9", "4:3", "1:1", "3:4", "9:16", NULL };
static const gchar *const resolution_values[] = { "480p", "720p", NULL };

static const FieldSpec fields[] = {
  {"prompt", FIELD_STRING, 1, 10000, NULL,
      "a string of 1 to 10000 characters"},
  {"first_frame_image", FIELD_STRING, 1, G_MAXINT64, NULL,
      "a non-empty string (image URL or base64 data)"},
  {"last_frame_image", FIELD_STRING, 1, G_MAXINT64, NULL,
      "a non-empty string (image URL or base64 data)"},
  {"reference_images", FIELD_STRING_ARRAY, 1, 9, NULL,
      "an array of 1 to 9 non-empty strings (image URLs or base64 data)"},
  {"audio_urls", FIELD_STRING_ARRAY, 1, 3, NULL,
      "an array of 1 to 3 non-empty strings (audio URLs)"},
  {"camera_fixed", FIELD_BOOLEAN, 0, 0, NULL, "a boolean (true or false)"},
  {"duration", FIELD_INTEGER, 4, 15, NULL,
      "an integer from 4 to 15 (seconds)"},
  {"execution_expires_after", FIELD_INTEGER, 3600, 259200, NULL,
      "an integer from 3600 to 259200 (seconds)"},
  {"generate_audio", FIELD_BOOLEAN, 0, 0, NULL, "a boolean (true or false)"},
  {"ratio", FIELD_ENUM, 0, 0, ratio_values,
      "one of 21:9, 16:9, 4:3, 1:1, 3:4, 9:16"},
  {"resolution", FIELD_ENUM, 0, 0, resolution_values, "one of 480p, 720p"},
  {"return_last_frame", FIELD_BOOLEAN, 0, 0, NULL,
      "a boolean (true or false)"},
  {"seed", FIELD_INTEGER, -1, G_GINT64_CONSTANT (4294967295), NULL,
      "an integer from -1 to 4294967295"},
};

static gboolean
node_is_type (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == type;
}

static gboolean
string_in_range (JsonNode * node, gint64 min, gint64 max)
{
  glong chars;

  if (!node_is_type (node, G_TYPE_STRING))
    return FALSE;
  /* The schema counts characters, not bytes. */
  chars = g_utf8_strlen (json_node_get_string (node), -1);
  return chars >= min && chars <= max;
}

static gboolean
field_valid (const FieldSpec * spec, JsonNode * node)
{
  switch (spec->kind) {
    case FIELD_STRING:
      return string_in_range (node, spec->min, spec->max);
    case FIELD_INTEGER:
      /* json-glib reads 5 as gint64 and 5.0 or 5e0 as gdouble: only the
       * former is a JSON integer. */
      return node_is_type (node, G_TYPE_INT64) &&
          json_node_get_int (node) >= spec->min &&
          json_node_get_int (node) <= spec->max;
    case FIELD_BOOLEAN:
      return node_is_type (node, G_TYPE_BOOLEAN);
    case FIELD_ENUM:
      return node_is_type (node, G_TYPE_STRING) &&
          g_strv_contains (spec->values, json_node_get_string (node));
    case FIELD_STRING_ARRAY:{
      JsonArray *array;
      guint i, n;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return FALSE;
      array = json_node_get_array (node);
      n = json_array_get_length (array);
      if (n < spec->min || n > spec->max)
        return FALSE;
      for (i = 0; i < n; i++) {
        if (!string_in_range (json_array_get_element (array, i), 1, G_MAXINT64))
          return FALSE;
      }
      return TRUE;
    }
  }
  g_assert_not_reached ();
  return FALSE;
}

static const FieldSpec *
find_field (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (fields); i++) {
    if (strcmp (fields[i].name, name) == 0)
      return &fields[i];
  }
  return NULL;
}

/* Checks a submission body; returns the detail of the 400 ("<field>: ...")
 * or NULL and the parsed object in @object. */
gchar *
emulator_validate_body (SoupServerMessage * msg, JsonParser * parser,
    JsonObject ** object)
{
  SoupMessageBody *body;
  GBytes *bytes;
  GError *error = NULL;
  JsonNode *root;
  JsonObject *obj;
  GList *members, *l;
  gchar *detail = NULL;
  gconstpointer data;
  gsize size;
  gboolean ok;

  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  if (size == 0) {
    g_bytes_unref (bytes);
    return g_strdup ("body: must be a JSON object");
  }
  if (!g_utf8_validate (data, size, NULL)) {
    g_bytes_unref (bytes);
    return g_strdup ("body: must be UTF-8 JSON");
  }
  ok = json_parser_load_from_data (parser, data, size, &error);
  g_bytes_unref (bytes);
  if (!ok) {
    detail = g_strdup_printf ("body: not valid JSON (%s)", error->message);
    g_error_free (error);
    return detail;
  }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return g_strdup ("body: must be a JSON object");
  obj = json_node_get_object (root);

  /* Members in the order they were sent: the first bad one is reported. */
  members = json_object_get_members (obj);
  for (l = members; l != NULL && detail == NULL; l = l->next) {
    const gchar *name = l->data;
    const FieldSpec *spec = find_field (name);

    if (spec == NULL) {
      GString *text = g_string_new (NULL);
      gchar *shown = g_utf8_make_valid (name, MIN (strlen (name), 64));
      guint i;

      g_string_append_printf (text, "%s: unknown field; allowed:", shown);
      for (i = 0; i < G_N_ELEMENTS (fields); i++)
        g_string_append_printf (text, "%s %s", i > 0 ? "," : "",
            fields[i].name);
      detail = g_string_free (text, FALSE);
      g_free (shown);
    } else if (!field_valid (spec, json_object_get_member (obj, name))) {
      detail = g_strdup_printf ("%s: must be %s", spec->name, spec->allowed);
    }
  }
  g_list_free (members);
  if (detail != NULL)
    return detail;

  if (!json_object_has_member (obj, "prompt"))
    return g_strdup_printf ("prompt: required, %s", fields[0].allowed);
  if (json_object_has_member (obj, "reference_images") &&
      (json_object_has_member (obj, "first_frame_image") ||
          json_object_has_member (obj, "last_frame_image")))
    return g_strdup ("reference_images: cannot be used together with "
        "first_frame_image or last_frame_image");

  *object = obj;
  return NULL;
}
