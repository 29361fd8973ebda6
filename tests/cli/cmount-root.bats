#!/usr/bin/env bats
# bats file_tags=root
# cmount on the real kernel: v1 on name=ctk-test, v2 read-only on the
# machine's mount (never mounted again with options), inside the private
# mount namespace that run-bats made for this file.

load helpers/common

setup_file() { ctk_root_setup_file; }
setup() {
	ctk_root_setup
	V1=$(ctk_v1_path)
	AGENT=$BATS_TEST_TMPDIR/agent
	printf '#!/bin/sh\nexit 0\n' > "$AGENT"
	chmod 755 "$AGENT"
}
teardown() {
	ctk_root_teardown
	for m in "$BATS_TEST_TMPDIR"/m*; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	return 0
}
teardown_file() { ctk_root_teardown_file; }

# superblock options of the mount at $1 (default: the machine's cgroup2)
sb_opts() { ctk_mountinfo_field "${1:-$(ctk_v2_root)}" opts; }
v2_flags() { sb_opts; }

@test "mount name=ctk-test with a release agent: mounted, agent set, directory made" {
	m=$BATS_TEST_TMPDIR/m1
	run --separate-stderr cmount -n ctk-test -r "$AGENT" "$m"
	assert_success
	[ -z "$stderr" ]
	mountpoint -q "$m"
	[ "$(cat "$m/release_agent")" = "$AGENT" ]
	# the hierarchy existed already (the suite's own mount): the kernel
	# ignored release_agent= and cmount wrote the file
	[ "$(cat "$V1/release_agent")" = "$AGENT" ]
}

@test "the listing shows the hierarchy, its agent and its containers" {
	m=$BATS_TEST_TMPDIR/m1
	cmount -n ctk-test -r "$AGENT" "$m"
	mkdir -p "$V1/a/b" "$V1/c"
	run cmount -J
	assert_success
	row=$(printf '%s\n' "$output" | jq -c --arg m "$m" '.hierarchies[] | select(.target == $m)')
	[ "$(jq -r .type <<< "$row")" = cgroup ]
	[ "$(jq -r .name <<< "$row")" = ctk-test ]
	[ "$(jq -r .agent <<< "$row")" = "$AGENT" ]
	[ "$(jq -r .containers <<< "$row")" = 4 ]
	[ "$(jq -r .id <<< "$row")" = "$(awk -v m="$m" '$5 == m { print $1 }' /proc/self/mountinfo)" ]
	# the v2 mount is listed too, with its real flags
	ctk_need_v2
	run cmount -rn -o TYPE,TARGET,OPTIONS
	assert_line --partial "cgroup2 $(ctk_v2_root) $(v2_flags)"
}

@test "-a lists name=ctk-test as mounted, with its hierarchy id" {
	run cmount -a -J -o NAME,TARGET,HID
	assert_success
	hid=$(awk -F: '$2 == "name=ctk-test" { print $1 }' /proc/self/cgroup)
	printf '%s\n' "$output" | jq -e --arg v1 "$V1" --argjson hid "$hid" \
		'[.hierarchies[] | select(.name == "ctk-test")] | any(.target == $v1 and .hid == $hid)'
}

@test "the tree shows tasks, populated, notify and releasable" {
	mkdir -p "$V1/a/b" "$V1/a/c" "$V1/d"
	echo 1 > "$V1/a/b/notify_on_release"
	echo 1 > "$V1/d/notify_on_release"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/d/cgroup.procs"
	run cmount -T -J -o PATH,TASKS,POPULATED,NOTIFY,RELEASABLE,NCHILDREN name=ctk-test:/
	assert_success
	j=$output
	q() { jq -c "$1" <<< "$j"; }
	[ "$(q '.containers[0] | [.path,.populated,.notify,.releasable,.nchildren]')" = '["/",true,false,false,2]' ]
	[ "$(q '.containers[0].children[0] | [.path,.tasks,.populated,.releasable]')" = '["/a",0,false,false]' ]
	[ "$(q '.containers[0].children[0].children[0] | [.path,.tasks,.notify,.releasable]')" = '["/a/b",0,true,true]' ]
	[ "$(q '.containers[0].children[0].children[1] | [.path,.notify,.releasable]')" = '["/a/c",false,false]' ]
	[ "$(q '.containers[0].children[1] | [.path,.tasks,.populated,.notify,.releasable]')" = '["/d",1,true,true,false]' ]
}

