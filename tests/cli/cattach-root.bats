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
teardown() {
	# the classification tests' programs, children included
	pkill -9 -f "$BATS_TEST_TMPDIR/prog/" 2>/dev/null
	ctk_root_teardown
}
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
	# v2: a thread alone moves within its threaded subtree only
	ctk_need_v2
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/d" "$V2/e"
	cattach ":$rel/d" "$HELPER"
	run --separate-stderr cattach -t ":$rel/e" "$one"
	assert_refusal 1 cattach
	[[ "$stderr" == *": a thread moves alone only within its process's threaded subtree (cgroup.type threaded), and this container is outside it: move the whole process (without -t)" ]]
	[ "$(ctk_cgroup_of "$one" "")" = "$rel/d" ]
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

@test "run a command inside from a new pid namespace (unshare --pid), with the parent's /proc or a fresh one" {
	command -v unshare >/dev/null || skip "no unshare"
	# cattach is pid 1 there; /proc/1 is the machine's init unless /proc
	# is mounted anew
	run unshare --pid --fork cattach name=ctk-test:/a -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/a$'
	run unshare --pid --fork --mount-proc cattach name=ctk-test:/b -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/b$'
	ctk_need_v2
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run unshare --pid --fork cattach ":$rel" -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line "0::$rel"
}

@test "--transient: a container for one command: made, CMD's status, removed once CMD and all it started have ended" {
	run --separate-stderr cattach -v --transient name=ctk-test:/t -- sh -c 'cat /proc/self/cgroup; exit 3'
	assert_failure 3
	assert_line --regexp '^[0-9]+:name=ctk-test:/t$'
	[ "${stderr_lines[-1]}" = "cattach: removed name=ctk-test:/t" ]
	[ ! -e "$V1/t" ]
	# a child that outlives the command keeps the container, and cattach
	mkfifo "$BATS_TEST_TMPDIR/go"
	cattach --transient name=ctk-test:/t -- sh -c '(read x < "$1"; touch "$2") & touch "$3"' sh \
		"$BATS_TEST_TMPDIR/go" "$BATS_TEST_TMPDIR/bg-done" "$BATS_TEST_TMPDIR/cmd-done" 3>&- &
	tr=$!
	CTK_PIDS="${CTK_PIDS:-} $tr"
	ctk_wait_until test -e "$BATS_TEST_TMPDIR/cmd-done"
	# the command has ended, its child still runs there: all stays
	ctk_wait_until ctk_output_is 1 grep -c '' "$V1/t/tasks"
	kill -0 "$tr"
	[ -d "$V1/t" ]
	echo go > "$BATS_TEST_TMPDIR/go"
	wait "$tr"
	[ -e "$BATS_TEST_TMPDIR/bg-done" ]
	[ ! -e "$V1/t" ]
	# SIGTERM goes to the command; its end is said as a shell says it
	cattach --transient name=ctk-test:/t -- sh -c 'touch "$1"; exec sleep 1000' sh "$BATS_TEST_TMPDIR/up" 3>&- &
	tr=$!
	ctk_wait_until test -e "$BATS_TEST_TMPDIR/up"
	kill -TERM "$tr"
	rc=0
	wait "$tr" || rc=$?
	[ "$rc" = 143 ]
	[ ! -e "$V1/t" ]
	# v2 the same
	ctk_need_v2
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run cattach --transient ":$rel/t" -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line "0::$rel/t"
	[ ! -e "$V2/t" ]
}

@test "--transient refuses a container that exists (never its to remove), and goes with a command only" {
	mkdir "$V1/have"
	run --separate-stderr cattach --transient name=ctk-test:/have -- true
	assert_refusal 1 cattach
	[ "$stderr" = "cattach: name=ctk-test:/have: exists: --transient makes a container of its own" ]
	[ -d "$V1/have" ]
	run --separate-stderr cattach --transient name=ctk-test:/none/t -- true
	assert_refusal 1 cattach
	[ ! -e "$V1/none" ]
	ctk_spawn_sleeper
	run --separate-stderr cattach --transient name=ctk-test:/x "$SLEEPER"
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"--transient goes with SPEC -- COMMAND"* ]]
	[ ! -e "$V1/x" ]
}

