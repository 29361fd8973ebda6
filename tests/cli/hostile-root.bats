#!/usr/bin/env bats
# bats file_tags=root
# The trust suite: each test mounts an attack by a hostile local user (a
# delegated container, a symlink in /tmp, a mount over a directory, a
# crafted file) on the real kernel, and checks that a root-run ctk does
# nothing outside the request. v1 on name=ctk-test (and name=ctk-test2
# where two hierarchies are needed), v2 in a scratch child of the machine's
# cgroup2 mount.

load helpers/common

setup_file() {
	ctk_root_setup_file
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	# nobody must reach the hierarchies mounted below the bats tmpdir
	local d=$BATS_FILE_TMPDIR
	while [ "$d" != / ] && [ "$d" != /tmp ]; do chmod o+x "$d"; d=$(dirname "$d"); done
	V1B=$BATS_FILE_TMPDIR/v1b
	mkdir -p "$V1B"
	mount -t cgroup -o none,name=ctk-test2 cgroup "$V1B"
	echo > "$V1B/release_agent"
	# a wrapper agent that logs to a file the tests read
	W=$BATS_FILE_TMPDIR/agent
	printf '#!/bin/sh\nexec %s --agent "$0" --log %s "$@"\n' \
		"$CTK_BUILDDIR/crelease" "$BATS_FILE_TMPDIR/agent.log" > "$W"
	chmod 755 "$W"
}
setup() {
	ctk_root_setup
	V1=$(ctk_v1_path)
	V1B=$BATS_FILE_TMPDIR/v1b
	W=$BATS_FILE_TMPDIR/agent
	LOG=$BATS_FILE_TMPDIR/agent.log
	: > "$LOG"
	T=$BATS_TEST_TMPDIR
	chmod 755 "$T"
	# cmount's per-hierarchy agent links go here, not to /run/ctk
	export CTK_AGENT_DIR=$BATS_FILE_TMPDIR/agents
	MOUNTS=()
}
teardown() {
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	local m
	for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null; done
	[ -n "${WATCHER:-}" ] && kill "$WATCHER" 2>/dev/null && wait "$WATCHER" 2>/dev/null
	WATCHER=
	ctk_cleanup_tree "$V1B"
	echo > "$V1B/release_agent"
	ctk_root_teardown
}
teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	ctk_cleanup_tree "$BATS_FILE_TMPDIR/v1b"
	sleep 0.1
	umount "$BATS_FILE_TMPDIR/v1b" 2>/dev/null || umount -l "$BATS_FILE_TMPDIR/v1b"
	ctk_root_teardown_file
}

# until PATTERN is in the agent log (30 s at most)
wait_log() { ctk_wait_until grep -q -- "$1" "$LOG"; }
# until every DIR is gone (30 s at most)
none_left() {
	local d
	for d in "$@"; do [ ! -e "$d" ] || return 1; done
}
wait_gone() { ctk_wait_until none_left "$@"; }
in_caught() { [ "$(ctk_cgroup_of "$1" name=ctk-test)" = /caught ]; }
in_manual() { [ "$(ctk_cgroup_of "$1" name=ctk-test)" = /manual ]; }
as_nobody() { setpriv --reuid nobody --regid nogroup --clear-groups "$@"; }

# ---- 1: a release call acts only in the hierarchy that made it ------------

@test "attack 1a: two hierarchies share an agent path: a release removes nothing in either" {
	echo "$W" > "$V1/release_agent"
	echo "$W" > "$V1B/release_agent"
	cmkdir -N name=ctk-test:/x name=ctk-test2:/x
	cattach name=ctk-test:/x -- true
	wait_log 'share the release agent'
	grep -q "/x: refused: 2 hierarchies (.*) share the release agent $W" "$LOG"
	[ -d "$V1/x" ]
	[ -d "$V1B/x" ]
	# and the listing says so
	run --separate-stderr cmount
	assert_success
	[[ "$stderr" == *"share the release agent $W: crelease removes nothing"* ]]
}

@test "attack 1b: a delegate's container in one hierarchy never gets root's same-path container in another removed" {
	run cmount --set-release-agent "$CTK_BUILDDIR/crelease" "$V1"
	assert_success
	run cmount --set-release-agent "$CTK_BUILDDIR/crelease" "$V1B"
	assert_success
	[ "$(cat "$V1/release_agent")" = "$CTK_AGENT_DIR/crelease@name=ctk-test" ]
	[ "$(cat "$V1B/release_agent")" = "$CTK_AGENT_DIR/crelease@name=ctk-test2" ]
	[ "$(readlink "$CTK_AGENT_DIR/crelease@name=ctk-test")" = "$(readlink -f "$CTK_BUILDDIR/crelease")" ]
	# root delegates name=ctk-test:/deleg to nobody and owns name=ctk-test2:/deleg/victim
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	cmkdir -p name=ctk-test2:/deleg/victim
	echo 1 > "$V1B/deleg/victim/notify_on_release"
	# nobody makes its own deleg/victim, marks it, runs a task in it, exits
	as_nobody mkdir "$V1/deleg/victim"
	as_nobody sh -c "echo 1 > '$V1/deleg/victim/notify_on_release'"
	as_nobody sh -c "echo \$\$ > '$V1/deleg/victim/tasks'; true"
	wait_gone "$V1/deleg/victim"	# the kernel called the agent for it
	# that was the one call (nothing else here is marked and emptied),
	# and a call removes one container: what it left is final
	[ -d "$V1B/deleg/victim" ]
	# the listing shows each hierarchy's own agent path, and no warning
	run --separate-stderr cmount -o NAME,AGENT
	assert_success
	assert_line --regexp "ctk-test +$CTK_AGENT_DIR/crelease@name=ctk-test\$"
	assert_line --regexp "ctk-test2 +$CTK_AGENT_DIR/crelease@name=ctk-test2\$"
	[ -z "$stderr" ]
}

@test "attack 1c: an agent link that names another hierarchy removes nothing" {
	mkdir -p "$T/links"
	ln -s "$W" "$T/links/crelease@name=ctk-test2"
	echo "$T/links/crelease@name=ctk-test2" > "$V1/release_agent"
	cmkdir -N name=ctk-test:/x
	cattach name=ctk-test:/x -- true
	wait_log 'names another hierarchy'
	[ -d "$V1/x" ]
	# the link of its own name works
	ln -s "$W" "$T/links/crelease@name=ctk-test"
	echo "$T/links/crelease@name=ctk-test" > "$V1/release_agent"
	cattach name=ctk-test:/x -- true
	wait_gone "$V1/x"
	grep -q 'name=ctk-test:/x: removed' "$LOG"
}

