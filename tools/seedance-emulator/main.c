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
 *   SEEDANCE_OTHER_ORIGIN=http://127.0.0.1:40125
 *
 * The three lines on stdout are the only ones there (a script can eval them);
 * each request answered is logged on stderr, without its Authorization
 * header. Runs until SIGINT or SIGTERM. */

#include "emulator.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

static void
print_request (const SeedanceEmulatorRequest * request, gpointer user_data)
{
  /* Never the Authorization value: the key is a secret. */
  g_printerr ("seedance-emulator: %s %s %s%s%s %u%s%s%s%s%s%s\n",
      request->origin == SEEDANCE_EMULATOR_ORIGIN_API ? "api" :
      request->origin == SEEDANCE_EMULATOR_ORIGIN_FILES ? "files" : "other",
      request->method, request->path,
      request->query != NULL ? "?" : "",
      request->query != NULL ? request->query : "", request->status,
      request->fault != NULL ? " (fault " : "",
      request->fault != NULL ? request->fault : "",
      request->fault != NULL ? ")" : "",
      request->limited != NULL ? " (" : "",
      request->limited != NULL ? request->limited : "",
      request->limited != NULL ? " limit)" : "");
}

/* Modellix's documented 100 a minute; its concurrent-task limit is not
 * published, 10 stands for it. */
#define CLI_RATE_LIMIT 100
#define CLI_MAX_CONCURRENT_TASKS 10

#define LIMITS_HELP \
"Limits per API key (tools/seedance-emulator/README.md): any window of\n" \
"  --rate-limit-window-ms (a sliding window) accepts --rate-limit requests of\n" \
"  a key, submissions and task queries alike (not the files origin); more are\n" \
"  answered 429 with Retry-After and X-RateLimit-Limit, -Remaining, -Reset,\n" \
"  and do not count. A submission while a key has --max-concurrent-tasks\n" \
"  tasks pending or processing is answered 429 and creates no task. 0 turns\n" \
"  a limit off. The library (tests) defaults to no limits; this program to\n" \
"  100 a minute and 10 tasks.\n" \
"\n"

