#!/usr/bin/env bats
# bats file_tags=root
# cckpt dump on the real kernel: trees of nested pid namespaces (two and
# three levels) with sessions, process groups and threads, inside a v2
# scratch container; every level of every task checked against /proc.

load helpers/common

setup_file() { ctk_root_setup_file; }
setup() {
	ctk_root_setup
	command -v unshare >/dev/null || skip "no unshare"
	THREADS=$CTK_BUILDDIR/tests/helpers/ctk-threads
}
teardown() { ctk_root_teardown; }
teardown_file() { ctk_root_teardown_file; }

# contain_tree N: wait for N processes in $V2/c, all asleep (done forking,
# exec'ing and exiting), then move every one that is not the pid-namespace
# init or below it (the outer unshare) to $V2/out
contain_tree() {
	local want=$1 snap p
	ctk_wait_quiet "$V2/c" "$want"
	snap=$(cat "$V2/c/cgroup.procs")
	for p in $snap; do
		echo "$snap" | grep -qx "$(awk '{print $4}' "/proc/$p/stat")" ||
			echo "$p" > "$V2/out/cgroup.procs"
	done
}

# all_stopped DIR: every thread of the container is stopped
all_stopped() {
	local t
	for t in $(cat "$1/cgroup.threads"); do
		[ "$(ctk_task_state "$t")" = T ] || return 1
	done
}

has_procs() { [ -n "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }
is_stopped() { [ "$(ctk_task_state "$1")" = T ]; }

# no cckpt that this suite started is alive: the suite's own are those in
# its private mount namespace (run-bats), whatever else runs on the machine
no_live_cckpt() {
	local f st me
	me=$(readlink /proc/self/ns/mnt)
	for f in /proc/[0-9]*; do
		read -r st < "$f/stat" 2>/dev/null || continue
		case $st in *" (cckpt) "[!Z]" "*) ;; *) continue ;; esac
		[ "$(readlink "$f/ns/mnt" 2>/dev/null)" != "$me" ] || return 1
	done
}

# spawn_tree LEVELS [nosetsid]: a tree in $V2/c, its outer unshare moved to
# $V2/out so the container holds one pid-namespace init and its descendants
spawn_tree() {
	local levels=$1 lead=setsid inner nested
	[ "${2:-}" = nosetsid ] && lead=
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	inner='sleep 1000 & setsid sh -c "sleep 1000 & wait" & wait'
	[ "$levels" -ge 3 ] && inner='sleep 1000 & setsid sh -c "sleep 1000 & wait" & unshare --pid --fork sh -c "sleep 1000 & wait" & wait'
	if [ "$levels" -ge 2 ]; then
		nested="unshare --pid --fork sh -c '$inner' &"
	else
		nested='sh -c "exec sleep 1000" &'
	fi
	cattach ":$REL/c" -- unshare --pid --fork $lead bash -c "
		setsid sleep 1000 &
		sleep 1000 &
		$THREADS 2 >/dev/null &
		bash -c 'set -m; sleep 1000 & sleep 1000 & wait' &
		$nested
		wait" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	contain_tree $((levels >= 3 ? 12 : levels <= 1 ? 8 : 10))
	# the init of the container's own pid namespace
	INIT=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk '/^NSpid:/ { if ($NF == 1 && NF == 3) print FILENAME }' "/proc/$p/status"; done |
		head -n1 | cut -d/ -f3)
}

# the tasks of the container as "pid pgid sid" per level, from /proc
proc_view() {
	local L=$1 tid
	for tid in $(cat "$V2/c/cgroup.threads"); do
		awk -v L="$L" '
		function lv(  i, s) { s = ""; for (i = L + 2; i <= NF; i++) { if ($i == 0) break; s = s (s == "" ? "" : "/") $i } return s == "" ? "-" : s }
		/^NSpid:/ { p = lv() } /^NSpgid:/ { g = lv() } /^NSsid:/ { s = lv() }
		END { print p, g, s }' "/proc/$tid/status"
	done | sort
}

image_view() {
	cckpt show -J "$1" | jq -r '.tasks[] | [(.pid | join("/")), (.pgid // ["-"] | join("/")), (.sid // ["-"] | join("/"))] | join(" ")' | sort
}

host_level() { awk '/^NSpid:/ { print NF - 2 }' "/proc/$INIT/status"; }

@test "two levels: the image agrees with /proc for every task and level" {
	spawn_tree 2
	run cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_success
	cckpt verify "$BATS_TEST_TMPDIR/a.img"
	diff <(proc_view "$(host_level)") <(image_view "$BATS_TEST_TMPDIR/a.img")
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.header.max_depth')" = 1 ]
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '[.tasks[] | select(.thread)] | length')" = 2 ]
	# several sessions and process groups
	[ "$(image_view "$BATS_TEST_TMPDIR/a.img" | awk '{print $3}' | sort -u | wc -l)" -ge 3 ]
	[ "$(image_view "$BATS_TEST_TMPDIR/a.img" | awk '{print $2}' | sort -u | wc -l)" -ge 5 ]
	# thawed and running after
	grep -qx 'frozen 0' "$V2/c/cgroup.events"
}

@test "three levels" {
	spawn_tree 3
	run cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_success
	diff <(proc_view "$(host_level)") <(image_view "$BATS_TEST_TMPDIR/a.img")
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.header.max_depth')" = 2 ]
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '[.pids[] | select(.depth == 2)] | length')" -ge 2 ]
}

@test "tasks are frozen during the dump and running after it" {
	ctk_need_test_hooks
	spawn_tree 2
	hold=$BATS_TEST_TMPDIR/hold
	cckpt dump --pause-frozen "$hold" -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c" &
	dumper=$!
	CTK_PIDS="${CTK_PIDS:-} $dumper"
	ctk_wait_until test -e "$hold"
	grep -qx 'frozen 1' "$V2/c/cgroup.events"
	rm "$hold"
	wait "$dumper"
	grep -qx 'frozen 0' "$V2/c/cgroup.events"
	for p in $(cat "$V2/c/cgroup.procs"); do
		[ "$(awk '{print $3}' "/proc/$p/stat")" != T ]
	done
}

