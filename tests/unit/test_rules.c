/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgrules.conf: parsing, matching, templates, and what a template refuses. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		{ "root:\"a b cpu /a\n", "a quote not closed" },
		{ "root cpu /a\\\n", "a '\\' at the end" },
		{ "root cpu /a\\\x01\n", "control character" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(ctk_rules_parse(bad[i].text, &r, &e) < 0 &&
		   strstr(e.msg, bad[i].why), "refused: %s", e.msg);

	/* libcgroup 3's words: a quoted process name, options as a list;
	 * an option ctk does not know skips its rule, not the file */
	ok(ctk_rules_parse("root:\"my prog\" cpu /q ignore_rt\n"
			   "root cpu /a nope\n"
			   "root cpu /b ignore,ignore_rt\n", &r, &e) == 0 &&
	   r.n == 3, "quotes, ignore_rt, an unknown option: parsed (%s)",
	   r.n ? "" : e.msg);
	ok(r.n == 3 && r.v[0].ignore_rt && !r.v[0].ignore && !r.v[0].skip,
	   "ignore_rt");
	ok(r.n == 3 && r.v[1].skip && r.nwarnings == 1 &&
	   strstr(r.warnings[0], "line 2: unknown option 'nope'"),
	   "an unknown option: the rule skipped, said: %s",
	   r.nwarnings ? r.warnings[0] : "");
	ok(r.n == 3 && r.v[2].ignore && r.v[2].ignore_rt, "a list");
	id = proc(0, 0, "/usr/bin/my prog");
	is_int(ctk_rules_match(&r, &id), 0, "a quoted name with a blank");
	ctk_rules_free(&r);

	/* FILE.conf, then FILE.d/ *.conf in name order (cgrules.d) */
	{
		char dir[] = "/tmp/ctk-rules-XXXXXX", path[300], sub[300];
		FILE *f;

		if (!mkdtemp(dir))
			return 99;
		snprintf(path, sizeof(path), "%s/cgrules.conf", dir);
		snprintf(sub, sizeof(sub), "%s/cgrules.d", dir);
		f = fopen(path, "w");
		fputs("root cpu /main\n", f);
		fclose(f);
		mkdir(sub, 0755);
		snprintf(sub, sizeof(sub), "%s/cgrules.d/b.conf", dir);
		f = fopen(sub, "w");
		fputs("nobody cpu /b\nnosuchuser-x cpu /c\n", f);
		fclose(f);
		snprintf(sub, sizeof(sub), "%s/cgrules.d/a.conf", dir);
		f = fopen(sub, "w");
		fputs("% cpu /nope\n", f);
		fclose(f);
		ok(ctk_rules_load(path, &r, &e) < 0 &&
		   strstr(e.msg, "a.conf: line 1: '%' continues a rule"),
		   "a .d file's '%%' continues none of another file's: %s",
		   e.msg);
		f = fopen(sub, "w");
		fputs("root mem /a\n", f);
		fclose(f);
		ok(ctk_rules_load(path, &r, &e) == 0 && r.n == 4,
		   "the file, then its .d in name order (%s)", e.msg);
		ok(r.n == 4 && !r.v[0].file && r.v[1].file &&
		   strstr(r.v[1].file, "cgrules.d/a.conf") &&
		   !strcmp(r.v[1].dest, "/a") && !strcmp(r.v[2].dest, "/b"),
		   "each rule knows its file");
		ok(r.nwarnings == 1 && strstr(r.warnings[0], "b.conf: line 2: "
					       "no such user"),
		   "a warning names its file: %s",
		   r.nwarnings ? r.warnings[0] : "");
		ctk_rules_free(&r);
		unlink(sub);
		snprintf(sub, sizeof(sub), "%s/cgrules.d/b.conf", dir);
		unlink(sub);
		snprintf(sub, sizeof(sub), "%s/cgrules.d", dir);
		rmdir(sub);
		unlink(path);
		rmdir(dir);
	}

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
