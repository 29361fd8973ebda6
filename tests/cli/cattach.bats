#!/usr/bin/env bats
# cattach without root: help, usage errors, pid syntax.

load helpers/common

@test "cattach --help" {
	run --separate-stderr cattach --help
	assert_success
	assert_output --partial "Usage: cattach"
}

@test "pid syntax is checked before anything moves" {
	for bad in 0 '1 2' junk 12x '' 99999999 5000000; do
		run --separate-stderr cattach name=ctk-test:/ 1 "$bad"
		assert_failure 2
		[[ "$stderr" == *": not a process ID"* ]]
	done
}

@test "a negative pid is no option popt knows: usage error" {
	run cattach name=ctk-test:/ 1 -1
	assert_failure 2
}

@test "control characters in a bad pid are escaped in the message" {
	run --separate-stderr cattach name=ctk-test:/ "$(printf '1\n2')"
	assert_failure 2
	[ "${stderr_lines[0]}" = 'cattach: 1\x0a2: not a process ID' ]
}

@test "usage errors" {
	run cattach
	assert_failure 2
	run cattach name=ctk-test:/
	assert_failure 2
	run --separate-stderr cattach name=ctk-test:/ --
	assert_failure 2
	[[ "$stderr" == *"no command after '--'"* ]]
	run cattach name=ctk-test:/ 1 -- true
	assert_failure 2
	run cattach -C name=ctk-test:/ 1
	assert_failure 2
	run cattach -a name=ctk-test:/a
	assert_failure 2
	run cattach -a --rules name=ctk-test:/a name=ctk-test:/b
	assert_failure 2
	run cattach --rules -g name=ctk-test:/ 1
	assert_failure 2
	run cattach -t name=ctk-test:/ -- true
	assert_failure 2
}
