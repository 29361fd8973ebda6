#!/usr/bin/env bats
# Every completion file is sourced and answers.

load helpers/common

complete_words() {
	# complete_words FILE FUNC WORD... : COMPREPLY for the last word
	local file=$1 func=$2
	shift 2
	source "$CTK_SRCDIR/completions/$file"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	# each reply replaces readline's word, which begins after the last
	# ':' or '=' of the typed word: show the whole word as the line has it
	local r keep=${COMP_WORDS[COMP_CWORD]:0:${_ctk_skip:-0}}
	for r in "${COMPREPLY[@]}"; do
		printf '%s%s\n' "$keep" "$r"
	done
}

@test "cmount completes its options" {
	run complete_words cmount _cmount cmount --se
	assert_success
	assert_output "--set-release-agent"
}

@test "cmount completes types" {
	run complete_words cmount _cmount cmount -t cg
	assert_success
	assert_line "cgroup"
	assert_line "cgroup2"
}

@test "cmount completes -c with the kernel's controllers, none and name=" {
	run complete_words cmount _cmount cmount -c cpu,n
	assert_success
	assert_line "cpu,none"
	assert_line "cpu,name="
	run complete_words cmount _cmount cmount -c na
	assert_output "name="
}

@test "cmount completes tree columns after -T" {
	run complete_words cmount _cmount cmount -T --output REL
	assert_success
	assert_output "RELEASABLE"
}

@test "cmount completes listing columns" {
	run complete_words cmount _cmount cmount --output CONT
	assert_success
	assert_line CONTAINERS
	assert_line CONTROLLERS
	[ "${#lines[@]}" = 2 ]
}

@test "cmount completes hierarchies as specs after -T" {
	grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 mount here"
	run complete_words cmount _cmount cmount -T :
	assert_success
	assert_line ":/"
}

# The specs offered for WORD on the layout of a fixture mountinfo, a line
# each, sorted.
specs_on() {
	CTK_COMPLETION_MOUNTINFO=$FIXTURES/$1 complete_words cmkdir _cmkdir cmkdir "$2" | sort
}

@test "spec completion on a mixed v1 + v2 layout: every hierarchy once, named ones by name" {
	run specs_on mountinfo-v1v2 ""
	assert_success
	assert_output "$(printf '%s\n' :/ cpu,cpuacct:/ memory:/ name=spc:/ name=sub:/ name=systemd:/)"
	run specs_on mountinfo-v1v2 name=sys
	assert_output "name=systemd:/"
	run specs_on mountinfo-v1v2 :
	assert_output ":/"
	run specs_on mountinfo-v1v2 mem
	assert_output "memory:/"
}

@test "spec completion on a pure v2 layout at /sys/fs/cgroup" {
	run specs_on mountinfo-v2only ""
	assert_success
	assert_output ":/"
	run specs_on mountinfo-v2only name=
	assert_output ""
}

@test "spec completion on a v1-only layout: a hierarchy mounted twice is offered once" {
	run specs_on mountinfo-v1only ""
	assert_success
	assert_output "$(printf '%s\n' cpu,cpuacct:/ name=systemd:/ pids:/)"
	run specs_on mountinfo-v1only :
	assert_output ""
}

@test "cmount -T and cckpt restore --into complete specs the same way" {
	export CTK_COMPLETION_MOUNTINFO=$FIXTURES/mountinfo-v1v2
	run complete_words cmount _cmount cmount -T name=s
	assert_success
	assert_output "$(printf '%s\n' name=systemd:/ name=sub:/ name=spc:/)"
	export CTK_COMPLETION_MOUNTINFO=$FIXTURES/mountinfo-v2only
	run complete_words cckpt _cckpt cckpt restore --into ""
	assert_success
	assert_output ":/"
}

@test "cmkdir completes options and users" {
	run complete_words cmkdir _cmkdir cmkdir --notify
	assert_success
	assert_output "--notify-on-release"
	run complete_words cmkdir _cmkdir cmkdir -u roo
	assert_success
	assert_line root
}

@test "cmkdir completes the mounted hierarchies as spec prefixes" {
	grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 mount here"
	run complete_words cmkdir _cmkdir cmkdir :
	assert_success
	assert_line ":/"
}

@test "cmkdir --set completes control files as FILE=, -T --output takes them as columns" {
	grep -q ' - cgroup2 ' /proc/self/mountinfo || skip "no cgroup2 mount here"
	run complete_words cmkdir _cmkdir cmkdir -s cgroup.max.desc
	assert_success
	assert_output "cgroup.max.descendants="
	run complete_words cmkdir _cmkdir cmkdir --copy-from :
	assert_line ":/"
	run complete_words cmount _cmount cmount -T --output cgroup.max.dep
	assert_success
	assert_output "cgroup.max.depth"
}

@test "cattach completes options, then commands after --" {
	run complete_words cattach _cattach cattach --cg
	assert_success
	assert_output "--cgroupns"
	run complete_words cattach _cattach cattach :/ -- bas
	assert_success
	assert_line bash
}

@test "cattach completes --rules=FILE and its daemon options" {
	run complete_words cattach _cattach cattach --sti
	assert_output "--sticky"
	run complete_words cattach _cattach cattach --wat
	assert_output "--watch"
	touch "$BATS_TEST_TMPDIR/cgrules-x.conf"
	run complete_words cattach _cattach cattach "--rules=$BATS_TEST_TMPDIR/cgrules-x"
	assert_output "--rules=$BATS_TEST_TMPDIR/cgrules-x.conf"
}

@test "cattach completes PIDs after the container" {
	run complete_words cattach _cattach cattach name=x:/ 1
	assert_success
	assert_line 1
}

@test "crelease completes its modes" {
	run complete_words crelease _crelease crelease --sw
	assert_success
	assert_output "--sweep"
	run complete_words crelease _crelease crelease --w
	assert_success
	assert_output "--watch"
	run complete_words crelease _crelease crelease --unm
	assert_output "--unmark"
	run complete_words crelease _crelease crelease --rec
	assert_output "--recursive"
}

@test "cckpt completes its commands and their options" {
	run complete_words cckpt _cckpt cckpt ver
	assert_success
	assert_output "verify"
	run complete_words cckpt _cckpt cckpt dump --sub
	assert_success
	assert_output "--subtree"
	run complete_words cckpt _cckpt cckpt show -
	assert_success
	assert_line "--json"
}
