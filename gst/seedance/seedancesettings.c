/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* seedancesrc's settings: its properties (their specs, defaults and
 * values), what a URI may set of them, and the checks a run makes of them
 * once, on its own copy, before anything is sent. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "seedanceclient.h"
#include "seedanceerror.h"
#include "seedancelastframe.h"
#include "seedanceparamspecs.h"
#include "seedancesettings.h"
#include "seedanceanswer.h"

#define DEFAULT_POLL_INTERVAL 2000
#define MIN_POLL_INTERVAL 10
/* poll-interval and timeout stay below these, so that either in
 * milliseconds fits a gint. */
#define MAX_POLL_INTERVAL (G_MAXINT / 1000)
#define MAX_TIMEOUT (G_MAXINT / 1000)
/* The shortest poll-interval a URI may ask for. */
#define URI_MIN_POLL_INTERVAL 1000
#define DEFAULT_TIMEOUT 1800
#define DEFAULT_CACHE_MODE GST_SEEDANCE_CACHE_MODE_REUSE
#define DEFAULT_CACHE_SIZE 4096
#define MAX_REQUESTS_PER_MINUTE 100000

G_STATIC_ASSERT (SEEDANCE_PROP_SEED - SEEDANCE_PROP_PROMPT ==
    SEEDANCE_FIELD_SEED);

static GParamSpec *properties[SEEDANCE_N_PROPERTIES];

/**
 * seedance_settings_install_properties:
 *
 * Installs seedancesrc's properties on @klass, whose set_property and
 * get_property hand them to seedance_settings_set_property() and
 * seedance_settings_get_property().
 */
