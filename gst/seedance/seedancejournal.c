/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The task journal: one small JSON file per request, named by the
 * request's fingerprint, so that any pipeline in any process asking for
 * the same request finds the task that was paid for (and the clip that
 * was cached) instead of paying again. An entry is replaced atomically
 * (write and rename, mode 0600) and never holds the key. A lock file per
 * entry (flock) lets one pipeline at a time decide to submit; its holder
 * writes who it is into it. Anything read back is checked: a corrupt or
 * foreign entry is reported and ignored, never trusted.
 *
 * Every file under the cache directory is treated as hostile: the
 * directory and its journal/ and clips/ subdirectories must be private
 * (see check_private_dir()), files are opened relative to the journal
 * directory's descriptor without following symlinks, without blocking on
 * FIFOs and devices, accepted only when fstat() shows a regular file, and
 * read up to a bound. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "seedanceclipcache.h"
#include "seedanceclipsums.h"
#include "seedancejournalprivate.h"

GST_DEBUG_CATEGORY_STATIC (seedance_journal_debug);
#define GST_CAT_DEFAULT seedance_journal_debug

#define JOURNAL_FORMAT "gst-seedance-journal/1"
/* An entry is a few hundred bytes; anything much larger is not one. */
#define MAX_ENTRY_SIZE (64 * 1024)
#define MAX_ID_LENGTH 256
#define MAX_URL_LENGTH 8192

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (seedance_journal_debug, "seedancejournal", 0,
        "Seedance task journal and clip cache");
    g_once_init_leave (&once, 1);
  }
}

/* SHA-256 of the lines origin, model, [account,] body. */
static gchar *
fingerprint_of (const gchar * origin, const gchar * model,
    const gchar * account, const gchar * body)
{
  const gchar *parts[] = { origin, model, account, body };
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gchar *hex;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (parts); i++) {
    if (parts[i] == NULL)
      continue;
    if (i > 0)
      g_checksum_update (sum, (const guchar *) "\n", 1);
    g_checksum_update (sum, (const guchar *) parts[i], -1);
  }
  hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return hex;
}

/**
 * seedance_request_fingerprint:
 * @api_key: the key the request is paid with; only a hash of it goes in
 *
 * Returns: the hex SHA-256 of the API origin, the model, the account and
 * the canonical JSON body: what makes two requests the same paid clip. A
 * task belongs to the account that paid for it, so another key never
 * resumes it or plays its clip, even from a shared cache directory.
 */
gchar *
seedance_request_fingerprint (const gchar * origin, const gchar * model,
    const gchar * api_key, const gchar * body)
{
  /* The key enters only through a hash of it alone. */
  gchar *account = g_compute_checksum_for_string (G_CHECKSUM_SHA256, api_key,
      -1);
  gchar *hex = fingerprint_of (origin, model, account, body);

  g_free (account);
  return hex;
}

/**
 * seedance_request_legacy_fingerprint:
 *
 * Returns: the fingerprint journal entries had before the account was part
 * of it (origin, model and body), so that an entry written then is still
 * found: a pending task must be resumed, not paid again.
 */
gchar *
seedance_request_legacy_fingerprint (const gchar * origin,
    const gchar * model, const gchar * body)
{
  return fingerprint_of (origin, model, NULL, body);
}

/* $XDG_CACHE_HOME/gst-seedance, as the environment says now: GLib's
 * g_get_user_cache_dir() keeps the value of its first call. */
gchar *
seedance_journal_default_dir (void)
{
  const gchar *xdg = g_getenv ("XDG_CACHE_HOME");

  if (xdg == NULL || !g_path_is_absolute (xdg))
    xdg = g_get_user_cache_dir ();
  return g_build_filename (xdg, "gst-seedance", NULL);
}

/* A directory the cache may use: a directory (@fd, opened by the
 * caller), owned by the effective uid, writable by nobody else. Another
 * user who could write there could plant entries, locks and clips. */
