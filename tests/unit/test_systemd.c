/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* systemd's marks: who manages a hierarchy (from a pid 1 written here),
 * the delegation mark, the unit a path belongs to. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctk/systemd.h"
#include "tap.h"

static char dir[] = "/tmp/ctk-test-systemd.XXXXXX";

/* pid 1 as a directory: its comm and its cgroup file */
static void proc1(const char *comm, const char *cgroup)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/comm", dir);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(comm, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/cgroup", dir);
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(cgroup, f);
	fclose(f);
}

static const char *unit(const char *cpath)
{
	static char buf[64];
	const char *u = ctk_sd_unit(cpath, buf, sizeof(buf));

	return u ? u : "(none)";
}

/* ctk_sd_check_at on a tree of directories: a/b marked delegated */
static void check_rules(void)
{
	struct ctk_err e;
	char p[400];
	int root;

	snprintf(p, sizeof(p), "%s/t", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/t/a", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/t/a/b", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/t/a/b/c", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/t", dir);
	root = open(p, O_RDONLY | O_DIRECTORY);
	ok(ctk_sd_check_at(root, "a/x", CTK_SD_MAKE, &e) == -EPERM &&
	   strstr(e.msg, "systemd's, in no subtree it delegated: run in a "
		  "unit with Delegate=yes"), "nothing delegated: a mkdir "
	   "is refused, with the way out (%s)", e.msg);
	ok(ctk_sd_check_at(root, "a", CTK_SD_MOVE, &e) == -EPERM &&
	   ctk_sd_check_at(root, ".", CTK_SD_MOVE, &e) == -EPERM,
	   "nothing delegated: a move is refused, into the root too");
	snprintf(p, sizeof(p), "%s/t/a/b", dir);
	if (setxattr(p, "user.delegate", "1", 1, 0) < 0 &&
	    setxattr(p, "trusted.delegate", "1", 1, 0) < 0) {
		skip(8, "no user.* or trusted.* extended attributes here");
	} else {
		ok(!ctk_sd_check_at(root, "a/b/new", CTK_SD_MAKE, &e) &&
		   !ctk_sd_check_at(root, "a/b/c/d/e", CTK_SD_MAKE, &e),
		   "below the delegated a/b: mkdir, with missing parents");
		ok(!ctk_sd_check_at(root, "a/b", CTK_SD_MOVE, &e) &&
		   !ctk_sd_check_at(root, "a/b/c", CTK_SD_MOVE, &e),
		   "a move into the delegated top and below it");
		ok(ctk_sd_check_at(root, "a/b", CTK_SD_CHANGE, &e) == -EPERM &&
		   strstr(e.msg, "the top of a subtree systemd delegated"),
		   "the top's own settings and removal are its unit's (%s)",
		   e.msg);
		ok(!ctk_sd_check_at(root, "a/b/c", CTK_SD_CHANGE, &e) &&
		   !ctk_sd_check_at(root, "/a//b/./c/", CTK_SD_CHANGE, &e),
		   "below the top: its own, however the path is written");
		ok(ctk_sd_check_at(root, "a/x", CTK_SD_MAKE, &e) == -EPERM &&
		   ctk_sd_check_at(root, "a", CTK_SD_CHANGE, &e) == -EPERM,
		   "beside and above the delegated subtree: systemd's");
		ok(ctk_sd_check_at(root, "a/b/../x", CTK_SD_MAKE, &e) < 0,
		   "'..' does not climb out of the delegated subtree");
		ok(ctk_sd_check_at(root, ".", CTK_SD_CHANGE, &e) == -EPERM,
		   "the root: systemd's");
		ok(!ctk_sd_check_at(root, "a/b/c/missing/x", CTK_SD_CHANGE,
				    &e), "below the top, a missing one: its "
		   "own (the tool says it is missing)");
	}
	close(root);
	snprintf(p, sizeof(p), "%s/t/a/b/c", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/t/a/b", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/t/a", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/t", dir);
	rmdir(p);
}

/* "error: " and the reason @e holds, into @out. */
static void said(char *out, size_t size, const struct ctk_err *e)
{
	char text[1024];

	snprintf(out, size, "error: %s", ctk_err_text(e, text, sizeof(text)));
}

/* A scope's names from its cgroup path: "slice unit", or the error. */
static const char *scope(const char *cpath)
{
	static char out[600];
	char slice[256], unit_[256];
	struct ctk_err e = { 0 };

	if (ctk_sd_scope_names(cpath, slice, sizeof(slice), unit_,
			       sizeof(unit_), &e))
		said(out, sizeof(out), &e);
	else
		snprintf(out, sizeof(out), "%s %s", slice, unit_);
	return out;
}

/* A property parsed: "NAME=num" / "NAME='str'", or "error: ...". */
static const char *prop(const char *kv)
{
	static char out[600];
	struct ctk_sd_prop p;
	struct ctk_err e = { 0 };

	if (ctk_sd_prop_parse(kv, &p, &e))
		said(out, sizeof(out), &e);
	else if (p.type == 's')
		snprintf(out, sizeof(out), "%s='%s'", p.name, p.str);
	else
		snprintf(out, sizeof(out), "%s=%llu", p.name,
			 (unsigned long long)p.num);
	return out;
}

/* cgcreate -c's SLICE.slice/NAME.scope as a SPEC, or the error. */
static const char *spec_of(const char *name)
{
	static char out[600];
	char buf[512];
	struct ctk_err e = { 0 };

	if (ctk_sd_scope_spec(name, buf, sizeof(buf), &e))
		said(out, sizeof(out), &e);
	else
		snprintf(out, sizeof(out), "%s", buf);
	return out;
}

static void check_scopes(void)
{
	is_str(spec_of("db.slice/db.scope"), ":/db.slice/db.scope",
	       "cgcreate -c's name: a SPEC");
	is_str(spec_of("a-b-c.slice/j.scope"),
	       ":/a.slice/a-b.slice/a-b-c.slice/j.scope",
	       "a nested slice's path, as systemd nests them");
	is_str(spec_of("-.slice/j.scope"), ":/j.scope", "the root slice");
	is_str(spec_of("j.scope"), "error: not a scope's name "
	       "(SLICE.slice/NAME.scope, or a SPEC)", "no slice");
	is_str(spec_of("a.slice/b.slice/j.scope"), "error: not a scope's name "
	       "(SLICE.slice/NAME.scope, or a SPEC)", "two slashes");
	is_str(spec_of("a/j.scope"), "error: a: not a slice's name "
	       "(NAME.slice)", "not a slice");
	is_str(spec_of("a.slice/j"), "error: not a scope: name one "
	       "(:/NAME.scope, :/SLICE.slice/NAME.scope)", "not a scope");
	is_str(spec_of("a--b.slice/j.scope"), "error: a--b.slice: not a "
	       "slice's name (NAME.slice)", "two dashes");
	is_str(spec_of("a-.slice/j.scope"), "error: a-.slice: not a "
	       "slice's name (NAME.slice)", "a dash at the end");
	is_str(scope("/x.scope"), "-.slice x.scope", "a scope at the root: "
	       "in -.slice");
	is_str(scope("/ctk.slice/db.scope"), "ctk.slice db.scope",
	       "a scope in a slice");
	is_str(scope("/a.slice/a-b.slice/a-b-c.slice/j.scope"),
	       "a-b-c.slice j.scope", "nested slices, each named after its "
	       "parent");
	is_str(scope("/a.slice/b.slice/j.scope"), "error: b.slice: systemd "
	       "puts this slice at the root (:/b.slice)",
	       "a nested slice not named after its parent");
	is_str(scope("/a-b.slice/j.scope"), "error: a-b.slice: systemd puts "
	       "this slice in a.slice", "a dashed slice at the root");
	is_str(scope("/a.slice/a-b-c.slice/j.scope"), "error: a-b-c.slice: "
	       "systemd puts this slice in a-b.slice", "a slice a level too "
	       "high");
	is_str(scope("/a.slice/a--b.slice/j.scope"), "error: a--b.slice: not "
	       "a slice's name (a '-' between words only)", "two dashes");
	is_str(scope("/system.slice/x.service/j.scope"), "error: x.service: "
	       "a scope lives in slices (NAME.slice), not here",
	       "a scope below a service");
	is_str(scope("/ctk.slice/job"), "error: not a scope: name one "
	       "(:/NAME.scope, :/SLICE.slice/NAME.scope)", "not a scope");
	is_str(scope("/"), "error: not a scope: name one (:/NAME.scope, "
	       ":/SLICE.slice/NAME.scope)", "the root");
	is_str(scope("/ctk.slice/.scope"), "error: .scope: systemd would name "
	       "its cgroup _.scope (a leading '_' or '.', or a controller's "
	       "name)", "a suffix alone");
	is_str(scope("/ctk.slice/cpu.x.scope"), "error: cpu.x.scope: systemd "
	       "would name its cgroup _cpu.x.scope (a leading '_' or '.', or "
	       "a controller's name)", "a controller's name: escaped by "
	       "systemd, refused");
	is_str(scope("/ctk.slice/a b.scope"), "error: a component is not a unit's "
	       "name (letters, digits, ':-_.\\', up to 255)",
	       "a space");
	is_str(scope("/ctk.slice/\x1b]0;x.scope"), "error: a component is "
	       "not a unit's name (letters, digits, ':-_.\\', up to 255)",
	       "an escape sequence's characters");

	is_str(prop("MemoryMax=64M"), "MemoryMax=67108864", "MemoryMax in M");
	is_str(prop("MemoryHigh=infinity"), "MemoryHigh=18446744073709551615",
	       "infinity");
	is_str(prop("MemoryMax=1T"), "MemoryMax=1099511627776", "T");
	is_str(prop("MemoryMax=99999999999T"), "error: MemoryMax: bytes (a "
	       "number, K, M, G or T after it), or infinity", "overflow");
	is_str(prop("MemoryMax=-1"), "error: MemoryMax: bytes (a number, K, "
	       "M, G or T after it), or infinity", "negative");
	is_str(prop("MemoryMax=1MB"), "error: MemoryMax: bytes (a number, K, "
	       "M, G or T after it), or infinity", "two letters");
	is_str(prop("TasksMax=40"), "TasksMax=40", "TasksMax");
	is_str(prop("TasksMax=0"), "error: TasksMax: a count from 1, or "
	       "infinity", "TasksMax 0");
	is_str(prop("CPUWeight=10000"), "CPUWeight=10000", "a weight");
	is_str(prop("IOWeight=10001"), "error: IOWeight: a weight from 1 to "
	       "10000", "a weight too high");
	is_str(prop("CPUQuota=50%"), "CPUQuotaPerSecUSec=500000",
	       "CPUQuota: per second");
	is_str(prop("CPUQuota=50"), "error: CPUQuota: a percentage of one CPU "
	       "(N%)", "CPUQuota without %%");
	is_str(prop("Description=a job"), "Description='a job'",
	       "a description");
	is_str(prop("Description=a\\nb"), "Description='a\\nb'",
	       "a backslash is a character");
	is_str(prop("Description=a\\033b"), "Description='a\\033b'",
	       "written escapes stay text");
	is_str(prop("Description=a\033b"), "error: Description: a control "
	       "character", "a control character");
	is_str(prop("ExecStart=/bin/sh"), "error: ExecStart: not a property "
	       "ctk passes on (Description, MemoryMin, MemoryLow, MemoryHigh, "
	       "MemoryMax, MemorySwapMax, TasksMax, CPUWeight, "
	       "StartupCPUWeight, IOWeight, StartupIOWeight, CPUQuota)",
	       "anything else: refused");
	is_str(prop("MemoryMax"), "error: MemoryMax: not NAME=VALUE",
	       "no value");
	is_str(prop("memorymax=1"), "error: memorymax: not a property ctk "
	       "passes on (Description, MemoryMin, MemoryLow, MemoryHigh, "
	       "MemoryMax, MemorySwapMax, TasksMax, CPUWeight, "
	       "StartupCPUWeight, IOWeight, StartupIOWeight, CPUQuota)",
	       "names as systemd spells them");
}

int main(void)
{
	struct ctk_hierarchy v2 = { .type = CTK_HIER_V2, .controllers = "" };
	struct ctk_hierarchy sd1 = { .type = CTK_HIER_V1, .controllers = "",
				     .name = "systemd" };
	struct ctk_hierarchy cpu = { .type = CTK_HIER_V1,
				     .controllers = "cpu,cpuacct" };
	char sub[300];
	int fd;

	if (!mkdtemp(dir))
		abort();
	proc1("systemd\n", "0::/init.scope\n");
	ok(ctk_sd_manages(&v2, dir), "v2, systemd in /init.scope: systemd's");
	ok(!ctk_sd_manages(&cpu, dir), "a v1 controller hierarchy: not said");
	proc1("systemd\n", "12:cpu,cpuacct:/\n1:name=systemd:/init.scope\n"
	      "0::/init.scope\n");
	ok(ctk_sd_manages(&sd1, dir) && ctk_sd_manages(&v2, dir),
	   "hybrid: name=systemd and v2 are systemd's");
	proc1("systemd\n", "0::/\n");
	ok(!ctk_sd_manages(&v2, dir), "systemd elsewhere than /init.scope "
	   "(a foreign hierarchy): not");
	proc1("systemd\n", "0::/init.scope/x\n");
	ok(!ctk_sd_manages(&v2, dir), "below /init.scope: not");
	proc1("init\n", "0::/init.scope\n");
	ok(!ctk_sd_manages(&v2, dir), "another pid 1: not");
	proc1("systemd-x\n", "0::/init.scope\n");
	ok(!ctk_sd_manages(&v2, dir), "a comm that starts with systemd: not");
	proc1("systemd\n", "1:name=systemd:/init.scope\n");
	ok(!ctk_sd_manages(&v2, dir) && ctk_sd_manages(&sd1, dir),
	   "legacy: name=systemd only");
	proc1("systemd\n", "0:/init.scope\n0::/init.scopex\n");
	ok(!ctk_sd_manages(&v2, dir), "malformed lines: not");

	is_str(unit("/"), "-.slice", "the root is -.slice");
	is_str(unit("/init.scope"), "init.scope", "init.scope");
	is_str(unit("/system.slice/cron.service"), "cron.service",
	       "a service");
	is_str(unit("/user.slice/user-1000.slice/user@1000.service/app.slice/"
		    "run-u7.scope/sub"), "run-u7.scope",
	       "the last unit's name on the path");
	is_str(unit("/ctk-test.1/a"), "(none)", "a path systemd does not make");
	is_str(unit("/x.slicey/.service"), "(none)",
	       "a suffix alone, or inside a name, is not a unit");
	is_str(unit("/a.slice/b.socket/c.mount/d.swap"), "d.swap",
	       "socket, mount and swap units too");

	snprintf(sub, sizeof(sub), "%s/d", dir);
	mkdir(sub, 0755);
	fd = open(sub, O_RDONLY | O_DIRECTORY);
	ok(fd >= 0 && !ctk_sd_delegated_fd(fd), "no mark: not delegated");
	if (setxattr(sub, "user.delegate", "1", 1, 0) == 0) {
		ok(ctk_sd_delegated_fd(fd), "user.delegate=1: delegated");
		setxattr(sub, "user.delegate", "0", 1, 0);
		ok(!ctk_sd_delegated_fd(fd), "user.delegate=0: not");
		setxattr(sub, "user.delegate", "11", 2, 0);
		ok(!ctk_sd_delegated_fd(fd), "a longer value: not");
	} else {
		skip(3, "no user.* extended attributes on %s", dir);
	}
	if (setxattr(sub, "trusted.delegate", "0", 1, 0) == 0 &&
	    setxattr(sub, "user.delegate", "1", 1, 0) == 0) {
		ok(!ctk_sd_delegated_fd(fd), "trusted.delegate=0 decides over "
		   "user.delegate=1, as systemd reads them");
	} else if (setxattr(sub, "trusted.delegate", "1", 1, 0) == 0) {
		ok(ctk_sd_delegated_fd(fd), "trusted.delegate=1: delegated");
	} else {
		skip(1, "no trusted.* extended attributes here (needs root)");
	}
	close(fd);
	rmdir(sub);
	check_rules();
	check_scopes();
	snprintf(sub, sizeof(sub), "%s/comm", dir);
	unlink(sub);
	snprintf(sub, sizeof(sub), "%s/cgroup", dir);
	unlink(sub);
	rmdir(dir);
	return tap_done();
}
