#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `npm install` under a policy that allows its registry by name, with no
# address written anywhere (issue 15, done when). The registry is a local
# stand-in under a test name: a small HTTP server that serves a package's
# metadata and tarball on a loopback address, which dnsmasq, the run's
# upstream, gives for registry.test. The policy names registry.test and
# never that address or loopback as a whole: the install works only if
# the address npm looked up was learnt for the host rule.
. "$(dirname "$0")/../lib/tap.sh"
need_kernel_layer
command -v npm >/dev/null || skip_all "no npm"
command -v dnsmasq >/dev/null || skip_all "no dnsmasq (make deps installs dnsmasq-base)"
scratch
here=$(cd "$(dirname "$0")" && pwd)
REG=127.0.0.21
PORT=$(free_port)
UP=127.53.0.1
UP_PORT=$(free_port)
W=$SX_TMP/w
mkdir -p "$SX_TMP/pkg/package" && mkdir -m 777 "$W"

# the package: one file, its tarball and the registry's metadata for it
cat >"$SX_TMP/pkg/package/package.json" <<'EOF'
{"name": "sx-dns-demo", "version": "1.0.0", "main": "index.js"}
EOF
echo 'module.exports = "reached by name";' >"$SX_TMP/pkg/package/index.js"
tar -C "$SX_TMP/pkg" -czf "$SX_TMP/pkg/sx-dns-demo-1.0.0.tgz" package
python3 - "$SX_TMP/pkg" "$PORT" >"$SX_TMP/pkg/meta.json" <<'PY'
import base64, hashlib, json, sys
d, port = sys.argv[1], sys.argv[2]
data = open(d + "/sx-dns-demo-1.0.0.tgz", "rb").read()
url = "http://registry.test:%s/sx-dns-demo/-/sx-dns-demo-1.0.0.tgz" % port
print(json.dumps({"name": "sx-dns-demo", "dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {
    "name": "sx-dns-demo", "version": "1.0.0", "main": "index.js",
    "dist": {"tarball": url, "shasum": hashlib.sha1(data).hexdigest(),
             "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()}}}}))
PY
python3 - "$SX_TMP/pkg" $REG "$PORT" >"$SX_TMP/registry.log" 2>&1 <<'PY' &
import http.server, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        f = {"/sx-dns-demo": "meta.json",
             "/sx-dns-demo/-/sx-dns-demo-1.0.0.tgz": "sx-dns-demo-1.0.0.tgz"}.get(self.path)
        body = open(d + "/" + f, "rb").read() if f else b"{}"
        self.send_response(200 if f else 404)
        self.send_header("Content-Type", "application/json" if f != "sx-dns-demo-1.0.0.tgz"
                         else "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print("GET", self.path, flush=True)
http.server.HTTPServer((sys.argv[2], int(sys.argv[3])), H).serve_forever()
PY
started $!
"$here/dnsmasq.sh" $UP "$UP_PORT" "$SX_TMP/dnsmasq.log" --host-record=registry.test,$REG \
	2>"$SX_TMP/dnsmasq.err" &
started $!
wait_port "$PORT" || true
for _ in $(seq 50); do
	python3 "$here/dnsq.py" --timeout 0.2 $UP:"$UP_PORT" registry.test | grep -q NOERROR && break
done

policy() { # policy FILE [HOST-RULE]
	{
		printf 'version: 1\nnetwork:\n  default: deny\n'
		[ -n "${2:-}" ] && printf '  rules:\n    - %s\n' "$2"
		printf '  dns:\n    upstream: ["%s:%s"]\n' $UP "$UP_PORT"
	} >"$1"
}
policy "$SX_TMP/allow.yaml" "{action: allow, host: registry.test, ports: [$PORT]}"
policy "$SX_TMP/none.yaml"
install() { # install POLICY: npm install of the package into $W, as nobody, cache empty
	rm -rf "$W/node_modules" "$W/package.json" "$W/package-lock.json" "$W/.npm"
	(cd "$W" && timeout 120 "$SEVORIX" run --policy "$1" --user nobody --events "$SX_TMP/ev.jsonl" \
		-- npm install --registry "http://registry.test:$PORT" --cache "$W/.npm" \
		--no-audit --no-fund --no-update-notifier --fetch-retries 0 sx-dns-demo \
		>"$SX_TMP/npm.out" 2>&1)
}

plan 5

install "$SX_TMP/allow.yaml"
is "$?" 0 "npm install, under a policy that names the registry's host, works"
is "$(cat "$W/node_modules/sx-dns-demo/index.js" 2>/dev/null)" 'module.exports = "reached by name";' \
	"the package came from the registry by its name"
[ "$(cat "$W/node_modules/sx-dns-demo/index.js" 2>/dev/null)" ] || sed 's/^/# /' "$SX_TMP/npm.out"
like "$(grep '"kind":"connect"' "$SX_TMP/ev.jsonl" | grep "\"target\":\"$REG:$PORT\"" | head -1)" \
	'"host":"registry.test".*"verdict":"allow"' "its connects name the host"
: >"$SX_TMP/dnsmasq.log"
install "$SX_TMP/none.yaml"
rc=$?
[ "$rc" != 0 ] && [ ! -e "$W/node_modules/sx-dns-demo" ]
is "$?" 0 "without the host rule it fails (npm exit $rc): the name does not resolve"
unlike "$(cat "$SX_TMP/dnsmasq.log")" "registry\.test" "and the name never reached the upstream"
