#!/bin/sh
# The committed crafted images are exactly what the generator writes.
d=$(mktemp -d) || exit 99
trap 'rm -rf "$d"' EXIT
"$CTK_BUILDDIR/tests/helpers/ckpt-mkfixtures" "$d" || { echo "not ok 1 - generator failed"; echo 1..1; exit 0; }
n=0
for f in "$d"/*.img; do
	n=$((n + 1))
	name=${f##*/}
	if cmp -s "$f" "$CTK_SRCDIR/tests/fixtures/ckpt/$name"; then
		echo "ok $n - $name is current"
	else
		echo "not ok $n - $name differs from the generator's (run make fixtures)"
	fi
done
echo "1..$n"
