/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgconfig.conf, ctk's own reader and writer. libcgroup 2.0.2's loader
 * created directories outside cgroupfs for names with '..', reported
 * success for some failures, set nothing on cgroup v2 without a
 * controller, and left half a configuration behind when a group failed;
 * here a configuration is one transaction of cmkdir's.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ctk/cgconf.h"
#include "ctk/ids.h"
#include "ctk/systemd.h"
#include "ctk/path.h"
#include "ctk/container.h"
#include "ctk/tree.h"
#include "internal.h"

#define CGCONF_LINE_MAX	4096
#define CGCONF_WORD_MAX	1023
#define CGCONF_BYTES_MAX	(4 << 20)
#define NOTIFY_KEY	"ctk.notify_on_release"

/* ---- tokens -------------------------------------------------------------- */

enum tok_kind { T_END, T_WORD, T_LBRACE, T_RBRACE, T_SEMI, T_EQ };

struct lexer {
	const char *p, *end;
	int line;
	char word[CGCONF_WORD_MAX + 1];
	enum tok_kind kind;
	bool quoted;
};

static int lex(struct lexer *lx, struct ctk_err *e)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' ||
					   *lx->p == '\r'))
			lx->p++;
		if (lx->p == lx->end) {
			lx->kind = T_END;
			return 0;
		}
		if (*lx->p == '\n') {
			lx->p++;
			lx->line++;
			continue;
		}
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	lx->quoted = false;
	switch (*lx->p) {
	case '{': lx->kind = T_LBRACE; lx->p++; return 0;
	case '}': lx->kind = T_RBRACE; lx->p++; return 0;
	case ';': lx->kind = T_SEMI; lx->p++; return 0;
	case '=': lx->kind = T_EQ; lx->p++; return 0;
	}
	{
		const char *start = lx->p, *stop;
		size_t len;

		if (*lx->p == '"') {
			start++;
			stop = start;
			while (stop < lx->end && *stop != '"' && *stop != '\n')
				stop++;
			if (stop == lx->end || *stop != '"')
				return ctk_err_setx(e, EINVAL, "line %d: a quote "
						    "not closed on its line",
						    lx->line);
			lx->p = stop + 1;
			lx->quoted = true;
		} else {
			stop = start;
			while (stop < lx->end && !strchr(" \t\r\n{};=#\"",
							 *stop))
				stop++;
			lx->p = stop;
		}
		len = (size_t)(stop - start);
		if (len > CGCONF_WORD_MAX)
			return ctk_err_setx(e, E2BIG, "line %d: a word longer "
					    "than %d bytes: refused", lx->line,
					    CGCONF_WORD_MAX);
		memcpy(lx->word, start, len);
		lx->word[len] = '\0';
		lx->kind = T_WORD;
	}
	return 0;
}

static const char *tok_name(enum tok_kind k)
{
	static const char *const names[] = { "the end", "a word", "'{'",
					     "'}'", "';'", "'='" };

	return names[k];
}

/* The next token, which must be @want. */
static int expect(struct lexer *lx, enum tok_kind want, const char *after,
		  struct ctk_err *e)
{
	int rc = lex(lx, e);

	if (rc)
		return rc;
	if (lx->kind != want)
		return ctk_err_setx(e, EINVAL, "line %d: %s expected after %s, "
				    "not %s", lx->line, tok_name(want), after,
				    tok_name(lx->kind));
	return 0;
}

/*
 * An unexpected word, as an error shows it: in quotes when it looks like a
 * word of the format (a name, a number), else only "a word". A file that
 * is no cgconfig file (a symlink to /etc/shadow) must not have its first
 * line printed.
 */
static const char *shown(const char *w, char buf[40])
{
	size_t len = strlen(w);

	if (!len || len > 32 || w[strspn(w, "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789._-")])
		return "a word";
	snprintf(buf, 40, "'%s'", w);
	return buf;
}

/* ---- sections ------------------------------------------------------------ */

static int check_group_name(const char *name, int line, struct ctk_err *e)
{
	const char *p = name;

	if (!strcmp(name, "."))
		return 0;	/* the hierarchy root */
	if (!*name)
		return ctk_err_setx(e, EINVAL, "line %d: an empty group name",
				    line);
	if (*name == '/')
		return ctk_err_setx(e, EINVAL, "line %d: group '%.64s': absolute "
				    "names are refused", line, name);
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ctk_err_setx(e, EINVAL, "line %d: control "
					    "character in a group name", line);
	for (p = name; *p;) {
		size_t len = strcspn(p, "/");

		if ((len == 2 && !strncmp(p, "..", 2)) ||
		    (len == 1 && *p == '.'))
			return ctk_err_setx(e, EINVAL, "line %d: group '%.64s': "
					    "'.' and '..' are refused (only "
					    "'group .', the root)", line, name);
		if (len > CTK_CNAME_MAX)
			return ctk_err_setx(e, EINVAL, "line %d: a name longer "
					    "than %d bytes", line,
					    CTK_CNAME_MAX);
		p += len;
		while (*p == '/')
			p++;
	}
	return 0;
}

static int parse_mode(const char *w, int line, mode_t *m, struct ctk_err *e)
{
	char q[40];
	char *end;
	unsigned long v = strtoul(w, &end, 8);

	if (!*w || *end || v > 07777)
		return ctk_err_setx(e, EINVAL, "line %d: %s: a mode is octal, "
				    "up to 07777", line, shown(w, q));
	*m = (mode_t)v;
	return 0;
}

static int parse_uid(const char *w, int line, uid_t *u, struct ctk_err *e)
{
	if (ctk_parse_uid(w, u))
		return ctk_err_setx(e, ENOENT, "line %d: no such user '%.64s'",
				    line, w);
	return 0;
}

static int parse_gid(const char *w, int line, gid_t *g, struct ctk_err *e)
{
	if (ctk_parse_gid(w, g))
		return ctk_err_setx(e, ENOENT, "line %d: no such group '%.64s'",
				    line, w);
	return 0;
}

/* KEY = VALUE; ... } : @fn takes each pair. */
typedef int (*pair_fn)(void *arg, const char *key, const char *value,
		       int line, struct ctk_err *e);

