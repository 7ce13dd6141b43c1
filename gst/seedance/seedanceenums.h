/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_ENUMS_H__
#define __SEEDANCE_ENUMS_H__

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * GstSeedanceRatio:
 * @GST_SEEDANCE_RATIO_21_9: 21:9
 * @GST_SEEDANCE_RATIO_16_9: 16:9
 * @GST_SEEDANCE_RATIO_4_3: 4:3
 * @GST_SEEDANCE_RATIO_1_1: 1:1
 * @GST_SEEDANCE_RATIO_3_4: 3:4
 * @GST_SEEDANCE_RATIO_9_16: 9:16
 *
 * Aspect ratio of the generated clip. The nick of each value is the string
 * the API expects.
 */
typedef enum
{
  GST_SEEDANCE_RATIO_21_9,
  GST_SEEDANCE_RATIO_16_9,
  GST_SEEDANCE_RATIO_4_3,
  GST_SEEDANCE_RATIO_1_1,
  GST_SEEDANCE_RATIO_3_4,
  GST_SEEDANCE_RATIO_9_16,
} GstSeedanceRatio;

/**
 * GstSeedanceResolution:
 * @GST_SEEDANCE_RESOLUTION_480P: 480p
 * @GST_SEEDANCE_RESOLUTION_720P: 720p
 *
 * Output resolution of the generated clip (the Fast model has no 1080p).
 */
typedef enum
{
  GST_SEEDANCE_RESOLUTION_480P,
  GST_SEEDANCE_RESOLUTION_720P,
} GstSeedanceResolution;

/**
 * GstSeedanceCacheMode:
 * @GST_SEEDANCE_CACHE_MODE_REUSE: a request made before is not paid again:
 *   its cached clip is played, or its unfinished task resumed
 * @GST_SEEDANCE_CACHE_MODE_RESUME: unfinished tasks are resumed; a request
 *   that finished before is generated anew
 * @GST_SEEDANCE_CACHE_MODE_OFF: no journal and no cache: every run submits
 *
 * What the element does with the task journal and clip cache.
 */
typedef enum
{
  GST_SEEDANCE_CACHE_MODE_REUSE,
  GST_SEEDANCE_CACHE_MODE_RESUME,
  GST_SEEDANCE_CACHE_MODE_OFF,
} GstSeedanceCacheMode;

#define GST_TYPE_SEEDANCE_CACHE_MODE (gst_seedance_cache_mode_get_type ())
GType gst_seedance_cache_mode_get_type (void);

#define GST_TYPE_SEEDANCE_RATIO (gst_seedance_ratio_get_type ())
GType gst_seedance_ratio_get_type (void);

#define GST_TYPE_SEEDANCE_RESOLUTION (gst_seedance_resolution_get_type ())
GType gst_seedance_resolution_get_type (void);

const gchar *seedance_enum_to_nick (GType enum_type, gint value);
gchar *      seedance_enum_nicks (GType enum_type);

G_END_DECLS

#endif /* __SEEDANCE_ENUMS_H__ */