static gboolean
check_private_dir (gint fd, const gchar * path, const gchar * what,
    GError ** error)
{
  struct stat st;

  if (fstat (fd, &st) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot examine %s %s: %s", what, path, g_strerror (errno));
    return FALSE;
  }
  if (!S_ISDIR (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
        "%s %s is not a directory; it must be a directory that you own "
        "and nobody else can write to", what, path);
    return FALSE;
  }
  if (st.st_uid != geteuid ()) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
        "%s %s is owned by uid %u, not by you (uid %u); it must be a "
        "directory that you own and nobody else can write to", what, path,
        (guint) st.st_uid, (guint) geteuid ());
    return FALSE;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
        "%s %s is writable by its group or by others (mode %04o); it must "
        "be a directory that you own and nobody else can write to "
        "(chmod go-w)", what, path, (guint) (st.st_mode & 07777));
    return FALSE;
  }
  return TRUE;
}

/* Opens @name under @parent_fd (created 0700 when missing) as a private
 * directory: a symlink is refused, whatever it points to. Returns its
 * descriptor or -1 with @error set. */
static gint
open_private_subdir (gint parent_fd, const gchar * name, const gchar * path,
    GError ** error)
{
  gint fd;

  if (mkdirat (parent_fd, name, 0700) < 0 && errno != EEXIST) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create the cache subdirectory %s: %s", path,
        g_strerror (errno));
    return -1;
  }
  fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
      O_CLOEXEC);
  if (fd < 0) {
    gint saved = errno;
    struct stat st;

    /* With O_DIRECTORY, a symlink may fail as ENOTDIR. */
    if (saved == ENOTDIR && fstatat (parent_fd, name, &st,
            AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
      saved = ELOOP;
    if (saved == ELOOP || saved == ENOTDIR)
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
          "the cache subdirectory %s is %s; it must be a real directory "
          "(not a symbolic link) that you own and nobody else can write to",
          path, saved == ELOOP ? "a symbolic link" : "not a directory");
    else
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
          "cannot open the cache subdirectory %s: %s", path,
          g_strerror (saved));
    return -1;
  }
  if (!check_private_dir (fd, path, "the cache subdirectory", error)) {
    close (fd);
    return -1;
  }
  return fd;
}

/**
 * seedance_journal_open:
 * @dir: the cache directory
 * @fingerprint: the request's fingerprint (64 lowercase hex digits)
 *
 * Opens the journal of one request in @dir, creating @dir, @dir/journal
 * and @dir/clips (mode 0700) when missing. Each must be a directory owned
 * by the effective uid that neither its group nor others can write to;
 * journal/ and clips/ must not be symlinks. @dir itself may be a symlink
 * (the user chose that name) as long as the directory it leads to passes
 * the checks. The directories above @dir are the user's business.
 *
 * Returns: (nullable): the journal, or NULL with @error saying which
 * directory is refused and why.
 */
SeedanceJournal *
seedance_journal_open (const gchar * dir, const gchar * fingerprint,
    GError ** error)
{
  SeedanceJournal *journal;
  gchar *journal_dir;
  gint top_fd = -1, clips_fd = -1;

  ensure_debug ();
  journal_dir = g_build_filename (dir, "journal", NULL);
  journal = g_new0 (SeedanceJournal, 1);
  journal->fingerprint = g_strdup (fingerprint);
  journal->clips_dir = g_build_filename (dir, "clips", NULL);
  journal->lock_fd = -1;
  journal->dir_fd = -1;
  journal->entry_name = g_strconcat (fingerprint, ".json", NULL);
  journal->path = g_build_filename (journal_dir, journal->entry_name, NULL);
  journal->lock_name = g_strconcat (fingerprint, ".lock", NULL);
  journal->lock_path = g_build_filename (journal_dir, journal->lock_name, NULL);
  {
    gchar *name = g_strconcat (fingerprint, ".mp4", NULL);

    journal->clip_path = g_build_filename (journal->clips_dir, name, NULL);
    g_free (name);
    name = g_strconcat (fingerprint, SEEDANCE_FRAME_SUFFIX, NULL);
    journal->frame_path = g_build_filename (journal->clips_dir, name, NULL);
    g_free (name);
  }

  if (g_mkdir_with_parents (dir, 0700) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create the cache directory %s: %s", dir, g_strerror (errno));
    goto fail;
  }
  top_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (top_fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open the cache directory %s: %s", dir, g_strerror (errno));
    goto fail;
  }
  if (!check_private_dir (top_fd, dir, "the cache directory", error))
    goto fail;
  journal->dir_fd = open_private_subdir (top_fd, "journal", journal_dir, error);
  if (journal->dir_fd < 0)
    goto fail;
  clips_fd = open_private_subdir (top_fd, "clips", journal->clips_dir, error);
  if (clips_fd < 0)
    goto fail;

  close (clips_fd);
  close (top_fd);
  g_free (journal_dir);
  return journal;

fail:
  if (top_fd >= 0)
    close (top_fd);
  g_clear_pointer (&journal, seedance_journal_free);
  g_free (journal_dir);
  return NULL;
}