#define FAULT_HELP LIMITS_HELP \
"Faults (--fault SPEC, repeatable; see tools/seedance-emulator/README.md):\n" \
"  SPEC := TARGET:KIND[=VALUE][:OPTION[=VALUE]]...   values are %-decoded\n" \
"  Every fault lasts for count=N requests or tasks (default 1; count=forever);\n" \
"  faults of a target are consumed in order.\n" \
"\n" \
"  submit:KIND   the next POSTs that would create a task (valid body and key)\n" \
"    400..599[:retry-after=S|date+S|TEXT][:message=TEXT]   error answer\n" \
"    reset | close        read the request, close with RST | FIN, no answer\n" \
"    slow=MS              the normal answer MS late (task created at once)\n" \
"    malformed | html | oversized[=SIZE] | wrong-types | no-task-id   200s\n" \
"    task-id=VALUE        200 giving VALUE (%-decoded, %00 too) as the id\n" \
"    trickle[=MS][:pad=SIZE][:headers]   the answer a byte every MS (1000)\n" \
"    redirect[=STATUS][:to=other|files|api|ORIGIN]\n" \
"    created[=yes|no]     create the task first (default: yes for the 200s,\n" \
"                         no for statuses, reset, close, redirect)\n" \
"  poll:KIND     the next GET /api/v1/tasks/ID (option task=ID: that task's)\n" \
"    400..599[:retry-after=...] | reset | close | slow=MS | malformed | html\n" \
"    oversized[=SIZE] | wrong-types | deep-nesting[=DEPTH] | huge-numbers\n" \
"    negative-numbers | redirect[=STATUS][:to=other|files|api|ORIGIN]\n" \
"    trickle[=MS][:pad=SIZE][:headers]\n" \
"  download:KIND the next GETs of /files/ on the files origin (HEAD passes)\n" \
"    400..599 (410 = expired) | reset | close | html | different[:size=SIZE]\n" \
"    drop-at=BYTES | slow[=MS] | ignore-range | chunked | content-length=TEXT\n" \
"    endless | gzip[=SIZE], combinable: [:drop-at=BYTES][:slow=MS][:delay=MS]\n" \
"      [:chunk=SIZE][:ignore-range][:chunked][:content-length=TEXT][:endless]\n" \
"      [:gzip[=SIZE]]  (written by hand, Connection: close)\n" \
"    any of them [:file=clip|frame]: only GETs of the clip, or of the last\n" \
"      frame (the PNG of a return_last_frame task)\n" \
"  task:KIND     the next tasks created (or the existing one given by id=ID)\n" \
"    fail[=REASON][:reason=TEXT][:code=CODE][:status=WORD]\n" \
"        [:where=error|error-string|message|fail-reason|envelope|none]\n" \
"    never-finish | no-video | result-origin[=other|files|api|ORIGIN]\n" \
"    get-result-origin[=other|files|api|ORIGIN] | clip-bytes=SIZE\n" \
"  SIZE: bytes, or with k, M, G (KiB, MiB, GiB).\n" \
"\n" \
"Examples: --fault submit:500:created  --fault poll:429:retry-after=2:count=3\n" \
"  --fault download:drop-at=100000  --fault task:fail:reason=content%3A%20nope\n"

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
  gint api_port = 0, files_port = 0, generation_ms = 3000, pad_clip_mb = 0;
  gint rate_limit = CLI_RATE_LIMIT, rate_window_ms = 60000;
  gint max_concurrent_tasks = CLI_MAX_CONCURRENT_TASKS;
  gboolean faststart = FALSE;
  gchar **faults = NULL;
  gchar *pad_fault = NULL;
  guint i;
  gint status = 0;
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
    {"rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
        "Requests a key may make per window (default 100, Modellix's; "
          "0: no limit)", "N"},
    {"rate-limit-window-ms", 0, 0, G_OPTION_ARG_INT, &rate_window_ms,
        "Length of the rate limit's sliding window (default 60000)", "MS"},
    {"max-concurrent-tasks", 0, 0, G_OPTION_ARG_INT, &max_concurrent_tasks,
        "Tasks a key may have pending or processing at once (default 10; "
          "0: no limit)", "N"},
    {"fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
        "Inject a fault (repeatable; see below)", "SPEC"},
    {"pad-clip-mb", 0, 0, G_OPTION_ARG_INT, &pad_clip_mb,
        "Serve every clip padded to MB MiB (a real MP4 with a trailing "
          "'free' box), as --fault task:clip-bytes=MBM:count=forever", "MB"},
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
  g_option_context_set_description (context, FAULT_HELP);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("seedance-emulator: %s\n", error->message);
    g_error_free (error);
    g_option_context_free (context);
    return 2;
  }
  g_option_context_free (context);

  if (api_port < 0 || api_port > 65535 || files_port < 0 ||
      files_port > 65535 || generation_ms < 0 || pad_clip_mb < 0 ||
      rate_limit < 0 || rate_window_ms <= 0 || max_concurrent_tasks < 0) {
    g_printerr ("seedance-emulator: ports are 0..65535, --generation-ms, "
        "--pad-clip-mb, --rate-limit and --max-concurrent-tasks are not "
        "negative, --rate-limit-window-ms is positive\n");
    return 2;
  }
  if (pad_clip_mb > 0)
    pad_fault = g_strdup_printf ("task:clip-bytes=%dM:count=forever",
        pad_clip_mb);
  /* All of them checked before anything listens. */
  for (i = 0; faults != NULL && faults[i] != NULL; i++) {
    if (!seedance_emulator_check_fault (faults[i], &error)) {
      g_printerr ("seedance-emulator: %s\n", error->message);
      g_error_free (error);
      g_strfreev (faults);
      g_free (pad_fault);
      return 2;
    }
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
  config.rate_limit_per_minute = rate_limit;
  config.rate_limit_window_ms = rate_window_ms;
  config.max_concurrent_tasks = max_concurrent_tasks;

  emulator = seedance_emulator_start (&config, &error);
  if (emulator == NULL) {
    g_printerr ("seedance-emulator: cannot start: %s\n", error->message);
    g_error_free (error);
    g_strfreev (faults);
    g_free (pad_fault);
    return 1;
  }
  /* Valid (checked above): before the origins are printed, so before any
   * client can know them. */
  for (i = 0; faults != NULL && faults[i] != NULL; i++)
    seedance_emulator_add_fault (emulator, faults[i], NULL);
  if (pad_fault != NULL)
    seedance_emulator_add_fault (emulator, pad_fault, NULL);

  /* Handlers first: a script may signal as soon as it has read the
   * origins. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  printf ("MODELLIX_BASE_URL=%s\n", seedance_emulator_get_api_origin
      (emulator));
  printf ("SEEDANCE_FILES_ORIGIN=%s\n", seedance_emulator_get_files_origin
      (emulator));
  printf ("SEEDANCE_OTHER_ORIGIN=%s\n", seedance_emulator_get_other_origin
      (emulator));
  /* A script that cannot read the origins would wait for ever. */
  if (fflush (stdout) != 0) {
    g_printerr ("seedance-emulator: cannot print the origins: %s\n",
        g_strerror (errno));
    status = 1;
  } else {
    g_main_loop_run (loop);
  }
  g_main_loop_unref (loop);

  seedance_emulator_stop (emulator);
  g_free (address);
  g_free (api_key);
  g_free (cache_dir);
  g_strfreev (faults);
  g_free (pad_fault);
  return status;
}
