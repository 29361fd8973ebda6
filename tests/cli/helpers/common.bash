# Shared by every bats file. Real kernel, no mocks: the root suites use the
# one named v1 hierarchy name=ctk-test and a scratch child of the machine's
# existing cgroup2 mount, and clean up after every test, failed or not.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

CTK_BUILDDIR=${CTK_BUILDDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
CTK_SRCDIR=${CTK_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
PATH=$CTK_BUILDDIR:$PATH
FIXTURES=$CTK_SRCDIR/tests/fixtures
export CTK_BUILDDIR CTK_SRCDIR PATH FIXTURES
# A sanitizer's report is never taken for a refusal (exit 1, what the tools
# say for bad input): in a sanitizer build AddressSanitizer and its leak
# check exit 86, UndefinedBehaviorSanitizer 87, and `run` below fails the
# test on either, whatever the test expected. Reports go to stderr.
CTK_SAN_EXITS="86 87"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}:exitcode=86
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1:halt_on_error=1:exitcode=87

# bats' own run, under another name, and run that refuses a sanitizer's
# exit: `run ! cmd` or a bare assert_failure would take it for a failure
# the test wanted.
eval "ctk_bats_run() $(declare -f run | tail -n +2)"
run() {
	local rc=0
	ctk_bats_run "$@" || rc=$?
	case " $CTK_SAN_EXITS " in
	*" ${status:-} "*)
		BATS_ERROR_SUFFIX=", a sanitizer's report (exit $status), not the tool's own exit"
		printf '%s\n' "$output" >&2
		[ -z "${stderr:-}" ] || printf '%s\n' "$stderr" >&2
		return 1
		;;
	esac
	return "$rc"
}

# assert_refusal STATUS TOOL: the last `run --separate-stderr` exited
# STATUS and said why in one line, "TOOL: OBJECT: REASON" (rule 4), with
# nothing on stdout.
assert_refusal() {
	assert_equal "$status" "$1"
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" =~ ^$2:\ [^[:cntrl:]]+:\ [^[:cntrl:]]+$ ]] ||
		fail "not one line \"$2: OBJECT: REASON\": $stderr"
	assert_equal "$output" ""
}

# ctk_watch_barrier SPEC DIR: what a watcher did NOT do is seen only after a
# later event it did act on. A marked container SPEC (at DIR) is emptied and
# waited for until the watcher removed it; the watcher reads its one queue
# of events in order, so it has handled every event before that one too.
ctk_watch_barrier() {
	cmkdir -N "$1"
	cattach "$1" -- true
	ctk_wait_until test ! -e "$2"
}

# ctk_untouched PID: the task lives, asleep, with no signal pending for it
# or its process: a signal already sent cannot still be on its way
ctk_untouched() {
	local st k v pend=
	st=$(ctk_task_state "$1")
	[ "$st" = S ] || { echo "task $1: state '$st', not asleep" >&2; return 1; }
	while read -r k v; do
		case $k in SigPnd:|ShdPnd:) pend=$pend$v ;; esac
	done < "/proc/$1/status"
	[ -n "$pend" ] && [ -z "${pend//0/}" ] ||
		{ echo "task $1: signals pending ($pend)" >&2; return 1; }
}

# ctk_need_test_hooks: skip unless the tools were built with the hooks only
# the suites use (configure --enable-test-hooks; never in a package)
ctk_need_test_hooks() {
	grep -qx '#define CTK_TEST_HOOKS 1' "$CTK_BUILDDIR/config.h" 2>/dev/null ||
		skip "the tools were built without --enable-test-hooks"
}

# ctk_kthread: KTHREAD is the pid of kthreadd, the kernel's thread maker
# (so named by the kernel, parent 0, not pid 1), in this pid namespace;
# skip without one
ctk_kthread() {
	local f st
	KTHREAD=
	for f in /proc/[0-9]*/stat; do
		read -r st < "$f" 2>/dev/null || continue
		# pid (comm) state ppid ...
		case $st in
		*" (kthreadd) "?" 0 "*) [ "${st%% *}" = 1 ] || KTHREAD=${st%% *} ;;
		esac
		[ -z "$KTHREAD" ] || return 0
	done
	skip "no kernel thread is visible in this pid namespace"
}

