/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec parser and resolver, hostile input included. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctk/spec.h"
#include "../../libcommon/internal.h"
#include "tap.h"

static void norm(const char *in, const char *want)
{
	struct ctk_err e = { 0 };
	char *out = NULL;
	int rc = ctk_cpath_normalize(in, &out, &e);

	if (want) {
		ok(rc == 0, "normalize '%s' succeeds", in);
		is_str(out, want, "normalize '%s'", in);
	} else {
		ok(rc < 0 && e.msg[0], "normalize refuses '%s' (%s)", in,
		   e.msg);
	}
	free(out);
}

static void parse_fail(const char *in, const char *label, const char *msgpart)
{
	struct ctk_spec s;
	struct ctk_err e = { 0 };
	int rc = ctk_spec_parse(in, &s, &e);

	ok(rc < 0, "parse refuses %s", label);
	ok(strstr(e.msg, msgpart) != NULL, "message for %s names the reason "
	   "('%s' in '%s')", label, msgpart, e.msg);
	if (rc == 0)
		ctk_spec_free(&s);
}

/* Whether @s, from @from for @n bytes, is @unit repeated (no piece of
 * one). */
static bool repeats(const char *s, size_t n, const char *unit)
{
	size_t u = strlen(unit);

	if (n % u)
		return false;
	for (size_t i = 0; i < n; i += u)
		if (memcmp(s + i, unit, u))
			return false;
	return true;
}

/* Whether @s is "UNIT...UNIT...": both sides of the cut whole units. */
static bool cut_whole(const char *s, const char *unit)
{
	const char *dots = strstr(s, "...");

	return dots && dots > s && repeats(s, (size_t)(dots - s), unit) &&
	       repeats(dots + 3, strlen(dots + 3), unit);
}

/* What is too long gives way in its middle, between characters: a long
 * detail keeps its end (the reason), a cut never splits a UTF-8 sequence
 * or a \xNN. */
static void long_parts(void)
{
	struct ctk_err e = { 0 };
	char tok[2000], obj[803], text[200];

	memset(tok, 'x', sizeof(tok) - 1);
	tok[sizeof(tok) - 1] = '\0';
	ctk_err_setx(&e, EINVAL, "line 3: %s: a mode is octal", tok);
	ok(strlen(e.msg) == sizeof(e.msg) - 1 && !strncmp(e.msg, "line 3: xx", 10) &&
	   strstr(e.msg, "x...x") &&
	   !strcmp(e.msg + strlen(e.msg) - 17, ": a mode is octal"),
	   "a detail longer than its record keeps its start and its end, "
	   "the reason ('%.12s...%s')", e.msg, e.msg + strlen(e.msg) - 17);
	/* "é" x 400, then "a" + that + "b": the plain cut points fall
	 * between the two bytes of an é in the second */
	for (int odd = 0; odd < 2; odd++) {
		char *p = obj;
		size_t len;

		if (odd)
			*p++ = 'a';
		for (size_t i = 0; i < 400; i++, p += 2)
			memcpy(p, "\xc3\xa9", 2);	/* é */
		if (odd)
			*p++ = 'b';
		*p = '\0';
		ctk_err_atx(&e, EINVAL, obj, "bad");
		len = strlen(e.object);
		if (odd && len > 2 && e.object[0] == 'a' &&
		    e.object[len - 1] == 'b') {
			memmove(e.object, e.object + 1, len - 2);
			e.object[len - 2] = '\0';
		}
		ok(cut_whole(e.object, "\xc3\xa9"), "an object of 2-byte "
		   "characters is cut between characters (%s)",
		   odd ? "odd offsets" : "even offsets");
	}
	for (size_t i = 0; i < 200; i++)
		obj[i] = '\x01';
	obj[200] = '\0';
	for (size_t size = 120; size < 124; size++) {
		char *colon;

		ctk_err_atx(&e, EINVAL, obj, "bad");
		ctk_err_text(&e, text, size);
		colon = strstr(text, ": bad");
		ok(colon && !colon[5], "a cut object keeps the reason whole "
		   "(%zu bytes)", size);
		if (colon)
			*colon = '\0';
		ok(cut_whole(text, "\\x01"), "the printed object is cut "
		   "between its \\xNN, never inside one (%zu bytes: '%s')",
		   size, text);
	}
}