static int parse_pairs(struct lexer *lx, pair_fn fn, void *arg,
		       struct ctk_err *e)
{
	for (;;) {
		char key[CGCONF_WORD_MAX + 1];
		int line, rc = lex(lx, e);

		if (rc)
			return rc;
		if (lx->kind == T_RBRACE)
			return 0;
		if (lx->kind != T_WORD)
			return ctk_err_setx(e, EINVAL, "line %d: a name expected, "
					    "not %s", lx->line,
					    tok_name(lx->kind));
		snprintf(key, sizeof(key), "%s", lx->word);
		line = lx->line;
		rc = expect(lx, T_EQ, key, e);
		if (!rc)
			rc = expect(lx, T_WORD, "'='", e);
		if (!rc)
			rc = fn(arg, key, lx->word, line, e);
		if (!rc)
			rc = expect(lx, T_SEMI, "a value", e);
		if (rc)
			return rc;
	}
}

struct perm_arg {
	struct ctk_cgc_perm *p;
	bool task;
};

static int perm_pair(void *arg, const char *key, const char *value, int line,
		     struct ctk_err *e)
{
	struct perm_arg *a = arg;
	struct ctk_cgc_perm *p = a->p;
	char q[40];

	if (!strcmp(key, "uid"))
		return parse_uid(value, line, a->task ? &p->task_uid : &p->uid,
				 e);
	if (!strcmp(key, "gid"))
		return parse_gid(value, line, a->task ? &p->task_gid : &p->gid,
				 e);
	if (!strcmp(key, "fperm")) {
		if (a->task)
			p->set_task_file_mode = true;
		else
			p->set_file_mode = true;
		return parse_mode(value, line, a->task ? &p->task_file_mode :
				  &p->file_mode, e);
	}
	if (!strcmp(key, "dperm") && !a->task) {
		p->set_dir_mode = true;
		return parse_mode(value, line, &p->dir_mode, e);
	}
	return ctk_err_setx(e, EINVAL, "line %d: %s is not for %s (uid, "
			    "gid, fperm%s)", line, shown(key, q), a->task ? "task" :
			    "admin", a->task ? "" : ", dperm");
}

static void perm_init(struct ctk_cgc_perm *p)
{
	memset(p, 0, sizeof(*p));
	p->uid = p->task_uid = (uid_t)-1;
	p->gid = p->task_gid = (gid_t)-1;
}

/* What @p leaves unset, taken from @from (a default section): libcgroup
 * starts each group from the defaults and its perm section overrides
 * what it names, field by field. */
static void perm_fill(struct ctk_cgc_perm *p, const struct ctk_cgc_perm *from)
{
	if (!from->given)
		return;
	p->given = true;
	if (p->uid == (uid_t)-1)
		p->uid = from->uid;
	if (p->gid == (gid_t)-1)
		p->gid = from->gid;
	if (p->task_uid == (uid_t)-1)
		p->task_uid = from->task_uid;
	if (p->task_gid == (gid_t)-1)
		p->task_gid = from->task_gid;
	if (!p->set_dir_mode && from->set_dir_mode) {
		p->set_dir_mode = true;
		p->dir_mode = from->dir_mode;
	}
	if (!p->set_file_mode && from->set_file_mode) {
		p->set_file_mode = true;
		p->file_mode = from->file_mode;
	}
	if (!p->set_task_file_mode && from->set_task_file_mode) {
		p->set_task_file_mode = true;
		p->task_file_mode = from->task_file_mode;
	}
}

/* perm { task { ... } admin { ... } } */
static int parse_perm(struct lexer *lx, struct ctk_cgc_perm *p,
		      struct ctk_err *e)
{
	int rc = expect(lx, T_LBRACE, "perm", e);

	p->given = true;
	while (!rc) {
		struct perm_arg a = { p, false };

		rc = lex(lx, e);
		if (rc || lx->kind == T_RBRACE)
			return rc;
		if (lx->kind != T_WORD || (strcmp(lx->word, "task") &&
					   strcmp(lx->word, "admin")))
			return ctk_err_setx(e, EINVAL, "line %d: task or admin "
					    "expected in perm", lx->line);
		a.task = !strcmp(lx->word, "task");
		rc = expect(lx, T_LBRACE, a.task ? "task" : "admin", e);
		if (!rc)
			rc = parse_pairs(lx, perm_pair, &a, e);
	}
	return rc;
}

/* "+a +b": words of a '+' and a controller's name */
static bool enable_list_ok(const char *v)
{
	bool any = false;

	for (const char *p = v; *p;) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			break;
		if (*p != '+' || len < 2 || len > 64)
			return false;
		for (size_t i = 1; i < len; i++)
			if (!isalnum((unsigned char)p[i]) && p[i] != '_')
				return false;
		any = true;
		p += len;
	}
	return any;
}

static int block_pair(void *arg, const char *key, const char *value, int line,
		      struct ctk_err *e)
{
	struct ctk_cgc_block *b = arg;

	if (!strcmp(key, NOTIFY_KEY)) {
		if (strcmp(value, "0") && strcmp(value, "1"))
			return ctk_err_setx(e, EINVAL, "line %d: "
					    NOTIFY_KEY " takes 0 or 1", line);
		b->notify = *value == '1';
		return 0;
	}
	if (!strcmp(key, "cgroup.subtree_control")) {
		/* v2, as a snapshot writes it: the controllers to enable
		 * for its children, each "+name" (cmkdir -e's list) */
		if (!enable_list_ok(value))
			return ctk_err_setx(e, EINVAL, "line %d: "
					    "cgroup.subtree_control takes "
					    "\"+controller ...\" (each "
					    "enabled as --enable does)",
					    line);
	} else if (ctk_value_check_name(key, e)) {
		return ctk_err_prefix(e, "line %d", line);
	}
	if (ctk_values_add(&b->values, key, value, false))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	return 0;
}

static int parse_group(struct lexer *lx, struct ctk_cgconfig *c,
		       struct ctk_err *e)
{
	struct ctk_cgc_group *g;
	int line = lx->line, rc = expect(lx, T_WORD, "group", e);