@test "the tree of a path inside the mount, and the default columns" {
	mkdir -p "$V1/x/y"
	LC_ALL=C run cmount -T "$V1/x"
	assert_success
	assert_line --index 0 --regexp '^PATH +TASKS POPULATED NOTIFY RELEASABLE$'
	assert_line --index 1 --regexp '^/x +0 0 +0 +0 *$'
	assert_line --index 2 --regexp '^`-/x/y +0 0 +0 +0 *$'
}

@test "the tree as findmnt draws it: UTF-8 art under a UTF-8 locale, ASCII otherwise, printable UTF-8 names as they are" {
	locale -a 2>/dev/null | grep -qix 'c.utf-\?8' || skip "no C.UTF-8 locale here"
	mkdir -p "$V1/t/$(printf 'caf\303\251')" "$V1/t/z"
	LC_ALL=C.UTF-8 run cmount -T -o PATH name=ctk-test:/t
	assert_success
	assert_line --index 1 "/t"
	assert_line --index 2 "$(printf '\342\224\234\342\224\200/t/caf\303\251')"
	assert_line --index 3 "$(printf '\342\224\224\342\224\200/t/z')"
	LC_ALL=C run cmount -T -o PATH name=ctk-test:/t
	assert_success
	assert_line --index 2 '|-/t/caf\xc3\xa9'
	assert_line --index 3 '`-/t/z'
}

@test "-r, -l and -P: a line a container, the full path first, no tree art" {
	mkdir -p "$V1/r/s/u"
	LC_ALL=C.UTF-8 run cmount -T -r -o PATH,NCHILDREN name=ctk-test:/r
	assert_success
	assert_output "$(printf 'PATH NCHILDREN\n/r 1\n/r/s 1\n/r/s/u 0')"
	LC_ALL=C.UTF-8 run cmount -T -l -n -o PATH,NCHILDREN name=ctk-test:/r
	assert_success
	assert_line --index 0 --regexp '^/r +1$'
	assert_line --index 2 --regexp '^/r/s/u +0$'
	run cmount -T -P -o PATH,NCHILDREN name=ctk-test:/r
	assert_success
	assert_output "$(printf 'CGPATH="/r" NCHILDREN="1"\nCGPATH="/r/s" NCHILDREN="1"\nCGPATH="/r/s/u" NCHILDREN="0"')"
	for pair in "-J -P" "-J -r" "-P -r" "-l -P"; do
		run --separate-stderr cmount -T $pair name=ctk-test:/r
		assert_failure 2
		[[ "$stderr" == *"mutually exclusive"* ]]
		[ -z "$output" ]
	done
}

@test "-P lines can be eval'ed: keys are shell names (CGPATH, cpu_max), no PATH, and a hostile name runs nothing" {
	evil='$(touch pwned)`touch pwned2`"; touch pwned3; x="'
	mkdir -p "$V1/e/$evil"
	cd "$BATS_TEST_TMPDIR"
	run cmount -T -P -o PATH,TASKS,NCHILDREN,cgroup.clone_children,cgroup.procs name=ctk-test:/e
	assert_success
	assert_line --index 0 'CGPATH="/e" TASKS="0" NCHILDREN="1" cgroup_clone_children="0" cgroup_procs=""'
	# every line, eval'ed as a user would, in a shell whose PATH must stay
	while IFS= read -r line; do
		(
			p=$PATH
			eval "$line"
			[ "$PATH" = "$p" ]
			printf '%b|%s|%s\n' "$CGPATH" "$TASKS" "$cgroup_clone_children"
		) >> got
	done <<< "$output"
	[ "$(sed -n 2p got)" = "/e/$evil|0|0" ]
	[ ! -e pwned ]
	[ ! -e pwned2 ]
	[ ! -e pwned3 ]
}

