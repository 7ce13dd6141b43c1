/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The emulator as a program, for the README's demo and for people:
 *
 *   $ seedance-emulator --api-port 8080
 *   MODELLIX_BASE_URL=http://127.0.0.1:8080
 *   SEEDANCE_FILES_ORIGIN=http://127.0.0.1:40123
 *
 * The two lines on stdout are the only ones there (a script can eval them);
 * each request answered is logged on stderr, without its Authorization
 * header. Runs until SIGINT or SIGTERM. */

#include "emulator.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

static void
print_request (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  /* Never the Authorization value: the key is a secret. */
  g_printerr ("seedance-emulator: %s %s %s%s%s %u\n",
      request->origin == SEEDANCE_EMULATOR_ORIGIN_API ? "api" : "files",
      request->method, request->path,
      request->query != NULL ? "?" : "",
      request->query != NULL ? request->query : "", request->status);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  gchar *address = NULL, *api_key = NULL, *cache_dir = NULL;
  gint api_port = 0, files_port = 0, generation_ms = 3000;
  gboolean faststart = FALSE;
  GOptionEntry entries[] = {
    {"address", 0, 0, G_OPTION_ARG_STRING, &address,
        "IP address to listen on (default 127.0.0.1)", "ADDRESS"},
    {"api-port", 0, 0, G_OPTION_ARG_INT, &api_port,
        "Port of the API origin (default 0: any free port)", "PORT"},
    {"files-port", 0, 0, G_OPTION_ARG_INT, &files_port,
        "Port of the files origin (default 0: any free port)", "PORT"},
    {"api-key", 0, 0, G_OPTION_ARG_STRING, &api_key,
        "Bearer key the API demands (default: accept any)", "KEY"},
    {"generation-ms", 0, 0, G_OPTION_ARG_INT, &generation_ms,
        "Time from submission to success, in ms (default 3000)", "MS"},
    {"faststart", 0, 0, G_OPTION_ARG_NONE, &faststart,
          "Put the moov atom at the start of the clips (default: at the end)",
        NULL},
    {"clip-cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
        "Where rendered clips are cached (default: $SEEDANCE_EMULATOR_CACHE "
          "or ~/.cache/seedance-emulator)", "DIR"},
    {NULL}
  };
  GOptionContext *context;
  SeedanceEmulatorConfig config;
  SeedanceEmulator *emulator;
  GMainLoop *loop;
  GError *error = NULL;

  context =
      g_option_context_new ("- emulate the Modellix API for gst-seedance");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("seedance-emulator: %s\n", error->message);
    g_error_free (error);
    g_option_context_free (context);
    return 2;
  }
  g_option_context_free (context);

  if (api_port < 0 || api_port > 65535 || files_port < 0 ||
      files_port > 65535 || generation_ms < 0) {
    g_printerr ("seedance-emulator: ports are 0..65535 and --generation-ms "
        "is not negative\n");
    return 2;
  }

  seedance_emulator_config_init (&config);
  config.address = address;
  config.api_port = api_port;
  config.files_port = files_port;
  config.api_key = api_key;
  config.generation_ms = generation_ms;
  config.faststart = faststart;
  config.clip_cache_dir = cache_dir;
  config.request_func = print_request;

  emulator = seedance_emulator_start (&config, &error);
  if (emulator == NULL) {
    g_printerr ("seedance-emulator: cannot start: %s\n", error->message);
    g_error_free (error);
    return 1;
  }

  /* Handlers first: a script may signal as soon as it has read the
   * origins. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  printf ("MODELLIX_BASE_URL=%s\n", seedance_emulator_get_api_origin
      (emulator));
  printf ("SEEDANCE_FILES_ORIGIN=%s\n", seedance_emulator_get_files_origin
      (emulator));
  fflush (stdout);

  g_main_loop_run (loop);
  g_main_loop_unref (loop);

  seedance_emulator_stop (emulator);
  g_free (address);
  g_free (api_key);
  g_free (cache_dir);
  return 0;
}
