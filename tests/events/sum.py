#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Sums a run's events the way sevorix(1) says they add up.

    sum.py check FILE                 "ok N" when, for every layer and verdict the
                                      summary reports with a number, it equals the
                                      sum of the "count" fields of the events of
                                      that layer and verdict; else what differs
    sum.py count FILE LAYER VERDICT   that sum
    sum.py field FILE LAYER VERDICT   what the summary says for it
"""
import json
import sys
from collections import Counter


def load(path):
    events, summary = [], None
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if e.get("kind") == "summary":
                summary = e
            else:
                events.append(e)
    if summary is None:
        sys.exit("no summary in %s" % path)
    return events, summary


def sums(events):
    c = Counter()
    for e in events:
        if "verdict" in e:
            if not isinstance(e.get("count"), int) or e["count"] < 1:
                sys.exit("a decision without a count: %s" % json.dumps(e))
            c[(e["layer"], e["verdict"])] += e["count"]
    return c


def main():
    what, path = sys.argv[1], sys.argv[2]
    events, summary = load(path)
    c = sums(events)
    decisions = summary.get("decisions", {})
    if what == "check":
        bad, n = [], 0
        for layer, verdicts in decisions.items():
            for verdict, said in verdicts.items():
                if isinstance(said, int):
                    n += 1
                    if said != c[(layer, verdict)]:
                        bad.append("%s/%s: summary %d, events %d" % (layer, verdict, said,
                                                                     c[(layer, verdict)]))
        for (layer, verdict), got in c.items():
            if not isinstance(decisions.get(layer, {}).get(verdict), int):
                bad.append("%s/%s: %d in events, not in the summary" % (layer, verdict, got))
        totals = {"allowed": "allow", "denied": "deny", "reviewed": "review"}
        for key, verdict in totals.items():
            if summary.get(key) != sum(v for (l, vv), v in c.items() if vv == verdict):
                bad.append("%s: summary %s" % (key, summary.get(key)))
        print("ok %d" % n if not bad else "; ".join(bad))
    elif what == "count":
        print(c[(sys.argv[3], sys.argv[4])])
    else:
        print(decisions.get(sys.argv[3], {}).get(sys.argv[4], "absent"))


main()
