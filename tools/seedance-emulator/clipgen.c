/* seedance-emulator: renders the MP4 clips the emulator serves
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* A clip is what the real service would send back for a request: an MP4
 * with H.264 video of exactly duration * 24 frames at the requested frame
 * size, AAC audio when asked for, the prompt drawn on every frame and, when
 * the request carried one inline, the first frame image as the picture.
 * Clips are cached on disk under the SHA-256 of everything that shapes them,
 * so a test suite renders each distinct clip once; files are written under
 * temporary names and linked into place, so parallel test processes can
 * share the cache. */

#include "clipgen.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/video/video.h>

GST_DEBUG_CATEGORY_STATIC (clipgen_debug);
#define GST_CAT_DEFAULT clipgen_debug

#define CLIP_FPS 24u
/* Bumped whenever the rendering changes, so stale cache entries are not
 * served for new code. */
#define CLIP_CACHE_VERSION "seedance-emulator clip v1"
/* The prompt is drawn truncated to this many characters. */
#define OVERLAY_MAX_CHARS 280
/* A render that takes longer than this is stuck, not slow. */
#define RENDER_TIMEOUT (120 * GST_SECOND)
/* 48 kHz audio in buffers of 100 ms, so the track is exactly duration long. */
#define AUDIO_RATE 48000u
#define AUDIO_SAMPLES_PER_BUFFER 4800u

static void
clipgen_init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (clipgen_debug, "seedance-clipgen", 0,
        "seedance emulator clip renderer");
    g_once_init_leave (&done, 1);
  }
}

/**
 * seedance_clip_params_new:
 *
 * Returns: (transfer full): zeroed clip parameters, freed with
 *   seedance_clip_params_free().
 */
SeedanceClipParams *
seedance_clip_params_new (void)
{
  return g_new0 (SeedanceClipParams, 1);
}

/**
 * seedance_clip_params_free:
 * @params: (nullable): clip parameters
 *
 * Frees @params and the strings it holds.
 */
void
seedance_clip_params_free (SeedanceClipParams * params)
{
  if (params == NULL)
    return;

  g_free (params->prompt);
  g_free (params->ratio);
  g_free (params->resolution);
  g_free (params->first_frame);
  g_free (params);
}

static gboolean
element_available (const gchar * name)
{
  GstElementFactory *factory;

  factory = gst_element_factory_find (name);
  if (factory == NULL)
    return FALSE;
  gst_object_unref (factory);
  return TRUE;
}

/* Base64 in either alphabet (+/ or -_), whitespace allowed. */
static gboolean
is_base64_text (const gchar * text)
{
  const gchar *p;
  gboolean any = FALSE;

  for (p = text; *p != '\0'; p++) {
    if (g_ascii_isalnum (*p) || strchr ("+/-_=", *p) != NULL)
      any = TRUE;
    else if (!g_ascii_isspace (*p))
      return FALSE;
  }
  return any;
}

static GBytes *
base64_decode_bytes (const gchar * text)
{
  gchar *copy, *p;
  guchar *data;
  gsize len = 0;

  /* Accept the URL-safe alphabet as well: g_base64_decode() would skip
   * '-' and '_' silently and give garbage. */
  copy = g_strdup (text);
  for (p = copy; *p != '\0'; p++) {
    if (*p == '-')
      *p = '+';
    else if (*p == '_')
      *p = '/';
  }
  data = g_base64_decode (copy, &len);
  g_free (copy);
  return g_bytes_new_take (data, len);
}

/* Decodes first_frame_image when it carries the image inline. URLs are not
 * fetched (*image stays NULL: the clip shows the test pattern); inline data
 * that cannot be decoded is an error, which fails the task like a real
 * service that cannot read the image. */
