/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The clip cache: its directory, the cached clips opened for reading
 * (their bytes are checked as they are read, see seedancereader.c; the
 * cache tee that writes them is seedanceclipwriter.c), and eviction. The
 * least recently used clips go when the cache
 * outgrows its bound, each with its last frame (return-last-frame), which
 * is kept beside it as <fingerprint>.last-frame.
 *
 * The clips directory may hold anything (a user who pointed cache-dir at
 * a directory of their own, a planted symlink): the cache only ever
 * deletes files it can prove it made, by their exact names, examined with
 * lstat semantics, and opens its files without following symlinks. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "seedanceclipcache.h"

GST_DEBUG_CATEGORY_STATIC (seedance_clip_cache_debug);
#define GST_CAT_DEFAULT seedance_clip_cache_debug

#define HASH_CHUNK (256 * 1024)
/* Part files of runs that died are removed after this long. */
#define STALE_PART_AGE_S (24 * 3600)
/* A clip's name: the request's fingerprint, 64 lowercase hex digits. */
#define FINGERPRINT_LENGTH 64
#define CLIP_SUFFIX ".mp4"

/* How the cache opens its files: never through a symlink, never blocking
 * on a FIFO or a device, never becoming a controlling terminal. */
#define SAFE_OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (seedance_clip_cache_debug, "seedanceclipcache",
        0, "Seedance clip cache");
    g_once_init_leave (&once, 1);
  }
}

/* Reads [from, to) of @fd into @sum. */
static gboolean
hash_file (gint fd, guint64 from, guint64 to, GChecksum * sum)
{
  guint8 *buf = g_malloc (HASH_CHUNK);
  gboolean ok = TRUE;

  while (from < to) {
    gssize n = pread (fd, buf, MIN (HASH_CHUNK, to - from), from);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ok = FALSE;
      break;
    }
    g_checksum_update (sum, buf, n);
    from += n;
  }
  g_free (buf);
  return ok;
}

/**
 * seedance_clip_open:
 * @path: a cached clip
 * @size: the size its journal entry gives it
 *
 * Opens the file at @path if it is a regular file, not reached through a
 * symlink, of @size bytes: the descriptor that was checked is the one
 * that is read. Its bytes are checked as they are read, against the
 * entry's sums (seedanceclipsums.c).
 *
 * Returns: the descriptor, or -1 with @error set
 */
gint
seedance_clip_open (const gchar * path, guint64 size, GError ** error)
{
  GStatBuf st;
  gint fd;

  ensure_debug ();
  fd = g_open (path, O_RDONLY | SAFE_OPEN_FLAGS, 0);
  if (fd < 0 || fstat (fd, &st) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "%s: %s", path, errno == ELOOP ? "it is a symbolic link" :
        g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s is not a regular file", path);
    close (fd);
    return -1;
  }
  if ((guint64) st.st_size != size) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s has %" G_GINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT, path,
        (gint64) st.st_size, size);
    close (fd);
    return -1;
  }
  return fd;
}

/**
 * seedance_clip_open_verified:
 * @sha256: the SHA-256 an entry of an earlier version gives the clip
 *
 * seedance_clip_open() of a clip cached by a version that kept a SHA-256
 * of the whole clip instead of sums: the whole file is read and checked
 * before it is returned.
 */
gint
seedance_clip_open_verified (const gchar * path, guint64 size,
    const gchar * sha256, GError ** error)
{
  GChecksum *sum;
  gint fd = seedance_clip_open (path, size, error);

  if (fd < 0)
    return -1;
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  if (!hash_file (fd, 0, size, sum)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read %s", path);
    close (fd);
    fd = -1;
  } else if (g_strcmp0 (g_checksum_get_string (sum), sha256) != 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s does not match its checksum", path);
    close (fd);
    fd = -1;
  }
  g_checksum_free (sum);
  return fd;
}

/* Marks the clip as just used: eviction goes by modification time. */
void
seedance_clip_touch (const gchar * path)
{
  /* Nanoseconds: clips used within one second still have an order. A
   * symlink's target is not touched. */
  if (utimensat (AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW) < 0)
    GST_DEBUG ("cannot touch %s: %s", path, g_strerror (errno));
}

/**
 * seedance_clip_cache_open_dir:
 * @clips_dir: the cache's clips directory
 *
 * Opens @clips_dir, which must be a directory (not a symlink to one) owned
 * by the effective uid that neither its group nor others can write to:
 * files are then made, examined and removed through the descriptor, never
 * through a path that could be swapped in between.
 *
 * Returns: the directory's descriptor, or -1 with @error set.
 */