	if (rc)
		return rc;
	rc = check_group_name(lx->word, line, e);
	if (rc)
		return rc;
	if (CTK_GROW(c->groups, c->cap, c->n, 8))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	g = &c->groups[c->n++];
	memset(g, 0, sizeof(*g));
	perm_init(&g->perm);
	g->line = line;
	g->file = c->files[c->nfiles - 1];
	g->name = strdup(lx->word);
	if (!g->name)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	rc = expect(lx, T_LBRACE, "the group name", e);
	while (!rc) {
		struct ctk_cgc_block *b;

		rc = lex(lx, e);
		if (rc)
			return rc;
		if (lx->kind == T_RBRACE)
			break;
		if (lx->kind != T_WORD)
			return ctk_err_setx(e, EINVAL, "line %d: perm or a "
					    "hierarchy expected in group '%.64s'",
					    lx->line, g->name);
		if (!strcmp(lx->word, "perm") && !lx->quoted) {
			rc = parse_perm(lx, &g->perm, e);
			continue;
		}
		if (CTK_GROW(g->blocks, g->capblocks, g->nblocks, 4))
			return ctk_err_setx(e, ENOMEM, "out of memory");
		b = &g->blocks[g->nblocks++];
		memset(b, 0, sizeof(*b));
		b->notify = -1;
		b->line = lx->line;
		b->name = strdup(lx->word);
		if (!b->name)
			return ctk_err_setx(e, ENOMEM, "out of memory");
		rc = expect(lx, T_LBRACE, b->name, e);
		if (!rc)
			rc = parse_pairs(lx, block_pair, b, e);
	}
	if (!rc && !g->nblocks)
		rc = ctk_err_setx(e, EINVAL, "line %d: group '%.64s' names no "
				  "hierarchy", g->line, g->name);
	return rc;
}

static int mount_pair(void *arg, const char *key, const char *value, int line,
		      struct ctk_err *e)
{
	struct ctk_cgconfig *c = arg;

	(void)value;
	(void)line;
	if (CTK_GROW(c->mounts, c->capmounts, c->nmounts, 4))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	c->mounts[c->nmounts] = strdup(key);
	if (!c->mounts[c->nmounts])
		return ctk_err_setx(e, ENOMEM, "out of memory");
	c->nmounts++;
	return 0;
}

static int skip_section(struct lexer *lx, struct ctk_cgconfig *c,
			struct ctk_err *e);

/* namespace { HIERARCHY = PATH; }: the file's groups go below PATH */
static int ns_pair(void *arg, const char *key, const char *value, int line,
		   struct ctk_err *e)
{
	struct ctk_cgconfig *c = arg;
	struct ctk_cgc_ns *n;
	int rc;

	while (*value == '/')
		value++;
	rc = check_group_name(*value ? value : ".", line, e);
	if (rc)
		return rc;
	if (CTK_GROW(c->ns, c->capns, c->nns, 4))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	n = &c->ns[c->nns];
	n->name = strdup(key);
	n->path = strdup(!strcmp(value, ".") ? "" : value);
	n->file = c->files[c->nfiles - 1];
	n->line = line;
	if (!n->name || !n->path) {
		free(n->name);
		free(n->path);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	c->nns++;
	return 0;
}


/* Keep the warning @w (malloc'd; freed here on failure). */
static int add_warning(struct ctk_cgconfig *c, char *w, struct ctk_err *e)
{
	if (CTK_GROW(c->warnings, c->capwarnings, c->nwarnings, 4)) {
		free(w);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	c->warnings[c->nwarnings++] = w;
	return 0;
}

/* systemd { slice = S; scope = N; setdefault = yes; pid = P; } */
struct sd_section {
	char slice[256], scope[256];
	int setdefault;		/* -1 unset */
	bool pid;
	int pid_line;
};

static int sd_pair(void *arg, const char *key, const char *value, int line,
		   struct ctk_err *e)
{
	struct sd_section *s = arg;
	char q[40];

	if (!strcmp(key, "slice") || !strcmp(key, "scope")) {
		char *dst = key[1] == 'l' ? s->slice : s->scope;

		if (strlen(value) >= sizeof(s->slice))
			return ctk_err_setx(e, EINVAL, "line %d: systemd: %s "
					    "too long", line, key);
		snprintf(dst, sizeof(s->slice), "%s", value);
		return 0;
	}
	if (!strcmp(key, "setdefault")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return ctk_err_setx(e, EINVAL, "line %d: systemd: "
					    "setdefault is yes or no", line);
		s->setdefault = !strcmp(value, "yes");
		return 0;
	}
	if (!strcmp(key, "pid")) {
		s->pid = true;
		s->pid_line = line;
		return 0;
	}
	return ctk_err_setx(e, EINVAL, "line %d: systemd: %s: slice, scope, "
			    "setdefault or pid expected", line,
			    shown(key, q));
}

static int parse_systemd(struct lexer *lx, struct ctk_cgconfig *c,
			 struct ctk_err *e)
{
	struct sd_section s = { .setdefault = -1 };
	char path[600], sl[256], un[256], *w;
	struct ctk_cgc_scope *sc;
	const char *file = c->nfiles ? c->files[c->nfiles - 1] : "";
	int line = lx->line, rc = expect(lx, T_LBRACE, "systemd", e);

	if (!rc)
		rc = parse_pairs(lx, sd_pair, &s, e);
	if (rc)
		return rc;
	if (!s.slice[0] || !s.scope[0])
		return ctk_err_setx(e, EINVAL, "line %d: systemd: a slice and "
				    "a scope are needed", line);
	if (ctk_sd_slice_path(s.slice, path, sizeof(path)) ||
	    strlen(path) + strlen(s.scope) + 2 >= sizeof(path))
		return ctk_err_setx(e, EINVAL, "line %d: systemd: slice: not a "
				    "slice's name (NAME.slice)", line);
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "%s%s",
		 path[0] ? "/" : "", s.scope);
	{	/* the scope's names as systemd gives them */
		char abs[sizeof(path) + 1];

		snprintf(abs, sizeof(abs), "/%s", path);
		rc = ctk_sd_scope_names(abs, sl, sizeof(sl), un, sizeof(un), e);
		if (rc)
			return ctk_err_prefix(e, "line %d: systemd", line);
	}
	if (s.setdefault == 1)
		for (size_t i = 0; i < c->nscopes; i++)
			if (c->scopes[i].setdefault &&
			    c->scopes[i].file == file)
				return ctk_err_setx(e, EINVAL, "line %d: "
						    "systemd: a second default "
						    "scope (line %d has one)",
						    line, c->scopes[i].line);
	if (CTK_GROW(c->scopes, c->capscopes, c->nscopes, 2))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	sc = &c->scopes[c->nscopes];
	sc->cpath = strdup(path);
	if (!sc->cpath)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	sc->setdefault = s.setdefault == 1;
	sc->file = file;
	sc->line = line;
	c->nscopes++;
	if (sc->setdefault) {	/* the file's v2 groups below it */
		rc = ns_pair(c, "unified", path, line, e);
		if (rc)
			return rc;
	}
	if (!s.pid)
		return 0;
	if (asprintf(&w, "%s: line %d: systemd: pid skipped: the scope is "
		     "kept by an idle process of its own (move a process "
		     "into it with cattach)", file, s.pid_line) < 0)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	return add_warning(c, w, e);
}

static int parse_text(struct lexer *lx, struct ctk_cgconfig *c,
		      struct ctk_err *e)
{
	char q[40];