void
seedance_settings_install_properties (GObjectClass * gobject_class)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  properties[SEEDANCE_PROP_PROMPT] = g_param_spec_string ("prompt", "Prompt",
      "Text describing the clip, 1 to 10000 characters (required). Refer to "
      "inputs with placeholders such as [Image 1] or [Audio 1]", NULL, flags);
  properties[SEEDANCE_PROP_FIRST_FRAME_IMAGE] =
      g_param_spec_string ("first-frame-image", "First frame image",
      "Starting frame: an http(s) URL, a data: URI, base64 image data or a "
      "local image file (sent inline, at most 10 MiB). Not with "
      "reference-images", NULL, flags);
  properties[SEEDANCE_PROP_LAST_FRAME_IMAGE] =
      g_param_spec_string ("last-frame-image", "Last frame image",
      "Ending frame, in the same forms as first-frame-image. Not with "
      "reference-images", NULL, flags);
  properties[SEEDANCE_PROP_REFERENCE_IMAGES] =
      gst_param_spec_array ("reference-images", "Reference images",
      "1 to 9 images for style or subject guidance, in the same forms as "
      "first-frame-image, e.g. \"<a.png,https://example.com/b.jpg>\". Not "
      "with first-frame-image or last-frame-image",
      g_param_spec_string ("image", "Image", "One reference image", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), flags);
  properties[SEEDANCE_PROP_AUDIO_URLS] =
      gst_param_spec_array ("audio-urls", "Audio URLs",
      "1 to 3 http(s) URLs of reference audio (rhythm, voice style), e.g. "
      "\"<https://example.com/beat.mp3>\"",
      g_param_spec_string ("audio-url", "Audio URL", "One audio URL", NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), flags);
  properties[SEEDANCE_PROP_CAMERA_FIXED] =
      g_param_spec_boolean ("camera-fixed", "Camera fixed",
      "Keep the camera fixed during the clip", FALSE, flags);
  /* The numbers' specs show their range without enforcing it: GObject
   * would only warn about a value out of range and keep the old one, and
   * the element would pay for the default. start() refuses it, naming it
   * (see seedanceparamspecs.c). */
  properties[SEEDANCE_PROP_DURATION] =
      seedance_param_spec_int ("duration", "Duration",
      "Length of the clip in seconds, 4 to 15", SEEDANCE_DURATION_MIN,
      SEEDANCE_DURATION_MAX, SEEDANCE_DURATION_DEFAULT, flags);
  properties[SEEDANCE_PROP_EXECUTION_EXPIRES_AFTER] =
      seedance_param_spec_int ("execution-expires-after",
      "Execution expires after",
      "Seconds the task may stay queued or "
      "running on the server before it expires, 3600 to 259200",
      SEEDANCE_EXPIRES_MIN, SEEDANCE_EXPIRES_MAX, SEEDANCE_EXPIRES_DEFAULT,
      flags);
  properties[SEEDANCE_PROP_GENERATE_AUDIO] =
      g_param_spec_boolean ("generate-audio", "Generate audio",
      "Generate an audio track (AAC) with the video", TRUE, flags);
  /* A number that is no ratio (g_object_set) is the element's to refuse,
   * like the numbers: never the default silently paid for. */
  properties[SEEDANCE_PROP_RATIO] = seedance_param_spec_enum ("ratio", "Ratio",
      "Aspect ratio of the clip", GST_TYPE_SEEDANCE_RATIO,
      GST_SEEDANCE_RATIO_1_1, flags);
  properties[SEEDANCE_PROP_RESOLUTION] = seedance_param_spec_enum ("resolution",
      "Resolution", "Resolution of the clip", GST_TYPE_SEEDANCE_RESOLUTION,
      GST_SEEDANCE_RESOLUTION_720P, flags);
  properties[SEEDANCE_PROP_RETURN_LAST_FRAME] =
      g_param_spec_boolean ("return-last-frame", "Return last frame",
      "Also return the clip's last frame as an image; its URL is in the "
      "seedance-task message, see last-frame-location for a file", FALSE,
      flags);
  properties[SEEDANCE_PROP_SEED] = seedance_param_spec_int64 ("seed", "Seed",
      "Random seed for reproducible clips, -1 to 4294967295; -1 = random",
      SEEDANCE_SEED_MIN, SEEDANCE_SEED_MAX, SEEDANCE_SEED_DEFAULT, flags);

  properties[SEEDANCE_PROP_API_KEY] = g_param_spec_string ("api-key", "API key",
      "Modellix API key (default: the environment variable MODELLIX_API_KEY). "
      "Sent only to api-url; reads back as \"" SEEDANCE_MASKED_KEY
      "\" when set", NULL, flags);
  /**
   * GstSeedanceSrc:api-key-file:
   *
   * A file holding the key, read when the element starts: unlike api-key
   * on a gst-launch-1.0 line, the key is then neither in the process's
   * command line nor in the launch parser's log.
   */
  properties[SEEDANCE_PROP_API_KEY_FILE] =
      g_param_spec_string ("api-key-file", "API key file",
      "Regular file holding the Modellix API key on its first line, read at "
      "start; when set it wins over api-key and MODELLIX_API_KEY. Keeps the "
      "key off the command line", NULL, flags);
  properties[SEEDANCE_PROP_API_URL] =
      g_param_spec_string ("api-url", "API URL",
      "Origin of the Modellix API; https, or http on a loopback host. The "
      "environment variable MODELLIX_BASE_URL overrides the default",
      SEEDANCE_DEFAULT_API_URL, flags);
  properties[SEEDANCE_PROP_MODEL] =
      g_param_spec_string ("model", "Model",
      "Model as provider/model; requests go to "
      "{api-url}/api/v1/{model}/async", SEEDANCE_DEFAULT_MODEL, flags);
  properties[SEEDANCE_PROP_TASK_ID] =
      g_param_spec_string ("task-id", "Task ID",
      "Set to resume an existing task without paying again; after a "
      "submission it holds the new task's id", NULL, flags);
  properties[SEEDANCE_PROP_POLL_INTERVAL] =
      seedance_param_spec_uint ("poll-interval", "Poll interval",
      "Milliseconds between task queries, 10 to 2147483; after 30 s the "
      "interval backs off towards 10 s", MIN_POLL_INTERVAL, MAX_POLL_INTERVAL,
      DEFAULT_POLL_INTERVAL, flags);
  properties[SEEDANCE_PROP_TIMEOUT] =
      seedance_param_spec_uint ("timeout", "Timeout",
      "Longest wait for the task in seconds, 0 to 2147483, 0 = no limit; the "
      "task can be resumed afterwards with task-id", 0, MAX_TIMEOUT,
      DEFAULT_TIMEOUT, flags);
  properties[SEEDANCE_PROP_CACHE_MODE] =
      g_param_spec_enum ("cache-mode", "Cache mode",
      "What the task journal and clip cache in cache-dir do: reuse plays the "
      "cached clip of a request made before or resumes its task, resume only "
      "resumes unfinished tasks, off submits every time",
      GST_TYPE_SEEDANCE_CACHE_MODE, DEFAULT_CACHE_MODE, flags);
  properties[SEEDANCE_PROP_CACHE_DIR] =
      g_param_spec_string ("cache-dir", "Cache directory",
      "Where the task journal and the cached clips are "
      "kept (NULL: $XDG_CACHE_HOME/gst-seedance); never holds the key", NULL,
      flags);
  properties[SEEDANCE_PROP_CACHE_SIZE] =
      g_param_spec_uint ("cache-size", "Cache size",
      "MiB of clips kept in cache-dir; the least recently used ones go "
      "first", 0, G_MAXINT, DEFAULT_CACHE_SIZE, flags);
  /**
   * GstSeedanceSrc:last-frame-location:
   *
   * A file the clip's last frame is written to on every run, cached or
   * not, before the clip's first byte goes downstream: set
   * first-frame-image to it to chain the next shot. The frame is kept in
   * the clip cache beside the clip, so a rerun writes it again for
   * nothing. Needs return-last-frame=true; a URI cannot set it.
   */
  properties[SEEDANCE_PROP_LAST_FRAME_LOCATION] =
      g_param_spec_string ("last-frame-location", "Last frame location",
      "File the clip's last frame (a PNG, JPEG or WebP image) is written to "
      "on every run, from the cache on a rerun; needs return-last-frame=true "
      "and an existing directory", NULL, flags);
  /**
   * GstSeedanceSrc:requests-per-minute:
   *
   * The key's request budget: every source of the key in the process, and
   * in the processes that share its cache-dir, spaces its API requests
   * (submissions and task queries, not downloads) evenly within it, and
   * a 429 pauses them all. poll-interval is what one source asks for;
   * the budget wins. The environment variable MODELLIX_REQUESTS_PER_MINUTE
   * sets the default. A URI cannot set it.
   */
  properties[SEEDANCE_PROP_REQUESTS_PER_MINUTE] =
      seedance_param_spec_uint ("requests-per-minute", "Requests per minute",
      "The API key's request budget, shared by every source of the key (and "
      "by processes sharing cache-dir), 0 to 100000 a minute, 0 = no limit; "
      "default: MODELLIX_REQUESTS_PER_MINUTE, else the API's 100", 0,
      MAX_REQUESTS_PER_MINUTE, SEEDANCE_DEFAULT_REQUESTS_PER_MINUTE, flags);

  g_object_class_install_properties (gobject_class, SEEDANCE_N_PROPERTIES,
      properties);
}

