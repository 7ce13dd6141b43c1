/* gst-seedance: hostile cache directories
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Everything in a cache directory may have been put there by somebody
 * else, or be the user's own: the cache deletes only what it made, uses
 * only private directories, opens no entry or lock through a symlink,
 * never blocks on a FIFO or reads a device without end, and names the
 * holder of a lock without trusting what the lock file says. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "seedancetestutils.h"
#include "seedancejournal.h"

#define PROMPT "a lighthouse in a winter storm"
#define OTHER_PROMPT "a lighthouse on a calm summer night"
/* Names the cache could have made, and is given instead. */
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define FINGERPRINT \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
/* The uid of "nobody", for a directory that is not the user's. */
#define FOREIGN_UID 65534

static guint
count (SeedanceTestFixture * f, const gchar * method)
{
  return seedance_test_fixture_count_requests (f, method, NULL);
}

/* Regular files named <64 lowercase hex>.mp4 in @dir: the clips cached
 * there. */
static guint
count_clips (const gchar * dir_path)
{
  GDir *dir = g_dir_open (dir_path, 0, NULL);
  const gchar *name;
  guint n = 0;

  fail_unless (dir != NULL, "no %s", dir_path);
  while ((name = g_dir_read_name (dir))) {
    gchar *path = g_build_filename (dir_path, name, NULL);
    GStatBuf st;

    gsize hex = strspn (name, "0123456789abcdef");

    if (hex == 64 && strcmp (name + hex, ".mp4") == 0
        && g_lstat (path, &st) == 0 && S_ISREG (st.st_mode))
      n++;
    g_free (path);
  }
  g_dir_close (dir);
  return n;
}

/* The clip of the one request in the journal of cache dir @dir. */
static gchar *
own_clip (const gchar * dir)
{
  gchar *journal = g_build_filename (dir, "journal", NULL);
  gchar *entry = seedance_test_only_file (journal, ".json");
  gchar *name = g_path_get_basename (entry), *clip, *path;

  *strstr (name, ".json") = '\0';
  clip = g_strconcat (name, ".mp4", NULL);
  path = g_build_filename (dir, "clips", clip, NULL);
  g_free (clip);
  g_free (name);
  g_free (entry);
  g_free (journal);
  return path;
}

static void
write_file (const gchar * path, const gchar * contents)
{
  GError *error = NULL;

  fail_unless (g_file_set_contents (path, contents, -1, &error), "%s: %s",
      path, error ? error->message : "");
}

/* Rewrites @path in place: the same file, a lock on it still held. */
static void
write_in_place (const gchar * path, const gchar * contents, gsize length)
{
  gint fd = g_open (path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);

  fail_unless (fd >= 0, "%s: %s", path, g_strerror (errno));
  fail_unless (write (fd, contents, length) == (gssize) length);
  fail_unless (close (fd) == 0);
}

static void
assert_contents (const gchar * path, const gchar * expected)
{
  gchar *contents = NULL;

  fail_unless (g_file_get_contents (path, &contents, NULL, NULL),
      "%s is gone", path);
  fail_unless_equals_string (contents, expected);
  g_free (contents);
}

/* Sets @path's modification time @days ago, not following a symlink. */
static void
age (const gchar * path, gint days)
{
  struct timespec times[2];

  times[0].tv_sec = times[1].tv_sec = time (NULL) - days * 24 * 3600;
  times[0].tv_nsec = times[1].tv_nsec = 0;
  fail_unless (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) == 0,
      "%s: %s", path, g_strerror (errno));
}

static void
assert_symlink_to (const gchar * path, const gchar * target)
{
  gchar *link = g_file_read_link (path, NULL);

  fail_unless (link != NULL, "%s is no longer a symlink", path);
  fail_unless_equals_string (link, target);
  g_free (link);
}

/* cache-dir is a directory of the user's own videos, with a clips/
 * subdirectory of theirs, and cache-size=0: nothing the cache did not make
 * is counted or deleted, whatever its name; a symlink is never followed. */