@test "container mode refuses a session from outside; --subtree writes 0; thawed either way" {
	spawn_tree 2 nosetsid
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_failure 1
	[[ "$stderr" == *"leader is outside the container"*"use --subtree"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/a.img" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep a.img)" ]	# no temporary left
	grep -qx 'frozen 0' "$V2/c/cgroup.events"
	run cckpt dump --subtree -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_success
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.header.subtree')" = true ]
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.tasks[0].sid')" = null ]
	diff <(proc_view "$(host_level)") <(image_view "$BATS_TEST_TMPDIR/a.img")
}

@test "two dumps of the same tasks differ only in the header time and the tail CRC" {
	spawn_tree 2
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	sleep 1.1	# a different second
	cckpt dump -o "$BATS_TEST_TMPDIR/b.img" ":$REL/c"
	len=$(stat -c %s "$BATS_TEST_TMPDIR/a.img")
	[ "$len" = "$(stat -c %s "$BATS_TEST_TMPDIR/b.img")" ]
	run bash -c "cmp -l '$BATS_TEST_TMPDIR/a.img' '$BATS_TEST_TMPDIR/b.img' | awk -v n=$len '{ o = \$1 - 1; if (!((o >= 32 && o < 40) || (o >= n - 16 && o < n - 12))) print o }'"
	assert_output ""
	run ! cmp -s "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
}

@test "-p PID of the init: the same tree as the container" {
	spawn_tree 2
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	run cckpt dump -o "$BATS_TEST_TMPDIR/p.img" -p "$INIT"
	assert_success
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/p.img" | jq '.header.subtree')" = false ]
	diff <(image_view "$BATS_TEST_TMPDIR/a.img") <(image_view "$BATS_TEST_TMPDIR/p.img")
	for p in $(cat "$V2/c/cgroup.procs"); do
		[ "$(awk '{print $3}' "/proc/$p/stat")" != T ]	# SIGCONT after
	done
}

@test "v1 (no freezer in the hierarchy): stopped during, running after; stopped ones stay stopped" {
	V1=$(ctk_v1_path)
	mkdir "$V1/k"
	ctk_spawn_sleeper; a=$SLEEPER
	ctk_spawn_sleeper; b=$SLEEPER
	echo "$a" > "$V1/k/cgroup.procs"
	echo "$b" > "$V1/k/cgroup.procs"
	kill -STOP "$b"
	# stopped before the dump looks (a signal takes effect when the
	# task runs next: on a loaded machine, later)
	ctk_wait_until is_stopped "$b"
	run cckpt dump --subtree -o "$BATS_TEST_TMPDIR/k.img" name=ctk-test:/k
	assert_success
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/k.img" | jq '.tasks | length')" = 2 ]
	[ "$(awk '{print $3}' "/proc/$a/stat")" != T ]
	[ "$(awk '{print $3}' "/proc/$b/stat")" = T ]
	kill -CONT "$b"
}

@test "refusals: a kernel thread, itself inside, an unwritable FILE (nothing left)" {
	ctk_kthread
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/x.img" -p "$KTHREAD"
	assert_refusal 1 cckpt
	[[ "$stderr" == *"kernel thread"* ]]
	spawn_tree 2
	run --separate-stderr cattach ":$REL/c" -- cckpt dump -o "$BATS_TEST_TMPDIR/x.img" ":$REL/c"
	assert_failure 1
	[[ "$stderr" == *"would freeze itself"* ]]
	run --separate-stderr cckpt dump -o /nonexistent/dir/x.img ":$REL/c"
	assert_failure 1
	grep -qx 'frozen 0' "$V2/c/cgroup.events"
	[ ! -e "$BATS_TEST_TMPDIR/x.img" ]
}

@test "the writer is valgrind-clean" {
	command -v valgrind >/dev/null || skip "no valgrind"
	if ldd "$CTK_BUILDDIR/cckpt" | grep -q libasan; then
		skip "a sanitizer build: valgrind cannot run it (./ctk-dev demo builds one it can)"
	fi
	spawn_tree 2
	# by pid: valgrind 3.19 does not know openat2, which every container
	# lookup needs (ctk requires it); the writer is the same
	run valgrind -q --error-exitcode=9 --leak-check=full "$CTK_BUILDDIR/cckpt" dump -o "$BATS_TEST_TMPDIR/v.img" -p "$INIT"
	assert_success
	run valgrind -q --error-exitcode=9 --leak-check=full "$CTK_BUILDDIR/cckpt" show -J "$BATS_TEST_TMPDIR/v.img"
	assert_success
}

# ---- restore -----------------------------------------------------------------

# restore_same: dump c, kill it, restore into r, dump again: the same
restore_same() {
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	ctk_kill_wait "$V2/c"
	ctk_kill_wait "$V2/out"
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/a.img"
	assert_success
	assert_output --regexp "^restored [0-9]+ tasks; root [0-9]+ in :$REL/r$"
	run cckpt dump -o "$BATS_TEST_TMPDIR/b.img" ":$REL/r"
	assert_success
	run cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
	assert_success
	assert_output ""
}

# round_trip LEVELS: a tree of LEVELS pid namespaces, then restore_same
round_trip() {
	spawn_tree "$1"
	restore_same
}

@test "restore, one level: dump -> restore -> dump -> diff" {
	round_trip 1
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/b.img" | jq '.header.max_depth')" = 0 ]
}

@test "restore, two levels, sessions, groups and threads" {
	round_trip 2
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/b.img" | jq '[.tasks[] | select(.thread)] | length')" = 2 ]
	[ "$(image_view "$BATS_TEST_TMPDIR/b.img" | awk '{print $3}' | sort -u | wc -l)" -ge 3 ]
	# the restored tasks wait stopped, threads included (each stops
	# itself right after its last answer)
	ctk_wait_until all_stopped "$V2/r"
}

@test "restore, three levels" {
	round_trip 3
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/b.img" | jq '.header.max_depth')" = 2 ]
}

