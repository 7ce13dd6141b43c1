/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The tasks: the frame size a request renders at, a task's rendering on
 * the render pool (and a clip padded to a given size), and the public
 * getters of tasks and their files. */

#include "emulator-private.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

GST_DEBUG_CATEGORY (emulator_tasks_debug);
#define GST_CAT_DEFAULT emulator_tasks_debug

/**
 * seedance_emulator_frame_size:
 * @ratio: "21:9", "16:9", "4:3", "1:1", "3:4" or "9:16"
 * @resolution: "480p" or "720p"
 * @width: (out) (optional): frame width in pixels
 * @height: (out) (optional): frame height in pixels
 *
 * The frame size of a clip rendered at @ratio and @resolution.
 *
 * Returns: %FALSE when @ratio or @resolution is unknown.
 */
gboolean
seedance_emulator_frame_size (const gchar * ratio, const gchar * resolution,
    guint * width, guint * height)
{
  static const struct
  {
    const gchar *ratio;
    guint w480, h480, w720, h720;
  } sizes[] = {
    {"21:9", 960, 416, 1470, 630},
    {"16:9", 864, 480, 1280, 720},
    {"4:3", 736, 544, 1112, 834},
    {"1:1", 640, 640, 960, 960},
    {"3:4", 544, 736, 834, 1112},
    {"9:16", 480, 864, 720, 1280},
  };
  gboolean p720;
  guint i;

  if (ratio == NULL || resolution == NULL)
    return FALSE;
  if (strcmp (resolution, "720p") == 0)
    p720 = TRUE;
  else if (strcmp (resolution, "480p") == 0)
    p720 = FALSE;
  else
    return FALSE;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
    if (strcmp (sizes[i].ratio, ratio) == 0) {
      if (width != NULL)
        *width = p720 ? sizes[i].w720 : sizes[i].w480;
      if (height != NULL)
        *height = p720 ? sizes[i].h720 : sizes[i].h480;
      return TRUE;
    }
  }
  return FALSE;
}

void
emulator_task_free (EmulatorTask * task)
{
  g_free (task->id);
  g_free (task->key);
  seedance_clip_params_free (task->params);
  g_free (task->clip_path);
  g_free (task->frame_path);
  g_free (task->clip_name);
  g_free (task->frame_name);
  g_free (task->error);
  g_free (task->fault_specs);
  fault_free (task->fail);
  g_free (task->get_result_to);
  g_free (task->result_to);
  g_free (task);
}

/* The status a query of @task shows at @now (g_get_monotonic_time()), and
 * in @fail the fail fault that decided it (NULL for none); lock held. */
const gchar *
emulator_task_status (const EmulatorTask * task, gint64 now,
    const Fault ** fail)
{
  gint64 elapsed_ms = (now - task->submitted) / 1000;

  *fail = NULL;
  if (elapsed_ms < task->generation_ms / 3)
    return "pending";
  /* never-finish outranks the time and the render. */
  if (task->never_finish || elapsed_ms < task->generation_ms)
    return "processing";
  if (task->fail != NULL) {
    *fail = task->fail;
    return task->fail->fail_status;
  }
  if (task->render == RENDER_RUNNING)
    return "processing";
  if (task->render == RENDER_DONE)
    return "success";
  return "failed";
}

/* Whether @task is still pending or processing at @now, as the
 * concurrency limit counts it: a fail fault ends it whatever status word
 * it shows. Lock held. */
gboolean
emulator_task_running (const EmulatorTask * task, gint64 now)
{
  const Fault *fail;
  const gchar *status = emulator_task_status (task, now, &fail);

  return fail == NULL && (strcmp (status, "pending") == 0 ||
      strcmp (status, "processing") == 0);
}

/* Writes beside @clip a copy padded to @bytes with a trailing "free" box
 * (a sparse run of zeros): still a valid MP4 that plays as @clip does. Reuses
 * a copy made before. */
static gboolean
pad_clip (const gchar * clip, guint64 bytes, gchar ** padded, GError ** error)
{
  gchar *contents = NULL, *base, *path, *tmp = NULL;
  guint8 header[16];
  gsize length, header_size;
  guint64 pad;
  GStatBuf st;
  gint fd = -1, err;

  base = g_str_has_suffix (clip, ".mp4") ?
      g_strndup (clip, strlen (clip) - 4) : g_strdup (clip);
  path = g_strdup_printf ("%s-%" G_GUINT64_FORMAT ".mp4", base, bytes);
  g_free (base);
  if (g_stat (path, &st) == 0 && (guint64) st.st_size == bytes) {
    *padded = path;
    return TRUE;
  }

  if (!g_file_get_contents (clip, &contents, &length, error))
    goto failed;
  if (bytes < length + 16) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "clip-bytes=%" G_GUINT64_FORMAT " is below the clip's %" G_GSIZE_FORMAT
        " bytes + 16", bytes, length);
    goto failed;
  }
  pad = bytes - length;
  if (pad <= G_MAXUINT32) {
    GST_WRITE_UINT32_BE (header, pad);
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a box type */
    memcpy (header + 4, "free", 4);
    header_size = 8;
  } else {
    GST_WRITE_UINT32_BE (header, 1);
    /* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a box type */
    memcpy (header + 4, "free", 4);
    GST_WRITE_UINT64_BE (header + 8, pad);
    header_size = 16;
  }

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp (tmp);
  if (fd < 0 || write (fd, contents, length) != (gssize) length ||
      write (fd, header, header_size) != (gssize) header_size ||
      ftruncate (fd, bytes) != 0 || g_close (fd, NULL) != TRUE ||
      g_rename (tmp, path) != 0) {
    err = errno;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
        "could not write %s: %s", path, g_strerror (err));
    if (fd >= 0)
      close (fd);
    g_unlink (tmp);
    goto failed;
  }
  g_free (contents);
  g_free (tmp);
  *padded = path;
  return TRUE;

