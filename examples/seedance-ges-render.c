/* gst-seedance example: a generated clip in a GES timeline, rendered
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Usage: seedance-ges-render LOCAL_CLIP OUT.mp4 "PROMPT" [property=value ...]
 *
 * Builds a GES timeline with LOCAL_CLIP (a path or URI) followed by a
 * clip generated from PROMPT, and renders it to OUT.mp4 (H.264 and AAC
 * at the generated clip's size and frame rate). The generated clip is an
 * ordinary GESUriClip whose URI is seedance://?prompt=...; the extra
 * arguments are its query keys, so the element itself checks them: the
 * request's fields, task-id, poll-interval and timeout. A URI cannot say
 * where the key goes or where files are written, so the key and the
 * API's origin come from MODELLIX_API_KEY and MODELLIX_BASE_URL, and the
 * cache lives under XDG_CACHE_HOME.
 *
 * What it costs today: GES discovers the URI (one submission), then each
 * of the clip's track sources (video, and audio when the clip has sound)
 * plays it with its own seedancesrc (one submission each). */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <ges/ges.h>

typedef struct
{
  GMainLoop *loop;
  GESAsset *asset;              /* the generated clip, once discovered */
  GError *error;
  gint64 waiting_since;
  gboolean interactive;
  gint exit_code;
} App;

/* "seedance://?prompt=PROMPT&k=v..." checked and made canonical by the
 * element's URI handler, which names a bad key or value. */
static gchar *
generated_clip_uri (const gchar * prompt, gchar ** args, GError ** error)
{
  GString *uri = g_string_new ("seedance://?prompt=");
  GstElement *src;
  gchar *canonical = NULL;

  g_string_append_uri_escaped (uri, prompt, NULL, FALSE);
  for (; *args; args++) {
    const gchar *eq = strchr (*args, '=');

    if (eq == NULL) {
      g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
          "Not a property=value: %s", *args);
      goto done;
    }
    g_string_append_c (uri, '&');
    g_string_append_len (uri, *args, eq - *args);
    g_string_append_c (uri, '=');
    g_string_append_uri_escaped (uri, eq + 1, NULL, FALSE);
  }

  src = gst_element_make_from_uri (GST_URI_SRC, uri->str, NULL, error);
  if (src) {
    canonical = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
    gst_object_unref (src);
  }

done:
  g_string_free (uri, TRUE);
  return canonical;
}

static gchar *
to_uri (const gchar * location)
{
  if (gst_uri_is_valid (location))
    return g_strdup (location);
  return gst_filename_to_uri (location, NULL);
}

/* The discoverer waits for the whole generation: give it as long as the
 * element waits (its timeout property), not GES's default 60 s, after
 * which the task would be abandoned, and paid for, mid-way. */
static void
set_discovery_timeout (const gchar * uri)
{
  GstElement *src = gst_element_make_from_uri (GST_URI_SRC, uri, NULL, NULL);
  GESUriClipAssetClass *klass = g_type_class_ref (GES_TYPE_URI_CLIP_ASSET);
  guint timeout_s = 0;

  g_object_get (src, "timeout", &timeout_s, NULL);
  ges_uri_clip_asset_class_set_timeout (klass, timeout_s == 0 ?
      GST_CLOCK_TIME_NONE : ((guint64) timeout_s + 60) * GST_SECOND);
  g_type_class_unref (klass);
  gst_object_unref (src);
}

static void
asset_ready_cb (GObject * source, GAsyncResult * result, gpointer user_data)
{
  App *app = user_data;

  app->asset = ges_asset_request_finish (result, &app->error);
  g_main_loop_quit (app->loop);
}

static gboolean
waiting_cb (gpointer user_data)
{
  App *app = user_data;
  gint64 s = (g_get_monotonic_time () - app->waiting_since) / G_USEC_PER_SEC;

  if (app->interactive)
    g_print ("\rGenerating the clip: %" G_GINT64_FORMAT " s", s);
  return G_SOURCE_CONTINUE;
}

/* Discovering a seedance:// URI generates the clip: it takes as long as
 * the generation, so it runs in the main loop with a clock on screen. */
