#!/usr/bin/env bats
# cmount without root: help, usage errors, listings of mountinfo fixtures.

load helpers/common

@test "cmount --help prints usage on stdout and exits 0" {
	run --separate-stderr cmount --help
	assert_success
	assert_output --partial "Usage: cmount"
	assert_output --partial "--set-release-agent"
	[ -z "$stderr" ]
}

@test "cmount --version" {
	run cmount --version
	assert_success
	assert_output --regexp '^cmount \(ctk\) [0-9]+\.[0-9]+'
}

@test "a path of 1000 bytes in an error gives way to the reason: its start and its end are kept, the reason whole" {
	local long
	long=/nonexistent/$(printf 'a%.0s' $(seq 1000))/end
	run --separate-stderr cmount --mountinfo "$long"
	assert_failure 1
	[ "${#stderr_lines[@]}" = 1 ]
	[[ "$stderr" == "cmount: /nonexistent/aaaa"*"...aaaa"*"/end: cannot read mount table: No such file or directory" ]]
	[ "${#stderr}" -lt 600 ]
	[ -z "$output" ]
}

@test "--name, --release-agent and --options spelt out go with mounting: a listing says so, not 'unexpected argument'" {
	local opt
	for opt in --name=foo "--release-agent /sbin/x" "--options noprefix"; do
		run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v1v2" $opt
		assert_failure 2
		[ "${stderr_lines[0]}" = "cmount: ${opt%%[= ]*} goes with mounting, on a DIR (in a listing, -n, -r and -o are --noheadings, --raw and --output)" ]
		[ -z "$output" ]
	done
	# the letters keep their listing meaning
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v1v2" -n -r -o TYPE
	assert_success
	[ "${lines[0]}" = cgroup ]
}

@test "an unknown option is a usage error with the --help hint" {
	run --separate-stderr cmount --bogus
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmount: --bogus: unknown option" ]
	[ "${stderr_lines[1]}" = "Try 'cmount --help' for more information." ]
	[ -z "$output" ]
}

@test "the listing of a fixture matches the expected table" {
	run cmount --mountinfo "$FIXTURES/mountinfo-v1v2"
	assert_success
	diff -u "$FIXTURES/expected/cmount-list-v1v2.txt" <(printf '%s\n' "$output")
}

@test "-a lists hierarchies not mounted here, as JSON" {
	run cmount --mountinfo "$FIXTURES/mountinfo-v1v2" \
		--proc-cgroup "$FIXTURES/proc-self-cgroup" -a -J \
		-o ID,TYPE,CONTROLLERS,NAME,TARGET,AGENT,HID,ROOT
	assert_success
	diff -u "$FIXTURES/expected/cmount-all-v1v2.json" <(printf '%s\n' "$output")
	# valid JSON whose unmounted rows have no target
	printf '%s\n' "$output" | jq -e '[.hierarchies[] | select(.target == null) | .name // .controllers] == ["ctk-test","blkio"]'
}

@test "a mount point with a space is decoded" {
	run cmount --mountinfo "$FIXTURES/mountinfo-v1v2" -J -o TARGET
	assert_success
	printf '%s\n' "$output" | jq -e '.hierarchies | map(.target) | index("/mnt/with space") != null'
}

@test "-n, -r and -o are --noheadings, --raw and --output in a listing" {
	run cmount --mountinfo "$FIXTURES/mountinfo-v2only" -rn -o ID,TYPE,TARGET
	assert_success
	assert_output "33 cgroup2 /sys/fs/cgroup"
	run cmount --mountinfo "$FIXTURES/mountinfo-v2only" --raw --noheadings --output +OPTIONS -o TYPE
	assert_success
	assert_output "cgroup2"
}

@test "cgroup2 flags show in OPTIONS" {
	run cmount --mountinfo "$FIXTURES/mountinfo-v2only" -J -o TYPE,OPTIONS
	assert_success
	printf '%s\n' "$output" | jq -e '.hierarchies[0].options == "rw,nsdelegate,memory_recursiveprot"'
}

@test "a machine without cgroups lists nothing" {
	run cmount --mountinfo "$FIXTURES/mountinfo-empty" -n
	assert_success
	assert_output ""
}

@test "an unknown column is a usage error naming it" {
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v2only" -o ID,BOGUS
	assert_failure 2
	[[ "$stderr" == *"unknown column 'BOGUS'"* ]]
}

@test "a missing mountinfo file is a failure with the reason" {
	run --separate-stderr cmount --mountinfo /nonexistent/mountinfo
	assert_failure 1
	[[ "$stderr" == "cmount: /nonexistent/mountinfo: cannot read mount table: No such file or directory" ]]
}

