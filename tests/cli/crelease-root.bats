#!/usr/bin/env bats
# bats file_tags=root
# crelease on the real kernel. The suite's name=ctk-test is mounted only in
# this file's private mount namespace, so the kernel's agent (in the init
# mount namespace) must find the hierarchy without that mount: the normal
# case here.

load helpers/common

setup_file() {
	ctk_root_setup_file
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	# the agent: a wrapper with absolute paths (the kernel gives it only
	# HOME and PATH), logging to a file the tests read
	W=$BATS_FILE_TMPDIR/agent
	printf '#!/bin/sh\nexec %s --agent "$0" --log %s "$@"\n' \
		"$CTK_BUILDDIR/crelease" "$BATS_FILE_TMPDIR/agent.log" > "$W"
	chmod 755 "$W"
	chmod 755 "$BATS_FILE_TMPDIR"
}
setup() {
	ctk_root_setup
	V1=$(ctk_v1_path)
	W=$BATS_FILE_TMPDIR/agent
	LOG=$BATS_FILE_TMPDIR/agent.log
	: > "$LOG"
	echo "$W" > "$V1/release_agent"
}
teardown() {
	# the init script's watcher, even when its test failed before it
	# took the pid into CTK_PIDS
	[ ! -s "$BATS_TEST_TMPDIR/init.pid" ] ||
		kill -9 "$(cat "$BATS_TEST_TMPDIR/init.pid")" 2>/dev/null || true
	ctk_root_teardown
}
teardown_file() { ctk_root_teardown_file; }

# wait_gone DIR...: until every DIR is removed (30 s at most)
none_left() {
	local d
	for d in "$@"; do [ ! -e "$d" ] || return 1; done
}
wait_gone() {
	ctk_wait_until none_left "$@" && return 0
	echo "the agent's log:" >&2
	cat "$LOG" >&2
	return 1
}

# empty_it SPEC: a short-lived process in the container
empty_it() { cattach "$1" -- true; }

@test "v1: containers with notify set are removed once their last task exits, and logged" {
	run ! grep -q 'ctk-test' /proc/1/mountinfo	# not mounted where the agent runs
	cmkdir -N name=ctk-test:/a name=ctk-test:/b name=ctk-test:/c
	for c in a b c; do empty_it "name=ctk-test:/$c"; done
	wait_gone "$V1/a" "$V1/b" "$V1/c"
	for c in a b c; do grep -q "crelease\[[0-9]*\]: name=ctk-test:/$c: removed$" "$LOG"; done
}

@test "v1: a nested release cascades" {
	cmkdir -p name=ctk-test:/p
	echo 1 > "$V1/p/notify_on_release"
	cmkdir -N name=ctk-test:/p/q
	empty_it name=ctk-test:/p/q
	wait_gone "$V1/p/q" "$V1/p"
	grep -q 'name=ctk-test:/p/q: removed' "$LOG"
	grep -q 'name=ctk-test:/p: removed' "$LOG"
}

@test "v1: the agent the kernel runs logs to the file cmount --agent-log names (the kernel passes no option)" {
	export CTK_AGENT_DIR=$BATS_TEST_TMPDIR/agents
	log=$BATS_TEST_TMPDIR/agent.log
	run cmount --set-release-agent "$CTK_BUILDDIR/crelease" --agent-log "$log" "$V1"
	assert_success
	[ "$(readlink "$CTK_AGENT_DIR/crelease@name=ctk-test.log")" = "$log" ]
	cmkdir -N name=ctk-test:/a
	cattach name=ctk-test:/a -- true
	wait_gone "$V1/a"
	ctk_wait_until grep -q 'crelease\[[0-9]*\]: name=ctk-test:/a: removed$' "$log"
	# set again without it: the link goes, syslog (or the kernel's log)
	# is the agent's again
	run cmount --set-release-agent "$CTK_BUILDDIR/crelease" "$V1"
	assert_success
	[ ! -L "$CTK_AGENT_DIR/crelease@name=ctk-test.log" ]
	# another agent than crelease keeps its own log; a relative one is no log
	run --separate-stderr cmount --set-release-agent /bin/true --agent-log "$log" "$V1"
	assert_refusal 1 cmount
	[[ "$stderr" == *"--agent-log $log: for crelease as the agent only"* ]]
	run --separate-stderr cmount --set-release-agent "$CTK_BUILDDIR/crelease" --agent-log rel.log "$V1"
	assert_refusal 1 cmount
	run --separate-stderr cmount --agent-log "$log"
	assert_failure 2
	echo > "$V1/release_agent"
}