static gboolean
decode_first_frame (const gchar * value, GBytes ** image, GError ** error)
{
  *image = NULL;

  if (value == NULL || *value == '\0')
    return TRUE;

  if (g_ascii_strncasecmp (value, "data:", 5) == 0) {
    const gchar *comma = strchr (value, ',');
    gchar *meta;
    gboolean base64;

    if (comma == NULL) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
          "first_frame_image: a data: URI without a ','");
      return FALSE;
    }
    meta = g_ascii_strdown (value + 5, comma - value - 5);
    base64 = g_str_has_suffix (meta, ";base64");
    g_free (meta);

    if (base64) {
      if (!is_base64_text (comma + 1)) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
            "first_frame_image: the data: URI holds no valid base64 data");
        return FALSE;
      }
      *image = base64_decode_bytes (comma + 1);
    } else {
      *image = g_uri_unescape_bytes (comma + 1, -1, NULL, error);
      if (*image == NULL)
        return FALSE;
    }
  } else if (strstr (value, "://") != NULL) {
    GST_INFO ("not fetching first frame URL, rendering the test pattern");
    return TRUE;
  } else if (is_base64_text (value)) {
    *image = base64_decode_bytes (value);
  } else {
    GST_INFO ("first frame is neither a URL nor base64, ignoring it");
    return TRUE;
  }

  if (g_bytes_get_size (*image) == 0) {
    g_clear_pointer (image, g_bytes_unref);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
        "first_frame_image: the inline image is empty");
    return FALSE;
  }
  return TRUE;
}

static void
hash_field (GChecksum * checksum, const gchar * name, const gchar * value)
{
  gchar *field;

  /* Lengths make the encoding unambiguous whatever the prompt contains. */
  field = g_strdup_printf ("%s=%" G_GSIZE_FORMAT ":", name, strlen (value));
  g_checksum_update (checksum, (const guchar *) field, -1);
  g_checksum_update (checksum, (const guchar *) value, -1);
  g_checksum_update (checksum, (const guchar *) "\n", 1);
  g_free (field);
}

static gchar *
clip_hash (const SeedanceClipParams * params, GBytes * image,
    gboolean have_text)
{
  GChecksum *checksum;
  gchar *number, *image_hash;
  gchar *hash;

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  hash_field (checksum, "version", CLIP_CACHE_VERSION);
  hash_field (checksum, "prompt", params->prompt);
  number = g_strdup_printf ("%u", params->duration);
  hash_field (checksum, "duration", number);
  g_free (number);
  hash_field (checksum, "ratio", params->ratio);
  hash_field (checksum, "resolution", params->resolution);
  number = g_strdup_printf ("%ux%u", params->width, params->height);
  hash_field (checksum, "size", number);
  g_free (number);
  hash_field (checksum, "audio", params->audio ? "true" : "false");
  hash_field (checksum, "faststart", params->faststart ? "true" : "false");
  /* A clip rendered where textoverlay is missing lacks the prompt. */
  hash_field (checksum, "text", have_text ? "true" : "false");
  if (image != NULL) {
    image_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, image);
    hash_field (checksum, "first_frame", image_hash);
    g_free (image_hash);
  } else {
    hash_field (checksum, "first_frame", "none");
  }
  hash = g_strdup (g_checksum_get_string (checksum));
  g_checksum_free (checksum);
  return hash;
}

/* The prompt goes into textoverlay's "text" property, which is always parsed
 * as Pango markup: make it valid UTF-8, printable, short, and escaped, so
 * that no prompt can inject markup or make Pango warn. */
static gchar *
overlay_text (const gchar * prompt)
{
  gchar *valid, *escaped;
  GString *text;
  const gchar *p;
  guint n = 0;

  valid = g_utf8_make_valid (prompt, -1);
  text = g_string_new (NULL);
  for (p = valid; *p != '\0' && n < OVERLAY_MAX_CHARS;
      p = g_utf8_next_char (p), n++) {
    gunichar c = g_utf8_get_char (p);

    if (c == '\n' || g_unichar_isprint (c))
      g_string_append_unichar (text, c);
    else
      g_string_append_c (text, ' ');
  }
  if (*p != '\0')
    g_string_append (text, "\u2026");
  g_free (valid);

  escaped = g_markup_escape_text (text->str, -1);
  g_string_free (text, TRUE);
  return escaped;
}

/* Makes an empty file from @template (which it rewrites), in the cache dir
 * so that publish_file() can link it into place. */
static gboolean
make_temp_file (gchar * template, GError ** error)
{
  gint fd;

  fd = g_mkstemp_full (template, O_RDWR, 0644);
  if (fd < 0) {
    gint err = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not create %s: %s", template, g_strerror (err));
    return FALSE;
  }
  close (fd);
  return TRUE;
}

static gboolean
write_image_file (GBytes * image, gchar * template, GError ** error)
{
  gconstpointer data;
  gsize size;

  if (!make_temp_file (template, error))
    return FALSE;
  data = g_bytes_get_data (image, &size);
  return g_file_set_contents (template, data, size, error);
}

