/* seedance-emulator: a local emulator of the Modellix API for gst-seedance
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* The parser of fault specs, shared by the library API and the CLI:
 *
 *   SPEC   := TARGET ":" KIND ["=" VALUE] { ":" OPTION ["=" VALUE] }
 *   TARGET := submit | poll | download | task
 *
 * Values are percent-decoded, so "%3A" puts a colon in a reason. README.md
 * beside this file lists the kinds and options. */

#include "faults.h"

#include <errno.h>

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SLOW_MS 2000
#define DEFAULT_OVERSIZED (8 * 1024 * 1024)
#define DEFAULT_DEPTH 100000
#define DEFAULT_CHUNK (64 * 1024)
#define MAX_OVERSIZED (G_GUINT64_CONSTANT (1) << 30)
#define MAX_DEPTH 10000000
#define DEFAULT_TRICKLE_MS 1000
/* A different file is held in memory while it is served. */
#define MAX_DIFFERENT (G_GUINT64_CONSTANT (256) << 20)

typedef struct
{
  const gchar *name;
  FaultKind kind;
  guint targets;                /* 1 << FaultTarget */
  gboolean value;               /* takes "=VALUE" */
  const gchar *options;         /* allowed options, comma separated */
} KindSpec;

#define T(t) (1u << (t))
#define API (T (FAULT_TARGET_SUBMIT) | T (FAULT_TARGET_POLL))
#define ANSWER_OPTS "count,created,task"
#define BODY_OPTS "count,drop-at,slow,delay,chunk,ignore-range,chunked," \
    "content-length,endless,gzip"

/* *INDENT-OFF* */
static const KindSpec kinds[] = {
  {"reset", FAULT_RESET, API | T (FAULT_TARGET_DOWNLOAD), FALSE, ANSWER_OPTS},
  {"close", FAULT_CLOSE, API | T (FAULT_TARGET_DOWNLOAD), FALSE, ANSWER_OPTS},
  {"slow", FAULT_SLOW, API, TRUE, "count,task"},
  {"malformed", FAULT_MALFORMED, API, FALSE, ANSWER_OPTS},
  {"oversized", FAULT_OVERSIZED, API, TRUE, ANSWER_OPTS},
  {"html", FAULT_HTML, API | T (FAULT_TARGET_DOWNLOAD), FALSE, ANSWER_OPTS},
  {"wrong-types", FAULT_WRONG_TYPES, API, FALSE, ANSWER_OPTS},
  {"redirect", FAULT_REDIRECT, API, TRUE, ANSWER_OPTS ",to"},
  {"trickle", FAULT_TRICKLE, API, TRUE, "count,task,pad,headers"},
  {"no-task-id", FAULT_NO_TASK_ID, T (FAULT_TARGET_SUBMIT), FALSE,
      ANSWER_OPTS},
  {"task-id", FAULT_TASK_ID, T (FAULT_TARGET_SUBMIT), TRUE, "count"},
  {"deep-nesting", FAULT_DEEP_NESTING, T (FAULT_TARGET_POLL), TRUE,
      "count,task"},
  {"huge-numbers", FAULT_HUGE_NUMBERS, T (FAULT_TARGET_POLL), FALSE,
      "count,task"},
  {"negative-numbers", FAULT_NEGATIVE_NUMBERS, T (FAULT_TARGET_POLL), FALSE,
      "count,task"},
  {"drop-at", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), TRUE, BODY_OPTS},
  {"slow", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), TRUE, BODY_OPTS},
  {"ignore-range", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), FALSE, BODY_OPTS},
  {"chunked", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), FALSE, BODY_OPTS},
  {"content-length", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), TRUE, BODY_OPTS},
  {"endless", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), FALSE, BODY_OPTS},
  {"gzip", FAULT_BODY, T (FAULT_TARGET_DOWNLOAD), TRUE, BODY_OPTS},
  {"different", FAULT_DIFFERENT, T (FAULT_TARGET_DOWNLOAD), FALSE,
      "count,size"},
  {"fail", FAULT_FAIL, T (FAULT_TARGET_TASK), TRUE,
      "count,id,reason,code,where,status"},
  {"never-finish", FAULT_NEVER_FINISH, T (FAULT_TARGET_TASK), FALSE,
      "count,id"},
  {"no-video", FAULT_NO_VIDEO, T (FAULT_TARGET_TASK), FALSE, "count,id"},
  {"get-result-origin", FAULT_GET_RESULT_ORIGIN, T (FAULT_TARGET_TASK), TRUE,
      "count"},
  {"result-origin", FAULT_RESULT_ORIGIN, T (FAULT_TARGET_TASK), TRUE,
      "count,id"},
  {"clip-bytes", FAULT_CLIP_BYTES, T (FAULT_TARGET_TASK), TRUE, "count"},
};
/* *INDENT-ON* */

