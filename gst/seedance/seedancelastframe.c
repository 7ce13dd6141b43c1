/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The clip's last frame (return-last-frame): downloaded from the task's
 * last-frame URL once the task succeeded, before the clip's first byte
 * goes downstream; kept in the clip cache beside the clip
 * (clips/<fingerprint>.last-frame, its size and SHA-256 in the journal
 * entry); and written to last-frame-location on every run, so that a
 * rerun served from the cache gives it too, for nothing.
 *
 * What the file host sends is hostile: it is fetched without the key,
 * with no content coding, up to SEEDANCE_MAX_LAST_FRAME_SIZE bytes, and
 * must start as a PNG, JPEG or WebP image, else it is refused and written
 * nowhere. What the cache holds is hostile too: it is opened through the
 * checked clips directory without following links, and copied only when
 * its size and SHA-256 are those the journal recorded. Every file is
 * written to a part file beside its name and renamed into place, so a
 * reader sees the old file or the new, never half of one. */

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
#include "seedancedeadline.h"
#include "seedanceerror.h"
#include "seedancelastframe.h"
#include "seedancerequest.h"

GST_DEBUG_CATEGORY_STATIC (seedance_last_frame_debug);
#define GST_CAT_DEFAULT seedance_last_frame_debug

#define CHUNK (64 * 1024)
/* Enough of the first bytes to tell the image's type. */
#define HEAD_SIZE 16
/* Over this much time spent reading, a download must average at least
 * MIN_RATE bytes/s: the clip's rule, so a host cannot trickle it. */
#define RATE_WINDOW_S 60
#define MIN_RATE (16 * 1024)
/* A query for a fresh URL is tried this often at most. */
#define MAX_QUERY_ATTEMPTS 5
/* Never through a symlink, never blocking on a FIFO or a device. */
#define SAFE_OPEN_FLAGS (O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

struct _SeedanceLastFrame
{
  gchar *location;              /* last-frame-location, NULL: none */
  gchar *clips_dir;             /* NULL: no cache */
  gchar *cache_path;            /* clips/<fingerprint>.last-frame */
  gchar *cache_name;            /* <fingerprint>.last-frame */
  gchar *url;                   /* the task's last-frame URL, once known */
  gchar *file;                  /* the file written this run, NULL before */
  gchar *sha256;                /* of the frame in the cache, NULL: none */
  guint64 size;
  gboolean settled;             /* written, or given up on */
};

static void
ensure_debug (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    GST_DEBUG_CATEGORY_INIT (seedance_last_frame_debug, "seedancelastframe",
        0, "Seedance last frame");
    g_once_init_leave (&once, 1);
  }
}

/* Whether @value, an image property's value, names the file @st is of. */
static gboolean
is_same_file (const gchar * value, const GStatBuf * st)
{
  gchar *path = g_str_has_prefix (value, "file:") ?
      g_filename_from_uri (value, NULL, NULL) : g_strdup (value);
  GStatBuf other;
  gboolean same = path && g_stat (path, &other) == 0
      && other.st_dev == st->st_dev && other.st_ino == st->st_ino;

  g_free (path);
  return same;
}

/* The location must not be one of the request's own images: each rerun
 * would overwrite its input, so the request would change and be paid
 * again, and the next shot would start from the wrong frame. */
static gboolean
check_not_an_input (const gchar * location, const SeedanceRequest * request,
    GError ** error)
{
  const gchar *name = NULL;
  GStatBuf st;
  guint i;

  if (g_stat (location, &st) < 0)
    return TRUE;
  if (request->first_frame_image
      && is_same_file (request->first_frame_image, &st))
    name = "first-frame-image";
  else if (request->last_frame_image
      && is_same_file (request->last_frame_image, &st))
    name = "last-frame-image";
  for (i = 0; name == NULL && request->reference_images
      && request->reference_images[i]; i++) {
    if (is_same_file (request->reference_images[i], &st))
      name = "reference-images";
  }
  if (name == NULL)
    return TRUE;
  seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
      "Invalid property 'last-frame-location': '%s' is also %s: every run "
      "would overwrite the request's own image, so each rerun would be a new "
      "request and paid again; write the last frame to another file and "
      "give that to the next shot", location, name);
  return FALSE;
}