@test "v1: the agent keeps a container whose notify_on_release is 0, and says why" {
	# (the kernel makes no such call; a hand-made or stale one must not
	# remove what was not marked)
	cmkdir -N 0 name=ctk-test:/zero
	run crelease --agent "$W" --log "$LOG" /zero
	assert_success
	[ -d "$V1/zero" ]
	grep -q 'name=ctk-test:/zero: kept: notify on release not set$' "$LOG"
}

@test "v1: the root is never removed, a populated container is kept" {
	run crelease --agent "$W" --log "$LOG" /
	assert_failure 1
	grep -q 'crelease\[[0-9]*\]: ?:/: refused: the hierarchy root$' "$LOG"
	cmkdir -N name=ctk-test:/busy
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/busy/cgroup.procs"
	# as if the kernel had called it just before the task arrived
	run crelease --agent "$W" --log "$LOG" /busy
	assert_success
	[ -d "$V1/busy" ]
	grep -q 'name=ctk-test:/busy: kept: has 1 task$' "$LOG"
	cmkdir -N name=ctk-test:/busy/kid
	kill -9 "$SLEEPER"; wait "$SLEEPER" 2>/dev/null || true
	run crelease --agent "$W" --log "$LOG" /busy
	assert_success
	[ -d "$V1/busy" ]
	grep -q 'name=ctk-test:/busy: kept: has child containers$' "$LOG"
}

@test "v1: without syslog, the kernel log takes a kept container's line, not each removal's" {
	[ ! -S /dev/log ] || skip "a syslog socket takes every line here"
	dmesg > /dev/null 2>&1 || skip "the kernel log cannot be read here"
	local tag=klog$$
	cmkdir -N "name=ctk-test:/$tag-gone" "name=ctk-test:/$tag-kept"
	empty_it "name=ctk-test:/$tag-gone"	# the kernel calls the agent
	wait_gone "$V1/$tag-gone"
	grep -q "name=ctk-test:/$tag-gone: removed$" "$LOG"	# --log has it
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/$tag-kept/cgroup.procs"
	run crelease --agent "$W" /$tag-kept
	assert_success
	run dmesg
	assert_output --partial "name=ctk-test:/$tag-kept: kept: has 1 task"
	refute_output --partial "name=ctk-test:/$tag-gone"
}

@test "v1: a hierarchy being destroyed elsewhere holds a release up for its last milliseconds, no longer" {
	cmkdir -N name=ctk-test:/dy
	# the suite's second hierarchy, mounted and unmounted with no
	# container: the kernel destroys it in the background, refusing a new
	# mount meanwhile
	mkdir "$BATS_TEST_TMPDIR/h2"
	mount -t cgroup -o none,name=ctk-test2 cgroup "$BATS_TEST_TMPDIR/h2"
	[ -z "$(find "$BATS_TEST_TMPDIR/h2" -mindepth 1 -type d)" ]
	umount "$BATS_TEST_TMPDIR/h2"
	run crelease --agent "$W" --log "$LOG" /dy
	assert_success
	[ ! -e "$V1/dy" ]
	grep -q 'name=ctk-test:/dy: removed$' "$LOG"
	run ! grep -q 'cannot read its release agent' "$LOG"
}

@test "v1: an agent path that no hierarchy has is said, nothing removed" {
	cmkdir -N name=ctk-test:/x
	run crelease --agent /not/the/agent --log "$LOG" /x
	assert_failure 1
	[ -d "$V1/x" ]
	grep -q '/x: no hierarchy has /not/the/agent as its release agent' "$LOG"
}

@test "v1: hostile arguments are refused, logged, and remove nothing" {
	cmkdir -N name=ctk-test:/a name=ctk-test:/a/b
	before=$(find "$V1" -type d | sort)
	for p in /../.. // /a//b /a/../a "$(printf '/a\nb')" "/$(head -c 5000 /dev/zero | tr '\0' a)"; do
		run crelease --agent "$W" --log "$LOG" "$p"
		assert_failure 1
	done
	[ "$(find "$V1" -type d | sort)" = "$before" ]
	[ "$(grep -c ': refused: ' "$LOG")" = 6 ]
}

