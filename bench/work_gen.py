#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The workloads of bench/work_bench.sh, generated so that the benchmark
needs nothing from the network and is the same on every machine.

  work_gen.py cproj DIR N          a C project of N files (.c + .h, in
                                   subdirectories past 100 files, a static
                                   library and a program) and its Makefile
  work_gen.py registry DIR N       an npm registry stand-in: N packages with
                                   dependencies between them, as packuments
                                   and tarballs under DIR, served by
                                   `python3 -m http.server` on loopback;
                                   prints the names of the top-level ones
  work_gen.py gittree DIR N        N small files in N/100 directories
  work_gen.py pytests DIR N        N test files of 10 tests each
"""
import base64
import hashlib
import io
import json
import os
import random
import sys
import tarfile


def cproj(top, n):
    os.makedirs(top, exist_ok=True)
    srcs = []
    for i in range(n):
        sub = "src/m%02d" % (i // 100) if n > 100 else "src"
        os.makedirs(os.path.join(top, sub), exist_ok=True)
        name = "%s/f%03d" % (sub, i)
        with open(os.path.join(top, name + ".h"), "w") as f:
            f.write("#pragma once\nint f%03d(int x);\nstruct s%03d { int a[%d]; };\n"
                    % (i, i, i % 7 + 1))
        dep = "%s/f%03d.h" % ("src/m%02d" % ((i - 1) // 100) if n > 100 else "src", i - 1)
        with open(os.path.join(top, name + ".c"), "w") as f:
            f.write('#include <stdio.h>\n#include <string.h>\n#include "%s.h"\n' % name)
            if i:
                f.write('#include "%s"\n' % dep)
            f.write("static int tab[64];\n"
                    "int f%03d(int x)\n{\n\tstruct s%03d s;\n\tmemset(&s, 0, sizeof(s));\n"
                    "\tfor (int k = 0; k < 64; k++)\n\t\ttab[k] = k * x + s.a[0];\n"
                    "\treturn tab[x & 63]%s;\n}\n"
                    % (i, i, " + f%03d(x - 1)" % (i - 1) if i else ""))
        srcs.append(name + ".c")
    with open(os.path.join(top, "main.c"), "w") as f:
        f.write('#include <stdio.h>\nint f%03d(int x);\nint main(void)\n{\n'
                '\tprintf("%%d\\n", f%03d(3));\n\treturn 0;\n}\n' % (n - 1, n - 1))
    with open(os.path.join(top, "Makefile"), "w") as f:
        f.write("SRCS := %s\nOBJS := $(SRCS:.c=.o)\nCFLAGS := -O1 -Wall -I.\n\n"
                "prog: main.o libw.a\n\t$(CC) -o $@ $^\n"
                "libw.a: $(OBJS)\n\t$(AR) rcs $@ $^\n"
                "%%.o: %%.c\n\t$(CC) $(CFLAGS) -c -o $@ $<\n"
                "clean:\n\trm -f prog main.o libw.a $(OBJS)\n" % " ".join(srcs))


def tarball(name, deps):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        files = {"package/package.json": json.dumps(
            {"name": name, "version": "1.0.0", "main": "index.js", "license": "MIT",
             "dependencies": {d: "^1.0.0" for d in deps}}, indent=2)}
        files["package/index.js"] = "".join(
            "module.exports.%s = require('%s');\n" % (d.replace("-", "_"), d) for d in deps)
        for k in range(8):
            files["package/lib/part%d.js" % k] = "// %s part %d\n%s" % (
                name, k, "exports.v%d = %d;\n" % (k, k) * 200)
        files["package/README.md"] = "# %s\n\n%s\n" % (name, "stand-in package. " * 100)
        for path, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o644, 1700000000
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def registry(top, n, url):
    rnd = random.Random(17)
    os.makedirs(os.path.join(top, "tarballs"), exist_ok=True)
    names = ["sxb-pkg-%03d" % i for i in range(n)]
    for i, name in enumerate(names):
        # dependencies only on later packages: a tree with shared leaves, no cycles
        later = names[i + 1:]
        deps = sorted(rnd.sample(later, min(len(later), rnd.randint(0, 3))))
        tgz = tarball(name, deps)
        fn = "tarballs/%s-1.0.0.tgz" % name
        with open(os.path.join(top, fn), "wb") as f:
            f.write(tgz)
        integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz).digest()).decode()
        meta = {"name": name, "version": "1.0.0", "dependencies": {d: "^1.0.0" for d in deps},
                "dist": {"tarball": "%s/%s" % (url, fn), "integrity": integrity,
                         "shasum": hashlib.sha1(tgz).hexdigest()}}
        with open(os.path.join(top, name), "w") as f:
            json.dump({"name": name, "dist-tags": {"latest": "1.0.0"},
                       "versions": {"1.0.0": meta}}, f)
    print(" ".join(names[:n // 4]))


def gittree(top, n):
    for i in range(n):
        d = os.path.join(top, "d%03d" % (i // 100))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
            f.write("file %d\n" % i)


def pytests(top, n):
    os.makedirs(top, exist_ok=True)
    for i in range(n):
        with open(os.path.join(top, "test_m%03d.py" % i), "w") as f:
            f.write("import json\nimport pytest\n\n\n")
            for k in range(8):
                f.write("def test_%d():\n    assert json.loads(json.dumps([%d] * 50))[-1] == %d\n\n\n"
                        % (k, k, k))
            f.write("@pytest.mark.parametrize('x', [1, 2])\n"
                    "def test_param(x):\n    assert sorted([x, 0])[1] == x\n")


def main():
    kind, top, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "cproj":
        cproj(top, n)
    elif kind == "registry":
        registry(top, n, sys.argv[4])
    elif kind == "gittree":
        gittree(top, n)
    elif kind == "pytests":
        pytests(top, n)
    else:
        sys.exit("work_gen.py: unknown workload " + kind)


if __name__ == "__main__":
    main()
