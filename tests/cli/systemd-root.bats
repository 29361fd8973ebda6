#!/usr/bin/env bats
# bats file_tags=root
# The shipped units under systemd as pid 1: crelease-watch.service and
# cattach-rules.service started, doing their job, stopped, started again,
# restarted after a crash, rated by systemd-analyze security. Runs in the
# field lane's systemd lane (tests/vm/vm -l systemd), where systemd is the
# guest's pid 1; anywhere else it skips: this machine's own systemd, if it
# has one, is never asked to run a test's unit.

load helpers/common

setup_file() {
	# decided before anything is mounted: a skipped file leaves nothing
	if [ "$(cat /proc/1/comm)" != systemd ] || [ -z "${CTK_LANE:-}" ]; then
		echo "needs systemd as pid 1 of a guest: runs in the field lane's systemd lane (tests/vm/vm -l systemd)" > "$BATS_FILE_TMPDIR/skip"
		return 0
	fi
	ctk_root_setup_file
}
setup() {
	ctk_root_setup
	CG=/sys/fs/cgroup
	UNITS=()
	MINE=()
}
teardown() {
	local u d
	# a failed test shows what systemd saw
	if [ "${BATS_TEST_COMPLETED:-}" != 1 ]; then
		for u in "${UNITS[@]}"; do
			systemctl status --no-pager "$u" 2>&1 | sed 's/^/# /'
			journalctl -q --no-pager -o cat -u "$u" | tail -20 | sed 's/^/# /'
		done
	fi
	for u in "${UNITS[@]}"; do
		systemctl stop "$u" 2>/dev/null
		rm -rf "/run/systemd/system/$u" "/run/systemd/system/$u.d"
		systemctl reset-failed "$u" 2>/dev/null
	done
	[ ${#UNITS[@]} -eq 0 ] || systemctl daemon-reload
	for d in "${MINE[@]}"; do ctk_cleanup_tree "$d" --self; done
	rm -f /etc/cgrules.conf
	ctk_root_teardown
}
teardown_file() { ctk_root_teardown_file; }

# install_unit NAME TOOL: the unit as make install writes it, its ExecStart
# at a copy of this build's TOOL, as a runtime unit of the guest's systemd.
# A copy in /run: the unit's PrivateTmp= hides a build tree below /tmp
# (CI's fresh clone), as it would hide any binary there
# install_unit NAME TOOL [ARGS]: ARGS in place of the unit's own arguments
install_unit() {
	install -D -m 0755 "$CTK_BUILDDIR/$2" "/run/ctk-lane/$2"
	sed "s|^ExecStart=[^ ]*/$2|ExecStart=/run/ctk-lane/$2|" \
		"$CTK_BUILDDIR/contrib/$1" > "/run/systemd/system/$1"
	[ -z "${3:-}" ] ||
		sed -i "s|^ExecStart=\([^ ]*\) .*|ExecStart=\1 $3|" "/run/systemd/system/$1"
	# a sanitizer build: LeakSanitizer stops the world with ptrace at
	# exit, which the unit's seccomp filter refuses (a failed stop);
	# the leak checks run in the host suite
	mkdir -p "/run/systemd/system/$1.d"
	printf '[Service]\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' > "/run/systemd/system/$1.d/ctk-test.conf"
	UNITS+=("$1")
	systemctl daemon-reload
}
state_is() { [ "$(systemctl show -p ActiveState --value "$1")" = "$2" ]; }
gone() { [ ! -e "$1" ]; }
journal_has() { journalctl -q -o cat -u "$1" | grep -q -- "$2"; }
main_pid() { systemctl show -p MainPID --value "$1"; }
new_main() { local p; p=$(main_pid "$1"); [ "$p" != 0 ] && [ "$p" != "$2" ] && state_is "$1" active; }
is_in() { [ "$(ctk_cgroup_of "$1" "")" = "$2" ]; }

# release_job N: a marked container services/N that had a task, emptied,
# in the tests' delegated subtree (on a systemd host ctk makes containers
# in what systemd delegated: the lane's service is Delegate=yes)
release_job() {
	run cmkdir -N ":$SVS/$1"
	assert_success
	run cattach ":$SVS/$1" -- true
	assert_success
}

@test "crelease-watch.service: started, it releases an emptied marked container below the services it watches; stopped, it does not; started again, it does; killed, systemd restarts it" {
	SV=${CTK_V2_BASE:-$CG}/services
	SVS=${SV#$CG}
	[ -d "$SV" ] || { mkdir "$SV"; MINE+=("$SV"); }
	install_unit crelease-watch.service crelease "--watch :$SVS"
	run systemctl start crelease-watch.service
	assert_success
	ctk_wait_until state_is crelease-watch.service active
	release_job ctk-j1
	ctk_wait_until gone "$SV/ctk-j1"
	ctk_wait_until journal_has crelease-watch.service ":$SVS/ctk-j1"
	run systemctl stop crelease-watch.service
	assert_success
	state_is crelease-watch.service inactive
	release_job ctk-j2
	[ -d "$SV/ctk-j2" ]
	# at its start it releases what became releasable while it was away
	run systemctl start crelease-watch.service
	assert_success
	ctk_wait_until gone "$SV/ctk-j2"
	# a crash: Restart=on-failure brings it back, and it works on
	old=$(main_pid crelease-watch.service)
	kill -9 "$old"
	ctk_wait_until new_main crelease-watch.service "$old"
	release_job ctk-j3
	ctk_wait_until gone "$SV/ctk-j3"
	# what is not marked stays
	run cmkdir ":$SVS/ctk-keep"
	assert_success
	run cattach ":$SVS/ctk-keep" -- true
	assert_success
	run systemctl stop crelease-watch.service
	assert_success
	[ -d "$SV/ctk-keep" ]
	rmdir "$SV/ctk-keep"
}

@test "cattach-rules.service: started with /etc/cgrules.conf, it classifies a new process; reloaded, it uses the new rules; stopped, it is gone" {
	T=$BATS_TEST_TMPDIR/prog
	mkdir -p "$T"
	chmod 755 "$BATS_TEST_TMPDIR" "$T"
	cp /bin/sleep "$T/ctkslp$$"
	# the destinations in the tests' delegated subtree, where the
	# processes start (on a systemd host ctk moves processes there)
	A=${CTK_V2_BASE:-$CG}/ctk-rules-a.$$
	B=${CTK_V2_BASE:-$CG}/ctk-rules-b.$$
	mkdir "$A" "$B"
	MINE+=("$A" "$B")
	printf 'root:ctkslp%s unified %s\n' "$$" "${A#$CG}" > /etc/cgrules.conf
	install_unit cattach-rules.service cattach
	run systemctl start cattach-rules.service
	assert_success
	ctk_wait_until state_is cattach-rules.service active
	"$T/ctkslp$$" 1000 >/dev/null 2>&1 3>&- &
	p1=$!
	CTK_PIDS="${CTK_PIDS:-} $p1"
	ctk_wait_until is_in "$p1" "${A#$CG}"
	printf 'root:ctkslp%s unified %s\n' "$$" "${B#$CG}" > /etc/cgrules.conf
	run systemctl reload cattach-rules.service
	assert_success
	ctk_wait_until journal_has cattach-rules.service "reloaded 1 rule from /etc/cgrules.conf"
	"$T/ctkslp$$" 1000 >/dev/null 2>&1 3>&- &
	p2=$!
	CTK_PIDS="$CTK_PIDS $p2"
	ctk_wait_until is_in "$p2" "${B#$CG}"
	run systemctl stop cattach-rules.service
	assert_success
	state_is cattach-rules.service inactive
	# stop returns when the daemon has exited: nothing of it is left
	[ "$(main_pid cattach-rules.service)" = 0 ]
	run ! pgrep -f "^/run/ctk-lane/cattach --rules --watch"
}

@test "the units as systemd loads them rate 5.0 or better in systemd-analyze security" {
	install_unit crelease-watch.service crelease
	install_unit cattach-rules.service cattach
	for u in crelease-watch.service cattach-rules.service; do
		run systemd-analyze security --no-pager "$u"
		assert_success
		score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<< "$output")
		[ -n "$score" ]
		awk -v s="$score" 'BEGIN { exit !(s <= 5.0) }'
	done
}

# scope_up NAME: a transient scope with Delegate=yes, as systemd-run makes
# it, its cgroup there with systemd's mark
scope_up() {
	systemd-run --quiet --scope -p Delegate=yes --unit="$1" \
		sleep 1000 >/dev/null 2>&1 3>&- &
	CTK_PIDS="${CTK_PIDS:-} $!"
	UNITS+=("$1.scope")
	ctk_wait_until _delegated "$CG/system.slice/$1.scope"
}
_delegated() { [ "$(getfattr --only-values -n trusted.delegate "$1" 2>/dev/null)" = 1 ]; }

@test "whose tree: cmount says systemd manages the v2 hierarchy; -T shows each container's unit and the subtrees systemd delegated" {
	run --separate-stderr cmount -o TYPE,TARGET,MANAGER
	assert_success
	assert_line --regexp "^cgroup2 +$CG +systemd$"
	# the default columns say it as soon as systemd manages one
	run --separate-stderr cmount
	assert_success
	[[ "${lines[0]}" == *" MANAGER" ]]
	scope_up "ctk-own-$$"
	S=$CG/system.slice/ctk-own-$$.scope
	# below a delegated scope the names are the delegatee's: a directory
	# called like a unit is the scope's, not a unit of its own
	run cmkdir -p ":/system.slice/ctk-own-$$.scope/job/evil.service"
	assert_success
	run --separate-stderr cmount -T -r -n -o PATH,UNIT,DELEGATE ":/system.slice"
	assert_success
	assert_line "/system.slice system.slice 0"
	assert_line "/system.slice/ctk-own-$$.scope ctk-own-$$.scope 1"
	assert_line "/system.slice/ctk-own-$$.scope/job ctk-own-$$.scope 0"
	assert_line "/system.slice/ctk-own-$$.scope/job/evil.service ctk-own-$$.scope 0"
	assert_line --regexp "^/system.slice/ctk-lane.service ctk-lane.service [01]$"
	run --separate-stderr cmount -T -r -n -o PATH,UNIT -L 0 :/
	assert_output "/ -.slice"
	run --separate-stderr cmount -T -l -L 1 :/
	assert_success
	[[ "${lines[0]}" == *" UNIT "*" DELEGATE" ]]
	assert_line --regexp "^/init.scope .* init.scope +0$"
	rmdir "$S/job/evil.service" "$S/job"
}

@test "systemd's tree is its own: cmkdir, cmkdir -s, cattach and crelease --remove are refused outside what it delegated, with the way out; --force says so and does it; inside a delegated scope they work, but for the scope's own settings and removal" {
	out=":/ctk-outside-$$"
	way="systemd's, in no subtree it delegated: run in a unit with Delegate=yes (systemd-run --scope -p Delegate=yes), or --force"
	run --separate-stderr cmkdir "$out"
	assert_refusal 1 cmkdir
	assert_equal "$stderr" "cmkdir: $out: $way"
	[ ! -e "$CG/ctk-outside-$$" ]
	run --separate-stderr cmkdir --force "$out"
	assert_success
	MINE+=("$CG/ctk-outside-$$")
	assert_equal "$stderr" "cmkdir: $out: systemd's tree, written as asked (--force)"
	[ -d "$CG/ctk-outside-$$" ]
	run --separate-stderr cmkdir --existing -s cgroup.max.depth=2 "$out"
	assert_refusal 1 cmkdir
	[ "$(cat "$CG/ctk-outside-$$/cgroup.max.depth")" = max ]
	run --separate-stderr cattach "$out" -- true
	assert_refusal 1 cattach
	assert_equal "$stderr" "cattach: $out: $way"
	run --separate-stderr cattach --force "$out" -- true
	assert_success
	run --separate-stderr crelease --remove "$out"
	assert_refusal 1 crelease
	[ -d "$CG/ctk-outside-$$" ]
	run --separate-stderr crelease --remove --force "$out"
	assert_success
	[ ! -e "$CG/ctk-outside-$$" ]
	# the watcher watches only what systemd delegated
	run --separate-stderr crelease --watch --once "$out"
	assert_refusal 1 crelease
	assert_equal "$stderr" "crelease: $out: $way"
	# the rules move a process only into a delegated subtree: a rule
	# naming systemd's tree is logged as refused, the process stays
	ctk_spawn_sleeper
	printf '*:sleep unified /ctk-outside-%s\n' "$$" > "$BATS_TEST_TMPDIR/r.conf"
	run cmkdir --force "$out"
	assert_success
	before=$(ctk_cgroup_of "$SLEEPER" "")
	run --separate-stderr cattach --rules="$BATS_TEST_TMPDIR/r.conf" "$SLEEPER"
	assert_failure 1
	assert_equal "$stderr" "cattach: $SLEEPER (sleep): $out: $way (line 1)"
	[ "$(ctk_cgroup_of "$SLEEPER" "")" = "$before" ]
	run cattach --force --rules="$BATS_TEST_TMPDIR/r.conf" "$SLEEPER"
	assert_success
	[ "$(ctk_cgroup_of "$SLEEPER" "")" = "/ctk-outside-$$" ]
	kill "$SLEEPER"
	ctk_wait_until grep -qx 'populated 0' "$CG/ctk-outside-$$/cgroup.events"
	rmdir "$CG/ctk-outside-$$"
	# a file asking for systemd's tree: refused, nothing made
	printf 'group ctk-outside-%s {\n\t"unified" {\n\t}\n}\n' "$$" > "$BATS_TEST_TMPDIR/o.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/o.conf"
	assert_failure 1
	assert_equal "$stderr" "cmkdir: $BATS_TEST_TMPDIR/o.conf: line 1: group ctk-outside-$$: $way"
	[ ! -e "$CG/ctk-outside-$$" ]
	# inside a scope systemd delegated: the delegatee's
	scope_up "ctk-mine-$$"
	in=":/system.slice/ctk-mine-$$.scope"
	run cmkdir -s cgroup.max.depth=3 "$in/a"
	assert_success
	[ "$(cat "$CG/system.slice/ctk-mine-$$.scope/a/cgroup.max.depth")" = 3 ]
	run cattach "$in/a" -- true
	assert_success
	run crelease --remove "$in/a"
	assert_success
	[ ! -e "$CG/system.slice/ctk-mine-$$.scope/a" ]
	# its top's own settings and removal are the unit's
	run --separate-stderr cmkdir --existing -s cgroup.max.depth=2 "$in"
	assert_refusal 1 cmkdir
	assert_equal "$stderr" "cmkdir: $in: the top of a subtree systemd delegated: its own settings and its removal are its unit's (systemctl set-property, systemctl stop), or --force"
	run --separate-stderr crelease --remove "$in"
	assert_refusal 1 crelease
	[ -d "$CG/system.slice/ctk-mine-$$.scope" ]
	# a move into it is the delegatee's
	run cattach "$in" -- true
	assert_success
}

# scope_gone UNIT: systemd no longer has it
scope_gone() { [ "$(systemctl show -p ActiveState --value "$1")" = inactive ]; }
not_running() { [ ! -e "/proc/$1" ] || [ "$(ctk_task_state "$1")" = Z ]; }
no_idle() { ! pgrep -x ctk-idle >/dev/null; }

@test "cmkdir --scope: systemd makes a delegated scope kept by an idle process in a leaf; below it cmkdir with controllers, cattach, crelease and cckpt dump and restore work; its own settings stay systemd's; systemctl stop ends it, nothing left" {
	S=":/ctklane.slice/ctk-s-$$.scope"
	D=$CG/ctklane.slice/ctk-s-$$.scope
	UNITS+=("ctk-s-$$.scope" ctklane.slice)
	run --separate-stderr cmkdir --scope --property MemoryMax=64M --property TasksMax=50 --property "Description=ctk test $$" "$S"
	assert_success
	assert_output "$S"
	state_is "ctk-s-$$.scope" active
	_delegated "$D"
	[ "$(cat "$D/memory.max")" = 67108864 ]
	[ "$(cat "$D/pids.max")" = 50 ]
	[ "$(systemctl show -p Description --value "ctk-s-$$.scope")" = "ctk test $$" ]
	idle=$(cat "$D/ctk-idle/cgroup.procs")
	[ "$(cat "/proc/$idle/comm")" = ctk-idle ]
	# as systemd-cgls and ps show it: named, not the cmkdir that made it
	[ "$(tr '\0' ' ' < "/proc/$idle/cmdline" | sed 's/ *$//')" = ctk-idle ]
	[ -z "$(cat "$D/cgroup.procs")" ]
	# the delegatee's: a child with a controller of its own
	run cmkdir -e +pids -s pids.max=7 "$S/job"
	assert_success
	[ "$(cat "$D/job/pids.max")" = 7 ]
	run cattach "$S/job" -- sh -c 'exec setsid -f sleep 1000 >/dev/null 2>&1 3>&-'
	assert_success
	ctk_wait_until grep -qx 'populated 1' "$D/job/cgroup.events"
	sp=$(cat "$D/job/cgroup.procs")
	run cckpt dump --subtree -o "$BATS_TEST_TMPDIR/s.img" "$S/job"
	assert_success
	ctk_kill_wait "$D/job"
	# its pid is restored: free once systemd reaped it
	ctk_wait_until gone "/proc/$sp"
	run cckpt restore --into "$S/again" "$BATS_TEST_TMPDIR/s.img"
	assert_success
	assert_output "restored 1 tasks; root $sp in $S/again"
	[ "$(cat "$D/again/cgroup.procs")" = "$sp" ]
	run crelease --remove "$S/job"
	assert_success
	[ ! -e "$D/job" ]
	# the scope's own settings and removal are systemd's
	run --separate-stderr cmkdir --existing -s pids.max=3 "$S"
	assert_refusal 1 cmkdir
	run --separate-stderr crelease --remove -r "$S"
	assert_refusal 1 crelease
	# libcgroup's name for it: its SPEC comes back (a nested slice's
	# path is not the name typed)
	UNITS+=("ctk-n-$$.scope" ctklane-n.slice)
	run --separate-stderr cmkdir --scope "ctklane-n.slice/ctk-n-$$.scope"
	assert_success
	assert_output ":/ctklane.slice/ctklane-n.slice/ctk-n-$$.scope"
	_delegated "$CG/ctklane.slice/ctklane-n.slice/ctk-n-$$.scope"
	# asked again: systemd's own answer
	run --separate-stderr cmkdir --scope "$S"
	assert_refusal 1 cmkdir
	[[ "$stderr" == "cmkdir: $S: systemd refused the scope: Unit ctk-s-$$.scope "* ]]
	run systemctl stop "ctk-s-$$.scope"
	assert_success
	ctk_wait_until gone "$D"
	ctk_wait_until not_running "$idle"
	ctk_wait_until not_running "$sp"
}

@test "cmkdir --scope: a name systemd would not give, or would escape, is refused before anything runs; a failed scope leaves no idle process" {
	run --separate-stderr cmkdir --scope ":/ctklane.slice/x/y.scope"
	assert_refusal 1 cmkdir
	assert_equal "$stderr" "cmkdir: :/ctklane.slice/x/y.scope: x: a scope lives in slices (NAME.slice), not here"
	run --separate-stderr cmkdir --scope ":/ctklane.slice/cpu.x.scope"
	assert_refusal 1 cmkdir
	run --separate-stderr cmkdir --scope ":/ctklane.slice/job"
	assert_refusal 1 cmkdir
	# all or none: the first made, the second refused by systemd (a unit
	# it has), the first ends with its idle process
	UNITS+=("ctk-nope-$$.scope")
	run --separate-stderr cmkdir --scope ":/system.slice/ctk-nope-$$.scope" :/init.scope
	assert_refusal 1 cmkdir
	[[ "$stderr" == "cmkdir: :/init.scope: systemd refused the scope: "* ]] || { echo "stderr: $stderr"; false; }
	ctk_wait_until scope_gone "ctk-nope-$$.scope"
	ctk_wait_until no_idle
}

@test "cattach --transient :/SLICE.slice/NAME.scope -- CMD: systemd makes the scope around the command (Delegate=yes, the command its process); when it is empty, systemd removes it; a SPEC that names no scope is refused as before" {
	S=":/ctklane.slice/ctk-t-$$.scope"
	D=$CG/ctklane.slice/ctk-t-$$.scope
	UNITS+=("ctk-t-$$.scope" ctklane.slice)
	run --separate-stderr cattach -v --transient "$S" -- sh -c "getfattr --only-values -n trusted.delegate '$D' > '$BATS_TEST_TMPDIR/d'; cat /proc/self/cgroup; exit 7"
	assert_failure 7
	assert_line "0::/ctklane.slice/ctk-t-$$.scope"
	[ "$(cat "$BATS_TEST_TMPDIR/d")" = 1 ]
	[[ "$stderr" == *"in $S, a scope systemd delegated"* ]]
	ctk_wait_until gone "$D"
	ctk_wait_until scope_gone "ctk-t-$$.scope"
	run --separate-stderr cattach --transient ":/ctklane.slice/plain-$$" -- true
	assert_refusal 1 cattach
	[[ "$stderr" == "cattach: :/ctklane.slice/plain-$$: systemd's, in no subtree it delegated: "* ]]
	run --separate-stderr cattach --transient ":/ctklane.slice/x/y.scope" -- true
	assert_refusal 1 cattach
	assert_equal "$stderr" "cattach: :/ctklane.slice/x/y.scope: x: a scope lives in slices (NAME.slice), not here"
}

@test "systemctl daemon-reexec: what ctk made inside a delegated scope stays as it was" {
	S=":/ctklane.slice/ctk-r-$$.scope"
	D=$CG/ctklane.slice/ctk-r-$$.scope
	UNITS+=("ctk-r-$$.scope" ctklane.slice)
	run cmkdir --scope "$S"
	assert_success
	run cmkdir -e +pids -s pids.max=9 "$S/kept"
	assert_success
	run cattach "$S/kept" -- sh -c 'exec setsid -f sleep 1000 >/dev/null 2>&1 3>&-'
	assert_success
	ctk_wait_until grep -qx 'populated 1' "$D/kept/cgroup.events"
	before=$(cmount -T -r -n -o PATH,TASKS,DELEGATE "$S")
	sp=$(cat "$D/kept/cgroup.procs")
	run systemctl daemon-reexec
	assert_success
	ctk_wait_until state_is "ctk-r-$$.scope" active
	[ "$(cat "$D/kept/pids.max")" = 9 ]
	[ "$(cat "$D/kept/cgroup.procs")" = "$sp" ]
	[ "$(cat "$D/cgroup.subtree_control")" = pids ]
	assert_equal "$(cmount -T -r -n -o PATH,TASKS,DELEGATE "$S")" "$before"
	run systemctl stop "ctk-r-$$.scope"
	assert_success
	ctk_wait_until gone "$D"
}

@test "cmkdir --config with a systemd section (libcgroup 3.1): the scope made and delegated, the file's groups below it (setdefault); a file that fails ends the scope it made" {
	UNITS+=("ctk-c-$$.scope" "ctk-d-$$.scope" ctklane-cfg.slice ctklane.slice)
	printf 'systemd {\n\tslice = ctklane-cfg.slice;\n\tscope = ctk-c-%s.scope;\n\tsetdefault = yes;\n}\ngroup job {\n\tunified {\n\t\tcgroup.max.depth = 2;\n\t}\n}\n' "$$" > "$BATS_TEST_TMPDIR/s.conf"
	run --separate-stderr cmkdir -v --config "$BATS_TEST_TMPDIR/s.conf"
	assert_success
	# ctklane-cfg.slice lives in ctklane.slice, as systemd nests slices
	D=$CG/ctklane.slice/ctklane-cfg.slice/ctk-c-$$.scope
	assert_line "made :/ctklane.slice/ctklane-cfg.slice/ctk-c-$$.scope (a scope systemd delegated)"
	_delegated "$D"
	[ "$(cat "$D/job/cgroup.max.depth")" = 2 ]
	[ "$(cat "/proc/$(cat "$D/ctk-idle/cgroup.procs")/comm")" = ctk-idle ]
	# a group the file puts in systemd's tree: refused, the scope ends
	printf 'systemd {\n\tslice = ctklane.slice;\n\tscope = ctk-d-%s.scope;\n}\ngroup ctk-outside-%s {\n\tunified {\n\t}\n}\n' "$$" "$$" > "$BATS_TEST_TMPDIR/o.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/o.conf"
	assert_failure 1
	[[ "$stderr" == *"group ctk-outside-$$: systemd's, in no subtree it delegated: "* ]]
	ctk_wait_until scope_gone "ctk-d-$$.scope"
	[ ! -e "$CG/ctk-outside-$$" ]
}