/**
 * seedance_last_frame_check_location:
 * @location: (nullable): the last-frame-location property
 * @return_last_frame: the return-last-frame property
 * @error: an INVALID_PROPERTY error naming last-frame-location
 *
 * Checked at start, before anything is paid: the frame comes only with
 * return-last-frame=true, which is part of the paid request, so a
 * location without it is refused rather than changing the request; and
 * the file must be one that can be written once the frame is there.
 */
gboolean
seedance_last_frame_check_location (const gchar * location,
    const SeedanceRequest * request, GError ** error)
{
  gboolean return_last_frame = request->return_last_frame;
  GStatBuf st;
  gchar *dir;
  gboolean ok = FALSE;

  if (location == NULL)
    return TRUE;
  if (*location == '\0') {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_INVALID_PROPERTY,
        "Invalid property 'last-frame-location': it is empty; set the file "
        "the last frame is written to, or leave it unset");
    return FALSE;
  }
  if (!return_last_frame) {
    seedance_set_error (error, SEEDANCE_ERROR,
        SEEDANCE_ERROR_INVALID_PROPERTY, "Invalid property "
        "'last-frame-location': '%s' needs return-last-frame=true: the API "
        "returns the last frame only when the request asks for it; set "
        "return-last-frame=true, or unset last-frame-location", location);
    return FALSE;
  }
  dir = g_path_get_dirname (location);
  if (g_stat (dir, &st) < 0)
    seedance_set_error (error, SEEDANCE_ERROR,
        SEEDANCE_ERROR_INVALID_PROPERTY, "Invalid property "
        "'last-frame-location': its directory '%s' %s; create it first", dir,
        errno == ENOENT ? "does not exist" : g_strerror (errno));
  else if (!S_ISDIR (st.st_mode))
    seedance_set_error (error, SEEDANCE_ERROR,
        SEEDANCE_ERROR_INVALID_PROPERTY, "Invalid property "
        "'last-frame-location': '%s' is not a directory", dir);
  else if (g_access (dir, W_OK | X_OK) < 0)
    seedance_set_error (error, SEEDANCE_ERROR,
        SEEDANCE_ERROR_INVALID_PROPERTY, "Invalid property "
        "'last-frame-location': cannot write in its directory '%s': %s", dir,
        g_strerror (errno));
  else if (g_stat (location, &st) == 0 && S_ISDIR (st.st_mode))
    seedance_set_error (error, SEEDANCE_ERROR,
        SEEDANCE_ERROR_INVALID_PROPERTY, "Invalid property "
        "'last-frame-location': '%s' is a directory; set the name of the "
        "image file to write", location);
  else
    ok = check_not_an_input (location, request, error);
  g_free (dir);
  return ok;
}

/**
 * seedance_last_frame_new:
 * @location: (nullable): a location seedance_last_frame_check_location()
 *   accepted, where the frame is written
 * @cache_path: (nullable): where the cache keeps the frame
 *   (seedance_journal_get_frame_path()), NULL without a cache
 *
 * The last frame of one run. At least one of @location and @cache_path is
 * set: without either there is nowhere to put it.
 */
SeedanceLastFrame *
seedance_last_frame_new (const gchar * location, const gchar * cache_path)
{
  SeedanceLastFrame *frame;

  g_return_val_if_fail (location != NULL || cache_path != NULL, NULL);

  ensure_debug ();
  frame = g_new0 (SeedanceLastFrame, 1);
  frame->location = g_strdup (location);
  if (cache_path) {
    frame->cache_path = g_strdup (cache_path);
    frame->clips_dir = g_path_get_dirname (cache_path);
    frame->cache_name = g_path_get_basename (cache_path);
  }
  return frame;
}

