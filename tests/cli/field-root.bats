#!/usr/bin/env bats
# bats file_tags=root
# What a cgroup layout with real controllers changes: the kernel enforcing
# limits, controllers enabled down a path, the v1 controller hierarchies.
# On this host (hybrid, a v2 hierarchy without controllers) most of these
# skip and say so; the field lane (tests/vm/vm) runs them in guests on
# Debian's kernel: pure v2 with every controller (lane v2), v1 controller
# hierarchies (lane v1), both (lane hybrid). Tests that act on the
# machine's own controller hierarchies run only in a guest (CTK_LANE set):
# the host's are never touched.

load helpers/common

setup_file() { ctk_root_setup_file; }
setup() {
	ctk_root_setup
	V1=$(ctk_v1_path)
	T=$BATS_TEST_TMPDIR
	MINE=()
}
teardown() {
	local d
	for d in "${MINE[@]}"; do ctk_cleanup_tree "$d" --self; done
	ctk_root_teardown
}
teardown_file() { ctk_root_teardown_file; }

stopped() { [ "$(ctk_task_state "$1")" = T ]; }
has_procs() { [ -n "$(cat "$1/cgroup.procs")" ]; }
lines_are() { [ "$(wc -l < "$1")" = "$2" ]; }

# v2_with CTRL...: a v2 scratch container ($V2, ":$rel") whose children
# may use each controller, or skip
v2_with() {
	local c
	[ -n "$(ctk_v2_root)" ] || skip "no cgroup2 hierarchy in this layout"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	for c; do
		grep -qw "$c" "$V2/cgroup.controllers" ||
			skip "no $c controller below the v2 root in this layout (the field lane's v2 lane has it)"
	done
}

# v1_hier CTRL: the machine's own v1 hierarchy of CTRL ($H, its mount), and
# a fresh container in it ($C, named $N) removed at teardown; only in a
# guest of the field lane
v1_hier() {
	[ -n "${CTK_LANE:-}" ] ||
		skip "acts on the machine's own v1 $1 hierarchy: runs in the field lane's guests (tests/vm/vm)"
	H=$(awk -v c="$1" '{ for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ",")
		for (k = 1; k <= n; k++) if (o[k] == c) { print $5; exit } }' /proc/self/mountinfo)
	[ -n "$H" ] || skip "no v1 $1 hierarchy in this layout"
	N=ctk-field.$$.$BATS_TEST_NUMBER
	C=$H/$N
	MINE+=("$C")
}

@test "v2: -e enables pids down the path; pids.max holds: a fork past it is refused and counted" {
	v2_with pids
	run cmkdir -p -e +pids -s pids.max=1 ":$rel/p/q"
	assert_success
	grep -qw pids "$V2/p/cgroup.subtree_control"
	[ "$(cat "$V2/p/q/pids.max")" = 1 ]
	run cattach ":$rel/p/q" -- python3 -c '
import os
try:
    os.fork()
    print("forked")
except OSError as e:
    print("refused", e.errno)'
	assert_success
	assert_output "refused 11"
	grep -qx "max 1" "$V2/p/q/pids.events"
}

@test "v2: memory.max holds: a process that allocates past it is killed, memory.events counts it" {
	v2_with memory
	run cmkdir -p -e +memory -s memory.max=32M ":$rel/m"
	assert_success
	[ "$(cat "$V2/m/memory.max")" = 33554432 ]
	[ ! -f "$V2/m/memory.swap.max" ] || echo 0 > "$V2/m/memory.swap.max"
	run cattach ":$rel/m" -- python3 -c 'b = bytearray(256 << 20); print("survived")'
	assert_equal "$status" 137
	refute_output --partial survived
	[ "$(awk '$1 == "oom_kill" { print $2 }' "$V2/m/memory.events")" -ge 1 ]
}

@test "v2: cmount -T -o PATH,memory.current,pids.current -J shows each container's counters" {
	v2_with memory pids
	run cmkdir -p -e +memory,+pids ":$rel/t/a" ":$rel/t/b"
	assert_success
	# started inside: what it allocates is charged there (a moved
	# process leaves its charges behind)
	cattach ":$rel/t/a" -- sleep 1000 >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until has_procs "$V2/t/a"
	run cmount -T -J -o PATH,memory.current,pids.current ":$rel/t"
	assert_success
	[ "$(jq -c '[.containers[0].children[] | [.path, ."pids.current"]]' <<< "$output")" = "[[\"$rel/t/a\",1],[\"$rel/t/b\",0]]" ]
	[ "$(jq '.containers[0].children[0]."memory.current" > 0' <<< "$output")" = true ]
	[ "$(jq '.containers[0]."memory.current" | type' <<< "$output")" = '"number"' ]
}