# Why the root suite cannot run here, or nothing.
ctk_root_reason() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root"
	elif [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
		echo "not in a private mount namespace (run through tests/cli/run-bats)"
	elif ! grep -qw cgroup /proc/filesystems; then
		echo "this kernel has no cgroup v1 filesystem"
	fi
}

# bats 1.8: skip in setup_file counts as a failure, so record the reason
# there and skip in setup.
ctk_root_setup_file() {
	local why
	why=$(ctk_root_reason)
	if [ -n "$why" ]; then
		echo "$why" > "$BATS_FILE_TMPDIR/skip"
		return 0
	fi
	ctk_v1_mount
	# what a suite that was killed left (its teardown never ran): the
	# named hierarchy's containers, and scratch containers whose suite
	# is gone
	ctk_cleanup_tree "$V1"
	ctk_v2_sweep_stale
}

# ctk_v2_sweep_stale: remove the scratch containers (ctk-test.PID.N, and
# the round trip's ctk-randtree.PID) of suites whose PID is no longer
# alive: a bats killed mid-test runs no teardown. A live PID's are left
# (a suite beside this one, or a reused number: left, never taken).
ctk_v2_sweep_stale() {
	local root d pid
	root=${CTK_V2_BASE:-$(ctk_v2_root)}
	[ -n "$root" ] || return 0
	for d in "$root"/ctk-test.*.* "$root"/ctk-randtree.*; do
		[ -d "$d" ] || continue
		pid=${d##*/ctk-test.}
		pid=${pid##*/ctk-randtree.}
		pid=${pid%%.*}
		case $pid in '' | *[!0-9]*) continue ;; esac
		[ "$pid" != "$$" ] && ! kill -0 "$pid" 2>/dev/null || continue
		ctk_cleanup_tree "$d" --self
	done
}

ctk_root_setup() {
	if [ -f "$BATS_FILE_TMPDIR/skip" ]; then
		skip "$(cat "$BATS_FILE_TMPDIR/skip")"
	fi
}

# The one named hierarchy of the suite, mounted privately at $V1.
ctk_v1_mount() {
	V1=$BATS_FILE_TMPDIR/v1
	mkdir -p "$V1"
	mountpoint -q "$V1" || mount -t cgroup -o none,name=ctk-test cgroup "$V1"
	echo > "$V1/release_agent"
}

ctk_v1_path() { echo "$BATS_FILE_TMPDIR/v1"; }

# ctk_mountinfo_field TARGET type|opts: a mount's fstype or superblock
# options (the fields after the " - " separator; optional fields vary).
ctk_mountinfo_field() {
	awk -v t="$1" -v f="$2" '$5 == t {
		for (i = 7; i <= NF; i++) if ($i == "-") break
		print (f == "type") ? $(i + 1) : $(i + 3); exit }' /proc/self/mountinfo
}

# The machine's cgroup2 mount point (never mounted again by the tests).
ctk_v2_root() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	       if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo
}

# ctk_scale N: how many a stress test makes: N on the host, a tenth (at
# least 10) in a field-lane guest, where an exec over 9p costs ~0.1 s. The
# test keeps its shape there; its size is the host's to prove.
ctk_scale() {
	if [ -n "${CTK_LANE:-}" ]; then
		echo $(($1 / 10 > 10 ? $1 / 10 : 10))
	else
		echo "$1"
	fi
}

# A scratch child of the machine's cgroup2 hierarchy, made fresh per test.
# ctk_need_v2: skip the rest of a test where the layout has no cgroup2
# hierarchy (the field lane's v1 lane); the part before it has run
ctk_need_v2() {
	[ -n "$(ctk_v2_root)" ] ||
		skip "no cgroup2 hierarchy in this layout (what comes before in this test ran)"
}

# On a systemd host the tests work in a subtree systemd delegated to them
# (the field lane's systemd lane sets CTK_V2_BASE to its service's).
ctk_v2_scratch() {
	local root
	ctk_need_v2
	root=${CTK_V2_BASE:-$(ctk_v2_root)}
	V2=$root/ctk-test.$$.$BATS_TEST_NUMBER
	mkdir "$V2"
	echo "$V2" >> "$BATS_FILE_TMPDIR/v2-scratch"
}