static GESAsset *
request_generated_clip (App * app, const gchar * uri, GError ** error)
{
  guint clock;

  g_print ("Generating %s\n", uri);
  app->waiting_since = g_get_monotonic_time ();
  clock = g_timeout_add (500, waiting_cb, app);
  ges_asset_request_async (GES_TYPE_URI_CLIP, uri, NULL, asset_ready_cb, app);
  g_main_loop_run (app->loop);
  g_source_remove (clock);
  if (app->interactive)
    g_print ("\n");
  if (app->error)
    g_propagate_error (error, g_steal_pointer (&app->error));
  return g_steal_pointer (&app->asset);
}

/* The render's frame: the generated clip's size and rate (the local clip
 * is scaled into it, keeping its aspect ratio). */
static void
restrict_video_to (GESTimeline * timeline, GESAsset * asset)
{
  GstDiscovererInfo *info =
      ges_uri_clip_asset_get_info (GES_URI_CLIP_ASSET (asset));
  GList *streams = gst_discoverer_info_get_video_streams (info);
  GList *tracks = ges_timeline_get_tracks (timeline), *l;
  GstDiscovererVideoInfo *video;
  GstCaps *caps;

  if (streams == NULL)
    goto done;
  video = streams->data;
  caps = gst_caps_new_simple ("video/x-raw",
      "width", G_TYPE_INT, gst_discoverer_video_info_get_width (video),
      "height", G_TYPE_INT, gst_discoverer_video_info_get_height (video),
      "framerate", GST_TYPE_FRACTION,
      gst_discoverer_video_info_get_framerate_num (video),
      gst_discoverer_video_info_get_framerate_denom (video), NULL);
  for (l = tracks; l; l = l->next)
    if (GES_IS_VIDEO_TRACK (l->data))
      ges_track_update_restriction_caps (l->data, caps);
  gst_caps_unref (caps);

done:
  gst_discoverer_stream_info_list_free (streams);
  g_list_free_full (tracks, gst_object_unref);
}

/* MP4 with H.264 (8-bit 4:2:0, which every player decodes) and AAC. */
static GstEncodingProfile *
mp4_profile (void)
{
  GstEncodingContainerProfile *container;
  GstEncodingVideoProfile *video;
  GstCaps *caps, *raw;

  caps = gst_caps_from_string ("video/quicktime,variant=iso");
  container = gst_encoding_container_profile_new ("mp4", NULL, caps, NULL);
  gst_caps_unref (caps);

  caps = gst_caps_from_string ("video/x-h264");
  raw = gst_caps_from_string ("video/x-raw,format=I420");
  video = gst_encoding_video_profile_new (caps, NULL, raw, 0);
  gst_encoding_container_profile_add_profile (container,
      GST_ENCODING_PROFILE (video));
  gst_caps_unref (raw);
  gst_caps_unref (caps);

  caps = gst_caps_from_string ("audio/mpeg,mpegversion=4");
  gst_encoding_container_profile_add_profile (container,
      GST_ENCODING_PROFILE (gst_encoding_audio_profile_new (caps, NULL, NULL,
              0)));
  gst_caps_unref (caps);
  return GST_ENCODING_PROFILE (container);
}

static gboolean
render_progress_cb (gpointer user_data)
{
  GstElement *pipeline = user_data;
  gint64 position = 0, duration = 0;

  if (gst_element_query_position (pipeline, GST_FORMAT_TIME, &position)
      && gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration)
      && duration > 0)
    g_print ("\rRendering: %3d%%", (gint) (100 * MIN (position,
                duration) / duration));
  return G_SOURCE_CONTINUE;
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *error = NULL;

    gst_message_parse_error (msg, &error, NULL);
    g_printerr ("\n%s\n", error->message);
    g_error_free (error);
    app->exit_code = EXIT_FAILURE;
    g_main_loop_quit (app->loop);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
    g_main_loop_quit (app->loop);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("\nInterrupted.\n");
  app->exit_code = 130;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