@test "inside a cgroup namespace (cattach -C, unshare -C) every tool works, its SPECs relative to the namespace's root" {
	mkdir -p "$V1/ns/sub"
	run cattach -C name=ctk-test:/ns -- sh -c '
		cmkdir name=ctk-test:/made &&
		cattach name=ctk-test:/made -- cat /proc/self/cgroup &&
		cmount -T -r -n -o PATH name=ctk-test:/ &&
		crelease --remove name=ctk-test:/made'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/made$'
	assert_line /made
	assert_line /sub
	[ ! -e "$V1/made" ]
	[ ! -e "$V1/ns/made" ]
	[ -d "$V1/ns/sub" ]
	# v2, through unshare -C in a container of the scratch
	ctk_need_v2
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/n"
	run cattach ":$rel/n" -- unshare -C sh -c 'cmkdir :/x && cmount -T -r -n -o PATH :/ && cat /proc/self/cgroup'
	assert_success
	assert_line /x
	assert_line "0::/"
	[ -d "$V2/n/x" ]
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
	# stat's own reason where stat fails for another reason than a
	# missing file, and a directory said as one (valgrind saw the mode
	# of a stat that had failed read)
	run --separate-stderr cattach name=ctk-test:/a -- "$BATS_TEST_TMPDIR/noexec/cmd"
	assert_refusal 126 cattach
	assert_equal "$stderr" "cattach: $BATS_TEST_TMPDIR/noexec/cmd: cannot execute: Not a directory"
	run --separate-stderr cattach name=ctk-test:/a -- "$BATS_TEST_TMPDIR"
	assert_refusal 126 cattach
	assert_equal "$stderr" "cattach: $BATS_TEST_TMPDIR: cannot execute: Is a directory"
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
	run --separate-stderr cattach -v name=ctk-test:/a "$ZOMBIE"
	assert_refusal 1 cattach
	[[ "$stderr" == *"process is a zombie"* ]]
	# (the kernel never lists a zombie in cgroup.procs: what counts is
	# that nothing is reported as moved, which -v would print)
}