@test "exclusive modes and misplaced options are usage errors" {
	run cmount -T -u /x
	assert_failure 2
	run cmount -c cpu
	assert_failure 2
	run cmount -J /some/dir
	assert_failure 2
	run cmount -t bogus /some/dir
	assert_failure 2
	run --separate-stderr cmount -t cgroup2 -c cpu /some/dir
	assert_failure 2
	[[ "$stderr" == *"are cgroup v1 options"* ]]
	run cmount /a /b
	assert_failure 2
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v2only" "$BATS_TEST_TMPDIR/stray"
	assert_failure 2
	[[ "$stderr" == *"--mountinfo and --proc-cgroup go with a listing"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/stray" ]
}

@test "-n without a NAME when mounting is a usage error" {
	run --separate-stderr cmount /some/dir -n
	assert_failure 2
	[[ "$stderr" == *"--name needs an argument"* ]]
}

@test "a bad hierarchy name is refused before anything happens" {
	d=$BATS_TEST_TMPDIR/never
	run --separate-stderr cmount -n 'bad/name' "$d"
	assert_failure 1
	[[ "$stderr" == *"invalid hierarchy name"* ]]
	[ ! -e "$d" ]
}

@test "a relative or non-executable release agent is refused before mounting" {
	d=$BATS_TEST_TMPDIR/never
	run --separate-stderr cmount -n ctk-test -r relative/agent "$d"
	assert_failure 1
	[[ "$stderr" == *"must be an absolute path"* ]]
	printf '#!/bin/sh\n' > "$BATS_TEST_TMPDIR/agent"
	chmod 644 "$BATS_TEST_TMPDIR/agent"
	run --separate-stderr cmount -n ctk-test -r "$BATS_TEST_TMPDIR/agent" "$d"
	assert_failure 1
	[[ "$stderr" == *"not an executable file"* ]]
	[ ! -e "$d" ]
}

@test "a hostile tree spec is refused with the reason" {
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v1v2" -T 'name=systemd:/../..'
	assert_failure 1
	[[ "$stderr" == *"'..' leads above the hierarchy root"* ]]
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v1v2" -T "$(printf ':/a\nb')"
	assert_failure 1
	[[ "$stderr" == *'control character (0x0a)'* ]]
	[[ "${#stderr_lines[@]}" == 1 ]]
	run --separate-stderr cmount --mountinfo "$FIXTURES/mountinfo-v1v2" -T "name=systemd:/$(head -c 5000 /dev/zero | tr '\0' a)"
	assert_failure 1
	[[ "$stderr" == *"longer than"* ]]
}

@test "-h is --help in every tool, as in util-linux" {
	for t in cmount cmkdir cattach crelease cckpt; do
		run "$t" -h
		assert_success
		assert_line --partial "Usage: $t"
	done
	# after '--', -h belongs to the command
	run cattach --help
	assert_success
	# in a bundle of cmount's flags too, as findmnt -Jh; after a letter
	# that takes a value it is that value
	run --separate-stderr cmount -Jh
	assert_success
	assert_equal "$output" "$(cmount --help)"
	run --separate-stderr cmount -oh
	assert_failure 2
	[[ "$stderr" == "cmount: --output: unknown column 'h'"* ]]
}

@test "--cgconfig goes with -T and a SPEC, and prints no columns" {
	run --separate-stderr cmount --cgconfig
	assert_failure 2
	[[ "$stderr" == "cmount: --cgconfig goes with -T"* ]]
	run --separate-stderr cmount -T --cgconfig --mountinfo "$FIXTURES/mountinfo-v1v2"
	assert_failure 2
	[[ "$stderr" == "cmount: --cgconfig: no SPEC given"* ]]
	run --separate-stderr cmount -T --cgconfig -J --mountinfo "$FIXTURES/mountinfo-v1v2" :/
	assert_failure 2
	[[ "$stderr" == "cmount: --cgconfig prints a file, not columns"* ]]
}

@test "--top: its options go with it, each number checked, before anything is read" {
	run --separate-stderr cmount -b
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmount: -b, -d, --iterations and --order go with --top" ]
	run --separate-stderr cmount -T --order=cpu :/
	assert_failure 2
	for bad in 0 -1 x 1x ""; do
		run --separate-stderr cmount --top -d "$bad"
		assert_failure 2
		[ "${stderr_lines[0]}" = "cmount: $bad: --delay takes a number of seconds above 0" ]
	done
	for bad in 0 x 1.5; do
		run --separate-stderr cmount --top -n "$bad"
		assert_failure 2
		[ "${stderr_lines[0]}" = "cmount: $bad: --iterations takes a whole number above 0" ]
	done
	run --separate-stderr cmount --top -n
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmount: -n takes a number of screens with --top" ]
	run --separate-stderr cmount --top --order=size
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmount: size: --order takes cpu, memory, io, tasks or path" ]
	run --separate-stderr cmount --top -T
	assert_failure 2
	for o in -J -l -P --raw --processes; do
		run --separate-stderr cmount --top "$o"
		assert_failure 2
		[ "${stderr_lines[0]}" = "cmount: --top takes SPECs, -L, -b, -d, -n and --order" ]
	done
	# a fixture's mounts are not there to be read: no --mountinfo
	run --separate-stderr cmount --top -b -n 3 -d 0.01 --mountinfo "$FIXTURES/mountinfo-v2only" :/
	assert_failure 2
}