@test "restore: a dead session leader and a dead group leader come back as helpers" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	cattach ":$REL/c" -- unshare --pid --fork setsid bash -c "
		setsid sh -c 'sleep 1000 & sleep 1000 & exit'
		bash -c 'set -m; sh -c \"sleep 1000 & exit\" & wait; sleep 1000' &
		wait" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	# unshare, the init, 2 sleeps of the dead leader, the sleep of the dead
	# group leader, and the set -m bash (exec'd into its last sleep)
	contain_tree 6
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	j=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img")
	# a session and a group whose leaders are not among the tasks
	[ "$(jq '[.tasks[].pid[0]] as $p | [.tasks[].sid[0]] | unique | map(select(. as $s | $p | index($s) | not)) | length' <<< "$j")" -ge 1 ]
	[ "$(jq '[.tasks[].pid[0]] as $p | [.tasks[].pgid[0]] | unique | map(select(. as $s | $p | index($s) | not)) | length' <<< "$j")" -ge 2 ]
	ctk_kill_wait "$V2/c"
	ctk_kill_wait "$V2/out"
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/a.img"
	assert_success
	cckpt dump -o "$BATS_TEST_TMPDIR/b.img" ":$REL/r"
	run cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
	assert_success
	# the helpers are gone: only the image's tasks are there
	[ "$(wc -l < "$V2/r/cgroup.procs")" = "$(jq '[.tasks[] | select(.thread | not)] | length' <<< "$j")" ]
}

@test "restore: a forest in subtree mode, and a pid collision" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c"
	ctk_spawn_sleeper; a=$SLEEPER
	ctk_spawn_sleeper; b=$SLEEPER
	echo "$a" > "$V2/c/cgroup.procs"
	echo "$b" > "$V2/c/cgroup.procs"
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/f.img" ":$REL/c"
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/f.img" | jq '[.tasks[] | select(.ppid == null)] | length')" = 2 ]
	# the pids are still taken: refused, nothing made, not even the
	# parents of the container it was to go into
	run --separate-stderr cckpt restore --into ":$REL/r/p/q" "$BATS_TEST_TMPDIR/f.img"
	assert_failure 1
	[[ "$stderr" == *"pid $a (level 0) is taken"* || "$stderr" == *"pid $b (level 0) is taken"* ]]
	[ ! -e "$V2/r" ]
	kill -9 "$a" "$b"
	wait "$a" "$b" 2>/dev/null || true
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/f.img"
	assert_success
	assert_output "restored 2 tasks; roots $a $b in :$REL/r"
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/g.img" ":$REL/r"
	cckpt diff "$BATS_TEST_TMPDIR/f.img" "$BATS_TEST_TMPDIR/g.img"
}

gone_all() { local q; for q; do [ ! -e "/proc/$q" ] || return 1; done; }

@test "restore: a subtree whose daemon hangs under a subreaper, forked through a relay (CRIU's child_subreaper_and_reparent), round-trips" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	# a subreaper; its child L leads a session of its own; L's child
	# forks D and exits: D hangs under the subreaper, in L's session
	cattach ":$REL/c" -- sh -c 'exec 3>&-; /usr/bin/python3 -c "
import ctypes, os, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
os.setsid()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        if os.fork() == 0:
            time.sleep(1000)
        os._exit(0)
    time.sleep(1000)
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(1000)
"; :' >/dev/null 2>&1 &
	CTK_PIDS="${CTK_PIDS:-} $!"
	contain_tree 4
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	j=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img")
	# D: a child of the subreaper, in the session of its sibling L
	[ "$(jq '[.tasks[] | select(.ppid != null and .ppid != .sid and .sid != .pid)] | length' <<< "$j")" = 1 ]
	pids=$(jq -r '.tasks[].pid[0]' <<< "$j")
	ctk_kill_wait "$V2/c"
	ctk_kill_wait "$V2/out"
	# pid 1 reaps orphans lazily: the recorded pids must be free first
	ctk_wait_until gone_all $pids
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/a.img"
	assert_success
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/b.img" ":$REL/r"
	run cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
	assert_success
	assert_output ""
}

@test "restore: a group whose leader moved to another group after making it (a member holds it) round-trips" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	READY=$BATS_TEST_TMPDIR/ready
	# L makes group L, forks M into it, then moves to the init's group
	cattach ":$REL/c" -- unshare --pid --fork setsid /usr/bin/python3 -c "
import os, time
r, w = os.pipe()
if os.fork() == 0:
    os.setpgid(0, 0)
    if os.fork() == 0:
        time.sleep(1000)
    os.setpgid(0, 1)
    os.write(w, b'x')
    time.sleep(1000)
os.read(r, 1)
open('$READY', 'w').close()
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(1000)
" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until test -e "$READY"
	contain_tree 4
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	j=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img")
	# a task leads a group it is not in
	[ "$(jq '[.tasks[].pid[-1]] as $p | [.tasks[] | select(.pgid[-1] != .pid[-1] and (.pgid[-1] as $g | $p | index($g)))] | length' <<< "$j")" -ge 1 ]
	restore_same
}

@test "dump's advice leads to an image that restores: a namespace beside its unshare (-p INIT), then its session outside (--subtree, restored in a fresh namespace)" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	# no setsid: the init's session and group are the test's
	cattach ":$REL/c" -- unshare --pid --fork bash -c 'sleep 1000 & sleep 1000 & wait' >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_quiet "$V2/c" 4
	INIT=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk '/^NSpid:/ { if ($NF == 1 && NF == 3) print FILENAME }' "/proc/$p/status"; done |
		head -n1 | cut -d/ -f3)
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_failure 1
	[[ $stderr == *": not the init (pid 1) of a pid namespace; its child $INIT is (-p $INIT dumps that tree, --subtree every task)" ]]
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/a.img" -p "$INIT"
	assert_failure 1
	[[ $stderr == *"leader is outside the container (not in its pid namespace): use --subtree" ]]
	run cckpt dump --subtree -o "$BATS_TEST_TMPDIR/a.img" -p "$INIT"
	assert_success
	ctk_kill_wait "$V2/c"
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/a.img"
	assert_success
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/b.img" ":$REL/r"
	run cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
	assert_success
	assert_output ""
}