GParamSpec *
seedance_settings_get_pspec (SeedanceProperty id)
{
  g_return_val_if_fail (id > SEEDANCE_PROP_0 && id < SEEDANCE_N_PROPERTIES,
      NULL);

  return properties[id];
}

/* A URI comes from playlists, projects and links the user did not write:
 * it describes the request and how long to wait for it, never where the
 * key goes (api-url, model), how fast it is spent (requests-per-minute)
 * or where files are written (cache-*, last-frame-location). */
gboolean
seedance_settings_is_uri_property (guint id)
{
  switch (id) {
    case SEEDANCE_PROP_API_KEY:
    case SEEDANCE_PROP_API_KEY_FILE:
    case SEEDANCE_PROP_API_URL:
    case SEEDANCE_PROP_MODEL:
    case SEEDANCE_PROP_CACHE_MODE:
    case SEEDANCE_PROP_CACHE_DIR:
    case SEEDANCE_PROP_CACHE_SIZE:
    case SEEDANCE_PROP_LAST_FRAME_LOCATION:
    case SEEDANCE_PROP_REQUESTS_PER_MINUTE:
      return FALSE;
    default:
      return id >= SEEDANCE_PROP_PROMPT && id < SEEDANCE_N_PROPERTIES;
  }
}

/* Polls spend the key's request budget: a link may slow them down, never
 * speed them up past one a second. */
