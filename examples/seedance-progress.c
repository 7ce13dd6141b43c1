/* gst-seedance example: generate a clip into a file with a progress bar
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Usage: seedance-progress "PROMPT" OUT.mp4 [property=value ...]
 *
 * Runs "seedancesrc ! filesink", draws one terminal line from the
 * element's progress messages (the wait) and from the bytes written (the
 * download), and ends with the path of the clip. The key and the API's
 * origin come from MODELLIX_API_KEY and MODELLIX_BASE_URL. Ctrl-C stops
 * the run; the task id printed lets a later run resume it with
 * task-id=<id> instead of paying again. */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gst/gst.h>

#define BAR_WIDTH 30

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *sink;
  gchar *status;                /* the last progress text */
  gchar *task_id;
  gboolean downloading;
  gboolean interactive;         /* stdout is a terminal: redraw one line */
  gint exit_code;
} App;

/* One line: a bar that fills with the download, or bounces while the
 * task is generated (nobody knows how long that takes). */
static void
draw (App * app)
{
  gchar bar[BAR_WIDTH + 1];
  gint64 written = 0, total = 0;
  gint i, filled = 0;

  if (app->downloading
      && gst_element_query_position (app->sink, GST_FORMAT_BYTES, &written)
      && gst_element_query_duration (app->pipeline, GST_FORMAT_BYTES, &total)
      && total > 0)
    filled = (gint) (BAR_WIDTH * MIN (written, total) / total);

  for (i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  if (!app->downloading)
    bar[(g_get_monotonic_time () / 200000) % BAR_WIDTH] = '#';
  bar[BAR_WIDTH] = '\0';

  if (app->interactive)
    g_print ("\r[%s] %-60.60s", bar, app->status ? app->status : "");
}

static gboolean
redraw_cb (gpointer user_data)
{
  draw (user_data);
  return G_SOURCE_CONTINUE;
}

static void
handle_progress (App * app, GstMessage * msg)
{
  GstProgressType type;
  gchar *code, *text;

  gst_message_parse_progress (msg, &type, &code, &text);
  g_free (app->status);
  app->status = text;
  if (type == GST_PROGRESS_TYPE_COMPLETE)
    app->downloading = TRUE;
  if (!app->interactive)
    g_print ("%s\n", text);
  g_free (code);
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_PROGRESS:
      handle_progress (app, msg);
      draw (app);
      break;
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "seedance-task") && app->task_id == NULL)
        app->task_id = g_strdup (gst_structure_get_string (s, "task-id"));
      break;
    }
    case GST_MESSAGE_WARNING:
    case GST_MESSAGE_ERROR:{
      GError *error = NULL;

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        gst_message_parse_error (msg, &error, NULL);
        app->exit_code = EXIT_FAILURE;
        g_main_loop_quit (app->loop);
      } else {
        gst_message_parse_warning (msg, &error, NULL);
      }
      g_printerr ("%s%s\n", app->interactive ? "\n" : "", error->message);
      g_error_free (error);
      break;
    }
    case GST_MESSAGE_EOS:
      app->downloading = TRUE;
      draw (app);
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
interrupt_cb (gpointer user_data)
{
  App *app = user_data;

  if (app->task_id)
    g_printerr ("\nInterrupted. Resume with task-id=%s\n", app->task_id);
  else
    g_printerr ("\nInterrupted.\n");
  app->exit_code = 130;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

/* Sets each "property=value" on @src, refusing a value that is not of the
 * property's type (GObject would only warn about it and ignore it); says
 * why and returns FALSE at the first bad one. A number out of range is
 * the element's to refuse, naming it, when it starts. */
static gboolean
set_properties (GstElement * src, gint n, gchar ** args)
{
  gint i;

  for (i = 0; i < n; i++) {
    gchar **kv = g_strsplit (args[i], "=", 2);
    GParamSpec *pspec = kv[1] ? g_object_class_find_property
        (G_OBJECT_GET_CLASS (src), kv[0]) : NULL;
    GValue value = G_VALUE_INIT;
    gboolean ok = pspec != NULL;

    if (!ok) {
      g_printerr ("Not a seedancesrc property=value: %s\n", args[i]);
    } else {
      g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
      ok = gst_value_deserialize_with_pspec (&value, kv[1], pspec);
      if (ok)
        g_object_set_property (G_OBJECT (src), kv[0], &value);
      else
        g_printerr ("Invalid value for %s: '%s' (gst-inspect-1.0 seedancesrc "
            "lists what it allows)\n", kv[0], kv[1]);
      g_value_unset (&value);
    }
    g_strfreev (kv);
    if (!ok)
      return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  App app = { 0 };
  GstElement *src;
  GstBus *bus;
  GError *error = NULL;

  gst_init (&argc, &argv);
  if (argc < 3) {
    g_printerr ("Usage: %s \"PROMPT\" OUT.mp4 [property=value ...]\n", argv[0]);
    return EXIT_FAILURE;
  }

  app.pipeline = gst_parse_launch ("seedancesrc name=src ! filesink name=sink",
      &error);
  if (app.pipeline == NULL) {
    g_printerr ("%s (is the seedance plugin installed?)\n", error->message);
    g_error_free (error);
    return EXIT_FAILURE;
  }
  src = gst_bin_get_by_name (GST_BIN (app.pipeline), "src");
  app.sink = gst_bin_get_by_name (GST_BIN (app.pipeline), "sink");
  g_object_set (src, "prompt", argv[1], NULL);
  g_object_set (app.sink, "location", argv[2], NULL);
  if (!set_properties (src, argc - 3, argv + 3)) {
    gst_object_unref (src);
    gst_object_unref (app.sink);
    gst_object_unref (app.pipeline);
    return EXIT_FAILURE;
  }
  gst_object_unref (src);

  app.loop = g_main_loop_new (NULL, FALSE);
  app.interactive = isatty (1);
  bus = gst_element_get_bus (app.pipeline);
  gst_bus_add_watch (bus, bus_cb, &app);
  g_timeout_add (200, redraw_cb, &app);
  g_unix_signal_add (SIGINT, interrupt_cb, &app);

  if (gst_element_set_state (app.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    /* The element posted why (a property it refused) on the bus. */
    GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    app.exit_code = EXIT_FAILURE;
    if (msg) {
      bus_cb (bus, msg, &app);
      gst_message_unref (msg);
    }
  } else {
    g_main_loop_run (app.loop);
  }

  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  if (app.exit_code == 0)
    g_print ("%sWrote %s\n", app.interactive ? "\n" : "", argv[2]);

  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (app.sink);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  g_free (app.status);
  g_free (app.task_id);
  return app.exit_code;
}
