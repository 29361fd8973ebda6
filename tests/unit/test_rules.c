/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgrules.conf: parsing, matching, templates, and what a template refuses. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sys/stat.h>

#include "ctk/rules.h"
#include "tap.h"

static struct ctk_proc_id proc(uid_t euid, gid_t egid, const char *exe)
{
	struct ctk_proc_id id;
	struct stat st;

	memset(&id, 0, sizeof(id));
	id.pid = 4242;
	id.euid = euid;
	id.egid = egid;
	snprintf(id.exe, sizeof(id.exe), "%s", exe);
	snprintf(id.comm, sizeof(id.comm), "%.15s", strrchr(exe, '/') + 1);
	/* what runs is a file: its identity, where it exists here */
	if (stat(exe, &st) == 0) {
		id.have_ino = true;
		id.exe_dev = st.st_dev;
		id.exe_ino = st.st_ino;
	}
	return id;
}

int main(void)
{
	struct ctk_rules r;
	struct ctk_err e = { 0 };
	struct ctk_proc_id id;
	char buf[256];
	bool tpl;

	ok(ctk_rules_parse("# comment\n\n"
			   "root:sleep      name=x   /a\n"
			   "%                cpu,memory  /b   ignore\n"
			   "@root            *        /c/%u/%U\n"
			   "*:/usr/bin/env   unified  d/%p-%P   # tail\n"
			   "nosuchuser-x     cpu      /e\n", &r, &e) == 0,
	   "a file parses: %s", e.msg);
	is_int((long long)r.n, 5, "five rules");
	ok(r.n == 5 && r.v[0].who == CTK_RULE_USER && r.v[0].uid == 0 &&
	   !strcmp(r.v[0].proc, "sleep") && !strcmp(r.v[0].ctrls, "name=x"),
	   "user and process");
	ok(r.n == 5 && r.v[1].who == CTK_RULE_SAME && r.v[1].ignore,
	   "'%%' and ignore");
	ok(r.n == 5 && r.v[2].who == CTK_RULE_GROUP && r.v[2].gid == 0,
	   "@group");
	ok(r.n == 5 && r.v[4].skip && r.nwarnings == 1 &&
	   strstr(r.warnings[0], "line 7: no such user 'nosuchuser-x'"),
	   "an unknown user is skipped with a warning: %s",
	   r.nwarnings ? r.warnings[0] : "");

	/* matching: first match wins, '%' lines never match alone */
	id = proc(0, 0, "/usr/bin/sleep");
	is_int(ctk_rules_match(&r, &id), 0, "root's sleep: line 3");
	id = proc(1000, 0, "/usr/bin/sleep");
	is_int(ctk_rules_match(&r, &id), 2, "egid root: the @root rule");
	id = proc(1000, 1000, "/usr/bin/sleep");
	id.groups[0] = 0;
	id.ngroups = 1;
	is_int(ctk_rules_match(&r, &id), 2, "a supplementary group counts");
	id = proc(1000, 1000, "/usr/bin/env");
	is_int(ctk_rules_match(&r, &id), 3, "a full path");
	id = proc(1000, 1000, "/opt/usr/bin/env");
	is_int(ctk_rules_match(&r, &id), -1, "a full path is the whole path");
	id = proc(1000, 1000, "/usr/bin/env");
	id.exe_ino++;
	is_int(ctk_rules_match(&r, &id), -1,
	       "a full path is that file: the same path, another file, no match");
	id = proc(0, 0, "/tmp/x/sleep2");
	is_int(ctk_rules_match(&r, &id), 2, "a name is the whole basename");

	/* templates */
	id = proc(0, 0, "/usr/bin/env");
	ok(ctk_rule_dest(&r.v[2], &id, buf, sizeof(buf), &tpl, &e) == 0 && tpl &&
	   !strcmp(buf, "/c/root/0"), "%%u %%U: %s", buf);
	ok(ctk_rule_dest(&r.v[3], &id, buf, sizeof(buf), &tpl, &e) == 0 &&
	   !strcmp(buf, "d/env-4242"), "%%p %%P: %s", buf);
	ok(ctk_rule_dest(&r.v[0], &id, buf, sizeof(buf), &tpl, &e) == 0 && !tpl,
	   "no template");
	snprintf(id.exe, sizeof(id.exe), "/tmp/..");
	ok(ctk_rule_dest(&r.v[3], &id, buf, sizeof(buf), &tpl, &e) < 0 &&
	   strstr(e.msg, "not a container name"),
	   "a template value of '..' is refused: %s", e.msg);
	id.exe[0] = '\0';
	snprintf(id.comm, sizeof(id.comm), ".");
	ok(ctk_rule_dest(&r.v[3], &id, buf, sizeof(buf), &tpl, &e) < 0,
	   "a process name of '.' is refused");
	ok(ctk_rule_dest(&r.v[3], &id, buf, 4, &tpl, &e) < 0, "too long");
	ctk_rules_free(&r);
	ok(r.n == 0 && !r.v, "freed");

	/* syntax errors fail the whole file, with the line */
	static const struct { const char *text, *why; } bad[] = {
		{ "root\n", "line 1: expected" },
		{ "root cpu /a b c\n", "line 1: expected" },
		{ "% cpu /a\n", "none comes before" },
		{ "root cpu /a\n%:x cpu /b\n", "'%' takes no process name" },
		{ "root: cpu /a\n", "empty process name" },
		{ "root CPU /a\n", "not a controller list" },
		{ "root cpu,*,memory /a\n", "not a controller list" },
		{ "root name=bad/x /a\n", "not a controller list" },
		{ "root cpu /a/%x\n", "is no template" },
		{ "root cpu /a\x01\n", "control character" },
		{ "root cpu /a nope\n", "unknown option" },
		{ "root cpu /a\\\n", "a '\\' at the end" },
		{ "root cpu /a\\\x01\n", "control character" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(ctk_rules_parse(bad[i].text, &r, &e) < 0 &&
		   strstr(e.msg, bad[i].why), "refused: %s", e.msg);

	/* '\' takes the next character as it is (libcgroup's escape) */
	ok(ctk_rules_parse("root cpu /lit\\%root/a\\\\b/%U\n", &r, &e) == 0,
	   "an escaped '%%' and '\\' parse");
	id = proc(0, 0, "/usr/bin/env");
	ok(r.n == 1 && ctk_rule_dest(&r.v[0], &id, buf, sizeof(buf), &tpl,
				     &e) == 0 && !strcmp(buf, "/lit%root/a\\b/0"),
	   "\\%% is a '%%', \\\\ a '\\': %s", buf);
	ctk_rules_free(&r);
	ok(ctk_rules_parse("root cpu /lit\\%u\n", &r, &e) == 0 && r.n == 1 &&
	   ctk_rule_dest(&r.v[0], &id, buf, sizeof(buf), &tpl, &e) == 0 &&
	   !tpl && !strcmp(buf, "/lit%u"), "\\%%u is no template: %s", buf);
	ctk_rules_free(&r);
	return tap_done();
}