/* Gives the finished file @tmp its name @path. link() never replaces a
 * file: when another renderer (thread or process) got there first, its
 * file stays, so a client downloading it never sees it change. */
static gboolean
publish_file (const gchar * tmp, const gchar * path, GError ** error)
{
  if (link (tmp, path) == 0 || errno == EEXIST) {
    g_unlink (tmp);
    return TRUE;
  }
  /* A file system without hard links: rename, atomic too. */
  if (g_rename (tmp, path) != 0) {
    gint err = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not rename %s to %s: %s", tmp, path, g_strerror (err));
    return FALSE;
  }
  return TRUE;
}

static gchar *
pipeline_description (const SeedanceClipParams * params, gboolean image,
    gboolean text, gboolean time, const gchar * audio_encoder)
{
  GString *desc;
  guint frames = params->duration * CLIP_FPS;

  desc = g_string_new (NULL);

  /* No string from the request goes into this description: the prompt and
   * the file names are set as properties afterwards. */
  if (image) {
    g_string_append_printf (desc,
        "filesrc name=imagesrc ! decodebin ! videoconvert ! videoscale ! "
        "video/x-raw,width=%u,height=%u,pixel-aspect-ratio=1/1 ! "
        "imagefreeze num-buffers=%u ! video/x-raw,framerate=%u/1 ! "
        "videoconvert ! video/x-raw,format=I420 ! ",
        params->width, params->height, frames, CLIP_FPS);
  } else {
    g_string_append_printf (desc,
        "videotestsrc num-buffers=%u pattern=smpte ! "
        "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1,"
        "pixel-aspect-ratio=1/1 ! ",
        frames, params->width, params->height, CLIP_FPS);
  }
  if (text)
    g_string_append (desc, "textoverlay name=prompt valignment=center "
        "halignment=center line-alignment=center shaded-background=true "
        "wrap-mode=wordchar ! ");
  if (time)
    g_string_append (desc, "timeoverlay name=time valignment=bottom "
        "halignment=right ! ");
  /* x264enc picks High 4:4:4 unless it is given 8-bit 4:2:0. */
  g_string_append_printf (desc,
      "videoconvert ! video/x-raw,format=I420 ! tee name=t "
      "t. ! queue ! x264enc speed-preset=ultrafast key-int-max=%u ! "
      "h264parse ! mp4mux name=mux faststart=%s ! filesink name=sink "
      "t. ! queue ! fakesink name=lastframe sync=false async=false "
      "enable-last-sample=true ",
      2 * CLIP_FPS, params->faststart ? "true" : "false");

  if (audio_encoder != NULL) {
    g_string_append_printf (desc,
        "audiotestsrc num-buffers=%u samplesperbuffer=%u wave=sine "
        "freq=440 volume=0.2 ! audio/x-raw,rate=%u,channels=2 ! "
        "audioconvert ! %s ! queue ! mux. ",
        params->duration * (AUDIO_RATE / AUDIO_SAMPLES_PER_BUFFER),
        AUDIO_SAMPLES_PER_BUFFER, AUDIO_RATE, audio_encoder);
  }
  return g_string_free (desc, FALSE);
}

/* Runs @pipeline to EOS; on success returns the last video frame that
 * reached the "lastframe" sink. */
static GstSample *
run_pipeline (GstElement * pipeline, GCancellable * cancellable,
    GError ** error)
{
  GstBus *bus;
  GstElement *lastframe;
  GstSample *sample = NULL;
  GstClockTime waited = 0;
  gboolean done = FALSE;

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    GST_DEBUG ("state change to PLAYING failed, the bus has the reason");

  while (!done) {
    GstMessage *msg;
    const GstClockTime step = 50 * GST_MSECOND;

    /* Polled rather than blocking so a stopping emulator can cancel. */
    msg = gst_bus_timed_pop_filtered (bus, step,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (msg != NULL) {
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        GError *err = NULL;
        gchar *debug = NULL;

        gst_message_parse_error (msg, &err, &debug);
        GST_WARNING ("render failed: %s (%s)", err->message,
            GST_STR_NULL (debug));
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
            "%s: %s", GST_MESSAGE_SRC_NAME (msg), err->message);
        g_clear_error (&err);
        g_free (debug);
      } else {
        lastframe = gst_bin_get_by_name (GST_BIN (pipeline), "lastframe");
        g_object_get (lastframe, "last-sample", &sample, NULL);
        gst_object_unref (lastframe);
        if (sample == NULL)
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
              "the pipeline produced no video frame");
      }
      gst_message_unref (msg);
      done = TRUE;
    } else if (g_cancellable_set_error_if_cancelled (cancellable, error)) {
      done = TRUE;
    } else if ((waited += step) >= RENDER_TIMEOUT) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
          "rendering took longer than %" GST_TIME_FORMAT,
          GST_TIME_ARGS (RENDER_TIMEOUT));
      done = TRUE;
    }
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return sample;
}

