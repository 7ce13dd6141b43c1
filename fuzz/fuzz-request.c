/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Fuzzes request validation and the JSON body built from arbitrary
 * property values, as a user (or a seedance:// URI) may set them.
 *
 * Input: a 20-byte header, then the string values separated by '\n':
 *   byte 0     which strings are given: 1 prompt, 2 first-frame-image,
 *              4 last-frame-image, 8 reference-images, 16 audio-urls
 *   byte 1     number of reference images (low 4 bits), of audio URLs
 *              (high 4 bits)
 *   bytes 2-3  set_fields (little endian)
 *   byte 4     1 camera-fixed, 2 generate-audio, 4 return-last-frame
 *   byte 5     duration (signed)
 *   byte 6, 7  ratio, resolution (signed)
 *   bytes 8-11 execution-expires-after (signed, little endian)
 *   bytes 12-19 seed (signed, little endian)
 * Missing bytes are zero.
 *
 * Oracles: a body is valid UTF-8 and a JSON object holding the prompt
 * given, each field the user set with its value and nothing else; a
 * refusal is an INVALID_PROPERTY error whose UTF-8 message names the
 * property. Local files are looked up in an empty directory of our own
 * (with one small PNG and one text file), never in the caller's. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "fuzz.h"
#include "seedanceenums.h"
#include "seedanceerror.h"
#include "seedancerequest.h"

#define HEADER_SIZE 20

static const guint8 tiny_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
  0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
  0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
  0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
  0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
  0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static gchar *work_dir;

static void
remove_work_dir (void)
{
  gchar *path;

  if (work_dir == NULL)
    return;
  path = g_build_filename (work_dir, "frame.png", NULL);
  g_unlink (path);
  g_free (path);
  path = g_build_filename (work_dir, "notes.txt", NULL);
  g_unlink (path);
  g_free (path);
  g_rmdir (work_dir);
  g_clear_pointer (&work_dir, g_free);
}

/* Relative paths in the input name files of this directory only. */
static void
enter_work_dir (void)
{
  GError *error = NULL;

  if (work_dir)
    return;
  work_dir = g_dir_make_tmp ("seedance-fuzz-request-XXXXXX", &error);
  FUZZ_CHECK (work_dir != NULL, "%s", error ? error->message : "");
  FUZZ_CHECK (g_chdir (work_dir) == 0, "cannot enter %s", work_dir);
  FUZZ_CHECK (g_file_set_contents ("frame.png", (const gchar *) tiny_png,
          sizeof (tiny_png), NULL), "frame.png");
  FUZZ_CHECK (g_file_set_contents ("notes.txt", "not an image", -1, NULL),
      "notes.txt");
  FUZZ_CHECK (atexit (remove_work_dir) == 0, "atexit");
}

/* A byte read as two's complement, so that small negative values come
 * up as often as small positive ones. */
static gint
signed_byte (guint8 byte)
{
  return byte < 128 ? byte : (gint) byte - 256;
}

static guint64
read_le (const guint8 * header, guint offset, guint n)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < n; i++)
    v |= (guint64) header[offset + i] << (8 * i);
  return v;
}

/* Takes the next string of the input, or NULL when there is none. */
static gchar *
next_string (gchar ** strings, guint * index)
{
  if (strings[*index] == NULL)
    return NULL;
  return g_strdup (strings[(*index)++]);
}

static GStrv
next_list (gchar ** strings, guint * index, guint n)
{
  GPtrArray *list = g_ptr_array_new ();
  guint i;
  gchar *s;

  for (i = 0; i < n && (s = next_string (strings, index)); i++)
    g_ptr_array_add (list, s);
  g_ptr_array_add (list, NULL);
  return (GStrv) g_ptr_array_free (list, FALSE);
}

static void
fill_request (SeedanceRequest * r, const uint8_t * data, size_t size)
{
  guint8 header[HEADER_SIZE] = { 0 };
  gchar *text, **strings;
  guint index = 0;

  memcpy (header, data, MIN (size, HEADER_SIZE));
  text = size > HEADER_SIZE ?
      g_strndup ((const gchar *) data + HEADER_SIZE, size - HEADER_SIZE) :
      g_strdup ("");
  strings = g_strsplit (text, "\n", -1);

  if (header[0] & 1)
    r->prompt = next_string (strings, &index);
  if (header[0] & 2)
    r->first_frame_image = next_string (strings, &index);
  if (header[0] & 4)
    r->last_frame_image = next_string (strings, &index);
  if (header[0] & 8)
    r->reference_images = next_list (strings, &index, header[1] & 0xf);
  if (header[0] & 16)
    r->audio_urls = next_list (strings, &index, header[1] >> 4);
  r->set_fields = read_le (header, 2, 2) & ((1u << SEEDANCE_N_FIELDS) - 1);
  r->camera_fixed = (header[4] & 1) != 0;
  r->generate_audio = (header[4] & 2) != 0;
  r->return_last_frame = (header[4] & 4) != 0;
  r->duration = signed_byte (header[5]);
  r->ratio = signed_byte (header[6]);
  r->resolution = signed_byte (header[7]);
  r->execution_expires_after = (gint32) read_le (header, 8, 4);
  r->seed = (gint64) read_le (header, 12, 8);

  g_strfreev (strings);
  g_free (text);
}

