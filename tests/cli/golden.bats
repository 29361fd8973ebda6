#!/usr/bin/env bats
# Golden output (tests/expected, as util-linux's): listings, images and the
# messages of common mistakes, exit code included, compared byte for byte,
# so that a change of wording shows in review. No root needed.

load helpers/common

@test "every tests/expected/*.cmd prints its .out" {
	n=0
	for c in "$CTK_SRCDIR"/tests/expected/*.cmd; do
		name=${c##*/}
		name=${name%.cmd}
		run "$CTK_SRCDIR/tests/helpers/run-expected" "$CTK_BUILDDIR" "$c"
		if ! diff -u "$CTK_SRCDIR/tests/expected/$name.out" <(printf '%s\n' "$output"); then
			echo "# $name differs (tests/helpers/update-expected BUILDDIR $name, then review)"
			return 1
		fi
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
}