static gboolean
write_png (GstSample * frame, const gchar * path, GError ** error)
{
  GstCaps *caps;
  GstSample *png;
  GstBuffer *buffer;
  GstMapInfo map;
  gboolean ok;

  caps = gst_caps_new_empty_simple ("image/png");
  png = gst_video_convert_sample (frame, caps, 30 * GST_SECOND, error);
  gst_caps_unref (caps);
  if (png == NULL)
    return FALSE;

  buffer = gst_sample_get_buffer (png);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_sample_unref (png);
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
        "could not encode the last frame as PNG");
    return FALSE;
  }
  ok = g_file_set_contents (path, (const gchar *) map.data, map.size, error);
  gst_buffer_unmap (buffer, &map);
  gst_sample_unref (png);
  return ok;
}

static gboolean
render (const SeedanceClipParams * params, GBytes * image, gboolean have_text,
    const gchar * clip_path, const gchar * frame_path,
    GCancellable * cancellable, GError ** error)
{
  gchar *desc = NULL, *text;
  gchar *clip_tmp = NULL, *frame_tmp = NULL, *image_tmp = NULL;
  const gchar *audio_encoder = NULL;
  gboolean have_time;
  GstElement *pipeline = NULL, *element;
  GstSample *frame = NULL;
  GstParseContext *parse_context;
  gboolean ok = FALSE;

  if (params->audio) {
    /* voaacenc gives a track of exactly the clip's length; avenc_aac adds
     * 1024 priming samples. */
    if (element_available ("voaacenc"))
      audio_encoder = "voaacenc";
    else if (element_available ("avenc_aac"))
      audio_encoder = "avenc_aac";
    else {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
          "no AAC encoder (voaacenc or avenc_aac) is installed");
      return FALSE;
    }
  }
  have_time = element_available ("timeoverlay");

  clip_tmp = g_strdup_printf ("%s.XXXXXX", clip_path);
  if (!make_temp_file (clip_tmp, error))
    goto out;
  if (image != NULL) {
    gchar *dir = g_path_get_dirname (clip_path);

    image_tmp = g_build_filename (dir, "first-frame-XXXXXX", NULL);
    g_free (dir);
    if (!write_image_file (image, image_tmp, error))
      goto out;
  }

  desc = pipeline_description (params, image != NULL, have_text, have_time,
      audio_encoder);
  GST_DEBUG ("pipeline: %s", desc);
  parse_context = gst_parse_context_new ();
  pipeline = gst_parse_launch_full (desc, parse_context,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  gst_parse_context_free (parse_context);
  if (pipeline == NULL)
    goto out;

  element = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (element, "location", clip_tmp, NULL);
  gst_object_unref (element);
  if (image_tmp != NULL) {
    element = gst_bin_get_by_name (GST_BIN (pipeline), "imagesrc");
    g_object_set (element, "location", image_tmp, NULL);
    gst_object_unref (element);
  }
  if (have_text) {
    text = overlay_text (params->prompt);
    element = gst_bin_get_by_name (GST_BIN (pipeline), "prompt");
    g_object_set (element, "text", text, "font-desc", "Sans 18", NULL);
    gst_object_unref (element);
    g_free (text);
  }
  if (have_time) {
    element = gst_bin_get_by_name (GST_BIN (pipeline), "time");
    g_object_set (element, "font-desc", "Monospace 14", NULL);
    gst_object_unref (element);
  }

  frame = run_pipeline (pipeline, cancellable, error);
  if (frame == NULL)
    goto out;

  /* The PNG first: a clip that exists implies its last frame exists. */
  frame_tmp = g_strdup_printf ("%s.XXXXXX", frame_path);
  if (!make_temp_file (frame_tmp, error) ||
      !write_png (frame, frame_tmp, error) ||
      !publish_file (frame_tmp, frame_path, error) ||
      !publish_file (clip_tmp, clip_path, error))
    goto out;
  g_clear_pointer (&frame_tmp, g_free);
  g_clear_pointer (&clip_tmp, g_free);
  ok = TRUE;

out:
  if (frame != NULL)
    gst_sample_unref (frame);
  if (pipeline != NULL)
    gst_object_unref (pipeline);
  /* Temporary files left by a failure. */
  if (clip_tmp != NULL) {
    g_unlink (clip_tmp);
    g_free (clip_tmp);
  }
  if (frame_tmp != NULL) {
    g_unlink (frame_tmp);
    g_free (frame_tmp);
  }
  if (image_tmp != NULL) {
    g_unlink (image_tmp);
    g_free (image_tmp);
  }
  g_free (desc);
  return ok;
}

