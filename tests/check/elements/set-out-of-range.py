#!/usr/bin/env python3
# gst-seedance: a number out of range set from PyGObject (elements/ranges.c)
#
# Usage: set-out-of-range.py PROPERTY VALUE set_property|props
#
# Runs "seedancesrc prompt=x ! fakesink" (key and origin from
# MODELLIX_API_KEY and MODELLIX_BASE_URL) after setting PROPERTY to the
# integer VALUE with src.set_property() or src.props.<name> = VALUE, and
# prints what a Python application sees, one fact a line, for the test to
# check:
#   range: MIN MAX        the param spec's range, as a UI reads it
#   stored: N             the property read back after setting it
#   error: DOMAIN CODE MESSAGE   or "eos", or "nothing" after 30 s

import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402


def main():
    name, value, how = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    Gst.init(None)
    pipeline = Gst.parse_launch("seedancesrc name=src prompt=x ! fakesink")
    src = pipeline.get_by_name("src")

    pspec = src.find_property(name)
    print(f"range: {pspec.minimum} {pspec.maximum}")
    if how == "props":
        setattr(src.props, name.replace("-", "_"), value)
    else:
        src.set_property(name, value)
    print(f"stored: {src.get_property(name)}")

    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        30 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
    if msg is None:
        print("nothing")
    elif msg.type == Gst.MessageType.EOS:
        print("eos")
    else:
        error, _ = msg.parse_error()
        print(f"error: {error.domain} {error.code} {error.message}")
    pipeline.set_state(Gst.State.NULL)


if __name__ == "__main__":
    main()