gint
seedance_clip_cache_open_dir (const gchar * clips_dir, GError ** error)
{
  struct stat st;
  gint fd;

  ensure_debug ();
  fd = open (clips_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot open %s: %s", clips_dir, errno == ELOOP ?
        "it is a symbolic link" : g_strerror (errno));
    return -1;
  }
  if (fstat (fd, &st) < 0 || st.st_uid != geteuid ()
      || (st.st_mode & (S_IWGRP | S_IWOTH))) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
        "%s is not a private directory of yours", clips_dir);
    close (fd);
    return -1;
  }
  return fd;
}

/**
 * seedance_clip_cache_create_part:
 * @dir_fd: a directory from seedance_clip_cache_open_dir()
 * @final_name: the name the file will have once complete, e.g.
 *   "<fingerprint>.last-frame"
 * @part_name: (out) (transfer full): the part file's name in @dir_fd
 *
 * Creates a new, empty part file for @final_name, mode 0600, named as
 * eviction recognises the cache's part files (so one that a run which
 * died leaves behind is removed a day later); never through a symlink,
 * never an existing file.
 *
 * Returns: its descriptor (read-write), or -1 with @error set.
 */
gint
seedance_clip_cache_create_part (gint dir_fd, const gchar * final_name,
    gchar ** part_name, GError ** error)
{
  gchar *name = g_strdup_printf ("%s.%d-%08x.part", final_name,
      (gint) getpid (), g_random_int ());
  gint fd = openat (dir_fd, name, O_RDWR | O_CREAT | O_EXCL | SAFE_OPEN_FLAGS,
      0600);

  ensure_debug ();
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create %s in the cache: %s", name, g_strerror (errno));
    g_free (name);
    return -1;
  }
  *part_name = name;
  return fd;
}

/* What the cache holds of one request: its clip, its last frame, or
 * both; they are counted and evicted together. */
typedef struct
{
  gchar fingerprint[FINGERPRINT_LENGTH + 1];
  guint64 clip_size;            /* 0: no clip */
  guint64 frame_size;           /* 0: no last frame */
  gboolean clip, frame;         /* which of the two are there */
  gint64 mtime;                 /* ns, the later of the two */
} CachedRequest;