	for (;;) {
		int rc = lex(lx, e);

		if (rc)
			return rc;
		if (lx->kind == T_END)
			return 0;
		if (lx->kind != T_WORD)
			return ctk_err_setx(e, EINVAL, "line %d: a section "
					    "expected, not %s", lx->line,
					    tok_name(lx->kind));
		if (!strcmp(lx->word, "group")) {
			rc = parse_group(lx, c, e);
		} else if (!strcmp(lx->word, "default")) {
			rc = expect(lx, T_LBRACE, "default", e);
			while (!rc) {
				rc = lex(lx, e);
				if (rc || lx->kind == T_RBRACE)
					break;
				if (lx->kind != T_WORD || strcmp(lx->word, "perm"))
					return ctk_err_setx(e, EINVAL, "line %d: "
							    "perm expected in "
							    "default", lx->line);
				rc = parse_perm(lx, &c->defaults, e);
			}
		} else if (!strcmp(lx->word, "mount")) {
			rc = expect(lx, T_LBRACE, "mount", e);
			if (!rc)
				rc = parse_pairs(lx, mount_pair, c, e);
		} else if (!strcmp(lx->word, "namespace")) {
			rc = expect(lx, T_LBRACE, "namespace", e);
			if (!rc)
				rc = parse_pairs(lx, ns_pair, c, e);
		} else if (!strcmp(lx->word, "template")) {
			rc = skip_section(lx, c, e);
		} else if (!strcmp(lx->word, "systemd")) {
			rc = parse_systemd(lx, c, e);
		} else {
			return ctk_err_setx(e, EINVAL, "line %d: %s: group, "
					    "default, mount, namespace, "
					    "template or systemd expected",
					    lx->line, shown(lx->word, q));
		}
		if (rc)
			return rc;
	}
}

/*
 * A section ctk does not make (template: a rule makes it): read to its
 * end and named in a warning, so that the rest of the file is loaded
 * (libcgroup's files carry them beside groups that ctk makes).
 */
static int skip_section(struct lexer *lx, struct ctk_cgconfig *c,
			struct ctk_err *e)
{
	char kind[16], name[80], q[40], *w;
	int line = lx->line, depth, rc;
	const char *file = c->nfiles ? c->files[c->nfiles - 1] : "";

