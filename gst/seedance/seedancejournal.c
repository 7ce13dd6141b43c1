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
 * entry (flock) lets one pipeline at a time decide to submit. Anything
 * read back is checked: a corrupt or foreign entry is reported and
 * ignored, never trusted. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "seedancejournal.h"

GST_DEBUG_CATEGORY_STATIC (seedance_journal_debug);
#define GST_CAT_DEFAULT seedance_journal_debug

#define JOURNAL_FORMAT "gst-seedance-journal/1"
/* An entry is a few hundred bytes; anything much larger is not one. */
#define MAX_ENTRY_SIZE (64 * 1024)
#define MAX_ID_LENGTH 256
#define MAX_URL_LENGTH 8192

struct _SeedanceJournal
{
  gchar *fingerprint;
  gchar *path;                  /* journal/<fingerprint>.json */
  gchar *lock_path;             /* journal/<fingerprint>.lock */
  gchar *clips_dir;             /* clips/ */
  gchar *clip_path;             /* clips/<fingerprint>.mp4 */
  gint lock_fd;                 /* -1 when not locked */
};

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
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gchar *account, *hex;

  /* The key enters only through a hash of it alone. */
  account = g_compute_checksum_for_string (G_CHECKSUM_SHA256, api_key, -1);
  g_checksum_update (sum, (const guchar *) origin, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) model, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) account, -1);
  g_checksum_update (sum, (const guchar *) "\n", 1);
  g_checksum_update (sum, (const guchar *) body, -1);
  hex = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  g_free (account);
  return hex;
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

static gboolean
make_private_dir (const gchar * path, GError ** error)
{
  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
      "cannot create the cache directory %s: %s", path, g_strerror (errno));
  return FALSE;
}

SeedanceJournal *
seedance_journal_open (const gchar * dir, const gchar * fingerprint,
    GError ** error)
{
  SeedanceJournal *journal;
  gchar *journal_dir, *name;

  ensure_debug ();
  journal_dir = g_build_filename (dir, "journal", NULL);
  journal = g_new0 (SeedanceJournal, 1);
  journal->fingerprint = g_strdup (fingerprint);
  journal->clips_dir = g_build_filename (dir, "clips", NULL);
  journal->lock_fd = -1;
  name = g_strconcat (fingerprint, ".json", NULL);
  journal->path = g_build_filename (journal_dir, name, NULL);
  g_free (name);
  name = g_strconcat (fingerprint, ".lock", NULL);
  journal->lock_path = g_build_filename (journal_dir, name, NULL);
  g_free (name);
  name = g_strconcat (fingerprint, ".mp4", NULL);
  journal->clip_path = g_build_filename (journal->clips_dir, name, NULL);
  g_free (name);

  if (!make_private_dir (journal_dir, error)
      || !make_private_dir (journal->clips_dir, error))
    g_clear_pointer (&journal, seedance_journal_free);
  g_free (journal_dir);
  return journal;
}

void
seedance_journal_free (SeedanceJournal * journal)
{
  if (journal == NULL)
    return;
  seedance_journal_unlock (journal);
  g_free (journal->fingerprint);
  g_free (journal->path);
  g_free (journal->lock_path);
  g_free (journal->clips_dir);
  g_free (journal->clip_path);
  g_free (journal);
}

/* Takes the entry's lock if it is free: *locked says whether it was.
 * flock() locks belong to the open file, so two sources of one process
 * exclude each other as two processes do, and a process that dies lets
 * go of its locks. */
gboolean
seedance_journal_try_lock (SeedanceJournal * journal, gboolean * locked,
    GError ** error)
{
  gint fd;

  *locked = journal->lock_fd >= 0;
  if (*locked)
    return TRUE;
  fd = g_open (journal->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open the journal lock %s: %s", journal->lock_path,
        g_strerror (errno));
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
  GST_DEBUG ("locked %s", journal->lock_path);
  return TRUE;
}

void
seedance_journal_unlock (SeedanceJournal * journal)
{
  if (journal->lock_fd < 0)
    return;
  /* Closing the file releases the lock. */
  close (journal->lock_fd);
  journal->lock_fd = -1;
  GST_DEBUG ("unlocked %s", journal->lock_path);
}

gboolean
seedance_journal_is_locked (SeedanceJournal * journal)
{
  return journal->lock_fd >= 0;
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
  g_free (entry->clip_sha256);
  g_free (entry);
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
  const gchar *format, *fingerprint, *status, *task_id, *url, *sha;
  gint64 expires, size, updated;
  JsonNode *clip;
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
  expires = count_member (o, "video_url_expires");
  size = count_member (o, "clip_size");
  updated = count_member (o, "updated");
  if (status == NULL || updated < 0 || expires < 0 || size < 0) {
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
  /* The clip is always this request's own file: a path that points
   * elsewhere is not followed. */
  clip = json_object_get_member (o, "clip");
  if ((sha == NULL) != (size == 0) || (sha && !is_sha256 (sha))
      || (sha && (clip == NULL || !JSON_NODE_HOLDS_VALUE (clip)
              || g_strcmp0 (json_node_get_string (clip),
                  journal->clip_path) != 0))) {
    *problem = g_strdup ("its cached clip's size or checksum is malformed");
    goto done;
  }

  entry = seedance_journal_entry_new (task_id, status);
  entry->video_url = g_strdup (url);
  entry->video_url_expires = expires;
  entry->clip_size = size;
  entry->clip_sha256 = g_strdup (sha);
  entry->updated = updated;

done:
  g_object_unref (parser);
  return entry;
}

SeedanceJournalEntry *
seedance_journal_read (SeedanceJournal * journal, gchar ** problem)
{
  SeedanceJournalEntry *entry;
  gchar *data = NULL, *why = NULL;
  gsize length;
  GStatBuf st;
  GError *error = NULL;

  if (g_stat (journal->path, &st) < 0) {
    if (errno == ENOENT)
      return NULL;
    why = g_strdup (g_strerror (errno));
    entry = NULL;
  } else if (st.st_size > MAX_ENTRY_SIZE) {
    why = g_strdup_printf ("it is %" G_GINT64_FORMAT " bytes long",
        (gint64) st.st_size);
    entry = NULL;
  } else if (!g_file_get_contents (journal->path, &data, &length, &error)) {
    why = g_strdup (error->message);
    g_error_free (error);
    entry = NULL;
  } else {
    entry = parse_entry (journal, data, length, &why);
  }

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
  if (entry->clip_sha256) {
    json_builder_set_member_name (b, "clip");
    json_builder_add_string_value (b, journal->clip_path);
    json_builder_set_member_name (b, "clip_sha256");
    json_builder_add_string_value (b, entry->clip_sha256);
  }
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, entry->updated);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  /* Written beside and renamed: a reader sees the old entry or the new. */
  ok = g_file_set_contents_full (journal->path, text, -1,
      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
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
  if (g_unlink (journal->path) == 0)
    GST_DEBUG ("removed %s", journal->path);
}

const gchar *
seedance_journal_get_path (SeedanceJournal * journal)
{
  return journal->path;
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
