#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The include order of src/ (tools/depcheck.py): the tree passes, and a
# fixture tree passes until a back-edge, a same-tier edge or an unknown
# folder is added to a copy of it.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
check="python3 $top/tools/depcheck.py"
plan 6

out=$(cd "$top" && $check src 2>&1)
is "$?" 0 "src/ includes only downwards"
[ -z "$out" ] || diag "$out"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$(dirname "$0")/fixture/." "$tmp/"
$check "$tmp/src" >/dev/null 2>&1
is "$?" 0 "the fixture passes as it is"

echo '#include "high/high.h"' >>"$tmp/src/low/low.h"
echo 'int high(void);' >"$tmp/src/high/high.h"
out=$($check "$tmp/src" 2>/dev/null)
is "$?" 1 "a back-include from low to high fails"
like "$out" "low/low.h:2: low includes high/high.h of high, which is not below it" \
	"it names the file, the line and both folders"

sed -i 's/^mid .*/mid other/' "$tmp/src/README.md"
sed -i '$d' "$tmp/src/low/low.h"
mkdir "$tmp/src/other" && echo '#include "mid/mid.h"' >"$tmp/src/other/o.c"
out=$($check "$tmp/src" 2>/dev/null)
like "$out" "other includes mid/mid.h of mid, which is on its tier" "folders of one tier are independent"

mkdir "$tmp/src/stray" && echo 'int s;' >"$tmp/src/stray/s.c"
out=$($check "$tmp/src" 2>/dev/null)
like "$out" "folder 'stray' is not in" "a folder outside the order fails"
