#!/bin/sh
# The service files as installed: the unit passes systemd-analyze verify and
# rates 5.0 or better in systemd-analyze security; the init script is valid
# sh with start, stop, status and a Default-Stop. TAP.
b=${CTK_BUILDDIR:?}
unit=$b/contrib/crelease-watch.service
init=$b/contrib/crelease.init
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }

[ -f "$unit" ] && [ -f "$init" ] || { echo "1..0 # SKIP service files not built"; exit 0; }
if command -v systemd-analyze >/dev/null 2>&1; then
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	# the unit as installed, with ExecStart at this build's crelease
	sed "s|^ExecStart=[^ ]*crelease|ExecStart=$b/crelease|" "$unit" > "$tmp/crelease-watch.service"
	if out=$(systemd-analyze verify --man=no "$tmp/crelease-watch.service" 2>&1) && [ -z "$out" ]; then
		ok "systemd-analyze verify: clean"
	else
		notok "systemd-analyze verify: $out"
	fi
	score=$(systemd-analyze security --offline=true "$tmp/crelease-watch.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }'; then
		ok "systemd-analyze security: exposure $score (5.0 or better)"
	elif [ -z "$score" ]; then
		skip "this systemd-analyze has no offline security rating"
	else
		notok "systemd-analyze security: exposure $score, over 5.0"
	fi
else
	skip "no systemd-analyze here"
	skip "no systemd-analyze here"
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
if grep -q '@[a-z]*dir@' "$unit" "$init"; then
	notok "a configure path left unsubstituted"
else
	ok "paths from configure"
fi
echo "1..$n"