GST_START_TEST (test_eviction_spares_user_files)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *videos = seedance_test_fixture_path (f, "Videos");
  gchar *clips = g_build_filename (videos, "clips", NULL);
  gchar *outside = seedance_test_fixture_path (f, "outside.mp4");
  gchar *outside_part = seedance_test_fixture_path (f, "outside.part");
  gchar *holiday = g_build_filename (clips, "holiday.mp4", NULL);
  gchar *link = g_build_filename (clips, HEX_A ".mp4", NULL);
  gchar *link_part = g_build_filename (clips, HEX_A ".mp4.77-0badf00d.part",
      NULL);
  gchar *near_part = g_build_filename (clips, HEX_B ".mp4.part", NULL);
  gchar *upper_clip = g_build_filename (clips,
      "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC.mp4",
      NULL);
  gchar *stale_part = g_build_filename (clips, HEX_C ".mp4.4242-deadbeef.part",
      NULL);
  gchar *settings = g_strdup_printf ("cache-size=0 cache-dir=\"%s\"", videos);
  gchar *own, *warnings;

  fail_unless (g_mkdir_with_parents (clips, 0700) == 0);
  write_file (holiday, "the summer of 2025");
  write_file (outside, "not in the cache");
  write_file (outside_part, "not a part file");
  fail_unless (symlink (outside, link) == 0);
  fail_unless (symlink (outside_part, link_part) == 0);
  write_file (near_part, "almost a part file");
  write_file (upper_clip, "almost a clip");
  /* One a run of the cache's left behind a day ago: it goes. */
  write_file (stale_part, "");
  age (link_part, 2);
  age (near_part, 2);
  age (upper_clip, 2);
  age (stale_part, 2);
  age (holiday, 400);

  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, settings);
  g_free (warnings);
  fail_unless_equals_int (count (f, "POST"), 1);

  assert_contents (holiday, "the summer of 2025");
  assert_symlink_to (link, outside);
  assert_symlink_to (link_part, outside_part);
  assert_contents (outside, "not in the cache");
  assert_contents (outside_part, "not a part file");
  assert_contents (near_part, "almost a part file");
  assert_contents (upper_clip, "almost a clip");
  fail_if (g_file_test (stale_part, G_FILE_TEST_EXISTS),
      "the stale part file of the cache's own stayed");
  /* The run's own clip is the one in use: it stays, the bound counts only
   * the cache's clips. */
  fail_unless_equals_int (count_clips (clips), 1);
  own = own_clip (videos);
  fail_unless (g_file_test (own, G_FILE_TEST_IS_REGULAR), "no %s", own);

  /* The next request's clip replaces it; the user's files stay. */
  warnings = seedance_test_run_to_eos (f, OTHER_PROMPT, NULL, settings);
  g_free (warnings);
  fail_unless_equals_int (count (f, "POST"), 2);
  fail_if (g_file_test (own, G_FILE_TEST_EXISTS), "%s was not evicted", own);
  fail_unless_equals_int (count_clips (clips), 1);
  assert_contents (holiday, "the summer of 2025");
  assert_symlink_to (link, outside);
  assert_contents (outside, "not in the cache");
  assert_contents (near_part, "almost a part file");
  assert_contents (upper_clip, "almost a clip");

  g_free (own);
  g_free (settings);
  g_free (stale_part);
  g_free (upper_clip);
  g_free (near_part);
  g_free (link_part);
  g_free (link);
  g_free (holiday);
  g_free (outside_part);
  g_free (outside);
  g_free (clips);
  g_free (videos);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Cache directories that are not private: the run fails at start, naming
 * cache-dir and the directory, and sends nothing. */
typedef enum
{
  SHARED_TOP,                   /* the cache dir is mode 0777 */
  GROUP_WRITABLE_TOP,           /* 0770 */
  FOREIGN_TOP,                  /* owned by nobody */
  SYMLINKED_JOURNAL,            /* journal/ a symlink to a private dir */
  SHARED_CLIPS,                 /* clips/ mode 0777 */
  FILE_AS_JOURNAL,              /* journal/ a regular file */
} NotPrivate;

