/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The request: validation of what the user set, naming the property, and
 * the JSON body the API expects. Nothing here touches the network. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "seedancerequest.h"
#include "seedanceenums.h"
#include "seedanceerror.h"

GST_DEBUG_CATEGORY_STATIC (seedance_request_debug);
#define GST_CAT_DEFAULT seedance_request_debug

static const struct
{
  const gchar *field;
  const gchar *property;
} field_names[SEEDANCE_N_FIELDS] = {
  {"prompt", "prompt"},
  {"first_frame_image", "first-frame-image"},
  {"last_frame_image", "last-frame-image"},
  {"reference_images", "reference-images"},
  {"audio_urls", "audio-urls"},
  {"camera_fixed", "camera-fixed"},
  {"duration", "duration"},
  {"execution_expires_after", "execution-expires-after"},
  {"generate_audio", "generate-audio"},
  {"ratio", "ratio"},
  {"resolution", "resolution"},
  {"return_last_frame", "return-last-frame"},
  {"seed", "seed"},
};

#define IMAGE_FORMS "an http(s) URL, a data:image/...;base64 URI, " \
  "base64 image data, or a readable local image file (PNG, JPEG, WebP, " \
  "GIF, BMP or TIFF) of at most 10 MiB"

static void
ensure_debug_category (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    GST_DEBUG_CATEGORY_INIT (seedance_request_debug, "seedancerequest", 0,
        "Seedance request building");
    g_once_init_leave (&initialized, 1);
  }
}

const gchar *
seedance_field_name (SeedanceField field)
{
  g_return_val_if_fail (field < SEEDANCE_N_FIELDS, NULL);
  return field_names[field].field;
}

const gchar *
seedance_field_property_name (SeedanceField field)
{
  g_return_val_if_fail (field < SEEDANCE_N_FIELDS, NULL);
  return field_names[field].property;
}

/**
 * seedance_request_init:
 * @request: (out caller-allocates): the request to set to the schema's
 *   defaults, with no field set
 */
void
seedance_request_init (SeedanceRequest * request)
{
  memset (request, 0, sizeof (*request));
  request->duration = SEEDANCE_DURATION_DEFAULT;
  request->execution_expires_after = SEEDANCE_EXPIRES_DEFAULT;
  request->generate_audio = TRUE;
  request->ratio = GST_SEEDANCE_RATIO_1_1;
  request->resolution = GST_SEEDANCE_RESOLUTION_720P;
  request->seed = SEEDANCE_SEED_DEFAULT;
}

void
seedance_request_clear (SeedanceRequest * request)
{
  g_free (request->prompt);
  g_free (request->first_frame_image);
  g_free (request->last_frame_image);
  g_strfreev (request->reference_images);
  g_strfreev (request->audio_urls);
  seedance_request_init (request);
}

void
seedance_request_copy (SeedanceRequest * dest, const SeedanceRequest * src)
{
  *dest = *src;
  dest->prompt = g_strdup (src->prompt);
  dest->first_frame_image = g_strdup (src->first_frame_image);
  dest->last_frame_image = g_strdup (src->last_frame_image);
  dest->reference_images = g_strdupv (src->reference_images);
  dest->audio_urls = g_strdupv (src->audio_urls);
}

/* *INDENT-OFF* */
static gboolean
field_error (GError ** error, SeedanceField field, const gchar * format, ...)
    G_GNUC_PRINTF (3, 4);
/* *INDENT-ON* */

/* Sets an INVALID_PROPERTY error that starts with the property's name, and
 * returns FALSE so callers can write "return field_error (...)". */
static gboolean
field_error (GError ** error, SeedanceField field, const gchar * format, ...)
{
  va_list args;
  gchar *prefix = g_strdup_printf ("Invalid property '%s': ",
      seedance_field_property_name (field));

  /* Values are quoted as given. */
  va_start (args, format);
  seedance_set_error_valist (error, SEEDANCE_ERROR,
      SEEDANCE_ERROR_INVALID_PROPERTY, prefix, format, args);
  va_end (args);
  g_free (prefix);
  return FALSE;
}

