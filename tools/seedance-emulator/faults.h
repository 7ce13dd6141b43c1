/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* Fault scenarios: the parsed form of a spec such as "poll:429:retry-after=2"
 * (see README.md beside this file for the syntax). Private to the emulator. */

#ifndef __SEEDANCE_FAULTS_H__
#define __SEEDANCE_FAULTS_H__

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FAULT_TARGET_SUBMIT,          /* POST /api/v1/{provider}/{model}/async */
  FAULT_TARGET_POLL,            /* GET /api/v1/tasks/{id} */
  FAULT_TARGET_DOWNLOAD,        /* GET /files/{name} on the files origin */
  FAULT_TARGET_TASK,            /* the next task(s) created, or one task */
} FaultTarget;

typedef enum
{
  /* submit, poll, download */
  FAULT_STATUS,                 /* an error answer with that status */
  FAULT_RESET,                  /* read the request, close with a RST */
  FAULT_CLOSE,                  /* read the request, close with a FIN */
  /* submit, poll */
  FAULT_SLOW,                   /* the normal answer, delay_ms late */
  FAULT_MALFORMED,              /* 200 {"code":0, */
  FAULT_OVERSIZED,              /* 200 with size bytes of valid JSON */
  FAULT_HTML,                   /* 200 text/html */
  FAULT_WRONG_TYPES,            /* 200, every field of the wrong type */
  FAULT_REDIRECT,               /* status (302) to another origin */
  FAULT_TRICKLE,                /* the normal answer, a byte every delay_ms */
  /* submit */
  FAULT_NO_TASK_ID,             /* 200 envelope without data.task_id */
  FAULT_TASK_ID,                /* 200 with data.task_id = task_id_value */
  /* poll */
  FAULT_DEEP_NESTING,           /* size nested arrays inside data */
  FAULT_HUGE_NUMBERS,
  FAULT_NEGATIVE_NUMBERS,
  /* download: a hand-written answer on the stolen connection */
  FAULT_BODY,                   /* drop-at, slow, ignore-range, chunked,
                                 * content-length, endless, gzip */
  /* download, answered by SoupServer */
  FAULT_DIFFERENT,              /* another file: same name, other bytes */
  /* task */
  FAULT_FAIL,
  FAULT_NEVER_FINISH,
  FAULT_NO_VIDEO,
  FAULT_GET_RESULT_ORIGIN,
  FAULT_RESULT_ORIGIN,
  FAULT_CLIP_BYTES,
} FaultKind;

/* Where a failed task gives its reason. */
typedef enum
{
  FAULT_REASON_ERROR,           /* data.error {code, message} */
  FAULT_REASON_ERROR_STRING,    /* data.error "reason" */
  FAULT_REASON_MESSAGE,         /* data.message */
  FAULT_REASON_FAIL_REASON,     /* data.fail_reason */
  FAULT_REASON_ENVELOPE,        /* the envelope's message */
  FAULT_REASON_NONE,            /* nowhere */
} FaultReasonWhere;

typedef struct
{
  gchar *spec;                  /* as given, for the request log */
  FaultTarget target;
  FaultKind kind;
  gint count;                   /* requests or tasks left; -1 = forever */

  guint status;                 /* FAULT_STATUS, FAULT_REDIRECT */
  gchar *retry_after;           /* "2", "date+2" or verbatim; NULL = none */
  gchar *message;               /* detail of an error answer */
  gboolean created;             /* submit: the task is created first */
  gchar *task_filter;           /* poll: only queries of this task */
  gchar *file_filter;           /* download: only GETs of this file, "clip"
                                 * or "frame" (the last frame); NULL: any */
  gchar *to;                    /* "other", "files", "api" or an origin */

  guint delay_ms;               /* FAULT_SLOW; FAULT_BODY: before each chunk */
  guint64 size;                 /* oversized bytes, nesting depth, clip
                                 * bytes, trickle padding, different file
                                 * bytes (0 = the clip's), gzip content
                                 * bytes (0 = the clip's) */

  /* FAULT_BODY */
  gint64 drop_at;               /* body bytes sent before closing; -1: all */
  gsize chunk;                  /* body bytes per write */
  gboolean ignore_range;
  gboolean chunked;
  gchar *content_length;        /* sent verbatim as Content-Length */
  gboolean endless;             /* the clip, then zeros until the peer goes */
  gboolean gzip;                /* Content-Encoding: gzip */

  /* FAULT_TRICKLE */
  gboolean trickle_headers;     /* the status line and headers too */

  /* FAULT_TASK_ID: the id given instead of the real one, may hold NULs */
  gchar *task_id_value;
  gsize task_id_length;

  /* FAULT_FAIL */
  gchar *reason;
  gchar *code;
  gchar *fail_status;
  FaultReasonWhere where;

  gchar *task_id;               /* task faults: apply to this task now */
} Fault;

Fault *fault_parse (const gchar * spec, GError ** error);
Fault *fault_copy (const Fault * fault);
void   fault_free (Fault * fault);

/* A fault on a body that a created task answers (submit). */
gboolean fault_answers_200 (const Fault * fault);

G_END_DECLS

#endif /* __SEEDANCE_FAULTS_H__ */