static const struct
{
  NotPrivate kind;
  const gchar *what;            /* in the error message */
} not_private[] = {
  {SHARED_TOP, "writable by its group or by others (mode 0777)"},
  {GROUP_WRITABLE_TOP, "writable by its group or by others (mode 0770)"},
  {FOREIGN_TOP, "is owned by uid 65534"},
  {SYMLINKED_JOURNAL, "is a symbolic link"},
  {SHARED_CLIPS, "writable by its group or by others (mode 0777)"},
  {FILE_AS_JOURNAL, "is not a directory"},
};

GST_START_TEST (test_cache_dir_not_private)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *dir = seedance_test_fixture_path (f, "cache-here");
  gchar *journal = g_build_filename (dir, "journal", NULL);
  gchar *clips = g_build_filename (dir, "clips", NULL);
  gchar *elsewhere = seedance_test_fixture_path (f, "elsewhere");
  gchar *settings = g_strdup_printf ("cache-dir=\"%s\"", dir);
  const gchar *named = dir;
  GstMessage *msg;
  SeedanceTestRun *r;

  fail_unless (g_mkdir_with_parents (dir, 0700) == 0);
  switch (not_private[__i__].kind) {
    case SHARED_TOP:
      fail_unless (g_chmod (dir, 0777) == 0);
      break;
    case GROUP_WRITABLE_TOP:
      fail_unless (g_chmod (dir, 0770) == 0);
      break;
    case FOREIGN_TOP:
      if (geteuid () != 0) {
        /* Only root can give a directory away: nothing to test. */
        goto out;
      }
      fail_unless (chown (dir, FOREIGN_UID, FOREIGN_UID) == 0);
      break;
    case SYMLINKED_JOURNAL:
      fail_unless (g_mkdir (elsewhere, 0700) == 0);
      fail_unless (symlink (elsewhere, journal) == 0);
      named = journal;
      break;
    case SHARED_CLIPS:
      fail_unless (g_mkdir (clips, 0700) == 0);
      fail_unless (g_chmod (clips, 0777) == 0);
      named = clips;
      break;
    case FILE_AS_JOURNAL:
      write_file (journal, "");
      named = journal;
      break;
  }

  r = seedance_test_run_new (f, PROMPT, NULL, settings);
  fail_unless_equals_int (gst_element_set_state (r->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (r->bus, 0, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "the failed start posted no error");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Invalid property 'cache-dir': ");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, named);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, not_private[__i__].what);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "nobody else can write");
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, NULL), 0);
  /* Nothing was created in a directory that is not private. */
  if (not_private[__i__].kind != SHARED_CLIPS)
    fail_if (g_file_test (clips, G_FILE_TEST_EXISTS));

out:
  g_free (settings);
  g_free (elsewhere);
  g_free (clips);
  g_free (journal);
  g_free (dir);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* cache-dir may be a symlink the user made to a private directory; the
 * directories the cache creates are 0700. The cache is the same whichever
 * path leads to it: the clip cached through the link plays through the
 * directory itself, with no request. */
GST_START_TEST (test_cache_dir_symlink_allowed)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *real = seedance_test_fixture_path (f, "real-cache");
  gchar *link = seedance_test_fixture_path (f, "cache-link");
  gchar *journal = g_build_filename (real, "journal", NULL);
  gchar *clips = g_build_filename (real, "clips", NULL);
  gchar *settings = g_strdup_printf ("cache-dir=\"%s\"", link);
  gchar *direct = g_strdup_printf ("cache-dir=\"%s\"", real);
  gchar *warnings;
  GStatBuf st;

  fail_unless (g_mkdir (real, 0700) == 0);
  fail_unless (symlink (real, link) == 0);
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, settings));
  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, settings));
  fail_unless_equals_int (count (f, "POST"), 1);
  seedance_emulator_clear_requests (f->emulator);
  warnings = seedance_test_run_to_eos (f, PROMPT, NULL, direct);
  fail_unless_equals_string (warnings, "");
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL, NULL),
      0);
  g_free (warnings);
  g_free (direct);
  fail_unless (g_lstat (journal, &st) == 0 && S_ISDIR (st.st_mode)
      && (st.st_mode & 0777) == 0700);
  fail_unless (g_lstat (clips, &st) == 0 && S_ISDIR (st.st_mode)
      && (st.st_mode & 0777) == 0700);
  fail_unless_equals_int (count_clips (clips), 1);

  g_free (settings);
  g_free (clips);
  g_free (journal);
  g_free (link);
  g_free (real);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A journal entry that is no regular file: it is reported and ignored like
 * a corrupt one (the run submits, since nothing can be trusted) without
 * reading a device without end or blocking on a FIFO; the new task's
 * entry replaces it and plays from the cache next time. A directory
 * cannot be replaced: the submission cannot be recorded, so it is not
 * sent. */
