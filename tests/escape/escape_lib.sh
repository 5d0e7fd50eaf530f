# SPDX-License-Identifier: GPL-2.0-only
# Shared by the escape tests (tests/escape/*.t): a scratch tree with a fake
# HOME holding a secret and a workspace, owned by the agent user (65534) so
# that only Sevorix's layers -- not file permissions -- can stop an access,
# and a runner that confines a command the way `sevorix run` does.
#
# Runner: `sevorix run --policy F --user nobody` when the sevorix binary
# applies the confinement layers (it links confine_child), otherwise the
# helper build/tests/escape/confine with the same policy built in. Either
# way the policy is:
#   files:   default deny; /usr read+exec; /etc, /proc read; /dev read+write;
#            HOME read+write, HOME/.ssh deny; WS read+write+exec
#   exec:    default deny; /usr, WS allow
#   network: default deny; 127.0.0.0/8 port 8080 allow

. "$(dirname "$0")/../lib/tap.sh"

need_root
TRY_SRC=$BUILD/tests/escape/try
[ -x "$TRY_SRC" ] || skip_all "helpers not built (make tests)"
[ -x "$SEVORIX" ] || skip_all "no $SEVORIX (run make)"

scratch
H=$SX_TMP/home
W=$SX_TMP/ws
O=$SX_TMP/out
mkdir -p "$H/.ssh" "$W" "$O"
echo "-----BEGIN OPENSSH PRIVATE KEY----- fake" > "$H/.ssh/id_rsa"
echo "# rc" > "$H/.bashrc"
echo "work" > "$W/notes.txt"
cp "$TRY_SRC" "$W/try"
cp /usr/bin/true "$H/true"
cp "$TRY_SRC" "$H/try"
chown -R 65534:65534 "$SX_TMP"
chmod 777 "$O"
TRY=$W/try

cat > "$SX_TMP/policy.yaml" <<YAML
version: 1
files:
  default: deny
  rules:
    - {action: allow, path: /usr, access: [read, exec]}
    - {action: allow, path: /etc, access: [read]}
    - {action: allow, path: /proc, access: [read]}
    - {action: allow, path: /dev, access: [read, write]}
    - {action: allow, path: "$H", access: [read, write]}
    - {action: deny, path: "$H/.ssh"}
    - {action: allow, path: "$W", access: [read, write, exec]}
exec:
  default: deny
  rules:
    - {action: allow, path: /usr}
    - {action: allow, path: "$W"}
network:
  default: deny
  rules:
    - {action: allow, cidr: 127.0.0.0/8, ports: [8080]}
YAML
chmod 644 "$SX_TMP/policy.yaml"

# confined [--allow NAME]... CMD...: runs CMD as the agent, prints its output.
# --allow relaxes one hardening entry (a `hardening: {allow: [...]}` section).
confined() {
	local pol=$SX_TMP/policy.yaml names=""

	while [ "$1" = --allow ]; do names+="${names:+, }$2"; shift 2; done
	if [ -n "$names" ]; then
		pol=$SX_TMP/policy-relaxed.yaml
		{ cat "$SX_TMP/policy.yaml"; printf 'hardening:\n  allow: [%s]\n' "$names"; } >"$pol"
		chmod 644 "$pol"
	fi
	(cd "$W" && "$SEVORIX" run --policy "$pol" --user nobody --events /dev/null -- "$@" 2>&1)
}

# unconfined CMD...: the same command as the agent user, without Sevorix.
unconfined() {
	(cd "$W" && setpriv --reuid 65534 --regid 65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$@" 2>&1)
}

# refused NAME ERRNO CMD...: the escape must fail with ERRNO. The same
# attempt without confinement is shown as a comment (the control).
refused() {
	local name=$1 want=$2 got ctl
	shift 2
	got=$(confined "$@" | tail -n 1)
	ctl=$(unconfined "$@" | tail -n 1)
	is "$got" "$want" "$name (unconfined: $ctl)"
}

# works NAME CMD...: a permitted operation must still work.
works() {
	local name=$1 got
	shift
	got=$(confined "$@" | tail -n 1)
	is "$got" OK "$name"
}