# Kill every process below a container directory and remove its children
# (and, with --self, the directory itself), deepest first.
ctk_cleanup_tree() {
	local root=$1 self=$2 d pid i left
	[ -d "$root" ] || return 0
	for i in $(seq 100); do
		left=0
		if [ -f "$root/cgroup.kill" ] && [ "$self" = --self ]; then
			echo 1 > "$root/cgroup.kill" 2>/dev/null
		fi
		while IFS= read -r -d '' d; do
			[ -r "$d/cgroup.procs" ] || continue
			while read -r pid; do
				[ -n "$pid" ] && [ "$pid" != 0 ] || continue
				kill -9 "$pid" 2>/dev/null
				left=1
			done < "$d/cgroup.procs"
		done < <(find "$root" -mindepth 1 -type d -print0 2>/dev/null)
		[ "$left" = 0 ] && break
		sleep 0.02
	done
	for i in $(seq 50); do
		# -delete removes beneath each parent: a path over PATH_MAX too
		find "$root" -mindepth 1 -depth -type d -delete 2>/dev/null
		[ -z "$(find "$root" -mindepth 1 -type d 2>/dev/null)" ] && break
		sleep 0.02
	done
	if [ "$self" = --self ]; then
		for i in $(seq 50); do
			rmdir "$root" 2>/dev/null && break
			[ -d "$root" ] || break
			sleep 0.02
		done
	fi
}

# Per-test teardown of the root suites.
ctk_root_teardown() {
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	if [ -n "${CTK_PIDS:-}" ]; then
		kill -9 $CTK_PIDS 2>/dev/null
		wait $CTK_PIDS 2>/dev/null
		CTK_PIDS=
	fi
	ctk_cleanup_tree "$(ctk_v1_path)"
	echo > "$(ctk_v1_path)/release_agent" 2>/dev/null
	if [ -f "$BATS_FILE_TMPDIR/v2-scratch" ]; then
		while read -r d; do
			ctk_cleanup_tree "$d" --self
		done < "$BATS_FILE_TMPDIR/v2-scratch"
		rm -f "$BATS_FILE_TMPDIR/v2-scratch"
	fi
	return 0
}

ctk_root_teardown_file() {
	[ -f "$BATS_FILE_TMPDIR/skip" ] && return 0
	local v1
	v1=$(ctk_v1_path)
	ctk_cleanup_tree "$v1"
	# the kernel keeps a hierarchy with dying children: give it a moment
	sleep 0.1
	umount "$v1" 2>/dev/null || umount -l "$v1" 2>/dev/null
	return 0
}

# Start a sleeper in the background and remember it for teardown.
ctk_spawn_sleeper() {
	sleep 1000 >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	SLEEPER=$!
}

# A process with N extra threads: sets HELPER (its pid) and HELPER_TIDS.
ctk_spawn_threads() {
	local n=$1 f=$BATS_TEST_TMPDIR/tids.$RANDOM
	"$CTK_BUILDDIR/tests/helpers/ctk-threads" "$n" > "$f" 2>/dev/null 3>&- &
	HELPER=$!
	CTK_PIDS="${CTK_PIDS:-} $HELPER"
	ctk_wait_until ctk_lines_at_least "$f" $((n + 1))
	HELPER_TIDS=$(tail -n +2 "$f")
}

# A zombie: a child that exited, of a parent that never waits. Sets ZOMBIE
# and its parent ZPARENT.
ctk_spawn_zombie() {
	local f=$BATS_TEST_TMPDIR/zombie.$RANDOM
	"$CTK_BUILDDIR/tests/helpers/ctk-threads" -z > "$f" 2>/dev/null 3>&- &
	ZPARENT=$!
	CTK_PIDS="${CTK_PIDS:-} $ZPARENT"
	ctk_wait_until _ctk_zombie_ready "$f"
}
_ctk_zombie_ready() {
	[ -s "$1" ] && ZOMBIE=$(cat "$1") && [ "$(ctk_task_state "$ZOMBIE")" = Z ]
}