static gboolean
is_set (const SeedanceRequest * request, SeedanceField field)
{
  return (request->set_fields & (1u << field)) != 0;
}

static guint
list_length (GStrv list)
{
  return list ? g_strv_length (list) : 0;
}

static gboolean
has_prefix_ci (const gchar * s, const gchar * prefix)
{
  return g_ascii_strncasecmp (s, prefix, strlen (prefix)) == 0;
}

/* An absolute http(s) URL with a host, in UTF-8: it goes into the JSON
 * body as it is. */
static gboolean
is_http_url (const gchar * value)
{
  GUri *uri;
  gboolean ok;

  if (!has_prefix_ci (value, "http://") && !has_prefix_ci (value, "https://"))
    return FALSE;
  if (!g_utf8_validate (value, -1, NULL))
    return FALSE;

  uri = g_uri_parse (value, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return FALSE;
  ok = g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
  g_uri_unref (uri);
  return ok;
}

/**
 * seedance_image_sniff_mime:
 *
 * The image formats the service accepts, recognised by their first bytes
 * so a misnamed file is still sent with the right type.
 *
 * Returns: (nullable): the media type of the image @data starts, NULL
 * when it is none of them.
 */
const gchar *
seedance_image_sniff_mime (const guint8 * data, gsize len)
{
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "image/jpeg";
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0
      && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0
          || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (len >= 2 && memcmp (data, "BM", 2) == 0)
    return "image/bmp";
  if (len >= 4 && (memcmp (data, "II*\0", 4) == 0
          || memcmp (data, "MM\0*", 4) == 0))
    return "image/tiff";
  return NULL;
}

static gboolean
is_base64_char (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/' || c == '=';
}

/* @value without ASCII whitespace, which base64(1) puts in to wrap lines;
 * NULL when anything else is outside the base64 alphabet, with the index
 * of the first such byte in @bad. Only the alphabet is checked: where '='
 * stands and the length are the decoder's business. */
static gchar *
strip_base64 (const gchar * value, gsize * bad)
{
  GString *out = g_string_sized_new (strlen (value));
  const gchar *p;

  for (p = value; *p; p++) {
    if (g_ascii_isspace (*p))
      continue;
    if (!is_base64_char (*p)) {
      if (bad)
        *bad = p - value;
      g_string_free (out, TRUE);
      return NULL;
    }
    g_string_append_c (out, *p);
  }
  return g_string_free (out, FALSE);
}

/* Bare base64 is told from a file name by decoding its start: it must be
 * the base64 of a known image format. Returns it without whitespace. */
static gchar *
base64_image (const gchar * value)
{
  gchar *b64 = strip_base64 (value, NULL);
  gsize len, out_len;
  gchar head[33];
  guchar *decoded;
  gboolean ok;

  if (b64 == NULL)
    return NULL;
  len = strlen (b64);
  if (len < 16) {
    g_free (b64);
    return NULL;
  }
  /* 32 characters decode to 24 bytes, enough for every magic we know. */
  g_strlcpy (head, b64, MIN (len, 32) / 4 * 4 + 1);
  decoded = g_base64_decode (head, &out_len);
  ok = seedance_image_sniff_mime (decoded, out_len) != NULL;
  g_free (decoded);
  if (!ok)
    g_clear_pointer (&b64, g_free);
  return b64;
}

#define DATA_URI_FORM "a data: URI must be of the form " \
  "data:image/<type>[;<name>=<value>]...;base64,<data>"

/* A token of RFC 2397's media type and parameters. */
static gboolean
is_data_uri_token (const gchar * s, gboolean parameter)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++) {
    if (!g_ascii_isgraph (*s) || strchr (parameter ? "\",;" : "\",;=",
            *s) != NULL)
      return FALSE;
  }
  return TRUE;
}

