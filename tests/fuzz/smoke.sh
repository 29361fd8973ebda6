#!/bin/sh
# A fixed-duration libFuzzer run of the checkpoint reader, seeded with the
# crafted images (ASan + UBSan). Skipped without clang.
#
# A failure prints the whole report (from libFuzzer's or a sanitizer's
# ERROR line on, not the log's tail, which a long stack pushes out of
# reach), the seed to replay the run with, and the input that crashed,
# kept in the build tree and printed as base64: a CI log is then enough
# to reproduce it (base64 -d > crash; fuzz_ckpt crash).
f=$CTK_BUILDDIR/tests/fuzz/fuzz_ckpt
if [ ! -x "$f" ]; then
	echo "1..0 # SKIP no clang with libFuzzer here"
	exit 0
fi
corpus=$(mktemp -d) || exit 99
trap 'rm -rf "$corpus"' EXIT
secs=${CTK_FUZZ_SECONDS:-15}
seed=${CTK_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
keep=$CTK_BUILDDIR/tests/fuzz/artifacts
mkdir -p "$keep" && rm -f "$keep"/* || exit 99
if "$f" -seed="$seed" -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$keep/" "$corpus" "$CTK_SRCDIR/tests/fixtures/ckpt" \
	> "$corpus/log" 2>&1; then
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' \
		"$corpus/log")
	echo "ok 1 - $secs s of fuzzing the reader (seed $seed): $runs" \
		"executions, no crash"
else
	echo "not ok 1 - the fuzzer stopped (seed $seed); its report:"
	awk 'found || /ERROR|runtime error|Assertion/ { found = 1 }
	     found && n++ < 120' "$corpus/log" | sed 's/^/# /'
	grep -q . "$corpus/log" || echo "# (the fuzzer printed nothing)"
	for a in "$keep"/*; do
		[ -f "$a" ] || continue
		echo "# the input, $(wc -c < "$a") bytes, kept as $a:"
		base64 -w 76 "$a" | sed 's/^/#   /'
	done
fi
echo "1..1"