void
seedance_last_frame_free (SeedanceLastFrame * frame)
{
  if (frame == NULL)
    return;
  g_free (frame->location);
  g_free (frame->clips_dir);
  g_free (frame->cache_path);
  g_free (frame->cache_name);
  g_free (frame->url);
  g_free (frame->file);
  g_free (frame->sha256);
  g_free (frame);
}

/* The frame's media type when @head (its first bytes) starts a PNG, JPEG
 * or WebP image; else an error naming what was sent instead. The same
 * sniffer reads first-frame-image, so a frame taken here chains. */
static gboolean
check_head (const guint8 * head, gsize length, GError ** error)
{
  const gchar *mime = seedance_image_sniff_mime (head, length);
  gchar *shown;

  if (g_strcmp0 (mime, "image/png") == 0
      || g_strcmp0 (mime, "image/jpeg") == 0
      || g_strcmp0 (mime, "image/webp") == 0)
    return TRUE;
  shown = g_utf8_make_valid ((const gchar *) head, length);
  seedance_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
      "the file host did not send the last frame: its bytes are not a PNG, "
      "JPEG or WebP image (they begin '%s')", shown);
  g_free (shown);
  return FALSE;
}

static gboolean
write_all (gint fd, const guint8 * data, gsize length)
{
  while (length > 0) {
    gssize n = write (fd, data, length);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    data += n;
    length -= n;
  }
  return TRUE;
}

/* Copies the @size bytes of @src_fd to @dest, through a part file beside
 * it that is renamed into place once the copy proved to be the frame:
 * its SHA-256 is @sha256 and it starts as an image. *@damaged tells a
 * copy that is not the frame from one that could not be written. */
static gboolean
copy_to (gint src_fd, guint64 size, const gchar * sha256, const gchar * dest,
    gboolean * damaged, GError ** error)
{
  gchar *dir = g_path_get_dirname (dest), *base = g_path_get_basename (dest);
  gchar *part = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *buf = g_malloc (CHUNK);
  guint64 done = 0;
  gint fd;
  gboolean ok = FALSE;

  *damaged = FALSE;
  /* The user's file: the umask decides its mode, as for filesink's. */
  fd = g_mkstemp_full (part, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create a file beside %s: %s", dest, g_strerror (errno));
    goto out;
  }
  /* One byte past @size: a file that grew is not the frame. */
  while (done <= size) {
    gssize n = pread (src_fd, buf, MIN (CHUNK, size + 1 - done), done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot read the last frame: %s", g_strerror (errno));
      goto out;
    }
    if (n == 0)
      break;
    if (done == 0 && !check_head (buf, n, error)) {
      *damaged = TRUE;
      goto out;
    }
    g_checksum_update (sum, buf, n);
    if (!write_all (fd, buf, n)) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot write %s: %s", part, g_strerror (errno));
      goto out;
    }
    done += n;
  }
  if (done != size || g_strcmp0 (g_checksum_get_string (sum), sha256) != 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "it does not match its size and checksum");
    *damaged = TRUE;
    goto out;
  }
  if (fsync (fd) < 0 || close (fd) < 0) {
    fd = -1;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot write %s: %s", part, g_strerror (errno));
    goto out;
  }
  fd = -1;
  /* A link at @dest is replaced, not followed. */
  if (g_rename (part, dest) < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot rename %s to %s: %s", part, dest, g_strerror (errno));
    goto out;
  }
  GST_INFO ("wrote the last frame (%" G_GUINT64_FORMAT " bytes) to %s", size,
      dest);
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  if (!ok)
    g_unlink (part);
  g_checksum_free (sum);
  g_free (buf);
  g_free (part);
  g_free (base);
  g_free (dir);
  return ok;
}

