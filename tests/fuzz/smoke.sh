#!/bin/sh
# A fixed-duration libFuzzer run of the checkpoint reader, seeded with the
# crafted images (ASan + UBSan). Skipped without clang.
f=$CTK_BUILDDIR/tests/fuzz/fuzz_ckpt
if [ ! -x "$f" ]; then
	echo "1..0 # SKIP no clang with libFuzzer here"
	exit 0
fi
corpus=$(mktemp -d) || exit 99
trap 'rm -rf "$corpus"' EXIT
secs=${CTK_FUZZ_SECONDS:-15}
if "$f" -max_total_time="$secs" -print_final_stats=1 "$corpus" \
	"$CTK_SRCDIR/tests/fixtures/ckpt" > "$corpus.log" 2>&1; then
	runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$corpus.log")
	echo "ok 1 - $secs s of fuzzing the reader: $runs executions, no crash"
else
	echo "not ok 1 - the fuzzer found a crash:"
	sed 's/^/# /' "$corpus.log" | tail -40
fi
rm -f "$corpus.log"
echo "1..1"
