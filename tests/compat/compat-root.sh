#!/bin/bash
# The compatibility suite: every case of tests/compat/cases is loaded by
# libcgroup's own tools (Debian's cgroup-tools: cgconfigparser,
# cgclassify) and by ctk (cmkdir --config, cattach --rules), one after the
# other on the same private named hierarchies, and the results are
# compared: the containers, their owners and modes, the values, and where
# each classified process went. TAP, one line per case.
#
# A case is a real-world file (its first lines say where it comes from);
# tests/compat/translate puts its controllers on name=ctk-test and
# name=ctk-test2 (a named hierarchy has no controller: a controller's own
# values are not compared here) and its users on this machine's. Where
# ctk differs on purpose, the case or the comparison below says why.
#
# As root, in its own mount namespace, where the machine's cgroup mounts
# are detached first: a rule for "*" controllers cannot reach them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
src=${CTK_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${CTK_BUILDDIR:-$PWD}
cases=$src/tests/compat/cases
export PATH=$bld:$PATH LC_ALL=C

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
for t in cgconfigparser cgclassify python3; do
	if ! command -v "$t" > /dev/null; then
		echo "1..0 # SKIP no $t here (cgroup-tools, libcgroup's own tools, are the oracle; ./ctk-dev check installs them)"
		exit 0
	fi
done
if [ "${CTK_COMPAT_NS:-}" != $$ ]; then
	CTK_COMPAT_NS=$$ exec unshare -m --propagation private bash "$0" "$@"
fi

# the machine's cgroup mounts, detached in this namespace only
while read -r mnt; do
	umount -l "$mnt" 2> /dev/null
done < <(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	if ($(i + 1) ~ /^cgroup2?$/) print $5 }' /proc/self/mountinfo | sort -r)
if grep -q ' - cgroup2\? ' /proc/self/mountinfo; then
	echo "1..0 # SKIP a cgroup mount of this machine could not be detached"
	exit 0
fi

T=$(mktemp -d /tmp/ctk-compat.XXXXXX)
# cgclassify reads /etc/cgrules.conf only: /etc is an overlay here, what a
# case writes there stays in $T
mkdir "$T/etc-up" "$T/etc-work"
if ! mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/etc-up,workdir=$T/etc-work" /etc; then
	echo "1..0 # SKIP no overlay over /etc (cgclassify reads /etc/cgrules.conf only)"
	rm -rf "$T"
	exit 0
fi
pids=
cleanup() {
	[ -z "$pids" ] || kill -9 $pids 2> /dev/null
	wait 2> /dev/null
	unmount_all
	umount /etc 2> /dev/null	# the overlay: its upper layer is in $T
	rm -rf "$T"
}
trap cleanup EXIT

# empty_and_unmount DIR: every container below DIR removed, deepest first,
# and the hierarchy unmounted (a named hierarchy without children ends)
empty_and_unmount() {
	local d=$1 i
	mountpoint -q "$d" || return 0
	find "$d" -mindepth 1 -type d -printf '%d %p\n' | sort -rn |
		while read -r _ p; do rmdir "$p"; done
	reset_root "$d"
	for i in $(seq 50); do
		umount "$d" 2> /dev/null && return 0
		sleep 0.02
	done
	umount -l "$d"
}

# reset_root DIR: the hierarchy's root as the kernel made it. A named
# hierarchy outlives its unmount while its removed children die, and the
# next case mounts the same one: what a case did to the root must go.
reset_root() {
	local f
	chown root:root "$1" "$1"/*
	chmod 555 "$1"
	for f in "$1"/*; do
		case ${f##*/} in
		cgroup.sane_behavior) chmod 444 "$f" ;;
		*) chmod 644 "$f" ;;
		esac
	done
	echo 0 > "$1/notify_on_release"
	echo 0 > "$1/cgroup.clone_children"
	echo > "$1/release_agent"
}

