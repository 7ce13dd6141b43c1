/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The checksums of a cached clip: one XXH3-128 per block of at least
 * 4 MiB, at most 512 blocks, kept in the clip's journal entry as
 * "xxh128:<block size>:<32 hex digits a block>".
 *
 * Why blocks: a cached clip is played as it is read, each block checked
 * before any byte of it goes downstream, so the first buffer of a 1 GiB
 * clip waits for one block, not for the whole file.
 *
 * Why XXH3 and not SHA-256: the cache guards against accidents (a disk
 * error, a cut-off copy, a file edited or replaced by hand), which a
 * 128-bit checksum catches as surely. Against someone who can write to
 * the private cache directory no hash kept beside the clip helps: they
 * can rewrite the journal too. XXH3 runs at memory speed (GB/s), where
 * GLib's SHA-256 runs at a few hundred MB/s, slower than a download on a
 * fast network. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <xxhash.h>

#include "seedanceclipsums.h"

#define PREFIX "xxh128:"
#define MIN_BLOCK (G_GUINT64_CONSTANT (4) << 20)
#define MAX_BLOCKS 512
#define HASH_SIZE 16

struct _SeedanceClipSums
{
  guint64 clip_size;
  guint64 block_size;
  guint count;
  guint8 *hashes;               /* count * HASH_SIZE bytes */
};

static guint64
block_size_for (guint64 clip_size)
{
  guint64 block = MIN_BLOCK;

  while ((clip_size + block - 1) / block > MAX_BLOCKS)
    block *= 2;
  return block;
}

static SeedanceClipSums *
sums_new (guint64 clip_size, guint64 block_size)
{
  SeedanceClipSums *sums = g_new0 (SeedanceClipSums, 1);

  sums->clip_size = clip_size;
  sums->block_size = block_size;
  sums->count = (clip_size + block_size - 1) / block_size;
  sums->hashes = g_malloc0 ((gsize) sums->count * HASH_SIZE);
  return sums;
}

/**
 * seedance_clip_sums_new:
 * @clip_size: the clip's size in bytes, > 0
 *
 * Returns: (transfer full): sums of @clip_size bytes, all blocks unset
 */
SeedanceClipSums *
seedance_clip_sums_new (guint64 clip_size)
{
  g_return_val_if_fail (clip_size > 0, NULL);

  return sums_new (clip_size, block_size_for (clip_size));
}

/**
 * seedance_clip_sums_parse:
 * @text: (nullable): sums as seedance_clip_sums_to_string() wrote them,
 *   read from a journal entry: hostile
 * @clip_size: the size the entry gives the clip
 *
 * Returns: (transfer full) (nullable): the sums, or NULL when @text is
 * not sums of @clip_size bytes as this version writes them
 */
SeedanceClipSums *
seedance_clip_sums_parse (const gchar * text, guint64 clip_size)
{
  SeedanceClipSums *sums;
  guint64 block;
  gchar *end;
  guint i;

  if (text == NULL || clip_size == 0 || !g_str_has_prefix (text, PREFIX))
    return NULL;
  text += strlen (PREFIX);
  if (!g_ascii_isdigit (*text))
    return NULL;
  block = g_ascii_strtoull (text, &end, 10);
  /* Only the block size this version picks: any other is not ours. */
  if (*end != ':' || block != block_size_for (clip_size))
    return NULL;
  text = end + 1;

  sums = sums_new (clip_size, block);
  if (strlen (text) != (gsize) sums->count * HASH_SIZE * 2) {
    seedance_clip_sums_free (sums);
    return NULL;
  }
  for (i = 0; i < sums->count * HASH_SIZE; i++) {
    gint hi = g_ascii_xdigit_value (text[2 * i]);
    gint lo = g_ascii_xdigit_value (text[2 * i + 1]);

    if (hi < 0 || lo < 0 || g_ascii_isupper (text[2 * i])
        || g_ascii_isupper (text[2 * i + 1])) {
      seedance_clip_sums_free (sums);
      return NULL;
    }
    sums->hashes[i] = (hi << 4) | lo;
  }
  return sums;
}

void
seedance_clip_sums_free (SeedanceClipSums * sums)
{
  if (sums == NULL)
    return;
  g_free (sums->hashes);
  g_free (sums);
}

guint
seedance_clip_sums_count (const SeedanceClipSums * sums)
{
  return sums->count;
}

guint64
seedance_clip_sums_block_size (const SeedanceClipSums * sums)
{
  return sums->block_size;
}

/**
 * seedance_clip_sums_block_length:
 *
 * Returns: the bytes of block @index: the block size, less for the last
 */
guint64
seedance_clip_sums_block_length (const SeedanceClipSums * sums, guint index)
{
  guint64 start = (guint64) index * sums->block_size;

  g_return_val_if_fail (index < sums->count, 0);
  return MIN (sums->block_size, sums->clip_size - start);
}

/**
 * seedance_clip_sums_set:
 * @hash: the block's XXH3-128 in canonical (big-endian) form
 */
void
seedance_clip_sums_set (SeedanceClipSums * sums, guint index,
    const guint8 hash[16])
{
  g_return_if_fail (index < sums->count);

  memcpy (sums->hashes + (gsize) index * HASH_SIZE, hash, HASH_SIZE);
}

static void
hash_block (const guint8 * data, gsize length, guint8 hash[16])
{
  XXH128_canonical_t canonical;

  XXH128_canonicalFromHash (&canonical, XXH3_128bits (data, length));
  memcpy (hash, canonical.digest, HASH_SIZE);
}

/**
 * seedance_clip_sums_compute:
 * @data: the whole of block @index
 */
void
seedance_clip_sums_compute (SeedanceClipSums * sums, guint index,
    const guint8 * data, gsize length)
{
  guint8 hash[HASH_SIZE];

  g_return_if_fail (length == seedance_clip_sums_block_length (sums, index));

  hash_block (data, length, hash);
  seedance_clip_sums_set (sums, index, hash);
}

/**
 * seedance_clip_sums_check:
 * @data: what was read as block @index
 *
 * Returns: whether @data is block @index as it was cached
 */
gboolean
seedance_clip_sums_check (const SeedanceClipSums * sums, guint index,
    const guint8 * data, gsize length)
{
  guint8 hash[HASH_SIZE];

  if (index >= sums->count
      || length != seedance_clip_sums_block_length (sums, index))
    return FALSE;
  hash_block (data, length, hash);
  return memcmp (hash, sums->hashes + (gsize) index * HASH_SIZE,
      HASH_SIZE) == 0;
}

/**
 * seedance_clip_sums_to_string:
 *
 * Returns: (transfer full): "xxh128:<block size>:<hex>", at most
 *   SEEDANCE_CLIP_SUMS_MAX_TEXT characters
 */
gchar *
seedance_clip_sums_to_string (const SeedanceClipSums * sums)
{
  GString *text = g_string_new (PREFIX);
  guint i;

  g_string_append_printf (text, "%" G_GUINT64_FORMAT ":", sums->block_size);
  for (i = 0; i < sums->count * HASH_SIZE; i++)
    g_string_append_printf (text, "%02x", sums->hashes[i]);
  return g_string_free (text, FALSE);
}