/* data:image/<type>[;<name>=<value>]...;base64,<data> (RFC 2397), what
 * the API takes, with the whitespace of wrapped base64 dropped from the
 * data so the body holds plain base64. */
static gchar *
normalize_data_image_uri (const gchar * value, SeedanceField field,
    GError ** error)
{
  const gchar *comma = strchr (value, ',');
  gchar *header, **params, *data, *uri = NULL;
  guint n, i;
  gsize bad = 0;

  if (!has_prefix_ci (value, "data:image/") || comma == NULL) {
    field_error (error, field, DATA_URI_FORM);
    return NULL;
  }
  header = g_strndup (value, comma - value);
  params = g_strsplit (header + strlen ("data:image/"), ";", -1);
  n = g_strv_length (params);
  if (n < 2 || g_ascii_strcasecmp (params[n - 1], "base64") != 0
      || !is_data_uri_token (params[0], FALSE)) {
    field_error (error, field, DATA_URI_FORM);
    goto done;
  }
  for (i = 1; i < n - 1; i++) {
    if (!is_data_uri_token (params[i], TRUE) || !strchr (params[i], '=')) {
      field_error (error, field, "%s; its parameter '%s' is not "
          "<name>=<value>", DATA_URI_FORM, params[i]);
      goto done;
    }
  }

  data = strip_base64 (comma + 1, &bad);
  if (data == NULL) {
    field_error (error, field, "%s; byte %" G_GSIZE_FORMAT " of the data "
        "(0x%02x) is not base64", DATA_URI_FORM, bad + 1,
        (guint8) comma[1 + bad]);
    goto done;
  }
  if (*data == '\0')
    field_error (error, field, "%s; the data is empty", DATA_URI_FORM);
  else
    uri = g_strconcat (header, ",", data, NULL);
  g_free (data);

done:
  g_strfreev (params);
  g_free (header);
  return uri;
}

/* Reads a local image file and returns it as a data: URI. */
static gchar *
image_file_to_data_uri (const gchar * path, SeedanceField field,
    GError ** error)
{
  guint8 *data;
  gsize size = 0;
  gssize n;
  const gchar *mime;
  gchar *b64, *uri;
  GStatBuf st;
  gint fd;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    field_error (error, field, "'%s' is not a URL, not image data and not an "
        "existing regular file; allowed: %s", path, IMAGE_FORMS);
    return NULL;
  }

  /* Checked again on what was opened, without blocking: the path may
   * have been replaced by a FIFO in between. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0) {
    field_error (error, field, "cannot read '%s': %s; allowed: %s", path,
        g_strerror (errno), IMAGE_FORMS);
    return NULL;
  }
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    field_error (error, field, "'%s' is not an existing regular file; "
        "allowed: %s", path, IMAGE_FORMS);
    return NULL;
  }
  if (st.st_size > SEEDANCE_MAX_IMAGE_FILE_SIZE) {
    close (fd);
    field_error (error, field, "'%s' is %" G_GINT64_FORMAT " bytes; a local "
        "image may be at most %d bytes (10 MiB): put a larger image on an "
        "http(s) URL", path, (gint64) st.st_size, SEEDANCE_MAX_IMAGE_FILE_SIZE);
    return NULL;
  }

  /* Read, not mapped: a file cut short while mapped would kill the
   * process with SIGBUS. What it holds by then is what is sent. */
  data = g_malloc (MAX (st.st_size, 1));
  while (size < (gsize) st.st_size) {
    n = read (fd, data + size, st.st_size - size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      field_error (error, field, "cannot read '%s': %s; allowed: %s", path,
          g_strerror (errno), IMAGE_FORMS);
      close (fd);
      g_free (data);
      return NULL;
    }
    if (n == 0)
      break;
    size += n;
  }
  close (fd);

  mime = seedance_image_sniff_mime (data, size);
  if (mime == NULL) {
    field_error (error, field, "'%s' is not an image the service accepts "
        "(PNG, JPEG, WebP, GIF, BMP or TIFF)", path);
    g_free (data);
    return NULL;
  }

  b64 = g_base64_encode (data, size);
  g_free (data);
  uri = g_strconcat ("data:", mime, ";base64,", b64, NULL);
  g_free (b64);
  GST_DEBUG ("%s: read %" G_GSIZE_FORMAT " bytes of %s from '%s'",
      seedance_field_property_name (field), size, mime, path);
  return uri;
}