/* The error record: data (code, kind, object, detail), composed in one
 * place; setx marks the whole reason, prefix keeps the reason, a long
 * object gives way to it. */
static void error_record(void)
{
	struct ctk_err e = { 0 };
	char longer[700], text[1024], path[1100];

	is_int(ctk_err_set(&e, -EACCES, "cannot open"), -EACCES,
	       "ctk_err_set returns -code, whatever the sign given");
	ok(e.code == EACCES && e.kind == CTK_ERR_SYS && !e.object[0],
	   "ctk_err_set: the errno text counts");
	is_str(ctk_err_text(&e, text, sizeof(text)),
	       "cannot open: Permission denied", "composed: detail, errno text");
	/* no words are compared: the rule is the kind's alone */
	ctk_err_set(&e, ENOENT, "no such file or directory");
	is_str(ctk_err_text(&e, text, sizeof(text)), "no such file or directory"
	       ": No such file or directory", "a SYS record always gets the "
	       "errno text (what says it already is setx's)");
	is_int(ctk_err_setx(&e, EINVAL, "line %d: unclosed quote", 3), -EINVAL,
	       "ctk_err_setx returns -code");
	ok(e.kind == CTK_ERR_WHOLE, "ctk_err_setx: the message is the whole "
	   "reason");
	is_str(e.msg, "line 3: unclosed quote", "ctk_err_setx formats");
	is_str(ctk_err_text(&e, text, sizeof(text)), "line 3: unclosed quote",
	       "composed: no errno text");
	ctk_err_prefix(&e, "%s", "x.conf");
	is_str(e.msg, "x.conf: line 3: unclosed quote",
	       "ctk_err_prefix puts context before the reason");
	ok(e.kind == CTK_ERR_WHOLE && e.code == EINVAL,
	   "ctk_err_prefix keeps code and kind");
	memset(longer, 'c', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ctk_err_setx(&e, EIO, "the reason");
	ctk_err_prefix(&e, "%s", longer);
	ok(strlen(e.msg) < sizeof(e.msg) && strlen(e.msg) < strlen(longer) &&
	   !strcmp(e.msg + strlen(e.msg) - 12, ": the reason"),
	   "a long context is cut, the reason survives ('%.20s...')", e.msg);
	ctk_err_set(&e, EIO, "%s", longer);
	ctk_err_prefix(&e, "ctx");
	ok(!strncmp(e.msg, "ccc", 3), "a reason that fills the record keeps "
	   "its place: no context");
	/* an object as data: a path of 1000 bytes cannot push out the reason */
	strcpy(path, "/nonexistent/");
	memset(path + 13, 'a', 1000);
	strcpy(path + 1013, "/end");
	ctk_err_at(&e, ENOENT, path, "cannot open");
	ok(strlen(e.object) < sizeof(e.object) && !strncmp(e.object,
	   "/nonexistent/", 13) && strstr(e.object, "...") &&
	   !strcmp(e.object + strlen(e.object) - 4, "/end"),
	   "the object is kept cut in its middle: its start and its end");
	ctk_err_text(&e, text, 200);
	ok(strlen(text) == 199 && !strncmp(text, "/nonexistent/aaa", 16) &&
	   !strcmp(text + strlen(text) - 40,
		   ": cannot open: No such file or directory"),
	   "in 200 bytes, the object gives way and the reason is whole "
	   "('%.24s...%s')", text, text + strlen(text) - 44);
	ctk_err_at(&e, ENOENT, "/etc/x.conf", NULL);
	is_str(ctk_err_text(&e, text, sizeof(text)), "/etc/x.conf: No such "
	       "file or directory", "an object and the errno text alone");
	ctk_err_atx(&e, EINVAL, "a\nb", "line %d: bad", 2);
	is_str(ctk_err_text(&e, text, sizeof(text)), "a\\x0ab: line 2: bad",
	       "the object is printed safe");
	is_int(ctk_err_set(NULL, ENOMEM, "out of memory"), -ENOMEM,
	       "a NULL record is allowed");
	ctk_err_in(&e, ENOENT, "/", "x", "cannot open");
	is_str(ctk_err_text(&e, text, sizeof(text)), "/x: cannot open: No such "
	       "file or directory", "ctk_err_in: an entry of / is /NAME");
	ctk_err_in(&e, EACCES, "/a/b", "c\n", NULL);
	is_str(ctk_err_text(&e, text, sizeof(text)), "/a/b/c\\x0a: Permission "
	       "denied", "ctk_err_in: DIR/NAME, printed safe");
	long_parts();
	/* the operations' words: a fixed table says whether the errno's
	 * text follows them */
	is_str(ctk_strerror(CTK_OP_OPEN, ENOENT, text, sizeof(text)),
	       "no such container", "open ENOENT: the words alone");
	is_str(ctk_strerror(CTK_OP_RMDIR, EBUSY, text, sizeof(text)),
	       "container still has processes or children: Device or "
	       "resource busy", "rmdir EBUSY: the words, then the errno's");
	is_str(ctk_strerror(CTK_OP_OPEN, EIO, text, sizeof(text)),
	       "Input/output error", "no words: the errno's alone");
}

int main(void)
{
	struct ctk_hierarchies h;
	struct ctk_err e = { 0 };
	struct ctk_target t;
	struct ctk_spec s;
	char big[6000], buf[512];

	error_record();

	/* normalisation */
	norm("/", "/");
	norm("", "/");
	norm("a/b", "/a/b");
	norm("//a///b//", "/a/b");
	norm("/a/./b/.", "/a/b");
	norm("/a/b/../c", "/a/c");
	norm("/a/..", "/");
	norm("..", NULL);
	norm("/../..", NULL);
	norm("a/../../b", NULL);
	norm("/a/\nb", NULL);
	norm("/a/b\x7f", NULL);
	norm("/caf\xc3\xa9/\xff\xfe", "/caf\xc3\xa9/\xff\xfe");
	memset(big, 'a', 300);
	big[300] = '\0';
	norm(big, NULL);		/* one name over 255 bytes */
	memset(big, 'a', 5000);
	big[5000] = '\0';
	for (int i = 100; i < 5000; i += 101)
		big[i] = '/';
	norm(big, NULL);		/* 5000 bytes in all */

	/* forms */
	ok(ctk_spec_parse("cpuacct,cpu:/a/b", &s, &e) == 0, "ctrl spec");
	ok(s.kind == CTK_SPEC_V1, "ctrl spec is v1");
	is_str(s.controllers, "cpu,cpuacct", "controllers sorted");
	is_str(s.path, "/a/b", "ctrl spec path");
	ctk_spec_free(&s);
	ok(ctk_spec_parse("name=ctk-test:a", &s, &e) == 0, "name spec");
	is_str(s.name, "ctk-test", "name");
	ok(s.controllers == NULL, "name spec has no controllers");
	is_str(s.path, "/a", "name spec path gets its '/'");
	ctk_spec_free(&s);
	ok(ctk_spec_parse("name=x,cpu:/", &s, &e) == 0, "name+ctrl spec");
	is_str(s.name, "x", "name+ctrl name");
	is_str(s.controllers, "cpu", "name+ctrl controllers");
	ctk_spec_free(&s);
	ok(ctk_spec_parse(":/a", &s, &e) == 0 && s.kind == CTK_SPEC_V2,
	   "v2 spec");
	ctk_spec_free(&s);
	ok(ctk_spec_parse("/sys/fs/cgroup/cpu/x/../y", &s, &e) == 0 &&
	   s.kind == CTK_SPEC_PATH, "path spec");
	is_str(s.path, "/sys/fs/cgroup/cpu/y", "path spec normalised");
	ctk_spec_free(&s);

	parse_fail("", "an empty spec", "empty");
	parse_fail("name=:/a", "an empty name", "invalid hierarchy name");
	parse_fail("name=a/b:/x", "a name with '/'", "invalid hierarchy name");
	parse_fail("name=x,name=y:/", "two names", "twice");
	parse_fail("cpu,cpu:/", "a repeated controller", "twice");
	parse_fail("CPU:/", "a bad controller name", "invalid controller");
	parse_fail(",:/", "nothing before ':'", "no controller");
	parse_fail("name=x:/../..", "'/../..'", "above the hierarchy root");
	parse_fail(":a/../../b", "'a/../../b'", "above the hierarchy root");
	parse_fail(":/a\nb", "a newline", "control character");
	memset(big, 'b', 5000);
	big[0] = ':';
	big[5000] = '\0';
	parse_fail(big, "5000 bytes", "longer than");

	/* resolution against a fixture */
	ok(ctk_hierarchy_load(&h, fixture("mountinfo-v1v2"), NULL, &e) == 0,
	   "fixture loads (%s)", e.msg);
	ok(ctk_target_from_string("cpuacct,cpu:/a/b", &h, &t, &e) == 0,
	   "cpu,cpuacct resolves");
	is_str(t.hier ? t.hier->target : NULL, "/sys/fs/cgroup/cpu,cpuacct",
	       "to its mount");
	is_str(t.rel, "a/b", "relative path");
	ctk_target_format(&t, buf, sizeof(buf));
	is_str(buf, "cpu,cpuacct:/a/b", "formatted");
	ctk_target_free(&t);

	ok(ctk_target_from_string("/sys/fs/cgroup/cpu,cpuacct/x/y", &h, &t,
				  &e) == 0, "fs path resolves");
	is_str(t.cpath, "/x/y", "fs path cpath");
	ctk_target_free(&t);
	ok(ctk_target_from_string("/sys/fs/cgroup/cpu,cpuacct", &h, &t, &e) ==
	   0, "mount point itself resolves");
	is_str(t.rel, ".", "to the root");
	is_str(t.cpath, "/", "cpath of the root");
	ctk_target_free(&t);
	ok(ctk_target_from_string("/sys/fs/cgroup/cpu,cpuacctX/a", &h, &t,
				  &e) < 0, "a sibling prefix is no match");
	ok(ctk_target_from_string("/etc/passwd", &h, &t, &e) < 0 &&
	   strstr(e.msg, "not inside"), "outside any hierarchy: %s", e.msg);
	ok(ctk_target_from_string("/sys/fs/cgroup/memory/../../../etc", &h,
				  &t, &e) < 0, "'..' out of a mount");
	ok(ctk_target_from_string(":/u", &h, &t, &e) == 0, "v2 resolves");
	is_str(t.hier ? t.hier->target : NULL, "/sys/fs/cgroup/unified",
	       "v2 mount");
	ctk_target_free(&t);
	ok(ctk_target_from_string("name=nosuch:/", &h, &t, &e) < 0 &&
	   strstr(e.msg, "no such hierarchy"), "unknown name: %s", e.msg);
	ok(ctk_target_from_string("name=systemd:/init.scope", &h, &t, &e) == 0,
	   "named hierarchy");
	is_str(t.rel, "init.scope", "named rel");
	ctk_target_free(&t);
	/* a mount whose root is a subtree */
	ok(ctk_target_from_string("name=sub:/deep/x", &h, &t, &e) == 0,
	   "bind mount of a subtree");
	is_str(t.rel, "x", "relative to that mount's root");
	ctk_target_free(&t);
	ok(ctk_target_from_string("name=sub:/other", &h, &t, &e) < 0,
	   "a path outside the mounted subtree: %s", e.msg);
	/* paths below a target, relative to its mount */
	ok(ctk_target_from_string("name=systemd:/", &h, &t, &e) == 0, "root");
	{
		char *r1 = ctk_target_rel_below(&t, "/");
		char *r2 = ctk_target_rel_below(&t, "/a/b");

		is_str(r1, ".", "the root itself is '.'");
		is_str(r2, "a/b", "below the root");
		free(r1);
		free(r2);
	}
	ctk_target_free(&t);
	ok(ctk_target_from_string("name=sub:/deep/x", &h, &t, &e) == 0,
	   "a target in a bind-mounted subtree");
	{
		char *r1 = ctk_target_rel_below(&t, "/deep/x");
		char *r2 = ctk_target_rel_below(&t, "/deep/x/y/z");

		is_str(r1, "x", "the target itself");
		is_str(r2, "x/y/z", "below it, relative to that mount");
		free(r1);
		free(r2);
	}
	ctk_target_free(&t);
	/* child targets */
	ok(ctk_target_from_string("name=systemd:/", &h, &t, &e) == 0, "root");
	{
		struct ctk_target c;

		ok(ctk_target_child(&t, "kid", &c) == 0, "child of root");
		is_str(c.cpath, "/kid", "child cpath");
		is_str(c.rel, "kid", "child rel");
		ctk_target_free(&c);
		ok(ctk_target_child(&t, "..", &c) < 0, "child '..' refused");
		ok(ctk_target_child(&t, "a/b", &c) < 0, "child 'a/b' refused");
	}
	ctk_target_free(&t);
	ctk_hierarchy_free(&h);
	return tap_done();
}
