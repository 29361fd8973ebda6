#!/usr/bin/env bats
# bats file_tags=root
# cattach on the real kernel, every move cross-checked in /proc/PID/cgroup.

load helpers/common

setup_file() { ctk_root_setup_file; }
setup() {
	ctk_root_setup
	V1=$(ctk_v1_path)
	mkdir -p "$V1/a" "$V1/b"
}
teardown() { ctk_root_teardown; }
teardown_file() { ctk_root_teardown_file; }

@test "move one process" {
	ctk_spawn_sleeper
	run cattach name=ctk-test:/a "$SLEEPER"
	assert_success
	[ "$(ctk_cgroup_of "$SLEEPER" name=ctk-test)" = /a ]
}

@test "move many processes, by every spec form" {
	ctk_spawn_sleeper; p1=$SLEEPER
	ctk_spawn_sleeper; p2=$SLEEPER
	run cattach "$V1/b" "$p1" "$p2"
	assert_success
	[ "$(ctk_cgroup_of "$p1" name=ctk-test)" = /b ]
	[ "$(ctk_cgroup_of "$p2" name=ctk-test)" = /b ]
}

@test "a process moves with all its threads; -t moves one thread" {
	ctk_spawn_threads 3
	run cattach name=ctk-test:/a "$HELPER"
	assert_success
	for t in $HELPER_TIDS; do [ "$(ctk_cgroup_of "$t" name=ctk-test)" = /a ]; done
	one=$(echo "$HELPER_TIDS" | head -n1)
	run cattach -t name=ctk-test:/b "$one"
	assert_success
	[ "$(ctk_cgroup_of "$one" name=ctk-test)" = /b ]
	[ "$(ctk_cgroup_of "$HELPER" name=ctk-test)" = /a ]
	grep -qx "$one" "$V1/b/tasks"
}

@test "run a command inside; -C gives it a cgroup namespace rooted there" {
	run cattach name=ctk-test:/a -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/a$'
	run cattach -C name=ctk-test:/a -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/$'
	# the command's exit status is its own
	run cattach name=ctk-test:/a -- sh -c 'exit 7'
	assert_failure 7
}

@test "a command not found is 127, not executable 126" {
	run --separate-stderr cattach name=ctk-test:/a -- /nonexistent/cmd
	assert_failure 127
	[ "$stderr" = "cattach: /nonexistent/cmd: command not found" ]
	printf 'x' > "$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	run --separate-stderr cattach name=ctk-test:/a -- "$BATS_TEST_TMPDIR/noexec"
	assert_failure 126
	[[ "$stderr" == *"cannot execute: Permission denied" ]]
}

@test "-g attaches to several hierarchies at once" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	ctk_spawn_sleeper
	run cattach -g name=ctk-test:/b -g ":$rel" "$SLEEPER"
	assert_success
	[ "$(ctk_cgroup_of "$SLEEPER" name=ctk-test)" = /b ]
	[ "$(ctk_cgroup_of "$SLEEPER" "")" = "$rel" ]
}

@test "-a moves every task of FROM" {
	ctk_spawn_sleeper; p1=$SLEEPER
	ctk_spawn_sleeper; p2=$SLEEPER
	ctk_spawn_threads 2
	echo "$p1" > "$V1/a/cgroup.procs"
	echo "$p2" > "$V1/a/cgroup.procs"
	echo "$HELPER" > "$V1/a/cgroup.procs"
	run cattach -a name=ctk-test:/a name=ctk-test:/b
	assert_success
	[ -z "$(cat "$V1/a/tasks")" ]
	[ "$(wc -l < "$V1/b/tasks")" = 5 ]
}

@test "-a across hierarchies is refused" {
	ctk_v2_scratch
	run --separate-stderr cattach -a name=ctk-test:/a ":${V2#$(ctk_v2_root)}"
	assert_failure 2
	[[ "$stderr" == *"not in the same hierarchy"* ]]
}

@test "a nonexistent pid: no such process" {
	run --separate-stderr cattach name=ctk-test:/a 4194304
	assert_failure 1
	[ "$stderr" = "cattach: 4194304: cannot move to name=ctk-test:/a: no such process" ]
}

@test "a zombie is refused, not reported as moved" {
	ctk_spawn_zombie
	run --separate-stderr cattach name=ctk-test:/a "$ZOMBIE"
	assert_failure 1
	[[ "$stderr" == *"process is a zombie"* ]]
	run ! grep -qx "$ZOMBIE" "$V1/a/cgroup.procs"
}

@test "a kernel thread is refused" {
	run --separate-stderr cattach name=ctk-test:/a 2
	assert_failure 1
	[[ "$stderr" == *"a kernel thread cannot be moved"* ]]
	[ "$(ctk_cgroup_of 2 name=ctk-test)" = / ]
}

@test "some moved, some not: exit 4" {
	ctk_spawn_sleeper
	run --separate-stderr cattach name=ctk-test:/a "$SLEEPER" 4194304
	assert_failure 4
	[ "$(ctk_cgroup_of "$SLEEPER" name=ctk-test)" = /a ]
	[ "${#stderr_lines[@]}" = 1 ]
}

@test "a container that does not exist" {
	ctk_spawn_sleeper
	run --separate-stderr cattach name=ctk-test:/nope "$SLEEPER"
	assert_failure 1
	[ "$stderr" = "cattach: name=ctk-test:/nope: no such container" ]
}

@test "v2: an invalid threaded domain is EOPNOTSUPP in words" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/t" "$V2/d"
	echo threaded > "$V2/t/cgroup.type" || skip "threaded cgroups unavailable"
	[ "$(cat "$V2/d/cgroup.type")" = "domain invalid" ] || skip "sibling not invalid here"
	ctk_spawn_sleeper
	run --separate-stderr cattach ":$rel/d" "$SLEEPER"
	assert_failure 1
	[[ "$stderr" == *"invalid threaded domain"* ]]
}

@test "--rules classifies by /etc/cgrules.conf through libcgroup" {
	ctk_spawn_sleeper
	# a private /etc for this one command: the real one stays untouched
	fake=$BATS_TEST_TMPDIR/etc
	mkdir -p "$fake" "$BATS_TEST_TMPDIR/realetc"
	printf 'root:sleep\tname=ctk-test\t/b\n' > "$fake/cgrules.conf"
	run unshare -m --propagation private sh -c '
		mount --bind /etc "$2" &&
		for f in "$2"/*; do ln -s "$f" "$1/${f##*/}" 2>/dev/null; done
		rm -f "$1/cgrules.conf.lnk"
		mount --bind "$1" /etc && exec cattach --rules "$3"' sh "$fake" "$BATS_TEST_TMPDIR/realetc" "$SLEEPER"
	assert_success
	[ "$(ctk_cgroup_of "$SLEEPER" name=ctk-test)" = /b ]
}

@test "-v says what moved, PID by PID; with a command, on stderr" {
	mkdir "$V1/v"
	ctk_spawn_sleeper
	run cattach -v name=ctk-test:/v "$SLEEPER"
	assert_success
	assert_output "$SLEEPER: moved to name=ctk-test:/v"
	mkdir "$V1/w"
	run cattach -v -a name=ctk-test:/v name=ctk-test:/w
	assert_success
	assert_output "$SLEEPER: moved to name=ctk-test:/w"
	run --separate-stderr cattach -v name=ctk-test:/v -- echo hi
	assert_success
	[ "$output" = hi ]
	[[ "$stderr" == "cattach: "*": moved to name=ctk-test:/v" ]]
}
