#!/usr/bin/env bash
# The demo of ctk's main job, on the real kernel, inside a private mount
# namespace so nothing outlives it: mount a named hierarchy with a release
# agent, list it, show its tree, unmount.
set -euo pipefail
bin=${1:?usage: demo.sh BUILDDIR}
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (it mounts a cgroup hierarchy)" >&2
	exit 1
fi
if [ -z "${CTK_DEMO_INNER:-}" ]; then
	CTK_DEMO_INNER=1 exec unshare -m --propagation private "$0" "$@"
fi
PATH=$bin:$PATH
dir=$(mktemp -d /tmp/ctk-demo.XXXXXX)
clean_tree() {	# the demo's own hierarchy: kill, then rmdir deepest first
	for d in $(find "$dir/h" -mindepth 1 -type d 2>/dev/null); do
		for p in $(cat "$d/cgroup.procs"); do kill "$p" 2>/dev/null; done
	done
	sleep 0.1
	for d in $(find "$dir/h" -mindepth 1 -depth -type d 2>/dev/null); do rmdir "$d"; done
}
cleanup() {
	clean_tree
	sleep 0.1
	mountpoint -q "$dir/h" && umount "$dir/h"
	rm -rf "$dir"
}
trap cleanup EXIT
# each command as it can be pasted back: a word quoted where the shell
# would need it
run() {
	local line= a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=+,@%-]+$ ]]; then line+=" $a"; else line+=" ${a@Q}"; fi
	done
	printf '\n$%s\n' "$line"
	"$@"
}
say() { printf '\n# %s\n' "$*"; }

# the kernel runs the agent with HOME and PATH only: a wrapper with
# absolute paths, logging to a file the demo can show
chmod 755 "$dir"
agent=$dir/agent
printf '#!/bin/sh\nexec %s --agent "$0" --log %s "$@"\n' "$bin/crelease" "$dir/release.log" > "$agent"
chmod 755 "$agent"
run cmount -n ctk-demo -r "$agent" "$dir/h"
clean_tree	# what an interrupted earlier run may have left
run cmount -o TYPE,NAME,TARGET,AGENT,CONTAINERS
run cmkdir -v -p -N name=ctk-demo:/web/frontend
run cmkdir -v -m 0750 name=ctk-demo:/batch
run cattach name=ctk-demo:/batch -- sh -c 'grep ctk-demo /proc/self/cgroup'
sleep 1000 >/dev/null 2>&1 &
worker=$!
run cattach name=ctk-demo:/batch "$worker"
say "which process is where, as systemd-cgls draws it (the PIDS column for scripts)"
run cmount -T --processes name=ctk-demo:/batch
say "a container for one command (systemd-run --scope): made, used, removed"
run cattach -v --transient name=ctk-demo:/job -- sh -c 'grep ctk-demo /proc/self/cgroup'
say "the root of a new v1 hierarchy holds every task of the machine (each" \
	"v1 hierarchy has each task somewhere): that is its TASKS count"
run cmount -T name=ctk-demo:/
run cmount -T -J -o PATH,TASKS,RELEASABLE name=ctk-demo:/web
say "a job runs in /web/frontend and exits: the kernel calls crelease"
run cattach name=ctk-demo:/web/frontend -- sleep 0.2
for _ in $(seq 100); do [ -d "$dir/h/web/frontend" ] || break; sleep 0.02; done
run cat "$dir/release.log"
run cmount -T name=ctk-demo:/
say "a value set in a container that exists (cgset), read for a whole tree" \
	"(cgget), and the tree as a cgconfig.conf that cmkdir --config makes again"
run cmkdir --existing -s cgroup.clone_children=1 name=ctk-demo:/batch
run cmount -T -o PATH,TASKS,cgroup.clone_children name=ctk-demo:/
run cmount -T --cgconfig name=ctk-demo:/batch
say "/batch goes in one step, its task moved to the parent first (cgdelete -r)"
run crelease --remove -r -v name=ctk-demo:/batch
kill "$worker"; wait "$worker" 2>/dev/null || true
run crelease --sweep --all name=ctk-demo:/
sleep 0.1
run cmount -u "$dir/h"

say "a checkpoint: a tree of two nested pid namespaces in a v2 container"
v2root=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
if [ -n "$v2root" ]; then
	ck=$v2root/ctk-demo.$$
	mkdir "$ck" "$ck/app" "$ck/launcher"
	v2clean() {
		[ -d "$ck" ] || return 0
		echo 1 > "$ck/cgroup.kill"
		while grep -qx 'populated 1' "$ck/cgroup.events"; do sleep 0.01; done
		sleep 0.1
		rmdir "$ck/app" "$ck/launcher" "$ck/again" "$ck/busy" "$ck" 2>/dev/null
	}
	trap 'v2clean; cleanup' EXIT
	# a job-control shell: each job its own group, and the job that starts a
	# pid namespace has its init in a group that namespace cannot see
	cattach ":/${ck##*/}/app" -- unshare --pid --fork setsid bash -c \
		'set -m; sleep 1000 & setsid sleep 1000 & unshare --pid --fork sh -c "sleep 1000 & wait" & wait' \
		>/dev/null 2>&1 &
	disown $!	# its end is no news
	# until its 7 processes are there and asleep (done forking and exec'ing)
	settled() {
		local t
		[ "$(wc -l < "$ck/app/cgroup.procs")" -ge 7 ] || return 1
		for t in $(cat "$ck/app/cgroup.threads"); do
			case $(sed 's/.*) //' "/proc/$t/stat" 2>/dev/null) in
			S*) ;;
			*) return 1 ;;
			esac
		done
	}
	for _ in $(seq 3000); do settled && break; sleep 0.01; done
	# the outer unshare is not part of the application: it stays outside
	snap=$(cat "$ck/app/cgroup.procs")
	for p in $snap; do
		echo "$snap" | grep -qx "$(awk '{print $4}' "/proc/$p/stat")" ||
			echo "$p" > "$ck/launcher/cgroup.procs"
	done
	run cckpt dump -o "$dir/app.img" ":/${ck##*/}/app"
	say "the pid objects and tasks, numbered as the container's pid namespace" \
		"sees them, then the nested ones: '5/1' is pid 5 in the container and" \
		"1 in the namespace its task started; tgid, pgrp, session the same"
	run cckpt show "$dir/app.img"
	run cckpt verify "$dir/app.img"
	say "the application stops; cckpt restarts it with the same pids at every level," \
		"each job in its group, the nested init in the group of the job that made it," \
		"each pid namespace with its pid_max"
	echo 1 > "$ck/app/cgroup.kill"
	echo 1 > "$ck/launcher/cgroup.kill"
	while grep -qx 'populated 1' "$ck/app/cgroup.events"; do sleep 0.01; done
	mkdir "$ck/again"
	run cckpt restore --into ":/${ck##*/}/again" "$dir/app.img"
	run cckpt dump -o "$dir/again.img" ":/${ck##*/}/again"
	run cckpt diff "$dir/app.img" "$dir/again.img"
	echo "(no difference: the same tree, pids, groups and sessions)"
	say "the live view (systemd-cgtop): a busy container beside the restored one," \
		"ordered by CPU; on a terminal it redraws in place (q quits, c m i t p" \
		"order), here -b: two plain screens half a second apart"
	mkdir "$ck/busy"
	cattach ":/${ck##*/}/busy" -- sh -c 'while :; do :; done' > /dev/null 2>&1 &
	disown $!
	run cmount --top -b -n 2 -d 0.5 ":/${ck##*/}"
	v2clean
fi
echo
echo "demo: done"