@test "v1: 1000 containers emptied at once are all removed, no populated one (100 in a guest)" {
	n=$(ctk_scale 1000)
	eval "mkdir $V1/r{1..$n}"
	mkdir "$V1"/stay{1..10}
	echo 1 > "$V1/notify_on_release"	# copied to children at mkdir
	for i in $(seq 10); do mkdir "$V1/stay$i/kid"; done
	echo 0 > "$V1/notify_on_release"
	for i in $(seq $n); do echo 1 > "$V1/r$i/notify_on_release"; done
	for i in $(seq 10); do echo 1 > "$V1/stay$i/notify_on_release"; done
	pids=()
	for i in $(seq $n); do
		sleep 1000 >/dev/null 2>&1 3>&- &
		pids+=($!)
		echo $! > "$V1/r$i/cgroup.procs"
	done
	stay=()
	for i in $(seq 10); do
		sleep 1000 >/dev/null 2>&1 3>&- &
		stay+=($!)
		echo $! > "$V1/stay$i/kid/cgroup.procs"
	done
	CTK_PIDS="${pids[*]} ${stay[*]}"
	kill -9 "${pids[@]}"
	wait "${pids[@]}" 2>/dev/null || true
	dirs=()
	for i in $(seq $n); do dirs+=("$V1/r$i"); done
	wait_gone "${dirs[@]}"
	[ "$(grep -c ': removed$' "$LOG")" = "$n" ]
	for i in $(seq 10); do [ -d "$V1/stay$i/kid" ]; done
	run ! grep -q 'stay' "$LOG"
}

@test "--sweep removes what is releasable, deepest first; --dry-run only says" {
	# the sweep alone: the kernel's agent, called for /s/a once /s/a/b
	# goes, would race it to /s/a
	echo > "$V1/release_agent"
	cmkdir -N name=ctk-test:/s name=ctk-test:/s/a name=ctk-test:/s/a/b name=ctk-test:/s/c
	cmkdir -N 0 name=ctk-test:/s/plain	# v1 copies notify from the parent
	cmkdir -N name=ctk-test:/s/busy
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/s/busy/cgroup.procs"
	run crelease --dry-run --sweep name=ctk-test:/s
	assert_success
	assert_output $'name=ctk-test:/s/c: would remove\nname=ctk-test:/s/a/b: would remove\nname=ctk-test:/s/a: would remove'
	[ -d "$V1/s/a/b" ]
	run crelease --sweep name=ctk-test:/s
	assert_success
	assert_output $'name=ctk-test:/s/c: removed\nname=ctk-test:/s/a/b: removed\nname=ctk-test:/s/a: removed'
	[ -d "$V1/s" ]
	[ -d "$V1/s/plain" ]
	[ -d "$V1/s/busy" ]
	run crelease --sweep --all name=ctk-test:/s
	assert_success
	assert_output "name=ctk-test:/s/plain: removed"
}

@test "--remove: empty now, a populated one refused with its task count" {
	cmkdir name=ctk-test:/e name=ctk-test:/full
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/full/cgroup.procs"
	run --separate-stderr crelease --remove name=ctk-test:/e
	assert_success
	[ ! -e "$V1/e" ]
	run --separate-stderr crelease --remove name=ctk-test:/full
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/full: container still has 1 task" ]
	[ -d "$V1/full" ]
	cmkdir name=ctk-test:/e2
	run --separate-stderr crelease --remove name=ctk-test:/e2 name=ctk-test:/full name=ctk-test:/
	assert_failure 4
	[ ! -e "$V1/e2" ]
	[[ "${stderr_lines[1]}" == *"the hierarchy root is never removed" ]]
}

watch_start() {	# watch_start SPEC: the watcher in the background, watching
	crelease --watch --log "$LOG" "$1" >/dev/null 2>&1 3>&- &
	WATCHER=$!
	CTK_PIDS="${CTK_PIDS:-} $WATCHER"
	ctk_wait_until grep -q -- "$1: watching$" "$LOG"
}

