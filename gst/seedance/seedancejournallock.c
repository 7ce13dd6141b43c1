/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The journal entry's lock: one pipeline at a time decides whether to
 * submit. The lock is a flock on journal/<fingerprint>.lock, whose holder
 * writes who it is into it for the people waiting; what a holder wrote is
 * read back as hostile text. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seedancejournalprivate.h"

/* Its own category: the journal's is static, since the core library is
 * linked into the tests and into the plugin they load. */
GST_DEBUG_CATEGORY_STATIC (seedance_journal_lock_debug);
#define GST_CAT_DEFAULT seedance_journal_lock_debug

static void
ensure_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (seedance_journal_lock_debug,
        "seedancejournallock", 0, "the journal entries' locks");
    g_once_init_leave (&done, 1);
  }
}

/* The holder line in a lock file: "pid=<n> host=<name> program=<name>". */
#define MAX_HOLDER_SIZE 200
#define MAX_HOLDER_NAME 64

/* @s as a holder name: printable ASCII without spaces, at most
 * MAX_HOLDER_NAME bytes, anything else replaced by '?'. */
static gchar *
holder_name (const gchar * s)
{
  gchar *name = g_strndup (s ? s : "", MAX_HOLDER_NAME);
  gchar *p;

  for (p = name; *p; p++)
    if (!g_ascii_isgraph (*p))
      *p = '?';
  return name;
}

/* Writes who holds the lock into the locked file. Only a help for people
 * waiting: a failure is logged. */
static void
write_holder (SeedanceJournal * journal)
{
  gchar *host = holder_name (g_get_host_name ());
  gchar *program = holder_name (g_get_prgname ());
  gchar *line = g_strdup_printf ("pid=%d host=%s%s%s\n", (gint) getpid (),
      host, *program ? " program=" : "", program);
  gsize length = strlen (line), done = 0;

  if (ftruncate (journal->lock_fd, 0) < 0)
    goto failed;
  while (done < length) {
    gssize n = pwrite (journal->lock_fd, line + done, length - done, done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      goto failed;
    done += n;
  }
  goto out;

failed:
  GST_WARNING ("cannot name the holder in %s: %s", journal->lock_path,
      g_strerror (errno));
out:
  g_free (line);
  g_free (program);
  g_free (host);
}

/**
 * seedance_journal_try_lock:
 * @locked: (out): whether this journal holds the lock now
 *
 * Takes the entry's lock if it is free: *@locked says whether it was.
 * flock() locks belong to the open file, so two sources of one process
 * exclude each other as two processes do, and a process that dies lets
 * go of its locks. The holder writes its pid, host and program name into
 * the lock file (see seedance_journal_describe_holder()).
 *
 * A lock path that is a symlink, not a regular file, or a hard link to
 * another name (writing the holder would change that file) is an error:
 * nothing is created or written through it.
 *
 * Returns: FALSE with @error set when the lock cannot be used at all.
 */
gboolean
seedance_journal_try_lock (SeedanceJournal * journal, gboolean * locked,
    GError ** error)
{
  struct stat st;
  gint fd;

  ensure_debug ();
  *locked = journal->lock_fd >= 0;
  if (*locked)
    return TRUE;
  fd = seedance_journal_open_regular (journal, journal->lock_name,
      O_RDWR | O_CREAT, &st);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open the journal lock %s: %s", journal->lock_path,
        seedance_journal_open_failure (errno));
    return FALSE;
  }
  if (st.st_nlink != 1) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "cannot use the journal lock %s: it has %u names (a hard link); "
        "it must be a file of the cache's own", journal->lock_path,
        (guint) st.st_nlink);
    close (fd);
    return FALSE;
  }
  if (flock (fd, LOCK_EX | LOCK_NB) < 0) {
    gint saved = errno;

    close (fd);
    if (saved == EWOULDBLOCK || saved == EINTR)
      return TRUE;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
        "cannot lock %s: %s", journal->lock_path, g_strerror (saved));
    return FALSE;
  }
  journal->lock_fd = fd;
  *locked = TRUE;
  write_holder (journal);
  GST_DEBUG ("locked %s", journal->lock_path);
  return TRUE;
}