unmount_all() {
	local d
	for d in "$T"/*/h0 "$T"/*/h1 "$T"/*/pre* "$T"/pre*; do
		[ -d "$d" ] && empty_and_unmount "$d"
	done
}

# mount_at DIR NAME: the named hierarchy NAME at DIR, by cmount (as a ctk
# user makes it)
mount_at() { mkdir -p "$1" && cmount -c "name=$2" "$1" > /dev/null; }

# dump DIR NAME...: each hierarchy's tree, as lines
#   NAME REL d MODE OWNER      a container
#   NAME REL/FILE f MODE OWNER a file of it
#   NAME REL/FILE = VALUE      the values a named hierarchy has
dump() {
	local base=$1 h dir
	shift
	for h in "$@"; do
		dir=$(mountpoint_of "$h")
		[ -n "$dir" ] || { echo "$h not mounted"; continue; }
		(cd "$dir" && find . -printf "$h %p %y %m %u:%g\n" |
			grep -v ' \./\(release_agent\|cgroup.sane_behavior\) ' | sort)
		(cd "$dir" && find . -name notify_on_release -o -name cgroup.clone_children) |
			sort | while read -r f; do echo "$h $f = $(cat "$dir/$f")"; done
	done
}

# where the hierarchy NAME is mounted in this namespace (the first)
mountpoint_of() {
	awk -v n="name=$1" '{ for (i = 7; i <= NF; i++) if ($i == "-") break
		k = split($(i + 3), o, ",")
		for (j = 1; j <= k; j++) if (o[j] == n) { print $5; exit } }' /proc/self/mountinfo
}

# procs_dump NAME...: where each of the case's processes is, per hierarchy
procs_dump() {
	local p h id line
	for p in $pids; do
		id=$(cat "$T/proc.$p")
		for h in "$@"; do
			line=$(grep -m1 ":name=$h:" "/proc/$p/cgroup")
			echo "$id $h ${line##*:}"
		done
	done
}

# procs_home NAME...: every process back at the root of each hierarchy
procs_home() {
	local p h
	for p in $pids; do
		for h in "$@"; do
			echo "$p" > "$(mountpoint_of "$h")/cgroup.procs"
		done
	done
}

# spawn USER:GROUP:PROGRAM: a sleeping process of that user, whose exe is
# PROGRAM (a path, or a name: a copy of sleep with that name)
spawn() {
	local u=${1%%:*} rest=${1#*:} g prog exe pid end
	g=${rest%%:*}
	prog=${rest#*:}
	prog=${prog//_/ }	# a blank in a name is written _
	case $prog in
	/*) exe=$prog ;;
	*)
		mkdir -p "$T/bin"
		exe="$T/bin/$prog"
		[ -e "$exe" ] || cp "$(command -v sleep)" "$exe"
		chmod 755 "$T" "$T/bin"
		;;
	esac
	case $exe in
	*/perl) setpriv --reuid="$u" --regid="$g" --init-groups "$exe" -e 'sleep 1000' & ;;
	*) setpriv --reuid="$u" --regid="$g" --init-groups "$exe" 1000 & ;;
	esac
	pid=$!
	# until it runs PROGRAM as USER (a state, waited for with a bound: a
	# busy machine takes its time; past it the case fails, saying so)
	end=$((SECONDS + ${CTK_WAIT_SECS:-30}))
	until [ "$(readlink "/proc/$pid/exe" 2> /dev/null)" = "$exe" ] &&
		[ "$(stat -c %U "/proc/$pid" 2> /dev/null)" = "$u" ]; do
		if [ "$SECONDS" -ge "$end" ]; then
			spawn_failed="$spawn_failed $1"
			break
		fi
		sleep 0.01
	done
	pids="$pids $pid"
	echo "$1" > "$T/proc.$pid"
}

# an earlier run that was killed may have left a root changed
for h in ctk-test ctk-test2; do
	mount_at "$T/pre-init-$h" "$h" && empty_and_unmount "$T/pre-init-$h"
done