static const gchar *const target_names[] = {
  "submit", "poll", "download", "task"
};

static const gchar *const where_names[] = {
  "error", "error-string", "message", "fail-reason", "envelope", "none"
};

void
fault_free (Fault * fault)
{
  if (fault == NULL)
    return;
  g_free (fault->spec);
  g_free (fault->retry_after);
  g_free (fault->message);
  g_free (fault->task_filter);
  g_free (fault->file_filter);
  g_free (fault->to);
  g_free (fault->reason);
  g_free (fault->code);
  g_free (fault->fail_status);
  g_free (fault->task_id);
  g_free (fault->content_length);
  g_free (fault->task_id_value);
  g_free (fault);
}

Fault *
fault_copy (const Fault * fault)
{
  Fault *copy = g_memdup2 (fault, sizeof (Fault));

  copy->spec = g_strdup (fault->spec);
  copy->retry_after = g_strdup (fault->retry_after);
  copy->message = g_strdup (fault->message);
  copy->task_filter = g_strdup (fault->task_filter);
  copy->file_filter = g_strdup (fault->file_filter);
  copy->to = g_strdup (fault->to);
  copy->reason = g_strdup (fault->reason);
  copy->code = g_strdup (fault->code);
  copy->fail_status = g_strdup (fault->fail_status);
  copy->task_id = g_strdup (fault->task_id);
  copy->content_length = g_strdup (fault->content_length);
  if (fault->task_id_value != NULL)
    copy->task_id_value = g_memdup2 (fault->task_id_value,
        fault->task_id_length + 1);
  return copy;
}

gboolean
fault_answers_200 (const Fault * fault)
{
  switch (fault->kind) {
    case FAULT_MALFORMED:
    case FAULT_OVERSIZED:
    case FAULT_HTML:
    case FAULT_WRONG_TYPES:
    case FAULT_NO_TASK_ID:
    case FAULT_TASK_ID:
      return TRUE;
    default:
      return FALSE;
  }
}

/* "123", "64k", "8M", "1G" (powers of 1024). */
static gboolean
parse_size (const gchar * text, guint64 * value)
{
  gchar *end;
  guint64 v, mult = 1;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  v = g_ascii_strtoull (text, &end, 10);
  if (errno != 0)
    return FALSE;
  switch (*end) {
    case '\0':
      break;
    case 'k':
    case 'K':
      mult = 1024;
      end++;
      break;
    case 'm':
    case 'M':
      mult = 1024 * 1024;
      end++;
      break;
    case 'g':
    case 'G':
      mult = 1024 * 1024 * 1024;
      end++;
      break;
    default:
      return FALSE;
  }
  if (*end != '\0' || v > G_MAXUINT64 / mult)
    return FALSE;
  *value = v * mult;
  return TRUE;
}

static gboolean
parse_uint (const gchar * text, guint64 max, guint64 * value)
{
  return parse_size (text, value) && *value <= max &&
      strspn (text, "0123456789") == strlen (text);
}

static gboolean
option_allowed (const KindSpec * spec, const gchar * name)
{
  gchar **allowed = g_strsplit (spec->options, ",", -1);
  gboolean ok = g_strv_contains ((const gchar * const *) allowed, name);

  g_strfreev (allowed);
  return ok;
}

