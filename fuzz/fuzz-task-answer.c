/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Fuzzes the parsers of the API's answers, whose every byte comes from the
 * network: the task query answer, the submission answer and the error
 * envelope. Beyond crashes, it checks what the element relies on: a task
 * is consistent with its status, ids are printable, URLs are http(s),
 * texts shown to the user are UTF-8, and the two parsers agree on the
 * task id. */

#include <string.h>

#include "fuzz.h"
#include "seedanceerror.h"
#include "seedanceanswer.h"

#define MAX_ID_LENGTH 256
#define MAX_TEXT_LENGTH 2048

static gboolean
is_printable_id (const gchar * id)
{
  const gchar *p;

  if (id == NULL || *id == '\0' || strlen (id) > MAX_ID_LENGTH)
    return FALSE;
  for (p = id; *p; p++) {
    if (!g_ascii_isgraph (*p))
      return FALSE;
  }
  return TRUE;
}

static gboolean
is_http_url (const gchar * url)
{
  return url != NULL && strlen (url) <= MAX_TEXT_LENGTH
      && (g_ascii_strncasecmp (url, "http://", 7) == 0
      || g_ascii_strncasecmp (url, "https://", 8) == 0)
      && g_utf8_validate (url, -1, NULL);
}

static void
check_bad_response (const GError * error)
{
  FUZZ_CHECK (g_error_matches (error, SEEDANCE_ERROR,
          SEEDANCE_ERROR_BAD_RESPONSE), "error %s",
      error ? error->message : "(none)");
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL),
      "the error message is not UTF-8");
}

static SeedanceTask *
check_task (const gchar * data, gsize size)
{
  GError *error = NULL;
  SeedanceTask *task = seedance_task_parse (data, size, &error);

  if (task == NULL) {
    check_bad_response (error);
    g_error_free (error);
    return NULL;
  }
  FUZZ_CHECK (error == NULL, "an error with a result");
  FUZZ_CHECK (task->status && *task->status && strlen (task->status) <= 64
      && g_utf8_validate (task->status, -1, NULL), "status '%s'", task->status);
  FUZZ_CHECK (task->state == seedance_task_state_from_status (task->status),
      "state %d for status '%s'", task->state, task->status);
  FUZZ_CHECK (task->task_id == NULL || is_printable_id (task->task_id),
      "task id '%s'", task->task_id);

  switch (task->state) {
    case SEEDANCE_TASK_SUCCEEDED:
      FUZZ_CHECK (is_http_url (task->video_url), "video URL '%s'",
          task->video_url);
      FUZZ_CHECK (task->last_frame_url == NULL
          || is_http_url (task->last_frame_url), "last frame URL '%s'",
          task->last_frame_url);
      FUZZ_CHECK (task->failure == NULL, "a failure on success");
      break;
    case SEEDANCE_TASK_FAILED:
      FUZZ_CHECK (task->failure && *task->failure
          && g_utf8_validate (task->failure, -1, NULL)
          && strlen (task->failure) <= 2 * MAX_TEXT_LENGTH + 128,
          "failure '%s'", task->failure);
      FUZZ_CHECK (task->video_url == NULL && task->last_frame_url == NULL,
          "result URLs on failure");
      break;
    case SEEDANCE_TASK_RUNNING:
      FUZZ_CHECK (task->failure == NULL && task->video_url == NULL
          && task->last_frame_url == NULL, "a result while running");
      break;
    default:
      FUZZ_CHECK (FALSE, "state %d", task->state);
  }
  return task;
}

static gchar *
check_submit_answer (const gchar * data, gsize size)
{
  GError *error = NULL;
  gchar *id = seedance_submit_answer_parse (data, size, &error);

  if (id == NULL) {
    check_bad_response (error);
    g_error_free (error);
    return NULL;
  }
  FUZZ_CHECK (error == NULL, "an error with a result");
  FUZZ_CHECK (is_printable_id (id), "task id '%s'", id);
  return id;
}

static void
check_error_answer (const gchar * data, gsize size)
{
  gchar *msg = seedance_error_answer_message (data, size);

  FUZZ_CHECK (msg == NULL || (*msg && strlen (msg) <= MAX_TEXT_LENGTH
          && g_utf8_validate (msg, -1, NULL)), "message '%s'", msg);
  g_free (msg);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  /* A copy of just the input's size, so that ASan sees any read past it. */
  gchar *copy = g_memdup2 (data, size);
  SeedanceTask *task;
  gchar *id;

  seedance_fuzz_init ();

  task = check_task (copy, size);
  id = check_submit_answer (copy, size);
  check_error_answer (copy, size);

  /* Both read data.task_id: where both have one, it is the same. */
  if (task && task->task_id && id)
    FUZZ_CHECK (strcmp (task->task_id, id) == 0, "'%s' and '%s'",
        task->task_id, id);

  seedance_task_free (task);
  g_free (id);
  g_free (copy);
  return 0;
}