failed:
  g_free (contents);
  g_free (tmp);
  g_free (path);
  return FALSE;
}

void
emulator_render_func (gpointer data, gpointer user_data)
{
  EmulatorTask *task = data;
  SeedanceEmulator *self = user_data;
  gchar *clip = NULL, *frame = NULL;
  gboolean cached = FALSE;
  GError *error = NULL;
  gboolean ok;

  ok = seedance_clip_render (task->params, self->cache_dir, &clip, &frame,
      &cached, self->cancellable, &error);
  /* clip_bytes was set before the task was pushed and never changes. */
  if (ok && task->clip_bytes > 0) {
    gchar *padded = NULL;

    ok = pad_clip (clip, task->clip_bytes, &padded, &error);
    g_free (clip);
    clip = padded;
    if (!ok)
      g_clear_pointer (&frame, g_free);
  }

  g_mutex_lock (&self->lock);
  if (ok) {
    task->render = RENDER_DONE;
    task->clip_path = clip;
    task->frame_path = frame;
    task->clip_name = g_path_get_basename (clip);
    task->frame_name = g_path_get_basename (frame);
    g_hash_table_replace (self->files, g_strdup (task->clip_name),
        g_strdup (clip));
    g_hash_table_replace (self->files, g_strdup (task->frame_name),
        g_strdup (frame));
    GST_INFO ("task %s: clip %s%s", task->id, clip, cached ? " (cached)" : "");
  } else {
    task->render = RENDER_FAILED;
    task->error = g_strdup_printf ("could not generate the video: %s",
        error->message);
    GST_WARNING ("task %s: render failed: %s", task->id, error->message);
  }
  g_mutex_unlock (&self->lock);
  g_clear_error (&error);
}

/**
 * seedance_emulator_set_generation_ms:
 * @emulator: an emulator
 * @generation_ms: milliseconds from submission to success
 *
 * Sets the generation time of the tasks submitted from now on.
 */
void
seedance_emulator_set_generation_ms (SeedanceEmulator * emulator,
    guint generation_ms)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  emulator->generation_ms = generation_ms;
  g_mutex_unlock (&emulator->lock);
}

/* A copy of the rendered file of @task_id at @offset in EmulatorTask (a
 * clip_path or frame_path), NULL until it is rendered. */
static gchar *
rendered_file (SeedanceEmulator * emulator, const gchar * task_id, gsize offset)
{
  EmulatorTask *task;
  gchar *path = NULL;

  g_return_val_if_fail (emulator != NULL, NULL);
  g_return_val_if_fail (task_id != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  task = g_hash_table_lookup (emulator->tasks, task_id);
  if (task != NULL && task->render == RENDER_DONE)
    path = g_strdup (G_STRUCT_MEMBER (const gchar *, task, offset));
  g_mutex_unlock (&emulator->lock);
  return path;
}

/**
 * seedance_emulator_get_clip_path:
 * @emulator: an emulator
 * @task_id: a task id
 *
 * Returns: (transfer full) (nullable): the MP4 the emulator serves for the
 *   task, or %NULL while the task is unknown or its clip is not rendered.
 */
gchar *
seedance_emulator_get_clip_path (SeedanceEmulator * emulator,
    const gchar * task_id)
{
  return rendered_file (emulator, task_id, G_STRUCT_OFFSET (EmulatorTask,
          clip_path));
}

/**
 * seedance_emulator_get_frame_path:
 * @emulator: an emulator
 * @task_id: a task id
 *
 * Returns: (transfer full) (nullable): the PNG of the clip's last frame
 *   that the emulator serves for the task (as its "image" resource when
 *   return_last_frame was set), or %NULL while the task is unknown or its
 *   clip is not rendered.
 */
gchar *
seedance_emulator_get_frame_path (SeedanceEmulator * emulator,
    const gchar * task_id)
{
  return rendered_file (emulator, task_id, G_STRUCT_OFFSET (EmulatorTask,
          frame_path));
}

static gint
compare_submitted (gconstpointer a, gconstpointer b)
{
  const EmulatorTask *ta = *(EmulatorTask * const *) a;
  const EmulatorTask *tb = *(EmulatorTask * const *) b;

  return ta->submitted < tb->submitted ? -1 : ta->submitted > tb->submitted;
}

/**
 * seedance_emulator_list_tasks:
 * @emulator: an emulator
 *
 * Every task created, including those whose submission met a fault after
 * the task was created ("created").
 *
 * Returns: (transfer full): the task ids, oldest first, NULL-terminated;
 *   free with g_strfreev().
 */
gchar **
seedance_emulator_list_tasks (SeedanceEmulator * emulator)
{
  GPtrArray *tasks;
  GHashTableIter iter;
  gpointer value;
  gchar **ids;
  guint i;

  g_return_val_if_fail (emulator != NULL, NULL);

  g_mutex_lock (&emulator->lock);
  tasks = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, emulator->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (tasks, value);
  g_ptr_array_sort (tasks, compare_submitted);
  ids = g_new0 (gchar *, tasks->len + 1);
  for (i = 0; i < tasks->len; i++)
    ids[i] = g_strdup (((EmulatorTask *) tasks->pdata[i])->id);
  g_mutex_unlock (&emulator->lock);
  g_ptr_array_free (tasks, TRUE);
  return ids;
}
