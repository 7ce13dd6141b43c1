/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_REQUEST_H__
#define __SEEDANCE_REQUEST_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * SeedanceField:
 *
 * The fields of the Seedance 2.0 Fast request schema, in schema order. The
 * property of each is its name with '-' for '_'.
 */
typedef enum
{
  SEEDANCE_FIELD_PROMPT,
  SEEDANCE_FIELD_FIRST_FRAME_IMAGE,
  SEEDANCE_FIELD_LAST_FRAME_IMAGE,
  SEEDANCE_FIELD_REFERENCE_IMAGES,
  SEEDANCE_FIELD_AUDIO_URLS,
  SEEDANCE_FIELD_CAMERA_FIXED,
  SEEDANCE_FIELD_DURATION,
  SEEDANCE_FIELD_EXECUTION_EXPIRES_AFTER,
  SEEDANCE_FIELD_GENERATE_AUDIO,
  SEEDANCE_FIELD_RATIO,
  SEEDANCE_FIELD_RESOLUTION,
  SEEDANCE_FIELD_RETURN_LAST_FRAME,
  SEEDANCE_FIELD_SEED,
  SEEDANCE_N_FIELDS
} SeedanceField;

/* Limits of the schema and our own bounds on what we send. */
#define SEEDANCE_PROMPT_MAX_CHARS 10000
#define SEEDANCE_MAX_REFERENCE_IMAGES 9
#define SEEDANCE_MAX_AUDIO_URLS 3
#define SEEDANCE_DURATION_MIN 4
#define SEEDANCE_DURATION_MAX 15
#define SEEDANCE_DURATION_DEFAULT 5
#define SEEDANCE_EXPIRES_MIN 3600
#define SEEDANCE_EXPIRES_MAX 259200
#define SEEDANCE_EXPIRES_DEFAULT 172800
#define SEEDANCE_SEED_MIN G_GINT64_CONSTANT (-1)
#define SEEDANCE_SEED_MAX G_GINT64_CONSTANT (4294967295)
#define SEEDANCE_SEED_DEFAULT G_GINT64_CONSTANT (-1)
/* A local image file is sent inline; larger images belong on a URL. */
#define SEEDANCE_MAX_IMAGE_FILE_SIZE (10 * 1024 * 1024)
/* Bound on the whole JSON body, inline images included. */
#define SEEDANCE_MAX_BODY_SIZE (48 * 1024 * 1024)

/**
 * SeedanceRequest:
 *
 * What the user asked for, as set on the element's properties. Enum fields
 * hold GstSeedanceRatio / GstSeedanceResolution values. @set_fields has bit
 * (1 << SeedanceField) for each field the user set explicitly: only those
 * go into the request body, the server applies its defaults to the rest.
 * @uri_fields has the bits of the fields a seedance:// URI set: a URI is
 * untrusted, so their images may not name local files.
 */
typedef struct
{
  gchar *prompt;
  gchar *first_frame_image;
  gchar *last_frame_image;
  GStrv reference_images;       /* NULL or empty: not set */
  GStrv audio_urls;             /* NULL or empty: not set */
  gboolean camera_fixed;
  gint duration;                /* seconds */
  gint execution_expires_after; /* seconds */
  gboolean generate_audio;
  gint ratio;                   /* GstSeedanceRatio */
  gint resolution;              /* GstSeedanceResolution */
  gboolean return_last_frame;
  gint64 seed;                  /* -1 = random */
  guint set_fields;
  guint uri_fields;
} SeedanceRequest;

void         seedance_request_init (SeedanceRequest * request);
void         seedance_request_clear (SeedanceRequest * request);
void         seedance_request_copy (SeedanceRequest * dest, const SeedanceRequest * src);

const gchar *seedance_field_name (SeedanceField field);
const gchar *seedance_field_property_name (SeedanceField field);
const gchar *seedance_image_sniff_mime (const guint8 * data, gsize len);

gboolean     seedance_request_check_numbers (const SeedanceRequest * request,
                                             GError ** error);

gchar *      seedance_request_build_body (const SeedanceRequest * request,
                                          gsize * length, GError ** error);

G_END_DECLS

#endif /* __SEEDANCE_REQUEST_H__ */
