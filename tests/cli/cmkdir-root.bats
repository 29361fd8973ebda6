#!/usr/bin/env bats
# bats file_tags=root
# cmkdir on the real kernel: name=ctk-test (v1) and a v2 scratch container.

load helpers/common

setup_file() { ctk_root_setup_file; }
setup() { ctk_root_setup; V1=$(ctk_v1_path); }
teardown() {
	# a second hierarchy a test mounted, emptied and unmounted also when
	# the test failed
	if [ -n "${V1B:-}" ] && mountpoint -q "$V1B"; then
		ctk_cleanup_tree "$V1B"
		umount "$V1B"
	fi
	ctk_root_teardown
}
teardown_file() { ctk_root_teardown_file; }

@test "create one, then nested with -p" {
	run cmkdir name=ctk-test:/a
	assert_success
	[ -d "$V1/a" ]
	run --separate-stderr cmkdir name=ctk-test:/b/c
	assert_failure 1
	[[ "$stderr" == "cmkdir: name=ctk-test:/b/c: cannot create container (-p makes parents): parent container does not exist: No such file or directory" ]]
	[ ! -e "$V1/b" ]
	run cmkdir -p name=ctk-test:/b/c/d
	assert_success
	[ -d "$V1/b/c/d" ]
}

@test "an existing container: File exists, exit 1; with -p, success" {
	mkdir "$V1/a"
	run --separate-stderr cmkdir name=ctk-test:/a
	assert_failure 1
	[ "$stderr" = "cmkdir: name=ctk-test:/a: cannot create container: File exists" ]
	run cmkdir -p name=ctk-test:/a
	assert_success
}

@test "every spec form reaches the same hierarchy" {
	# ./s3 is relative to the cwd, not a hierarchy: nothing is made
	run cmkdir -v name=ctk-test:/s1 "$V1/s2" ./s3
	assert_failure 1
	[ ! -e "$V1/s1" ]
	[ ! -e "$V1/s2" ]
	run cmkdir -v name=ctk-test:/s1 "$V1/s2"
	assert_success
	assert_line "created name=ctk-test:/s1"
	assert_line "created name=ctk-test:/s2"
	(cd "$V1" && cmkdir ./s3 s4)
	for s in s1 s2 s3 s4; do [ -d "$V1/$s" ]; done
}

@test "modes and owners are exact (dir 0515, files 0246, like cgconfig's tests)" {
	run cmkdir -m 0515 -f 0246 -u nobody -t 1234:5678 name=ctk-test:/m
	assert_success
	[ "$(stat -c %a "$V1/m")" = 515 ]
	[ "$(stat -c %U "$V1/m")" = nobody ]
	# the owner gets the files of delegation only (tasks, cgroup.procs);
	# the others stay root's: the parent's say (see r3.d)
	for f in notify_on_release cgroup.clone_children; do
		[ "$(stat -c '%a %U' "$V1/m/$f")" = "246 root" ]
	done
	for f in tasks cgroup.procs; do
		[ "$(stat -c '%a %u:%g' "$V1/m/$f")" = "246 1234:5678" ]
	done
	# a parent made by -p keeps the default mode and owner
	run cmkdir -p -m 0700 -u nobody name=ctk-test:/p/q
	assert_success
	[ "$(stat -c '%a %U' "$V1/p")" = "755 root" ]
	[ "$(stat -c '%a %U' "$V1/p/q")" = "700 nobody" ]
}

@test "numeric ids and USER: (login group) work" {
	run cmkdir -u 4321:8765 name=ctk-test:/n1
	assert_success
	[ "$(stat -c %u:%g "$V1/n1")" = 4321:8765 ]
	run cmkdir -u nobody: name=ctk-test:/n2
	assert_success
	[ "$(stat -c %g "$V1/n2")" = "$(id -g nobody)" ]
}

@test "on v2 the task files are cgroup.procs, cgroup.threads, cgroup.subtree_control" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run cmkdir -t 1234:5678 ":$rel/t"
	assert_success
	for f in cgroup.procs cgroup.threads cgroup.subtree_control; do
		[ "$(stat -c %u:%g "$V2/t/$f")" = 1234:5678 ]
	done
	[ "$(stat -c %u:%g "$V2/t/cgroup.type")" = 0:0 ]
}

@test "notify on release: v1 file, v2 trusted extended attribute" {
	run cmkdir -N name=ctk-test:/n
	assert_success
	[ "$(cat "$V1/n/notify_on_release")" = 1 ]
	echo 1 > "$V1/notify_on_release"
	run cmkdir -N 0 name=ctk-test:/z
	assert_success
	[ "$(cat "$V1/z/notify_on_release")" = 0 ]
	echo 0 > "$V1/notify_on_release"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run cmkdir --notify-on-release ":$rel/w"
	assert_success
	[ "$(getfattr --only-values -n trusted.ctk.notify_on_release "$V2/w")" = 1 ]
	run cmount -T -J -o PATH,NOTIFY ":$rel/w"
	[ "$(jq -c '.containers[0].notify' <<< "$output")" = true ]
}