@test "v2 --watch: marked containers are removed after their tasks exit; unmarked and fresh ones stay" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cmkdir -N ":$rel/before"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V2/before/cgroup.procs"
	watch_start ":$rel"
	cmkdir -N ":$rel/m" ":$rel/fresh"
	cmkdir ":$rel/u"
	cattach ":$rel/m" -- true
	cattach ":$rel/u" -- true
	kill -9 "$SLEEPER"
	wait_gone "$V2/m" "$V2/before"
	ctk_watch_barrier ":$rel/barrier" "$V2/barrier"
	[ -d "$V2/u" ]
	[ -d "$V2/fresh" ]
	grep -q ":$rel/m: removed" "$LOG"
	grep -q ":$rel/before: removed" "$LOG"
	run ! grep -q ":$rel/u\|:$rel/fresh" "$LOG"
	kill "$WATCHER"
	wait "$WATCHER"	# SIGTERM: a clean exit 0
}

@test "v2 --watch: a marked parent follows its last child, as v1 cascades" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	watch_start ":$rel"
	cmkdir -N ":$rel/par"
	cmkdir -N ":$rel/par/kid"
	cmkdir -N ":$rel/par/kid/grandkid"
	cattach ":$rel/par/kid/grandkid" -- true
	wait_gone "$V2/par"
	grep -q ":$rel/par/kid/grandkid: removed" "$LOG"
	grep -q ":$rel/par: removed" "$LOG"
}

@test "v2 --watch honours the user.* mark, and --once releases what is releasable now" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/um" "$V2/now" "$V2/keep"
	setfattr -n user.ctk.notify_on_release -v 1 "$V2/um"
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/now"
	run crelease --watch --once --log "$LOG" ":$rel"
	assert_success
	[ ! -e "$V2/um" ]
	[ ! -e "$V2/now" ]
	[ -d "$V2/keep" ]
}

@test "v2 --watch within the shipped unit's capabilities (bounding set, no_new_privs): a delegated container too" {
	command -v setpriv >/dev/null || skip "no setpriv here"
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$CTK_BUILDDIR/contrib/crelease-watch.service" |
		tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	[ -n "$caps" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/now" "$V2/deleg"
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/now"
	# a delegate's own container, in a parent it owns (mode 0755)
	chown nobody "$V2/deleg"
	mkdir "$V2/deleg/job"
	chown nobody "$V2/deleg/job"
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/deleg/job"
	run setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$caps" \
		"$CTK_BUILDDIR/crelease" --watch --once --log "$LOG" ":$rel"
	assert_success
	[ ! -e "$V2/now" ]
	[ ! -e "$V2/deleg/job" ]
}

@test "v2 --watch of a container not made yet waits for it (said once), watches it when it comes, and again after it is removed and made anew" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	# the shipped unit's case: the watcher starts before its container
	crelease --watch --log "$LOG" ":$rel/svc/jobs" >/dev/null 2>&1 3>&- &
	WATCHER=$!
	CTK_PIDS="${CTK_PIDS:-} $WATCHER"
	ctk_wait_until grep -q ":$rel/svc/jobs: not there yet: waiting for it$" "$LOG"
	# made a level at a time, with something else made beside it
	cmkdir ":$rel/svc" ":$rel/other"
	cmkdir ":$rel/svc/jobs"
	ctk_wait_until grep -q ":$rel/svc/jobs: watching$" "$LOG"
	cmkdir -N ":$rel/svc/jobs/a"
	cattach ":$rel/svc/jobs/a" -- true
	wait_gone "$V2/svc/jobs/a"
	# the watched container goes: said, and waited for again
	rmdir "$V2/svc/jobs"
	ctk_wait_until grep -q ":$rel/svc/jobs: removed: waiting for it to come back$" "$LOG"
	cmkdir ":$rel/svc/jobs" ":$rel/svc/jobs/b"
	crelease --mark ":$rel/svc/jobs/b"
	ctk_wait_until ctk_output_is 2 grep -c ":$rel/svc/jobs: watching$" "$LOG"
	cattach ":$rel/svc/jobs/b" -- true
	wait_gone "$V2/svc/jobs/b"
	# each wait was said once
	[ "$(grep -c 'not there yet' "$LOG")" = 1 ]
	[ "$(grep -c 'waiting for it to come back' "$LOG")" = 1 ]
	kill "$WATCHER"
	wait "$WATCHER"
	# --once names a container that is not there, and exits 1
	run --separate-stderr crelease --watch --once ":$rel/nothing"
	assert_refusal 1 crelease
	[ "$stderr" = "crelease: :$rel/nothing: no such container" ]
}