void
seedance_journal_unlock (SeedanceJournal * journal)
{
  if (journal->lock_fd < 0)
    return;
  /* Nobody holds it now: a reader must not name this process. */
  if (ftruncate (journal->lock_fd, 0) < 0)
    GST_DEBUG ("cannot clear %s: %s", journal->lock_path, g_strerror (errno));
  /* Closing the file releases the lock. */
  close (journal->lock_fd);
  journal->lock_fd = -1;
  GST_DEBUG ("unlocked %s", journal->lock_path);
}

/* Whether @tokens are a holder line as write_holder() makes them:
 * "pid=<decimal>", then optionally "host=<name>", then optionally
 * "program=<name>"; the values are returned in @pid, @host, @program. */
static gboolean
parse_holder (gchar ** tokens, const gchar ** pid, const gchar ** host,
    const gchar ** program)
{
  static const gchar *const keys[] = { "pid=", "host=", "program=" };
  const gchar **values[] = { pid, host, program };
  const gchar *p;
  guint i;

  *pid = *host = *program = NULL;
  for (i = 0; tokens[i]; i++) {
    if (i >= G_N_ELEMENTS (keys) || !g_str_has_prefix (tokens[i], keys[i])
        || strlen (tokens[i]) - strlen (keys[i]) > MAX_HOLDER_NAME)
      return FALSE;
    *values[i] = tokens[i] + strlen (keys[i]);
  }
  if (*pid == NULL || **pid == '0' || strlen (*pid) == 0 || strlen (*pid) > 10)
    return FALSE;
  for (p = *pid; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/**
 * seedance_journal_describe_holder:
 *
 * Names the pipeline that holds this entry's lock, from what it wrote in
 * the lock file, for a message to the user who waits for it. The file is
 * read like any in the cache: bounded, never through a symlink, only a
 * regular file; content that is not exactly a holder line (printable
 * ASCII, a decimal pid, at most MAX_HOLDER_SIZE bytes) is refused whole.
 * To learn whether anybody holds the lock, this takes a shared lock for
 * an instant: a try_lock() of another journal at that moment finds the
 * lock busy and tries again later.
 *
 * Returns: (transfer full) (nullable): a text like "process 1234
 * (gst-launch-1.0) on host myhost", or NULL when nobody holds the lock or
 * the holder cannot be named.
 */
gchar *
seedance_journal_describe_holder (SeedanceJournal * journal)
{
  struct stat st;
  gchar *data, *text = NULL, **tokens;
  const gchar *pid, *host, *program;
  gsize length, i;
  gint fd;

  ensure_debug ();
  g_return_val_if_fail (journal != NULL, NULL);

  fd = seedance_journal_open_regular (journal, journal->lock_name, O_RDONLY,
      &st);
  if (fd < 0)
    return NULL;
  /* A shared lock granted at once: no holder, whatever the file says. */
  if (journal->lock_fd < 0 && flock (fd, LOCK_SH | LOCK_NB) == 0) {
    close (fd);
    return NULL;
  }
  data = seedance_journal_read_bounded (fd, MAX_HOLDER_SIZE, &length);
  close (fd);
  if (data == NULL || length > MAX_HOLDER_SIZE || length < 2
      || data[length - 1] != '\n')
    goto out;
  data[length - 1] = '\0';
  for (i = 0; i + 1 < length; i++)
    if (!g_ascii_isprint (data[i]))
      goto out;
  tokens = g_strsplit (data, " ", 4);
  if (parse_holder (tokens, &pid, &host, &program)) {
    GString *s = g_string_new (NULL);

    g_string_append_printf (s, "process %s", pid);
    if (program && *program)
      g_string_append_printf (s, " (%s)", program);
    if (host && *host)
      g_string_append_printf (s, " on host %s", host);
    text = g_string_free (s, FALSE);
  }
  g_strfreev (tokens);

out:
  if (text == NULL)
    GST_DEBUG ("%s names no holder", journal->lock_path);
  g_free (data);
  return text;
}

gboolean
seedance_journal_is_locked (SeedanceJournal * journal)
{
  return journal->lock_fd >= 0;
}