/* file://<host>/x is ours only when the host is this machine. */
static gboolean
is_local_host (const gchar * host)
{
  return host == NULL || *host == '\0'
      || g_ascii_strcasecmp (host, "localhost") == 0
      || g_ascii_strcasecmp (host, g_get_host_name ()) == 0;
}

/* Turns one image value into what the API receives: URLs, data: URIs and
 * base64 as given, local files (plain paths or file:// URIs) inline. */
static gchar *
resolve_image (const gchar * value, SeedanceField field, gboolean from_uri,
    GError ** error)
{
  if (value == NULL || *value == '\0') {
    field_error (error, field, "the value is empty; allowed: %s", IMAGE_FORMS);
    return NULL;
  }

  if (has_prefix_ci (value, "http://") || has_prefix_ci (value, "https://")) {
    if (!is_http_url (value)) {
      field_error (error, field, "'%s' is not a valid http(s) URL", value);
      return NULL;
    }
    return g_strdup (value);
  }

  if (has_prefix_ci (value, "data:"))
    return normalize_data_image_uri (value, field, error);

  if (from_uri) {
    gchar *b64 = has_prefix_ci (value, "file:") ? NULL : base64_image (value);

    if (b64)
      return b64;
    field_error (error, field, "'%s' names a local file, which a seedance:// "
        "URI may not do: a URI from a playlist or project must not make the "
        "element read and upload your files; allowed in a URI: an http(s) "
        "URL, a data: URI or base64 image data (set %s on the element to "
        "send a local file)", value, seedance_field_property_name (field));
    return NULL;
  }

  if (has_prefix_ci (value, "file:")) {
    gchar *host = NULL, *path = g_filename_from_uri (value, &host, NULL), *uri;

    if (path == NULL) {
      field_error (error, field, "'%s' is not a valid local file URI", value);
      g_free (host);
      return NULL;
    }
    if (!is_local_host (host)) {
      field_error (error, field, "'%s' names a file on the host '%s'; only "
          "local files (file:///path) can be read", value, host);
      g_free (host);
      g_free (path);
      return NULL;
    }
    g_free (host);
    uri = image_file_to_data_uri (path, field, error);
    g_free (path);
    return uri;
  }

  if (!g_file_test (value, G_FILE_TEST_EXISTS)) {
    gchar *b64 = base64_image (value);

    if (b64)
      return b64;
  }

  return image_file_to_data_uri (value, field, error);
}

static gboolean
check_list (GStrv list, SeedanceField field, guint max, GError ** error)
{
  guint n = list_length (list), i;

  if (n > max)
    return field_error (error, field, "%u items given; allowed: 1 to %u", n,
        max);
  for (i = 0; i < n; i++) {
    if (*list[i] == '\0')
      return field_error (error, field, "item %u is an empty string", i + 1);
  }
  return TRUE;
}