guint
seedance_settings_uri_min_poll_interval (void)
{
  return URI_MIN_POLL_INTERVAL;
}

/* The default of requests-per-minute: MODELLIX_REQUESTS_PER_MINUTE, else
 * the API's limit. A value that is no number is an error (@error) at
 * start, never a silent default. */
static guint
environment_requests_per_minute (GError ** error)
{
  const gchar *env = g_getenv ("MODELLIX_REQUESTS_PER_MINUTE");
  guint64 value;

  if (env == NULL || *env == '\0')
    return SEEDANCE_DEFAULT_REQUESTS_PER_MINUTE;
  if (g_ascii_string_to_unsigned (env, 10, 0, MAX_REQUESTS_PER_MINUTE,
          &value, NULL))
    return value;
  seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid environment variable MODELLIX_REQUESTS_PER_MINUTE: '%s'; "
      "allowed: 0 (no limit) to %u requests a minute", env,
      MAX_REQUESTS_PER_MINUTE);
  return SEEDANCE_DEFAULT_REQUESTS_PER_MINUTE;
}

static const gchar *
environment_api_url (void)
{
  const gchar *env = g_getenv ("MODELLIX_BASE_URL");

  return env && *env ? env : SEEDANCE_DEFAULT_API_URL;
}

/* What a new element has: the key and origin of the environment. */
void
seedance_settings_init (SeedanceSettings * settings)
{
  memset (settings, 0, sizeof (*settings));
  settings->api_key = g_strdup (g_getenv ("MODELLIX_API_KEY"));
  settings->api_key_source = settings->api_key ? "MODELLIX_API_KEY" : "api-key";
  settings->api_url = g_strdup (environment_api_url ());
  settings->model = g_strdup (SEEDANCE_DEFAULT_MODEL);
  settings->cache_mode = DEFAULT_CACHE_MODE;
  settings->cache_size = DEFAULT_CACHE_SIZE;
  settings->requests_per_minute = SEEDANCE_DEFAULT_REQUESTS_PER_MINUTE;
  seedance_settings_reset_uri (settings);
}

void
seedance_settings_copy (SeedanceSettings * dest, const SeedanceSettings * src)
{
  *dest = *src;
  seedance_request_copy (&dest->request, &src->request);
  dest->api_key = g_strdup (src->api_key);
  dest->api_key_file = g_strdup (src->api_key_file);
  dest->api_url = g_strdup (src->api_url);
  dest->model = g_strdup (src->model);
  dest->task_id = g_strdup (src->task_id);
  dest->cache_dir = g_strdup (src->cache_dir);
  dest->last_frame_location = g_strdup (src->last_frame_location);
}

/* Overwrites a secret before it is freed. */
void
seedance_clear_secret (gchar ** secret)
{
  if (*secret)
    memset (*secret, 0, strlen (*secret));
  g_clear_pointer (secret, g_free);
}

void
seedance_settings_clear (SeedanceSettings * settings)
{
  seedance_request_clear (&settings->request);
  seedance_clear_secret (&settings->api_key);
  g_clear_pointer (&settings->api_key_file, g_free);
  g_clear_pointer (&settings->api_url, g_free);
  g_clear_pointer (&settings->model, g_free);
  g_clear_pointer (&settings->task_id, g_free);
  g_clear_pointer (&settings->cache_dir, g_free);
  g_clear_pointer (&settings->last_frame_location, g_free);
}

