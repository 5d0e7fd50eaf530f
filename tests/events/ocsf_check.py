#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Validates OCSF JSON lines against the required attributes of their classes.

    ocsf_check.py SCHEMA FILE    prints "ok N KIND=CLASS ..." or one line per fault

SCHEMA is the small set of facts of the published schema the check needs
(tests/events/ocsf-1.3.0.json says where they come from). Each line must be
of a known class, carry every required attribute of it (present, not null),
and every one the profiles it names in metadata.profiles require; type_uid
must be class_uid * 100 + activity_id and category_uid the class's.
"""
import json
import sys


def main():
    schema = json.load(open(sys.argv[1]))
    faults, seen, n = [], {}, 0
    for i, line in enumerate(open(sys.argv[2]), 1):
        e = json.loads(line)
        n += 1
        cls = schema["classes"].get(str(e.get("class_uid")))
        if cls is None:
            faults.append("line %d: class_uid %s is none of %s" % (i, e.get("class_uid"),
                                                                   sorted(schema["classes"])))
            continue
        required = list(cls["required"])
        meta = e.get("metadata") or {}
        for p in meta.get("profiles", []):
            required += schema["profiles"].get(p, {}).get("required", [])
        missing = [a for a in required if e.get(a) is None]
        if missing:
            faults.append("line %d (%s): missing %s" % (i, cls["name"], ", ".join(missing)))
        if e.get("type_uid") != e.get("class_uid", 0) * 100 + e.get("activity_id", -1):
            faults.append("line %d: type_uid %s" % (i, e.get("type_uid")))
        if e.get("category_uid") != cls["category_uid"]:
            faults.append("line %d: category_uid %s" % (i, e.get("category_uid")))
        if meta.get("version") != schema["version"]:
            faults.append("line %d: metadata.version %s" % (i, meta.get("version")))
        kind = (e.get("unmapped") or {}).get("kind", "?")
        seen["%s=%s" % (kind, e["class_uid"])] = 1
    print("\n".join(faults) if faults else "ok %d %s" % (n, " ".join(sorted(seen))))


main()