@test "--watch refuses v1" {
	run --separate-stderr crelease --watch name=ctk-test:/
	assert_failure 3
	[[ "$stderr" == *"--watch is for cgroup v2"* ]]
}

@test "v1: an agent call from a shell says its line on stderr too; the kernel's goes only to the log" {
	cmkdir -N name=ctk-test:/m
	run --separate-stderr crelease --agent "$W" --log "$LOG" /m
	assert_success
	[ "$stderr" = "crelease: name=ctk-test:/m: removed" ]
	grep -q 'name=ctk-test:/m: removed' "$LOG"
	# fds 0-2 closed, as the kernel calls it: nothing anywhere but the log
	cmkdir -N name=ctk-test:/k
	crelease --agent "$W" --log "$LOG" /k <&- >&- 2>&-
	[ ! -e "$V1/k" ]
}

@test "v2 --watch -v: each line reaches a file as it comes, not at exit" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cmkdir -N ":$rel/a"
	crelease --watch -v ":$rel" > "$BATS_TEST_TMPDIR/out" &
	WATCHER=$!
	CTK_PIDS="${CTK_PIDS:-} $WATCHER"
	ctk_wait_until grep -qx ":$rel: watching" "$BATS_TEST_TMPDIR/out"
	cattach ":$rel/a" -- true
	ctk_wait_until grep -q ":$rel/a: removed" "$BATS_TEST_TMPDIR/out"	# the watcher still runs
	kill -0 "$WATCHER"
	kill "$WATCHER"
	wait "$WATCHER"
}

# --- --remove -r (cgdelete -r), --mark ----------------------------------

@test "--remove -r moves every task to the parent and removes the tree deepest first" {
	mkdir -p "$V1/a/b/c" "$V1/a/d"
	ctk_spawn_sleeper; s1=$SLEEPER
	ctk_spawn_sleeper; s2=$SLEEPER
	echo "$s1" > "$V1/a/b/c/tasks"
	echo "$s2" > "$V1/a/tasks"
	run crelease --remove -r --dry-run name=ctk-test:/a
	assert_success
	assert_line "would move 1 task of name=ctk-test:/a/b/c"
	assert_line "would remove name=ctk-test:/a"
	[ -d "$V1/a/b/c" ]
	run crelease --remove -r -v name=ctk-test:/a
	assert_success
	assert_equal "${lines[*]}" "removed name=ctk-test:/a/d removed name=ctk-test:/a/b/c removed name=ctk-test:/a/b removed name=ctk-test:/a moved 2 tasks out of name=ctk-test:/a"
	[ ! -e "$V1/a" ]
	grep -qx "$s1" "$V1/tasks"
	grep -qx "$s2" "$V1/tasks"
	kill -0 "$s1" "$s2"
	# v2: to the parent, which is the scratch container
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir -p "$V2/x/y"
	echo "$s1" > "$V2/x/y/cgroup.procs"
	run crelease --remove -r ":$rel/x"
	assert_success
	[ ! -e "$V2/x" ]
	grep -qx "$s1" "$V2/cgroup.procs"
}

@test "--remove -r --to SPEC moves the tasks there, and refuses a SPEC in the tree or of another hierarchy" {
	mkdir -p "$V1/a/b" "$V1/home"
	ctk_spawn_sleeper; s1=$SLEEPER
	echo "$s1" > "$V1/a/b/tasks"
	run --separate-stderr crelease --remove -r --to name=ctk-test:/a/b name=ctk-test:/a
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/a: --to names a container in the tree that is removed" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run --separate-stderr crelease --remove -r --to ":$rel" name=ctk-test:/a
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/a: --to names a container of another hierarchy" ]
	run --separate-stderr crelease --remove -r --kill --to name=ctk-test:/home name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == "crelease: --to goes with --remove --recursive, without --kill"* ]]
	[ -d "$V1/a/b" ]
	grep -qx "$s1" "$V1/a/b/tasks"
	run crelease --remove -r -v --to name=ctk-test:/home name=ctk-test:/a
	assert_success
	assert_line "moved 1 task out of name=ctk-test:/a to name=ctk-test:/home"
	[ ! -e "$V1/a" ]
	grep -qx "$s1" "$V1/home/tasks"
}

