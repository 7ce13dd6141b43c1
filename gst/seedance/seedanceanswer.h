/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __SEEDANCE_ANSWER_H__
#define __SEEDANCE_ANSWER_H__

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SEEDANCE_TASK_RUNNING,
  SEEDANCE_TASK_SUCCEEDED,
  SEEDANCE_TASK_FAILED,
} SeedanceTaskState;

/**
 * SeedanceTask:
 * @task_id: the task's id
 * @status: the status as the API spelled it
 * @state: what that status means
 * @video_url: (nullable): on success, the clip
 * @last_frame_url: (nullable): on success with return_last_frame, the image
 * @failure: (nullable): on failure, the reason the API gave
 *
 * One answer of the task query endpoint, every field type-checked.
 */
typedef struct
{
  gchar *task_id;
  gchar *status;
  SeedanceTaskState state;
  gchar *video_url;
  gchar *last_frame_url;
  gchar *failure;
} SeedanceTask;

/* Answers larger than this are not parsed. */
#define SEEDANCE_MAX_ANSWER_SIZE (4 * 1024 * 1024)

SeedanceTask *seedance_task_parse (const gchar * data, gsize length,
                                   GError ** error);
void          seedance_task_free (SeedanceTask * task);

SeedanceTaskState seedance_task_state_from_status (const gchar * status);

gboolean      seedance_task_id_is_safe (const gchar * id);

gchar *       seedance_submit_answer_parse (const gchar * data, gsize length,
                                            GError ** error);

gchar *       seedance_error_answer_message (const gchar * data, gsize length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeedanceTask, seedance_task_free)

G_END_DECLS

#endif /* __SEEDANCE_ANSWER_H__ */