@test "restore: a daemon double-forked in this namespace (its session leader gone), dumped with --subtree and with -p, comes back in its session through a helper" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c"
	cattach ":$REL/c" -- sh -c 'setsid sh -c "sleep 1000 >/dev/null 2>&1 3>&- & exit"' >/dev/null 2>&1 3>&-
	ctk_wait_until has_procs "$V2/c"
	d=$(cat "$V2/c/cgroup.procs")
	CTK_PIDS="${CTK_PIDS:-} $d"
	sid=$(ps -o sid= -p "$d" | tr -d ' ')
	# its session's leader is gone
	[ "$sid" != "$d" ]
	run ! kill -0 "$sid"
	for how in "--subtree :$REL/c" "-p $d"; do
		run cckpt dump --subtree -o "$BATS_TEST_TMPDIR/a.img" ${how#--subtree }
		assert_success
		[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq -c '[.tasks[0].pid[0], .tasks[0].sid[0]]')" = "[$d,$sid]" ]
		kill -9 "$d"
		# pid 1 reaps it lazily: the recorded pids must be free first
		ctk_wait_until gone_all "$d"
		run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/a.img"
		assert_success
		assert_output "restored 1 tasks; root $d in :$REL/r"
		[ "$(ps -o sid= -p "$d" | tr -d ' ')" = "$sid" ]
		cckpt dump --subtree -o "$BATS_TEST_TMPDIR/b.img" ":$REL/r"
		run cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/b.img"
		assert_success
		assert_output ""
		# the restored one is the daemon the second round dumps
		echo "$d" > "$V2/c/cgroup.procs"
		rmdir "$V2/r"
	done
}

@test "dump: a task entered with nsenter (its parent outside the namespace) is named as such, in container and subtree mode, before anything is written" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	cattach ":$REL/c" -- unshare --pid --fork setsid sh -c 'sleep 1000 & wait' >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_quiet "$V2/c" 3
	INIT=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk '/^NSpid:/ { if ($NF == 1 && NF == 3) print FILENAME }' "/proc/$p/status"; done |
		head -n1 | cut -d/ -f3)
	cattach ":$REL/c" -- nsenter -t "$INIT" -p -- sleep 1000 >/dev/null 2>&1 3>&- &
	NS=$!	# cattach runs nsenter in its place
	CTK_PIDS="${CTK_PIDS:-} $NS"
	ctk_wait_quiet "$V2/c" 5
	# unshare and nsenter out: the init's tree and the entered sleep
	contain_tree 5
	E=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk -v ns="$NS" -v p="$p" '$4 == ns { print p }' "/proc/$p/stat"; done)
	[ -n "$E" ]
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_failure 1
	[ "$stderr" = "cckpt: :$REL/c: task $E: not a descendant of the init $INIT, though in its namespace: it entered with setns, as nsenter does (-p $INIT dumps the init's tree)" ]
	run --separate-stderr cckpt dump --subtree -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_failure 1
	[[ $stderr == *": not written: restore could not make this tree: task "*": in the pid namespace of the init (task 0), its parent outside: it entered with setns, as nsenter does, which restore does not do" ]]
	[ ! -e "$BATS_TEST_TMPDIR/a.img" ]
	# the init's own tree is whole
	run cckpt dump -o "$BATS_TEST_TMPDIR/a.img" -p "$INIT"
	assert_success
}

@test "dump: a task entered with nsenter by a task of the image (its parent one namespace up) is named as such, before anything is written" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	# the container's init starts a namespace, then enters it with
	# nsenter (its own /proc: --mount-proc)
	cattach ":$REL/c" -- unshare --pid --fork --mount-proc setsid bash -c '
		unshare --pid --fork sleep 1000 & u=$!
		until i=$(cat /proc/$u/task/$u/children 2>/dev/null) && [ -n "$i" ]; do sleep 0.01; done
		nsenter -t $i -p -- sleep 1000 & wait' >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	contain_tree 5
	run --separate-stderr cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_failure 1
	[[ $stderr =~ ^"cckpt: :$REL/c: task "[0-9]+": in a pid namespace its parent "[0-9]+" is not in, and not its init: it entered with setns, as nsenter does, which restore does not do"$ ]]
	[ ! -e "$BATS_TEST_TMPDIR/a.img" ]
}

# exiting PID: the kernel's PF_EXITING in /proc/PID/stat (comm has no space)
exiting() { [ $(($(awk '{ print $9 }' "/proc/$1/stat" 2>/dev/null || echo 0) & 4)) -ne 0 ]; }
child_of() { [ -n "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]; }

@test "dump -p (stopped by SIGSTOP) of a tree whose namespace init is exiting (a dying namespace): the init is not a task, no wait for a stop" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c"
	cattach ":$REL/c" -- unshare --pid --fork sleep 1000 >/dev/null 2>&1 3>&- &
	U=$!	# cattach runs unshare in its place
	CTK_PIDS="${CTK_PIDS:-} $U"
	ctk_wait_until child_of "$U"
	I=$(awk '{ print $1 }' "/proc/$U/task/$U/children")
	# a task that entered the namespace, whose parent never waits: killed
	# with the init, it stays a zombie, and the init waits for it in exit
	cattach ":$REL/c" -- /usr/bin/python3 -c '
import ctypes, os, sys, time
fd = os.open("/proc/%s/ns/pid" % sys.argv[1], os.O_RDONLY)
if ctypes.CDLL(None).setns(fd, 0x20000000) != 0:
    sys.exit(1)
if os.fork() == 0:
    time.sleep(1000)
    os._exit(0)
print("entered", flush=True)
time.sleep(1000)' "$I" > "$BATS_TEST_TMPDIR/entered" 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until test -s "$BATS_TEST_TMPDIR/entered"
	[ "$(cat "$BATS_TEST_TMPDIR/entered")" = entered ]
	kill -9 "$I"
	ctk_wait_until exiting "$I"
	run --separate-stderr cckpt dump --timeout 5 -o "$BATS_TEST_TMPDIR/a.img" -p "$U"
	assert_success
	# the unshare alone: the dying init is not recorded
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq -c '[.tasks[].pid[0]]')" = "[$U]" ]
	# and it was thawed
	[ "$(ctk_task_state "$U")" != T ]
	# with the freezer (the container, as a subtree): the same
	run --separate-stderr cckpt dump --timeout 5 --subtree -o "$BATS_TEST_TMPDIR/b.img" ":$REL/c"
	assert_success
	run ! grep -qx "$I" <(cckpt show -J "$BATS_TEST_TMPDIR/b.img" | jq '.tasks[].pid[0]')
}