static guint
length_of (GStrv list)
{
  return list ? g_strv_length (list) : 0;
}

static gboolean
is_set (const SeedanceRequest * r, SeedanceField field)
{
  return (r->set_fields & (1u << field)) != 0;
}

static void
check_refusal (const GError * error)
{
  gboolean named = FALSE;
  guint i;

  FUZZ_CHECK (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_INVALID_PROPERTY), "refused with %s",
      error ? error->message : "no error");
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL),
      "the error message is not UTF-8");
  for (i = 0; i < SEEDANCE_N_FIELDS && !named; i++) {
    gchar *prefix = g_strdup_printf ("Invalid property '%s': ",
        seedance_field_property_name (i));

    named = g_str_has_prefix (error->message, prefix);
    g_free (prefix);
  }
  FUZZ_CHECK (named, "the error names no property: %s", error->message);
}

static const gchar *
string_member (JsonObject * o, const gchar * name)
{
  JsonNode *node = json_object_get_member (o, name);

  FUZZ_CHECK (node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING,
      "member %s is not a string", name);
  return json_node_get_string (node);
}

/* @s from @from on without ASCII whitespace (base64 wrapped in lines). */
static gchar *
strip_space_from (const gchar * s, const gchar * from)
{
  GString *out = g_string_new_len (s, from - s);

  for (; *from; from++) {
    if (!g_ascii_isspace (*from))
      g_string_append_c (out, *from);
  }
  return g_string_free (out, FALSE);
}

/* What the body holds for an image value. */
static void
check_image (const gchar * sent, const gchar * given, const gchar * name)
{
  gchar *expected = NULL;

  if (g_ascii_strncasecmp (given, "http://", 7) == 0
      || g_ascii_strncasecmp (given, "https://", 8) == 0) {
    FUZZ_CHECK (strcmp (sent, given) == 0, "%s '%s' sent as '%s'", name,
        given, sent);
  } else if (g_ascii_strncasecmp (given, "data:", 5) == 0) {
    /* As given, the whitespace of its data dropped. */
    expected = strip_space_from (given, strchr (given, ','));
    FUZZ_CHECK (strcmp (sent, expected) == 0, "%s '%s' sent as '%s'", name,
        given, sent);
  } else {
    /* Base64 without its whitespace, or a file inlined as a data: URI. */
    expected = strip_space_from (given, given);
    FUZZ_CHECK (strcmp (sent, expected) == 0
        || g_str_has_prefix (sent, "data:image/"), "%s '%s' sent as '%s'",
        name, given, sent);
  }
  g_free (expected);
}

/* The member of @field in the body: none (NULL) when the field was not
 * set, else a value of @type. */
static JsonNode *
field_member (JsonObject * o, const SeedanceRequest * r, SeedanceField field,
    GType type)
{
  const gchar *name = seedance_field_name (field);
  JsonNode *node = json_object_get_member (o, name);

  if (!is_set (r, field)) {
    FUZZ_CHECK (node == NULL, "%s is in the body but was not set", name);
    return NULL;
  }
  FUZZ_CHECK (node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == type, "%s", name);
  return node;
}

static void
check_int_member (JsonObject * o, const SeedanceRequest * r,
    SeedanceField field, gint64 value, gint64 min, gint64 max)
{
  const gchar *name = seedance_field_name (field);
  JsonNode *node = field_member (o, r, field, G_TYPE_INT64);

  if (node == NULL)
    return;
  FUZZ_CHECK (json_node_get_int (node) == value, "%s", name);
  FUZZ_CHECK (value >= min && value <= max, "%s %" G_GINT64_FORMAT
      " was accepted", name, value);
}

static void
check_bool_member (JsonObject * o, const SeedanceRequest * r,
    SeedanceField field, gboolean value)
{
  JsonNode *node = field_member (o, r, field, G_TYPE_BOOLEAN);

  if (node)
    FUZZ_CHECK (json_node_get_boolean (node) == value, "%s",
        seedance_field_name (field));
}

static void
check_enum_member (JsonObject * o, const SeedanceRequest * r,
    SeedanceField field, GType type, gint value)
{
  const gchar *name = seedance_field_name (field);
  const gchar *nick = seedance_enum_to_nick (type, value);
  JsonNode *node;

  FUZZ_CHECK (nick != NULL, "%s %d was accepted", name, value);
  node = field_member (o, r, field, G_TYPE_STRING);
  if (node)
    FUZZ_CHECK (strcmp (json_node_get_string (node), nick) == 0, "%s", name);
}

