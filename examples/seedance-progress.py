#!/usr/bin/env python3
# gst-seedance example: generate a clip into a file with a progress bar.
#
# Usage: seedance-progress.py "PROMPT" OUT.mp4 [property=value ...]
#
# The Python (PyGObject) twin of seedance-progress.c: runs
# "seedancesrc ! filesink", draws one line from the element's progress
# messages and the bytes written, and ends with the path of the clip. The
# key and the API's origin come from MODELLIX_API_KEY and MODELLIX_BASE_URL.

import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, GObject, Gst  # noqa: E402

BAR_WIDTH = 30


def allowed(pspec, text):
    """Whether text is a value of pspec's type and range."""
    if hasattr(pspec, "minimum"):
        try:
            return pspec.minimum <= int(text) <= pspec.maximum
        except ValueError:
            return False
    if pspec.value_type == GObject.TYPE_BOOLEAN:
        return text.lower() in ("true", "false", "yes", "no", "1", "0")
    if pspec.value_type.is_a(GObject.TYPE_ENUM):
        values = pspec.default_value.__enum_values__.values()
        return text in [v.value_nick for v in values]
    return True


class Progress:
    def __init__(self, prompt, out, props):
        self.out = out
        self.status = ""
        self.task_id = None
        self.downloading = False
        self.exit_code = 0
        self.interactive = sys.stdout.isatty()
        self.loop = GLib.MainLoop()
        self.pipeline = Gst.parse_launch("seedancesrc name=src ! filesink name=sink")
        self.src = self.pipeline.get_by_name("src")
        self.sink = self.pipeline.get_by_name("sink")
        self.src.set_property("prompt", prompt)
        self.sink.set_property("location", out)
        for prop in props:
            self.set_from_string(prop)

    def set_from_string(self, prop):
        """Refuses a value that is not of the property's type (GObject would
        only warn about it and ignore it), and a number out of the range the
        property shows, before the element would refuse it at start."""
        key, sep, text = prop.partition("=")
        pspec = self.src.find_property(key) if sep else None
        if pspec is None:
            sys.exit(f"Not a seedancesrc property=value: {prop}")
        if not allowed(pspec, text):
            sys.exit(f"Invalid value for {key}: '{text}' "
                     "(gst-inspect-1.0 seedancesrc lists what it allows)")
        Gst.util_set_object_arg(self.src, key, text)

    def draw(self):
        filled = 0
        if self.downloading:
            ok, written = self.sink.query_position(Gst.Format.BYTES)
            ok2, total = self.pipeline.query_duration(Gst.Format.BYTES)
            if ok and ok2 and total > 0:
                filled = BAR_WIDTH * min(written, total) // total
        bar = ["#" if i < filled else "." for i in range(BAR_WIDTH)]
        if not self.downloading:
            bar[(GLib.get_monotonic_time() // 200000) % BAR_WIDTH] = "#"
        if self.interactive:
            print(f"\r[{''.join(bar)}] {self.status[:60]:<60}", end="", flush=True)
        return GLib.SOURCE_CONTINUE

    def on_message(self, bus, msg):
        if msg.type == Gst.MessageType.PROGRESS:
            kind, _code, text = msg.parse_progress()
            self.status = text
            if kind == Gst.ProgressType.COMPLETE:
                self.downloading = True
            if not self.interactive:
                print(text, flush=True)
            self.draw()
        elif msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.has_name("seedance-task") and self.task_id is None:
                self.task_id = s.get_string("task-id")
        elif msg.type in (Gst.MessageType.ERROR, Gst.MessageType.WARNING):
            err, _debug = (msg.parse_error() if msg.type == Gst.MessageType.ERROR
                           else msg.parse_warning())
            print(("\n" if self.interactive else "") + err.message, file=sys.stderr)
            if msg.type == Gst.MessageType.ERROR:
                self.exit_code = 1
                self.loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            self.downloading = True
            self.draw()
            self.loop.quit()
        return True

    def on_interrupt(self):
        resume = f" Resume with task-id={self.task_id}" if self.task_id else ""
        print(f"\nInterrupted.{resume}", file=sys.stderr)
        self.exit_code = 130
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run(self):
        bus = self.pipeline.get_bus()
        bus.add_watch(GLib.PRIORITY_DEFAULT, self.on_message)
        GLib.timeout_add(200, self.draw)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.on_interrupt)
        if self.pipeline.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            msg = bus.pop_filtered(Gst.MessageType.ERROR)
            self.exit_code = 1
            if msg:
                self.on_message(bus, msg)
        else:
            self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        bus.remove_watch()
        if self.exit_code == 0:
            print(("\n" if self.interactive else "") + f"Wrote {self.out}", flush=True)
        return self.exit_code


def main(argv):
    Gst.init(None)
    if len(argv) < 3:
        sys.exit(f'Usage: {os.path.basename(argv[0])} "PROMPT" OUT.mp4 [property=value ...]')
    return Progress(argv[1], argv[2], argv[3:]).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
