#!/bin/sh
# Fails on bats lines that assert nothing. bats runs a test under set -e,
# but set -e ignores a failing `! cmd` and every part of an `a && b` list
# but the last (bats 1.8.2): in a test body such a line never fails the
# test. Use `run ! cmd`, `refute`, or one `[ ... ]` per line. TAP output.
# Usage: bats-asserts.sh [FILE.bats...] (default: every CLI suite)
[ $# -gt 0 ] || set -- "${CTK_SRCDIR:-.}"/tests/cli/*.bats
n=0
for f in "$@"; do
	n=$((n + 1))
	# a file it cannot read, or one with no test, is not a file it passed
	if [ ! -r "$f" ] || ! grep -q '^@test ' "$f" 2>/dev/null; then
		echo "not ok $n - $f: cannot be read, or holds no @test"
		continue
	fi
	out=$(awk '
		/^@test / { intest = 1; next }
		intest && /^}/ { intest = 0; next }
		!intest { next }
		# a bare negation, anywhere in a test body
		/^[[:space:]]+![[:space:]]/ { print FILENAME ":" FNR ": bare \"! cmd\""; next }
		# a test of its own joined by && (the first part is ignored)
		/^[[:space:]]+\[\[? .*\]\]? && / && !/\|\|/ &&
		    !/&& (break|continue|return|skip|exit)/ {
			print FILENAME ":" FNR ": \"[ ... ] && ...\""
		}' "$f" || echo "the checker itself failed on $f")
	if [ -n "$out" ]; then
		echo "not ok $n - $f"
		echo "$out" | sed 's/^/#   /'
	else
		echo "ok $n - $f"
	fi
done
echo "1..$n"
