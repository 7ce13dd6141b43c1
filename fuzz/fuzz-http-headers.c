/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Fuzzes the parsers of the two response headers the client acts on:
 * Retry-After (how long to wait) and Content-Range (where a resumed
 * download starts). Each is checked against a small, strict reference
 * parser written from RFC 9110, so the fuzzer finds values the client
 * reads differently from the RFC, not only crashes. The input is the
 * header value; "now" is fixed so that every run is the same. */

#include <string.h>

#include "fuzz.h"
#include "seedanceclient.h"

/* The client's cap on a server's Retry-After. */
#define MAX_RETRY_AFTER_MS (15 * 60 * 1000)

/* Decimal digits from *p into *n; FALSE on none or when the number does
 * not fit 64 bits. */
static gboolean
read_number (const gchar ** p, guint64 * n, gboolean * overflow)
{
  const gchar *s = *p;

  *n = 0;
  *overflow = FALSE;
  if (!g_ascii_isdigit (*s))
    return FALSE;
  for (; g_ascii_isdigit (*s); s++) {
    guint d = *s - '0';

    if (*n > (G_MAXUINT64 - d) / 10)
      *overflow = TRUE;
    else
      *n = *n * 10 + d;
  }
  *p = s;
  return TRUE;
}

/* delay-seconds = 1*DIGIT, with surrounding white space: the delay in ms
 * capped as the client does, or -1 when the value is not delay-seconds
 * (*is_delay is FALSE when it does not start with a digit: a date). */
static gint64
reference_retry_after_delay (const gchar * value, gboolean * is_delay)
{
  const gchar *p = value;
  guint64 seconds;
  gboolean overflow;

  while (g_ascii_isspace (*p))
    p++;
  *is_delay = g_ascii_isdigit (*p);
  if (!read_number (&p, &seconds, &overflow))
    return -1;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    return -1;
  if (overflow || seconds > MAX_RETRY_AFTER_MS / 1000)
    return MAX_RETRY_AFTER_MS;
  return (gint64) seconds *1000;
}

static void
check_retry_after (const gchar * value)
{
  GDateTime *now = g_date_time_new_utc (2026, 11, 25, 8, 0, 0);
  gint64 ms = seedance_parse_retry_after (value, now), expected;
  gboolean is_delay;

  FUZZ_CHECK (ms == -1 || (ms >= 0 && ms <= MAX_RETRY_AFTER_MS),
      "Retry-After '%s' gave %" G_GINT64_FORMAT, value, ms);
  expected = reference_retry_after_delay (value, &is_delay);
  if (is_delay)
    FUZZ_CHECK (ms == expected, "Retry-After '%s' gave %" G_GINT64_FORMAT
        ", not %" G_GINT64_FORMAT, value, ms, expected);
  /* The same answer every time. */
  FUZZ_CHECK (seedance_parse_retry_after (value, now) == ms, "'%s'", value);
  g_date_time_unref (now);
}

/* Content-Range = "bytes" SP first "-" last "/" ( complete-length / "*" )
 * with first <= last < complete-length, every number fitting 64 bits, the
 * length (a file size) fitting gint64 and last below G_MAXUINT64. */
static gboolean
reference_content_range (const gchar * value, guint64 * start, gint64 * total)
{
  const gchar *p = value;
  guint64 first, last, length;
  gboolean overflow;

  if (g_ascii_strncasecmp (p, "bytes ", 6) != 0)
    return FALSE;
  p += 6;
  if (!read_number (&p, &first, &overflow) || overflow || *p++ != '-')
    return FALSE;
  if (!read_number (&p, &last, &overflow) || overflow || *p++ != '/')
    return FALSE;
  if (first > last || last == G_MAXUINT64)
    return FALSE;
  if (strcmp (p, "*") == 0) {
    *total = -1;
  } else {
    if (!read_number (&p, &length, &overflow) || overflow || *p != '\0')
      return FALSE;
    if (length <= last || length > G_MAXINT64)
      return FALSE;
    *total = (gint64) length;
  }
  *start = first;
  return TRUE;
}

static void
check_content_range (const gchar * value)
{
  guint64 start = 0, ref_start = 0;
  gint64 total = 0, ref_total = 0;
  gboolean ok = seedance_parse_content_range (value, &start, &total);
  gboolean ref_ok = reference_content_range (value, &ref_start, &ref_total);

  FUZZ_CHECK (ok == ref_ok, "Content-Range '%s' %s", value,
      ok ? "accepted" : "refused");
  if (!ok)
    return;
  FUZZ_CHECK (start == ref_start && total == ref_total, "Content-Range '%s' "
      "gave %" G_GUINT64_FORMAT "/%" G_GINT64_FORMAT ", not %"
      G_GUINT64_FORMAT "/%" G_GINT64_FORMAT, value, start, total, ref_start,
      ref_total);
  FUZZ_CHECK (total == -1 || (total > 0 && start < (guint64) total),
      "Content-Range '%s'", value);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  /* A header value is a string: it ends at the first NUL. */
  gchar *value = g_strndup ((const gchar *) data, size);

  seedance_fuzz_init ();
  check_retry_after (value);
  check_content_range (value);
  g_free (value);
  return 0;
}