in_fork() { [ "$(ctk_task_state "$1")" = D ]; }
sleeping() { [ "$(ctk_task_state "$1")" = S ]; }

@test "dump -p (stopped by SIGSTOP) of a vfork parent whose child never execs: read as it is, no wait for a stop that cannot come" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c"
	cattach ":$REL/c" -- "$THREADS" -v > "$BATS_TEST_TMPDIR/v" 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until test -s "$BATS_TEST_TMPDIR/v"
	P=$(cat "$BATS_TEST_TMPDIR/v")
	ctk_wait_until in_fork "$P"
	C=$(pgrep -P "$P")
	run cckpt dump --subtree --timeout 5 -o "$BATS_TEST_TMPDIR/a.img" -p "$P"
	assert_success
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq -c '[.tasks[].pid[0]]')" = "[$P,$C]" ]
	# thawed: the child runs on, the parent still waits in its fork
	ctk_wait_until sleeping "$C"
	[ "$(ctk_task_state "$P")" = D ]
}

@test "restore: hostile images are refused before any process exists" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	for f in pid-two-namespaces parent-later crc unrestorable; do
		run --separate-stderr cckpt restore --into ":$REL/r" "$FIXTURES/ckpt/$f.img"
		assert_failure 1
		[ ! -e "$V2/r" ]
	done
	[[ "$stderr" == *"cannot be restored: task 5: its process group cannot be had"* ]]
	run cckpt restore --into ":$REL/r" "$FIXTURES/ckpt/failed.img"
	assert_failure 1
}

@test "restore: a failure half-way kills and reaps what was made, and removes the container" {
	round_trip 2
	ctk_kill_wait "$V2/r"
	# an invalid threaded domain takes no process: the root, already
	# cloned, cannot be placed
	mkdir "$V2/t" "$V2/d"
	echo threaded > "$V2/t/cgroup.type" || skip "no threaded cgroups"
	run --separate-stderr cckpt restore --into ":$REL/d/x" "$BATS_TEST_TMPDIR/a.img"
	assert_failure 1
	[ ! -e "$V2/d/x" ]
	# nothing it made runs on (zombies of the killed trees aside)
	ctk_wait_until no_live_cckpt
}

@test "restore --into a container that holds a task: refused, the task untouched and nothing made; --join restores beside it" {
	round_trip 1
	ctk_kill_wait "$V2/r"
	mkdir "$V2/busy"
	ctk_spawn_sleeper; s=$SLEEPER
	echo "$s" > "$V2/busy/cgroup.procs"
	run --separate-stderr cckpt restore --into ":$REL/busy" "$BATS_TEST_TMPDIR/a.img"
	assert_failure 1
	[ "$stderr" = "cckpt: :$REL/busy: holds tasks already (--join restores beside them)" ]
	[ "$(cat "$V2/busy/cgroup.procs")" = "$s" ]
	run cckpt restore --join "$BATS_TEST_TMPDIR/a.img"
	assert_failure 2
	run cckpt restore --into ":$REL/busy" --join "$BATS_TEST_TMPDIR/a.img"
	assert_success
	[ "$(wc -l < "$V2/busy/cgroup.procs")" = $(($(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '[.tasks[] | select(.thread | not)] | length') + 1)) ]
	kill -0 "$s"
}

@test "restore: SIGTERM or SIGHUP while it runs: undone and ended by the signal, or done, said, exit 0; never half" {
	spawn_init 202 "for i in \$(seq 200); do sleep 1000 & done; wait"
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	ctk_kill_wait "$V2/c"
	n=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.tasks | length')
	img=$BATS_TEST_TMPDIR/a.img
	for sig in TERM HUP; do
		cckpt restore --into ":$REL/r$sig" "$img" > "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
		p=$!
		# held still while the signal comes: it is under way
		ctk_wait_until has_procs "$V2/r$sig"
		early=0
		if ! kill -STOP "$p" 2>/dev/null; then
			early=1	# done, and reaped, before the signal
		elif [ "$(ctk_task_state "$p")" = Z ]; then
			early=1	# a zombie takes signals too: done before
		fi
		kill -"$sig" "$p" 2>/dev/null || true
		kill -CONT "$p" 2>/dev/null || true
		rc=0
		wait "$p" || rc=$?
		echo "SIG$sig: exit $rc: $(cat "$BATS_TEST_TMPDIR/err")" >&2
		if [ "$rc" = 0 ]; then
			# the last step was past: done, and said
			grep -q "^restored $n tasks; root [0-9]* in :$REL/r$sig\$" "$BATS_TEST_TMPDIR/out"
			if [ "$early" = 1 ]; then
				[ ! -s "$BATS_TEST_TMPDIR/err" ]
			else
				[ "$(cat "$BATS_TEST_TMPDIR/err")" = "cckpt: $img: restored; SIG$sig came meanwhile and was held: the restore stands" ]
			fi
			[ "$(wc -l < "$V2/r$sig/cgroup.procs")" = "$n" ]
		else
			# undone: the signal's own status, one line, nothing left
			[ "$rc" = $((128 + $(kill -l "$sig"))) ]
			[ "$(cat "$BATS_TEST_TMPDIR/err")" = "cckpt: $img: interrupted by SIG$sig: what was restored is undone" ]
			[ ! -s "$BATS_TEST_TMPDIR/out" ]
			[ ! -e "$V2/r$sig" ]
		fi
	done
}

procs_at_least() { [ "$(cat "$1/cgroup.procs" 2>/dev/null | wc -l)" -ge "$2" ]; }