static gint
older_first (gconstpointer a, gconstpointer b)
{
  const CachedRequest *x = a, *y = b;

  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* Whether @s starts with @n lowercase hex digits; returns past them. */
static const gchar *
skip_hex (const gchar * s, guint n)
{
  guint i;

  for (i = 0; i < n; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return NULL;
  return s + n;
}

/* The suffix after "<64 lowercase hex>" in the name of a file the cache
 * commits (CLIP_SUFFIX or SEEDANCE_FRAME_SUFFIX), NULL for any other
 * name. */
static const gchar *
own_suffix (const gchar * name)
{
  const gchar *p = skip_hex (name, FINGERPRINT_LENGTH);

  if (p && strcmp (p, CLIP_SUFFIX) == 0)
    return CLIP_SUFFIX;
  if (p && strcmp (p, SEEDANCE_FRAME_SUFFIX) == 0)
    return SEEDANCE_FRAME_SUFFIX;
  return NULL;
}

/* "<64 lowercase hex><suffix>.<pid>-<8 lowercase hex>.part", with the
 * suffix of a clip or a last frame, exactly as seedance_clip_writer_new()
 * and seedance_clip_cache_create_part() name their part files. */
static gboolean
is_part_name (const gchar * name)
{
  const gchar *p = skip_hex (name, FINGERPRINT_LENGTH);
  guint digits = 0;

  if (p && g_str_has_prefix (p, CLIP_SUFFIX "."))
    p += strlen (CLIP_SUFFIX ".");
  else if (p && g_str_has_prefix (p, SEEDANCE_FRAME_SUFFIX "."))
    p += strlen (SEEDANCE_FRAME_SUFFIX ".");
  else
    return FALSE;
  if (*p == '0')
    return FALSE;
  while (g_ascii_isdigit (p[digits]))
    digits++;
  if (digits == 0 || digits > 10 || p[digits] != '-')
    return FALSE;
  p = skip_hex (p + digits + 1, 8);
  return p && strcmp (p, ".part") == 0;
}

/* Removes what the cache holds of @r, through the checked directory;
 * returns the bytes that went. */
static guint64
evict_request (gint dir_fd, const gchar * clips_dir, const CachedRequest * r)
{
  const gchar *suffixes[] = { CLIP_SUFFIX, SEEDANCE_FRAME_SUFFIX };
  const gboolean held[] = { r->clip, r->frame };
  const guint64 sizes[] = { r->clip_size, r->frame_size };
  guint64 removed = 0;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    gchar *name;

    if (!held[i])
      continue;
    name = g_strconcat (r->fingerprint, suffixes[i], NULL);
    /* unlinkat() never follows: had the file become a symlink since, the
     * link would go, not its target. */
    if (unlinkat (dir_fd, name, 0) == 0) {
      GST_INFO ("evicted %s/%s (%" G_GUINT64_FORMAT " bytes)", clips_dir,
          name, sizes[i]);
      removed += sizes[i];
    }
    g_free (name);
  }
  return removed;
}

/* Removes the least recently used clips, each with its last frame, until
 * the cache holds at most @max_bytes, never those of @keep's request (the
 * files in use: @keep is a clip or a last frame of this directory); also
 * part files that a run which died left behind. Only files the cache made
 * count and go: a regular file (not followed if a symlink) owned by the
 * effective uid, named as the cache names its clips, last frames and part
 * files. A last frame without its clip counts on its own. Anything else in
 * the directory, whatever its name, is neither counted nor touched.
 * Returns how many requests' files went. */
guint
seedance_clip_cache_evict (const gchar * clips_dir, guint64 max_bytes,
    const gchar * keep)
{
  GDir *dir;
  const gchar *name;
  struct stat st;
  GArray *held;
  GHashTable *index;
  gchar *keep_name = NULL;
  GError *error = NULL;
  guint64 total = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint i, evicted = 0;
  gint fd;

  ensure_debug ();
  /* The directory itself must be the cache's: no symlink, private. */
  if ((fd = seedance_clip_cache_open_dir (clips_dir, &error)) < 0) {
    GST_WARNING ("not evicting: %s", error->message);
    g_error_free (error);
    return 0;
  }
  /* The listing only proposes names: each is examined and removed
   * through @fd, the directory that was checked. */
  dir = g_dir_open (clips_dir, 0, NULL);
  if (dir == NULL) {
    close (fd);
    return 0;
  }
  /* @keep is a file of this directory; its request's files stay. */
  if (keep)
    keep_name = g_path_get_basename (keep);

  held = g_array_new (FALSE, TRUE, sizeof (CachedRequest));
  /* fingerprint -> index in @held + 1 */
  index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while ((name = g_dir_read_name (dir))) {
    const gchar *suffix = own_suffix (name);
    gboolean part = suffix == NULL && is_part_name (name);
    CachedRequest *r;
    gchar *fingerprint;
    gint64 mtime;
    guint at;

    if ((suffix == NULL && !part)
        || fstatat (fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0
        || !S_ISREG (st.st_mode) || st.st_uid != geteuid ())
      continue;
    if (part) {
      if (now - st.st_mtime > STALE_PART_AGE_S && unlinkat (fd, name, 0) == 0)
        GST_INFO ("removed the stale part file %s/%s", clips_dir, name);
      continue;
    }
    fingerprint = g_strndup (name, FINGERPRINT_LENGTH);
    at = GPOINTER_TO_UINT (g_hash_table_lookup (index, fingerprint));
    if (at == 0) {
      CachedRequest fresh = { {0}, 0, 0, FALSE, FALSE, G_MININT64 };

      memcpy (fresh.fingerprint, name, FINGERPRINT_LENGTH);
      g_array_append_val (held, fresh);
      at = held->len;
      g_hash_table_insert (index, fingerprint, GUINT_TO_POINTER (at));
    } else {
      g_free (fingerprint);
    }
    r = &g_array_index (held, CachedRequest, at - 1);
    mtime = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
        st.st_mtim.tv_nsec;
    r->mtime = MAX (r->mtime, mtime);
    if (strcmp (suffix, CLIP_SUFFIX) == 0) {
      r->clip = TRUE;
      r->clip_size = st.st_size;
    } else {
      r->frame = TRUE;
      r->frame_size = st.st_size;
    }
    total += st.st_size;
  }

  g_array_sort (held, older_first);
  for (i = 0; i < held->len && total > max_bytes; i++) {
    CachedRequest *r = &g_array_index (held, CachedRequest, i);
    guint64 removed;

    if (keep_name && own_suffix (keep_name)
        && strncmp (keep_name, r->fingerprint, FINGERPRINT_LENGTH) == 0)
      continue;
    if ((removed = evict_request (fd, clips_dir, r)) == 0)
      continue;
    total -= removed;
    evicted++;
  }
  g_hash_table_unref (index);
  g_array_unref (held);
  g_free (keep_name);
  g_dir_close (dir);
  close (fd);
  return evicted;
}