@test "attack 1d: cmount refuses an agent-link directory that others can write" {
	mkdir -m 1777 "$T/open"
	CTK_AGENT_DIR=$T/open run --separate-stderr cmount --set-release-agent "$CTK_BUILDDIR/crelease" "$V1"
	assert_failure 1
	[[ "$stderr" == *"writable by others: no agent link there"* ]]
	[ -z "$(ls -A "$T/open")" ]
	[ -z "$(cat "$V1/release_agent")" ]
}

# ---- 2: a v2 mark counts only where its marker could remove ----------------

@test "attack 2: a delegate's user mark on its delegation root does not get it removed" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cmkdir -u nobody -t nobody ":$rel/deleg"
	crelease --watch --log "$T/watch.log" ":$rel" &
	WATCHER=$!
	ctk_wait_until grep -q ":$rel: watching" "$T/watch.log"
	# nobody marks deleg (whose parent is root's) and deleg/c (its own)
	as_nobody setfattr -n user.ctk.notify_on_release -v 1 "$V2/deleg"
	as_nobody mkdir "$V2/deleg/c" "$V2/deleg/c2"
	as_nobody setfattr -n user.ctk.notify_on_release -v 1 "$V2/deleg/c2"
	# a task runs in c2 and exits: nobody could rmdir c2, so it goes
	cattach ":$rel/deleg/c2" -- true
	wait_gone "$V2/deleg/c2"
	# nobody removes c: deleg is emptied and childless, but stays
	as_nobody rmdir "$V2/deleg/c"
	ctk_watch_barrier ":$rel/barrier" "$V2/barrier"
	[ -d "$V2/deleg" ]
	run ! grep -q "$rel/deleg: removed" "$T/watch.log"
	# a sweep and --once follow the same rule
	run crelease --sweep ":$rel"
	assert_success
	[ -d "$V2/deleg" ]
	# root's own (trusted) mark counts
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/deleg"
	run crelease --watch --once ":$rel"
	assert_success
	[ ! -e "$V2/deleg" ]
}