static void
check_body (const SeedanceRequest * r, const gchar * body, gsize length)
{
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *o;
  JsonArray *a;
  guint i, expected_members = 1;
  glong chars;

  FUZZ_CHECK (length == strlen (body), "length %" G_GSIZE_FORMAT " of a body "
      "of %" G_GSIZE_FORMAT " bytes", length, strlen (body));
  FUZZ_CHECK (g_utf8_validate (body, length, NULL), "the body is not UTF-8: "
      "%s", body);
  FUZZ_CHECK (json_parser_load_from_data (parser, body, length, &error),
      "the body is not JSON (%s): %s", error->message, body);
  FUZZ_CHECK (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)),
      "the body is not a JSON object: %s", body);
  o = json_node_get_object (json_parser_get_root (parser));

  /* The prompt, as given, and valid. */
  FUZZ_CHECK (r->prompt != NULL, "accepted without a prompt");
  FUZZ_CHECK (strcmp (string_member (o, "prompt"), r->prompt) == 0,
      "prompt '%s' sent as '%s'", r->prompt, string_member (o, "prompt"));
  chars = g_utf8_strlen (r->prompt, -1);
  FUZZ_CHECK (chars >= 1 && chars <= SEEDANCE_PROMPT_MAX_CHARS, "a prompt of "
      "%ld characters was accepted", chars);

  if (r->first_frame_image) {
    check_image (string_member (o, "first_frame_image"),
        r->first_frame_image, "first-frame-image");
    expected_members++;
  }
  if (r->last_frame_image) {
    check_image (string_member (o, "last_frame_image"), r->last_frame_image,
        "last-frame-image");
    expected_members++;
  }
  if (length_of (r->reference_images) > 0) {
    FUZZ_CHECK (r->first_frame_image == NULL && r->last_frame_image == NULL,
        "reference images were accepted with a first or last frame");
    FUZZ_CHECK (length_of (r->reference_images) <=
        SEEDANCE_MAX_REFERENCE_IMAGES, "%u reference images",
        length_of (r->reference_images));
    a = json_object_get_array_member (o, "reference_images");
    FUZZ_CHECK (a && json_array_get_length (a) ==
        length_of (r->reference_images), "reference_images");
    for (i = 0; i < json_array_get_length (a); i++)
      check_image (json_array_get_string_element (a, i),
          r->reference_images[i], "reference-images");
    expected_members++;
  }
  if (length_of (r->audio_urls) > 0) {
    FUZZ_CHECK (length_of (r->audio_urls) <= SEEDANCE_MAX_AUDIO_URLS,
        "%u audio URLs", length_of (r->audio_urls));
    a = json_object_get_array_member (o, "audio_urls");
    FUZZ_CHECK (a && json_array_get_length (a) == length_of (r->audio_urls),
        "audio_urls");
    for (i = 0; i < json_array_get_length (a); i++) {
      const gchar *url = json_array_get_string_element (a, i);

      FUZZ_CHECK (url && strcmp (url, r->audio_urls[i]) == 0, "audio URL "
          "'%s' sent as '%s'", r->audio_urls[i], url);
      FUZZ_CHECK (g_ascii_strncasecmp (url, "http://", 7) == 0
          || g_ascii_strncasecmp (url, "https://", 8) == 0, "audio URL '%s' "
          "was accepted", url);
    }
    expected_members++;
  }

  check_bool_member (o, r, SEEDANCE_FIELD_CAMERA_FIXED, r->camera_fixed);
  check_int_member (o, r, SEEDANCE_FIELD_DURATION, r->duration,
      SEEDANCE_DURATION_MIN, SEEDANCE_DURATION_MAX);
  check_int_member (o, r, SEEDANCE_FIELD_EXECUTION_EXPIRES_AFTER,
      r->execution_expires_after, SEEDANCE_EXPIRES_MIN, SEEDANCE_EXPIRES_MAX);
  check_bool_member (o, r, SEEDANCE_FIELD_GENERATE_AUDIO, r->generate_audio);
  check_enum_member (o, r, SEEDANCE_FIELD_RATIO, GST_TYPE_SEEDANCE_RATIO,
      r->ratio);
  check_enum_member (o, r, SEEDANCE_FIELD_RESOLUTION,
      GST_TYPE_SEEDANCE_RESOLUTION, r->resolution);
  check_bool_member (o, r, SEEDANCE_FIELD_RETURN_LAST_FRAME,
      r->return_last_frame);
  check_int_member (o, r, SEEDANCE_FIELD_SEED, r->seed, SEEDANCE_SEED_MIN,
      SEEDANCE_SEED_MAX);
  for (i = SEEDANCE_FIELD_CAMERA_FIXED; i < SEEDANCE_N_FIELDS; i++)
    expected_members += is_set (r, i) ? 1 : 0;

  FUZZ_CHECK (json_object_get_size (o) == expected_members, "%u members, "
      "not %u: %s", json_object_get_size (o), expected_members, body);
  g_object_unref (parser);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  SeedanceRequest r;
  GError *error = NULL;
  gsize length = 0;
  gchar *body;

  seedance_fuzz_init ();
  enter_work_dir ();

  seedance_request_init (&r);
  fill_request (&r, data, size);
  body = seedance_request_build_body (&r, &length, &error);
  if (body) {
    FUZZ_CHECK (error == NULL, "a body with an error");
    check_body (&r, body, length);
  } else {
    check_refusal (error);
    g_error_free (error);
  }
  g_free (body);
  seedance_request_clear (&r);
  return 0;
}