# kill_restore_at NAME K N: restore a.img into $V2/NAME/r and kill -9 cckpt
# once K of its tasks exist (unless it is done); then $V2/NAME holds either
# the whole tree of N tasks (done before the kill, every task stopped as a
# placeholder) or nothing (undone: every task went by itself, then the
# guard removed the container and the parent it made); never tasks left
# waiting
kill_restore_at() {
	# a thousand tasks that each notice the restorer's death, on a busy
	# machine: a longer bound (it ends only a wait that would never end)
	local p CTK_WAIT_SECS=$((CTK_WAIT_SECS * 3))
	cckpt restore --into ":$REL/$1/r" "$BATS_TEST_TMPDIR/a.img" > /dev/null 2>&1 &
	p=$!
	ctk_wait_until procs_at_least "$V2/$1/r" "$2"
	kill -9 "$p" 2>/dev/null || true	# unless done
	wait "$p" 2>/dev/null || true
	if ! ctk_wait_until whole_or_gone "$V2/$1" "$3"; then
		left_behind "$V2/$1" >&2
		return 1
	fi
}
# what a restore left that is neither whole nor gone: for the log
left_behind() {
	local d p
	find "$1" -type d | while read -r d; do
		echo "left: $d: $(wc -l < "$d/cgroup.procs") processes," \
			"$(tr '\n' ' ' < "$d/cgroup.events")"
	done
	for p in $(cat $(find "$1" -name cgroup.procs) | head -20); do
		echo "left: $p: $(cut -d' ' -f3-5 "/proc/$p/stat" 2>/dev/null)" \
			"wchan $(cat "/proc/$p/wchan" 2>/dev/null)"
	done
	ps -eo pid,ppid,stat,comm | awk '$4 ~ /^cckpt/' | sed 's/^/left: /'
}
empty_or_gone() {
	[ ! -e "$1/cgroup.events" ] || grep -qx 'populated 0' "$1/cgroup.events" 2>/dev/null
}
whole_or_gone() {
	[ ! -e "$1" ] && return 0
	[ "$(cat "$1/r/cgroup.procs" 2>/dev/null | wc -l)" = "$2" ] &&
		all_stopped "$1/r" 2>/dev/null
}

@test "restore: cckpt killed with SIGKILL at any step leaves nothing: each task watches the restorer, a guard removes the containers it made" {
	spawn_init 62 "for i in \$(seq 60); do sleep 1000 & done; wait"
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	ctk_kill_wait "$V2/c"
	n=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.tasks | length')
	# killed after 1, 20, 40 and 58 of its tasks exist
	for k in 1 20 40 58; do
		kill_restore_at "k$k" "$k" "$n"
	done
}

@test "restore: kill -9 at 20 random moments of a 1000-task restore leaves, each time, nothing or the whole tree" {
	local n0 n k i step
	n0=$(ctk_scale 1000)
	spawn_init $((n0 + 1)) "for i in \$(seq $((n0 - 1))); do sleep 1000 & done; wait"
	cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	ctk_kill_wait "$V2/c"
	ctk_kill_wait "$V2/out"
	n=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '.tasks | length')
	[ "$n" -ge "$n0" ]
	step=$(((n - 1) / 20))
	for i in $(seq 0 19); do
		# a moment in the i-th twentieth of the tree's making
		k=$((1 + i * step + RANDOM % step))
		echo "kill after $k of $n tasks" >&2
		kill_restore_at "k$i" "$k" "$n"
		# a tree that was done before the kill goes before the next;
		# cckpt killed after the commit but before it told its guard,
		# the guard removes the container once its tasks are gone
		if [ -e "$V2/k$i/r" ]; then
			echo 1 > "$V2/k$i/r/cgroup.kill" 2>/dev/null || true
			ctk_wait_until empty_or_gone "$V2/k$i/r"
		fi
	done
}

@test "restore -- COMMAND: each process runs it with CKPT_PID, CKPT_PGID, CKPT_SID" {
	round_trip 2
	ctk_kill_wait "$V2/r"
	out=$BATS_TEST_TMPDIR/cmd.out
	# a command that stays: an init whose command ends takes its
	# namespace with it (the kernel's rule)
	run cckpt restore --into ":$REL/r2" "$BATS_TEST_TMPDIR/a.img" -- sh -c 'echo "$CKPT_PID $CKPT_PGID $CKPT_SID" >> "$0"; exec sleep 1000 >/dev/null 2>&1' "$out"
	assert_success
	want=$(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq '[.tasks[] | select(.thread | not)] | length')
	ctk_wait_until ctk_lines_at_least "$out" "$want"
	[ "$(wc -l < "$out")" = "$want" ]
	# each line is a task of the image, numbered in its own namespace
	diff <(sort -n "$out") <(cckpt show -J "$BATS_TEST_TMPDIR/a.img" | jq -r '.tasks[] | select(.thread | not) | .depth as $d | "\(.pid[$d]) \(if (.pgid | length) > $d then .pgid[$d] else 0 end) \(if (.sid | length) > $d then .sid[$d] else 0 end)"' | sort -n)
}

@test "restore --freeze: frozen; a dump of it leaves it frozen" {
	round_trip 1
	ctk_kill_wait "$V2/r"
	run cckpt restore --freeze --into ":$REL/f" "$BATS_TEST_TMPDIR/a.img"
	assert_success
	grep -qx 'frozen 1' "$V2/f/cgroup.events"
	cckpt dump -o "$BATS_TEST_TMPDIR/c.img" ":$REL/f"
	grep -qx 'frozen 1' "$V2/f/cgroup.events"
	cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/c.img"
}

@test "restore without --into: a fresh pid namespace whose root it prints" {
	round_trip 1
	ctk_kill_wait "$V2/r"
	run cckpt restore "$BATS_TEST_TMPDIR/a.img"
	assert_success
	root=$(awk '{print $NF}' <<< "$output")
	CTK_PIDS="${CTK_PIDS:-} $root"
	[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$root/status")" = 1 ]
	run cckpt dump -o "$BATS_TEST_TMPDIR/n.img" -p "$root"
	assert_success
	cckpt diff "$BATS_TEST_TMPDIR/a.img" "$BATS_TEST_TMPDIR/n.img"
	kill -9 "$root"
}