# ctk_output_is TEXT CMD [ARG...]: CMD prints exactly TEXT. For waits on
# a count: `ctk_wait_until test "$(grep -c x f)" = 1` expands $(...) once,
# before the wait, and so never waits (tests/lint/bats-asserts.sh refuses it);
# `ctk_wait_until ctk_output_is 1 grep -c x f` runs grep on every try.
ctk_output_is() {
	local want=$1 got
	shift
	got=$("$@" 2>/dev/null) || [ -n "$got" ] || return 1
	[ "$got" = "$want" ]
}

# ctk_lines_at_least FILE N: FILE has N lines or more
ctk_lines_at_least() { [ "$(wc -l < "$1" 2>/dev/null)" -ge "$2" ]; }

# The path of PID in the hierarchy whose /proc/PID/cgroup line matches $2
# ("name=ctk-test" or "" for v2).
ctk_cgroup_of() {
	awk -F: -v h="$2" '$2 == h { sub(/^[^:]*:[^:]*:/, ""); print; exit }' "/proc/$1/cgroup"
}

# ctk_wait_until CMD [ARG...]: until CMD succeeds, 30 s at most (300 in a
# field-lane guest, where an exec over 9p costs ~0.1 s and 150 of them
# take 30 s); then say what was waited for and fail. Tests wait for a
# state, never for a time: on a loaded machine any fixed pause is too
# short. The bound only ends a wait that would never end.
CTK_WAIT_SECS=${CTK_WAIT_SECS:-$([ -n "${CTK_LANE:-}" ] && echo 300 || echo 30)}
ctk_wait_until() {
	local end=$((SECONDS + CTK_WAIT_SECS))
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "waited $CTK_WAIT_SECS s in vain for: $*" >&2
			return 1
		fi
		sleep 0.01
	done
}

# ctk_task_state TID: the one-letter state of a task (R, S, T, Z, ...)
ctk_task_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	echo "${s%% *}"
}

# _ctk_quiet DIR N: DIR holds N processes or more, every thread of them
# asleep or stopped, and the same threads as at the last look: a tree that
# has done its forks, execs and exits.
_ctk_quiet() {
	local procs threads t
	procs=$(cat "$1/cgroup.procs") || return 1
	[ "$(grep -c . <<< "$procs")" -ge "$2" ] || return 1
	threads=$(cat "$1/cgroup.threads") || return 1
	for t in $threads; do
		case $(ctk_task_state "$t") in
		S|T|t) ;;
		*) _CTK_QUIET_LAST=; return 1 ;;
		esac
	done
	[ "$threads" = "${_CTK_QUIET_LAST:-}" ] && return 0
	_CTK_QUIET_LAST=$threads
	return 1
}

# ctk_wait_quiet DIR N: until _ctk_quiet DIR N (ctk_wait_until's bound)
ctk_wait_quiet() {
	_CTK_QUIET_LAST=
	ctk_wait_until _ctk_quiet "$1" "$2"
}

# ctk_kill_wait DIR: cgroup.kill on a v2 container, until it is empty
ctk_kill_wait() {
	echo 1 > "$1/cgroup.kill"
	ctk_wait_until grep -qx 'populated 0' "$1/cgroup.events"
}

# ctk_type KEYS: KEYS typed into an interactive bash on a pseudo-terminal
# (tests/helpers/pty-type), with every ctk completion loaded and each tool
# a function that prints its arguments, one "<ARG>" line each: what the
# completed line would have run, word by word. It runs in
# $BATS_TEST_TMPDIR/cwd, where nothing should appear.
ctk_type() {
	local rc=$BATS_TEST_TMPDIR/pty.rc t
	mkdir -p "$BATS_TEST_TMPDIR/cwd"
	{
		echo "PS1='ctk-pty\$ '"
		printf 'PATH=%q:$PATH\n' "$CTK_BUILDDIR"
		for t in cmkdir cmount cattach crelease cckpt; do
			printf 'source %q\n' "$CTK_SRCDIR/completions/$t"
			printf '%s() { printf "<%%s>\\n" "$@"; }\n' "$t"
		done
	} > "$rc"
	(cd "$BATS_TEST_TMPDIR/cwd" && /usr/bin/python3 "$CTK_SRCDIR/tests/helpers/pty-type" "$rc" "$1")
}