/* Every property a URI may set back to what a new element has; what a URI
 * cannot set (the key, its origin, the cache) stays as the application
 * set it. */
void
seedance_settings_reset_uri (SeedanceSettings * settings)
{
  /* Clearing leaves the request as seedance_request_init() makes it. */
  seedance_request_clear (&settings->request);
  g_clear_pointer (&settings->task_id, g_free);
  settings->poll_interval = DEFAULT_POLL_INTERVAL;
  settings->timeout = DEFAULT_TIMEOUT;
}

/* A GstValueArray of strings into a NULL-terminated vector; an empty array
 * is no list at all. */
static GStrv
strv_from_value_array (const GValue * value)
{
  guint n = gst_value_array_get_size (value), i;
  GStrv strv;

  if (n == 0)
    return NULL;
  strv = g_new0 (gchar *, n + 1);
  for (i = 0; i < n; i++) {
    const GValue *item = gst_value_array_get_value (value, i);

    strv[i] = g_strdup (G_VALUE_HOLDS_STRING (item) ?
        g_value_get_string (item) : NULL);
    if (strv[i] == NULL)
      strv[i] = g_strdup ("");
  }
  return strv;
}

static void
value_array_from_strv (GValue * value, GStrv strv)
{
  GValue item = G_VALUE_INIT;

  g_value_init (&item, G_TYPE_STRING);
  for (; strv && *strv; strv++) {
    g_value_set_string (&item, *strv);
    gst_value_array_append_value (value, &item);
  }
  g_value_unset (&item);
}

/**
 * seedance_settings_set_property:
 *
 * Sets property @id (a SeedanceProperty) from @value, as the user gave
 * it: a value out of range is kept, for the run to refuse. The caller
 * holds the element's object lock.
 */
void
seedance_settings_set_property (SeedanceSettings * settings, guint id,
    const GValue * value)
{
  SeedanceRequest *r = &settings->request;

  switch (id) {
    case SEEDANCE_PROP_PROMPT:
      g_free (r->prompt);
      r->prompt = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_FIRST_FRAME_IMAGE:
      g_free (r->first_frame_image);
      r->first_frame_image = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_LAST_FRAME_IMAGE:
      g_free (r->last_frame_image);
      r->last_frame_image = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_REFERENCE_IMAGES:
      g_strfreev (r->reference_images);
      r->reference_images = strv_from_value_array (value);
      break;
    case SEEDANCE_PROP_AUDIO_URLS:
      g_strfreev (r->audio_urls);
      r->audio_urls = strv_from_value_array (value);
      break;
    case SEEDANCE_PROP_CAMERA_FIXED:
      r->camera_fixed = g_value_get_boolean (value);
      break;
    case SEEDANCE_PROP_DURATION:
      r->duration = g_value_get_int (value);
      break;
    case SEEDANCE_PROP_EXECUTION_EXPIRES_AFTER:
      r->execution_expires_after = g_value_get_int (value);
      break;
    case SEEDANCE_PROP_GENERATE_AUDIO:
      r->generate_audio = g_value_get_boolean (value);
      break;
    case SEEDANCE_PROP_RATIO:
      r->ratio = g_value_get_enum (value);
      break;
    case SEEDANCE_PROP_RESOLUTION:
      r->resolution = g_value_get_enum (value);
      break;
    case SEEDANCE_PROP_RETURN_LAST_FRAME:
      r->return_last_frame = g_value_get_boolean (value);
      break;
    case SEEDANCE_PROP_SEED:
      r->seed = g_value_get_int64 (value);
      break;
    case SEEDANCE_PROP_API_KEY:
      seedance_clear_secret (&settings->api_key);
      settings->api_key = g_value_dup_string (value);
      settings->api_key_source = "api-key";
      break;
    case SEEDANCE_PROP_API_KEY_FILE:
      g_free (settings->api_key_file);
      settings->api_key_file = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_API_URL:
      g_free (settings->api_url);
      settings->api_url = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_MODEL:
      g_free (settings->model);
      settings->model = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_TASK_ID:
      g_free (settings->task_id);
      settings->task_id = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_POLL_INTERVAL:
      settings->poll_interval = g_value_get_uint (value);
      break;
    case SEEDANCE_PROP_TIMEOUT:
      settings->timeout = g_value_get_uint (value);
      break;
    case SEEDANCE_PROP_CACHE_MODE:
      settings->cache_mode = g_value_get_enum (value);
      break;
    case SEEDANCE_PROP_CACHE_DIR:
      g_free (settings->cache_dir);
      settings->cache_dir = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_CACHE_SIZE:
      settings->cache_size = g_value_get_uint (value);
      break;
    case SEEDANCE_PROP_LAST_FRAME_LOCATION:
      g_free (settings->last_frame_location);
      settings->last_frame_location = g_value_dup_string (value);
      break;
    case SEEDANCE_PROP_REQUESTS_PER_MINUTE:
      settings->requests_per_minute = g_value_get_uint (value);
      settings->requests_per_minute_set = TRUE;
      break;
    default:
      g_return_if_reached ();
  }
  /* Only fields the user set go into the request; the server applies its
   * own defaults to the others. */
  if (id >= SEEDANCE_PROP_PROMPT && id <= SEEDANCE_PROP_SEED) {
    guint bit = 1u << (id - SEEDANCE_PROP_PROMPT);

    r->set_fields |= bit;
    /* What a URI set is held to a URI's rules, until set again. */
    if (settings->setting_uri)
      r->uri_fields |= bit;
    else
      r->uri_fields &= ~bit;
  }
}