static const struct
{
  const gchar *kind;
  const gchar *why;             /* in the warning */
} odd_entries[] = {
  {"symlink to /dev/zero", "it is a symbolic link"},
  {"fifo", "it is not a regular file"},
  {"directory", "it is not a regular file"},
};

GST_START_TEST (test_entry_not_regular)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *journal_dir = seedance_test_fixture_cache_path (f, "journal");
  gchar *entry, *warnings, *expected;
  GStatBuf st;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST"), 1);
  entry = seedance_test_only_file (journal_dir, ".json");
  fail_unless (g_unlink (entry) == 0);
  if (__i__ == 0)
    fail_unless (symlink ("/dev/zero", entry) == 0);
  else if (__i__ == 1)
    fail_unless (mkfifo (entry, 0600) == 0, "%s", g_strerror (errno));
  else
    fail_unless (g_mkdir (entry, 0700) == 0);

  expected = g_strdup_printf ("The journal entry %s is ignored: %s", entry,
      odd_entries[__i__].why);
  if (__i__ == 2) {
    SeedanceTestRun *r = seedance_test_run_new (f, PROMPT, NULL, NULL);
    GstMessage *msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);

    seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_WRITE, "cannot record this submission");
    fail_unless (strstr (r->warnings->str, expected) != NULL, "%s: %s",
        odd_entries[__i__].kind, r->warnings->str);
    gst_message_unref (msg);
    seedance_test_run_free (r);
    fail_unless_equals_int (count (f, "POST"), 1);
  } else {
    warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
    fail_unless (strstr (warnings, expected) != NULL, "%s: %s",
        odd_entries[__i__].kind, warnings);
    fail_unless_equals_int (count (f, "POST"), 2);
    g_free (warnings);

    /* The entry was replaced, not written through. */
    fail_unless (g_lstat (entry, &st) == 0 && S_ISREG (st.st_mode));
    warnings = seedance_test_run_to_eos (f, PROMPT, NULL, NULL);
    fail_unless_equals_string (warnings, "");
    fail_unless_equals_int (count (f, "POST"), 2);
    g_free (warnings);
  }

  g_free (expected);
  g_free (entry);
  g_free (journal_dir);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A lock path that is not a plain file of the cache's own: nothing is
 * created or written through it and the run fails before any POST. */
static const gchar *odd_locks[] = {
  "it is a symbolic link",      /* 0: a symlink to a missing file */
  "it is a symbolic link",      /* 1: a symlink to a file */
  "hard link",                  /* 2: a hard link to a file */
  "it is not a regular file",   /* 3: a FIFO */
};

GST_START_TEST (test_lock_not_regular)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *journal_dir = seedance_test_fixture_cache_path (f, "journal");
  gchar *clips_dir = seedance_test_fixture_cache_path (f, "clips");
  gchar *target = seedance_test_fixture_path (f, "precious.txt");
  gchar *entry, *lock, *clip;
  GstMessage *msg;
  SeedanceTestRun *r;

  g_free (seedance_test_run_to_eos (f, PROMPT, NULL, NULL));
  fail_unless_equals_int (count (f, "POST"), 1);
  /* The request is new again: its next run would submit. */
  entry = seedance_test_only_file (journal_dir, ".json");
  lock = seedance_test_only_file (journal_dir, ".lock");
  clip = seedance_test_only_file (clips_dir, ".mp4");
  fail_unless (g_unlink (entry) == 0 && g_unlink (lock) == 0
      && g_unlink (clip) == 0);
  if (__i__ != 0)
    write_file (target, "precious");
  switch (__i__) {
    case 0:
    case 1:
      fail_unless (symlink (target, lock) == 0);
      break;
    case 2:
      fail_unless (link (target, lock) == 0, "%s", g_strerror (errno));
      break;
    default:
      fail_unless (mkfifo (lock, 0600) == 0, "%s", g_strerror (errno));
      break;
  }

  r = seedance_test_run_new (f, PROMPT, NULL, NULL);
  msg = seedance_test_run_play (r, SEEDANCE_TEST_TIMEOUT);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "journal lock");
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, lock);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, odd_locks[__i__]);
  gst_message_unref (msg);
  seedance_test_run_free (r);
  fail_unless_equals_int (count (f, "POST"), 1);
  if (__i__ == 0)
    fail_if (g_file_test (target, G_FILE_TEST_EXISTS), "%s was created "
        "through the lock's symlink", target);
  else if (__i__ <= 2)
    assert_contents (target, "precious");

  g_free (clip);
  g_free (lock);
  g_free (entry);
  g_free (target);
  g_free (clips_dir);
  g_free (journal_dir);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Two journals of one request in a scratch cache dir. */