void
seedance_journal_free (SeedanceJournal * journal)
{
  if (journal == NULL)
    return;
  seedance_journal_unlock (journal);
  if (journal->dir_fd >= 0)
    close (journal->dir_fd);
  g_free (journal->fingerprint);
  g_free (journal->entry_name);
  g_free (journal->lock_name);
  g_free (journal->path);
  g_free (journal->lock_path);
  g_free (journal->clips_dir);
  g_free (journal->clip_path);
  g_free (journal->frame_path);
  g_free (journal);
}

/* Opens @name in the journal directory with @flags plus SAFE_OPEN_FLAGS
 * and returns the descriptor once fstat() shows a regular file; else -1,
 * with errno set (ELOOP: a symlink, EINVAL: not a regular file). */
gint
seedance_journal_open_regular (SeedanceJournal * journal, const gchar * name,
    gint flags, struct stat *st)
{
  gint fd = openat (journal->dir_fd, name, flags | SAFE_OPEN_FLAGS, 0600);

  if (fd < 0)
    return -1;
  if (fstat (fd, st) < 0) {
    gint saved = errno;

    close (fd);
    errno = saved;
    return -1;
  }
  if (!S_ISREG (st->st_mode)) {
    close (fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

/* What open_regular()'s errno means, for people. */
const gchar *
seedance_journal_open_failure (gint errnum)
{
  if (errnum == ELOOP)
    return "it is a symbolic link";
  if (errnum == EINVAL)
    return "it is not a regular file";
  return g_strerror (errnum);
}

/* Reads @fd from its start, at most @max bytes: NULL (errno set) on a read
 * error, else the bytes (NUL-terminated) with @length set; *@length is
 * @max + 1 when the file is longer than @max. */
gchar *
seedance_journal_read_bounded (gint fd, gsize max, gsize * length)
{
  gchar *data = g_malloc (max + 2);
  gsize got = 0;

  while (got < max + 1) {
    gssize n = pread (fd, data + got, max + 1 - got, got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      gint saved = errno;

      g_free (data);
      errno = saved;
      return NULL;
    }
    if (n == 0)
      break;
    got += n;
  }
  data[got] = '\0';
  *length = got;
  return data;
}

SeedanceJournalEntry *
seedance_journal_entry_new (const gchar * task_id, const gchar * status)
{
  SeedanceJournalEntry *entry = g_new0 (SeedanceJournalEntry, 1);

  entry->task_id = g_strdup (task_id);
  entry->status = g_strdup (status);
  return entry;
}

void
seedance_journal_entry_free (SeedanceJournalEntry * entry)
{
  if (entry == NULL)
    return;
  g_free (entry->task_id);
  g_free (entry->status);
  g_free (entry->video_url);
  g_free (entry->clip_sums);
  g_free (entry->clip_sha256);
  g_free (entry->frame_sha256);
  g_free (entry);
}

/**
 * seedance_journal_entry_has_clip:
 *
 * Returns: whether the entry knows of a cached clip, with what checks it
 */
gboolean
seedance_journal_entry_has_clip (const SeedanceJournalEntry * entry)
{
  return entry->clip_size > 0 && (entry->clip_sums || entry->clip_sha256);
}

void
seedance_journal_entry_forget_clip (SeedanceJournalEntry * entry)
{
  g_clear_pointer (&entry->clip_sums, g_free);
  g_clear_pointer (&entry->clip_sha256, g_free);
  entry->clip_size = 0;
}

/* A string member of at most @max bytes of printable ASCII, or NULL. */
static const gchar *
printable_member (JsonObject * object, const gchar * name, gsize max)
{
  JsonNode *node = json_object_get_member (object, name);
  const gchar *s, *p;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (node);
  if (strlen (s) == 0 || strlen (s) > max)
    return NULL;
  for (p = s; *p; p++)
    if (!g_ascii_isprint (*p) || *p == ' ')
      return NULL;
  return s;
}

/* A non-negative integer member, or -1 (absent or not one). */
static gint64
count_member (JsonObject * object, const gchar * name)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  v = json_node_get_int (node);
  return v < 0 ? -1 : v;
}

static gboolean
is_sha256 (const gchar * s)
{
  gint i;

  for (i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return s[64] == '\0';
}

/* A cached file of the entry (the clip, the last frame): a size and a
 * SHA-256 given together or not at all. */
static gboolean
cached_file_ok (gint64 size, const gchar * sha)
{
  return (sha == NULL) == (size == 0) && (sha == NULL || is_sha256 (sha));
}

/* The clip's block sums, of its size. */
static gboolean
clip_sums_ok (gint64 size, const gchar * text)
{
  SeedanceClipSums *sums = seedance_clip_sums_parse (text, size);

  seedance_clip_sums_free (sums);
  return sums != NULL;
}

/* Whether @path_member names this request's own file in its clips
 * directory: its name, whichever path led to the cache directory (a
 * symlink to it, a moved home). A path that points elsewhere is never
 * followed; the entry then knows of no cached file, but keeps its task. */
static gboolean
names_own_file (JsonObject * object, const gchar * path_member,
    const gchar * own_path)
{
  JsonNode *path = json_object_get_member (object, path_member);
  const gchar *name;

  if (path == NULL || !JSON_NODE_HOLDS_VALUE (path)
      || json_node_get_value_type (path) != G_TYPE_STRING)
    return FALSE;
  name = strrchr (json_node_get_string (path), G_DIR_SEPARATOR);
  return name && strcmp (name, strrchr (own_path, G_DIR_SEPARATOR)) == 0;
}

/* The entry, every field checked; NULL with @problem (unless NULL) set
 * when there is none (absent: problem stays NULL) or it cannot be
 * trusted (problem says why). */
static SeedanceJournalEntry *
parse_entry (SeedanceJournal * journal, const gchar * data, gsize length,
    gchar ** problem)
{
  JsonParser *parser = json_parser_new ();
  SeedanceJournalEntry *entry = NULL;
  JsonObject *o;
  const gchar *format, *fingerprint, *status, *task_id, *url, *sha, *sums;
  const gchar *frame_sha;
  gint64 expires, size, updated, frame_size;
  GError *error = NULL;

  if (length == 0) {
    *problem = g_strdup ("it is empty");
    goto done;
  }
  if (!json_parser_load_from_data (parser, data, length, &error)) {
    /* json-glib may quote a string it decoded, which is not UTF-8 when it
     * held an unpaired surrogate escape. */
    gchar *reason = g_utf8_make_valid (error->message, -1);

    *problem = g_strdup_printf ("it is not JSON (%s)", reason);
    g_free (reason);
    g_error_free (error);
    goto done;
  }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
    *problem = g_strdup ("it is not a JSON object");
    goto done;
  }
  o = json_node_get_object (json_parser_get_root (parser));
  format = printable_member (o, "format", 64);
  if (g_strcmp0 (format, JOURNAL_FORMAT) != 0) {
    *problem = g_strdup ("it is not a " JOURNAL_FORMAT " entry");
    goto done;
  }
  /* A copy of another request's entry must not pass for this one's. */
  fingerprint = printable_member (o, "fingerprint", 64);
  if (g_strcmp0 (fingerprint, journal->fingerprint) != 0) {
    *problem = g_strdup ("it belongs to another request");
    goto done;
  }
  status = printable_member (o, "status", 64);
  task_id = printable_member (o, "task_id", MAX_ID_LENGTH);
  url = printable_member (o, "video_url", MAX_URL_LENGTH);
  sha = printable_member (o, "clip_sha256", 64);
  sums = printable_member (o, "clip_sums", SEEDANCE_CLIP_SUMS_MAX_TEXT);
  expires = count_member (o, "video_url_expires");
  size = count_member (o, "clip_size");
  updated = count_member (o, "updated");
  /* Entries written before the last frame was cached have none. */
  frame_sha = printable_member (o, "last_frame_sha256", 64);
  frame_size = json_object_has_member (o, "last_frame_size") ?
      count_member (o, "last_frame_size") : 0;
  if (status == NULL || updated < 0 || expires < 0 || size < 0
      || frame_size < 0) {
    *problem = g_strdup ("a field is missing or has the wrong type");
    goto done;
  }
  if (task_id == NULL && g_strcmp0 (status, SEEDANCE_JOURNAL_SUBMITTING) != 0
      && g_strcmp0 (status, SEEDANCE_JOURNAL_UNCERTAIN) != 0) {
    *problem = g_strdup ("it has no task id");
    goto done;
  }
  if (url && !g_str_has_prefix (url, "https://")
      && !g_str_has_prefix (url, "http://")) {
    *problem = g_strdup ("its result URL is not an http(s) URL");
    goto done;
  }
  if (sums ? !clip_sums_ok (size, sums) || sha : !cached_file_ok (size, sha)) {
    *problem = g_strdup ("its cached clip's size or checksum is malformed");
    goto done;
  }
  if (!cached_file_ok (frame_size, frame_sha)) {
    *problem = g_strdup ("its cached last frame's size or checksum is "
        "malformed");
    goto done;
  }
  if ((sha || sums) && !names_own_file (o, "clip", journal->clip_path)) {
    GST_INFO ("%s names another clip file: its task is kept, not the clip",
        journal->path);
    sha = sums = NULL;
    size = 0;
  }
  if (frame_sha && !names_own_file (o, "last_frame", journal->frame_path)) {
    frame_sha = NULL;
    frame_size = 0;
  }

  entry = seedance_journal_entry_new (task_id, status);
  entry->video_url = g_strdup (url);
  entry->video_url_expires = expires;
  entry->clip_size = size;
  entry->clip_sha256 = g_strdup (sha);
  entry->clip_sums = g_strdup (sums);
  entry->frame_size = frame_size;
  entry->frame_sha256 = g_strdup (frame_sha);
  entry->updated = updated;

done:
  g_object_unref (parser);
  return entry;
}

/**
 * seedance_journal_read:
 * @problem: (out) (optional) (nullable): why an entry that is there is
 *   ignored
 *
 * Reads the entry, never trusting it: one that is a symlink, a FIFO, a
 * device or a directory, one longer than MAX_ENTRY_SIZE, or one whose
 * content does not check out is reported in @problem and ignored, as if
 * there were none.
 *
 * Returns: (nullable): the entry, NULL when there is none to trust.
 */
SeedanceJournalEntry *
seedance_journal_read (SeedanceJournal * journal, gchar ** problem)
{
  SeedanceJournalEntry *entry = NULL;
  gchar *data = NULL, *why = NULL;
  gsize length;
  struct stat st;
  gint fd;

  fd = seedance_journal_open_regular (journal, journal->entry_name, O_RDONLY,
      &st);
  if (fd < 0) {
    if (errno == ENOENT)
      return NULL;
    why = g_strdup (seedance_journal_open_failure (errno));
  } else if ((data =
          seedance_journal_read_bounded (fd, MAX_ENTRY_SIZE,
              &length)) == NULL) {
    why = g_strdup (g_strerror (errno));
  } else if (length > MAX_ENTRY_SIZE) {
    why = g_strdup_printf ("it is longer than %d bytes", MAX_ENTRY_SIZE);
  } else {
    entry = parse_entry (journal, data, length, &why);
  }
  if (fd >= 0)
    close (fd);

  if (entry == NULL) {
    GST_WARNING ("ignoring the journal entry %s: %s", journal->path, why);
    if (problem)
      *problem = g_strdup_printf ("The journal entry %s is ignored: %s",
          journal->path, why);
  } else {
    GST_DEBUG ("%s: task %s, %s", journal->path, GST_STR_NULL (entry->task_id),
        entry->status);
  }
  g_free (why);
  g_free (data);
  return entry;
}

/* Replaces the entry with @text: written to a new file beside it (never
 * through an existing name), synced and renamed over it, then the
 * directory synced, so a reader sees the old entry or the new, and so does
 * the disk after a crash; a symlink or FIFO planted at the entry's name is
 * replaced, not followed. */
static gboolean
write_replace (SeedanceJournal * journal, const gchar * text, GError ** error)
{
  gchar *tmp = g_strdup_printf ("%s.%d-%08x.tmp", journal->entry_name,
      (gint) getpid (), g_random_int ());
  gsize length = strlen (text), done = 0;
  gint fd, saved;

  fd = openat (journal->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL |
      SAFE_OPEN_FLAGS, 0600);
  if (fd < 0)
    goto failed;
  while (done < length) {
    gssize n = write (fd, text + done, length - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      goto failed;
    done += n;
  }
  if (fsync (fd) < 0 || close (fd) < 0) {
    fd = -1;
    goto failed;
  }
  fd = -1;
  if (renameat (journal->dir_fd, tmp, journal->dir_fd, journal->entry_name) < 0)
    goto failed;
  /* The new name itself survives a power cut only once the directory is
   * synced: a claim must be on disk before its POST goes out. */
  if (fsync (journal->dir_fd) < 0)
    goto failed;
  g_free (tmp);
  return TRUE;

failed:
  saved = errno;
  if (fd >= 0)
    close (fd);
  unlinkat (journal->dir_fd, tmp, 0);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
      "cannot write the journal entry %s: %s", journal->path,
      g_strerror (saved));
  g_free (tmp);
  return FALSE;
}

gboolean
seedance_journal_write (SeedanceJournal * journal,
    SeedanceJournalEntry * entry, GError ** error)
{
  JsonBuilder *b = json_builder_new ();
  JsonGenerator *gen = json_generator_new ();
  JsonNode *root;
  gchar *text;
  gboolean ok;

  entry->updated = g_get_real_time () / G_USEC_PER_SEC;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, JOURNAL_FORMAT);
  json_builder_set_member_name (b, "fingerprint");
  json_builder_add_string_value (b, journal->fingerprint);
  if (entry->task_id) {
    json_builder_set_member_name (b, "task_id");
    json_builder_add_string_value (b, entry->task_id);
  }
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, entry->status);
  if (entry->video_url) {
    json_builder_set_member_name (b, "video_url");
    json_builder_add_string_value (b, entry->video_url);
  }
  json_builder_set_member_name (b, "video_url_expires");
  json_builder_add_int_value (b, entry->video_url_expires);
  json_builder_set_member_name (b, "clip_size");
  json_builder_add_int_value (b, entry->clip_size);
  if (seedance_journal_entry_has_clip (entry)) {
    json_builder_set_member_name (b, "clip");
    json_builder_add_string_value (b, journal->clip_path);
  }
  if (entry->clip_sums) {
    json_builder_set_member_name (b, "clip_sums");
    json_builder_add_string_value (b, entry->clip_sums);
  } else if (entry->clip_sha256) {
    json_builder_set_member_name (b, "clip_sha256");
    json_builder_add_string_value (b, entry->clip_sha256);
  }
  if (entry->frame_sha256) {
    json_builder_set_member_name (b, "last_frame");
    json_builder_add_string_value (b, journal->frame_path);
    json_builder_set_member_name (b, "last_frame_size");
    json_builder_add_int_value (b, entry->frame_size);
    json_builder_set_member_name (b, "last_frame_sha256");
    json_builder_add_string_value (b, entry->frame_sha256);
  }
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, entry->updated);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* Written beside and renamed: a reader sees the old entry or the new. */
  ok = write_replace (journal, text, error);
  if (ok)
    GST_DEBUG ("%s: task %s, %s", journal->path,
        GST_STR_NULL (entry->task_id), entry->status);

  g_free (text);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return ok;
}