/* Whether the @size bytes of @fd are the frame: its SHA-256 is @sha256
 * and it starts as an image. */
static gboolean
verify (gint fd, guint64 size, const gchar * sha256, gboolean * damaged,
    GError ** error)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 *buf = g_malloc (CHUNK);
  guint64 done = 0;
  gboolean ok = FALSE;

  *damaged = FALSE;
  while (done < size) {
    gssize n = pread (fd, buf, MIN (CHUNK, size - done), done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot read the last frame: %s", g_strerror (errno));
      goto out;
    }
    if (n == 0)
      break;
    if (done == 0 && !check_head (buf, n, error)) {
      *damaged = TRUE;
      goto out;
    }
    g_checksum_update (sum, buf, n);
    done += n;
  }
  if (done != size || g_strcmp0 (g_checksum_get_string (sum), sha256) != 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "it does not match its size and checksum");
    *damaged = TRUE;
    goto out;
  }
  ok = TRUE;

out:
  g_checksum_free (sum);
  g_free (buf);
  return ok;
}

/* Sets the frame as had this run: its file is @location, or the cache's
 * copy when there is no location. */
static void
frame_written (SeedanceLastFrame * frame)
{
  g_free (frame->file);
  frame->file = g_strdup (frame->location ? frame->location :
      frame->cache_path);
  frame->settled = TRUE;
}

/**
 * seedance_last_frame_restore:
 * @size: the frame's size, as the journal recorded it
 * @sha256: its SHA-256, as the journal recorded it
 * @intact: (out): whether the cache holds the frame intact: when FALSE,
 *   it must be downloaded again; when TRUE and this fails, the location
 *   could not be written
 * @error: why it failed: %G_FILE_ERROR_NOENT when the frame is not in the
 *   cache (evicted), else another %G_FILE_ERROR; a frame that is damaged
 *   (wrong size, bytes or type, not a regular file) is removed from the
 *   cache
 *
 * Gives the frame from the cache: checks that the cached file is the
 * frame the journal recorded and writes it to the location, if any.
 */
gboolean
seedance_last_frame_restore (SeedanceLastFrame * frame, guint64 size,
    const gchar * sha256, gboolean * intact, GError ** error)
{
  struct stat st;
  gboolean damaged = FALSE, ok = FALSE;
  gint dir_fd, fd = -1;

  g_return_val_if_fail (frame->cache_path != NULL, FALSE);

  *intact = FALSE;
  if ((dir_fd = seedance_clip_cache_open_dir (frame->clips_dir, error)) < 0)
    return FALSE;
  fd = openat (dir_fd, frame->cache_name, O_RDONLY | SAFE_OPEN_FLAGS);
  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "%s: %s", frame->cache_path, errno == ENOENT ? "it is not in the "
        "cache" : errno == ELOOP ? "it is a symbolic link" :
        g_strerror (errno));
    damaged = errno == ELOOP;
  } else if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s is not a regular file", frame->cache_path);
    damaged = TRUE;
  } else if ((guint64) st.st_size != size) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "%s has %" G_GINT64_FORMAT " bytes, not %" G_GUINT64_FORMAT,
        frame->cache_path, (gint64) st.st_size, size);
    damaged = TRUE;
  } else if (frame->location) {
    ok = copy_to (fd, size, sha256, frame->location, &damaged, error);
    if (!ok && damaged)
      g_prefix_error (error, "%s: ", frame->cache_path);
  } else {
    /* Nothing to write: the cached file is only checked. */
    ok = verify (fd, size, sha256, &damaged, error);
    if (!ok && damaged)
      g_prefix_error (error, "%s: ", frame->cache_path);
  }

  *intact = ok || (fd >= 0 && !damaged);
  if (ok) {
    /* Eviction goes by modification time: it was just used. */
    futimens (fd, NULL);
    g_free (frame->sha256);
    frame->sha256 = g_strdup (sha256);
    frame->size = size;
    frame_written (frame);
  } else if (damaged) {
    /* unlinkat() never follows: a planted link goes, not its target. */
    unlinkat (dir_fd, frame->cache_name, 0);
    GST_INFO ("removed the damaged %s", frame->cache_path);
  }
  if (fd >= 0)
    close (fd);
  close (dir_fd);
  return ok;
}

