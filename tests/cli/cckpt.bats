#!/usr/bin/env bats
# cckpt without root: usage, and show/verify of the crafted images.

load helpers/common

CK=$FIXTURES/ckpt

@test "cckpt --help" {
	run --separate-stderr cckpt --help
	assert_success
	assert_output --partial "Usage: cckpt"
}

@test "usage errors" {
	run cckpt
	assert_failure 2
	run --separate-stderr cckpt frobnicate
	assert_failure 2
	[[ "$stderr" == *"frobnicate: unknown command"* ]]
	run cckpt dump name=ctk-test:/a
	assert_failure 2
	run cckpt dump -o x.img
	assert_failure 2
	run cckpt dump -o x.img -p 1 name=ctk-test:/a
	assert_failure 2
	run cckpt dump -o x.img -p 0
	assert_failure 2
	run cckpt dump --timeout -1 -o x.img -p 1
	assert_failure 2
	run cckpt show
	assert_failure 2
	run cckpt verify -o x "$CK/valid-container.img"
	assert_failure 2
	run cckpt verify -J "$CK/valid-container.img"
	assert_failure 2
	[ ! -e x.img ]
}

@test "verify: valid images exit 0" {
	for f in valid-container valid-subtree valid-optional valid-permuted unrestorable; do
		run cckpt verify "$CK/$f.img"
		assert_success
		assert_output --partial ": valid: format 1.0"
	done
}

@test "verify: every crafted image is rejected with one line naming record, offset and rule" {
	n=0
	for f in "$CK"/*.img; do
		case ${f##*/} in valid-*|unrestorable.img) continue ;; esac
		run --separate-stderr cckpt verify "$f"
		assert_failure 1
		[ "${#stderr_lines[@]}" = 1 ]
		[[ "$stderr" =~ ^cckpt:\ .*\.img:\ (record\ [A-Z0-9a-z\ ]+\ at\ offset\ [0-9]+|file|the\ image\ of\ a\ failed\ checkpoint) ]]
		n=$((n + 1))
	done
	[ "$n" -ge 60 ]
}

@test "verify: groups that only hold each other (each led from the other) are no tree: refused" {
	run --separate-stderr cckpt verify "$CK/group-cycle.img"
	assert_failure 1
	[ "$stderr" = "cckpt: $CK/group-cycle.img: record BUFFER at offset 232: task 1: it leads pgrp 2 but lives in pgrp 3, and no other member holds pgrp 2: groups that only hold each other" ]
}

@test "show verifies first" {
	run --separate-stderr cckpt show "$CK/crc.img"
	assert_failure 1
	[[ "$stderr" == *"CRC-32C mismatch"* ]]
	[ -z "$output" ]
}

@test "show: the tree, indented, every level" {
	run cckpt show "$CK/valid-container.img"
	assert_success
	assert_line "pid objects: 7"
	assert_line --partial "pid 1  tgid 1  pgrp 1  session 1"
	assert_line --partial "  \`- pid 5/1  tgid 5/1  pgrp 1  session 1"
	assert_line --partial "    \`- pid 6/2  tgid 6/2  pgrp 7  session 1"
	assert_line --partial "pid 4  tgid 3  pgrp 1  session 1  (thread)"
}

@test "show -J: header, pid objects, tasks" {
	run cckpt show -J "$CK/valid-container.img"
	assert_success
	j=$output
	[ "$(jq -r .header.format <<< "$j")" = 1.0 ]
	[ "$(jq -r .header.subtree <<< "$j")" = false ]
	[ "$(jq -c '.pids[5]' <<< "$j")" = '{"tag":6,"depth":1,"numbers":[6,2]}' ]
	[ "$(jq -c '[.tasks[] | .pid]' <<< "$j")" = '[[1],[2],[3],[4],[5,1],[6,2]]' ]
	[ "$(jq -c '.tasks[5] | [.ppid, .pgid, .sid, .depth]' <<< "$j")" = '[[5,1],[7],[1],1]' ]
	[ "$(jq -c '[.tasks[] | .thread]' <<< "$j")" = '[false,false,false,true,false,false]' ]
}