static gboolean
parse_yes_no (const gchar * value, gboolean * out)
{
  if (value == NULL || strcmp (value, "yes") == 0 || strcmp (value, "1") == 0
      || strcmp (value, "true") == 0)
    *out = TRUE;
  else if (strcmp (value, "no") == 0 || strcmp (value, "0") == 0 ||
      strcmp (value, "false") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
valid_to (const gchar * to)
{
  return strcmp (to, "other") == 0 || strcmp (to, "files") == 0 ||
      strcmp (to, "api") == 0 || g_str_has_prefix (to, "http://") ||
      g_str_has_prefix (to, "https://");
}

/* Sets @kind_value's meaning for @fault; FALSE when it is not valid. */
static gboolean
set_kind_value (Fault * fault, const gchar * name, const gchar * value)
{
  guint64 v;

  switch (fault->kind) {
    case FAULT_SLOW:
      if (value == NULL)
        return TRUE;
      if (!parse_uint (value, 600000, &v))
        return FALSE;
      fault->delay_ms = v;
      return TRUE;
    case FAULT_OVERSIZED:
      if (value == NULL)
        return TRUE;
      if (!parse_size (value, &v) || v > MAX_OVERSIZED)
        return FALSE;
      fault->size = v;
      return TRUE;
    case FAULT_TRICKLE:
      if (strcmp (name, "pad") == 0) {
        if (value == NULL || !parse_size (value, &v) || v > MAX_OVERSIZED)
          return FALSE;
        fault->size = v;
        return TRUE;
      } else if (strcmp (name, "headers") == 0) {
        fault->trickle_headers = TRUE;
        return value == NULL;
      }
      if (value == NULL)
        return TRUE;
      if (!parse_uint (value, 600000, &v) || v == 0)
        return FALSE;
      fault->delay_ms = v;
      return TRUE;
    case FAULT_TASK_ID:
      /* Decoded, NULs included, by fault_parse(). */
      return value != NULL && fault->task_id_value != NULL;
    case FAULT_DIFFERENT:
      if (strcmp (name, "size") != 0)
        return value == NULL;
      if (value == NULL || !parse_size (value, &v) || v == 0 ||
          v > MAX_DIFFERENT)
        return FALSE;
      fault->size = v;
      return TRUE;
    case FAULT_DEEP_NESTING:
      if (value == NULL)
        return TRUE;
      if (!parse_uint (value, MAX_DEPTH, &v) || v == 0)
        return FALSE;
      fault->size = v;
      return TRUE;
    case FAULT_REDIRECT:
      if (value == NULL)
        return TRUE;
      if (!parse_uint (value, 399, &v) || v < 300)
        return FALSE;
      fault->status = v;
      return TRUE;
    case FAULT_BODY:
      if (strcmp (name, "drop-at") == 0) {
        if (value == NULL || !parse_size (value, &v) || v > G_MAXINT64)
          return FALSE;
        fault->drop_at = v;
      } else if (strcmp (name, "slow") == 0) {
        if (value != NULL && !parse_uint (value, 600000, &v))
          return FALSE;
        fault->delay_ms = value != NULL ? v : 100;
      } else if (strcmp (name, "ignore-range") == 0) {
        fault->ignore_range = TRUE;
        return value == NULL;
      } else if (strcmp (name, "chunked") == 0) {
        fault->chunked = TRUE;
        return value == NULL;
      } else if (strcmp (name, "content-length") == 0) {
        /* Verbatim, but one header line. */
        if (value == NULL || strpbrk (value, "\r\n") != NULL)
          return FALSE;
        g_free (fault->content_length);
        fault->content_length = g_strdup (value);
      } else if (strcmp (name, "endless") == 0) {
        fault->endless = TRUE;
        return value == NULL;
      } else if (strcmp (name, "gzip") == 0) {
        fault->gzip = TRUE;
        if (value != NULL && (!parse_size (value, &v) || v == 0))
          return FALSE;
        fault->size = value != NULL ? v : 0;
      }
      return TRUE;
    case FAULT_FAIL:
      if (value != NULL) {
        g_free (fault->reason);
        fault->reason = g_strdup (value);
      }
      return TRUE;
    case FAULT_GET_RESULT_ORIGIN:
    case FAULT_RESULT_ORIGIN:
      if (value == NULL)
        return TRUE;
      if (!valid_to (value))
        return FALSE;
      g_free (fault->to);
      fault->to = g_strdup (value);
      return TRUE;
    case FAULT_CLIP_BYTES:
      return value != NULL && parse_size (value, &fault->size) &&
          fault->size > 0;
    default:
      return value == NULL;
  }
}

/**
 * fault_parse:
 * @spec: a fault spec, e.g. "poll:429:retry-after=2"
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the fault, or %NULL with @error set
 *   (G_IO_ERROR_INVALID_ARGUMENT) naming what is wrong.
 */
Fault *
fault_parse (const gchar * spec, GError ** error)
{
  gchar **parts = NULL;
  Fault *fault = NULL;
  const KindSpec *kind = NULL;
  gchar *kind_name = NULL, *kind_value = NULL;
  gboolean created_set = FALSE;
  guint i, n;
  gint target = -1;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (spec == NULL || *spec == '\0') {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "empty fault spec");
    return NULL;
  }

  parts = g_strsplit (spec, ":", -1);
  n = g_strv_length (parts);
  for (i = 0; i < G_N_ELEMENTS (target_names); i++) {
    if (strcmp (parts[0], target_names[i]) == 0)
      target = i;
  }
  if (target < 0) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "fault '%s': unknown target '%s' (submit, poll, download or task)",
        spec, parts[0]);
    goto failed;
  }
  if (n < 2 || *parts[1] == '\0') {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "fault '%s': missing kind after '%s:'", spec, parts[0]);
    goto failed;
  }

  fault = g_new0 (Fault, 1);
  fault->spec = g_strdup (spec);
  fault->target = target;
  fault->count = 1;
  fault->drop_at = -1;
  fault->chunk = DEFAULT_CHUNK;
  fault->delay_ms = DEFAULT_SLOW_MS;
  fault->where = FAULT_REASON_ERROR;

  /* The kind, with its value. */
  {
    const gchar *eq = strchr (parts[1], '=');

    kind_name = eq != NULL ? g_strndup (parts[1], eq - parts[1]) :
        g_strdup (parts[1]);
    if (eq != NULL && strcmp (kind_name, "task-id") == 0 &&
        target == FAULT_TARGET_SUBMIT) {
      /* Any bytes, NUL included: the JSON answer escapes them. */
      GBytes *bytes = g_uri_unescape_bytes (eq + 1, -1, NULL, NULL);

      if (bytes != NULL) {
        gsize length;
        const gchar *data = g_bytes_get_data (bytes, &length);

        fault->task_id_value = g_malloc (length + 1);
        if (length > 0)
          memcpy (fault->task_id_value, data, length);
        fault->task_id_value[length] = '\0';
        fault->task_id_length = length;
        kind_value = g_strdup (fault->task_id_value);
        g_bytes_unref (bytes);
      }
    } else if (eq != NULL) {
      kind_value = g_uri_unescape_string (eq + 1, NULL);
    }
    if (eq != NULL && kind_value == NULL) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': bad percent-encoding in '%s'", spec, parts[1]);
      goto failed;
    }
  }

  if (g_ascii_isdigit (kind_name[0]) && target != FAULT_TARGET_TASK) {
    guint64 status;

    if (kind_value != NULL || !parse_uint (kind_name, 599, &status) ||
        status < 400) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': '%s' is not an HTTP status from 400 to 599", spec,
          parts[1]);
      goto failed;
    }
    fault->kind = FAULT_STATUS;
    fault->status = status;
  } else {
    for (i = 0; i < G_N_ELEMENTS (kinds); i++) {
      if (strcmp (kinds[i].name, kind_name) == 0 &&
          (kinds[i].targets & T (target)) != 0) {
        kind = &kinds[i];
        break;
      }
    }
    if (kind == NULL) {
      GString *list = g_string_new (NULL);

      for (i = 0; i < G_N_ELEMENTS (kinds); i++) {
        if ((kinds[i].targets & T (target)) != 0 &&
            strstr (list->str, kinds[i].name) == NULL)
          g_string_append_printf (list, ", %s", kinds[i].name);
      }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': unknown kind '%s' for %s (%s%s)", spec, kind_name,
          target_names[target],
          target == FAULT_TARGET_TASK ? "" : "an HTTP status", target ==
          FAULT_TARGET_TASK ? list->str + 2 : list->str);
      g_string_free (list, TRUE);
      goto failed;
    }
    fault->kind = kind->kind;
    if (kind->kind == FAULT_OVERSIZED)
      fault->size = DEFAULT_OVERSIZED;
    else if (kind->kind == FAULT_DEEP_NESTING)
      fault->size = DEFAULT_DEPTH;
    else if (kind->kind == FAULT_REDIRECT)
      fault->status = 302;
    else if (kind->kind == FAULT_BODY)
      fault->delay_ms = 0;
    else if (kind->kind == FAULT_TRICKLE)
      fault->delay_ms = DEFAULT_TRICKLE_MS;
    if (kind->kind == FAULT_REDIRECT || kind->kind == FAULT_RESULT_ORIGIN ||
        kind->kind == FAULT_GET_RESULT_ORIGIN)
      fault->to = g_strdup ("other");
    if (kind->kind == FAULT_FAIL) {
      fault->reason = g_strdup ("injected failure");
      fault->code = g_strdup ("injected_failure");
      fault->fail_status = g_strdup ("failed");
    }
    if ((!kind->value && kind_value != NULL) ||
        !set_kind_value (fault, kind_name, kind_value)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': bad or missing value in '%s'", spec, parts[1]);
      goto failed;
    }
  }
  /* A 200 answer means the server accepted: by default the task exists. */
  fault->created = fault_answers_200 (fault) ||
      ((fault->kind == FAULT_SLOW || fault->kind == FAULT_TRICKLE) &&
      target == FAULT_TARGET_SUBMIT);

  for (i = 2; i < n; i++) {
    const gchar *eq = strchr (parts[i], '=');
    gchar *name, *value = NULL;
    gboolean ok = TRUE;
    guint64 v;

    name = eq != NULL ? g_strndup (parts[i], eq - parts[i]) :
        g_strdup (parts[i]);
    if (eq != NULL)
      value = g_uri_unescape_string (eq + 1, NULL);
    if (eq != NULL && value == NULL) {
      ok = FALSE;
    } else if (strcmp (name, "file") == 0) {
      /* Any download fault may aim at one of the task's files. */
      if (target != FAULT_TARGET_DOWNLOAD) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
            "fault '%s': option 'file' applies to download faults only", spec);
        g_free (name);
        g_free (value);
        goto failed;
      }
      ok = g_strcmp0 (value, "clip") == 0 || g_strcmp0 (value, "frame") == 0;
      g_free (fault->file_filter);
      fault->file_filter = g_strdup (value);
      goto checked;
    } else if (fault->kind == FAULT_STATUS) {
      /* Error answers take these on every target. */
      if (strcmp (name, "retry-after") == 0) {
        ok = value != NULL && *value != '\0';
        g_free (fault->retry_after);
        fault->retry_after = g_strdup (value);
        goto checked;
      } else if (strcmp (name, "message") == 0) {
        ok = value != NULL;
        g_free (fault->message);
        fault->message = g_strdup (value);
        goto checked;
      } else if (strcmp (name, "count") != 0 && !(strcmp (name, "created") ==
              0 && target == FAULT_TARGET_SUBMIT) && !(strcmp (name,
                  "task") == 0 && target == FAULT_TARGET_POLL)) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
            "fault '%s': option '%s' does not apply to an HTTP status",
            spec, name);
        g_free (name);
        g_free (value);
        goto failed;
      }
    } else if (!option_allowed (kind, name) ||
        (strcmp (name, "created") == 0 && target != FAULT_TARGET_SUBMIT) ||
        (strcmp (name, "task") == 0 && target != FAULT_TARGET_POLL) ||
        (strcmp (name, kind_name) == 0 && fault->kind == FAULT_BODY)) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': option '%s' does not apply to %s:%s", spec, name,
          target_names[target], kind_name);
      g_free (name);
      g_free (value);
      goto failed;
    }

    if (strcmp (name, "count") == 0) {
      if (g_strcmp0 (value, "forever") == 0)
        fault->count = -1;
      else if (parse_uint (value, G_MAXINT, &v) && v > 0)
        fault->count = (gint) v;        /* at most G_MAXINT */
      else
        ok = FALSE;
    } else if (strcmp (name, "created") == 0) {
      ok = parse_yes_no (value, &fault->created);
      created_set = TRUE;
    } else if (strcmp (name, "task") == 0 || strcmp (name, "id") == 0) {
      ok = value != NULL && *value != '\0';
      g_free (strcmp (name, "id") == 0 ? fault->task_id : fault->task_filter);
      if (strcmp (name, "id") == 0)
        fault->task_id = g_strdup (value);
      else
        fault->task_filter = g_strdup (value);
    } else if (strcmp (name, "to") == 0) {
      ok = value != NULL && valid_to (value);
      g_free (fault->to);
      fault->to = g_strdup (value);
    } else if (strcmp (name, "delay") == 0) {
      ok = parse_uint (value, 600000, &v);
      fault->delay_ms = v;
    } else if (strcmp (name, "chunk") == 0) {
      ok = parse_size (value, &v) && v > 0 && v <= 64 * 1024 * 1024;
      fault->chunk = v;
    } else if (strcmp (name, "drop-at") == 0 || strcmp (name, "slow") == 0 ||
        strcmp (name, "ignore-range") == 0 || strcmp (name, "chunked") == 0 ||
        strcmp (name, "content-length") == 0 ||
        strcmp (name, "endless") == 0 || strcmp (name, "gzip") == 0 ||
        strcmp (name, "pad") == 0 || strcmp (name, "headers") == 0 ||
        strcmp (name, "size") == 0) {
      ok = set_kind_value (fault, name, value);
    } else if (strcmp (name, "reason") == 0) {
      ok = value != NULL;
      g_free (fault->reason);
      fault->reason = g_strdup (value);
    } else if (strcmp (name, "code") == 0) {
      ok = value != NULL;
      g_free (fault->code);
      fault->code = g_strdup (value);
    } else if (strcmp (name, "status") == 0) {
      ok = value != NULL && *value != '\0';
      g_free (fault->fail_status);
      fault->fail_status = g_strdup (value);
    } else if (strcmp (name, "where") == 0) {
      guint w;

      ok = FALSE;
      for (w = 0; value != NULL && w < G_N_ELEMENTS (where_names); w++) {
        if (strcmp (value, where_names[w]) == 0) {
          fault->where = w;
          ok = TRUE;
        }
      }
    }
  checked:
    if (!ok) {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
          "fault '%s': bad value in '%s'", spec, parts[i]);
      g_free (name);
      g_free (value);
      goto failed;
    }
    g_free (name);
    g_free (value);
  }

  if (created_set && fault->kind == FAULT_SLOW) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "fault '%s': a slow submission always creates its task", spec);
    goto failed;
  }
  if (fault->gzip && (fault->endless || fault->content_length != NULL ||
          fault->ignore_range)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "fault '%s': 'gzip' combines with 'chunked', 'drop-at' and 'slow' "
        "only", spec);
    goto failed;
  }
  if (fault->task_id != NULL && fault->count != 1) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "fault '%s': 'id' and 'count' exclude each other", spec);
    goto failed;
  }

  g_strfreev (parts);
  g_free (kind_name);
  g_free (kind_value);
  return fault;

failed:
  g_strfreev (parts);
  g_free (kind_name);
  g_free (kind_value);
  fault_free (fault);
  return NULL;
}