@test "a kernel thread is refused" {
	ctk_kthread
	run --separate-stderr cattach name=ctk-test:/a "$KTHREAD"
	assert_refusal 1 cattach
	[[ "$stderr" == *"a kernel thread cannot be moved"* ]]
	[ "$(ctk_cgroup_of "$KTHREAD" name=ctk-test)" = / ]
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

@test "--rules without FILE classifies by /etc/cgrules.conf" {
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

# --- classification by cgrules.conf (cgclassify, cgexec, cgrulesengd) -------

# Programs with names no process of this machine has, so that the rules
# below can only ever match the test's own processes.
rules_programs() {
	T=$BATS_TEST_TMPDIR/prog
	mkdir -p "$T"
	chmod 755 "$BATS_TEST_TMPDIR" "$T"
	cp /bin/sleep "$T/ctkslp$$"
	cp /usr/bin/perl "$T/ctkperl$$"
	# a script that waits without a child process
	mkfifo "$T/fifo"
	printf '#!/bin/sh\nread x <> "%s"\n' "$T/fifo" > "$T/ctkscr$$"
	chmod 755 "$T"/*
}

# wait_in PID PATH [HIERARCHY]: until PID is in PATH (30 s at most)
is_in() { [ "$(ctk_cgroup_of "$1" "${3:-name=ctk-test}")" = "$2" ]; }
wait_in() {
	ctk_wait_until is_in "$@" && return 0
	echo "$1 is in $(ctk_cgroup_of "$1" "${3:-name=ctk-test}"), not $2" >&2
	return 1
}

# wait_log PATTERN [N]: until the daemon's log has it, N times (default 1)
log_has() { [ "$(grep -c -- "$1" "$BATS_TEST_TMPDIR/watch.log")" -ge "${2:-1}" ]; }
wait_log() { ctk_wait_until log_has "$@"; }

# wait_exe PID PROGRAM: until PID runs PROGRAM (it has exec'd)
runs() { [ "$(readlink "/proc/$1/exe")" = "$(readlink -f "$2")" ]; }
wait_exe() { ctk_wait_until runs "$@"; }

spawn() {
	"$@" >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	SPAWNED=$!
}

@test "--rules=FILE: the effective uid, @group, names and full paths, '%', templates that make their container" {
	rules_programs
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cat > "$T/rules" <<-EOF
	# a comment
	nobody:ctkslp$$      name=ctk-test  /users/%u-%U/%p
	%                    unified        $rel/nobody
	root:$T/ctkslp$$     name=ctk-test  /b
	@nogroup:ctkperl$$   name=ctk-test  /grp/%g-%G
	ghost-user-x:ctkslp$$ name=ctk-test /never
	EOF
	mkdir "$V2/nobody"
	# real uid root, effective uid nobody: the effective one counts
	spawn setpriv --euid 65534 "$T/ctkslp$$" 1000; p1=$SPAWNED
	spawn "$T/ctkslp$$" 1000; p2=$SPAWNED
	spawn setpriv --regid 65534 --clear-groups "$T/ctkperl$$" -e 'sleep 1000'; p3=$SPAWNED
	spawn sleep 1000; p4=$SPAWNED
	wait_exe "$p1" "$T/ctkslp$$"
	wait_exe "$p2" "$T/ctkslp$$"
	wait_exe "$p3" "$T/ctkperl$$"
	wait_exe "$p4" "$(command -v sleep)"
	run --separate-stderr cattach --rules="$T/rules" -v "$p1" "$p2" "$p3" "$p4"
	assert_success
	[[ "$stderr" == *"line 6: no such user 'ghost-user-x': rule skipped"* ]]
	[ "$(ctk_cgroup_of "$p1" name=ctk-test)" = "/users/nobody-65534/ctkslp$$" ]
	[ "$(ctk_cgroup_of "$p1" '')" = "$rel/nobody" ]
	[ "$(ctk_cgroup_of "$p2" name=ctk-test)" = /b ]
	[ "$(ctk_cgroup_of "$p3" name=ctk-test)" = /grp/nogroup-65534 ]
	[ "$(ctk_cgroup_of "$p4" name=ctk-test)" = / ]
	assert_line "$p2 (ctkslp$$): moved to name=ctk-test:/b (line 4)"
	# a destination that does not exist and is no template is an error
	printf 'root:ctkslp%s name=ctk-test /nosuch\n' "$$" > "$T/rules"
	run --separate-stderr cattach --rules="$T/rules" "$p2"
	assert_failure 1
	[[ "$stderr" == "cattach: $p2 (ctkslp$$): name=ctk-test:/nosuch: no such container"* ]]
}

@test "--rules: '\\%' is a '%' as libcgroup reads it; a rule with a controller of no mounted hierarchy moves nothing, not half" {
	rules_programs
	mkdir "$V1/lit%root" "$V1/half"
	printf 'root:ctkslp%s name=ctk-test /lit\\%%root\n' "$$" > "$T/rules"
	spawn "$T/ctkslp$$" 1000; p=$SPAWNED
	run cattach --rules="$T/rules" "$p"
	assert_success
	[ "$(ctk_cgroup_of "$p" name=ctk-test)" = "/lit%root" ]
	[ ! -e "$V1/lit\\root" ]
	# name=ctk-test is mounted, nosuchctl is no hierarchy here
	printf 'root:ctkslp%s name=ctk-test,nosuchctl /half\n' "$$" > "$T/rules"
	run --separate-stderr cattach --rules="$T/rules" "$p"
	assert_refusal 1 cattach
	[[ "$stderr" == *": no mounted hierarchy for 'nosuchctl': nothing moved by this rule (line 1)" ]]
	[ "$(ctk_cgroup_of "$p" name=ctk-test)" = "/lit%root" ]
}

@test "--rules as libcgroup 3 writes them: FILE.d beside FILE, a quoted process name, ignore_rt, an unknown option skips its rule only" {
	rules_programs
	command -v chrt >/dev/null || skip "no chrt here"
	mkdir "$V1/rt" "$V1/quoted" "$V1/d"
	cp "$T/ctkslp$$" "$T/ctk slp$$"
	printf 'root:ctkslp%s name=ctk-test /rt ignore_rt\n' "$$" > "$T/cgrules.conf"
	mkdir "$T/cgrules.d"
	printf 'root:"ctk slp%s" name=ctk-test /quoted\nroot name=ctk-test /d nosuchoption\n' "$$" > "$T/cgrules.d/a.conf"
	spawn chrt -f 1 "$T/ctkslp$$" 1000; rt=$SPAWNED
	spawn "$T/ctkslp$$" 1000; plain=$SPAWNED
	spawn "$T/ctk slp$$" 1000; q=$SPAWNED
	ctk_wait_until grep -q "ctk slp$$" "/proc/$q/cmdline"
	ctk_wait_until sh -c 'chrt -p "$1" | grep -q SCHED_FIFO' sh "$rt"
	run --separate-stderr cattach -v --rules="$T/cgrules.conf" "$rt" "$plain" "$q"
	assert_success
	assert_line "$rt (ctkslp$$): left where it is (line 1: ignore_rt, a real-time task)"
	assert_line "$plain (ctkslp$$): moved to name=ctk-test:/rt (line 1)"
	assert_line "$q (ctk slp$$): moved to name=ctk-test:/quoted ($T/cgrules.d/a.conf: line 1)"
	[ "$stderr" = "cattach: $T/cgrules.conf: $T/cgrules.d/a.conf: line 2: unknown option 'nosuchoption' (ignore, ignore_rt): rule skipped" ]
	[ "$(ctk_cgroup_of "$rt" name=ctk-test)" = / ]
	[ "$(ctk_cgroup_of "$q" name=ctk-test)" = /quoted ]
}

@test "--rules: a script is matched by its own path; a name and arguments alone do not pose as one" {
	rules_programs
	mkdir "$V1/scripts"
	printf '*:%s name=ctk-test /scripts\n' "$T/ctkscr$$" > "$T/rules"
	spawn "$T/ctkscr$$"; p1=$SPAWNED
	wait_exe "$p1" /bin/sh	# the script runs
	# bash named like the script, with its path as an argument: its #!
	# line names sh, not bash, so this is no run of that script
	spawn bash -c 'printf %s "$0" > /proc/$$/comm; read x <> "$2"' "ctkscr$$" "$T/ctkscr$$" "$T/fifo"; p2=$SPAWNED
	ctk_wait_until grep -qx "ctkscr$$" "/proc/$p2/comm"
	run cattach --rules="$T/rules" "$p1" "$p2"
	assert_success
	[ "$(ctk_cgroup_of "$p1" name=ctk-test)" = /scripts ]
	[ "$(ctk_cgroup_of "$p2" name=ctk-test)" = / ]
}

@test "--rules -- CMD runs CMD where the rules put it (cgexec without -g)" {
	rules_programs
	printf 'root:ctkslp%s name=ctk-test /run/%%p\n' "$$" > "$T/rules"
	run cattach --rules="$T/rules" -- sh -c 'cat /proc/self/cgroup'
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/$'
	run cattach --rules="$T/rules" -- "$T/ctkslp$$" 0
	assert_success
	[ -d "$V1/run/ctkslp$$" ]
	run -127 cattach --rules="$T/rules" -- no-such-command-x
	# -v says where it went, on stderr (stdout is the command's), and
	# that no rule matched when none did
	run --separate-stderr cattach -v --rules="$T/rules" -- "$T/ctkslp$$" 0
	assert_success
	assert_output ""
	[[ "$stderr" =~ ^[0-9]+\ \(ctkslp$$\):\ moved\ to\ name=ctk-test:/run/ctkslp$$\ \(line\ 1\)$ ]]
	run --separate-stderr cattach -v --rules="$T/rules" -- sh -c 'echo out'
	assert_success
	assert_output out
	[[ "$stderr" =~ ^[0-9]+\ \([a-z]+\):\ no\ rule\ matches:\ it\ runs\ where\ it\ is$ ]]
}

@test "--rules --watch: new processes, another user, a uid change, a script, a template, a reload" {
	rules_programs
	mkdir "$V1/root" "$V1/script" "$V1/again"
	cat > "$T/rules" <<-EOF
	nobody:ctkslp$$   name=ctk-test  /user/%u
	nobody:ctkperl$$  name=ctk-test  /uid/%U
	root:ctkslp$$     name=ctk-test  /root
	*:$T/ctkscr$$     name=ctk-test  /script
	EOF
	spawn "$T/ctkslp$$" 1000; before=$SPAWNED
	cattach --rules="$T/rules" --watch -v > "$BATS_TEST_TMPDIR/watch.log" 2>&1 3>&- &
	watcher=$!
	CTK_PIDS="$CTK_PIDS $watcher"
	wait_log "classifying by 4 rules"
	# what ran before the daemon: its scan at start
	wait_in "$before" /root
	spawn setpriv --reuid 65534 --regid 65534 --clear-groups "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /user/nobody
	spawn "$T/ctkscr$$"
	wait_in "$SPAWNED" /script
	# a root process that becomes nobody, without an exec: the uid event
	spawn "$T/ctkperl$$" -e 'sleep 1; $) = "65534 65534"; $( = 65534; $> = $< = 65534; sleep 1000'
	p=$SPAWNED
	wait_in "$p" /uid/65534
	# SIGHUP reloads: new rules for what starts from then on
	printf 'root:ctkslp%s name=ctk-test /again\n' "$$" > "$T/rules"
	kill -HUP "$watcher"
	wait_log "reloaded 1 rule"
	spawn "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /again
	# a reload that fails keeps the rules it had
	printf 'bad line\n' > "$T/rules"
	kill -HUP "$watcher"
	wait_log "keeping the rules loaded before"
	spawn "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /again
	kill -TERM "$watcher"
	wait "$watcher"
	grep -q "moved to name=ctk-test:/user/nobody (line 1)" "$BATS_TEST_TMPDIR/watch.log"
	grep -q "line 1: expected USER" "$BATS_TEST_TMPDIR/watch.log"
}

@test "--sticky: the daemon moves nothing out of a held container, nor out of its children" {
	rules_programs
	mkdir -p "$V1/auto" "$V1/manual/sub" "$V1/other"
	printf 'root:ctkslp%s name=ctk-test /auto\n' "$$" > "$T/rules"
	cattach --rules="$T/rules" --watch -v > "$BATS_TEST_TMPDIR/watch.log" 2>&1 3>&- &
	watcher=$!
	CTK_PIDS="$CTK_PIDS $watcher"
	wait_log "classifying by 1 rule"
	spawn cattach --sticky name=ctk-test:/manual -- sh -c "\"$T/ctkslp$$\" 1000 & wait"
	sh=$SPAWNED
	ctk_wait_until pgrep -P "$sh" "ctkslp$$"
	child=$(pgrep -P "$sh" "ctkslp$$")
	# the mark is the container's, in root's own namespace of attributes
	run getfattr --absolute-names -n trusted.ctk.sticky --only-values "$V1/manual"
	assert_output 1
	spawn "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /auto
	# the daemon has seen the held child's exec by now
	is_in "$child" /manual
	is_in "$sh" /manual
	# by PID; below a held container is held too
	spawn "$T/ctkslp$$" 1000; p=$SPAWNED
	wait_in "$p" /auto
	run cattach --sticky name=ctk-test:/manual/sub "$p"
	assert_success
	kill -HUP "$watcher"	# the rescan of a reload leaves it too
	wait_log "reloaded 1 rule"
	spawn "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /auto
	is_in "$p" /manual/sub
	# root moves it out by hand: the daemon's rules hold for it again
	run cattach name=ctk-test:/other "$p"
	assert_success
	kill -HUP "$watcher"
	wait_log "reloaded 1 rule" 2
	wait_in "$p" /auto
	kill -TERM "$watcher"
}

@test "--sticky: refused for a hierarchy's root, undone when nothing runs or moves; --rules --sticky needs a rule that places it" {
	rules_programs
	mkdir "$V1/h" "$V1/auto"
	run --separate-stderr cattach --sticky name=ctk-test:/ -- true
	assert_failure 1
	assert_equal "$stderr" "cattach: name=ctk-test:/: the root of a hierarchy cannot be held (it would hold every process)"
	run getfattr --absolute-names -n trusted.ctk.sticky "$V1"
	assert_failure
	run cattach --sticky name=ctk-test:/h -- no-such-command-x
	assert_failure 127
	run getfattr --absolute-names -n trusted.ctk.sticky "$V1/h"
	assert_failure
	run cattach --sticky name=ctk-test:/h 4194303
	assert_failure 1
	run getfattr --absolute-names -n trusted.ctk.sticky "$V1/h"
	assert_failure
	# cgexec --sticky without -g: the container a rule names is held
	printf 'root:ctkslp%s name=ctk-test /auto\n' "$$" > "$T/rules"
	run cattach --rules="$T/rules" --sticky -- "$T/ctkslp$$" 0
	assert_success
	run getfattr --absolute-names -n trusted.ctk.sticky --only-values "$V1/auto"
	assert_output 1
	# no rule places it: nothing to hold but where it is, refused
	run --separate-stderr cattach --rules="$T/rules" --sticky -- sh -c 'echo ran'
	assert_failure 1
	assert_equal "$output" ""
	assert_equal "$stderr" "cattach: sh: no rule places it: --sticky holds a container a rule names (or name one: cattach --sticky SPEC -- COMMAND)"
}

@test "--rules -- CMD matches a full-path rule by the file CMD runs" {
	rules_programs
	mkdir "$V1/full"
	cat=$(readlink -f /bin/cat)
	printf 'root:%s name=ctk-test /full\n' "$cat" > "$T/rules"
	run cattach --rules="$T/rules" -- cat /proc/self/cgroup
	assert_success
	assert_line --regexp '^[0-9]+:name=ctk-test:/full$'
}

@test "--rules --watch within the shipped unit's capabilities (bounding set, no_new_privs)" {
	command -v setpriv >/dev/null || skip "no setpriv here"
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$CTK_BUILDDIR/contrib/cattach-rules.service" |
		tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	[ -n "$caps" ]
	rules_programs
	# a full path: read from /proc/PID/exe, which takes CAP_SYS_PTRACE
	printf 'nobody:%s name=ctk-test /confined/%%u\n' "$T/ctkslp$$" > "$T/rules"
	setpriv --no-new-privs --inh-caps=-all --bounding-set="-all,$caps" \
		"$CTK_BUILDDIR/cattach" --rules="$T/rules" --watch -v > "$BATS_TEST_TMPDIR/watch.log" 2>&1 3>&- &
	watcher=$!
	CTK_PIDS="$CTK_PIDS $watcher"
	wait_log "classifying by 1 rule"
	# another user's process
	spawn setpriv --reuid 65534 --regid 65534 --clear-groups "$T/ctkslp$$" 1000
	wait_in "$SPAWNED" /confined/nobody
	kill -TERM "$watcher"
	wait "$watcher"
}
