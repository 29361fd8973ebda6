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
cleanup() {
	for d in $(find "$dir/h" -mindepth 1 -depth -type d 2>/dev/null); do rmdir "$d"; done
	sleep 0.1
	mountpoint -q "$dir/h" && umount "$dir/h"
	rm -rf "$dir"
}
trap cleanup EXIT
run() { printf '\n$ %s\n' "$*"; "$@"; }

agent=/bin/true
run cmount -n ctk-demo -r "$agent" "$dir/h"
run cmount -o TYPE,NAME,TARGET,AGENT,CONTAINERS
run cmkdir -v -p -N name=ctk-demo:/web/frontend
run cmkdir -v -m 0750 name=ctk-demo:/batch
run cattach name=ctk-demo:/web/frontend -- sh -c 'grep ctk-demo /proc/self/cgroup'
sleep 1000 >/dev/null 2>&1 &
worker=$!
run cattach name=ctk-demo:/batch "$worker"
run cmount -T name=ctk-demo:/
run cmount -T -J -o PATH,TASKS,RELEASABLE name=ctk-demo:/web
kill "$worker"; wait "$worker" 2>/dev/null || true
rmdir "$dir/h/web/frontend" "$dir/h/web" "$dir/h/batch"
sleep 0.1
run cmount -u "$dir/h"
echo
echo "demo: done"