@test "dump: a tree that holds cckpt or its ancestor is refused before any stop" {
	T=$BATS_TEST_TMPDIR
	# the shell that runs cckpt is the dumped root: it must not stop. It
	# says so itself: it goes on after cckpt (a stopped shell would wait
	# for timeout's SIGKILL) and no SIGCONT reached it (a stop undone)
	run --separate-stderr timeout -s KILL 30 bash -c "exec 3>&-; trap 'echo continued' CONT
		cckpt dump -o '$T/a.img' -p \$\$; echo \"after \$?\""
	assert_success
	assert_output "after 1"
	[[ "$stderr" == "cckpt: process "*": an ancestor of cckpt: stopping it would stop cckpt"* ]]
	[ "${#stderr_lines[@]}" = 1 ]
	[ ! -e "$T/a.img" ]
}

@test "dump -o replaces a regular file only: never a FIFO, a device or a symlink" {
	T=$BATS_TEST_TMPDIR
	ctk_spawn_sleeper
	mkfifo "$T/fifo"
	echo precious > "$T/victim"
	ln -s "$T/victim" "$T/link"
	mknod "$T/null" c 1 3	# a device of the test's own, not the machine's /dev/null
	for o in "$T/fifo" "$T/link" "$T/null"; do
		run --separate-stderr timeout 30 cckpt dump -o "$o" -p "$SLEEPER"
		assert_failure 1
		[[ "$stderr" == *"exists and is not a regular file: not replaced"* ]]
	done
	[ -p "$T/fifo" ]
	[ -L "$T/link" ]
	[ "$(cat "$T/victim")" = precious ]
	[ -c "$T/null" ]
	# no temporary image is left beside them
	[ -z "$(find "$T" -maxdepth 1 -name '*.img.??????' -o -maxdepth 1 -name 'null.??????')" ]
	run cckpt dump -o "$T/victim" -p "$SLEEPER"
	assert_success
	run cckpt verify "$T/victim"
	assert_success
}

@test "restore: a pid this machine cannot give is refused before any fork" {
	[ "$(cat /proc/sys/kernel/pid_max)" -le 4194303 ] || skip "pid_max is above the fixture's largest pid"
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	run --separate-stderr cckpt restore --into ":$REL/r" "$FIXTURES/ckpt/valid-pid-over-max.img"
	assert_failure 1
	[[ "$stderr" == *"cannot be restored: pid 4194303 (level 0) is not below the pid_max $(cat /proc/sys/kernel/pid_max) of this pid namespace" ]]
	[ ! -e "$V2/r" ]
}

# ns_pid_max DIR: "INNER_LEVEL PID_MAX" of each pid-namespace init in DIR
ns_pid_max() {
	local p
	for p in $(cat "$1/cgroup.procs"); do
		awk '/^NSpid:/ { exit !($NF == 1) }' "/proc/$p/status" || continue
		echo "$(awk '/^NSpid:/ { print NF - 1 }' "/proc/$p/status") $(nsenter -t "$p" -p -- cat /proc/sys/kernel/pid_max)"
	done | sort
}

@test "the pid_max of each pid namespace (Linux 6.14+) is recorded, given back to the namespaces restore makes, and the pid the dump's reader took is given back" {
	here=$(cat /proc/sys/kernel/pid_max)
	fresh=$(unshare --pid --fork cat /proc/sys/kernel/pid_max)
	[ "$fresh" != "$here" ] ||
		skip "a new pid namespace's pid_max is this one's: one pid_max per machine (before Linux 6.14), or equal here"
	spawn_init 4 'echo 50000 > /proc/sys/kernel/pid_max
		unshare --pid --fork sh -c "echo 60000 > /proc/sys/kernel/pid_max; exec sleep 1000" & wait'
	dump_json
	[ "$(echo "$output" | jq -c '[.ns_pid_max[].pid_max] | sort')" = "[50000,60000]" ]
	# the reader's number is free again: the nested namespace's next
	# pid is 2, as if no dump had been
	init=$(for p in $(cat "$V2/c/cgroup.procs"); do awk -v p="$p" '/^NSpid:/ { if (NF == 4) print p }' "/proc/$p/status"; done)
	[ "$(nsenter -t "$init" -p -- sh -c 'echo $$')" = 2 ]
	[ "$(ns_pid_max "$V2/c")" = "$(printf '2 50000\n3 60000')" ]
	restore_same
	[ "$(ns_pid_max "$V2/r")" = "$(printf '2 50000\n3 60000')" ]
}

@test "a container whose pids are above this namespace's pid_max (its own namespace's is higher: Linux 6.14+) dumps and restores" {
	here=$(cat /proc/sys/kernel/pid_max)
	fresh=$(unshare --pid --fork cat /proc/sys/kernel/pid_max)
	[ "$fresh" -gt $((here + 100)) ] ||
		skip "a new pid namespace's pid_max ($fresh) is not above this one's ($here): one pid_max per machine (before Linux 6.14), or raised here"
	# the init sets its namespace's last pid above this one's pid_max
	spawn_init 3 "echo $here > /proc/sys/kernel/ns_last_pid; sleep 1000 & wait"
	dump_json
	[ "$(echo "$output" | jq "[.tasks[] | select(.pid[-1] > $here)] | length")" = 1 ]
	restore_same
}

@test "restore -- COMMAND: a command that cannot run is 127 or 126 before the first fork, nothing left" {
	spawn_tree 1
	IMG=$BATS_TEST_TMPDIR/a.img
	cckpt dump -o "$IMG" ":$REL/c"
	run --separate-stderr cckpt restore --into ":$REL/r" "$IMG" -- /nonexistent/cmd
	assert_failure 127
	[ "$stderr" = "cckpt: /nonexistent/cmd: command not found" ]
	run --separate-stderr cckpt restore --into ":$REL/r" "$IMG" -- no-such-command-ctk
	assert_failure 127
	run --separate-stderr cckpt restore --into ":$REL/r" "$IMG" -- /etc/passwd
	assert_failure 126
	[ ! -e "$V2/r" ]
}

