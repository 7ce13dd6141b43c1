/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The per-key limits of the API origin, as Modellix has them (100
 * requests a minute per key; a 429 for too many concurrent tasks too):
 *
 * - rate: a key may make rate_limit requests in any window of
 *   rate_window_ms (a sliding log of the times of its accepted requests).
 *   Every request that gets past the key check counts, submission or
 *   query, whatever its answer; the files origin never does. A request
 *   refused by the rate limit does not count: the window holds accepted
 *   requests only, so the Retry-After and X-RateLimit-Reset it is given
 *   are exact (a request sent then is accepted, unless the key spent the
 *   slot meanwhile), and a client that retries early is refused, not
 *   punished with a window that never empties.
 * - concurrency: a submission while max_concurrent_tasks tasks of its key
 *   are pending or processing is refused and creates no task. It was
 *   counted by the rate limit already.
 *
 * A refused request is answered 429 with the API's error envelope, meets
 * no fault (the faults stay queued) and is logged with the limit that
 * refused it. Both limits are off (0) unless configured. */

#include "emulator-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (emulator_limits_debug);
#define GST_CAT_DEFAULT emulator_limits_debug

#define DEFAULT_WINDOW_MS 60000
#define USEC_PER_SEC G_TIME_SPAN_SECOND
/* libsoup 3.2's SoupStatus has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429

/* Whole seconds in @us, rounded up. */
static gint64
ceil_seconds (gint64 us)
{
  return (us + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

static void
set_header_uint (SoupMessageHeaders * headers, const gchar * name,
    guint64 value)
{
  gchar text[24];

  g_snprintf (text, sizeof (text), "%" G_GUINT64_FORMAT, value);
  soup_message_headers_replace (headers, name, text);
}

/* The 429 of a limit: the error envelope, its status phrase (libsoup 3.2
 * has none for 429), and the cause for the request log. */
static void
respond_limited (SoupServerMessage * msg, const gchar * cause,
    const gchar * detail)
{
  emulator_respond_error (msg, STATUS_TOO_MANY_REQUESTS,
      "Too Many Requests", "%s", detail);
  soup_server_message_set_status (msg, STATUS_TOO_MANY_REQUESTS,
      emulator_status_phrase (STATUS_TOO_MANY_REQUESTS));
  g_object_set_data (G_OBJECT (msg), LIMITED_KEY, (gpointer) cause);
}

/* Counts @msg (a request to the API origin whose @key was accepted) in
 * @key's window, or answers it 429 and returns FALSE when the window is
 * full. Either way the answer carries X-RateLimit-Limit and -Remaining; a
 * 429 also Retry-After and X-RateLimit-Reset. Server thread. */
gboolean
emulator_limits_admit_request (SeedanceEmulator * self,
    SoupServerMessage * msg, const gchar * key)
{
  SoupMessageHeaders *headers;
  GArray *times;
  gint64 now, window_us, wait_us = 0;
  guint limit, window_ms, n = 0, remaining = 0;
  gchar *detail;

  g_mutex_lock (&self->lock);
  limit = self->rate_limit;
  if (limit == 0) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  window_ms = self->rate_window_ms;
  window_us = window_ms * G_TIME_SPAN_MILLISECOND;
  times = g_hash_table_lookup (self->rate_windows, key);
  if (times == NULL) {
    times = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_hash_table_insert (self->rate_windows, g_strdup (key), times);
  }

  /* A request leaves the window window_us after it came. */
  now = g_get_monotonic_time ();
  while (n < times->len && g_array_index (times, gint64, n) <= now - window_us)
    n++;
  g_array_remove_range (times, 0, n);

  if (times->len >= limit) {
    /* Allowed again when the window holds limit - 1: when this one leaves
     * (the oldest, unless the limit was lowered meanwhile). */
    wait_us = g_array_index (times, gint64, times->len - limit) + window_us -
        now;
  } else {
    g_array_append_val (times, now);
    remaining = limit - times->len;
  }
  g_mutex_unlock (&self->lock);

  headers = soup_server_message_get_response_headers (msg);
  set_header_uint (headers, "X-RateLimit-Limit", limit);
  set_header_uint (headers, "X-RateLimit-Remaining", remaining);
  if (wait_us == 0)
    return TRUE;

  set_header_uint (headers, "Retry-After", MAX (ceil_seconds (wait_us), 1));
  set_header_uint (headers, "X-RateLimit-Reset",
      ceil_seconds (g_get_real_time () + wait_us));
  detail = g_strdup_printf ("rate limit exceeded: %u requests per %u ms for "
      "this API key; retry after %" G_GINT64_FORMAT " ms", limit,
      window_ms, (wait_us + 999) / 1000);
  respond_limited (msg, SEEDANCE_EMULATOR_LIMITED_RATE, detail);
  GST_INFO ("refused, %s", detail);
  g_free (detail);
  return FALSE;
}

/* Answers @msg (a valid submission that would create a task for @key)
 * 429 and returns FALSE when @key has max_concurrent_tasks tasks pending
 * or processing; Retry-After then estimates when the first of them is due
 * to finish. Server thread, the only one that creates tasks: none can
 * start between this check and the creation. */
gboolean
emulator_limits_admit_task (SeedanceEmulator * self, SoupServerMessage * msg,
    const gchar * key)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now, first_due = G_MAXINT64;
  guint max, running = 0;
  gchar *detail;

  g_mutex_lock (&self->lock);
  max = self->max_concurrent_tasks;
  if (max == 0) {
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  now = g_get_monotonic_time ();
  g_hash_table_iter_init (&iter, self->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    EmulatorTask *task = value;

    if (g_strcmp0 (task->key, key) != 0 || !emulator_task_running (task, now))
      continue;
    running++;
    if (!task->never_finish)
      first_due = MIN (first_due, task->submitted +
          task->generation_ms * G_TIME_SPAN_MILLISECOND);
  }
  g_mutex_unlock (&self->lock);

  if (running < max)
    return TRUE;

  /* Only tasks that never finish: no estimate to give. */
  if (first_due != G_MAXINT64)
    set_header_uint (soup_server_message_get_response_headers (msg),
        "Retry-After", MAX (ceil_seconds (first_due - now), 1));
  detail = g_strdup_printf ("concurrency limit exceeded: this API key has "
      "%u tasks pending or processing, at most %u at once", running, max);
  respond_limited (msg, SEEDANCE_EMULATOR_LIMITED_CONCURRENCY, detail);
  GST_INFO ("refused, %s", detail);
  g_free (detail);
  return FALSE;
}

/**
 * seedance_emulator_set_rate_limit:
 * @emulator: an emulator
 * @per_window: requests a key may make in any window; 0 = no limit
 * @window_ms: the window's length in ms; 0 = 60000 (a minute)
 *
 * Changes the rate limit while the emulator runs. The requests already in
 * a window stay there and count against the new limit; while there is no
 * limit, none are recorded.
 */
void
seedance_emulator_set_rate_limit (SeedanceEmulator * emulator,
    guint per_window, guint window_ms)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  emulator->rate_limit = per_window;
  emulator->rate_window_ms = window_ms > 0 ? window_ms : DEFAULT_WINDOW_MS;
  if (per_window == 0)
    g_hash_table_remove_all (emulator->rate_windows);
  g_mutex_unlock (&emulator->lock);
}

/**
 * seedance_emulator_set_max_concurrent_tasks:
 * @emulator: an emulator
 * @max_tasks: tasks a key may have pending or processing; 0 = no limit
 *
 * Changes the concurrency limit while the emulator runs; it applies to the
 * next submission.
 */
void
seedance_emulator_set_max_concurrent_tasks (SeedanceEmulator * emulator,
    guint max_tasks)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  emulator->max_concurrent_tasks = max_tasks;
  g_mutex_unlock (&emulator->lock);
}

/**
 * seedance_emulator_count_limited:
 * @emulator: an emulator
 * @cause: (nullable): %SEEDANCE_EMULATOR_LIMITED_RATE,
 *   %SEEDANCE_EMULATOR_LIMITED_CONCURRENCY, or %NULL for either
 *
 * Returns: the number of logged requests that limit refused with a 429
 *   (not those a "429" fault answered).
 */
guint
seedance_emulator_count_limited (SeedanceEmulator * emulator,
    const gchar * cause)
{
  guint i, count = 0;

  g_return_val_if_fail (emulator != NULL, 0);

  g_mutex_lock (&emulator->lock);
  for (i = 0; i < emulator->requests->len; i++) {
    SeedanceEmulatorRequest *request = emulator->requests->pdata[i];

    if (request->limited != NULL && (cause == NULL ||
            strcmp (request->limited, cause) == 0))
      count++;
  }
  g_mutex_unlock (&emulator->lock);
  return count;
}
