#!/bin/sh
# Every message the CLI suites provoked (run-bats records them, one file a
# suite, through CTK_MSG_LOG) says its reason once and has one: no part that
# repeats the one before it, no second part that starts with the words of
# an earlier one ("permission denied: Permission denied", "no such
# container: No such file or directory"), no object said again ("process 2:
# process 2 is ..."), and no "cannot ..." at the end with nothing after it.
# TAP, one test a suite.
n=0
found=0
grep -qx '#define CTK_TEST_HOOKS 1' "${CTK_BUILDDIR:-.}/config.h" 2>/dev/null || {
	echo "1..0 # SKIP the tools were built without --enable-test-hooks: no message is recorded"
	exit 0
}
for f in "${CTK_BUILDDIR:-.}"/tests/cli/*.msgs; do
	[ -f "$f" ] || continue
	found=1
	n=$((n + 1))
	# the suites that run anywhere and are about messages provoke some:
	# none recorded means the record did not reach the tools (a golden
	# case runs under env -i, and must pass CTK_MSG_LOG on)
	case ${f##*/} in
	golden.msgs|cattach.msgs|cckpt.msgs|cmkdir.msgs|cmount.msgs|crelease.msgs)
		if [ ! -s "$f" ]; then
			echo "not ok $n - ${f##*/}: no message recorded"
			continue
		fi ;;
	esac
	# a checker that fails must fail the test, not pass it
	out=$(sort -u "$f" | awk '
	function first2(s,  w, k) {
		k = split(tolower(s), w, /[^a-z0-9_.=]+/)
		return k >= 2 && w[1] != "" ? w[1] " " w[2] : ""
	}
	{
		line = $0
		sub(/^[a-z]+: /, "", line)
		k = split(line, seg, /: /)
		why = ""
		for (i = 1; i < k && !why; i++)
			if (tolower(seg[i]) == tolower(seg[i + 1]))
				why = "a part said twice"
		# the reasons among themselves, not the object
		for (j = 3; j <= k && !why; j++)
			for (i = 2; i < j && !why; i++)
				if (first2(seg[j]) != "" && first2(seg[j]) == first2(seg[i]))
					why = "two parts start alike (\"" first2(seg[j]) "\")"
		if (!why && length(seg[1]) >= 5 && seg[1] ~ / / && k > 1) {
			rest = tolower(substr(line, length(seg[1]) + 3))
			if (index(rest, tolower(seg[1])))
				why = "the object said again"
		}
		if (!why && seg[k] ~ /^cannot [^:]*$/)
			why = "no reason after \"" seg[k] "\""
		if (why)
			print why ": " $0
	}' || echo "the checker itself failed")
	if [ -n "$out" ]; then
		echo "not ok $n - ${f##*/}: $(echo "$out" | wc -l) message(s)"
		echo "$out" | sed 's/^/#   /'
	else
		echo "ok $n - ${f##*/}: $(sort -u "$f" | wc -l) messages, each says its reason once"
	fi
done
if [ "$found" = 0 ]; then
	echo "1..0 # SKIP no recorded messages (the CLI suites did not run before this)"
	exit 0
fi
echo "1..$n"