/* A download step that @watch cut short gets an error saying so. */
static void
classify_stall (SeedanceDeadline * watch, GCancellable * cancellable,
    guint stall_s, GError ** error)
{
  if (error && *error && seedance_deadline_expired (watch)
      && !g_cancellable_is_cancelled (cancellable)) {
    g_clear_error (error);
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the file host sent nothing for %u s", stall_s);
  }
}

/* Downloads the frame at @url into @fd (empty, at its start), checking it
 * on the way: an image, at most SEEDANCE_MAX_LAST_FRAME_SIZE bytes, as
 * long as the host said, not trickled. Its size and SHA-256 go to @size
 * and @sha256. */
static gboolean
receive (SeedanceClient * client, const gchar * url, gint fd,
    GCancellable * cancellable, guint stall_s, guint64 * size,
    gchar ** sha256, GError ** error)
{
  SeedanceDeadline *watch = seedance_deadline_new (cancellable, 0);
  GCancellable *io = seedance_deadline_get_cancellable (watch);
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  SeedanceDownload download;
  guint8 *buf = g_malloc (CHUNK), head[HEAD_SIZE];
  gsize head_length = 0;
  guint64 total = 0;
  gint64 start = g_get_monotonic_time (), now;
  gboolean ok = FALSE, checked = FALSE;

  memset (&download, 0, sizeof (download));
  seedance_deadline_set_period (watch, (gint64) stall_s * G_USEC_PER_SEC);
  GST_DEBUG ("downloading the last frame from %s", url);
  if (!seedance_download_open (&download, seedance_client_get_engine (client),
          "last frame", url, 0, -1, NULL, SEEDANCE_MAX_LAST_FRAME_SIZE, watch,
          error)) {
    classify_stall (watch, cancellable, stall_s, error);
    goto out;
  }
  for (;;) {
    gssize n = seedance_download_read (&download, buf, CHUNK, io, error);

    if (n < 0) {
      classify_stall (watch, cancellable, stall_s, error);
      goto out;
    }
    if (n == 0)
      break;
    seedance_deadline_touch (watch);
    if (total + n > SEEDANCE_MAX_LAST_FRAME_SIZE) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
          "the file host sent more than %d bytes, larger than a last frame "
          "may be", SEEDANCE_MAX_LAST_FRAME_SIZE);
      goto out;
    }
    if (head_length < HEAD_SIZE) {
      gsize more = MIN ((gsize) n, HEAD_SIZE - head_length);

      memcpy (head + head_length, buf, more);
      head_length += more;
    }
    /* Refused as soon as its first bytes show what it is. */
    if (!checked && head_length == HEAD_SIZE) {
      if (!check_head (head, head_length, error))
        goto out;
      checked = TRUE;
    }
    if (!write_all (fd, buf, n)) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot write the last frame: %s", g_strerror (errno));
      goto out;
    }
    g_checksum_update (sum, buf, n);
    total += n;
    now = g_get_monotonic_time ();
    if (now - start >= RATE_WINDOW_S * G_USEC_PER_SEC
        && total * G_USEC_PER_SEC < (guint64) (now - start) * MIN_RATE) {
      g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
          "the file host sent %" G_GUINT64_FORMAT " bytes in %" G_GINT64_FORMAT
          " s, less than the %d bytes/s a download needs", total,
          (now - start) / G_USEC_PER_SEC, MIN_RATE);
      goto out;
    }
  }
  if (total == 0) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_UNTRUSTED_CLIP,
        "the file host sent an empty last frame");
    goto out;
  }
  if (!checked && !check_head (head, head_length, error))
    goto out;
  /* libsoup reads a body cut short as its end. */
  if (download.total_size >= 0 && total != (guint64) download.total_size) {
    g_set_error (error, SEEDANCE_ERROR, SEEDANCE_ERROR_DOWNLOAD,
        "the last frame is truncated: %" G_GUINT64_FORMAT " of %"
        G_GINT64_FORMAT " bytes arrived", total, download.total_size);
    goto out;
  }
  *size = total;
  *sha256 = g_strdup (g_checksum_get_string (sum));
  ok = TRUE;

