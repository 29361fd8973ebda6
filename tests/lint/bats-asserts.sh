#!/bin/sh
# Fails on bats lines that assert nothing. bats runs a test under set -e,
# but set -e ignores a failing `! cmd` and every part of an `a && b` list
# but the last (bats 1.8.2): in a test body such a line never fails the
# test. Use `run ! cmd`, `refute`, or one `[ ... ]` per line. A wait whose
# condition holds a $(...) expands it once, before the wait, and so waits
# for nothing: use ctk_output_is (tests/cli/helpers/common.bash).
# TAP output; test 1 proves the checker finds each of these in a sample.
# Usage: bats-asserts.sh [FILE.bats...] (default: every CLI suite)
[ $# -gt 0 ] || set -- "${CTK_SRCDIR:-.}"/tests/cli/*.bats

check() {
	awk '
		# a wait, in a test or a helper, whose condition is expanded once
		/ctk_wait_until[[:space:]][^#]*\$\(/ &&
		    !/^[[:space:]]*#/ {
			print FILENAME ":" FNR ": a $(...) in a wait is expanded once"
		}
		/^@test / { intest = 1; next }
		intest && /^}/ { intest = 0; next }
		!intest { next }
		# a bare negation, anywhere in a test body
		/^[[:space:]]+![[:space:]]/ { print FILENAME ":" FNR ": bare \"! cmd\""; next }
		# a test of its own joined by && (the first part is ignored)
		/^[[:space:]]+\[\[? .*\]\]? && / && !/\|\|/ &&
		    !/&& (break|continue|return|skip|exit)/ {
			print FILENAME ":" FNR ": \"[ ... ] && ...\""
		}' "$1" || echo "the checker itself failed on $1"
}

# the checker finds what it is for: three faults, three findings
sample=$(mktemp) || exit 1
trap 'rm -f "$sample"' EXIT
cat > "$sample" <<'SAMPLE'
@test "sample" {
	! false
	[ -e /x ] && true
	ctk_wait_until test "$(wc -l < f)" = 1
	ctk_wait_until ctk_output_is 1 grep -c '' f
	run ! false
}
SAMPLE
if [ "$(check "$sample" | wc -l)" = 3 ]; then
	echo "ok 1 - the checker finds a bare !, an && test and a wait on \$(...)"
else
	echo "not ok 1 - the checker finds a bare !, an && test and a wait on \$(...)"
	check "$sample" | sed 's/^/#   /'
fi
n=1
for f in "$@"; do
	n=$((n + 1))
	# a file it cannot read, or one with no test, is not a file it passed
	if [ ! -r "$f" ] || ! grep -q '^@test ' "$f" 2>/dev/null; then
		echo "not ok $n - $f: cannot be read, or holds no @test"
		continue
	fi
	out=$(check "$f")
	if [ -n "$out" ]; then
		echo "not ok $n - $f"
		echo "$out" | sed 's/^/#   /'
	else
		echo "ok $n - $f"
	fi
done
echo "1..$n"
