#!/usr/bin/env bats
# bats file_tags=root
# cckpt on the process trees of tests/cckpt-shapes/ (CRIU's zdtm shapes and
# everyday programs'): each one built by tests/helpers/ctk-shape, dumped,
# compared with /proc, restored, compared again and diffed, as a container
# (a pid namespace of its own) and as a subtree of this namespace.
load helpers/common

setup_file() { ctk_root_setup_file; }
setup() {
	ctk_root_setup
	command -v jq >/dev/null || skip "no jq"
	ctk_need_v2	# the trees are made in v2 scratch containers
}
teardown() { ctk_root_teardown; }
teardown_file() { ctk_root_teardown_file; }

# shape NAME [--subtree]: the round trip of tests/cckpt-shapes/NAME.shape
shape() {
	local f=$CTK_SRCDIR/tests/cckpt-shapes/$1.shape
	run "$CTK_SRCDIR/tests/helpers/randtree-roundtrip" "$CTK_BUILDDIR" --shapes ${2:-} "$f"
	assert_success
	assert_line "randtree: $f${2:+ (subtree)}: passed"
	assert_line "randtree: 1 passed, 0 failed"
}

@test "session00" {
	shape session00
}

@test "session00, as a subtree" {
	shape session00 --subtree
}

@test "session01" {
	shape session01
}

@test "session01, as a subtree" {
	shape session01 --subtree
}

@test "session02" {
	shape session02
}

@test "session02, as a subtree" {
	shape session02 --subtree
}

@test "zombie00" {
	shape zombie00
}

@test "zombie00, as a subtree" {
	shape zombie00 --subtree
}

@test "subreaper-reparent" {
	shape subreaper-reparent
}

@test "subreaper-reparent, as a subtree" {
	shape subreaper-reparent --subtree
}

@test "moved-leader" {
	shape moved-leader
}

@test "moved-leader, as a subtree" {
	shape moved-leader --subtree
}

@test "nested-sessions" {
	shape nested-sessions
}

@test "nested-sessions, as a subtree" {
	shape nested-sessions --subtree
}

@test "nested-init-group" {
	shape nested-init-group
}

@test "nested-init-group, as a subtree" {
	shape nested-init-group --subtree
}

@test "every shape file has its test here" {
	local f n
	for f in "$CTK_SRCDIR"/tests/cckpt-shapes/*.shape; do
		n=$(basename "$f" .shape)
		grep -qx "	shape $n" "$BATS_TEST_FILENAME"
		grep -qx "	shape $n --subtree" "$BATS_TEST_FILENAME"
	done
}