out:
  seedance_download_clear (&download);
  seedance_deadline_free (watch);
  g_checksum_free (sum);
  g_free (buf);
  return ok;
}

/**
 * seedance_last_frame_download:
 * @client: the run's client; the frame goes without the key
 * @url: the task's last-frame URL
 * @cancellable: cancels the download
 * @stall_s: how long the file host may send nothing
 * @error: a %SEEDANCE_ERROR_UNTRUSTED_CLIP error when the answer is not an
 *   image (or too large, or coded), a %SEEDANCE_ERROR_DOWNLOAD error when
 *   it could not be had, a %G_FILE_ERROR when it could not be written
 *
 * Downloads the frame into the cache (when there is one) and writes it to
 * the location (when there is one): a frame refused on the way is written
 * nowhere.
 */
gboolean
seedance_last_frame_download (SeedanceLastFrame * frame,
    SeedanceClient * client, const gchar * url, GCancellable * cancellable,
    guint stall_s, GError ** error)
{
  gchar *part = NULL, *sha256 = NULL;
  gint dir_fd = -1, fd = -1;
  guint64 size = 0;
  gboolean damaged, ok = FALSE;

  g_free (frame->url);
  frame->url = g_strdup (url);

  if (frame->cache_path) {
    if ((dir_fd = seedance_clip_cache_open_dir (frame->clips_dir, error)) < 0)
      return FALSE;
    fd = seedance_clip_cache_create_part (dir_fd, frame->cache_name, &part,
        error);
  } else {
    gchar *dir = g_path_get_dirname (frame->location);
    gchar *base = g_path_get_basename (frame->location);

    /* Without a cache, straight to the location, renamed when whole. */
    part = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
    fd = g_mkstemp_full (part, O_RDWR | O_CLOEXEC, 0666);
    if (fd < 0)
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot create a file beside %s: %s", frame->location,
          g_strerror (errno));
    g_free (base);
    g_free (dir);
  }
  if (fd < 0)
    goto out;
  if (!receive (client, url, fd, cancellable, stall_s, &size, &sha256, error))
    goto out;

  if (frame->cache_path) {
    if (renameat (dir_fd, part, dir_fd, frame->cache_name) < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot put the last frame into the cache: %s", g_strerror (errno));
      goto out;
    }
    g_clear_pointer (&part, g_free);
    GST_INFO ("cached the last frame (%" G_GUINT64_FORMAT " bytes, sha256 %s) "
        "as %s", size, sha256, frame->cache_path);
    g_free (frame->sha256);
    frame->sha256 = g_strdup (sha256);
    frame->size = size;
    /* From the descriptor that was written, not through the name. */
    if (frame->location && !copy_to (fd, size, sha256, frame->location,
            &damaged, error))
      goto out;
  } else {
    if (fsync (fd) < 0 || g_rename (part, frame->location) < 0) {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
          "cannot write %s: %s", frame->location, g_strerror (errno));
      goto out;
    }
    g_clear_pointer (&part, g_free);
    GST_INFO ("wrote the last frame (%" G_GUINT64_FORMAT " bytes) to %s", size,
        frame->location);
  }
  frame_written (frame);
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  /* A frame refused or cut short is written nowhere. */
  if (part && dir_fd >= 0)
    unlinkat (dir_fd, part, 0);
  else if (part)
    g_unlink (part);
  if (dir_fd >= 0)
    close (dir_fd);
  g_free (part);
  g_free (sha256);
  return ok;
}