typedef struct
{
  gchar *dir;
  SeedanceJournal *a, *b;
  gchar *lock_path;
} Pair;

static Pair *
pair_new (void)
{
  Pair *p = g_new0 (Pair, 1);
  GError *error = NULL;

  p->dir = g_dir_make_tmp ("seedance-cachedir-XXXXXX", &error);
  fail_unless (p->dir != NULL, "%s", error ? error->message : "");
  p->a = seedance_journal_open (p->dir, FINGERPRINT, &error);
  fail_unless (p->a != NULL, "%s", error ? error->message : "");
  p->b = seedance_journal_open (p->dir, FINGERPRINT, &error);
  fail_unless (p->b != NULL, "%s", error ? error->message : "");
  p->lock_path = g_build_filename (p->dir, "journal", FINGERPRINT ".lock",
      NULL);
  return p;
}

static void
pair_free (Pair * p)
{
  seedance_journal_free (p->a);
  seedance_journal_free (p->b);
  seedance_test_remove_tree (p->dir);
  g_free (p->lock_path);
  g_free (p->dir);
  g_free (p);
}

static void
take_lock (SeedanceJournal * journal, gboolean expected)
{
  GError *error = NULL;
  gboolean locked = !expected;

  fail_unless (seedance_journal_try_lock (journal, &locked, &error), "%s",
      error ? error->message : "");
  fail_unless_equals_int (locked, expected);
}

/* The holder of a lock names itself in the lock file; others read it. */
GST_START_TEST (test_describe_holder)
{
  Pair *p = pair_new ();
  gchar *expected, *text, *contents;

  fail_unless (seedance_journal_describe_holder (p->a) == NULL);
  take_lock (p->a, TRUE);
  take_lock (p->b, FALSE);
  expected = g_strdup_printf ("process %d (%s) on host %s", (gint) getpid (),
      g_get_prgname (), g_get_host_name ());
  text = seedance_journal_describe_holder (p->b);
  fail_unless_equals_string (text, expected);
  g_free (text);
  text = seedance_journal_describe_holder (p->a);
  fail_unless_equals_string (text, expected);
  g_free (text);
  /* Asking did not take the lock away. */
  take_lock (p->b, FALSE);

  /* Once let go, nobody is named, not even from a stale line. */
  seedance_journal_unlock (p->a);
  fail_unless (g_file_get_contents (p->lock_path, &contents, NULL, NULL));
  fail_unless_equals_string (contents, "");
  g_free (contents);
  fail_unless (seedance_journal_describe_holder (p->b) == NULL);
  take_lock (p->b, TRUE);
  seedance_journal_unlock (p->b);
  write_file (p->lock_path, "pid=1234 host=h program=p\n");
  fail_unless (seedance_journal_describe_holder (p->b) == NULL);

  g_free (expected);
  pair_free (p);
}

GST_END_TEST;

/* What a lock file says while the lock is held, and what is made of it:
 * anything but a holder line is refused whole. */
