/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgconfig.conf: ctk's parser, on good files, hostile names and limits. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/cgconf.h"
#include "tap.h"

static char tmpl[] = "/tmp/ctk-test-cgconf.XXXXXX";

__attribute__((format(printf, 1, 2)))
static const char *conf(const char *fmt, ...)
{
	FILE *f = fopen(tmpl, "w");
	va_list ap;

	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	return tmpl;
}

/* Parse one file: 0 or the errno, e filled. */
static int parse(const char *path, struct ctk_err *e)
{
	struct ctk_cgconfig c = { 0 };
	int rc = ctk_cgconfig_parse(path, &c, e);

	ctk_cgconfig_free(&c);
	return rc;
}

int main(void)
{
	struct ctk_cgconfig c = { 0 };
	struct ctk_err e = { 0 };
	char word[1100], dir[] = "/tmp/ctk-test-cgconf-d.XXXXXX", path[256];
	int fd = mkstemp(tmpl);

	if (fd < 0)
		return 99;
	close(fd);
	ok(ctk_cgconfig_parse(fixture("cgconfig-ok.conf"), &c, &e) == 0,
	   "the fixture parses (%s)", e.msg);
	ok(c.n == 2 && !strcmp(c.groups[0].name, "ctk-cfg") &&
	   !strcmp(c.groups[1].name, "ctk-cfg/child"), "two groups");
	ok(c.n == 2 && c.groups[0].perm.given &&
	   c.groups[0].perm.set_task_file_mode &&
	   c.groups[0].perm.task_file_mode == 0660 &&
	   c.groups[0].perm.dir_mode == 0755 && c.groups[0].perm.uid == 0,
	   "its perm section");
	ok(c.n == 2 && c.groups[0].nblocks == 1 &&
	   !strcmp(c.groups[0].blocks[0].name, "name=ctk-test"),
	   "a quoted block name");
	ok(c.n == 2 && !c.groups[1].perm.given, "no perm: the defaults apply");
	ctk_cgconfig_free(&c);

	ok(ctk_cgconfig_parse(conf("group . {\n\tperm { admin { uid = 0; "
				   "dperm = 755; } }\n\t\"name=x\" {\n\t\t"
				   "cgroup.clone_children = 1;\n\t\tio.max = "
				   "\"8:0 rbps=1\";\n\t\tctk.notify_on_release"
				   " = 1;\n\t}\n}\ndefault { perm { task { gid "
				   "= 0; } } }\nmount { cpu = /sys/fs/cgroup/"
				   "cpu; }\n"), &c, &e) == 0,
	   "group ., values, default, mount (%s)", e.msg);
	ok(c.n == 1 && !strcmp(c.groups[0].name, ".") &&
	   c.groups[0].blocks[0].values.n == 2 &&
	   !strcmp(c.groups[0].blocks[0].values.v[1].value, "8:0 rbps=1") &&
	   c.groups[0].blocks[0].notify == 1, "the root's block");
	ok(c.defaults.given && c.defaults.task_gid == 0 && c.nmounts == 1 &&
	   !strcmp(c.mounts[0], "cpu"), "default and mount sections");
	ctk_cgconfig_free(&c);

	ok(parse(fixture("cgconfig-dotdot.conf"), &e) < 0 &&
	   strstr(e.msg, "line 3") && strstr(e.msg, "'..' are refused"),
	   "'../' refused: %s", e.msg);
	ok(parse(fixture("cgconfig-quoted.conf"), &e) < 0,
	   "a quoted '..' refused: %s", e.msg);
	ok(parse(fixture("cgconfig-abs.conf"), &e) < 0 &&
	   strstr(e.msg, "absolute"), "an absolute name refused: %s", e.msg);
	ok(parse("/nonexistent.conf", &e) < 0 && e.code == ENOENT,
	   "a missing file");
	ok(parse("/dev/null", &e) < 0 && strstr(e.msg, "not a regular file"),
	   "a device is refused");
	memset(word, 'a', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	ok(parse(conf("group a/%s/../../x {\n}\n", word), &e) == -E2BIG &&
	   strstr(e.msg, "a word longer than"), "a word past 1023 bytes: %s",
	   e.msg);
	ok(parse(conf("group \"a\n/../x\" {\n}\n"), &e) == -EINVAL &&
	   strstr(e.msg, "not closed"), "a quote across lines: %s", e.msg);
	/* a template: skipped and named, the rest read; a namespace: read */
	ok(ctk_cgconfig_parse(conf("template ../%%u {\n\t\"name=x\" {\n"
				   "\t\ta.b = 1;\n\t}\n}\nnamespace {\n"
				   "\tcpu = /x;\n\t\"name=y\" = .;\n}\n"
				   "group g {\n\tcpu {\n\t}\n}\n"),
			      &c, &e) == 0 && c.n == 1 && c.nwarnings == 1 &&
	   strstr(c.warnings[0], "line 1: template section '../%u' skipped") &&
	   c.nns == 2 && !strcmp(c.ns[0].name, "cpu") &&
	   !strcmp(c.ns[0].path, "x") && c.ns[0].line == 7 &&
	   !strcmp(c.ns[1].name, "name=y") && !strcmp(c.ns[1].path, ""),
	   "template skipped and named, namespace read, the group read (%s)",
	   c.nwarnings ? c.warnings[0] : e.msg);
	ctk_cgconfig_free(&c);
	ok(parse(conf("namespace {\n\tcpu = a/../../x;\n}\n"), &e) == -EINVAL &&
	   strstr(e.msg, "line 2: group 'a/../../x': '.' and '..' are refused"),
	   "a namespace path with '..': %s", e.msg);
	/* libcgroup 3.1's systemd section: the scope's cgroup path from its
	 * slice, setdefault as the v2 namespace, pid skipped and said */
	ok(ctk_cgconfig_parse(conf("systemd {\n\tslice = db-a.slice;\n"
				   "\tscope = x.scope;\n\tsetdefault = yes;\n"
				   "\tpid = 3456;\n}\nsystemd {\n\tslice = "
				   "-.slice;\n\tscope = y.scope;\n}\n"),
			      &c, &e) == 0 && c.nscopes == 2 &&
	   !strcmp(c.scopes[0].cpath, "db.slice/db-a.slice/x.scope") &&
	   c.scopes[0].setdefault && c.scopes[0].line == 1 &&
	   !strcmp(c.scopes[1].cpath, "y.scope") && !c.scopes[1].setdefault &&
	   c.nns == 1 && !strcmp(c.ns[0].name, "unified") &&
	   !strcmp(c.ns[0].path, "db.slice/db-a.slice/x.scope") &&
	   c.nwarnings == 1 && strstr(c.warnings[0], "line 5: systemd: pid "
				      "skipped"),
	   "systemd sections: the scopes, the default, pid said (%s)",
	   c.nscopes ? c.scopes[0].cpath : e.msg);
	ctk_cgconfig_free(&c);
	ok(parse(conf("systemd {\n\tslice = a.slice;\n}\n"), &e) == -EINVAL &&
	   strstr(e.msg, "line 1: systemd: a slice and a scope are needed"),
	   "a systemd section without a scope: %s", e.msg);
	ok(parse(conf("systemd {\n\tslice = a;\n\tscope = x.scope;\n}\n"),
		 &e) == -EINVAL && strstr(e.msg, "not a slice's name"),
	   "a slice not named as one: %s", e.msg);
	ok(parse(conf("systemd {\n\tslice = a.slice;\n\tscope = ../x.scope;"
		      "\n}\n"), &e) == -EINVAL &&
	   strstr(e.msg, "line 1: systemd: "),
	   "a scope name with a slash: %s", e.msg);
	ok(parse(conf("systemd {\n\tslice = a.slice;\n\tscope = x.scope;\n"
		      "\tsetdefault = yes;\n}\nsystemd {\n\tslice = b.slice;"
		      "\n\tscope = y.scope;\n\tsetdefault = yes;\n}\n"), &e) ==
	   -EINVAL && strstr(e.msg, "line 6: systemd: a second default scope "
			     "(line 1 has one)"), "two default scopes: %s", e.msg);
	ok(parse(conf("systemd {\n\tslice = a.slice;\n\tscope = x.scope;\n"
		      "\tdelegate = yes;\n}\n"), &e) == -EINVAL &&
	   strstr(e.msg, "line 4: systemd: 'delegate': slice, scope, setdefault "
		  "or pid expected"), "an unknown key: %s", e.msg);
	ok(parse(conf("template t {\n\tcpu {\n"), &e) < 0 &&
	   strstr(e.msg, "not closed"), "a template not closed: %s", e.msg);
	ok(parse(conf("group x {\n}\n"), &e) < 0 &&
	   strstr(e.msg, "names no hierarchy"), "a group of no hierarchy");
	ok(parse(conf("group x { cpu { tasks = 1; } }\n"), &e) < 0 &&
	   strstr(e.msg, "not a value"), "a task file is no value: %s", e.msg);
	ok(parse(conf("group x { perm { task { dperm = 755; } } cpu { } }\n"),
		 &e) < 0 && strstr(e.msg, "not for task"), "dperm in task");
	ok(parse(conf("group x { perm { admin { uid = nosuchuser-x; } } "
		      "cpu { } }\n"), &e) < 0 && strstr(e.msg, "no such user"),
	   "an unknown user");
	ok(parse(conf("group x { perm { admin { uid = +5; } } cpu { } }\n"),
		 &e) < 0 && strstr(e.msg, "no such user '+5'"),
	   "a signed uid is no user (one parser, ctk/ids.h): %s", e.msg);
	ok(parse(conf("group x { perm { task { gid = 77; } } cpu { } }\n"),
		 &e) == 0, "a gid by number");
	ok(parse(conf("group x { cpu { a.b = 1 } }\n"), &e) < 0 &&
	   strstr(e.msg, "';' expected"), "a missing ';': %s", e.msg);
	ok(parse(conf("group x { cpu { ctk.notify_on_release = 2; } }\n"),
		 &e) < 0, "the mark takes 0 or 1");

	/* a directory: every *.conf, in name order */
	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof(path), "%s/b.conf", dir);
	rename(conf("group b { cpu { } }\n"), path);
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	rename(conf("group a { cpu { } }\n"), path);
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	rename(conf("junk\n"), path);
	ok(ctk_cgconfig_parse_path(dir, &c, &e) == 0 && c.n == 2 &&
	   !strcmp(c.groups[0].name, "a") && !strcmp(c.groups[1].name, "b"),
	   "a directory's *.conf in name order, nothing else (%s)", e.msg);
	ctk_cgconfig_free(&c);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.conf", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/b.conf", dir);
	unlink(path);
	rmdir(dir);
	unlink(tmpl);
	return tap_done();
}