@test "v2: a tree with controllers round-trips: --copy-from, and cmount -T --cgconfig loaded back by cmkdir --config" {
	v2_with memory pids
	run cmkdir -p -e +memory,+pids -s pids.max=7 -s memory.high=16M ":$rel/src/kid"
	assert_success
	echo 5 > "$V2/src/pids.max"
	run cmkdir -p --copy-from ":$rel/src/kid" ":$rel/copy"
	assert_success
	[ "$(cat "$V2/copy/pids.max")" = 7 ]
	[ "$(cat "$V2/copy/memory.high")" = 16777216 ]
	run cmount -T --cgconfig ":$rel/src"
	assert_success
	snap=$output
	printf '%s\n' "$snap" > "$T/snap.conf"
	run crelease --remove -r ":$rel/src"
	assert_success
	[ ! -e "$V2/src" ]
	run cmkdir --config "$T/snap.conf"
	assert_success
	[ "$(cat "$V2/src/pids.max")" = 5 ]
	[ "$(cat "$V2/src/kid/pids.max")" = 7 ]
	[ "$(cat "$V2/src/kid/memory.high")" = 16777216 ]
	run cmount -T --cgconfig ":$rel/src"
	assert_equal "$output" "$snap"
}

@test "v2: --remove -r where the parent enables controllers: refused before anything with the reason; --to SPEC, a leaf, takes the tasks" {
	v2_with pids
	run cmkdir -p -e +pids ":$rel/r/a/b" ":$rel/r/a/c" ":$rel/r/home"
	assert_success
	grep -qw pids "$V2/r/cgroup.subtree_control"
	sleep 1000 >/dev/null 2>&1 3>&- &
	s=$!
	CTK_PIDS="${CTK_PIDS:-} $s"
	echo "$s" > "$V2/r/a/b/cgroup.procs"
	run --separate-stderr crelease --remove -r ":$rel/r/a"
	assert_failure 1
	assert_equal "$stderr" "crelease: :$rel/r/a: its tasks cannot go to the parent: it has controllers enabled for its children (v2 no-internal-process rule): nothing removed (--to SPEC names a container that may hold them; --kill kills them)"
	[ -d "$V2/r/a/c" ]
	# the same rule for the container --to names
	run --separate-stderr crelease --remove -r --to ":$rel/r" ":$rel/r/a"
	assert_failure 1
	[[ "$stderr" == *"its tasks cannot go to the --to container: it has controllers enabled"* ]]
	run crelease --remove -r -v --to ":$rel/r/home" ":$rel/r/a"
	assert_success
	assert_line "moved 1 task out of :$rel/r/a to :$rel/r/home"
	[ ! -e "$V2/r/a" ]
	kill -0 "$s"
	[ "$(ctk_cgroup_of "$s" "")" = "$rel/r/home" ]
	# an empty tree needs no destination
	run cmkdir -p ":$rel/r/e/f"
	assert_success
	run crelease --remove -r ":$rel/r/e"
	assert_success
	[ ! -e "$V2/r/e" ]
}

@test "v2: a restore --join that fails half-way at pids.max kills and reaps only what it made: the task that was there lives" {
	v2_with pids
	mkdir "$V2/c" "$V2/j"
	cattach ":$rel/c" -- unshare --pid --fork setsid sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	ctk_wait_until lines_are "$V2/c/cgroup.procs" 4
	# the namespace's tree: its init, two sleeps (unshare stays out)
	init=$(for p in $(cat "$V2/c/cgroup.procs"); do
		awk '/^NSpid:/ { if ($NF == 1 && NF == 3) print FILENAME }' "/proc/$p/status"; done |
		head -n1 | cut -d/ -f3)
	cckpt dump -o "$T/a.img" -p "$init"
	# room for the task that is there and the image's init: its first
	# fork fails
	echo +pids > "$V2/cgroup.subtree_control"
	echo 2 > "$V2/j/pids.max"
	ctk_spawn_sleeper; s=$SLEEPER
	echo "$s" > "$V2/j/cgroup.procs"
	run --separate-stderr cckpt restore --into ":$rel/j" --join "$T/a.img"
	assert_failure 1
	[[ $stderr == "cckpt: $T/a.img: "* ]]
	# what it made is gone, reaped; the task that was there is not
	ctk_wait_until lines_are "$V2/j/cgroup.procs" 1
	[ "$(cat "$V2/j/cgroup.procs")" = "$s" ]
	kill -0 "$s"
	[ "$(cat "$V2/j/pids.current")" = 1 ]
}