	snprintf(kind, sizeof(kind), "%.15s", lx->word);
	if (!strcmp(kind, "template")) {
		rc = lex(lx, e);
		if (rc)
			return rc;
		if (lx->kind != T_WORD)
			return ctk_err_setx(e, EINVAL, "line %d: a template "
					    "name expected", lx->line);
		/* a template's name: a path with %u and the like */
		if (strlen(lx->word) <= 64 &&
		    !lx->word[strspn(lx->word, "abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				     "._-/%")])
			snprintf(name, sizeof(name), "'%s'", lx->word);
		else
			snprintf(name, sizeof(name), "%s", shown(lx->word, q));
	} else {
		name[0] = '\0';
	}
	rc = expect(lx, T_LBRACE, kind, e);
	for (depth = 1; !rc && depth;) {
		rc = lex(lx, e);
		if (rc)
			break;
		if (lx->kind == T_END)
			return ctk_err_setx(e, EINVAL, "line %d: the %s section "
					    "is not closed", line, kind);
		depth += lx->kind == T_LBRACE ? 1 : lx->kind == T_RBRACE ? -1 : 0;
	}
	if (rc)
		return rc;
	if (asprintf(&w, "%s: line %d: %s section%s%s skipped: %s", file,
		     line, kind, *name ? " " : "", name,
		     "cattach --rules makes the containers a cgrules.conf "
		     "template names") < 0)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	return add_warning(c, w, e);
}

int ctk_cgconfig_parse(const char *path, struct ctk_cgconfig *c,
		       struct ctk_err *e)
{
	struct lexer lx = { 0 };
	char *buf, *copy;
	size_t len;
	const char *nl;
	int rc = 0;

	if (!c->nfiles && !c->defaults.given && !c->n)
		perm_init(&c->defaults);
	rc = ctk_read_regular_file(path, CGCONF_BYTES_MAX, &buf, &len, e);
	if (rc)
		return ctk_err_prefix(e, "%s", path);
	copy = strdup(path);
	if (!copy || CTK_GROW(c->files, c->capfiles, c->nfiles, 4)) {
		free(copy);
		free(buf);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	c->files[c->nfiles++] = copy;
	lx.p = buf;
	lx.end = buf + len;
	lx.line = 1;
	/* what cannot be seen whole is refused before any of it is read */
	for (const char *p = buf; !rc && p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (!nl)
			nl = buf + len;
		if (nl - p > CGCONF_LINE_MAX)
			rc = ctk_err_setx(e, E2BIG, "line %d: longer than %d "
					  "bytes: refused", lx.line,
					  CGCONF_LINE_MAX);
		lx.line++;
	}
	lx.line = 1;
	if (!rc)
		rc = parse_text(&lx, c, e);
	free(buf);
	if (rc)
		ctk_err_prefix(e, "%s", path);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ctk_conf_dir_list(const char *path, char ***out, size_t *nout,
		      struct ctk_err *e)
{
	char **names = NULL, obj[PATH_MAX + NAME_MAX + 2];
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	DIR *d;

	*out = NULL;
	*nout = 0;
	d = opendir(path);
	if (!d)
		return ctk_err_at(e, errno, path, "cannot open");
	while (!rc && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat lst, tst;

		if (len < 6 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 5, ".conf"))
			continue;
		/*
		 * What root makes is what root's files say: an entry (or the
		 * file a symlink leads to) that another user owns is refused,
		 * and is never read.
		 */
		if (fstatat(dirfd(d), de->d_name, &lst, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fstatat(dirfd(d), de->d_name, &tst, 0) < 0) {
			rc = ctk_err_in(e, errno, path, de->d_name, NULL);
			break;
		}
		if (!ctk_path_owner_trusted(lst.st_uid) ||
		    !ctk_path_owner_trusted(tst.st_uid)) {
			snprintf(obj, sizeof(obj), "%s/%s", path, de->d_name);
			rc = ctk_err_atx(e, EPERM, obj, "%s another user "
					 "owns: refused",
					  S_ISLNK(lst.st_mode) &&
					  ctk_path_owner_trusted(lst.st_uid) ?
					  "leads to a file" : "a file");
			break;
		}
		if (CTK_GROW(names, cap, n, 8) ||
		    asprintf(&names[n], "%s/%s", path, de->d_name) < 0)
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
		else
			n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	*out = names;
	*nout = n;
	return 0;
}

int ctk_cgconfig_parse_path(const char *path, struct ctk_cgconfig *c,
			    struct ctk_err *e)
{
	char **names;
	size_t n;
	struct stat st;
	int rc;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return ctk_cgconfig_parse(path, c, e);
	rc = ctk_conf_dir_list(path, &names, &n, e);
	for (size_t i = 0; !rc && i < n; i++)
		rc = ctk_cgconfig_parse(names[i], c, e);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

void ctk_cgconfig_free(struct ctk_cgconfig *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct ctk_cgc_group *g = &c->groups[i];

		for (size_t k = 0; k < g->nblocks; k++) {
			free(g->blocks[k].name);
			ctk_values_free(&g->blocks[k].values);
		}
		free(g->blocks);
		free(g->name);
	}
	free(c->groups);
	for (size_t i = 0; i < c->nwarnings; i++)
		free(c->warnings[i]);
	free(c->warnings);
	for (size_t i = 0; i < c->nmounts; i++)
		free(c->mounts[i]);
	free(c->mounts);
	for (size_t i = 0; i < c->nns; i++) {
		free(c->ns[i].name);
		free(c->ns[i].path);
	}
	free(c->ns);
	for (size_t i = 0; i < c->nscopes; i++)
		free(c->scopes[i].cpath);
	free(c->scopes);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* ---- making it ------------------------------------------------------------ */

/* The mounted hierarchy a block's name means, or NULL. */
static const struct ctk_hierarchy *block_hierarchy(const char *name,
					const struct ctk_hierarchies *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].target &&
		    ctk_hierarchy_word(name, strlen(name), &h->v[i], h))
			return &h->v[i];
	return NULL;
}

static void perm_to_opts(const struct ctk_cgc_perm *p,
			 struct ctk_create_opts *o)
{
	o->uid = p->uid;
	o->gid = p->gid;
	o->task_uid = p->task_uid;
	o->task_gid = p->task_gid;
	o->set_dir_mode = p->set_dir_mode;
	o->dir_mode = p->dir_mode;
	o->set_file_mode = p->set_file_mode;
	o->file_mode = p->file_mode;
	o->set_task_file_mode = p->set_task_file_mode;
	o->task_file_mode = p->task_file_mode;
}

/* One group in one hierarchy: the blocks that name it, merged. */
static int apply_one(const struct ctk_cgc_group *g,
		     const struct ctk_hierarchy *hy, const char *ns, bool check,
		     const struct ctk_cgc_perm *perm,
		     const struct ctk_hierarchies *h,
		     struct ctk_create_txn *txn, struct ctk_err *e)
{
	char spec[CTK_CPATH_MAX + 300], name[CTK_CPATH_MAX + 2];
	struct ctk_values vals = { 0 };
	struct ctk_create_opts o;
	struct ctk_target t = { 0 };
	bool existed;
	int rc = 0;

	ctk_create_opts_init(&o);
	perm_to_opts(perm, &o);
	o.parents = true;
	o.settle_existing = true;
	o.notify_trusted = geteuid() == 0;
	for (size_t k = 0; !rc && k < g->nblocks; k++) {
		const struct ctk_cgc_block *b = &g->blocks[k];

		if (block_hierarchy(b->name, h) != hy)
			continue;
		if (b->notify >= 0)
			o.notify = b->notify;
		for (size_t i = 0; !rc && i < b->values.n; i++)
			rc = ctk_values_add(&vals, b->values.v[i].file,
					    b->values.v[i].value, true);
	}
	if (rc) {
		ctk_values_free(&vals);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	o.values = &vals;
	if ((size_t)snprintf(name, sizeof(name), "%s%s%s", ns,
			     *ns && strcmp(g->name, ".") ? "/" : "",
			     strcmp(g->name, ".") ? g->name : *ns ? "" : "/") >=
	    sizeof(name) ||
	    ctk_hierarchy_spec(hy, name, spec, sizeof(spec))) {
		ctk_values_free(&vals);
		return ctk_err_setx(e, ENAMETOOLONG, "group name too long");
	}
	rc = ctk_target_from_string(spec, h, &t, e);
	if (!rc && check) {
		int fd = ctk_container_open(&t);

		if (fd >= 0)
			close(fd);
		/* the message names the file, line and group */
		rc = ctk_sd_check(&t, fd >= 0 ? CTK_SD_CHANGE : CTK_SD_MAKE, e);
	}
	if (!rc)
		rc = ctk_container_create(&t, &o, txn, &existed, e);
	if (t.hier)
		ctk_target_free(&t);
	ctk_values_free(&vals);
	return rc;
}

/*
 * The namespace path of group @g's file in @hy ("" when none), or NULL
 * with e set when the file gives one hierarchy two (libcgroup refuses
 * that too: controllers mounted together share one namespace).
 */
static const char *ns_of(const struct ctk_cgconfig *c, const char *file,
			 const struct ctk_hierarchy *hy,
			 const struct ctk_hierarchies *h, struct ctk_err *e)
{
	const struct ctk_cgc_ns *found = NULL;

	for (size_t i = 0; i < c->nns; i++) {
		const struct ctk_cgc_ns *n = &c->ns[i];

		if (n->file != file || block_hierarchy(n->name, h) != hy)
			continue;
		if (found && strcmp(found->path, n->path)) {
			ctk_err_atx(e, EINVAL, file,
				     "line %d: namespace: %s "
				     "and %s share a hierarchy but not a path", n->line, found->name, n->name);
			return NULL;
		}
		found = n;
	}
	return found ? found->path : "";
}

int ctk_cgconfig_apply(const struct ctk_cgconfig *c,
		       const struct ctk_cgc_perm *defaults,
		       const struct ctk_hierarchies *h, struct ctk_err *e)
{
	struct ctk_create_txn txn = { 0 };
	int rc = 0;

	/* everything resolved before the first mkdir */
	for (size_t i = 0; i < c->nmounts; i++)
		if (!block_hierarchy(c->mounts[i], h))
			return ctk_err_atx(e, ENOENT, c->mounts[i], "not mounted (the "
					    "mount section is cmount's to do: "
					    "cmount -c %s DIR)",
					    c->mounts[i]);
	for (size_t i = 0; i < c->nns; i++)
		if (!block_hierarchy(c->ns[i].name, h))
			return ctk_err_atx(e, ENOENT, c->ns[i].file,
					    "line %d: namespace: "
					    "'%.64s': no such hierarchy mounted", c->ns[i].line,
					    c->ns[i].name);
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->groups[i].nblocks; k++) {
			const struct ctk_cgc_block *b = &c->groups[i].blocks[k];
			const struct ctk_hierarchy *hy = block_hierarchy(b->name, h);

			if (!hy)
				return ctk_err_atx(e, ENOENT, c->groups[i].file, "line %d: "
						    "'%.64s': no such hierarchy "
						    "mounted",
						    b->line, b->name);
			if (!ns_of(c, c->groups[i].file, hy, h, e))
				return -e->code;
		}
	for (size_t i = 0; !rc && i < c->n; i++) {
		const struct ctk_cgc_group *g = &c->groups[i];
		struct ctk_cgc_perm perm = g->perm;
		const struct ctk_hierarchy *done[16];
		size_t ndone = 0;

		/* the command line's defaults for a group without perm, then
		 * the file's default section for what is still unset */
		if (!perm.given && defaults && defaults->given)
			perm = *defaults;
		perm_fill(&perm, &c->defaults);

		for (size_t k = 0; !rc && k < g->nblocks; k++) {
			const struct ctk_hierarchy *hy =
				block_hierarchy(g->blocks[k].name, h);
			bool seen = false;

			for (size_t q = 0; q < ndone; q++)
				seen |= done[q] == hy;
			if (seen)
				continue;
			if (ndone < CTK_ARRAY_SIZE(done))
				done[ndone++] = hy;
			rc = apply_one(g, hy, ns_of(c, g->file, hy, h, e),
				       c->systemd_check, &perm, h, &txn, e);
			if (rc)
				ctk_err_prefix(e, "%s: line %d: group %s", g->file,
					       g->line, g->name);
		}
	}
	if (rc)
		ctk_create_txn_undo(&txn);
	else
		rc = ctk_create_txn_commit(&txn, e);
	return rc;
}

/* ---- writing it ----------------------------------------------------------- */

struct text {
	char *s;
	size_t n, cap;
	bool oom;
};

static void put(struct text *t, const char *fmt, ...) CTK_ATTR_PRINTF(2, 3);

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || t->oom)
		return;
	if (t->n + (size_t)len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *ns;

		while (t->n + (size_t)len + 1 > cap)
			cap *= 2;
		ns = realloc(t->s, cap);
		if (!ns) {
			t->oom = true;
			return;
		}
		t->s = ns;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
	va_end(ap);
	t->n += (size_t)len;
}

/* A word as the lexer reads it back: bare, or in quotes. */
static bool word_ok(const char *w)
{
	for (const char *p = w; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"')
			return false;
	return true;
}

static void put_word(struct text *t, const char *w)
{
	bool bare = *w && !strpbrk(w, " \t{};=#");

	put(t, bare ? "%s" : "\"%s\"", w);
}

static void put_user(struct text *t, uid_t u)
{
	struct passwd *pw = getpwuid(u);

	if (pw && *pw->pw_name && word_ok(pw->pw_name))
		put_word(t, pw->pw_name);
	else
		put(t, "%u", (unsigned)u);
}

static void put_group(struct text *t, gid_t g)
{
	struct group *gr = getgrgid(g);

	if (gr && *gr->gr_name && word_ok(gr->gr_name))
		put_word(t, gr->gr_name);
	else
		put(t, "%u", (unsigned)g);
}

/* The kernel's own mode of a control file, as a fresh container has it. */
static bool default_mode(mode_t m)
{
	return m == 0644 || m == 0444 || m == 0200;
}

struct owners {
	struct stat dir;
	bool files_ok, tasks_ok;	/* one mode for each kind */
	mode_t fmode, tmode;
	bool fdefault, tdefault;	/* every one the kernel's */
	uid_t fuid, tuid;
	gid_t fgid, tgid;
	bool have_f, have_t;
	bool v2;
};

static void look_at_files(int fd, enum ctk_hier_type type, struct owners *o)
{
	DIR *d = ctk_fdopendir_dup(fd);
	struct dirent *de;

	o->files_ok = o->tasks_ok = true;
	o->fdefault = o->tdefault = true;
	if (!d)
		return;
	while ((de = readdir(d))) {
		bool task = ctk_is_task_file(type, de->d_name);
		mode_t *m = task ? &o->tmode : &o->fmode;
		bool *have = task ? &o->have_t : &o->have_f;
		struct stat st;

		if (de->d_type != DT_REG ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (!*have) {
			*have = true;
			*m = st.st_mode & 07777;
			if (task) {
				o->tuid = st.st_uid;
				o->tgid = st.st_gid;
			} else {
				o->fuid = st.st_uid;
				o->fgid = st.st_gid;
			}
		} else if (*m != (st.st_mode & 07777)) {
			*(task ? &o->tasks_ok : &o->files_ok) = false;
		}
		if (!default_mode(st.st_mode & 07777))
			*(task ? &o->tdefault : &o->fdefault) = false;
	}
	closedir(d);
}

static void put_perm(struct text *t, const struct owners *o)
{
	bool tmode = !o->tdefault && o->tasks_ok && o->have_t;
	/* one mode for every file: the kernel's own on v1 when 0644 (a named
	 * hierarchy has no other), never on v2 (cgroup.controllers and
	 * cgroup.events are 0444 there): cmkdir -f made it */
	bool fmode = o->files_ok && o->have_f &&
		     (!o->fdefault || o->v2);
	bool dmode = (o->dir.st_mode & 07777) != 0755;

	if (!tmode && !fmode && !dmode && !o->dir.st_uid && !o->dir.st_gid &&
	    !o->tuid && !o->tgid && !o->fuid && !o->fgid)
		return;
	put(t, "\tperm {\n\t\ttask {\n\t\t\tuid = ");
	put_user(t, o->have_t ? o->tuid : o->dir.st_uid);
	put(t, ";\n\t\t\tgid = ");
	put_group(t, o->have_t ? o->tgid : o->dir.st_gid);
	put(t, ";\n");
	if (tmode)
		put(t, "\t\t\tfperm = %04o;\n", (unsigned)o->tmode);
	put(t, "\t\t}\n\t\tadmin {\n\t\t\tuid = ");
	put_user(t, o->dir.st_uid);
	put(t, ";\n\t\t\tgid = ");
	put_group(t, o->dir.st_gid);
	put(t, ";\n\t\t\tdperm = %04o;\n", (unsigned)(o->dir.st_mode & 07777));
	if (fmode)
		put(t, "\t\t\tfperm = %04o;\n", (unsigned)o->fmode);
	put(t, "\t\t}\n\t}\n");
	if ((!o->files_ok && !o->fdefault) || (!o->tasks_ok && !o->tdefault))
		put(t, "\t# control files with modes of their own: not kept\n");
}

/* v1 copies these from the parent at mkdir: equal means left out. */
static bool inherited(const char *file)
{
	return !strcmp(file, "cpuset.cpus") || !strcmp(file, "cpuset.mems");
}

static const char *parent_value(const struct ctk_values *pv, const char *file)
{
	for (size_t i = 0; pv && i < pv->n; i++)
		if (!strcmp(pv->v[i].file, file))
			return pv->v[i].value;
	return NULL;
}

static void put_values(struct text *t, const struct ctk_values *v,
		       const struct ctk_values *pv, bool root)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *pval = parent_value(pv, v->v[i].file);
		const char *p = v->v[i].value;

		if (root)
			break;	/* the root's values are the kernel's */
		if (inherited(v->v[i].file) && pval && !strcmp(pval, p))
			continue;
		if (!word_ok(v->v[i].file))
			continue;
		/* a value of several lines: the key again for each */
		do {
			size_t len = strcspn(p, "\n");
			char *line = strndup(p, len);

			if (line && word_ok(line)) {
				put(t, "\t\t");
				put_word(t, v->v[i].file);
				put(t, " = \"%s\";\n", line);
			} else if (line) {
				put(t, "\t\t# %s: a value with a quote or a "
				    "control character: not kept\n",
				    v->v[i].file);
			}
			free(line);
			p += len;
			while (*p == '\n')
				p++;
		} while (*p);
	}
}

/* v2: the controllers a container enables for its children, first, so
 * that the children's values find their files when it is loaded. */
static void put_subtree_control(struct text *t, int fd)
{
	char have[1024], *save = NULL;
	bool any = false;

	if (ctk_cfile_read(fd, "cgroup.subtree_control", have,
			   sizeof(have)) <= 0)
		return;
	for (char *c = strtok_r(have, " \n", &save); c;
	     c = strtok_r(NULL, " \n", &save)) {
		if (!word_ok(c))
			continue;
		put(t, "%s%s", any ? " +" : "\t\tcgroup.subtree_control = \"+",
		    c);
		any = true;
	}
	if (any)
		put(t, "\";\n");
}

/*
 * v2: what the core files say that a load must say again. cgroup.type
 * "threaded" goes first, before the container's children are made (they
 * then come as the kernel makes them below a threaded one; "domain
 * threaded" and "domain invalid" follow from it). The limits on the
 * tree's shape go to @late, a block of the group again after the whole
 * tree: the kernel refuses a mkdir beyond them, and a limit may have
 * been lowered below the shape that exists.
 */
static void put_v2_core(struct text *t, struct text *late, int fd,
			const char *name, const char *block)
{
	static const char *const shape[] = { "cgroup.max.depth",
					     "cgroup.max.descendants" };
	char buf[64];
	bool any = false;

	if (ctk_cfile_read(fd, "cgroup.type", buf, sizeof(buf)) > 0 &&
	    !strcmp(buf, "threaded\n"))
		put(t, "\t\tcgroup.type = \"threaded\";\n");
	for (size_t i = 0; i < CTK_ARRAY_SIZE(shape); i++) {
		if (ctk_cfile_read(fd, shape[i], buf, sizeof(buf)) <= 0)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		if (!strcmp(buf, "max") || !word_ok(buf))
			continue;
		if (!any) {
			put(late, "group ");
			put_word(late, name);
			put(late, " {\n\t\"%s\" {\n", block);
			any = true;
		}
		put(late, "\t\t%s = \"%s\";\n", shape[i], buf);
	}
	if (any)
		put(late, "\t}\n}\n\n");
}

static int snapshot_node(struct text *t, struct text *late,
			 const struct ctk_target *top,
			 const struct ctk_node *nd, int fd, int pfd,
			 const struct ctk_values *pv, struct ctk_values *v,
			 const char *block, struct ctk_err *e)
{
	enum ctk_hier_type type = top->hier->type;
	struct owners o = { 0 };
	int rc, mark;

	if (fstat(fd, &o.dir) < 0)
		return ctk_err_at(e, errno, nd->cpath,
				   "cannot read its mode");
	look_at_files(fd, type, &o);
	o.v2 = type == CTK_HIER_V2;
	rc = ctk_values_read_fd(fd, v, e);
	if (rc)
		return ctk_err_prefix(e, "%s", nd->cpath);
	put(t, "group ");
	put_word(t, nd->is_root ? "." : nd->cpath + 1);
	put(t, " {\n");
	put_perm(t, &o);
	put(t, "\t\"%s\" {\n", block);
	if (type == CTK_HIER_V2 && !nd->is_root) {
		put_v2_core(t, late, fd, nd->cpath + 1, block);
		put_subtree_control(t, fd);
	}
	put_values(t, v, pv, nd->is_root);
	if (type == CTK_HIER_V2 && !nd->is_root) {
		mark = ctk_v2_notify_get(pfd, fd);
		if (mark == 1)
			put(t, "\t\t" NOTIFY_KEY " = 1;\n");
	} else if (!nd->is_root) {
		long own, par = -1;

		/* v1 copies notify_on_release at mkdir: said where it differs */
		if (!ctk_cfile_read_long(fd, "notify_on_release", &own) &&
		    (pfd < 0 || ctk_cfile_read_long(pfd, "notify_on_release",
						    &par) || own != par))
			put(t, "\t\t" NOTIFY_KEY " = %ld;\n", own);
	}
	put(t, "\t}\n}\n\n");
	return 0;
}

/* The hierarchy's block name in a cgconfig group: "unified", "name=X" or
 * its first controller. */
static void block_name(const struct ctk_hierarchy *h, char *block,
		       size_t size)
{
	if (h->type == CTK_HIER_V2)
		snprintf(block, size, "unified");
	else if (h->name)
		snprintf(block, size, "name=%s", h->name);
	else
		snprintf(block, size, "%.*s", (int)strcspn(h->controllers, ","),
			 h->controllers);
}

/*
 * Open container @nd of the snapshot of @t, and its parent (*@pfd, -1 for
 * the hierarchy's root), beneath @rootfd: 0, 1 when it was removed
 * meanwhile, or -errno. A name no cgconfig file can hold as it is (it
 * would be read as other words) is refused.
 */
static int snapshot_open(const struct ctk_target *t, int rootfd,
			 const struct ctk_node *nd, int *fd, int *pfd,
			 struct ctk_err *e)
{
	char *rel = ctk_target_rel_below(t, nd->cpath), *slash;

	*fd = *pfd = -1;
	if (!rel)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	if (!nd->is_root && (!word_ok(nd->cpath + 1) ||
			     strlen(nd->cpath + 1) > CGCONF_WORD_MAX)) {
		free(rel);
		return ctk_err_atx(e, EINVAL, nd->cpath, "a name no cgconfig "
				   "file can hold (a quote, a control "
				   "character, or over %d bytes): nothing "
				   "written", CGCONF_WORD_MAX);
	}
	*fd = ctk_openat_beneath(rootfd, rel, O_RDONLY | O_DIRECTORY, 0);
	slash = strrchr(rel, '/');
	if (slash) {
		*slash = '\0';
		*pfd = ctk_openat_beneath(rootfd, rel, O_RDONLY | O_DIRECTORY,
					  0);
	} else if (strcmp(rel, ".")) {
		*pfd = dup(rootfd);
	}
	free(rel);
	if (*fd >= 0)
		return 0;
	if (*pfd >= 0)
		close(*pfd);
	*pfd = -1;
	if (*fd == -ENOENT)
		return 1;
	return ctk_err_at(e, -*fd, nd->cpath, "cannot open");
}

/* What the snapshot of @t inherits: the values of its parent. */
static void snapshot_parent(const struct ctk_target *t,
			    struct ctk_values *parent)
{
	const char *leaf;
	int pfd;

	if (!strcmp(t->rel, "."))
		return;
	pfd = ctk_container_open_parent(t, &leaf);
	if (pfd >= 0) {
		ctk_values_read_fd(pfd, parent, NULL);
		close(pfd);
	}
}

int ctk_cgconfig_snapshot(const struct ctk_target *t, char **out,
			  struct ctk_err *e)
{
	struct text txt = { 0 }, late = { 0 };
	struct ctk_values *vals = NULL, parent = { 0 };
	struct ctk_tree tr;
	char block[300], where[CTK_CPATH_MAX + 300];
	int rootfd = ctk_hierarchy_borrow_fd(t->hier), rc;

	*out = NULL;
	if (rootfd < 0)
		return ctk_err_set(e, -rootfd, "cannot open the hierarchy");
	block_name(t->hier, block, sizeof(block));
	rc = ctk_tree_load_target(t, 0, &tr, e);
	if (rc)
		return rc;
	vals = calloc(tr.n ? tr.n : 1, sizeof(*vals));
	if (!vals) {
		ctk_tree_free(&tr);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	snapshot_parent(t, &parent);
	ctk_target_format(t, where, sizeof(where));
	put(&txt, "# the tree below %s, as cmkdir --config makes it again\n\n",
	    where);
	for (size_t k = 0; !rc && k < tr.n; k++) {
		const struct ctk_node *nd = &tr.v[k];
		int fd, pfd;

		rc = snapshot_open(t, rootfd, nd, &fd, &pfd, e);
		if (rc == 1) {	/* removed meanwhile */
			rc = 0;
			continue;
		}
		if (rc)
			break;
		rc = snapshot_node(&txt, &late, t, nd, fd, pfd, nd->parent >= 0 ?
				   &vals[nd->parent] : &parent, &vals[k], block,
				   e);
		close(fd);
		if (pfd >= 0)
			close(pfd);
	}
	for (size_t k = 0; k < tr.n; k++)
		ctk_values_free(&vals[k]);
	free(vals);
	ctk_values_free(&parent);
	ctk_tree_free(&tr);
	if (!rc && late.s)
		put(&txt, "# limits on the shape of the tree, set once all of "
		    "it is made\n\n%s", late.s);
	if (!rc && (txt.oom || late.oom))
		rc = ctk_err_setx(e, ENOMEM, "out of memory");
	free(late.s);
	if (rc) {
		free(txt.s);
		return rc;
	}
	*out = txt.s ? txt.s : strdup("");
	return *out ? 0 : ctk_err_setx(e, ENOMEM, "out of memory");
}
