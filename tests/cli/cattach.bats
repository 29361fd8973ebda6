#!/usr/bin/env bats
# cattach without root: help, usage errors, pid syntax.

load helpers/common

@test "a command without -- gets a hint; --help says where COMMAND goes" {
	run --separate-stderr cattach :/ sleep 1
	assert_failure 2
	[ "${stderr_lines[0]}" = "cattach: sleep: not a process ID (a command goes after --: cattach SPEC -- COMMAND)" ]
	run cattach --help
	assert_output --partial "A COMMAND goes after --: cattach SPEC -- COMMAND"
}

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

@test "--rules: usage, and a rules file that is wrong is said with its line, before anything moves" {
	run --separate-stderr cattach --watch
	assert_failure 2
	[[ "$stderr" == "cattach: --watch goes with --rules"* ]]
	run --separate-stderr cattach --log /tmp/x --rules 1
	assert_failure 2
	[[ "$stderr" == "cattach: --log goes with --rules --watch"* ]]
	run --separate-stderr cattach --sticky -a name=x:/a name=x:/b
	assert_failure 2
	run --separate-stderr cattach --rules --watch 1
	assert_failure 2
	run --separate-stderr cattach --rules
	assert_failure 2
	[[ "$stderr" == "cattach: --rules: no PID, command or --watch"* ]]
	printf 'root cpu\n' > "$BATS_TEST_TMPDIR/bad"
	# the word after --rules is a PID again, and the file is read first
	run --separate-stderr cattach --rules="$BATS_TEST_TMPDIR/bad" $$
	assert_failure 1
	[ "$stderr" = "cattach: $BATS_TEST_TMPDIR/bad: line 1: expected USER[:PROCESS] CONTROLLERS DESTINATION [OPTIONS]" ]
	run --separate-stderr cattach --rules "$BATS_TEST_TMPDIR/bad" $$
	assert_failure 1
	[[ "$stderr" == *"line 1: expected"* ]]
	# a FIFO is refused at once, never waited on
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run --separate-stderr timeout 5 cattach --rules="$BATS_TEST_TMPDIR/fifo" $$
	assert_failure 1
	[ "$stderr" = "cattach: $BATS_TEST_TMPDIR/fifo: not a regular file" ]
}