static gboolean
check_prompt (const gchar * prompt, GError ** error)
{
  glong chars;
  const gchar *p;

  if (prompt == NULL)
    return field_error (error, SEEDANCE_FIELD_PROMPT, "it is required: "
        "describe the clip in 1 to %d characters", SEEDANCE_PROMPT_MAX_CHARS);

  if (!g_utf8_validate (prompt, -1, NULL))
    return field_error (error, SEEDANCE_FIELD_PROMPT, "it is not valid UTF-8");

  for (p = prompt; *p && g_ascii_isspace (*p); p++);
  if (*p == '\0')
    return field_error (error, SEEDANCE_FIELD_PROMPT, "it is empty: describe "
        "the clip in 1 to %d characters", SEEDANCE_PROMPT_MAX_CHARS);

  chars = g_utf8_strlen (prompt, -1);
  if (chars > SEEDANCE_PROMPT_MAX_CHARS)
    return field_error (error, SEEDANCE_FIELD_PROMPT, "it has %ld characters; "
        "allowed: 1 to %d", chars, SEEDANCE_PROMPT_MAX_CHARS);
  return TRUE;
}

/**
 * seedance_request_check_numbers:
 * @request: a request
 * @error: a #SEEDANCE_ERROR_INVALID_PROPERTY error naming the property, the
 *   value and the range allowed
 *
 * Checks the numbers against the schema's ranges. The element's param specs
 * show those ranges without enforcing them (see seedanceparamspecs.c), so
 * this is where a number out of range is refused.
 *
 * Returns: whether every number is in range
 */
gboolean
seedance_request_check_numbers (const SeedanceRequest * request,
    GError ** error)
{
  if (request->duration < SEEDANCE_DURATION_MIN
      || request->duration > SEEDANCE_DURATION_MAX)
    return field_error (error, SEEDANCE_FIELD_DURATION, "%d; allowed: %d to "
        "%d seconds", request->duration, SEEDANCE_DURATION_MIN,
        SEEDANCE_DURATION_MAX);
  if (request->execution_expires_after < SEEDANCE_EXPIRES_MIN
      || request->execution_expires_after > SEEDANCE_EXPIRES_MAX)
    return field_error (error, SEEDANCE_FIELD_EXECUTION_EXPIRES_AFTER,
        "%d; allowed: %d to %d seconds", request->execution_expires_after,
        SEEDANCE_EXPIRES_MIN, SEEDANCE_EXPIRES_MAX);
  if (request->seed < SEEDANCE_SEED_MIN || request->seed > SEEDANCE_SEED_MAX)
    return field_error (error, SEEDANCE_FIELD_SEED, "%" G_GINT64_FORMAT
        "; allowed: -1 (random) to %" G_GINT64_FORMAT, request->seed,
        SEEDANCE_SEED_MAX);
  return TRUE;
}

/* A value set by number (g_object_set) that is none of the enum's. */
static gboolean
check_enum (GType type, gint value, SeedanceField field, GError ** error)
{
  gchar *nicks;

  if (seedance_enum_to_nick (type, value) != NULL)
    return TRUE;
  nicks = seedance_enum_nicks (type);
  field_error (error, field, "%d; allowed: %s", value, nicks);
  g_free (nicks);
  return FALSE;
}

/* The checks that need no file access. */
static gboolean
check_request (const SeedanceRequest * r, GError ** error)
{
  guint i, n_refs = list_length (r->reference_images);

  if (!check_prompt (r->prompt, error))
    return FALSE;

  if (n_refs > 0 && (r->first_frame_image || r->last_frame_image))
    return field_error (error, SEEDANCE_FIELD_REFERENCE_IMAGES, "it cannot "
        "be used together with first-frame-image or last-frame-image: "
        "use either reference images or first/last frames");

  if (!check_list (r->reference_images, SEEDANCE_FIELD_REFERENCE_IMAGES,
          SEEDANCE_MAX_REFERENCE_IMAGES, error))
    return FALSE;
  if (!check_list (r->audio_urls, SEEDANCE_FIELD_AUDIO_URLS,
          SEEDANCE_MAX_AUDIO_URLS, error))
    return FALSE;
  for (i = 0; i < list_length (r->audio_urls); i++) {
    if (!is_http_url (r->audio_urls[i]))
      return field_error (error, SEEDANCE_FIELD_AUDIO_URLS, "item %u ('%s') "
          "is not an http(s) URL; allowed: 1 to 3 http(s) URLs", i + 1,
          r->audio_urls[i]);
  }

  if (!seedance_request_check_numbers (r, error))
    return FALSE;
  return check_enum (GST_TYPE_SEEDANCE_RATIO, r->ratio, SEEDANCE_FIELD_RATIO,
      error) && check_enum (GST_TYPE_SEEDANCE_RESOLUTION, r->resolution,
      SEEDANCE_FIELD_RESOLUTION, error);
}

