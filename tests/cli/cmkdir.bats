#!/usr/bin/env bats
# cmkdir without root: help and every refusal that comes before a side effect.

load helpers/common

@test "cmkdir --help" {
	run --separate-stderr cmkdir --help
	assert_success
	assert_output --partial "Usage: cmkdir"
	assert_output --partial "--notify-on-release"
}

@test "no SPEC is a usage error" {
	run --separate-stderr cmkdir -p
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmkdir: no container given" ]
	[ "${stderr_lines[1]}" = "Try 'cmkdir --help' for more information." ]
}

@test "bad modes are usage errors" {
	run --separate-stderr cmkdir -m 0999 name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == *"0999: invalid mode"* ]]
	run cmkdir -f u+rwx name=ctk-test:/a
	assert_failure 2
	run cmkdir -m 17777 name=ctk-test:/a
	assert_failure 2
}

@test "an unknown user or group is an error, not a silent success" {
	run --separate-stderr cmkdir -u no-such-user-ctk name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == "cmkdir: no-such-user-ctk: no such user or group"* ]]
	run --separate-stderr cmkdir -t root:no-such-group-ctk name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == "cmkdir: no-such-group-ctk: no such user or group"* ]]
	run cmkdir -u : name=ctk-test:/a
	assert_failure 2
}

@test "-N takes only 0 or 1; anything else after it is a SPEC" {
	run --separate-stderr cmkdir -N 2 name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == *"--notify-on-release takes 0 or 1"* ]]
	# -N followed by a spec: the spec is not swallowed
	run --separate-stderr cmkdir -N 'name=ctk-test:/../x'
	assert_failure 1
	[[ "$stderr" == *"'..' leads above the hierarchy root"* ]]
}

@test "bad --enable lists are usage errors" {
	# never a live hierarchy here: name=ctk-test is not mounted in this file
	run cmkdir -e '+cpu;rm' name=ctk-test:/a
	assert_failure 2
	run --separate-stderr cmkdir -e '' name=ctk-test:/a
	assert_failure 2
	[[ "$stderr" == *"empty controller list"* ]]
}

@test "--config takes no SPEC, and refuses names that leave cgroupfs" {
	run cmkdir --config "$FIXTURES/cgconfig-ok.conf" name=ctk-test:/a
	assert_failure 2
	run --separate-stderr cmkdir --config "$FIXTURES/cgconfig-dotdot.conf"
	assert_failure 1
	# refused while the file is read, before any hierarchy is looked up
	# (none is mounted here): nothing could have been made
	[[ "$stderr" == *"line 3: group '../../../tmp/ctk-escape': '.' and '..' are refused"* ]]
}

@test "the common slips in a SPEC get a hint: a hierarchy's name without name=, a v2 controller written as v1" {
	run --separate-stderr cmkdir ctk-test:/a
	assert_refusal 1 cmkdir
	[ "$stderr" = "cmkdir: ctk-test:/a: invalid controller name (a named hierarchy is written name=ctk-test)" ]
	run cmkdir --help
	assert_output --partial "name=NAME:/PATH (a named v1 hierarchy: name=, not NAME:/PATH alone)"
	# a controller that this machine's cgroup2 has and no v1 hierarchy
	v2=$(ctk_v2_root)
	[ -n "$v2" ] || skip "no cgroup2 hierarchy here"
	c=
	for w in $(cat "$v2/cgroup.controllers"); do
		awk -v w="$w" '$1 == w && $2 != 0 { f = 1 } END { exit !f }' /proc/cgroups && continue
		c=$w
		break
	done
	[ -n "$c" ] || skip "every controller of cgroup2 is also a v1 hierarchy here"
	run --separate-stderr cmkdir "$c:/x"
	assert_refusal 1 cmkdir
	[ "$stderr" = "cmkdir: $c:/x: no such hierarchy ($c is a controller of cgroup v2 here: write :/x)" ]
}

@test "a hierarchy that does not exist is named" {
	run --separate-stderr cmkdir name=no-such-hierarchy-ctk:/a
	assert_failure 1
	[[ "$stderr" == "cmkdir: name=no-such-hierarchy-ctk:/a: no such hierarchy"* ]]
}

@test "--scope: each refusal before systemd is asked; where systemd is not pid 1, exit 3 and nothing made" {
	run --separate-stderr cmkdir --property MemoryMax=1G :/x.scope
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmkdir: --property goes with --scope" ]
	run --separate-stderr cmkdir --scope --property ExecStart=/bin/sh :/x.scope
	assert_failure 2
	[[ "${stderr_lines[0]}" == "cmkdir: --property: ExecStart: not a property ctk passes on ("* ]]
	run --separate-stderr cmkdir --scope --property MemoryMax=1MB :/x.scope
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmkdir: --property: MemoryMax: bytes (a number, K, M, G or T after it), or infinity" ]
	run --separate-stderr cmkdir --scope -s pids.max=1 :/x.scope
	assert_failure 2
	[[ "${stderr_lines[0]}" == "cmkdir: --scope: a scope's settings are systemd's (--property); "* ]]
	run --separate-stderr cmkdir --scope --force :/x.scope
	assert_failure 2
	# asking this machine's systemd for a scope is not a test's to do
	[ "$(cat /proc/1/comm)" != systemd ] || skip "pid 1 is systemd: the refusal is the systemd lane's (systemd-root.bats)"
	run --separate-stderr cmkdir --scope :/ctk-test.slice/x.scope
	assert_refusal 3 cmkdir
	[[ "$stderr" == "cmkdir: :/ctk-test.slice/x.scope: systemd does not manage this hierarchy: no scope to ask for"* ]]
	run ps -C ctk-idle -o pid=
	assert_output ""
}