@test "attack 2b: on v1 too, a delegate's notify_on_release on its delegation root does not get it removed" {
	echo "$W" > "$V1/release_agent"
	# delegated the cgroup-tools way (cgcreate -a): every file of deleg is
	# nobody's (cmkdir -u keeps notify_on_release root's: r3.d)
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	chown nobody "$V1/deleg"/*
	as_nobody sh -c "echo 1 > '$V1/deleg/notify_on_release'"
	as_nobody mkdir "$V1/deleg/c"	# c copies notify 1 at mkdir
	as_nobody sh -c "echo \$\$ > '$V1/deleg/c/tasks'; true"
	wait_gone "$V1/deleg/c"		# nobody could rmdir c: it goes
	wait_log 'name=ctk-test:/deleg: '	# the kernel called for deleg too
	[ -d "$V1/deleg" ]
	grep -q 'name=ctk-test:/deleg: kept: notify on release not set' "$LOG"
	# the tree shows the flag that counts
	run cmount -T -r -n -o PATH,NOTIFY name=ctk-test:/deleg
	assert_output '/deleg 0'
	# root's own flag counts
	chown root "$V1/deleg/notify_on_release"
	chmod 644 "$V1/deleg/notify_on_release"
	run crelease --sweep name=ctk-test:/
	assert_success
	[ ! -e "$V1/deleg" ]
}

# ---- 3: no walk crosses a mount ------------------------------------------

@test "attack 3: cmkdir -p, the tree and the sweep stay off a tmpfs or bind mount over a container" {
	mkdir "$V1/over" "$V1/src" "$V1/dst"
	mount -t tmpfs ctk-hostile "$V1/over"
	MOUNTS+=("$V1/over")
	mkdir "$V1/over/fake"
	mount --bind "$V1/src" "$V1/dst"
	MOUNTS+=("$V1/dst")
	run --separate-stderr cmkdir -p -m 0700 name=ctk-test:/over/x
	assert_failure 1
	[[ "$stderr" == *"over: a mount covers this container"* ]]
	[ ! -e "$V1/over/x" ]
	[ "$(stat -c %a "$V1/over")" != 700 ]
	run --separate-stderr cmkdir -p name=ctk-test:/dst/x
	assert_failure 1
	[ ! -e "$V1/src/x" ]
	# a call of several undoes what it made before the refusal
	run cmkdir -p name=ctk-test:/new/a name=ctk-test:/over/y
	assert_failure 1
	[ ! -e "$V1/new" ]
	# the tree lists no tmpfs directory, and counts the covered ones
	run cmount -T -r -n -o PATH,NCHILDREN name=ctk-test:/
	assert_success
	refute_output --partial fake
	assert_line --regexp '^/ +3$'
	# the sweep offers nothing under or at a mount
	run crelease --sweep --all --dry-run name=ctk-test:/
	assert_success
	refute_output --partial over
	refute_output --partial dst
	assert_output 'name=ctk-test:/src: would remove'
	# the agent refuses a covered container (the mount crossing)
	echo "$W" > "$V1/release_agent"
	run crelease --agent "$W" --log "$LOG" /dst
	assert_failure 1
	grep -q 'name=ctk-test:/dst: refused: path crosses a mount' "$LOG"
	[ -d "$V1/src" ]
	[ -d "$V1/dst" ]
}

# ---- 4: unmount what was checked -----------------------------------------

@test "attack 4: cmount -u through a symlink never unmounts an unrelated mount" {
	mkdir -p "$T/x/h" "$T/y/h" "$T/y/sub"
	mount -t cgroup -o none,name=ctk-test cgroup "$T/x/h"
	MOUNTS+=("$T/x/h")
	mount -t tmpfs ctk-hostile "$T/y/h"
	MOUNTS+=("$T/y/h")
	ln -s "$T/y/sub" "$T/x/link"
	# lexically $T/x/h (a cgroup mount); resolved, $T/y/h (a tmpfs)
	run --separate-stderr cmount -u "$T/x/link/../h"
	assert_failure 1
	[[ "$stderr" == *"a symlink on the way: refused"* ]]
	mountpoint -q "$T/y/h"
	mountpoint -q "$T/x/h"
	run cmount -u "$T/y/h"
	assert_failure 1
	mountpoint -q "$T/y/h"
	run cmount -u "$T/x/h"
	assert_success
	run ! mountpoint -q "$T/x/h"
	mountpoint -q "$T/y/h"
}

# ---- 5: the log file ------------------------------------------------------

@test "attack 5: --log never follows a symlink, never writes a FIFO, device or hard link" {
	echo precious > "$T/victim"
	ln -s "$T/victim" "$T/log"
	run --separate-stderr crelease --sweep --log "$T/log" name=ctk-test:/
	assert_failure 1
	[ "$stderr" = "crelease: --log $T/log: is a symbolic link" ]
	[ "$(cat "$T/victim")" = precious ]
	mkfifo "$T/fifo"
	run --separate-stderr timeout 10 crelease --sweep --log "$T/fifo" name=ctk-test:/
	assert_failure 1
	[[ "$stderr" == *"not a regular file with one name, of root's" ]]
	ln "$T/victim" "$T/hard"
	run crelease --sweep --log "$T/hard" name=ctk-test:/
	assert_failure 1
	run crelease --sweep --log /dev/null name=ctk-test:/
	assert_failure 1
	# the agent: nothing through the link either (it says so to syslog)
	cmkdir -N name=ctk-test:/x
	echo "$W" > "$V1/release_agent"
	run env -i "$CTK_BUILDDIR/crelease" --agent "$W" --log "$T/log" /x
	assert_success
	[ ! -e "$V1/x" ]
	[ "$(cat "$T/victim")" = precious ]
}

# ---- 6: a config that does not fit the scan -------------------------------

@test "attack 6: cmkdir --config refuses a word or a line it cannot see whole" {
	# every escape below would land in $T/escape (or $T/root, the
	# template's %u): '..' from the mount point leads exactly to $T
	rel=$(realpath --relative-to="$V1" "$T")
	[[ "$rel" == ../* ]]
	long=$(head -c 1040 /dev/zero | tr '\0' a)
	printf 'group a/%s/../../%s/escape {\n\t"name=ctk-test" {\n\t}\n}\n' "$long" "$rel" > "$T/long.conf"
	run --separate-stderr cmkdir --config "$T/long.conf"
	assert_failure 1
	[[ "$stderr" == *"line 1: a word longer than 1023 bytes: refused" ]]
	printf 'group x {\n}\n#%s\n' "$(head -c 5000 /dev/zero | tr '\0' b)" > "$T/line.conf"
	run --separate-stderr cmkdir --config "$T/line.conf"
	assert_failure 1
	[[ "$stderr" == *"line 3: longer than 4096 bytes: refused" ]]
	printf 'group "a\n/../%s/escape" {\n}\n' "$rel" > "$T/quote.conf"
	run --separate-stderr cmkdir --config "$T/quote.conf"
	assert_failure 1
	[[ "$stderr" == *"line 1: a quote not closed on its line" ]]
	# a template is never made by --config: skipped, and said
	printf 'template %s/%%u {\n\t"name=ctk-test" {\n\t}\n}\n' "$rel" > "$T/tmpl.conf"
	run --separate-stderr cmkdir --config "$T/tmpl.conf"
	assert_success
	[[ "$stderr" == "cmkdir: $T/tmpl.conf: line 1: template section '$rel/%u' skipped: "* ]]
	[ ! -e "$T/escape" ]
	[ ! -e "$T/root" ]
	[ -z "$(find "$V1" -mindepth 1 -type d)" ]
}

# ---- 7: errors reach the exit code ---------------------------------------

@test "attack 7: a lost write or a failed removal is never exit 0" {
	run --separate-stderr sh -c 'cmount > /dev/full'
	assert_failure 1
	[[ "$stderr" == "cmount: write error: No space left on device" ]]
	run sh -c 'cmount -T name=ctk-test:/ > /dev/full'
	assert_failure 1
	run sh -c 'cckpt --help > /dev/full'
	assert_failure 1
	# --watch --once: a marked container that cannot be removed is exit 4
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/m"
	setfattr -n user.ctk.notify_on_release -v 1 "$V2/m"	# root's own
	run --separate-stderr as_nobody "$CTK_BUILDDIR/crelease" --watch --once -v ":$rel"
	assert_failure 4
	[ -d "$V2/m" ]
}

# ---- 9: one call, one transaction ------------------------------------------

@test "attack 9: cmkdir of several, v1 and v2, leaves nothing when one fails" {
	mkdir "$V1/exists"
	run cmkdir name=ctk-test:/a name=ctk-test:/b name=ctk-test:/exists
	assert_failure 1
	[ ! -e "$V1/a" ]
	[ ! -e "$V1/b" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/exists"
	run cmkdir -p ":$rel/p/q" name=ctk-test:/c
	assert_success
	run cmkdir ":$rel/n1" name=ctk-test:/n2 ":$rel/exists"
	assert_failure 1
	[ ! -e "$V2/n1" ]
	[ ! -e "$V1/n2" ]
}

# ---- 10: a restarted watcher catches up ----------------------------------

@test "attack 10: a watcher killed in a storm and started again leaves nothing behind" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	n=$(ctk_scale 300)	# 30 in a guest
	for i in $(seq $n); do specs+=(":$rel/c$i"); done
	cmkdir -N "${specs[@]}" ":$rel/fresh"
	pids=()
	for i in $(seq $n); do
		cattach ":$rel/c$i" -- sleep 1000 >/dev/null 2>&1 3>&- &
		pids+=($!)
	done
	CTK_PIDS="${pids[*]}"
	for i in $(seq $n); do
		ctk_wait_until grep -q . "$V2/c$i/cgroup.procs"
	done
	crelease --watch --log "$T/storm.log" ":$rel" &
	WATCHER=$!
	ctk_wait_until grep -q ":$rel: watching$" "$T/storm.log"
	# kill the tasks, and the watcher while it works (at no moment in
	# particular: wherever its work is then)
	kill -9 "${pids[@]:0:n/2}"
	sleep 0.02
	kill -9 "$WATCHER"
	wait "$WATCHER" 2>/dev/null || true
	kill -9 "${pids[@]:n/2}"
	wait "${pids[@]}" 2>/dev/null || true
	# emptied while nobody watched: the next watcher releases them
	crelease --watch ":$rel" &
	WATCHER=$!
	dirs=()
	for i in $(seq $n); do dirs+=("$V2/c$i"); done
	wait_gone "${dirs[@]}"
	# a fresh one was never used: it stays
	ctk_watch_barrier ":$rel/barrier" "$V2/barrier"
	[ -d "$V2/fresh" ]
}

# ---- the earlier hostile inputs --------------------------------------------

@test "hostile inputs: '..', newlines, 5000 bytes, symlinks in /tmp, files, closed fds, env -i" {
	long=$(head -c 5000 /dev/zero | tr '\0' a)
	ctk_spawn_sleeper
	for s in "name=ctk-test:/../x" "name=ctk-test:/$(printf 'a\nb')" "name=ctk-test:/$long" "/etc/passwd/x"; do
		run cmkdir -p "$s"
		assert_failure
		run cattach "$s" "$SLEEPER"
		assert_failure
		run crelease --remove "$s"
		assert_failure
	done
	ln -s "$V1" "$T/link"
	run cmkdir "$T/link/evil"
	assert_failure 1
	[ ! -e "$V1/evil" ]
	[ -z "$(find "$V1" -mindepth 1 -type d)" ]
	# the agent with fds 0-2 closed and no environment still works
	cmkdir -N name=ctk-test:/x name=ctk-test:/y
	echo "$W" > "$V1/release_agent"
	env -i "$CTK_BUILDDIR/crelease" --agent "$W" --log "$LOG" /x <&- >&- 2>&-
	[ ! -e "$V1/x" ]
	for p in /../y //y /y/. $'/y\n' $'/y\nz'; do
		run env -i "$CTK_BUILDDIR/crelease" --agent "$W" --log "$LOG" "$p"
		assert_failure 1
	done
	[ -d "$V1/y" ]
}

@test "attack 10b: a v2 parent emptied of children while no watcher ran is released when one starts (cmkdir remembers)" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cmkdir -N ":$rel/p"
	cmkdir ":$rel/p/c"	# as root: p has had a child
	[ "$(getfattr --only-values -n trusted.ctk.releasable "$V2/p" 2>/dev/null)" = 1 ]
	rmdir "$V2/p/c"
	cmkdir -N ":$rel/q"	# marked, never used: stays
	crelease --watch ":$rel" &
	WATCHER=$!
	wait_gone "$V2/p"
	ctk_watch_barrier ":$rel/barrier" "$V2/barrier"
	[ -d "$V2/q" ]
}

# ---- 11: a forged process event ------------------------------------------

@test "attack 11: a forged process event (this process is a sticky one's child) does not make the daemon leave it alone" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	mkdir "$V1/manual" "$V1/caught"
	cp /bin/sleep "$T/ctkslp$$"
	chmod 755 "$T/ctkslp$$"
	printf 'nobody:ctkslp%s name=ctk-test /caught\n' "$$" > "$T/rules"
	cattach --rules="$T/rules" --watch -v > "$T/watch.log" 2>&1 3>&- &
	WATCHER=$!
	ctk_wait_until grep -q "classifying by 1 rule" "$T/watch.log"
	cattach --sticky name=ctk-test:/manual -- sleep 1000 3>&- &
	sticky=$!
	CTK_PIDS="$CTK_PIDS $sticky"
	ctk_wait_until in_manual "$sticky"

	# a user cannot send on the connector at all
	run setpriv --reuid 65534 --regid 65534 --clear-groups /usr/bin/python3 -c '
import socket; s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)
s.bind((0, 0)); s.sendto(b"\0" * 16, ('"$WATCHER"', 0))'
	assert_failure
	assert_output --partial "Operation not permitted"
	# a process that can (CAP_NET_ADMIN), and then becomes nobody: its
	# event is not the kernel's, and /proc says who its parent is
	"$CTK_SRCDIR/tests/helpers/forge-procev" "$WATCHER" "$sticky" "$T/ctkslp$$" 65534 > "$T/forge.log" 2>&1 3>&- &
	attacker=$!
	CTK_PIDS="$CTK_PIDS $attacker"
	ctk_wait_until grep -q "forged event sent" "$T/forge.log"
	ctk_wait_until in_caught "$attacker"
}

# ==== round 3: what a delegate names, makes or races ======================

# ---- r3.1: completion never runs a name ------------------------------------

@test "r3.1: TAB in a real bash never runs a container's name; each name completes as one quoted word" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	local names=('$(touch${IFS}pwned)' '`touch${IFS}pwned2`' 'we ird' \
		"q'\"\\*?[x" 'a:b=c' '$HOME' '~root' '-x;ls|&<>' 'tab	x')
	local i=0 n
	for n in "${names[@]}"; do
		i=$((i + 1))
		mkdir -p "$V1/p$i/$n"
		run ctk_type "cmkdir name=ctk-test:/p$i/	"
		assert_success
		assert_line "<name=ctk-test:/p$i/$n/>"
	done
	# every tool, at every place a spec goes
	mkdir "$V1/e" "$V1/e/"'$(touch${IFS}pwned3)'
	for line in 'cmkdir --copy-from name=ctk-test:/e/	' \
		'cmount -T name=ctk-test:/e/	' 'cattach name=ctk-test:/e/	' \
		'cattach -g name=ctk-test:/e/	' 'crelease --sweep name=ctk-test:/e/	' \
		'cckpt dump name=ctk-test:/e/	' 'cckpt restore --into name=ctk-test:/e/	'; do
		run ctk_type "$line"
		assert_success
		assert_line '<name=ctk-test:/e/$(touch${IFS}pwned3)/>'
	done
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/cwd")" ]
}

# ---- r3.2: a snapshot is read back as it was written ------------------------

@test "r3.2: a name with a quote cannot inject a section into a snapshot: refused, exit 1, nothing written" {
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	mkdir "$V1/mine"
	evil='x" { } } group . { perm { task { uid = nobody; gid = nogroup; } admin { uid = nobody; gid = nogroup; } } "name=ctk-test" { } } group "y'
	as_nobody mkdir "$V1/deleg/$evil"
	run --separate-stderr cmount -T --cgconfig name=ctk-test:/
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == *"a name no cgconfig file can hold"*"nothing written" ]]
	# a control character (the terminal's escape) is refused the same way,
	# and said escaped
	as_nobody rmdir "$V1/deleg/$evil"
	as_nobody mkdir "$V1/deleg/a"$'\e'"[31mb"
	run --separate-stderr cmount -T --cgconfig name=ctk-test:/deleg name=ctk-test:/mine
	assert_failure 1
	[ -z "$output" ]
	[[ "$stderr" == *'/deleg/a\x1b[31mb: a name no cgconfig file can hold'* ]]
	[ "$(stat -c %U "$V1/mine")" = root ]
}

@test "r3.2b: random names, every byte cgroupfs allows, round-trip through a snapshot or are refused whole" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	seed=${CTK_SEED:-$RANDOM}
	echo "seed $seed (CTK_SEED=$seed to repeat)" >&3
	mkdir "$V1/prop"
	# 40 names that a cgconfig file can hold (no quote, no control byte)
	/usr/bin/python3 - "$V1/prop" "$seed" good <<'PY'
import os, random, sys
d, seed, kind = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3]
r = random.Random(seed)
allowed = [b for b in range(0x20, 0x100) if b not in (0x22, 0x2f, 0x7f)]
made = 0
while made < 40:
    n = bytes(r.choice(allowed) for _ in range(r.randint(1, 40)))
    if n in (b".", b"..") or os.path.exists(os.path.join(d, n)):
        continue
    os.mkdir(os.path.join(d, n))
    made += 1
PY
	before=$(cd "$V1/prop" && find . -mindepth 1 -type d | LC_ALL=C sort | od -An -c)
	cmount -T --cgconfig name=ctk-test:/prop > "$BATS_TEST_TMPDIR/snap.conf"
	find "$V1/prop" -mindepth 1 -depth -type d -exec rmdir {} +
	rmdir "$V1/prop"
	run cmkdir --config "$BATS_TEST_TMPDIR/snap.conf"
	assert_success
	[ "$(cd "$V1/prop" && find . -mindepth 1 -type d | LC_ALL=C sort | od -An -c)" = "$before" ]
	# each byte the file cannot hold, alone in a name among good ones
	for b in 01 09 0d 1b 22 7f; do
		n="k$(printf "\\x$b")k"
		mkdir "$V1/prop/$n"
		run --separate-stderr cmount -T --cgconfig name=ctk-test:/prop
		assert_failure 1
		[ -z "$output" ]
		rmdir "$V1/prop/$n"
	done
}

# ---- r3.3: --copy-from carries settings, never state -----------------------

@test "r3.3: --copy-from a delegate's container neither freezes root's job nor marks root's container for release" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cmkdir -u nobody -t nobody ":$rel/deleg"
	as_nobody mkdir "$V2/deleg/hers"
	as_nobody sh -c "echo 1 > '$V2/deleg/hers/cgroup.freeze'; chmod 0666 '$V2/deleg/hers'/cgroup.*"
	mkdir "$V2/job"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V2/job/cgroup.procs"
	run cmkdir -p --copy-from ":$rel/deleg/hers" ":$rel/job"
	assert_success
	grep -qx 'frozen 0' "$V2/job/cgroup.events"
	[ "$(cat "$V2/job/cgroup.freeze")" = 0 ]
	# a command started in it runs (it hung, frozen)
	run timeout 10 cattach ":$rel/job" -- true
	assert_success
	# v1: her notify_on_release does not mark root's container
	cmkdir -u nobody -t nobody name=ctk-test:/d1
	as_nobody mkdir "$V1/d1/hers"
	as_nobody sh -c "echo 1 > '$V1/d1/hers/notify_on_release'"
	mkdir "$V1/rootjob"
	run cmkdir -p --copy-from name=ctk-test:/d1/hers name=ctk-test:/rootjob
	assert_success
	[ "$(cat "$V1/rootjob/notify_on_release")" = 0 ]
}

# ---- r3.d: delegation hands over what the kernel's model says --------------

@test "r3.d: -u/-t delegate the directory, cgroup.procs, cgroup.threads, cgroup.subtree_control (v1: tasks, cgroup.procs), nothing else" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/sibling"
	cmkdir -u nobody -t nobody ":$rel/deleg"
	for f in cgroup.procs cgroup.threads cgroup.subtree_control; do
		[ "$(stat -c %U "$V2/deleg/$f")" = nobody ]
	done
	[ "$(stat -c %U "$V2/deleg")" = nobody ]
	# the delegation root's other files are the parent's say
	for f in cgroup.type cgroup.freeze cgroup.kill cgroup.max.descendants cgroup.max.depth; do
		[ "$(stat -c %U "$V2/deleg/$f")" = root ]
	done
	run ! as_nobody sh -c "echo threaded > '$V2/deleg/cgroup.type'"
	run ! as_nobody sh -c "echo 1000 > '$V2/deleg/cgroup.max.descendants'"
	run ! as_nobody sh -c "echo 1 > '$V2/deleg/cgroup.freeze'"
	[ "$(cat "$V2/sibling/cgroup.type")" = domain ]
	[ "$(cat "$V2/deleg/cgroup.max.descendants")" = max ]
	# everything below is hers: make, limit, move, remove
	as_nobody mkdir "$V2/deleg/c"
	as_nobody sh -c "echo 2 > '$V2/deleg/c/cgroup.max.descendants'"
	as_nobody sh -c "echo > '$V2/deleg/cgroup.subtree_control'"
	cattach ":$rel/deleg" -- setpriv --reuid nobody --regid nogroup --clear-groups sleep 1000 >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until grep -q . "$V2/deleg/cgroup.procs"
	p=$(head -n1 "$V2/deleg/cgroup.procs")
	as_nobody sh -c "echo $p > '$V2/deleg/c/cgroup.procs'"
	grep -qx "$p" "$V2/deleg/c/cgroup.procs"
	# v1: the directory, tasks and cgroup.procs
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	for f in tasks cgroup.procs; do [ "$(stat -c %U "$V1/deleg/$f")" = nobody ]; done
	for f in notify_on_release cgroup.clone_children; do
		[ "$(stat -c %U "$V1/deleg/$f")" = root ]
	done
	run ! as_nobody sh -c "echo 1 > '$V1/deleg/notify_on_release'"
	as_nobody mkdir "$V1/deleg/c"
	as_nobody sh -c "echo 1 > '$V1/deleg/c/notify_on_release'"
}

# ---- r3.4: a failed call leaves nothing, not even to a racing delegate -----

@test "r3.4a: a failed cmkdir -u never leaves the new owner a container (she races a mkdir into it)" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	# nobody tries, all along, to make a child in what root is making
	setpriv --reuid nobody --regid nogroup --clear-groups \
		sh -c "while :; do mkdir '$V1/a/x' '$V2/a/x' 2>/dev/null; done" 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"	# setpriv execs sh: this pid is the loop
	for i in $(seq 60); do
		# the second container cannot be made: the call is undone
		run cmkdir -u nobody -t nobody name=ctk-test:/a name=ctk-test:/no/such
		assert_failure 1
		[ ! -e "$V1/a" ]
		# a value the kernel refuses, after the container was made
		run cmkdir -u nobody -s cgroup.max.depth=bogus ":$rel/a"
		assert_failure 1
		[ ! -e "$V2/a" ]
	done
	# and a call that succeeds hands it over whole
	run cmkdir -u nobody -t nobody name=ctk-test:/ok
	assert_success
	[ "$(stat -c %U "$V1/ok" "$V1/ok/tasks" | sort -u)" = nobody ]
}

@test "r3.4b: a value that cannot be undone (cgroup.type) is written after every other: a failure leaves the container as it was" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/x"
	run --separate-stderr cmkdir -p -s cgroup.type=threaded -s cgroup.max.depth=bogus ":$rel/x"
	assert_failure 1
	[[ "$stderr" == *"cgroup.max.depth: invalid value"* ]]
	[ "$(cat "$V2/x/cgroup.type")" = domain ]
	# the same for a new container: nothing made
	run cmkdir -s cgroup.type=threaded -s cgroup.max.depth=bogus ":$rel/y"
	assert_failure 1
	[ ! -e "$V2/y" ]
	# both good: both written
	run cmkdir -p -s cgroup.type=threaded -s cgroup.max.depth=3 ":$rel/x"
	assert_success
	[ "$(cat "$V2/x/cgroup.type")" = threaded ]
	[ "$(cat "$V2/x/cgroup.max.depth")" = 3 ]
}

# ---- r3.13: what could not be printed is not exit 0 -------------------------

closed_stdout() { "$@" >&-; }	# CMD... with its stdout closed

@test "r3.13: crelease --sweep, --remove, --remove -r, --mark with stdout closed exit 1 and say so" {
	cmkdir -N name=ctk-test:/s1 name=ctk-test:/s1/a name=ctk-test:/r1 name=ctk-test:/r2 name=ctk-test:/r2/b name=ctk-test:/m1
	for args in "--sweep name=ctk-test:/s1" "-v --remove name=ctk-test:/r1" \
		"-v --remove -r name=ctk-test:/r2" "-v --mark name=ctk-test:/m1"; do
		run --separate-stderr closed_stdout crelease $args
		assert_failure 1
		[ "$stderr" = "crelease: write error: standard output is closed" ]
	done
	# a command that prints nothing has lost nothing
	run closed_stdout crelease --remove name=ctk-test:/m1
	assert_success
	# a closed stdout is never the number of a file opened next
	run --separate-stderr closed_stdout cmount -T -o PATH name=ctk-test:/
	assert_failure 1
}

# ---- r3.10: unmount exactly the path given, no symlink on the way ----------

@test "r3.10: cmount -u through a directory she replaced with a symlink unmounts nothing" {
	mkdir -p "$T/her/d/h" "$T/root/h"
	chown -R nobody "$T/her"
	mount -t cgroup -o none,name=ctk-test cgroup "$T/her/d/h"
	MOUNTS+=("$T/her/d/h")
	mount -t cgroup -o none,name=ctk-test2 cgroup "$T/root/h"
	MOUNTS+=("$T/root/h")
	# before root types the command, she moves d away (a mount point's
	# parent can be renamed) and puts a symlink to root's directory there
	as_nobody mv "$T/her/d" "$T/her/d.old"
	as_nobody ln -s "$T/root" "$T/her/d"
	run --separate-stderr cmount -u "$T/her/d/h"
	assert_failure 1
	[ "$stderr" = "cmount: $T/her/d/h: a symlink on the way: refused (give the path without symlinks)" ]
	mountpoint -q "$T/root/h"
	mountpoint -q "$T/her/d.old/h"
	# a symlink as the last component is no mount point either
	as_nobody ln -s "$T/root/h" "$T/her/l"
	run --separate-stderr cmount -u "$T/her/l"
	assert_failure 1
	mountpoint -q "$T/root/h"
	run cmount -u "$T/her/d.old/h" "$T/root/h/"
	assert_success
}

# ---- r3.11: a file root writes lies in a directory only root can change ----

@test "r3.11: --log and cckpt dump -o refuse a path through a directory or a symlink another user controls; /var/run still works" {
	echo precious > "$T/victim"
	mkdir "$T/root-dir"
	# her own directory on the way: she could swap what is in it
	mkdir "$T/her"
	chown nobody "$T/her"
	run --separate-stderr crelease --sweep --log "$T/her/x.log" name=ctk-test:/
	assert_failure 1
	[[ "$stderr" == "crelease: --log $T/her/x.log: her: a directory that another user can change"*"refused" ]]
	# her symlink in a sticky directory, to a directory of root's
	mkdir -m 1777 "$T/sticky"
	as_nobody ln -s "$T/root-dir" "$T/sticky/d"
	run --separate-stderr crelease --sweep --log "$T/sticky/d/victim" name=ctk-test:/
	assert_failure 1
	[[ "$stderr" == *"d: a symbolic link another user owns: not followed" ]]
	run --separate-stderr cattach --rules=/dev/null --watch --log "$T/sticky/d/x.log"
	assert_failure 1
	[[ "$stderr" == *"a symbolic link another user owns: not followed" ]]
	[ -z "$(ls -A "$T/root-dir")" ]
	# her file in a sticky directory is hers, not root's log
	as_nobody touch "$T/sticky/hers.log"
	run --separate-stderr crelease --sweep --log "$T/sticky/hers.log" name=ctk-test:/
	assert_failure 1
	# an image: the same walk
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/c"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V2/c/cgroup.procs"
	run --separate-stderr cckpt dump --subtree -o "$T/her/a.img" ":$rel/c"
	assert_failure
	[[ "$stderr" == *"a directory that another user can change"* ]]
	[ -z "$(ls -A "$T/her")" ]
	# root's own paths work, a root-owned symlink on the way (/var/run) too
	run crelease --sweep --log "$T/sticky/root.log" name=ctk-test:/
	assert_success
	if [ -L /var/run ] && [ "$(stat -c %u /var/run)" = 0 ]; then
		run crelease --sweep --log "/var/run/ctk-test-$$.log" name=ctk-test:/
		rm -f "/run/ctk-test-$$.log"
		assert_success
	fi
	[ "$(cat "$T/victim")" = precious ]
}

# ---- r3.14: every name printed is escaped ----------------------------------

@test "r3.14: names with terminal escapes are printed escaped, on stdout and stderr" {
	esc=$'\e[31m'
	# cmkdir refuses such a name; a delegate's mkdir does not
	mkdir "$V1/a${esc}x"
	echo 1 > "$V1/a${esc}x/notify_on_release"
	run crelease -n --sweep name=ctk-test:/
	assert_success
	assert_output 'name=ctk-test:/a\x1b[31mx: would remove'
	run crelease -v --sweep name=ctk-test:/
	assert_output 'name=ctk-test:/a\x1b[31mx: removed'
	mkdir -p "$V1/b/k${esc}y"
	run crelease -n --remove -r name=ctk-test:/b
	assert_line 'would remove name=ctk-test:/b/k\x1b[31my'
	# a file name in a --config directory
	mkdir "$T/cd"
	printf 'bogus\n' > "$T/cd/x${esc}.conf"
	run --separate-stderr cmkdir --config "$T/cd"
	assert_failure 1
	[[ "$stderr" != *$'\e'* ]]
	[[ "$stderr" == *'x\x1b[31m.conf: line 1'* ]]
	# a message: no raw escape reaches the terminal
	run --separate-stderr crelease --log "$T/l${esc}og/x" --sweep name=ctk-test:/
	assert_failure 1
	[[ "$stderr" != *$'\e'* ]]
	[[ "$stderr" == *'l\x1b[31mog'* ]]
}

# ---- r3.15, r3.16: say what was not done -------------------------------------

@test "r3.15: crelease --mark on a flag a delegate may write says it does not count, exit 1" {
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	chown nobody "$V1/deleg/notify_on_release"	# as cgcreate -a hands it over
	run --separate-stderr crelease --mark name=ctk-test:/deleg
	assert_failure 1
	[[ "$stderr" == *"no release would honour it"* ]]
	# root's own flag: marked, and it counts
	chown root "$V1/deleg/notify_on_release"
	run crelease -v --mark name=ctk-test:/deleg
	assert_success
	assert_output "marked name=ctk-test:/deleg"
	run cmount -T -r -n -o NOTIFY name=ctk-test:/deleg
	assert_output 1
}

@test "r3.16: cattach --rules PID on a zombie says so, exit 1" {
	ctk_spawn_zombie
	printf '* name=ctk-test /z\n' > "$T/rules"
	mkdir "$V1/z"
	run --separate-stderr cattach --rules="$T/rules" "$ZOMBIE"
	assert_failure 1
	[ "$stderr" = "cattach: $ZOMBIE: a zombie (it has exited): nothing to move" ]
}

# ---- r3.17: a config directory is root's; an error quotes a token, no line --

@test "r3.17: cmkdir --config DIR refuses her entries and symlinks, and never quotes a line of a file; cckpt diff's write error is 2" {
	mkdir "$T/conf.d"
	printf 'group ok { "name=ctk-test" { } }\n' > "$T/conf.d/a.conf"
	as_nobody ln -s /etc/shadow "$T/conf.d/b.conf" 2>/dev/null ||
		{ ln -s /etc/shadow "$T/conf.d/b.conf"; chown -h nobody "$T/conf.d/b.conf"; }
	run --separate-stderr cmkdir --config "$T/conf.d"
	assert_failure 1
	[[ "$stderr" == *"b.conf: a file another user owns: refused" ]]
	[ ! -e "$V1/ok" ]
	# root's own symlink to a file that is no cgconfig file: the error
	# names no more than a word of it
	rm "$T/conf.d/b.conf"
	printf 'root:$y$j9T$secrethash:19000:0:99999:7:::\n' > "$T/secret"
	ln -s "$T/secret" "$T/conf.d/b.conf"
	run --separate-stderr cmkdir --config "$T/conf.d"
	assert_failure 1
	[[ "$stderr" == *"b.conf: line 1: a word: group, default, mount, namespace, template or systemd expected" ]]
	[[ "$stderr" != *secrethash* ]]
	[ ! -e "$V1/ok" ]
	# cckpt diff: a lost write is trouble, 2, as diff(1) says
	run closed_stdout cckpt diff "$FIXTURES/ckpt/valid-container.img" "$FIXTURES/ckpt/valid-subtree.img"
	[ "$status" = 2 ]
}

# ---- r3.12: cckpt show is linear in the image ------------------------------

@test "r3.12: cckpt show of a deep chain prints lines of bounded length (output linear in the image)" {
	printf '#!/bin/sh\nif [ "$1" -gt 0 ]; then "$0" $(($1 - 1)) & wait; else exec sleep 1000; fi\n' > "$T/chain"
	chmod 755 "$T/chain"
	"$T/chain" 80 >/dev/null 2>&1 3>&- &
	top=$!
	CTK_PIDS="${CTK_PIDS:-} $top"
	# until the chain's last link sleeps: 81 processes below and with top
	ctk_wait_until chain_done "$top" 81
	CTK_PIDS="$CTK_PIDS $CHAIN"	# every link, for the teardown
	cckpt dump --subtree -o "$T/chain.img" -p "$top"
	run cckpt show "$T/chain.img"
	assert_success
	longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' <<< "$output")
	[ "$longest" -le 200 ]
	assert_line --partial '[80] `- '
	[ "${#output}" -le $(( $(stat -c %s "$T/chain.img") * 10 + 4096 )) ]
}
# chain_done TOP N: N processes in TOP's chain, the deepest asleep in sleep
# (their pids in CHAIN)
chain_done() {
	local n=1 p=$1 next
	CHAIN=$1
	while next=$(pgrep -P "$p" | head -n1) && [ -n "$next" ]; do
		p=$next
		CHAIN="$CHAIN $p"
		n=$((n + 1))
	done
	[ "$n" -ge "$2" ] && [ "$(cat "/proc/$p/comm")" = sleep ]
}

# ---- r3.5, r3.6: a rule matches what runs, not what a process says ----------

exe_ends_in() { [[ "$(readlink "/proc/$1/exe")" == *"$2" ]]; }

@test "r3.5: a process named like root's unreadable script, with its path as an argument, is not that script; root reads nothing it could not" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	mkdir "$V1/bk"
	printf '#!/usr/bin/python3\nimport time\ntime.sleep(1000)\n' > "$T/backup.py"
	chmod 0700 "$T/backup.py"	# root's, nobody may read it
	printf '*:%s name=ctk-test /bk\n' "$T/backup.py" > "$T/rules"
	# her python, named backup.py, the script's path among its arguments
	setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 -c \
		'open("/proc/self/comm", "w").write("backup.py"); import time; time.sleep(1000)' \
		"$T/backup.py" >/dev/null 2>&1 3>&- &
	p=$!
	CTK_PIDS="${CTK_PIDS:-} $p"
	ctk_wait_until grep -qx backup.py "/proc/$p/comm"
	run cattach --rules="$T/rules" "$p"
	[ "$(ctk_cgroup_of "$p" name=ctk-test)" = / ]
	# root's own run of the script is that script
	"$T/backup.py" >/dev/null 2>&1 3>&- &
	q=$!
	CTK_PIDS="$CTK_PIDS $q"
	ctk_wait_until grep -qx backup.py "/proc/$q/comm"
	run cattach --rules="$T/rules" "$q"
	assert_success
	[ "$(ctk_cgroup_of "$q" name=ctk-test)" = /bk ]
}

@test "r3.6: a copy of sleep bind-mounted over a rule's program in her own namespace does not match the rule" {
	setpriv --reuid nobody --regid nogroup --clear-groups unshare -Urm true 2>/dev/null ||
		skip "no unprivileged user namespaces here"
	mkdir "$V1/getty"
	printf '*:/usr/bin/tail name=ctk-test /getty\n' > "$T/rules"
	cp /bin/sleep "$T/mysleep"
	chmod 755 "$T/mysleep"
	setpriv --reuid nobody --regid nogroup --clear-groups unshare -Urm sh -c \
		"mount --bind '$T/mysleep' /usr/bin/tail && exec /usr/bin/tail 1000" >/dev/null 2>&1 3>&- &
	p=$!
	CTK_PIDS="${CTK_PIDS:-} $p"
	ctk_wait_until exe_ends_in "$p" /usr/bin/tail
	run cattach --rules="$T/rules" "$p"
	[ "$(ctk_cgroup_of "$p" name=ctk-test)" = / ]
	# the real program matches
	tail -f /dev/null >/dev/null 2>&1 3>&- &
	q=$!
	CTK_PIDS="$CTK_PIDS $q"
	ctk_wait_until exe_ends_in "$q" /usr/bin/tail
	run cattach --rules="$T/rules" "$q"
	assert_success
	[ "$(ctk_cgroup_of "$q" name=ctk-test)" = /getty ]
}

# ---- r3.7: --sticky holds whatever is born in the held container -----------

# the job: ten 'cmd & exit' orphans, a double-forked one that execs when
# told, and a CLONE_PARENT child whose parent is the job's own parent
sticky_job() {
	cat > "$T/job" <<-'EOF'
	#!/bin/sh
	d=$1 s=$2 i=0
	while [ $i -lt 10 ]; do
		sh -c '"$1" 1000 & echo $! > "$2"; exit' sh "$s" "$d/bg$i"
		i=$((i + 1))
	done
	( sh -c 'echo $$ > "$1/df"; read x < "$1/go"; exec "$2" 1000' sh "$d" "$s" & )
	exec python3 -c '
	import ctypes, os, platform, sys
	nr = {"x86_64": 56, "aarch64": 220}[platform.machine()]
	libc = ctypes.CDLL(None, use_errno=True)
	pid = libc.syscall(nr, 0x8000 | 17, 0, 0, 0, 0)   # CLONE_PARENT | SIGCHLD
	if pid == 0:
	    os.execv(sys.argv[2], [sys.argv[2], "1000"])
	open(sys.argv[1] + "/cp.tmp", "w").write("%d\n" % pid)
	os.rename(sys.argv[1] + "/cp.tmp", sys.argv[1] + "/cp")
	' "$d" "$s"
	EOF
	chmod 755 "$T/job"
}
runs_prog() { [ "$(readlink "/proc/$1/exe")" = "$T/ctkslp$$" ]; }
start_rules() {
	cattach --rules="$T/rules" --watch -v > "$T/$1.log" 2>&1 3>&- &
	WATCHER=$!
	ctk_wait_until grep -q "classifying by 1 rule" "$T/$1.log"
}
# a process born now is classified after every event before it
daemon_caught_up() {
	"$T/ctkslp$$" 1000 >/dev/null 2>&1 3>&- &
	CTK_PIDS="$CTK_PIDS $!"
	ctk_wait_until in_caught "$!"
}

@test "r3.7: --sticky holds across daemon restarts, CLONE_PARENT, double forks and 'cmd & exit'; she cannot drop the mark" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	case $(uname -m) in x86_64|aarch64) ;; *) skip "clone(2) number unknown here" ;; esac
	mkdir "$V1/manual" "$V1/caught"
	cp /bin/sleep "$T/ctkslp$$"
	chmod 755 "$T/ctkslp$$"
	mkfifo "$T/go"
	printf 'root:ctkslp%s name=ctk-test /caught\n' "$$" > "$T/rules"
	sticky_job
	start_rules w1
	cattach --sticky name=ctk-test:/manual -- "$T/job" "$T" "$T/ctkslp$$" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until test -s "$T/cp"
	ctk_wait_until test -s "$T/df"
	held=$(cat "$T"/bg? "$T/cp")
	for p in $held; do ctk_wait_until runs_prog "$p"; done
	# the shapes are what they claim: orphans, and a child of this shell
	[ "$(ps -o ppid= -p "$(cat "$T/cp")" | tr -d ' ')" = "$BASHPID" ]
	for p in $(cat "$T"/bg?); do
		pp=$(ps -o ppid= -p "$p" | tr -d ' ')
		[ "$(ctk_cgroup_of "$pp" name=ctk-test)" != /manual ]
	done
	daemon_caught_up
	for p in $held; do [ "$(ctk_cgroup_of "$p" name=ctk-test)" = /manual ]; done

	# a new daemon's first look leaves them; an orphan's exec then too
	kill "$WATCHER"
	wait "$WATCHER" || true
	start_rules w2
	daemon_caught_up
	for p in $held; do [ "$(ctk_cgroup_of "$p" name=ctk-test)" = /manual ]; done
	df=$(cat "$T/df")
	echo go > "$T/go"
	ctk_wait_until runs_prog "$df"
	daemon_caught_up
	[ "$(ctk_cgroup_of "$df" name=ctk-test)" = /manual ]

	# the delegate who owns the held container cannot drop the mark,
	# in her own user namespace either
	chown -R nobody "$V1/manual"
	run as_nobody setfattr -x trusted.ctk.sticky "$V1/manual"
	assert_failure
	if as_nobody unshare -Ur true 2>/dev/null; then
		run as_nobody unshare -Ur setfattr -x trusted.ctk.sticky "$V1/manual"
		assert_failure
	fi
	run as_nobody setfattr -n trusted.ctk.sticky -v 1 "$V1/caught"
	assert_failure
	run getfattr --absolute-names -n trusted.ctk.sticky --only-values "$V1/manual"
	assert_output 1
	run getfattr --absolute-names -n trusted.ctk.sticky "$V1/caught"
	assert_failure
}

# ---- r3.8: a walk at any depth with a bounded number of open files ---------

@test "r3.8: a chain of 1,100 containers under ulimit -n 1024: the tree, the sweep and --remove -r still work" {
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	# one mkdir -p of c/c/.../c (2,200 bytes): one exec, not 1,100
	as_nobody mkdir -p "$V1/deleg/$(printf 'c/%.0s' $(seq 1100))"
	cmkdir -N name=ctk-test:/mine
	run bash -c 'ulimit -n 1024 && cmount -T -r -n -o PATH name=ctk-test:/deleg | wc -l'
	assert_success
	assert_output 1101
	# root's releasable container is released beside her chain
	run bash -c 'ulimit -n 1024 && crelease --sweep name=ctk-test:/'
	assert_success
	assert_output "name=ctk-test:/mine: removed"
	[ ! -e "$V1/mine" ]
	run bash -c 'ulimit -n 1024 && crelease --remove -r name=ctk-test:/deleg'
	assert_success
	[ ! -e "$V1/deleg" ]
}

# ---- r3.9: a path longer than PATH_MAX is still a container ----------------

@test "r3.9: 18 nested 255-byte names (a path over PATH_MAX): -n lists them all and --remove -r removes them" {
	cmkdir -u nobody -t nobody name=ctk-test:/deleg
	# (a shell's cd keeps the whole path: python's chdir takes one name)
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	setpriv --reuid nobody --regid nogroup --clear-groups /usr/bin/python3 -c '
import os, sys
os.chdir(sys.argv[1])
for _ in range(18):
    os.mkdir("0" * 255)
    os.chdir("0" * 255)' "$V1/deleg"
	run crelease -n --remove -r name=ctk-test:/deleg
	assert_success
	[ "${#lines[@]}" = 19 ]
	run cmount -T -r -n -o PATH name=ctk-test:/deleg
	assert_success
	[ "${#lines[@]}" = 19 ]
	run --separate-stderr crelease --remove -r name=ctk-test:/deleg
	assert_success
	[ ! -e "$V1/deleg" ]
}