@test "restore: placeholders of a subtree survive the orphaned-group SIGHUP when cckpt exits" {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	# a group leader in this session (its session leader is outside)
	bash -c 'set -m; sleep 1000 & echo $! > "$1"; exec sleep 1000' sh "$BATS_TEST_TMPDIR/pid" >/dev/null 2>&1 3>&- &
	par=$!
	CTK_PIDS="${CTK_PIDS:-} $par"
	ctk_wait_until test -s "$BATS_TEST_TMPDIR/pid"
	p=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(ps -o pgid= -p "$p" | tr -d ' ')" = "$p" ]
	cckpt dump --subtree -o "$BATS_TEST_TMPDIR/s.img" -p "$p"
	[ "$(cckpt show -J "$BATS_TEST_TMPDIR/s.img" | jq '.tasks[0].sid')" = null ]
	# its pid must be free again: its parent goes too, and pid 1 reaps
	# it (lazily, here)
	kill -9 "$p" "$par"
	wait "$par" 2>/dev/null || true
	ctk_wait_until test ! -e "/proc/$p"
	run cckpt restore --into ":$REL/r" "$BATS_TEST_TMPDIR/s.img"
	assert_success
	assert_output "restored 1 tasks; root $p in :$REL/r"
	# the kernel sends the SIGHUP as cckpt exits, before run returns: the
	# task is hit already or never will be
	ctk_untouched "$p"
	grep -qx "$p" "$V2/r/cgroup.procs"
}

# spawn_init N SCRIPT: bash running SCRIPT as the init (a session leader) of
# a new pid namespace in $V2/c, contained once N processes are there
spawn_init() {
	ctk_v2_scratch
	REL=${V2#$(ctk_v2_root)}
	mkdir "$V2/c" "$V2/out"
	READY=$BATS_TEST_TMPDIR/ready
	export READY
	cattach ":$REL/c" -- unshare --pid --fork setsid bash -c "$2" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	# a script with steps in time says when it is done with them
	[[ $2 != *READY* ]] || ctk_wait_until test -e "$READY"
	contain_tree "$1"
}

# dump_json: the tasks of $V2/c as cckpt show -J prints them, in $output
dump_json() {
	run sh -c "cckpt dump -o '$BATS_TEST_TMPDIR/x.img' ':$REL/c' && cckpt show -J '$BATS_TEST_TMPDIR/x.img'"
	assert_success
}


@test "a dump of 150 processes, read by two threads, agrees with /proc and round-trips" {
	spawn_init 152 "for i in \$(seq 150); do
			if [ \$((i % 7)) = 0 ]; then setsid sleep 1000 & else sleep 1000 & fi
			if [ \$i = 100 ]; then $THREADS 2 >/dev/null & fi
		done; wait"
	INIT=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk '/^NSpid:/ { if ($NF == 1 && NF == 3) print FILENAME }' "/proc/$p/status"; done |
		head -n1 | cut -d/ -f3)
	run cckpt dump -o "$BATS_TEST_TMPDIR/a.img" ":$REL/c"
	assert_success
	diff <(proc_view "$(host_level)") <(image_view "$BATS_TEST_TMPDIR/a.img")
	# every task of the container (the diff above: each one's numbers)
	run sh -c "cckpt show -J '$BATS_TEST_TMPDIR/a.img' | jq -c '[(.tasks | length), ([.tasks[] | select(.thread)] | length)]'"
	assert_output "[$(wc -l < "$V2/c/cgroup.threads"),2]"
	[ "$(wc -l < "$V2/c/cgroup.procs")" -ge 152 ]
	restore_same
}

@test "restore: a daemon double-forked out of a live session" {
	spawn_init 4 'setsid bash -c "sh -c \"sleep 1000 &\"; exec sleep 1000" & wait'
	# the orphan: under the init, in the session of its sibling
	dump_json
	[ "$(echo "$output" | jq '[.tasks[] | select(.ppid == [1] and .sid != [1] and .sid != .pid)] | length')" = 1 ]
	restore_same
}

@test "restore: a nested init whose outer group lost its leader and every other member" {
	# the nested init says it runs; its parent (the group's leader) is killed
	spawn_init 3 'set -m; unshare --pid --fork sh -c "touch \"\$READY.in\"; exec sleep 1000" &
		until [ -e "$READY.in" ]; do sleep 0.01; done
		kill -9 $!; touch "$READY"; exec sleep 1000'
	dump_json
	# the nested init is alone in a group whose leader is gone
	[ "$(echo "$output" | jq '[.tasks[] | select((.pid | length) == 2)] | length')" = 1 ]
	restore_same
}

@test "restore: a job-control shell's job that starts a pid namespace (its init in a group its namespace cannot see)" {
	# the job (unshare) leads its group; the nested init is in it
	spawn_init 3 'set -m; unshare --pid --fork sleep 1000 & wait'
	dump_json
	[ "$(echo "$output" | jq '[.tasks[] | select((.pid | length) == 2 and .pgid == [2])] | length')" = 1 ]
	restore_same
}

@test "dump: a zombie is not a task, in -p mode as in container mode" {
	ctk_spawn_zombie
	run sh -c "cckpt dump --subtree -o '$BATS_TEST_TMPDIR/z.img' -p $ZPARENT && cckpt show -J '$BATS_TEST_TMPDIR/z.img'"
	assert_success
	[ "$(echo "$output" | jq '.tasks | length')" = 1 ]
	[ "$(echo "$output" | jq '.tasks[0].pid[0]')" = "$ZPARENT" ]
}

@test "random trees: 50 fixed seeds round-trip with identical numbers at every level" {
	command -v jq >/dev/null || skip "no jq"
	ctk_need_v2	# the trees are made in v2 scratch containers
	run "$CTK_SRCDIR/tests/helpers/randtree-roundtrip" "$CTK_BUILDDIR" 50 1 40
	assert_success
	assert_line "randtree: 50 passed, 0 failed"
}
