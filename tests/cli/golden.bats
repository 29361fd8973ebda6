#!/usr/bin/env bats
# Golden output (tests/expected, as util-linux's): listings, images and the
# messages of common mistakes, exit code included, compared byte for byte,
# so that a change of wording shows in review. No root needed.

load helpers/common

@test "every tests/expected/*.cmd prints its .out (each case runs; every difference is shown)" {
	local n=0 bad=()
	for c in "$CTK_SRCDIR"/tests/expected/*.cmd; do
		name=${c##*/}
		name=${name%.cmd}
		n=$((n + 1))
		run "$CTK_SRCDIR/tests/helpers/run-expected" "$CTK_BUILDDIR" "$c"
		if ! diff -u "$CTK_SRCDIR/tests/expected/$name.out" <(printf '%s\n' "$output") >&2; then
			bad+=("$name")
		fi
	done
	[ "$n" -ge 20 ]
	if [ "${#bad[@]}" -gt 0 ]; then
		echo "# ${#bad[@]} of $n differ: ${bad[*]}" >&2
		echo "# (tests/helpers/update-expected BUILDDIR NAME, then review)" >&2
		return 1
	fi
}