/**
 * seedance_last_frame_query_task:
 * @deadline: the run's timeout (monotonic us), 0 for none
 * @base_ms: the first wait between two tries
 *
 * Asks the task (a free GET) for its state and a fresh last-frame URL, as
 * a replay whose cached frame is gone must: a query that may succeed
 * later (a network failure, 429, 5xx, an unreadable answer) is asked
 * again with backoff, honouring Retry-After, MAX_QUERY_ATTEMPTS times at
 * most and within @deadline.
 *
 * Returns: (transfer full) (nullable): the task, or NULL with @error set.
 */
SeedanceTask *
seedance_last_frame_query_task (SeedanceClient * client, const gchar * task_id,
    gint64 deadline, guint base_ms, GCancellable * cancellable, GError ** error)
{
  guint attempt;

  ensure_debug ();
  for (attempt = 0;; attempt++) {
    SeedanceAnswer answer = { 0, -1 };
    GError *err = NULL;
    SeedanceTask *task = seedance_client_query (client, task_id, deadline,
        &answer, cancellable, &err);
    gint64 wait;

    if (task)
      return task;
    wait = MAX (answer.retry_after_ms, seedance_backoff_ms (MAX (base_ms,
                500), attempt));
    if (!seedance_error_is_retryable_query (err)
        || attempt + 1 >= MAX_QUERY_ATTEMPTS
        || (deadline && g_get_monotonic_time () + wait * 1000 >= deadline)) {
      g_propagate_error (error, err);
      return NULL;
    }
    GST_INFO ("querying task %s failed (%s), retrying in %" G_GINT64_FORMAT
        " ms", task_id, err->message, wait);
    g_error_free (err);
    if (!seedance_sleep_until (g_get_monotonic_time () + wait * 1000,
            cancellable)) {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
          "cancelled");
      return NULL;
    }
  }
}

/**
 * seedance_last_frame_settle:
 *
 * Gives up on the frame for this run (it could not be had, and that was
 * reported): it is not asked for again.
 */
void
seedance_last_frame_settle (SeedanceLastFrame * frame)
{
  frame->settled = TRUE;
}

/**
 * seedance_last_frame_is_settled:
 *
 * Returns: whether the frame was written this run or given up on; FALSE
 * before, and after an attempt that a flush interrupted.
 */
gboolean
seedance_last_frame_is_settled (SeedanceLastFrame * frame)
{
  return frame->settled;
}

const gchar *
seedance_last_frame_get_location (SeedanceLastFrame * frame)
{
  return frame->location;
}

const gchar *
seedance_last_frame_get_cache_path (SeedanceLastFrame * frame)
{
  return frame->cache_path;
}

/**
 * seedance_last_frame_get_file:
 *
 * Returns: (nullable): the file that holds the frame this run: the
 * location, or without one the cache's copy; NULL until it is written.
 */
const gchar *
seedance_last_frame_get_file (SeedanceLastFrame * frame)
{
  return frame->file;
}

/**
 * seedance_last_frame_get_url:
 *
 * Returns: (nullable): the URL the frame was downloaded from this run.
 */
const gchar *
seedance_last_frame_get_url (SeedanceLastFrame * frame)
{
  return frame->url;
}

/**
 * seedance_last_frame_get_cached:
 * @size: (out): the cached frame's size
 * @sha256: (out) (transfer none): its SHA-256
 *
 * Returns: whether the cache holds the frame of this run, for the
 * journal entry.
 */
gboolean
seedance_last_frame_get_cached (SeedanceLastFrame * frame, guint64 * size,
    const gchar ** sha256)
{
  *size = frame->size;
  *sha256 = frame->sha256;
  return frame->sha256 != NULL;
}