@test "which processes are where: the PIDS column (every pid; a JSON array), --processes draws each with its command line, a multi-line file says it was cut" {
	mkdir -p "$V1/p/q"
	ctk_spawn_sleeper; a=$SLEEPER
	ctk_spawn_sleeper; b=$SLEEPER
	echo "$a" > "$V1/p/cgroup.procs"
	echo "$b" > "$V1/p/cgroup.procs"
	# a process whose command line is hostile data
	bash -c 'exec -a "$(printf "evil\033[31m\nname")" sleep 1000' 3>&- &
	e=$!
	CTK_PIDS="${CTK_PIDS:-} $e"
	ctk_wait_until grep -q evil "/proc/$e/cmdline"
	echo "$e" > "$V1/p/q/cgroup.procs"
	run cmount -T -r -n -o PATH,PIDS name=ctk-test:/p
	assert_success
	assert_line "/p $(printf '%s\n' "$a" "$b" | sort -n | paste -sd,)"
	assert_line "/p/q $e"
	run cmount -T -J -o PATH,PIDS name=ctk-test:/p
	assert_success
	[ "$(jq -c '.containers[0].pids | sort' <<< "$output")" = "$(printf '%s\n' "$a" "$b" | sort -n | jq -sc .)" ]
	[ "$(jq -c '.containers[0].children[0].pids' <<< "$output")" = "[$e]" ]
	# the first line of a file of several, and how many more there are
	run cmount -T -r -n -o PATH,cgroup.procs -L 0 name=ctk-test:/p
	assert_output "/p $(printf '%s\n' "$a" "$b" | sort -n | head -1)\x20[+1\x20line]"
	run cmount -T -J -o PATH,cgroup.procs -L 0 name=ctk-test:/p
	[ "$(jq -c '.containers[0]["cgroup.procs"] | length' <<< "$output")" = 2 ]
	# --processes: each process under its container, its line escaped
	LC_ALL=C run cmount -T --processes -o PATH name=ctk-test:/p
	assert_success
	assert_line --regexp "^[^0-9]*$a sleep [0-9]+\$"
	assert_line --regexp "^[^0-9]*$b sleep [0-9]+\$"
	assert_line --regexp "^[^0-9]*$e evil\\\\x1b\\[31m\\\\x0aname 1000\$"
	[ "${#lines[@]}" = 6 ]
	run --separate-stderr cmount -T -J --processes name=ctk-test:/p
	assert_failure 2
}

@test "-T --level N: N levels below each SPEC at most; NCHILDREN still counts every child" {
	mkdir -p "$V1/r/s/u/w"
	run cmount -T -r -n -o PATH,NCHILDREN --level 1 name=ctk-test:/r
	assert_success
	assert_output "$(printf '/r 1\n/r/s 1')"
	run cmount -T -r -n -o PATH -L 0 name=ctk-test:/r
	assert_output /r
	for bad in -1 x 1x ""; do
		run --separate-stderr cmount -T --level "$bad" name=ctk-test:/r
		assert_failure 2
	done
	run --separate-stderr cmount --level 1
	assert_failure 2
	run --separate-stderr cmount -T --cgconfig -L 1 name=ctk-test:/r
	assert_failure 2
}

# --- the live view (systemd-cgtop) -------------------------------------------

# _comm_is PID NAME: PID has exec'd NAME and sleeps there
_asleep_as() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && [ "$(ctk_task_state "$1")" = S ]; }