/**
 * seedance_settings_get_property:
 *
 * The value of property @id; the key reads back masked. The caller holds
 * the element's object lock.
 */
void
seedance_settings_get_property (const SeedanceSettings * settings, guint id,
    GValue * value)
{
  const SeedanceRequest *r = &settings->request;

  switch (id) {
    case SEEDANCE_PROP_PROMPT:
      g_value_set_string (value, r->prompt);
      break;
    case SEEDANCE_PROP_FIRST_FRAME_IMAGE:
      g_value_set_string (value, r->first_frame_image);
      break;
    case SEEDANCE_PROP_LAST_FRAME_IMAGE:
      g_value_set_string (value, r->last_frame_image);
      break;
    case SEEDANCE_PROP_REFERENCE_IMAGES:
      value_array_from_strv (value, r->reference_images);
      break;
    case SEEDANCE_PROP_AUDIO_URLS:
      value_array_from_strv (value, r->audio_urls);
      break;
    case SEEDANCE_PROP_CAMERA_FIXED:
      g_value_set_boolean (value, r->camera_fixed);
      break;
    case SEEDANCE_PROP_DURATION:
      g_value_set_int (value, r->duration);
      break;
    case SEEDANCE_PROP_EXECUTION_EXPIRES_AFTER:
      g_value_set_int (value, r->execution_expires_after);
      break;
    case SEEDANCE_PROP_GENERATE_AUDIO:
      g_value_set_boolean (value, r->generate_audio);
      break;
    case SEEDANCE_PROP_RATIO:
      g_value_set_enum (value, r->ratio);
      break;
    case SEEDANCE_PROP_RESOLUTION:
      g_value_set_enum (value, r->resolution);
      break;
    case SEEDANCE_PROP_RETURN_LAST_FRAME:
      g_value_set_boolean (value, r->return_last_frame);
      break;
    case SEEDANCE_PROP_SEED:
      g_value_set_int64 (value, r->seed);
      break;
    case SEEDANCE_PROP_API_KEY:
      /* The key is a secret: tell only whether one is set. */
      g_value_set_string (value, settings->api_key && *settings->api_key ?
          SEEDANCE_MASKED_KEY : NULL);
      break;
    case SEEDANCE_PROP_API_KEY_FILE:
      g_value_set_string (value, settings->api_key_file);
      break;
    case SEEDANCE_PROP_API_URL:
      g_value_set_string (value, settings->api_url);
      break;
    case SEEDANCE_PROP_MODEL:
      g_value_set_string (value, settings->model);
      break;
    case SEEDANCE_PROP_TASK_ID:
      g_value_set_string (value, settings->task_id);
      break;
    case SEEDANCE_PROP_POLL_INTERVAL:
      g_value_set_uint (value, settings->poll_interval);
      break;
    case SEEDANCE_PROP_TIMEOUT:
      g_value_set_uint (value, settings->timeout);
      break;
    case SEEDANCE_PROP_CACHE_MODE:
      g_value_set_enum (value, settings->cache_mode);
      break;
    case SEEDANCE_PROP_CACHE_DIR:
      g_value_set_string (value, settings->cache_dir);
      break;
    case SEEDANCE_PROP_CACHE_SIZE:
      g_value_set_uint (value, settings->cache_size);
      break;
    case SEEDANCE_PROP_LAST_FRAME_LOCATION:
      g_value_set_string (value, settings->last_frame_location);
      break;
    case SEEDANCE_PROP_REQUESTS_PER_MINUTE:
      g_value_set_uint (value, settings->requests_per_minute_set ?
          settings->requests_per_minute :
          environment_requests_per_minute (NULL));
      break;
    default:
      g_return_if_reached ();
  }
}

