#!/usr/bin/env python3
"""Prints "N passed, N failed" for a meson test log (testlog.json),
after "LABEL: " when given --label LABEL.

A GstCheck executable counts as the checks it ran, from its summary line
"NN%: Checks: C, Failures: F, Errors: E"; any other test counts as one.
A test that crashed or timed out before its summary counts as one failure.
Exits non-zero when anything failed or nothing ran."""

import json
import re
import sys

SUMMARY = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")


def main(path, label=None):
    passed = failed = skipped = 0
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            test = json.loads(line)
            result = test.get("result")
            if result == "SKIP":
                skipped += 1
                continue
            ok = result in ("OK", "EXPECTEDFAIL")
            counts = SUMMARY.findall(test.get("stdout") or "")
            if counts:
                checks = sum(int(c) for c, _, _ in counts)
                bad = sum(int(f) + int(e) for _, f, e in counts)
                if not ok and bad == 0:
                    bad = 1
                passed += checks - min(bad, checks)
                failed += bad
            elif ok:
                passed += 1
            else:
                failed += 1
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(f"{label}: {line}" if label else line)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "--label":
        sys.exit(main(args[2], args[1]))
    if len(args) != 1:
        sys.exit("usage: count-tests.py [--label LABEL] testlog.json")
    sys.exit(main(args[0]))