@test "--top -b -n 2: by CPU, a busy container above an idle one; a plain table a screen, a blank line between" {
	ctk_v2_scratch
	mkdir "$V2/busy" "$V2/idle"
	rel=${V2#$(ctk_v2_root)}
	sh -c 'while :; do :; done' 3>&- &
	busy=$!
	CTK_PIDS="${CTK_PIDS:-} $busy"
	echo "$busy" > "$V2/busy/cgroup.procs"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V2/idle/cgroup.procs"
	ctk_wait_until _asleep_as "$SLEEPER" sleep
	run --separate-stderr cmount --top -b -n 2 -d 0.3 ":$rel"
	assert_success
	[ "$(grep -c '^CONTAINER  *TASKS  *%CPU  *MEMORY  *INPUT/s  *OUTPUT/s$' <<< "$output")" = 2 ]
	[ "$(grep -c '^$' <<< "$output")" = 1 ]
	last=$(awk '/^CONTAINER/ { n++; next } n == 2' <<< "$output")
	# the busy one used CPU in the period, the sleeping one none; the
	# scratch counts what is below it (tasks and CPU)
	busy_row=$(grep -n "^:$rel/busy " <<< "$last")
	idle_row=$(grep -n "^:$rel/idle " <<< "$last")
	[ "${busy_row%%:*}" -lt "${idle_row%%:*}" ]
	awk '{ exit !($3 > 0 && $2 == 1) }' <<< "${busy_row#*:}"
	[ "$(awk '{ print $2, $3 }' <<< "${idle_row#*:}")" = "1 0.0" ]
	[ "$(awk -v c=":$rel" '$1 == c { print $2 }' <<< "$last")" = 2 ]
}

@test "--top on a named hierarchy: tasks counted below, no usage counts (-), --order, -L" {
	mkdir -p "$V1/a/b"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/a/tasks"
	for i in 1 2; do
		ctk_spawn_sleeper
		echo "$SLEEPER" > "$V1/a/b/tasks"
	done
	run --separate-stderr cmount --top -b -n 1 -d 0.1 --order=tasks name=ctk-test:/a
	assert_success
	[ "$(awk '{ $1 = $1; print }' <<< "$output")" = "$(printf '%s\n' \
		'CONTAINER TASKS %CPU MEMORY INPUT/s OUTPUT/s' \
		'name=ctk-test:/a 3 - - - -' \
		'name=ctk-test:/a/b 2 - - - -')" ]
	run --separate-stderr cmount --top -b -n 1 -d 0.1 --order=path -L 0 name=ctk-test:/a name=ctk-test:/a/b
	assert_success
	[ "$(awk 'NR > 1 { print $1 }' <<< "$output")" = "$(printf 'name=ctk-test:/a\nname=ctk-test:/a/b')" ]
	# a SPEC that is not there: said, the others shown, exit 4 (partial)
	run --separate-stderr cmount --top -b -n 1 -d 0.1 name=ctk-test:/nope name=ctk-test:/a/b
	assert_failure 4
	assert_equal "$stderr" "cmount: name=ctk-test:/nope: no such container"
	[ "$(awk 'NR > 1 { print $1 }' <<< "$output")" = name=ctk-test:/a/b ]
	# none there: said once for all the screens, nothing shown, exit 1
	run --separate-stderr cmount --top -b -n 3 -d 0.1 name=ctk-test:/nope
	assert_refusal 1 cmount	# no hierarchy at all in a mount namespace: said, exit 1
	cat > "$BATS_TEST_TMPDIR/bare" <<-'EOF'
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	       if ($(i + 1) ~ /^cgroup2?$/) print $5 }' /proc/self/mountinfo |
		sort -r | xargs -r umount -l
	exec cmount --top -b -n 1
	EOF
	run --separate-stderr unshare -m --propagation private sh "$BATS_TEST_TMPDIR/bare"
	assert_refusal 1 cmount
	assert_equal "$stderr" "cmount: /proc/self/mountinfo: no cgroup hierarchy is mounted here"
}

@test "--top on a terminal: drawn in place, a key reorders, q or ^C gives the terminal back; a hostile name is shown, not obeyed" {
	mkdir "$V1/$(printf 'ev\033]0;pwn\007il')" "$V1/big"
	ctk_spawn_sleeper
	echo "$SLEEPER" > "$V1/big/tasks"
	pty=$CTK_SRCDIR/tests/helpers/pty-run
	run "$pty" 24x100 'wait:by cpu' 'wait:name=ctk-test:/big' key:t \
		'wait:by tasks' 'wait:name=ctk-test:/ev' key:q -- cmount --top -d 0.2 name=ctk-test:/
	assert_success
	# the alternate screen taken first, given back last with the cursor
	[[ "$output" == '\e[?1049h\e[?25l\e[H\e[2Jcmount --top: 3 containers by cpu, every 0.2 s'* ]]
	[[ "$output" == *'\e[?25h\e[?1049l' ]]
	# the name's ESC and BEL are printed as text, never sent as such
	assert_output --partial 'name=ctk-test:/ev\x1b]0;pwn\x07il'
	[[ "$output" != *'\e]0;pwn'* ]]
	# by tasks: the root (all of this machine's), big (1), the other (0)
	screen=${output##*by tasks, every 0.2 s (q quits; c m i t p order)}
	[ "$(tr -d '\r' <<< "$screen" | awk '/^name=/ { print $1 }' | head -3)" = \
	  "$(printf '%s\n' 'name=ctk-test:/' 'name=ctk-test:/big' 'name=ctk-test:/ev\x1b]0;pwn\x07il')" ]
	# ^C: the view dies of SIGINT, as a program does, the terminal given back
	run "$pty" 24x100 'wait:by cpu' key:$'\003' -- cmount --top -d 0.2 name=ctk-test:/
	assert_failure 130
	[[ "$output" == *'\e[?25h\e[?1049l' ]]
}

@test "the tree of the v2 scratch shows the release mark" {
	ctk_v2_scratch
	mkdir "$V2/a" "$V2/b"
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/a" 2>/dev/null ||
		python3 -c 'import os,sys; os.setxattr(sys.argv[1], "trusted.ctk.notify_on_release", b"1")' "$V2/a"
	rel=${V2#$(ctk_v2_root)}
	run cmount -T -J -o PATH,POPULATED,NOTIFY,RELEASABLE ":$rel"
	assert_success
	[ "$(jq -c '.containers[0].children | map([.path,.populated,.notify,.releasable])' <<< "$output")" = \
	  "[[\"$rel/a\",false,true,true],[\"$rel/b\",false,false,false]]" ]
}

@test "unmount" {
	m=$BATS_TEST_TMPDIR/m1
	cmount -n ctk-test "$m"
	run cmount -u "$m"
	assert_success
	run ! mountpoint -q "$m"
	[ -d "$m" ]
}

@test "unmount refuses what is not a cgroup mount" {
	run --separate-stderr cmount -u /tmp
	assert_failure 1
	[ "$stderr" = "cmount: /tmp: not a cgroup mount point" ]
}

cwd_is() { [ "$(readlink "/proc/$1/cwd")" = "$2" ]; }

@test "unmount with a process inside is busy, said in container terms" {
	m=$BATS_TEST_TMPDIR/m1
	cmount -n ctk-test "$m"
	(cd "$m" && exec sleep 1000) >/dev/null 2>&1 3>&- &
	CTK_PIDS=$!
	ctk_wait_until cwd_is "$CTK_PIDS" "$m"
	run --separate-stderr cmount -u "$m"
	assert_failure 1
	[[ "$stderr" == *"hierarchy busy: a process has its working directory or a file open inside"* ]]
	mountpoint -q "$m"
}

@test "--set-release-agent writes the agent and reads it back" {
	run cmount --set-release-agent "$AGENT" "$V1"
	assert_success
	[ "$(cat "$V1/release_agent")" = "$AGENT" ]
	run cmount --set-release-agent "" "$V1"
	assert_success
	[ -z "$(cat "$V1/release_agent")" ]
}

@test "--set-release-agent refuses a container, v2, and a relative path" {
	mkdir "$V1/a"
	run --separate-stderr cmount --set-release-agent "$AGENT" "$V1/a"
	assert_failure 1
	[[ "$stderr" == *"not the root of a hierarchy"* ]]
	ctk_need_v2
	run --separate-stderr cmount --set-release-agent "$AGENT" "$(ctk_v2_root)"
	assert_failure 3
	[[ "$stderr" == *"cgroup v2 has no release agent"* ]]
	run cmount --set-release-agent relative "$V1"
	assert_failure 1
	[ -z "$(cat "$V1/release_agent")" ]
}

@test "--set-release-agent outside the initial user namespace: EPERM in words" {
	command -v unshare >/dev/null || skip "no unshare"
	unshare -U -r true 2>/dev/null || skip "user namespaces unavailable"
	run --separate-stderr unshare -U -r cmount --set-release-agent "$AGENT" "$V1"
	assert_failure 1
	[[ "$stderr" == *"only with CAP_SYS_ADMIN in the initial user namespace"* || "$stderr" == *"Permission denied"* ]]
	[ -z "$(cat "$V1/release_agent")" ]
}

@test "a controller bound elsewhere: EBUSY in words, no directory left" {
	m=$BATS_TEST_TMPDIR/m-busy
	# two controllers the machine binds to two different hierarchies
	c1=$(awk -F: '$1 > 0 && $2 !~ /name=/ && $2 !~ /,/ { print $2 }' /proc/self/cgroup | sed -n 1p)
	c2=$(awk -F: '$1 > 0 && $2 !~ /name=/ && $2 !~ /,/ { print $2 }' /proc/self/cgroup | sed -n 2p)
	[ -n "$c1" ] && [ -n "$c2" ] || skip "needs two v1 controllers on separate hierarchies"
	run --separate-stderr cmount -c "$c1,$c2" "$m"
	assert_failure 1
	[[ "$stderr" == *"controller already bound to another hierarchy"* ]]
	[[ "$stderr" == *"Device or resource busy" ]]
	[ ! -e "$m" ]
}

@test "an unknown controller is exit 3, named, no directory left" {
	m=$BATS_TEST_TMPDIR/m-unknown
	run --separate-stderr cmount -c nosuchctrl "$m"
	assert_failure 3
	[[ "$stderr" == *"unknown controller 'nosuchctrl'"* ]]
	[ ! -e "$m" ]
}

@test "a name that exists with other controllers is refused by the kernel" {
	m=$BATS_TEST_TMPDIR/m-other
	c1=$(awk -F: '$1 > 0 && $2 !~ /name=/ && $2 !~ /,/ { print $2 }' /proc/self/cgroup | sed -n 1p)
	[ -n "$c1" ] || skip "no v1 controller hierarchy"
	run --separate-stderr cmount -n ctk-test -c "$c1" "$m"
	assert_failure 1
	[[ "$stderr" == *"cannot mount"* ]]
	[ ! -e "$m" ]
}

@test "mounting needs root, said before anything happens" {
	m=$BATS_TEST_TMPDIR/m-user
	command -v setpriv >/dev/null || skip "no setpriv"
	chmod 755 "$BATS_TEST_TMPDIR"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups cmount -n ctk-test "$m"
	assert_failure 1
	[ "$stderr" = "cmount: $m: mounting needs root" ]
	[ ! -e "$m" ]
}

@test "the same hierarchy twice on one mount point: busy" {
	run --separate-stderr cmount -n ctk-test "$V1"
	assert_failure 1
	[[ "$stderr" == *"Device or resource busy"* ]]
}

@test "a cgroup2 mount keeps the machine's v2 flags" {
	ctk_need_v2
	before=$(v2_flags)
	m=$BATS_TEST_TMPDIR/m2
	run --separate-stderr cmount "$m"
	assert_success
	[ "$(ctk_mountinfo_field "$m" type)" = cgroup2 ]
	[ "$(v2_flags)" = "$before" ]
	[ "$(sb_opts "$m")" = "$before" ]
	case $before in
	rw|ro) [ -z "$stderr" ] ;;
	*) [[ "$stderr" == *"keeping the v2 hierarchy's flags"* ]] ;;
	esac
	# it is the same hierarchy: the scratch container shows in both
	ctk_v2_scratch
	[ -d "$m/${V2##*/}" ]
}

@test "-T -o takes control files as columns: numbers, strings, null where absent" {
	mkdir -p "$V1/a/b"
	echo 1 > "$V1/a/cgroup.clone_children"
	run cmount -T -J -o PATH,cgroup.clone_children,no.such.file name=ctk-test:/a
	assert_success
	[ "$(jq -c '[.containers[0]."cgroup.clone_children", .containers[0]."no.such.file", .containers[0].children[0]."cgroup.clone_children"]' <<< "$output")" = "[1,null,0]" ]
	# +FILE adds to the defaults
	run cmount -T -r -n -o +cgroup.clone_children name=ctk-test:/a/b
	assert_success
	assert_output "/a/b 0 0 0 0 0"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir -p "$V2/x/y"
	echo 5 > "$V2/x/cgroup.max.descendants"
	run cmount -T -J -o PATH,cgroup.max.descendants,cgroup.type ":$rel/x"
	assert_success
	[ "$(jq -c '[.containers[0]."cgroup.max.descendants", .containers[0].children[0]."cgroup.max.descendants", .containers[0]."cgroup.type"]' <<< "$output")" = '[5,"max","domain"]' ]
	run cmount -T -P -o PATH,cgroup.max.descendants ":$rel/x/y"
	assert_output "CGPATH=\"$rel/x/y\" cgroup_max_descendants=\"max\""
	# a name without a dot, or with a '/', is no file
	run --separate-stderr cmount -T -o PATH,../etc.passwd ":$rel/x"
	assert_failure 2
	[[ "$stderr" == "cmount: --output: unknown column '../etc.passwd'"* ]]
}

@test "the suites sweep what a killed suite left: scratch containers of a dead suite go, a live one's stay" {
	ctk_need_v2
	local root dead live
	root=${CTK_V2_BASE:-$(ctk_v2_root)}
	# a pid that is surely gone: a child that exited and was reaped
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	ctk_spawn_sleeper
	live=$SLEEPER
	mkdir -p "$root/ctk-test.$dead.7/c" "$root/ctk-randtree.$dead/out" \
		"$root/ctk-test.$live.7/c"
	# teardown's, whatever this test finds
	printf '%s\n' "$root/ctk-test.$dead.7" "$root/ctk-randtree.$dead" \
		"$root/ctk-test.$live.7" >> "$BATS_FILE_TMPDIR/v2-scratch"
	ctk_v2_sweep_stale
	local gone1=0 gone2=0 kept=0
	[ -d "$root/ctk-test.$dead.7" ] || gone1=1
	[ -d "$root/ctk-randtree.$dead" ] || gone2=1
	[ ! -d "$root/ctk-test.$live.7/c" ] || kept=1
	[ "$gone1$gone2$kept" = 111 ]
}