/**
 * seedance_clip_render:
 * @params: what to render
 * @cache_dir: directory of the clip cache (created when missing)
 * @clip_path: (out) (transfer full) (optional): path of the MP4
 * @frame_path: (out) (transfer full) (optional): path of a PNG of the last
 *   frame
 * @cached: (out) (optional): whether the clip came from the cache
 * @cancellable: (nullable): stops a render in progress
 * @error: return location for a #GError
 *
 * Renders the clip @params describe into @cache_dir, named after the SHA-256
 * of the parameters, unless it is there already. Safe to call from several
 * threads and processes at once: files appear complete, by link(), and
 * never change once there.
 * Blocks for the time of the render (about a second for a 720p clip).
 *
 * Returns: %TRUE when the clip and its last frame are available.
 */
gboolean
seedance_clip_render (const SeedanceClipParams * params,
    const gchar * cache_dir, gchar ** clip_path, gchar ** frame_path,
    gboolean * cached, GCancellable * cancellable, GError ** error)
{
  GBytes *image = NULL;
  gchar *hash = NULL, *name;
  gchar *clip = NULL, *frame = NULL;
  gboolean from_cache = FALSE, have_text;
  gboolean ok = FALSE;
  gint64 start;

  g_return_val_if_fail (params != NULL, FALSE);
  g_return_val_if_fail (params->prompt != NULL, FALSE);
  g_return_val_if_fail (params->ratio != NULL, FALSE);
  g_return_val_if_fail (params->resolution != NULL, FALSE);
  g_return_val_if_fail (params->duration > 0, FALSE);
  g_return_val_if_fail (params->width > 0 && params->height > 0, FALSE);
  g_return_val_if_fail (cache_dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clipgen_init_debug ();

  if (!decode_first_frame (params->first_frame, &image, error))
    goto out;

  if (g_mkdir_with_parents (cache_dir, 0755) != 0) {
    gint err = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not create the clip cache %s: %s", cache_dir, g_strerror (err));
    goto out;
  }

  have_text = element_available ("textoverlay");
  if (!have_text)
    GST_WARNING ("textoverlay is missing (gstreamer1.0-x on Debian): "
        "clips will not show the prompt");
  hash = clip_hash (params, image, have_text);
  name = g_strconcat (hash, ".mp4", NULL);
  clip = g_build_filename (cache_dir, name, NULL);
  g_free (name);
  name = g_strconcat (hash, "-last.png", NULL);
  frame = g_build_filename (cache_dir, name, NULL);
  g_free (name);

  if (g_file_test (clip, G_FILE_TEST_IS_REGULAR) &&
      g_file_test (frame, G_FILE_TEST_IS_REGULAR)) {
    GST_DEBUG ("cache hit: %s", clip);
    from_cache = TRUE;
    ok = TRUE;
    goto out;
  }

  start = g_get_monotonic_time ();
  ok = render (params, image, have_text, clip, frame, cancellable, error);
  if (ok)
    GST_INFO ("rendered %s (%ux%u, %u s, audio %d) in %" G_GINT64_FORMAT
        " ms", clip, params->width, params->height, params->duration,
        params->audio, (g_get_monotonic_time () - start) / 1000);

out:
  if (ok) {
    if (clip_path != NULL)
      *clip_path = g_steal_pointer (&clip);
    if (frame_path != NULL)
      *frame_path = g_steal_pointer (&frame);
    if (cached != NULL)
      *cached = from_cache;
  }
  g_free (clip);
  g_free (frame);
  g_free (hash);
  if (image != NULL)
    g_bytes_unref (image);
  return ok;
}
