#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Everyday developer work, as the agent user in the current directory (an
# empty workspace): git, make of a small C project, python3 -m venv, and
# npm install from the registry stand-in at $1. Prints "STEP ok" for each
# step that did what it should; run bare and under `sevorix run` by
# tests/kernel/devwork.t and bench/devwork_bench.sh.
#   devwork_job.sh REGISTRY-URL [STEP...]   (steps: git make venv npm; default all)
registry=$1
shift
steps=${*:-git make venv npm}
export GIT_CONFIG_NOSYSTEM=1 LANG=C

step_git() {
	printf 'notes\n' >README &&
		git init -q . && git add README &&
		git -c user.email=dev@example.org -c user.name=dev commit -qm start &&
		[ "$(git log --format=%s)" = start ]
}

step_make() {
	mkdir -p c && cat >c/hello.c <<'C' && printf 'hello: hello.o\n\tcc -o $@ $^\n' >c/Makefile &&
#include <stdio.h>
int main(void) { puts("hello from make"); return 0; }
C
		make -s -C c && [ "$(c/hello)" = "hello from make" ]
}

step_venv() {
	python3 -m venv venv && [ "$(venv/bin/python -c 'import sys; print(sys.prefix)')" = "$PWD/venv" ]
}

step_npm() {
	mkdir -p js && cd js && printf '{"name": "job", "version": "1.0.0"}\n' >package.json &&
		npm install --registry "$registry" --cache "$PWD/.npm-cache" --no-audit --no-fund \
			--no-update-notifier --loglevel=error sevorix-hello >/dev/null &&
		[ "$(node -e 'console.log(require("sevorix-hello")())')" = "hello from npm" ]
}

for s in $steps; do
	if (step_$s) >"step-$s.log" 2>&1; then echo "$s ok"; else echo "$s FAILED"; cat "step-$s.log"; fi
done