@test "cmount names cgroup_no_v1= on the kernel command line when it keeps a controller off v1" {
	c=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^cgroup_no_v1=//p' | tr ',' '\n' | grep -vx -e all -e named | head -1)
	[ -n "$c" ] || skip "no controller in cgroup_no_v1= on this kernel's command line (the field lane's v2 lane boots with cgroup_no_v1=memory)"
	mkdir "$T/m"
	run --separate-stderr cmount -c "$c" "$T/m"
	assert_failure 3
	assert_equal "$stderr" "cmount: $c: controller '$c' is off on v1: the kernel command line has cgroup_no_v1= with it (it serves cgroup v2 only)"
	run ! mountpoint -q "$T/m"
}

@test "v1: cattach into the cpu,cpuacct and memory hierarchies at once" {
	v1_hier memory
	M=$C
	v1_hier cpu
	mkdir "$M" "$C"
	run cattach -g "cpu,cpuacct:/$N" -g "memory:/$N" -- cat /proc/self/cgroup
	assert_success
	assert_line --regexp "^[0-9]+:cpu,cpuacct:/$N\$"
	assert_line --regexp "^[0-9]+:memory:/$N\$"
}

@test "v1: a snapshot of a cpu,cpuacct container holds settings, not counters, and loads back" {
	v1_hier cpu
	mkdir "$C"
	echo 512 > "$C/cpu.shares"
	run cmount -T --cgconfig "cpu,cpuacct:/$N"
	assert_success
	snap=$output
	[[ "$snap" == *"cpu.shares = \"512\""* ]]
	[[ "$snap" != *cpuacct.usage* ]]
	[[ "$snap" != *cpuacct.stat* ]]
	printf '%s\n' "$snap" > "$T/snap.conf"
	rmdir "$C"
	run cmkdir --config "$T/snap.conf"
	assert_success
	[ "$(cat "$C/cpu.shares")" = 512 ]
}

@test "v1: the release agent on the cpu,cpuacct hierarchy removes an emptied container" {
	v1_hier cpu
	old=$(cat "$H/release_agent")
	echo "$CTK_BUILDDIR/crelease" > "$H/release_agent"
	mkdir "$C"
	echo 1 > "$C/notify_on_release"
	sleep 1000 >/dev/null 2>&1 3>&- &
	s=$!
	echo "$s" > "$C/tasks"
	kill -9 "$s"
	wait "$s" 2>/dev/null || true
	ctk_wait_until test ! -e "$C"
	echo "$old" > "$H/release_agent"
}

@test "v1: --remove -r --kill counts a dying task once" {
	v1_hier memory
	mkdir "$C"
	python3 -c 'import os, signal; b = bytearray(192 << 20); b[::4096] = b"x" * len(b[::4096]); os.kill(os.getpid(), signal.SIGSTOP)' >/dev/null 2>&1 3>&- &
	p=$!
	CTK_PIDS="${CTK_PIDS:-} $p"
	echo "$p" > "$C/tasks"
	ctk_wait_until stopped "$p"
	run crelease --remove -r --kill -v "memory:/$N"
	assert_success
	assert_line "killed 1 task in memory:/$N"
	[ ! -e "$C" ]
}

@test "v1: a cpuset with no CPUs refuses a task, and cattach says why once" {
	v1_hier cpuset
	mkdir "$C"
	run --separate-stderr cattach "cpuset:/$N" -- true
	assert_failure 1
	assert_equal "$stderr" "cattach: cpuset:/$N: cannot move itself: container has no CPUs or memory nodes to run on (v1 cpuset: set its cpuset.cpus and cpuset.mems first)"
	cat "$H/cpuset.cpus" > "$C/cpuset.cpus"
	cat "$H/cpuset.mems" > "$C/cpuset.mems"
	run cattach "cpuset:/$N" -- true
	assert_success
}

@test "v1: cckpt dump holds a freezer hierarchy's container still through freezer.state, and thaws it" {
	ctk_need_test_hooks
	v1_hier freezer
	mkdir "$C"
	cattach "freezer:/$N" -- setsid sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null 2>&1 3>&- &
	ctk_wait_until lines_are "$C/tasks" 3
	cckpt dump --subtree --pause-frozen "$T/hold" -o "$T/a.img" "freezer:/$N" &
	d=$!
	ctk_wait_until test -e "$T/hold"
	[ "$(cat "$C/freezer.state")" = FROZEN ]
	rm "$T/hold"
	wait "$d"
	[ "$(cat "$C/freezer.state")" = THAWED ]
	for p in $(cat "$C/tasks"); do
		[ "$(ctk_task_state "$p")" != T ]
	done
	run cckpt verify "$T/a.img"
	assert_success
	[ "$(cckpt show -J "$T/a.img" | jq '.pids | length')" -ge 3 ]
}
