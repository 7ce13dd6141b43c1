/* GStreamer Seedance plugin
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include "seedanceerror.h"

/* *INDENT-OFF* */
G_DEFINE_QUARK (seedance-error-quark, seedance_error);
/* *INDENT-ON* */