static gboolean
check_task_id (const gchar * task_id, GError ** error)
{
  if (task_id && *task_id == '\0') {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'task-id': it is empty (an unset shell variable?); "
        "set the id of the task to resume, or leave task-id unset to submit "
        "a new one");
    return FALSE;
  }
  if (task_id == NULL || seedance_task_id_is_safe (task_id))
    return TRUE;
  seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid property 'task-id': '%s'; allowed: a task id as the API gives "
      "it, 1 to 256 letters, digits, '-', '.', '_' or '~', not '.' or '..'",
      task_id);
  return FALSE;
}

static gboolean
check_wait (guint poll_interval, guint timeout, GError ** error)
{
  if (poll_interval < MIN_POLL_INTERVAL || poll_interval > MAX_POLL_INTERVAL) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'poll-interval': %u; allowed: %d to %d ms",
        poll_interval, MIN_POLL_INTERVAL, MAX_POLL_INTERVAL);
    return FALSE;
  }
  if (timeout > MAX_TIMEOUT) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'timeout': %u; allowed: 0 (no limit) to %d seconds",
        timeout, MAX_TIMEOUT);
    return FALSE;
  }
  return TRUE;
}

/**
 * seedance_settings_check:
 * @settings: a run's copy of the settings
 * @origin: (out): the API origin, normalised
 *
 * Checks the settings once, as a run starts and before anything is sent:
 * the key (read from api-key-file when set, which then wins), its origin
 * and model, the task id, the request's numbers (also when a task is
 * resumed, which builds no request), the waits and the last frame's
 * location; and takes requests-per-minute from the environment when it
 * was not set.
 *
 * Returns: FALSE with an error naming the property and what is allowed.
 */
gboolean
seedance_settings_check (SeedanceSettings * settings, gchar ** origin,
    GError ** error)
{
  GError *env_error = NULL;

  if (!settings->requests_per_minute_set) {
    settings->requests_per_minute =
        environment_requests_per_minute (&env_error);
    if (env_error) {
      g_propagate_error (error, env_error);
      return FALSE;
    }
  }
  if (settings->api_key_file && *settings->api_key_file) {
    seedance_clear_secret (&settings->api_key);
    if (!(settings->api_key = seedance_read_key_file (settings->api_key_file,
                error)))
      return FALSE;
    settings->api_key_source = "api-key-file";
  }
  return seedance_check_api_key (settings->api_key, settings->api_key_source,
      error)
      && seedance_check_api_url (settings->api_url, origin, error)
      && seedance_check_model (settings->model, error)
      && check_task_id (settings->task_id, error)
      && seedance_request_check_numbers (&settings->request, error)
      && check_wait (settings->poll_interval, settings->timeout, error)
      && seedance_last_frame_check_location (settings->last_frame_location,
      &settings->request, error);
}
