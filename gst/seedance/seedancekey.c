/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The API key: checked, read from a key file, and found and masked in any
 * text that may hold it, so that it shows nowhere but in the
 * Authorization header sent to the API origin. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "seedanceerror.h"
#include "seedancekey.h"

/**
 * seedance_check_api_key:
 * @key: (nullable): the key
 * @source: where it came from, for the message: "api-key", "api-key-file"
 *   or "MODELLIX_API_KEY"
 * @error: an INVALID_PROPERTY error naming api-key; never quotes the key
 *
 * A key is at least SEEDANCE_MIN_KEY_LENGTH printable ASCII characters
 * without spaces: what goes into an Authorization header, and long enough
 * that masking it in messages changes nothing else.
 */
gboolean
seedance_check_api_key (const gchar * key, const gchar * source,
    GError ** error)
{
  const gchar *p;

  if (key == NULL || *key == '\0') {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'api-key': no API key; set api-key, api-key-file "
        "or the environment variable MODELLIX_API_KEY to your Modellix key");
    return FALSE;
  }
  for (p = key; *p && g_ascii_isgraph (*p); p++);
  if (*p == '\0' && p - key >= SEEDANCE_MIN_KEY_LENGTH)
    return TRUE;
  g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid property 'api-key': the key from %s is not a Modellix key "
      "(%s); allowed: the whole key as your Modellix dashboard shows it, at "
      "least %d printable ASCII characters without spaces", source,
      *p ? "it has spaces or control characters" : "it is too short",
      SEEDANCE_MIN_KEY_LENGTH);
  return FALSE;
}

/* The key in @text, in any letter case: a server may echo it folded. A
 * key is never short (seedance_check_api_key()), so no ordinary word is
 * mistaken for it. */
const gchar *
seedance_key_find (const gchar * key, const gchar * text)
{
  gsize len = strlen (key);

  if (text == NULL || len < SEEDANCE_MIN_KEY_LENGTH)
    return NULL;
  for (; *text; text++) {
    if (g_ascii_strncasecmp (text, key, len) == 0)
      return text;
  }
  return NULL;
}

/* A key file holds one key, not a document. */
#define MAX_KEY_FILE_SIZE 4096

/**
 * seedance_read_key_file:
 * @path: the api-key-file property
 * @error: an INVALID_PROPERTY error naming api-key-file; never quotes the
 *   file's content
 *
 * Reads the key from the first line of a regular file (a symlink to one,
 * as secret stores mount them, is followed), without blocking on a FIFO
 * or reading a device.
 *
 * Returns: (transfer full) (nullable): the key; the caller wipes it.
 */
gchar *
seedance_read_key_file (const gchar * path, GError ** error)
{
  gchar buf[MAX_KEY_FILE_SIZE + 1];
  gchar *key = NULL, *end;
  const gchar *why = NULL;
  gssize n = 0;
  GStatBuf st;
  gint fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    why = g_strerror (errno);
  else if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    why = "it is not a regular file";
  else if (st.st_size > MAX_KEY_FILE_SIZE)
    why = "it is larger than a key file (4 KiB)";
  else {
    while (n < MAX_KEY_FILE_SIZE) {
      gssize got = read (fd, buf + n, MAX_KEY_FILE_SIZE - n);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        why = g_strerror (errno);
      if (got <= 0)
        break;
      n += got;
    }
  }
  if (fd >= 0)
    close (fd);

  if (why == NULL) {
    buf[n] = '\0';
    if ((end = strpbrk (buf, "\r\n")))
      *end = '\0';
    g_strstrip (buf);
    for (end = buf; *end && g_ascii_isgraph (*end); end++);
    if (*buf == '\0')
      why = "its first line is empty";
    else if (*end != '\0')
      why = "its first line is not a key (printable ASCII without spaces)";
    else
      key = g_strdup (buf);
  }
  memset (buf, 0, sizeof (buf));
  if (key == NULL)
    seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'api-key-file': cannot read a key from '%s': %s; "
        "allowed: a regular file whose first line is the key", path, why);
  return key;
}

/**
 * seedance_key_scrub:
 * @key: the key
 * @text: (nullable): text that came from a server, which may echo the key
 *   back ("invalid key sk-...")
 *
 * Returns: (transfer full) (nullable): @text with every @key in it masked.
 */
gchar *
seedance_key_scrub (const gchar * key, const gchar * text)
{
  GString *scrubbed;
  const gchar *at;

  if (text == NULL)
    return NULL;
  scrubbed = g_string_new (NULL);
  while ((at = seedance_key_find (key, text))) {
    g_string_append_len (scrubbed, text, at - text);
    g_string_append (scrubbed, SEEDANCE_MASKED_KEY);
    text = at + strlen (key);
  }
  g_string_append (scrubbed, text);
  return g_string_free (scrubbed, FALSE);
}

void
seedance_key_scrub_in_place (const gchar * key, gchar ** text)
{
  gchar *scrubbed = seedance_key_scrub (key, *text);

  g_free (*text);
  *text = scrubbed;
}

/**
 * seedance_key_name:
 * @purpose: what the name is for ("budget", "engine"), so that names for
 *   different uses never match
 * @origin: the API origin
 * @api_key: the key
 *
 * Returns: (transfer full): 64 hex digits naming the key at @origin, for
 * registries and file names: a hash that says nothing of the key.
 */
gchar *
seedance_key_name (const gchar * purpose, const gchar * origin,
    const gchar * api_key)
{
  gchar *account = g_compute_checksum_for_string (G_CHECKSUM_SHA256, api_key,
      -1);
  gchar *text = g_strconcat (purpose, "\n", origin, "\n", account, NULL);
  gchar *name = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

  g_free (text);
  g_free (account);
  return name;
}
