/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What every fuzz harness shares: the libFuzzer entry point (also called
 * by replay.c in the normal build), a one-time process setup and the
 * oracle check, which aborts so that libFuzzer keeps the input. */

#ifndef __SEEDANCE_FUZZ_H__
#define __SEEDANCE_FUZZ_H__

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

int  LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

void seedance_fuzz_init (void);

void seedance_fuzz_fail (const gchar * file, gint line, const gchar * what,
                         const gchar * format, ...) G_GNUC_PRINTF (4, 5)
                         G_GNUC_NORETURN;

/* An invariant of the code under test: a violation is a bug. */
#define FUZZ_CHECK(cond, ...) G_STMT_START { \
  if (G_UNLIKELY (!(cond))) \
    seedance_fuzz_fail (__FILE__, __LINE__, #cond, __VA_ARGS__); \
} G_STMT_END

G_END_DECLS

#endif /* __SEEDANCE_FUZZ_H__ */