shopt -s nullglob
n=0
plan=0
for f in "$cases"/*.conf "$cases"/*.rules; do plan=$((plan + 1)); done
echo "1..$plan"

header() { sed -n "s/^# $1: //p" "$2" | head -1; }

# opts_ctk "-a U:G -d M ...": cgconfigparser's defaults as cmkdir's
opts_ctk() {
	local out=() o
	set -- $1
	while [ $# -gt 0 ]; do
		case $1 in
		-a) out+=(-u "$2") ;;
		-t) out+=(-t "$2") ;;
		-d) out+=(-m "$2") ;;
		-f) out+=(-f "$2") ;;
		esac
		shift 2
	done
	echo "${out[@]}"
}

# load_and_dump WHO DIR CASE_DIR: WHO (libcgroup or ctk) loads the
# translated file on freshly mounted hierarchies; the dump to DIR/WHO
load() {
	local who=$1 d=$2 h i=0 rc
	. "$d/plan"
	for h in $hiers; do
		# libcgroup mounts what the file's mount section names; ctk
		# wants it mounted (cmount), as its page says
		if [ "$who" = libcgroup ] && [[ " $file_mounts " == *" $h "* ]]; then
			mkdir -p "$d/h$i"
		else
			mount_at "$d/pre-$h" "$h"
		fi
		i=$((i + 1))
	done
	if [ "$who" = libcgroup ]; then
		cgconfigparser -l "$d/cgconfig.conf" $(header options "$case") > "$d/$who.out" 2>&1
	else
		cmkdir -q --config "$d/cgconfig.conf" $(opts_ctk "$(header options "$case")") > "$d/$who.out" 2>&1
	fi
	rc=$?
	echo "exit $([ $rc = 0 ] && echo 0 || echo non-zero)" > "$d/$who.dump"
	dump "$d" $hiers >> "$d/$who.dump"
}

# The differences of ctk's on purpose, applied to both dumps before they
# are compared, each checked in ctk's dump where it applies:
# 1. An admin owner gets the directory and the files of delegation, not
#    the group's other control files (notify_on_release, a controller's
#    limits): they stay root's, the parent's say over the group, as the
#    kernel's delegation rule has it (cgroup-v2.rst, "Delegation
#    Containment"); libcgroup gives the admin every file.
# 2. The task owner gets cgroup.procs as well as tasks (a process is moved
#    through either); libcgroup 2.0.2 leaves cgroup.procs to the admin.
normalise() {
	local who=$1 file=$2
	if [ "$who" = ctk ]; then
		awk '$3 != "f" { next }
		     $2 ~ /\/tasks$/ { t[substr($2, 1, length($2) - 6)] = $4 " " $5; next }
		     $2 ~ /\/cgroup\.procs$/ { p[substr($2, 1, length($2) - 13)] = $4 " " $5; next }
		     $5 != "root:root" { print $2 ": owned by " $5 ", not root (difference 1)" }
		     END { for (d in p) if (p[d] != t[d])
			print d "/cgroup.procs: " p[d] ", its tasks: " t[d] " (difference 2)" }' \
			"$file" > "$file.check"
	fi
	awk '$3 == "f" && $2 ~ /\/cgroup\.procs$/ { next }
	     $3 == "f" && $2 !~ /\/tasks$/ { $5 = "-" }
	     { print }' "$file" | sort > "$file.n"
}

report() {	# report NAME DIR: ok or not ok, with the difference
	local name=$1 d=$2 why
	normalise libcgroup "$d/libcgroup.dump"
	normalise ctk "$d/ctk.dump"
	if [ -s "$d/ctk.dump.check" ]; then
		echo "not ok $n - $name: ctk broke a rule of its own"
		sed 's/^/# /' "$d/ctk.dump.check"
		return
	fi
	diff -u "$d/libcgroup.dump.n" "$d/ctk.dump.n" | tail -n +3 > "$d/diff"
	why=$(header differs "$case")
	if [ -f "$case.diff" ]; then	# a difference on purpose, exactly
		if cmp -s "$d/diff" "$case.diff"; then
			echo "ok $n - $name (differs on purpose: $why)"
			return
		fi
		echo "not ok $n - $name: not the difference ${case##*/} expects"
		diff -u "$case.diff" "$d/diff" | sed 's/^/# /'
		return
	fi
	if [ ! -s "$d/diff" ]; then
		echo "ok $n - $name"
		return
	fi
	echo "not ok $n - $name"
	sed 's/^/# /' "$d/diff"
	echo "# libcgroup said:"; sed 's/^/#   /' "$d/libcgroup.out"
	echo "# ctk said:"; sed 's/^/#   /' "$d/ctk.out"
}

for case in "$cases"/*.conf; do
	n=$((n + 1))
	name=$(basename "$case" .conf)
	d=$T/$name
	mkdir -p "$d"
	if ! why=$(python3 "$src/tests/compat/translate" "$d" "$case"); then
		echo "ok $n - $name # SKIP $why"
		continue
	fi
	load libcgroup "$d"
	unmount_all
	load ctk "$d"
	unmount_all
	report "$name" "$d"
done

for case in "$cases"/*.rules; do
	n=$((n + 1))
	name=$(basename "$case" .rules)
	d=$T/$name
	mkdir -p "$d"
	conf=$cases/$(header config "$case")
	if ! why=$(python3 "$src/tests/compat/translate" "$d" "$conf" "$case"); then
		echo "ok $n - $name # SKIP $why"
		continue
	fi
	. "$d/plan"
	pids=
	spawn_failed=
	for p in $procs; do spawn "$p"; done
	if [ -n "$spawn_failed" ]; then
		echo "not ok $n - $name: not running as asked within the bound:$spawn_failed"
		{ kill -9 $pids; wait; } 2> /dev/null
		pids=
		continue
	fi
	for who in libcgroup ctk; do
		load ctk "$d"	# the destinations, made the same way for both
		if [ "$who" = libcgroup ]; then
			# the overlay's: the rules, and the file whose
			# templates cgclassify makes destinations from
			cp "$d/cgrules.conf" /etc/cgrules.conf
			cp "$d/cgconfig.conf" /etc/cgconfig.conf
			cgclassify $pids > "$d/$who.out" 2>&1
		else
			cattach -q --rules="$d/cgrules.conf" $pids > "$d/$who.out" 2>&1
		fi
		rc=$?
		{
			echo "exit $([ $rc = 0 ] && echo 0 || echo non-zero)"
			procs_dump $hiers
			dump "$d" $hiers
		} > "$d/$who.dump"
		procs_home $hiers
		unmount_all
	done
	report "$name" "$d"
	{ kill -9 $pids; wait; } 2> /dev/null
	pids=
done
