#!/usr/bin/env bats
# crelease without root: help, usage errors, and the agent's refusals of
# hostile paths, which come before anything is looked at.

load helpers/common

@test "crelease --help" {
	run --separate-stderr crelease --help
	assert_success
	assert_output --partial "Usage: crelease"
	assert_output --partial "--watch"
}

@test "modes are exclusive; a mode is needed" {
	run --separate-stderr crelease
	assert_failure 2
	[[ "$stderr" == *"no mode"* ]]
	run crelease --sweep --remove name=ctk-test:/a
	assert_failure 2
	run crelease --once --sweep name=ctk-test:/a
	assert_failure 2
	run crelease --all --remove name=ctk-test:/a
	assert_failure 2
	run crelease --dry-run --watch :/x
	assert_failure 2
	run crelease --sweep
	assert_failure 2
}

@test "as the agent, hostile paths are refused and logged, exit 1" {
	log=$BATS_TEST_TMPDIR/log
	for p in /../.. // /a//b /a/./b / "$(printf '/a\nb')" "/$(head -c 5000 /dev/zero | tr '\0' x)"; do
		run crelease --agent /nonexistent --log "$log" "$p"
		assert_failure 1
	done
	[ "$(wc -l < "$log")" = 7 ]
	[ "$(grep -c ': refused: ' "$log")" = 7 ]
	grep -q '?:/a\\x0ab: refused: control character' "$log"
	# one line per decision, however long the path
	run ! grep -q "$(head -c 400 /dev/zero | tr '\0' x)" "$log"
}

@test "the agent starts with fds 0-2 closed, as the kernel calls it" {
	log=$BATS_TEST_TMPDIR/log
	run sh -c 'exec 0<&- 1>&- 2>&-; crelease --agent /nonexistent --log "$1" /..' sh "$log"
	assert_failure 1
	# the log file did not take fd 0-2: it got the line
	grep -q 'refused' "$log"
}

@test "--force goes with --remove or --watch" {
	run --separate-stderr crelease --force --sweep :/x
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "crelease: --force goes with --remove or --watch"
}