/* Renders @timeline to @out_uri; TRUE once the file is complete. */
static gboolean
render (App * app, GESTimeline * timeline, const gchar * out_uri)
{
  GESPipeline *pipeline = gst_object_ref_sink (ges_pipeline_new ());
  GstEncodingProfile *profile = mp4_profile ();
  GstBus *bus;
  guint progress = 0;

  if (!ges_pipeline_set_timeline (pipeline, timeline)
      || !ges_pipeline_set_render_settings (pipeline, out_uri, profile)
      || !ges_pipeline_set_mode (pipeline, GES_PIPELINE_MODE_RENDER)) {
    g_printerr ("Cannot set up the render to %s\n", out_uri);
    app->exit_code = EXIT_FAILURE;
    goto done;
  }

  bus = gst_element_get_bus (GST_ELEMENT (pipeline));
  gst_bus_add_watch (bus, bus_cb, app);
  if (app->interactive)
    progress = g_timeout_add (200, render_progress_cb, pipeline);
  if (gst_element_set_state (GST_ELEMENT (pipeline), GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    g_printerr ("The render pipeline does not start\n");
    app->exit_code = EXIT_FAILURE;
  } else {
    g_main_loop_run (app->loop);
  }
  if (progress)
    g_source_remove (progress);
  gst_element_set_state (GST_ELEMENT (pipeline), GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);

done:
  gst_encoding_profile_unref (profile);
  gst_object_unref (pipeline);
  return app->exit_code == 0;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GESTimeline *timeline = NULL;
  GESLayer *layer;
  GESAsset *local = NULL, *generated = NULL;
  GstClockTime local_duration, generated_duration;
  gchar *local_uri = NULL, *clip_uri = NULL, *out_uri = NULL;
  GError *error = NULL;

  gst_init (&argc, &argv);
  if (!ges_init ()) {
    g_printerr ("GES cannot start\n");
    return EXIT_FAILURE;
  }
  if (argc < 4) {
    g_printerr ("Usage: %s LOCAL_CLIP OUT.mp4 \"PROMPT\" [property=value "
        "...]\n  properties: the request's fields, task-id, poll-interval, "
        "timeout;\n  the key and the API origin come from MODELLIX_API_KEY "
        "and MODELLIX_BASE_URL\n", argv[0]);
    return EXIT_FAILURE;
  }
  app.loop = g_main_loop_new (NULL, FALSE);
  app.interactive = isatty (1);
  app.exit_code = EXIT_FAILURE;
  g_unix_signal_add (SIGINT, interrupt_cb, &app);

  local_uri = to_uri (argv[1]);
  out_uri = to_uri (argv[2]);
  clip_uri = generated_clip_uri (argv[3], argv + 4, &error);
  if (local_uri == NULL || out_uri == NULL || clip_uri == NULL) {
    g_printerr ("%s\n", error ? error->message : "Not a path or URI");
    goto done;
  }

  local = GES_ASSET (ges_uri_clip_asset_request_sync (local_uri, &error));
  if (local == NULL) {
    g_printerr ("Cannot use %s: %s\n", argv[1], error->message);
    goto done;
  }
  set_discovery_timeout (clip_uri);
  generated = request_generated_clip (&app, clip_uri, &error);
  if (generated == NULL) {
    if (app.exit_code != 130)
      g_printerr ("The clip was not generated: %s\n", error ?
          error->message : "interrupted");
    goto done;
  }

  /* One layer: the local clip, then the generated one right after it. */
  timeline = gst_object_ref_sink (ges_timeline_new_audio_video ());
  layer = ges_timeline_append_layer (timeline);
  local_duration = ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (local));
  generated_duration =
      ges_uri_clip_asset_get_duration (GES_URI_CLIP_ASSET (generated));
  restrict_video_to (timeline, generated);
  if (!ges_layer_add_asset_full (layer, local, 0, 0, local_duration,
          GES_TRACK_TYPE_UNKNOWN, &error)
      || !ges_layer_add_asset_full (layer, generated, local_duration, 0,
          generated_duration, GES_TRACK_TYPE_UNKNOWN, &error)) {
    g_printerr ("Cannot build the timeline: %s\n", error->message);
    goto done;
  }

  app.exit_code = 0;
  if (render (&app, timeline, out_uri))
    g_print ("%sWrote %s (%.3f s: %.3f s + %.3f s generated)\n",
        app.interactive ? "\n" : "", argv[2],
        (double) (local_duration + generated_duration) / GST_SECOND,
        (double) local_duration / GST_SECOND,
        (double) generated_duration / GST_SECOND);

done:
  g_clear_error (&error);
  g_clear_object (&timeline);
  g_clear_object (&local);
  g_clear_object (&generated);
  g_free (local_uri);
  g_free (clip_uri);
  g_free (out_uri);
  g_main_loop_unref (app.loop);
  ges_deinit ();
  return app.exit_code;
}