@test "several specs are one transaction: a failure undoes the others, exit 1" {
	mkdir "$V1/exists"
	# a spec that cannot be resolved: nothing is made at all
	run --separate-stderr cmkdir name=ctk-test:/new1 name=ctk-test:/../x name=ctk-test:/new2
	assert_failure 1
	[ "${#stderr_lines[@]}" = 1 ]
	[[ "${stderr_lines[0]}" == *"'..' leads above the hierarchy root"* ]]
	[ ! -e "$V1/new1" ]
	[ ! -e "$V1/new2" ]
	# one that cannot be created: what the call made before it goes again
	run --separate-stderr cmkdir name=ctk-test:/new1 name=ctk-test:/new2 name=ctk-test:/exists
	assert_failure 1
	[ "$stderr" = "cmkdir: name=ctk-test:/exists: cannot create container: File exists" ]
	[ ! -e "$V1/new1" ]
	[ ! -e "$V1/new2" ]
	[ "$(find "$V1" -mindepth 1 -type d)" = "$V1/exists" ]
}

@test "hostile specs create nothing" {
	run cmkdir -p "name=ctk-test:/$(printf 'a\nb')" "name=ctk-test:/$(head -c 300 /dev/zero | tr '\0' x)"
	assert_failure 1
	[ -z "$(find "$V1" -mindepth 1 -type d)" ]
	ln -s "$V1" "$BATS_TEST_TMPDIR/link"
	run --separate-stderr cmkdir "$BATS_TEST_TMPDIR/link/evil"
	assert_failure 1
	[[ "$stderr" == *"not inside a mounted cgroup hierarchy"* ]]
	[ ! -e "$V1/evil" ]
}

@test "a failure half-way removes every parent it made" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	echo 1 > "$V2/cgroup.max.descendants"
	run --separate-stderr cmkdir -p ":$rel/a/b/c"
	assert_failure 1
	[[ "$stderr" == *"hierarchy limit reached"* ]]
	[ ! -e "$V2/a" ]
}

@test "--enable: v1 refused; an unavailable controller changes nothing" {
	run --separate-stderr cmkdir -e +cpu name=ctk-test:/e
	assert_failure 3
	[[ "$stderr" == *"--enable is for cgroup v2"* ]]
	[ ! -e "$V1/e" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	before=$(cat "$(ctk_v2_root)/cgroup.subtree_control")
	run --separate-stderr cmkdir -p -e +nosuchctrl ":$rel/e/f"
	assert_failure 3
	[[ "$stderr" == *"unknown controller 'nosuchctrl'" ]]
	[ ! -e "$V2/e" ]
	[ "$(cat "$(ctk_v2_root)/cgroup.subtree_control")" = "$before" ]
}

@test "--enable turns a controller on down to the new container" {
	root=$(ctk_v2_root)
	ctk_v2_scratch
	rel=${V2#$root}
	# only where the machine's root already delegates one: the tests never
	# change the root's subtree_control
	ctrl=$(tr ' ' '\n' < "$root/cgroup.subtree_control" | grep -v '^$' | head -n1)
	[ -n "$ctrl" ] || skip "the machine's v2 root enables no controller for its children (the tests do not change it)"
	run cmkdir -p -e "+$ctrl" ":$rel/e/f"
	assert_success
	grep -qw "$ctrl" "$V2/cgroup.subtree_control"
	grep -qw "$ctrl" "$V2/e/cgroup.subtree_control"
	grep -qw "$ctrl" "$V2/e/f/cgroup.controllers"
}

@test "--config creates what a cgconfig.conf describes" {
	run cmkdir --config "$FIXTURES/cgconfig-ok.conf"
	assert_success
	[ -d "$V1/ctk-cfg/child" ]
	[ "$(stat -c %a "$V1/ctk-cfg")" = 755 ]
	[ "$(stat -c %a "$V1/ctk-cfg/tasks")" = 660 ]
	[ "$(stat -c %a "$V1/ctk-cfg/notify_on_release")" = 644 ]
}

@test "--config: a template section is skipped and named, the file's groups made" {
	cat > "$BATS_TEST_TMPDIR/mixed.conf" <<-'EOF'
	template users/%u {
		"name=ctk-test" {
			notify_on_release = 1;
		}
	}
	group daemons/www {
		"name=ctk-test" {
		}
	}
	EOF
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/mixed.conf"
	assert_success
	[ -d "$V1/daemons/www" ]
	[ ! -e "$V1/users" ]
	[ "$stderr" = "cmkdir: $BATS_TEST_TMPDIR/mixed.conf: line 1: template section 'users/%u' skipped: cattach --rules makes the containers a cgrules.conf template names" ]
	# -q keeps it quiet
	rmdir "$V1/daemons/www" "$V1/daemons"
	run --separate-stderr cmkdir -q --config "$BATS_TEST_TMPDIR/mixed.conf"
	assert_success
	[ -z "$stderr" ]
}

@test "--config: a namespace section puts the file's groups below its path, per hierarchy, per file" {
	V1B=$BATS_TEST_TMPDIR/v1b
	mkdir "$V1B"
	mount -t cgroup -o none,name=ctk-test2 cgroup "$V1B"
	mkdir "$BATS_TEST_TMPDIR/d"
	cat > "$BATS_TEST_TMPDIR/d/a.conf" <<-'EOF'
	group www {
		"name=ctk-test" {
		}
		"name=ctk-test2" {
		}
	}
	group . {
		"name=ctk-test" {
			notify_on_release = 1;
		}
	}
	namespace {
		"name=ctk-test" = /daemons;
	}
	EOF
	printf 'group ftp {
	"name=ctk-test" {
	}
}
' > "$BATS_TEST_TMPDIR/d/b.conf"
	run cmkdir --config "$BATS_TEST_TMPDIR/d"
	assert_success
	# the namespace is its file's, and its hierarchy's: a.conf's www goes
	# below daemons in ctk-test only, b.conf's ftp at the root; group .
	# is the namespace's own directory
	[ -d "$V1/daemons/www" ]
	[ -d "$V1B/www" ]
	[ -d "$V1/ftp" ]
	[ "$(cat "$V1/daemons/notify_on_release")" = 1 ]
	[ "$(cat "$V1/notify_on_release")" = 0 ]
	# two paths for one hierarchy: refused, nothing made
	ctk_cleanup_tree "$V1"
	ctk_cleanup_tree "$V1B"
	printf 'namespace {
	"name=ctk-test" = a;
	"name=ctk-test" = b;
}
group x {
	"name=ctk-test" {
	}
}
' > "$BATS_TEST_TMPDIR/two.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/two.conf"
	assert_refusal 1 cmkdir
	assert_equal "$stderr" "cmkdir: $BATS_TEST_TMPDIR/two.conf: line 3: namespace: name=ctk-test and name=ctk-test share a hierarchy but not a path"
	[ -z "$(find "$V1" -mindepth 1 -type d)" ]
}

