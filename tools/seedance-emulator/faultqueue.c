/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The queue of faults not consumed yet: requests take them (submit, poll,
 * download), new tasks take the task faults, and the log records which
 * faults shaped an answer. Also the public fault API. The spec parser is
 * faults.c. */

#include "emulator-private.h"

#include <string.h>

GST_DEBUG_CATEGORY (emulator_faults_debug);
#define GST_CAT_DEFAULT emulator_faults_debug

/* Takes the first queued fault for @target (for a poll, one whose task
 * filter is unset or @task_id; for a download, one whose file filter is
 * unset or @file, "clip" or "frame"): a copy, while the queued one counts
 * down. NULL when there is none. */
Fault *
emulator_take_fault (SeedanceEmulator * self, FaultTarget target,
    const gchar * task_id, const gchar * file)
{
  Fault *taken = NULL;
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->faults->len; i++) {
    Fault *fault = self->faults->pdata[i];

    if (fault->target != target)
      continue;
    if (fault->task_filter != NULL &&
        g_strcmp0 (fault->task_filter, task_id) != 0)
      continue;
    if (fault->file_filter != NULL && g_strcmp0 (fault->file_filter, file) != 0)
      continue;
    taken = fault_copy (fault);
    if (fault->count > 0 && --fault->count == 0)
      g_ptr_array_remove_index (self->faults, i);
    break;
  }
  g_mutex_unlock (&self->lock);
  return taken;
}

/* Called with the lock held. */
void
emulator_apply_task_fault (EmulatorTask * task, const Fault * fault)
{
  gchar *specs;

  switch (fault->kind) {
    case FAULT_FAIL:
      fault_free (task->fail);
      task->fail = fault_copy (fault);
      task->never_finish = FALSE;
      break;
    case FAULT_NEVER_FINISH:
      g_clear_pointer (&task->fail, fault_free);
      task->never_finish = TRUE;
      break;
    case FAULT_NO_VIDEO:
      task->no_video = TRUE;
      break;
    case FAULT_GET_RESULT_ORIGIN:
      g_free (task->get_result_to);
      task->get_result_to = g_strdup (fault->to);
      break;
    case FAULT_RESULT_ORIGIN:
      g_free (task->result_to);
      task->result_to = g_strdup (fault->to);
      break;
    case FAULT_CLIP_BYTES:
      task->clip_bytes = fault->size;
      break;
    default:
      g_assert_not_reached ();
  }

  specs = task->fault_specs != NULL ?
      g_strconcat (task->fault_specs, ", ", fault->spec, NULL) :
      g_strdup (fault->spec);
  g_free (task->fault_specs);
  task->fault_specs = specs;
}

/* Task faults in one group exclude each other; a task takes the oldest
 * queued fault of each group. */
static guint
task_fault_group (const Fault * fault)
{
  switch (fault->kind) {
    case FAULT_GET_RESULT_ORIGIN:
      return 1 << 1;
    case FAULT_RESULT_ORIGIN:
      return 1 << 2;
    case FAULT_CLIP_BYTES:
      return 1 << 3;
    default:                   /* fail, never-finish, no-video: the outcome */
      return 1 << 0;
  }
}

/* Gives the queued task faults to a new task, the oldest of each group;
 * lock held. */
void
emulator_apply_queued_task_faults (SeedanceEmulator * self, EmulatorTask * task)
{
  guint i = 0, groups = 0;

  while (i < self->faults->len) {
    Fault *fault = self->faults->pdata[i];

    if (fault->target != FAULT_TARGET_TASK ||
        (groups & task_fault_group (fault)) != 0) {
      i++;
      continue;
    }
    groups |= task_fault_group (fault);
    emulator_apply_task_fault (task, fault);
    if (fault->count > 0 && --fault->count == 0)
      g_ptr_array_remove_index (self->faults, i);
    else
      i++;
  }
}

/* "other", "files", "api" or an origin as given. */
const gchar *
emulator_resolve_origin (SeedanceEmulator * self, const gchar * to)
{
  if (to == NULL)
    return NULL;
  if (strcmp (to, "other") == 0)
    return self->other_origin;
  if (strcmp (to, "files") == 0)
    return self->files_origin;
  if (strcmp (to, "api") == 0)
    return self->api_origin;
  return to;
}

/* Records in the request log which faults shaped the answer to @msg. */
void
emulator_mark_fault (SoupServerMessage * msg, const gchar * first,
    const gchar * second)
{
  gchar *specs;

  if (first == NULL && second == NULL)
    return;
  if (first != NULL && second != NULL)
    specs = g_strconcat (first, ", ", second, NULL);
  else
    specs = g_strdup (first != NULL ? first : second);
  g_object_set_data_full (G_OBJECT (msg), FAULT_KEY, specs, g_free);
}

/**
 * seedance_emulator_check_fault:
 * @spec: a fault spec
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @spec is valid; otherwise %FALSE with @error
 *   (G_IO_ERROR_INVALID_ARGUMENT) saying what is wrong.
 */
gboolean
seedance_emulator_check_fault (const gchar * spec, GError ** error)
{
  Fault *fault = fault_parse (spec, error);

  fault_free (fault);
  return fault != NULL;
}

/**
 * seedance_emulator_add_fault:
 * @emulator: an emulator
 * @spec: a fault spec, see README.md beside this file
 * @error: return location for a #GError
 *
 * Queues a fault: the next matching requests (or, for "task:", the next
 * tasks created) meet it. A "task:" fault with "id=TASK" applies to that
 * existing task at once. Thread-safe.
 *
 * Returns: %FALSE with @error set when @spec is invalid or names an unknown
 *   task.
 */
gboolean
seedance_emulator_add_fault (SeedanceEmulator * emulator, const gchar * spec,
    GError ** error)
{
  Fault *fault;

  g_return_val_if_fail (emulator != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fault = fault_parse (spec, error);
  if (fault == NULL)
    return FALSE;

  g_mutex_lock (&emulator->lock);
  if (fault->task_id != NULL) {
    EmulatorTask *task = g_hash_table_lookup (emulator->tasks,
        fault->task_id);

    if (task == NULL) {
      g_mutex_unlock (&emulator->lock);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
          "fault '%s': no task %s", spec, fault->task_id);
      fault_free (fault);
      return FALSE;
    }
    emulator_apply_task_fault (task, fault);
    fault_free (fault);
  } else {
    g_ptr_array_add (emulator->faults, fault);
  }
  g_mutex_unlock (&emulator->lock);
  GST_INFO ("fault added: %s", spec);
  return TRUE;
}

/**
 * seedance_emulator_clear_faults:
 * @emulator: an emulator
 *
 * Drops the faults not consumed yet. Faults already given to tasks stay.
 */
void
seedance_emulator_clear_faults (SeedanceEmulator * emulator)
{
  g_return_if_fail (emulator != NULL);

  g_mutex_lock (&emulator->lock);
  g_ptr_array_set_size (emulator->faults, 0);
  g_mutex_unlock (&emulator->lock);
}

/**
 * seedance_emulator_count_faults:
 * @emulator: an emulator
 *
 * Returns: the number of faults waiting to be consumed; one that lasts
 *   forever counts as one.
 */
guint
seedance_emulator_count_faults (SeedanceEmulator * emulator)
{
  guint count;

  g_return_val_if_fail (emulator != NULL, 0);

  g_mutex_lock (&emulator->lock);
  count = emulator->faults->len;
  g_mutex_unlock (&emulator->lock);
  return count;
}