/* The least an image value adds to the body: its text, or for a local
 * file the base64 of its size, known before it is read. */
static guint64
image_size_floor (const gchar * value)
{
  gchar *path = NULL;
  GStatBuf st;
  guint64 size = strlen (value);

  if (has_prefix_ci (value, "http://") || has_prefix_ci (value, "https://")
      || has_prefix_ci (value, "data:"))
    return size;
  if (has_prefix_ci (value, "file:"))
    path = g_filename_from_uri (value, NULL, NULL);
  if (g_stat (path ? path : value, &st) == 0 && S_ISREG (st.st_mode))
    size = (st.st_size + 2) / 3 * 4;
  g_free (path);
  return size;
}

/* Refuses a request whose inline images alone would make the body too
 * large, before a single file is read: nine 10 MiB images would otherwise
 * be read, encoded and built whole first. */
static gboolean
check_body_floor (const SeedanceRequest * r, GError ** error)
{
  guint64 total = strlen (r->prompt);
  guint i;

  if (r->first_frame_image)
    total += image_size_floor (r->first_frame_image);
  if (r->last_frame_image)
    total += image_size_floor (r->last_frame_image);
  for (i = 0; i < list_length (r->reference_images); i++)
    total += image_size_floor (r->reference_images[i]);
  if (total <= SEEDANCE_MAX_BODY_SIZE)
    return TRUE;
  return field_error (error, list_length (r->reference_images) > 0 ?
      SEEDANCE_FIELD_REFERENCE_IMAGES : SEEDANCE_FIELD_FIRST_FRAME_IMAGE,
      "the request with its inline images would be at least %"
      G_GUINT64_FORMAT " bytes; at most %d bytes (48 MiB) are sent: put "
      "large images on http(s) URLs", total, SEEDANCE_MAX_BODY_SIZE);
}

static gboolean
add_image (JsonBuilder * builder, const gchar * value, SeedanceField field,
    const SeedanceRequest * r, GError ** error)
{
  gchar *resolved = resolve_image (value, field,
      (r->uri_fields & (1u << field)) != 0, error);

  if (resolved == NULL)
    return FALSE;
  json_builder_add_string_value (builder, resolved);
  g_free (resolved);
  return TRUE;
}