@test "--remove -r --kill kills the tasks (v1 SIGKILL, v2 cgroup.kill) and removes the tree" {
	mkdir -p "$V1/k/l"
	ctk_spawn_sleeper; s1=$SLEEPER
	echo "$s1" > "$V1/k/l/tasks"
	run crelease --remove -r --kill -v name=ctk-test:/k
	assert_success
	assert_line "killed 1 task in name=ctk-test:/k"
	[ ! -e "$V1/k" ]
	run ! kill -0 "$s1"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	[ -f "$V2/cgroup.kill" ] || skip "no cgroup.kill (Linux < 5.14)"
	mkdir -p "$V2/k/l"
	ctk_spawn_sleeper; s2=$SLEEPER
	echo "$s2" > "$V2/k/l/cgroup.procs"
	run crelease --remove -r --kill -v ":$rel/k"
	assert_success
	assert_line "killed 1 task in :$rel/k"
	[ ! -e "$V2/k" ]
	run ! kill -0 "$s2"
}

# leader_exited DIR FILE: a process whose leader thread has exited, started
# in container DIR (moved through FILE: tasks or cgroup.procs); its pid in
# $PID. A zombie leader cannot be moved later: it starts there.
has_lines() { [ "$(wc -l < "$1")" = "$2" ]; }
leader_exited() {
	local out=$BATS_TEST_TMPDIR/x.$RANDOM
	sh -c "echo \$\$ > '$1/$2' && exec '$CTK_BUILDDIR/tests/helpers/ctk-threads' -x" > "$out" 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until has_lines "$out" 2
	PID=$(tail -n1 "$out")
	ctk_wait_until grep -q '^State:.*Z' "/proc/$PID/status"
}

@test "--remove -r --kill kills a process whose leader thread has exited (cgroup.kill passes over it; v1 and v2)" {
	mkdir -p "$V1/k/l"
	leader_exited "$V1/k/l" tasks
	run crelease --remove -r --kill -v name=ctk-test:/k
	assert_success
	assert_line "killed 1 task in name=ctk-test:/k"
	[ ! -e "$V1/k" ]
	run ! kill -0 "$PID"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir -p "$V2/k/l"
	leader_exited "$V2/k/l" cgroup.procs
	run crelease --remove -r --kill -v ":$rel/k"
	assert_success
	assert_line "killed 1 task in :$rel/k"
	[ ! -e "$V2/k" ]
	run ! kill -0 "$PID"
}

@test "--remove -r refuses, before doing anything: the root, a mount inside the tree, a kill of itself" {
	run --separate-stderr crelease --remove -r name=ctk-test:/
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/: the hierarchy root is never removed" ]
	mkdir -p "$V1/m/n/o"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/m/tasks"
	mount -t tmpfs none "$V1/m/n"
	run --separate-stderr crelease --remove -r name=ctk-test:/m
	umount "$V1/m/n"
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/m: a mount covers a child container: nothing removed" ]
	[ -d "$V1/m/n/o" ]
	grep -qx "$SLEEPER" "$V1/m/tasks"
	# crelease runs in /s itself: no kill
	mkdir "$V1/s"
	run --separate-stderr sh -c "echo \$\$ > '$V1/s/tasks' && exec crelease --remove -r --kill name=ctk-test:/s"
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/s: crelease itself runs there: nothing killed" ]
	[ -d "$V1/s" ]
	run --separate-stderr crelease --kill --remove name=ctk-test:/s
	assert_failure 2
	[[ "$stderr" == "crelease: --kill goes with --remove --recursive"* ]]
}

@test "--remove -r: a task moved in during the removal is moved out too" {
	mkdir -p "$V1/r/s"
	ctk_spawn_sleeper; s1=$SLEEPER
	# a writer that keeps putting the sleeper back while the tree goes;
	# it has put it there once before the removal starts (whether it also
	# wins the race with an rmdir is the scheduler's: then the retry is
	# tested too)
	( while [ -d "$V1/r/s" ]; do echo "$s1" > "$V1/r/s/tasks"; done ) 2>/dev/null &
	writer=$!
	CTK_PIDS="$CTK_PIDS $writer"
	ctk_wait_until grep -qx "$s1" "$V1/r/s/tasks"
	run crelease --remove -r name=ctk-test:/r
	wait "$writer" || true
	assert_success
	[ ! -e "$V1/r" ]
	grep -qx "$s1" "$V1/tasks"
}