@test "--config: a group in two hierarchies is owned in both; a default section fills in what a perm section leaves unset" {
	V1B=$BATS_TEST_TMPDIR/v1b
	mkdir "$V1B"
	mount -t cgroup -o none,name=ctk-test2 cgroup "$V1B"
	cat > "$BATS_TEST_TMPDIR/p.conf" <<-'EOF'
	default {
		perm {
			admin { uid = root; gid = operator; dperm = 775; fperm = 775; }
			task { uid = root; gid = operator; fperm = 770; }
		}
	}
	group g {
		perm {
			admin { uid = games; }
			task { uid = games; }
		}
		"name=ctk-test" { }
		"name=ctk-test2" { }
	}
	EOF
	run cmkdir --config "$BATS_TEST_TMPDIR/p.conf"
	assert_success
	for d in "$V1/g" "$V1B/g"; do
		# uid from the group, gid and modes from the default section;
		# a control file's x bits dropped (775 is 664, 770 is 660)
		[ "$(stat -c '%a %U:%G' "$d")" = "775 games:operator" ]
		[ "$(stat -c '%a %U:%G' "$d/tasks")" = "660 games:operator" ]
		[ "$(stat -c '%a %U:%G' "$d/notify_on_release")" = "664 root:root" ]
	done
}

