/* gst-seedance: the Python progress example, run against the emulator
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The tests of progress.c, run on examples/seedance-progress.py. */

#define SEEDANCE_EXAMPLE_PYTHON 1
/* NOLINTNEXTLINE(bugprone-suspicious-include): the same tests, on Python */
#include "progress.c"