@test "truncated, bit-flipped and oversized files are rejected, never a crash" {
	# each is a refusal in one line, "cckpt: FILE: reason", exit 1; a
	# sanitizer's report exits 86 or 87 (helpers/common.bash)
	img=$BATS_TEST_TMPDIR/x.img
	size=$(stat -c %s "$CK/valid-container.img")
	for n in 0 1 95 96 200 $((size - 1)); do
		head -c "$n" "$CK/valid-container.img" > "$img"
		run --separate-stderr cckpt verify "$img"
		assert_refusal 1 cckpt
	done
	for off in 0 17 70 130 170 250 300 $((size - 9)); do
		cp "$CK/valid-container.img" "$img"
		printf '\xff' | dd of="$img" bs=1 seek="$off" conv=notrunc status=none
		run --separate-stderr cckpt verify "$img"
		assert_refusal 1 cckpt
	done
	truncate -s 300M "$img"
	run --separate-stderr cckpt verify "$img"
	assert_refusal 1 cckpt
	[[ "$stderr" == *"larger than the reader's cap"* ]]
	head -c 4096 /dev/urandom > "$img"
	run --separate-stderr cckpt verify "$img"
	assert_refusal 1 cckpt
	run --separate-stderr cckpt verify /nonexistent.img
	assert_refusal 1 cckpt
	[[ "$stderr" == *"No such file or directory"* ]]
}

@test "restore and diff: usage" {
	run cckpt restore
	assert_failure 2
	run --separate-stderr cckpt restore --freeze "$CK/valid-container.img"
	assert_failure 2
	[[ "$stderr" == *"--freeze needs --into"* ]]
	run cckpt restore "$CK/valid-container.img" --
	assert_failure 2
	run cckpt restore -J "$CK/valid-container.img"
	assert_failure 2
	run cckpt show "$CK/valid-container.img" -- true
	assert_failure 2
	run cckpt diff "$CK/valid-container.img"
	assert_failure 2
}

@test "diff: equal trees exit 0, different ones say how (1), trouble is 2; trees compare by numbers, not tags" {
	run cckpt diff "$CK/valid-container.img" "$CK/valid-container.img"
	assert_success
	assert_output ""
	# the same tree, its pid objects in another order
	run cckpt diff "$CK/valid-container.img" "$CK/valid-permuted.img"
	assert_success
	assert_output ""
	run cckpt diff "$CK/valid-container.img" "$CK/valid-subtree.img"
	assert_failure 1
	assert_line "kind: container vs subtree"
	assert_line "task 3: parent 1, thread group 3, group 1, session 1, depth 0 vs parent -, thread group 3, group 1, session 1, depth 0"
	# trouble is 2, as diff(1) says it: an invalid or unreadable image
	run --separate-stderr cckpt diff "$CK/valid-container.img" "$CK/crc.img"
	assert_failure 2
	[[ "$stderr" == *"crc.img: "* ]]
	run cckpt diff "$CK/valid-container.img" /nonexistent.img
	assert_failure 2
}

@test "readers: a FIFO is refused at once, never waited on; '-' reads standard input" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	for c in verify show; do
		run --separate-stderr timeout 10 cckpt $c "$BATS_TEST_TMPDIR/fifo"
		assert_failure 1
		[ "$stderr" = "cckpt: $BATS_TEST_TMPDIR/fifo: not a regular file" ]
	done
	run timeout 10 cckpt restore "$BATS_TEST_TMPDIR/fifo"
	assert_failure 1
	run cckpt verify - < "$CK/valid-container.img"
	assert_success
	assert_output --partial ": valid: format 1.0"
	run sh -c "cat '$CK/valid-container.img' | cckpt verify -"
	assert_success
	run sh -c "cat '$CK/crc.img' | cckpt verify -"
	assert_failure 1
}

@test "cckpt(1) names the format document by a name that exists, and the build installs it" {
	grep -q "_doc/ckpt-format.md_ in" "$CTK_SRCDIR/man/cckpt.1.scd"
	grep -q "_/usr/share/doc/ctk/ckpt-format.md_" "$CTK_SRCDIR/man/cckpt.1.scd"
	[ -s "$CTK_SRCDIR/doc/ckpt-format.md" ]
	grep -qx "dist_doc_DATA = doc/ckpt-format.md" "$CTK_SRCDIR/Makefile.am"
	run ! grep -q "CKPT-FORMAT.md" "$CTK_SRCDIR/man/cckpt.1.scd"
}
