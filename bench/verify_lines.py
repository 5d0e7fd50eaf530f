#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Where the verifier's work goes in one BPF program, by source line.

    bench/verify_cost -r 1 -d DIR      (writes DIR/OBJECT.PROGRAM.log, level 2)
    bench/verify_lines.py DIR/net.sevorix_connect4.log [N]

A level-2 verifier log prints every instruction each time the verifier
walks it, and the source line before the first instruction of a line.
Each instruction is counted as often as it was walked and charged to the
source line it belongs to (the nearest line at or below its index: line
information covers contiguous instructions); the N lines (default 30)
that cost most are printed with their share of the processed total.
"""
import bisect
import collections
import re
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: verify_lines.py LOG [N]")
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    walked = collections.Counter()
    line_of = {}
    pending = None
    with open(sys.argv[1], errors="replace") as f:
        for text in f:
            m = re.match(r"^; (.*) @ (\S+:\d+)$", text.rstrip("\n"))
            if m:
                pending = "%s  %s" % (m.group(2), m.group(1).strip()[:70])
                continue
            m = re.match(r"^(\d+): \(", text)
            if m:
                insn = int(m.group(1))
                walked[insn] += 1
                if pending:
                    line_of[insn] = pending
                    pending = None
    starts = sorted(line_of)
    by_line = collections.Counter()
    for insn, n in walked.items():
        k = bisect.bisect_right(starts, insn) - 1
        by_line[line_of[starts[k]] if k >= 0 else "?"] += n
    total = sum(walked.values())
    print("%d instructions walked" % total)
    for line, n in by_line.most_common(top):
        print("%7d %5.1f%%  %s" % (n, 100.0 * n / max(total, 1), line))


if __name__ == "__main__":
    main()
