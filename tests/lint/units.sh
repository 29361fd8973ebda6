#!/bin/sh
# The service files as installed: each unit passes systemd-analyze verify and
# rates 5.0 or better in systemd-analyze security; the init script is valid
# sh with start, stop, status and a Default-Stop. TAP.
b=${CTK_BUILDDIR:?}
unit=$b/contrib/crelease-watch.service
unit2=$b/contrib/cattach-rules.service
init=$b/contrib/crelease.init
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }

[ -f "$unit" ] && [ -f "$unit2" ] && [ -f "$init" ] || { echo "1..0 # SKIP service files not built"; exit 0; }
# unit_checks NAME TOOL: verify and security of one unit
unit_checks() {
	u=$b/contrib/$1
	# the unit as installed, with ExecStart at this build's tool
	sed "s|^ExecStart=[^ ]*/$2|ExecStart=$b/$2|" "$u" > "$tmp/$1"
	if out=$(systemd-analyze verify --man=no "$tmp/$1" 2>&1) && [ -z "$out" ]; then
		ok "$1: systemd-analyze verify: clean"
	else
		notok "$1: systemd-analyze verify: $out"
	fi
	score=$(systemd-analyze security --offline=true "$tmp/$1" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }'; then
		ok "$1: systemd-analyze security: exposure $score (5.0 or better)"
	elif [ -z "$score" ]; then
		skip "this systemd-analyze has no offline security rating"
	else
		notok "$1: systemd-analyze security: exposure $score, over 5.0"
	fi
}
if command -v systemd-analyze >/dev/null 2>&1; then
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	unit_checks crelease-watch.service crelease
	unit_checks cattach-rules.service cattach
else
	for i in 1 2 3 4; do skip "no systemd-analyze here"; done
fi
if sh -n "$init"; then ok "init script: valid sh"; else notok "init script: not valid sh"; fi
for word in 'start)' 'stop)' 'status)' 'PATH='; do
	if grep -q "^[[:space:]]*$word" "$init"; then ok "init script has $word"; else notok "init script lacks $word"; fi
done
if grep -Eq '^# Default-Stop:[[:space:]]+[0-6]' "$init"; then
	ok "init script: a Default-Stop"
else
	notok "init script: no Default-Stop"
fi
if grep -q '@[a-z]*dir@' "$unit" "$unit2" "$init"; then
	notok "a configure path left unsubstituted"
else
	ok "paths from configure"
fi
echo "1..$n"
