#!/bin/sh
# Every option a tool's --help lists is documented in its man page, and
# every option the man page documents (an entry line that starts with *-)
# is one --help lists: neither can lose one silently. Every option is
# offered by the tool's bash completion too. -h counts as listed when it
# prints what --help prints. TAP, one test a tool.
# Usage: options.sh (CTK_BUILDDIR and CTK_SRCDIR name the trees)
b=${CTK_BUILDDIR:-.}
s=${CTK_SRCDIR:-.}
n=0
for t in cmount:8 cmkdir:1 cattach:1 crelease:8 cckpt:1; do
	tool=${t%:*}
	page=$s/man/$tool.${t#*:}.scd
	n=$((n + 1))
	if [ ! -x "$b/$tool" ] || [ ! -r "$page" ]; then
		echo "not ok $n - $tool: no built tool or no man page"
		continue
	fi
	# --help: "  -p, --parents ..." or "      --raw ..."
	help=$( { "$b/$tool" --help 2>/dev/null |
		grep -oE '^ +(-[a-zA-Z?], )?--[a-z][a-z0-9-]*' |
		grep -oE -- '-[a-zA-Z]\b|--[a-z][a-z0-9-]*'
		[ "$("$b/$tool" -h 2>&1)" != "$("$b/$tool" --help 2>&1)" ] ||
			echo -h; } | sort -u)
	# the page: option entries (a line beginning with *-) and their words
	man=$(grep -E '^\*-' "$page" |
		grep -oE -- '(^|[^a-z0-9*-])\*?--?[a-zA-Z][a-z0-9-]*' |
		grep -oE -- '--?[a-zA-Z][a-z0-9-]*' |
		grep -vE -- '^-[a-zA-Z][a-z0-9]' | sort -u)
	if [ -z "$help" ] || [ -z "$man" ]; then
		echo "not ok $n - $tool: read no option (--help or $page)"
		continue
	fi
	comp=$(grep -oE -- '(^|[^a-z0-9-])--?[a-zA-Z][a-z0-9-]*' \
		"$s/completions/$tool" 2>/dev/null | grep -oE -- '--?[a-zA-Z][a-z0-9-]*' | sort -u)
	missing=$(printf '%s\n' "$help" | while read -r o; do
		printf '%s\n' "$man" | grep -qxF -- "$o" || echo "$o"; done)
	uncompleted=$(printf '%s\n' "$help" | while read -r o; do
		printf '%s\n' "$comp" | grep -qxF -- "$o" || echo "$o"; done)
	extra=$(printf '%s\n' "$man" | while read -r o; do
		printf '%s\n' "$help" | grep -qxF -- "$o" || echo "$o"; done)
	if [ -n "$missing$extra$uncompleted" ]; then
		echo "not ok $n - $tool: --help, $tool(${t#*:}) and its completion differ"
		[ -z "$missing" ] || echo "#   in --help, not in the page:" $missing
		[ -z "$extra" ] || echo "#   in the page, not in --help:" $extra
		[ -z "$uncompleted" ] || echo "#   in --help, not completed:" $uncompleted
	else
		echo "ok $n - $tool: $(printf '%s\n' "$help" | wc -l) options, each in --help, in $tool(${t#*:}) and completed"
	fi
done
echo "1..$n"
