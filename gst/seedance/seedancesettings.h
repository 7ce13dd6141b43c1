/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_SETTINGS_H__
#define __SEEDANCE_SETTINGS_H__

#include <gst/gst.h>

#include "seedanceenums.h"
#include "seedancerequest.h"

G_BEGIN_DECLS

/* seedancesrc's properties. The request's come first, in SeedanceField
 * order, so that id - SEEDANCE_PROP_PROMPT is the field. */
typedef enum
{
  SEEDANCE_PROP_0,
  SEEDANCE_PROP_PROMPT,
  SEEDANCE_PROP_FIRST_FRAME_IMAGE,
  SEEDANCE_PROP_LAST_FRAME_IMAGE,
  SEEDANCE_PROP_REFERENCE_IMAGES,
  SEEDANCE_PROP_AUDIO_URLS,
  SEEDANCE_PROP_CAMERA_FIXED,
  SEEDANCE_PROP_DURATION,
  SEEDANCE_PROP_EXECUTION_EXPIRES_AFTER,
  SEEDANCE_PROP_GENERATE_AUDIO,
  SEEDANCE_PROP_RATIO,
  SEEDANCE_PROP_RESOLUTION,
  SEEDANCE_PROP_RETURN_LAST_FRAME,
  SEEDANCE_PROP_SEED,
  SEEDANCE_PROP_API_KEY,
  SEEDANCE_PROP_API_KEY_FILE,
  SEEDANCE_PROP_API_URL,
  SEEDANCE_PROP_MODEL,
  SEEDANCE_PROP_TASK_ID,
  SEEDANCE_PROP_POLL_INTERVAL,
  SEEDANCE_PROP_TIMEOUT,
  SEEDANCE_PROP_CACHE_MODE,
  SEEDANCE_PROP_CACHE_DIR,
  SEEDANCE_PROP_CACHE_SIZE,
  SEEDANCE_PROP_LAST_FRAME_LOCATION,
  SEEDANCE_PROP_REQUESTS_PER_MINUTE,
  SEEDANCE_N_PROPERTIES
} SeedanceProperty;

/* What the user set on a seedancesrc: the properties' values, under the
 * element's object lock, copied once a run starts and checked there. */
typedef struct
{
  SeedanceRequest request;      /* the request fields */
  gchar *api_key;               /* secret: never logged or read back */
  gchar *api_key_file;          /* file holding the key, wins when set */
  const gchar *api_key_source;  /* the property the key came from */
  gchar *api_url;
  gchar *model;
  gchar *task_id;               /* to resume; set once a task exists */
  guint poll_interval;          /* ms before the first poll */
  guint timeout;                /* s for the whole wait, 0 = none */
  GstSeedanceCacheMode cache_mode;
  gchar *cache_dir;             /* NULL: $XDG_CACHE_HOME/gst-seedance */
  guint cache_size;             /* MiB of clips kept */
  gchar *last_frame_location;   /* file the last frame is written to */
  guint requests_per_minute;    /* the key's budget, 0 = none */
  gboolean requests_per_minute_set;     /* else MODELLIX_REQUESTS_PER_MINUTE */
  gboolean setting_uri;         /* set_uri() is setting the properties */
} SeedanceSettings;

void         seedance_settings_install_properties (GObjectClass * klass);
GParamSpec * seedance_settings_get_pspec (SeedanceProperty id);
gboolean     seedance_settings_is_uri_property (guint id);
guint        seedance_settings_uri_min_poll_interval (void);

void         seedance_settings_init (SeedanceSettings * settings);
void         seedance_settings_copy (SeedanceSettings * dest,
                                     const SeedanceSettings * src);
void         seedance_settings_clear (SeedanceSettings * settings);
void         seedance_settings_reset_uri (SeedanceSettings * settings);

void         seedance_settings_set_property (SeedanceSettings * settings,
                                             guint id, const GValue * value);
void         seedance_settings_get_property (const SeedanceSettings * settings,
                                             guint id, GValue * value);

gboolean     seedance_settings_check (SeedanceSettings * settings,
                                      gchar ** origin, GError ** error);

void         seedance_clear_secret (gchar ** secret);

G_END_DECLS

#endif /* __SEEDANCE_SETTINGS_H__ */