@test "--remove -r: a task that cannot leave is said, with what is left (exit 4)" {
	mkdir -p "$V1/t/u/w"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/t/u/tasks"
	# the parent's tasks file refuses writes from now on
	mount --bind /dev/null "$V1/t/tasks"
	run --separate-stderr crelease --remove -r -v name=ctk-test:/t/u
	umount "$V1/t/tasks"
	assert_failure 4
	[[ "$stderr" == *"crelease: name=ctk-test:/t/u: kept: 1 task cannot be moved to the parent"* ]]
	[[ "$stderr" == *"crelease: name=ctk-test:/t/u: not all removed (1 removed, 1 kept)"* ]]
	assert_line "removed name=ctk-test:/t/u/w"
	[ -d "$V1/t/u" ]
	[ ! -e "$V1/t/u/w" ]
}

@test "--mark and --unmark set and clear the release mark of existing containers" {
	mkdir "$V1/q"
	run crelease --mark -v name=ctk-test:/q
	assert_success
	assert_output "marked name=ctk-test:/q"
	[ "$(cat "$V1/q/notify_on_release")" = 1 ]
	run crelease --unmark name=ctk-test:/q
	assert_success
	[ "$(cat "$V1/q/notify_on_release")" = 0 ]
	run --separate-stderr crelease --mark name=ctk-test:/
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/: the hierarchy root is never released" ]
	# every SPEC is resolved before the first change
	run --separate-stderr crelease --mark name=ctk-test:/q name=ctk-test:/nosuch
	assert_failure 1
	[ "$stderr" = "crelease: name=ctk-test:/nosuch: no such container" ]
	[ "$(cat "$V1/q/notify_on_release")" = 0 ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/w"
	run crelease --mark ":$rel/w"
	assert_success
	[ "$(getfattr --only-values -n trusted.ctk.notify_on_release "$V2/w")" = 1 ]
	run cmount -T -J -o PATH,NOTIFY ":$rel/w"
	[ "$(jq -c '.containers[0].notify' <<< "$output")" = true ]
	setfattr -n user.ctk.notify_on_release -v 1 "$V2/w"
	run crelease --unmark ":$rel/w"
	assert_success
	run getfattr -d -m 'ctk' "$V2/w"
	refute_output --partial notify_on_release
	run --separate-stderr crelease --mark --sweep ":$rel/w"
	assert_failure 2
	[[ "$stderr" == "crelease: --sweep and --mark are mutually exclusive"* ]]
}

# pidfile_has_pid FILE: start-stop-daemon wrote a pid there, and it runs
pidfile_has_pid() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

@test "the init script: a second start is done already (LSB: exit 0), status says so, stop stops it" {
	command -v start-stop-daemon >/dev/null || skip "no start-stop-daemon"
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	s=$BATS_TEST_TMPDIR/crelease.init
	# the built script, on this build and a scratch container; no
	# /etc/default is read
	sed -e "s|^HIERARCHY=.*|HIERARCHY=$BATS_TEST_TMPDIR/no-v1|" \
	    -e "s|^V2SPEC=.*|V2SPEC=:$REL|" \
	    -e "s|^PIDFILE=.*|PIDFILE=$BATS_TEST_TMPDIR/init.pid|" \
	    -e "s|^CRELEASE=.*|CRELEASE=$CTK_BUILDDIR/crelease|" \
	    -e "s|^CMOUNT=.*|CMOUNT=$CTK_BUILDDIR/cmount|" \
	    -e "/etc\/default/d" "$CTK_BUILDDIR/contrib/crelease.init" > "$s"
	run ! grep -q "/etc/default/crelease-watch ]" "$s"
	run sh "$s" start
	assert_success
	ctk_wait_until pidfile_has_pid "$BATS_TEST_TMPDIR/init.pid"
	CTK_PIDS="${CTK_PIDS:-} $(cat "$BATS_TEST_TMPDIR/init.pid")"
	run sh "$s" start
	assert_success
	run sh "$s" status
	assert_success
	assert_output "crelease watcher is running (pid $(cat "$BATS_TEST_TMPDIR/init.pid"))"
	run sh "$s" stop
	assert_success
	run sh "$s" status
	assert_failure 3
	assert_output "crelease watcher is not running"
}