void
seedance_journal_remove (SeedanceJournal * journal)
{
  /* unlink() never follows: a planted symlink goes, not its target. */
  if (unlinkat (journal->dir_fd, journal->entry_name, 0) == 0)
    GST_DEBUG ("removed %s", journal->path);
}

/**
 * seedance_journal_adopt:
 * @journal: this request's journal: the caller holds its lock, and it has
 *   no entry
 * @dir: the cache directory of @journal
 * @old_fingerprint: the request's fingerprint in the previous scheme
 *
 * Moves the entry (and its cached clip) that the request had under
 * @old_fingerprint to @journal, under the old entry's lock too. An old
 * entry that another pipeline holds is left alone.
 *
 * Returns: (transfer full) (nullable): the entry, now @journal's, or NULL
 * when there was none.
 */
SeedanceJournalEntry *
seedance_journal_adopt (SeedanceJournal * journal, const gchar * dir,
    const gchar * old_fingerprint)
{
  SeedanceJournal *old = seedance_journal_open (dir, old_fingerprint, NULL);
  SeedanceJournalEntry *entry = NULL;
  gboolean locked = FALSE;
  GError *error = NULL;
  struct stat st;

  /* Most requests have no old entry: its lock is not even made. */
  if (old == NULL || fstatat (old->dir_fd, old->entry_name, &st,
          AT_SYMLINK_NOFOLLOW) < 0)
    goto done;
  if (!seedance_journal_try_lock (old, &locked, NULL) || !locked
      || !(entry = seedance_journal_read (old, NULL)))
    goto done;
  /* The clip keeps its bytes; only its name follows the entry. */
  if (seedance_journal_entry_has_clip (entry)
      && g_rename (old->clip_path, journal->clip_path) < 0)
    seedance_journal_entry_forget_clip (entry);
  if (entry->frame_sha256
      && g_rename (old->frame_path, journal->frame_path) < 0) {
    g_clear_pointer (&entry->frame_sha256, g_free);
    entry->frame_size = 0;
  }
  if (!seedance_journal_write (journal, entry, &error)) {
    GST_WARNING ("cannot adopt %s: %s", old->path, error->message);
    g_error_free (error);
    g_clear_pointer (&entry, seedance_journal_entry_free);
    goto done;
  }
  GST_INFO ("adopted %s as %s", old->path, journal->path);
  seedance_journal_remove (old);

done:
  if (old && locked) {
    /* Its lock file goes with it; nobody waits on a lock that is held. */
    unlinkat (old->dir_fd, old->lock_name, 0);
  }
  seedance_journal_free (old);
  return entry;
}