@test "--config refuses '..' before anything is made" {
	# a group whose '..' leads from the mount point exactly to this test's
	# directory: an escape would make $BATS_TEST_TMPDIR/escape
	rel=$(realpath --relative-to="$V1" "$BATS_TEST_TMPDIR")
	[[ "$rel" == ../* ]]
	printf 'group %s/escape {\n\t"name=ctk-test" {\n\t}\n}\n' "$rel" > "$BATS_TEST_TMPDIR/dotdot.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/dotdot.conf"
	assert_refusal 1 cmkdir
	[[ "$stderr" == *"'.' and '..' are refused"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/escape" ]
	[ -z "$(find "$V1" -mindepth 1 -type d)" ]
}

@test "--config: cgroup.subtree_control takes only \"+controller ...\" (what a snapshot writes), before anything is made" {
	for v in memory "+memory -pids" "+" "+me/m" ""; do
		printf 'group cfg/a {\n\t"name=ctk-test" {\n\t\tcgroup.subtree_control = "%s";\n\t}\n}\n' "$v" > "$BATS_TEST_TMPDIR/c.conf"
		run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/c.conf"
		assert_failure 1
		[[ "$stderr" == *': line 3: cgroup.subtree_control takes "+controller ..." (each enabled as --enable does)' ]]
	done
	[ ! -e "$V1/cfg" ]
}

@test "completion offers the containers below a typed prefix, from cmount --list-specs" {
	mkdir -p "$V1/comp/alpha/x" "$V1/comp/beta" "$V1/other"
	# each name ends in a NUL (a name may hold a newline's neighbours)
	run sh -c 'cmount --list-specs name=ctk-test:/comp/ | tr "\0" "\n" | sort'
	assert_success
	assert_output $'name=ctk-test:/comp/alpha/\nname=ctk-test:/comp/beta/'
	run sh -c 'cmount --list-specs name=ctk-test:/comp/al | tr "\0" "\n"'
	assert_output "name=ctk-test:/comp/alpha/"
	run cmount --list-specs name=ctk-test:/nosuch/
	assert_success
	assert_output ""
	# a mount over a container is not entered
	mount -t tmpfs none "$V1/comp/beta"
	mkdir "$V1/comp/beta/inside"
	run cmount --list-specs name=ctk-test:/comp/beta/
	umount "$V1/comp/beta"
	assert_output ""
}

@test "completion in a real bash: TAB completes a spec typed in part, across readline's ':' and '=' breaks" {
	[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3 here"
	mkdir -p "$V1/comp/alpha/x" "$V1/comp/beta"
	run ctk_type "cmkdir name=ctk-te	"
	assert_success
	assert_line "<name=ctk-test:/>"
	run ctk_type "cmkdir -p name=ctk-test:/comp/al	x	"
	assert_line "<name=ctk-test:/comp/alpha/x/>"
	run ctk_type "crelease --sweep name=ctk-test:/co	b	"
	assert_line "<name=ctk-test:/comp/beta/>"
	run ctk_type "cmkdir --scope --prop	CPUQ	50% :/x.scope"
	assert_line "<--property>"
	assert_line "<CPUQuota=50%>"
	ctk_need_v2	# the v2 core files are the names offered
	run ctk_type "cmkdir -s cgroup.max.dep	5 name=ctk-test:/comp/al	"
	assert_line "<cgroup.max.depth=5>"
	assert_line "<name=ctk-test:/comp/alpha/>"
}

# --- values (cgset) ---------------------------------------------------------

@test "--set writes control files at creation, in order (v1 and v2)" {
	run cmkdir -s cgroup.clone_children=1 -s notify_on_release=1 name=ctk-test:/s
	assert_success
	[ "$(cat "$V1/s/cgroup.clone_children")" = 1 ]
	[ "$(cat "$V1/s/notify_on_release")" = 1 ]
	# in order: the last write of a file wins
	run cmkdir -s notify_on_release=1 -s notify_on_release=0 name=ctk-test:/o
	assert_success
	[ "$(cat "$V1/o/notify_on_release")" = 0 ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run cmkdir -s cgroup.max.descendants=3 -s cgroup.max.depth=2 ":$rel/v"
	assert_success
	[ "$(cat "$V2/v/cgroup.max.descendants")" = 3 ]
	[ "$(cat "$V2/v/cgroup.max.depth")" = 2 ]
}

@test "--set: a value the kernel refuses undoes the container and names the file" {
	run --separate-stderr cmkdir -s notify_on_release=1 -s cgroup.clone_children=x name=ctk-test:/bad
	assert_failure 1
	[ "$stderr" = "cmkdir: name=ctk-test:/bad: cgroup.clone_children: invalid value: Invalid argument" ]
	[ ! -e "$V1/bad" ]
	# a file the container lacks
	run --separate-stderr cmkdir -p -s memory.max=1M name=ctk-test:/p/q
	assert_failure 1
	[ "$stderr" = "cmkdir: name=ctk-test:/p/q: memory.max: no such control file (is its controller enabled?)" ]
	[ ! -e "$V1/p" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run --separate-stderr cmkdir -s cgroup.max.descendants=-3 ":$rel/n"
	assert_failure 1
	[ "$stderr" = "cmkdir: :$rel/n: cgroup.max.descendants: invalid value: Numerical result out of range" ]
	[ ! -e "$V2/n" ]
}

@test "--set FILE= writes an empty line, as echo > FILE does: the kernel answers, never a silent success" {
	run --separate-stderr cmkdir -s cgroup.clone_children= name=ctk-test:/empty
	assert_refusal 1 cmkdir
	[ "$stderr" = "cmkdir: name=ctk-test:/empty: cgroup.clone_children: invalid value: Invalid argument" ]
	[ ! -e "$V1/empty" ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	run --separate-stderr cmkdir -s cgroup.max.depth= ":$rel/e"
	assert_refusal 1 cmkdir
	[[ "$stderr" == "cmkdir: :$rel/e: cgroup.max.depth: invalid value: "* ]]
	[ ! -e "$V2/e" ]
}

@test "--existing sets values in containers that exist and makes none (the strict cgset); a missing one: exit 1, nothing written anywhere" {
	cmkdir name=ctk-test:/x name=ctk-test:/y
	run cmkdir --existing -s notify_on_release=1 name=ctk-test:/x name=ctk-test:/y
	assert_success
	[ "$(cat "$V1/x/notify_on_release")" = 1 ]
	[ "$(cat "$V1/y/notify_on_release")" = 1 ]
	# a mistyped one, as cgset would meet it
	run --separate-stderr cmkdir --existing -s notify_on_release=0 name=ctk-test:/x name=ctk-test:/typo
	assert_refusal 1 cmkdir
	[ "$stderr" = "cmkdir: name=ctk-test:/typo: no such container" ]
	[ "$(cat "$V1/x/notify_on_release")" = 1 ]
	[ ! -e "$V1/typo" ]
	# a write refused in the second puts the first one's value back
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	before=$(cat "$V2/cgroup.max.depth")
	run --separate-stderr cmkdir --existing -s cgroup.max.depth=3 ":$rel" name=ctk-test:/y
	assert_refusal 1 cmkdir
	[[ "$stderr" == "cmkdir: name=ctk-test:/y: cgroup.max.depth: "* ]]
	[ "$(cat "$V2/cgroup.max.depth")" = "$before" ]
	# what it takes
	run --separate-stderr cmkdir --existing name=ctk-test:/x
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"nothing to set"* ]]
	run --separate-stderr cmkdir --existing -p -s notify_on_release=0 name=ctk-test:/x
	assert_failure 2
	[[ "${stderr_lines[0]}" == *"--existing sets values only"* ]]
}

@test "--dry-run says what would be made and set and changes nothing; a call that would fail says it as the call does" {
	mkdir "$V1/have"
	run --separate-stderr cmkdir -n -p -s notify_on_release=1 name=ctk-test:/have/a/b name=ctk-test:/have
	assert_success
	assert_output "$(printf '%s\n' "would create name=ctk-test:/have/a" \
		"would create name=ctk-test:/have/a/b" \
		"would set notify_on_release=1 in name=ctk-test:/have/a/b" \
		"would set notify_on_release=1 in name=ctk-test:/have")"
	[ ! -e "$V1/have/a" ]
	[ "$(cat "$V1/have/notify_on_release")" = 0 ]
	# the same words and status as the call itself
	for args in "name=ctk-test:/have" "name=ctk-test:/none/a" "--existing -s notify_on_release=1 name=ctk-test:/none"; do
		run --separate-stderr cmkdir -n $args
		dry="$status $stderr $output"
		[ "$status" = 1 ]
		run --separate-stderr cmkdir $args
		echo "dry: $dry; real: $status $stderr $output" >&2
		[ "$dry" = "$status $stderr $output" ]
	done
	[ -z "$(find "$V1" -mindepth 1 -type d ! -path "$V1/have")" ]
}

@test "-p --set on an existing container sets its values (cgset); a failure restores the old ones" {
	mkdir "$V1/e"
	echo 1 > "$V1/e/notify_on_release"
	run cmkdir -p -s notify_on_release=0 name=ctk-test:/e
	assert_success
	[ "$(cat "$V1/e/notify_on_release")" = 0 ]
	run --separate-stderr cmkdir -p -s notify_on_release=1 -s cgroup.clone_children=1 -s cgroup.clone_children=nope name=ctk-test:/e
	assert_failure 1
	[[ "$stderr" == *"cgroup.clone_children: invalid value"* ]]
	[ "$(cat "$V1/e/notify_on_release")" = 0 ]
	[ "$(cat "$V1/e/cgroup.clone_children")" = 0 ]
	# one call, two containers: the second's failure restores the first
	mkdir "$V1/f"
	run cmkdir -p -s cgroup.clone_children=1 name=ctk-test:/e name=ctk-test:/f/g/h
	assert_success
	echo 0 > "$V1/e/cgroup.clone_children"
	mount -t tmpfs none "$V1/f"
	run --separate-stderr cmkdir -p -s cgroup.clone_children=1 name=ctk-test:/e name=ctk-test:/f/x
	umount "$V1/f"
	assert_failure 1
	[ "$(cat "$V1/e/cgroup.clone_children")" = 0 ]
	# the root too, with -p
	run cmkdir -p -s cgroup.clone_children=1 name=ctk-test:/
	assert_success
	[ "$(cat "$V1/cgroup.clone_children")" = 1 ]
	echo 0 > "$V1/cgroup.clone_children"
}

@test "--set refuses what is not a value, before anything is made (exit 2)" {
	for bad in tasks=1 cgroup.procs=1 cgroup.subtree_control=+cpu cgroup.kill=1 release_agent=/x ../x=1 .x=1 "a b=1" noequals =1; do
		run --separate-stderr cmkdir -s "$bad" name=ctk-test:/r
		assert_failure 2
		[[ "$stderr" == "cmkdir: --set: "* ]]
	done
	run --separate-stderr cmkdir -s tasks=1 name=ctk-test:/r
	[[ "$stderr" == *"tasks is not a value (cattach moves tasks)"* ]]
	run --separate-stderr cmkdir -s cgroup.subtree_control=+cpu name=ctk-test:/r
	[[ "$stderr" == *"(use --enable)"* ]]
	[ ! -e "$V1/r" ]
}

@test "--copy-from carries resource settings only: no core interface file, no state; --set after it wins" {
	# v1: notify_on_release and cgroup.clone_children are no settings
	mkdir "$V1/src"
	echo 1 > "$V1/src/cgroup.clone_children"
	echo 1 > "$V1/src/notify_on_release"
	run cmkdir --copy-from name=ctk-test:/src name=ctk-test:/dst
	assert_success
	[ "$(cat "$V1/dst/cgroup.clone_children")" = 0 ]
	[ "$(cat "$V1/dst/notify_on_release")" = 0 ]
	# a core file named by --set is still written: that is a request
	run cmkdir --copy-from name=ctk-test:/src -s notify_on_release=1 name=ctk-test:/dst2
	assert_success
	[ "$(cat "$V1/dst2/notify_on_release")" = 1 ]
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir "$V2/src"
	echo 4 > "$V2/src/cgroup.max.descendants"
	echo 3 > "$V2/src/cgroup.max.depth"
	echo 1 > "$V2/src/cgroup.freeze"
	chmod 0666 "$V2/src"/*	# a mode never makes a file a value
	run cmkdir --copy-from ":$rel/src" ":$rel/dst"
	assert_success
	[ "$(cat "$V2/dst/cgroup.max.descendants")" = max ]
	[ "$(cat "$V2/dst/cgroup.max.depth")" = max ]
	[ "$(cat "$V2/dst/cgroup.freeze")" = 0 ]
	run --separate-stderr cmkdir --copy-from ":$rel/nosuch" ":$rel/dst2"
	assert_failure 1
	[[ "$stderr" == "cmkdir: :$rel/nosuch: "* ]]
	[ ! -e "$V2/dst2" ]
}

@test "--copy-from copies a controller's settings, into a new and an existing container" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	c=$(tr ' ' '\n' < "$V2/cgroup.controllers" | grep -x -m1 -E 'pids|memory|cpu') ||
		skip "no pids, memory or cpu controller for a child of the v2 root here (the field lane has them)"
	echo "+$c" > "$V2/cgroup.subtree_control"
	case $c in
	pids) f=pids.max v=17 ;;
	memory) f=memory.high v=16777216 ;;
	cpu) f=cpu.weight v=42 ;;
	esac
	mkdir "$V2/src" "$V2/old"
	echo "$v" > "$V2/src/$f"
	run cmkdir --copy-from ":$rel/src" ":$rel/dst"
	assert_success
	[ "$(cat "$V2/dst/$f")" = "$v" ]
	run cmkdir -p --copy-from ":$rel/src" ":$rel/old"	# cgset --copy-from
	assert_success
	[ "$(cat "$V2/old/$f")" = "$v" ]
}

# --- --config (cgconfigparser) and snapshots (cgsnapshot) -------------------

@test "--config DIR loads every *.conf in name order, as one transaction" {
	d=$BATS_TEST_TMPDIR/cgconfig.d
	mkdir "$d"
	printf 'group one { "name=ctk-test" { notify_on_release = 1; } }\n' > "$d/10-one.conf"
	printf 'group one/two { "name=ctk-test" { } }\n' > "$d/20-two.conf"
	printf 'group never { "name=ctk-test" { } }\n' > "$d/README"
	run cmkdir -v --config "$d"
	assert_success
	[ -d "$V1/one/two" ]
	[ ! -e "$V1/never" ]
	[ "$(cat "$V1/one/notify_on_release")" = 1 ]
	# a failure in the last file undoes what the first made
	rmdir "$V1/one/two" "$V1/one"
	printf 'group one/three { "name=ctk-test" { cgroup.clone_children = x; } }\n' > "$d/30-bad.conf"
	run --separate-stderr cmkdir --config "$d"
	assert_failure 1
	[[ "$stderr" == "cmkdir: $d/30-bad.conf: line 1: group one/three: cgroup.clone_children: invalid value"* ]]
	[ ! -e "$V1/one" ]
}

@test "--config: group . sets the root; -u -m -f -t are the defaults of groups without perm" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	cat > "$BATS_TEST_TMPDIR/c.conf" <<-EOF
	group . { "name=ctk-test" { cgroup.clone_children = 1; } }
	group dflt { "name=ctk-test" { } }
	group own {
		perm { admin { uid = root; gid = root; dperm = 0700; } }
		"name=ctk-test" { }
	}
	group ${rel#/}/v { "unified" { cgroup.max.descendants = 7; ctk.notify_on_release = 1; } }
	EOF
	root_was=$(stat -c '%u:%g %a' "$V1")
	run cmkdir --config "$BATS_TEST_TMPDIR/c.conf" -u nobody -m 0750 -f 0640 -t 1234:5678
	assert_success
	[ "$(cat "$V1/cgroup.clone_children")" = 1 ]
	echo 0 > "$V1/cgroup.clone_children"
	# group . took the defaults too: the root is the suite's, give it back
	[ "$(stat -c '%a %U' "$V1")" = "750 nobody" ]
	chown "${root_was% *}" "$V1"
	chmod "${root_was#* }" "$V1"
	[ "$(stat -c '%a %U' "$V1/dflt")" = "750 nobody" ]
	[ "$(stat -c '%a %U' "$V1/dflt/notify_on_release")" = "640 root" ]
	[ "$(stat -c '%u:%g' "$V1/dflt/tasks")" = 1234:5678 ]
	[ "$(stat -c '%a %U' "$V1/own")" = "700 root" ]
	[ "$(cat "$V2/v/cgroup.max.descendants")" = 7 ]
	[ "$(getfattr --only-values -n trusted.ctk.notify_on_release "$V2/v")" = 1 ]
}

@test "--config: an existing group takes its perm and values, and a failure puts them back" {
	mkdir "$V1/old"
	chmod 0755 "$V1/old"
	cat > "$BATS_TEST_TMPDIR/c.conf" <<-EOF
	group old {
		perm { admin { uid = nobody; gid = root; dperm = 0711; fperm = 0600; } }
		"name=ctk-test" { notify_on_release = 1; }
	}
	EOF
	run cmkdir --config "$BATS_TEST_TMPDIR/c.conf"
	assert_success
	[ "$(stat -c '%a %U' "$V1/old")" = "711 nobody" ]
	[ "$(stat -c '%a %U' "$V1/old/notify_on_release")" = "600 root" ]
	[ "$(stat -c '%U' "$V1/old/tasks")" = nobody ]
	[ "$(cat "$V1/old/notify_on_release")" = 1 ]
	chown root "$V1/old" "$V1/old"/*
	chmod 0755 "$V1/old"
	chmod 0644 "$V1/old/notify_on_release"
	echo 0 > "$V1/old/notify_on_release"
	printf 'group new { "name=ctk-test" { cgroup.clone_children = bad; } }\n' >> "$BATS_TEST_TMPDIR/c.conf"
	run cmkdir --config "$BATS_TEST_TMPDIR/c.conf"
	assert_failure 1
	[ "$(stat -c '%a %U' "$V1/old")" = "755 root" ]
	[ "$(stat -c '%a %U' "$V1/old/notify_on_release")" = "644 root" ]
	[ "$(cat "$V1/old/notify_on_release")" = 0 ]
	[ ! -e "$V1/new" ]
}

@test "--config: the hint for an unmounted mount section is a cmount command that works" {
	m=$BATS_TEST_TMPDIR/m2
	printf 'mount { "name=ctk-test2" = %s; }\ngroup hint { "name=ctk-test2" { } }\n' "$m" > "$BATS_TEST_TMPDIR/h.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/h.conf"
	assert_failure 1
	[ "$stderr" = "cmkdir: name=ctk-test2: not mounted (the mount section is cmount's to do: cmount -c name=ctk-test2 DIR)" ]
	# the hint, as the admin types it
	mkdir "$m"
	run cmount -c name=ctk-test2 "$m"
	assert_success
	run cmkdir --config "$BATS_TEST_TMPDIR/h.conf"
	assert_success
	[ -d "$m/hint" ]
	rmdir "$m/hint"
	cmount -u "$m"
	# as mount(8) and cgconfig write it: none,name=NAME; and one name only
	run cmount -c none,name=ctk-test2 "$m"
	assert_success
	cmount --raw --noheadings --output NAME,TARGET | grep -qx "ctk-test2 $m"
	cmount -u "$m"
	run --separate-stderr cmount -c name=ctk-test2 -n other "$m"
	assert_failure 2
	[ "${stderr_lines[0]}" = "cmount: -c name=ctk-test2 and -n other: two names" ]
}

@test "--config: a mount section needs its hierarchy mounted; SPECs and --set do not go with it" {
	printf 'mount { "name=ctk-nosuch-x" = /x; }\ngroup a { "name=ctk-test" { } }\n' > "$BATS_TEST_TMPDIR/m.conf"
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/m.conf"
	assert_failure 1
	[[ "$stderr" == "cmkdir: name=ctk-nosuch-x: not mounted (the mount section is cmount's to do"* ]]
	[ ! -e "$V1/a" ]
	printf 'mount { "name=ctk-test" = /x; }\ngroup a { "name=ctk-test" { } }\n' > "$BATS_TEST_TMPDIR/m.conf"
	run cmkdir --config "$BATS_TEST_TMPDIR/m.conf"
	assert_success
	[ -d "$V1/a" ]
	run --separate-stderr cmkdir --config "$BATS_TEST_TMPDIR/m.conf" -s a.b=1
	assert_failure 2
}

# what a tree is, for comparing: modes, owners, and every value
tree_state() {
	(cd "$1" && find . -mindepth 1 -printf '%p %m %u %g\n' | sort
	 find . -mindepth 1 -type f -perm -u+r -not -name '*.pressure' \
		-not -name '*.stat*' -not -name cgroup.events \
		-not -name cgroup.controllers -print | sort |
		while read -r f; do printf '%s=%s\n' "$f" "$(tr '\n' ' ' < "$f")"; done
	 find . -mindepth 1 -type d | sort | while read -r d; do
		printf '%s mark=%s\n' "$d" "$(getfattr --only-values -n trusted.ctk.notify_on_release "$d" 2>/dev/null)"
	 done)
}

@test "snapshot round trip: cmount -T --cgconfig, remove the tree, cmkdir --config: the same tree (v1 and v2)" {
	run cmkdir -p -m 0750 -u nobody:nogroup -t 1234:5678 -N name=ctk-test:/snap/a
	assert_success
	run cmkdir -p -f 0640 name=ctk-test:/snap/b/c
	assert_success
	# v1's release flag, which mkdir copies: said where it differs
	echo 1 > "$V1/snap/notify_on_release"
	echo 0 > "$V1/snap/b/notify_on_release"
	echo 1 > "$V1/snap/b/c/notify_on_release"
	# core files are state, not settings: not carried
	echo 1 > "$V1/snap/b/cgroup.clone_children"
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir -p "$V2/x/y" "$V2/x/z"
	chmod 0700 "$V2/x/z"
	setfattr -n trusted.ctk.notify_on_release -v 1 "$V2/x/y"
	before1=$(tree_state "$V1/snap")
	before2=$(tree_state "$V2/x")
	run cmount -T --cgconfig name=ctk-test:/snap ":$rel/x"
	assert_success
	echo "$output" > "$BATS_TEST_TMPDIR/snap.conf"
	grep -q '^group snap/a {' "$BATS_TEST_TMPDIR/snap.conf"
	grep -q 'dperm = 0750;' "$BATS_TEST_TMPDIR/snap.conf"
	grep -q 'ctk.notify_on_release = 1;' "$BATS_TEST_TMPDIR/snap.conf"
	grep -q 'ctk.notify_on_release = 0;' "$BATS_TEST_TMPDIR/snap.conf"
	run ! grep -q 'cgroup\.' "$BATS_TEST_TMPDIR/snap.conf"
	echo 0 > "$V1/snap/b/cgroup.clone_children"
	before1=$(tree_state "$V1/snap")
	run crelease --remove -r name=ctk-test:/snap ":$rel/x"
	assert_success
	[ ! -e "$V1/snap" ]
	[ ! -e "$V2/x" ]
	run cmkdir --config "$BATS_TEST_TMPDIR/snap.conf"
	assert_success
	[ "$(tree_state "$V1/snap")" = "$before1" ]
	[ "$(tree_state "$V2/x")" = "$before2" ]
	# and the snapshot of the new tree is the snapshot of the old one
	run cmount -T --cgconfig name=ctk-test:/snap ":$rel/x"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/snap.conf")" ]
}

@test "snapshot round trip, v2 shapes: a threaded subtree, domain invalid, limits below the shape, files made 0644; loaded in place and after removal" {
	ctk_v2_scratch
	rel=${V2#$(ctk_v2_root)}
	mkdir -p "$V2/s/t/a" "$V2/s/t/b" "$V2/s/x/a/b"
	echo threaded > "$V2/s/t/a/cgroup.type"
	mkdir "$V2/s/t/a/c"
	# the kernel takes a limit below the shape that exists
	echo 1 > "$V2/s/x/cgroup.max.depth"
	echo 1 > "$V2/s/x/cgroup.max.descendants"
	run cmkdir -p -f 0644 ":$rel/s/f/g"
	assert_success
	[ "$(cat "$V2/s/t/cgroup.type")" = "domain threaded" ]
	[ "$(cat "$V2/s/t/b/cgroup.type")" = "domain invalid" ]
	[ "$(cat "$V2/s/t/a/c/cgroup.type")" = "domain invalid" ]
	before=$(tree_state "$V2/s")
	run --separate-stderr cmount -T --cgconfig ":$rel/s"
	assert_success
	snap=$output
	printf '%s\n' "$snap" > "$BATS_TEST_TMPDIR/snap.conf"
	# the threaded one is said in its group; the limits in a group of
	# their own after the whole tree; the uniform mode as fperm
	grep -q 'cgroup.type = "threaded";' "$BATS_TEST_TMPDIR/snap.conf"
	[ "$(sed -n '/^# limits on the shape/,$p' "$BATS_TEST_TMPDIR/snap.conf" | grep -c 'cgroup.max')" = 2 ]
	grep -q 'fperm = 0644;' "$BATS_TEST_TMPDIR/snap.conf"
	# loaded in place: nothing changes
	run cmkdir --config "$BATS_TEST_TMPDIR/snap.conf"
	assert_success
	[ "$(tree_state "$V2/s")" = "$before" ]
	# removed and loaded back: the same tree, and the same snapshot
	run crelease --remove -r ":$rel/s"
	assert_success
	[ ! -e "$V2/s" ]
	run cmkdir --config "$BATS_TEST_TMPDIR/snap.conf"
	assert_success
	[ "$(tree_state "$V2/s")" = "$before" ]
	run --separate-stderr cmount -T --cgconfig ":$rel/s"
	[ "$output" = "$snap" ]
}