static const struct
{
  const gchar *contents;
  gsize length;                 /* 0: strlen */
  const gchar *expected;        /* NULL: nobody named */
} holder_lines[] = {
  {"pid=42 host=h program=p\n", 0, "process 42 (p) on host h"},
  {"pid=42 host=h\n", 0, "process 42 on host h"},
  {"pid=42\n", 0, "process 42"},
  {"pid=42 host=h program=p", 0, NULL},
  {"", 0, NULL},
  {"\n", 0, NULL},
  {"pid=4x2 host=h\n", 0, NULL},
  {"pid=042 host=h\n", 0, NULL},
  {"pid=-42 host=h\n", 0, NULL},
  {"pid=12345678901 host=h\n", 0, NULL},
  {"pid= host=h\n", 0, NULL},
  {"host=h pid=42\n", 0, NULL},
  {"pid=42  host=h\n", 0, NULL},
  {"pid=42 host=h program=p extra=1\n", 0, NULL},
  {"pid=42 host=\x1b[2J\x1b[31mroot program=p\n", 0, NULL},
  {"pid=42 host=h\tprogram=p\n", 0, NULL},
  {"pid=42 host=h\r\nprogram=p\n", 0, NULL},
  {"pid=42 host=h\0 program=p\n", 25, NULL},
  {"pid=42 host=h\xc3\xa9 program=p\n", 0, NULL},
  {"pid=42 host=" HEX_A " program=p\n", 0, "process 42 (p) on host " HEX_A},
  {"pid=42 host=" HEX_A "h program=p\n", 0, NULL},
};

GST_START_TEST (test_describe_holder_hostile)
{
  Pair *p = pair_new ();
  gsize length = holder_lines[__i__].length ? holder_lines[__i__].length :
      strlen (holder_lines[__i__].contents);
  gchar *text;

  take_lock (p->a, TRUE);
  write_in_place (p->lock_path, holder_lines[__i__].contents, length);
  take_lock (p->b, FALSE);
  text = seedance_journal_describe_holder (p->b);
  fail_unless_equals_string (text, holder_lines[__i__].expected);
  g_free (text);

  pair_free (p);
}

GST_END_TEST;

/* Longer than any holder line, or not a regular file: nobody is named. */
GST_START_TEST (test_describe_holder_bounded)
{
  Pair *p = pair_new ();
  gchar *target = g_build_filename (p->dir, "elsewhere", NULL);
  GString *line = g_string_new ("pid=42 host=h program=");
  gchar *text;

  take_lock (p->a, TRUE);
  text = seedance_journal_describe_holder (p->b);
  fail_unless (text != NULL);
  g_free (text);
  while (line->len < 300)
    g_string_append_c (line, 'p');
  g_string_append_c (line, '\n');
  write_in_place (p->lock_path, line->str, line->len);
  fail_unless (seedance_journal_describe_holder (p->b) == NULL);
  seedance_journal_unlock (p->a);

  /* A symlink to a file with a good line is not followed. */
  write_file (target, "pid=42 host=h program=p\n");
  fail_unless (g_unlink (p->lock_path) == 0);
  fail_unless (symlink (target, p->lock_path) == 0);
  fail_unless (seedance_journal_describe_holder (p->b) == NULL);
  fail_unless (g_unlink (p->lock_path) == 0);
  fail_unless (mkfifo (p->lock_path, 0600) == 0);
  fail_unless (seedance_journal_describe_holder (p->b) == NULL);

  g_string_free (line, TRUE);
  g_free (target);
  pair_free (p);
}

GST_END_TEST;

static Suite *
cachedir_suite (void)
{
  Suite *s = suite_create ("hostile cache directories");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_eviction_spares_user_files);
  tcase_add_loop_test (tc, test_cache_dir_not_private, 0,
      G_N_ELEMENTS (not_private));
  tcase_add_test (tc, test_cache_dir_symlink_allowed);
  tcase_add_loop_test (tc, test_entry_not_regular, 0,
      G_N_ELEMENTS (odd_entries));
  tcase_add_loop_test (tc, test_lock_not_regular, 0, G_N_ELEMENTS (odd_locks));
  tcase_add_test (tc, test_describe_holder);
  tcase_add_loop_test (tc, test_describe_holder_hostile, 0,
      G_N_ELEMENTS (holder_lines));
  tcase_add_test (tc, test_describe_holder_bounded);
  return s;
}

SEEDANCE_CHECK_MAIN (cachedir);