/**
 * seedance_journal_open_file:
 * @name: a file name of the cache's own in the journal directory
 *
 * Opens (creating it 0600 if needed) another file of the cache in the
 * journal directory, for reading and writing, with the rules of the
 * journal's own files: never through a symlink, a regular file with one
 * name only, never blocking on a FIFO.
 *
 * Returns: the file descriptor, or -1 with @error set.
 */
gint
seedance_journal_open_file (SeedanceJournal * journal, const gchar * name,
    GError ** error)
{
  struct stat st;
  gint fd;

  fd = seedance_journal_open_regular (journal, name, O_RDWR | O_CREAT, &st);
  if (fd >= 0 && st.st_nlink != 1) {
    close (fd);
    fd = -1;
    errno = EMLINK;
  }
  if (fd < 0)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open %s beside %s: %s", name, journal->path, errno == EINVAL ?
        "it is not a regular file" : errno == EMLINK ? "it is a hard link" :
        errno == ELOOP ? "it is a symbolic link" : g_strerror (errno));
  return fd;
}

const gchar *
seedance_journal_get_path (SeedanceJournal * journal)
{
  return journal->path;
}

const gchar *
seedance_journal_get_lock_path (SeedanceJournal * journal)
{
  return journal->lock_path;
}

const gchar *
seedance_journal_get_clip_path (SeedanceJournal * journal)
{
  return journal->clip_path;
}

const gchar *
seedance_journal_get_clips_dir (SeedanceJournal * journal)
{
  return journal->clips_dir;
}

/**
 * seedance_journal_get_frame_path:
 *
 * Returns: where the cache keeps the request's last frame (return-last-frame),
 * beside its clip: clips/<fingerprint>.last-frame.
 */
const gchar *
seedance_journal_get_frame_path (SeedanceJournal * journal)
{
  return journal->frame_path;
}