static gboolean
add_members (JsonBuilder * b, const SeedanceRequest * r, GError ** error)
{
  guint i;

  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, r->prompt);

  if (r->first_frame_image) {
    json_builder_set_member_name (b, "first_frame_image");
    if (!add_image (b, r->first_frame_image, SEEDANCE_FIELD_FIRST_FRAME_IMAGE,
            r, error))
      return FALSE;
  }
  if (r->last_frame_image) {
    json_builder_set_member_name (b, "last_frame_image");
    if (!add_image (b, r->last_frame_image, SEEDANCE_FIELD_LAST_FRAME_IMAGE,
            r, error))
      return FALSE;
  }
  if (list_length (r->reference_images) > 0) {
    json_builder_set_member_name (b, "reference_images");
    json_builder_begin_array (b);
    for (i = 0; r->reference_images[i]; i++) {
      if (!add_image (b, r->reference_images[i],
              SEEDANCE_FIELD_REFERENCE_IMAGES, r, error))
        return FALSE;
    }
    json_builder_end_array (b);
  }
  if (list_length (r->audio_urls) > 0) {
    json_builder_set_member_name (b, "audio_urls");
    json_builder_begin_array (b);
    for (i = 0; r->audio_urls[i]; i++)
      json_builder_add_string_value (b, r->audio_urls[i]);
    json_builder_end_array (b);
  }
  if (is_set (r, SEEDANCE_FIELD_CAMERA_FIXED)) {
    json_builder_set_member_name (b, "camera_fixed");
    json_builder_add_boolean_value (b, r->camera_fixed);
  }
  if (is_set (r, SEEDANCE_FIELD_DURATION)) {
    json_builder_set_member_name (b, "duration");
    json_builder_add_int_value (b, r->duration);
  }
  if (is_set (r, SEEDANCE_FIELD_EXECUTION_EXPIRES_AFTER)) {
    json_builder_set_member_name (b, "execution_expires_after");
    json_builder_add_int_value (b, r->execution_expires_after);
  }
  if (is_set (r, SEEDANCE_FIELD_GENERATE_AUDIO)) {
    json_builder_set_member_name (b, "generate_audio");
    json_builder_add_boolean_value (b, r->generate_audio);
  }
  if (is_set (r, SEEDANCE_FIELD_RATIO)) {
    json_builder_set_member_name (b, "ratio");
    json_builder_add_string_value (b,
        seedance_enum_to_nick (GST_TYPE_SEEDANCE_RATIO, r->ratio));
  }
  if (is_set (r, SEEDANCE_FIELD_RESOLUTION)) {
    json_builder_set_member_name (b, "resolution");
    json_builder_add_string_value (b,
        seedance_enum_to_nick (GST_TYPE_SEEDANCE_RESOLUTION, r->resolution));
  }
  if (is_set (r, SEEDANCE_FIELD_RETURN_LAST_FRAME)) {
    json_builder_set_member_name (b, "return_last_frame");
    json_builder_add_boolean_value (b, r->return_last_frame);
  }
  if (is_set (r, SEEDANCE_FIELD_SEED)) {
    json_builder_set_member_name (b, "seed");
    json_builder_add_int_value (b, r->seed);
  }
  return TRUE;
}

/**
 * seedance_request_build_body:
 * @request: what the user asked for
 * @length: (out) (optional): length of the body in bytes
 * @error: a #SEEDANCE_ERROR_INVALID_PROPERTY error naming the property
 *
 * Validates @request and builds the JSON body of the submission: the
 * prompt, every optional field the user set with the schema's JSON type,
 * local image files read and inlined as data: URIs.
 *
 * Returns: (transfer full) (nullable): the body, or %NULL on error.
 */
gchar *
seedance_request_build_body (const SeedanceRequest * request, gsize * length,
    GError ** error)
{
  JsonBuilder *builder;
  JsonGenerator *generator;
  JsonNode *root;
  gchar *body = NULL;
  gsize len;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_debug_category ();

  if (!check_request (request, error) || !check_body_floor (request, error))
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (!add_members (builder, request, error)) {
    g_object_unref (builder);
    return NULL;
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &len);
  json_node_unref (root);
  g_object_unref (generator);
  g_object_unref (builder);

  if (len > SEEDANCE_MAX_BODY_SIZE) {
    SeedanceField field = list_length (request->reference_images) > 0 ?
        SEEDANCE_FIELD_REFERENCE_IMAGES : SEEDANCE_FIELD_FIRST_FRAME_IMAGE;

    field_error (error, field, "the request with its inline images would be "
        "%" G_GSIZE_FORMAT " bytes; at most %d bytes (48 MiB) are sent: put "
        "large images on http(s) URLs", len, SEEDANCE_MAX_BODY_SIZE);
    g_free (body);
    return NULL;
  }

  GST_DEBUG ("request body of %" G_GSIZE_FORMAT " bytes", len);
  if (length)
    *length = len;
  return body;
}
