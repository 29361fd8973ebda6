/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgrules.conf: parsed, matched and applied by ctk itself, so that what
 * moves a process is the effective uid (not the real one), a script counts
 * as itself, and a template makes the container it names: the three
 * things libcgroup's cgroup_change_cgroup_flags() did not do for cattach.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/proc.h"
#include "ctk/rules.h"
#include "ctk/systemd.h"
#include "ctk/spec.h"
#include "ctk/sticky.h"
#include "internal.h"

#define RULES_MAX_BYTES	(1 << 20)
#define FUSE_MAGIC	0x65735546
#define PROC_MAGIC	0x9fa0
#define SYSFS_MAGIC	0x62656572
#define DEBUGFS_MAGIC	0x64626720
#define SECURITYFS_MAGIC	0x73636673

void ctk_rules_free(struct ctk_rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].proc);
		free(r->v[i].ctrls);
		free(r->v[i].dest);
	}
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->v);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

static void warn(struct ctk_rules *r, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);

static void warn(struct ctk_rules *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (CTK_GROW(r->warnings, r->capw, r->nwarnings, 4))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0) {
		char *f;

		/* a rule of a .d file: the warning names that file */
		if (r->nfiles && asprintf(&f, "%s: %s",
					  r->files[r->nfiles - 1], s) >= 0) {
			free(s);
			s = f;
		}
		r->warnings[r->nwarnings++] = s;
	}
	va_end(ap);
}

static bool ctrl_word_ok(const char *w, size_t len)
{
	if (len == 1 && *w == '*')
		return true;
	if (len > 5 && !strncmp(w, "name=", 5)) {
		char name[64];

		if (len - 5 >= sizeof(name))
			return false;
		memcpy(name, w + 5, len - 5);
		name[len - 5] = '\0';
		return ctk_hierarchy_name_valid(name);
	}
	if (!len || len > 63)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)w[i]) && !isdigit((unsigned char)w[i])
		    && w[i] != '_')
			return false;
	return true;
}

static int check_ctrls(const char *s, int line, struct ctk_err *e)
{
	const char *p = s;

	while (*p) {
		size_t len = strcspn(p, ",");

		if (!ctrl_word_ok(p, len) || (len == 1 && *p == '*' &&
		    (p != s || p[1])))
			return ctk_err_setx(e, EINVAL, "line %d: '%.64s': not a "
					    "controller list (CTRL[,CTRL...], "
					    "name=NAME, unified or *)", line,
					    s);
		p += len + (p[len] == ',');
	}
	return 0;
}

static int check_dest(const char *s, int line, struct ctk_err *e)
{
	if (strlen(s) > CTK_CPATH_MAX)
		return ctk_err_setx(e, EINVAL, "line %d: destination longer "
				    "than %d bytes", line, CTK_CPATH_MAX);
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ctk_err_setx(e, EINVAL, "line %d: a control "
					    "character in the destination",
					    line);
		if (*p == '\\' && !p[1])
			return ctk_err_setx(e, EINVAL, "line %d: a '\\' at the "
					    "end of the destination", line);
		if (*p == '\\' && (unsigned char)p[1] >= 0x20 && p[1] != 0x7f) {
			p++;	/* \% is a '%', \\ a '\' (as libcgroup) */
			continue;
		}
		if (*p == '%' && !strchr("uUgGpP", p[1]))
			return ctk_err_setx(e, EINVAL, "line %d: '%%%c' is no "
					    "template (%%u %%U %%g %%G %%p %%P)",
					    line, p[1] ? p[1] : ' ');
		if (*p == '%')
			p++;
	}
	return 0;
}

/* USER[:PROCESS] into @rule. */
static int parse_who(struct ctk_rules *r, struct ctk_rule *rule, char *w,
		     struct ctk_err *e)
{
	char *colon = strchr(w, ':');

	if (colon) {
		*colon = '\0';
		if (!colon[1])
			return ctk_err_setx(e, EINVAL, "line %d: an empty "
					    "process name after ':'",
					    rule->line);
		rule->proc = strdup(colon + 1);
		if (!rule->proc)
			return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	if (!strcmp(w, "*")) {
		rule->who = CTK_RULE_ANY;
	} else if (!strcmp(w, "%")) {
		if (!r->n || r->v[r->n - 1].file != rule->file)
			return ctk_err_setx(e, EINVAL, "line %d: '%%' continues "
					    "a rule, and none comes before",
					    rule->line);
		if (colon)
			return ctk_err_setx(e, EINVAL, "line %d: '%%' takes no "
					    "process name", rule->line);
		rule->who = CTK_RULE_SAME;
	} else if (w[0] == '@') {
		struct group *gr = w[1] ? getgrnam(w + 1) : NULL;

		rule->who = CTK_RULE_GROUP;
		if (gr)
			rule->gid = gr->gr_gid;
		else {
			rule->skip = true;
			warn(r, "line %d: no such group '%.64s': rule skipped",
			     rule->line, w + 1);
		}
	} else {
		struct passwd *pw = *w ? getpwnam(w) : NULL;

		rule->who = CTK_RULE_USER;
		if (pw)
			rule->uid = pw->pw_uid;
		else {
			rule->skip = true;
			warn(r, "line %d: no such user '%.64s': rule skipped",
			     rule->line, w);
		}
	}
	return 0;
}

static int parse_line(struct ctk_rules *r, char *s, int line,
		      struct ctk_err *e)
{
	char *tok[5];
	struct ctk_rule *rule;
	size_t n = 0;
	int rc;

	/* words part at blanks; "..." holds blanks (a process name with a
	 * space, as libcgroup 3 quotes it), the quotes are not kept */
	for (char *p = s, *w; *p && n < 5;) {
		bool quoted = false;

		p += strspn(p, " \t\r");
		if (!*p || *p == '#')
			break;
		tok[n++] = w = p;
		for (; *p && (quoted || !strchr(" \t\r", *p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				*w++ = *p;
		}
		if (quoted)
			return ctk_err_setx(e, EINVAL, "line %d: a quote not "
					    "closed", line);
		if (*p)
			p++;
		*w = '\0';
	}
	if (!n)
		return 0;
	if (n < 3 || n > 4)
		return ctk_err_setx(e, EINVAL, "line %d: expected USER[:PROCESS] "
				    "CONTROLLERS DESTINATION [OPTIONS]", line);
	if (CTK_GROW(r->v, r->cap, r->n, 16))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	rule = &r->v[r->n];
	memset(rule, 0, sizeof(*rule));
	rule->line = line;
	rule->file = r->nfiles ? r->files[r->nfiles - 1] : NULL;
	rc = parse_who(r, rule, tok[0], e);
	if (!rc)
		rc = check_ctrls(tok[1], line, e);
	if (!rc)
		rc = check_dest(tok[2], line, e);
	/* OPTIONS: a comma list; one ctk does not know skips the rule
	 * (said), the rest of the file is used */
	for (char *o = n == 4 ? tok[3] : NULL, *end; !rc && o && *o; o = end) {
		end = o + strcspn(o, ",");
		if (*end)
			*end++ = '\0';
		if (!strcmp(o, "ignore")) {
			rule->ignore = true;
		} else if (!strcmp(o, "ignore_rt")) {
			rule->ignore_rt = true;
		} else if (!rule->skip) {
			rule->skip = true;
			warn(r, "line %d: unknown option '%.32s' (ignore, "
			     "ignore_rt): rule skipped", line, o);
		}
	}
	if (!rc) {
		rule->ctrls = strdup(tok[1]);
		rule->dest = strdup(tok[2]);
		if (!rule->ctrls || !rule->dest)
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
	}
	r->n++;		/* freed with the rest either way */
	return rc;
}

/* Add the rules of @text to @r. */
static int parse_more(const char *text, struct ctk_rules *r, struct ctk_err *e)
{
	char *copy = strdup(text), *p, *nl;
	int line = 0, rc = 0;

	if (!copy)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (p = copy; !rc && p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		line++;
		rc = parse_line(r, p, line, e);
	}
	free(copy);
	return rc;
}

int ctk_rules_parse(const char *text, struct ctk_rules *r, struct ctk_err *e)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = parse_more(text, r, e);
	if (rc)
		ctk_rules_free(r);
	return rc;
}

int ctk_rules_load(const char *path, struct ctk_rules *r, struct ctk_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int rc;

	char *dir = NULL, **names = NULL;
	size_t n = 0, plen = strlen(path);
	struct stat st;

	memset(r, 0, sizeof(*r));
	rc = ctk_read_regular_file(path, RULES_MAX_BYTES, &buf, &len, e);
	if (!rc)
		rc = parse_more(buf, r, e);
	/* FILE.conf, then FILE.d/ (cgrules.conf, cgrules.d) */
	if (!rc && plen > 5 && !strcmp(path + plen - 5, ".conf") &&
	    asprintf(&dir, "%.*s.d", (int)(plen - 5), path) >= 0 &&
	    stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		rc = ctk_conf_dir_list(dir, &names, &n, e);
	for (size_t i = 0; !rc && i < n; i++) {
		free(buf);
		buf = NULL;
		if (CTK_GROW(r->files, r->capf, r->nfiles, 4)) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			break;
		}
		r->files[r->nfiles++] = CTK_TAKE_PTR(names[i]);
		rc = ctk_read_regular_file(r->files[r->nfiles - 1],
					   RULES_MAX_BYTES, &buf, &len, e);
		if (!rc)
			rc = parse_more(buf, r, e);
		if (rc)
			ctk_err_prefix(e, "%s", r->files[r->nfiles - 1]);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	if (rc)
		ctk_rules_free(r);
	return rc;
}

/* ---- who a process is --------------------------------------------------- */

static ssize_t read_proc(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* May the process @id read a file with @st's owner and mode? */
static bool may_read(const struct ctk_proc_id *id, const struct stat *st)
{
	if (id->euid == 0)
		return true;
	if (st->st_uid == id->euid)
		return st->st_mode & S_IRUSR;
	if (st->st_gid == id->egid)
		return st->st_mode & S_IRGRP;
	for (size_t i = 0; i < id->ngroups; i++)
		if (id->groups[i] == st->st_gid)
			return st->st_mode & S_IRGRP;
	return st->st_mode & S_IROTH;
}

/*
 * Does the "#!" line of the regular file @path name @id's program? Only a
 * script the process itself may read, on a real filesystem, is read: a
 * name and an argument chosen by the process must not make root read
 * /etc/shadow, or /proc/kmsg (a read takes the kernel's log lines).
 */
static bool runs_as_script(const char *path, struct ctk_proc_id *id)
{
	const char *exe = id->exe;
	char head[256], interp[PATH_MAX], *p, *end;
	struct stat st, st2;
	struct statfs sf;
	ssize_t n;
	int fd;

	/* never a FIFO, a device or a user's FUSE mount that could hang */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 3 ||
	    !may_read(id, &st))
		return false;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
		  O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st2) < 0 || st2.st_ino != st.st_ino ||
	    st2.st_dev != st.st_dev || !may_read(id, &st2) ||
	    fstatfs(fd, &sf) < 0 || sf.f_type == FUSE_MAGIC ||
	    sf.f_type == PROC_MAGIC || sf.f_type == SYSFS_MAGIC ||
	    sf.f_type == DEBUGFS_MAGIC || sf.f_type == SECURITYFS_MAGIC) {
		close(fd);
		return false;
	}
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return false;
	head[n] = '\0';
	p = head + 2;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strcspn(p, " \t\n");
	snprintf(interp, sizeof(interp), "%.*s", (int)(end - p), p);
	if (!strcmp(base_of(interp), "env")) {
		/* #!/usr/bin/env python3: the program named next */
		p = end + strspn(end, " \t");
		end = p + strcspn(p, " \t\n");
		if (end == p || strncmp(base_of(exe), p, (size_t)(end - p)))
			return false;
	} else {
		char real[PATH_MAX];

		if (!realpath(interp, real) || strcmp(real, exe))
			return false;
	}
	id->exe_dev = st2.st_dev;	/* the script's identity from now on */
	id->exe_ino = st2.st_ino;
	id->have_ino = true;
	return true;
}

/* A script run by its interpreter: find it among the arguments. */
static void find_script(struct ctk_proc_id *id)
{
	char args[8192], cwd[64], cand[PATH_MAX * 2], real[PATH_MAX];
	size_t clen = strlen(id->comm);
	ssize_t n;

	if (!clen || !strncmp(base_of(id->exe), id->comm, clen))
		return;		/* the program itself */
	n = read_proc(id->pid, "cmdline", args, sizeof(args));
	if (n <= 0)
		return;
	snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", (int)id->pid);
	for (char *a = args; a < args + n; a += strlen(a) + 1) {
		if (!*a || strncmp(base_of(a), id->comm, clen))
			continue;
		if (strlen(a) >= PATH_MAX)
			continue;
		if (*a == '/')
			snprintf(cand, sizeof(cand), "%s", a);
		else
			snprintf(cand, sizeof(cand), "%s/%.*s", cwd, PATH_MAX, a);
		if (!realpath(cand, real) || !runs_as_script(real, id))
			continue;
		snprintf(id->exe, sizeof(id->exe), "%s", real);
		id->script = true;
		return;
	}
}

int ctk_proc_identify(pid_t pid, struct ctk_proc_id *id)
{
	char buf[4096], path[64], *p;
	unsigned r, eff;
	ssize_t n;

	memset(id, 0, sizeof(*id));
	id->pid = pid;
	n = read_proc(pid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	p = strstr(buf, "Name:");
	if (p)
		sscanf(p + 5, " %63[^\n]", id->comm);
	p = strstr(buf, "\nUid:");
	if (!p || sscanf(p + 5, "%u %u", &r, &eff) != 2)
		return -EINVAL;
	id->euid = eff;
	p = strstr(buf, "\nGid:");
	if (!p || sscanf(p + 5, "%u %u", &r, &eff) != 2)
		return -EINVAL;
	id->egid = eff;
	p = strstr(buf, "\nGroups:");
	if (p) {
		char *q = p + 8, *end;

		while (id->ngroups < CTK_ARRAY_SIZE(id->groups)) {
			unsigned long g = strtoul(q, &end, 10);

			if (end == q)
				break;
			id->groups[id->ngroups++] = (gid_t)g;
			q = end;
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, id->exe, sizeof(id->exe) - 1);
	if (n > 0) {
		struct stat st;

		id->exe[n] = '\0';
		/* the program's identity: the path is what the process's own
		 * mount namespace calls it */
		if (stat(path, &st) == 0) {
			id->exe_dev = st.st_dev;
			id->exe_ino = st.st_ino;
			id->have_ino = true;
		}
		find_script(id);
	}
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

static bool in_group(const struct ctk_rule *rule, const struct ctk_proc_id *id)
{
	struct passwd *pw;
	struct group *gr;

	if (id->egid == rule->gid)
		return true;
	for (size_t i = 0; i < id->ngroups; i++)
		if (id->groups[i] == rule->gid)
			return true;
	/* the group's member list, as libcgroup reads it */
	pw = getpwuid(id->euid);
	gr = pw ? getgrgid(rule->gid) : NULL;
	for (char **m = gr ? gr->gr_mem : NULL; m && *m; m++)
		if (!strcmp(*m, pw->pw_name))
			return true;
	return false;
}

static bool proc_matches(const struct ctk_rule *rule,
			 const struct ctk_proc_id *id)
{
	if (!rule->proc)
		return true;
	if (!id->exe[0])	/* no program to read: its name only */
		return !strchr(rule->proc, '/') && !strcmp(rule->proc, id->comm);
	if (strchr(rule->proc, '/')) {
		struct stat st;

		/*
		 * A full path is a file, as this process's mount namespace
		 * sees it: the same device and inode as what runs. The path
		 * the process shows is its own namespace's word (a copy of
		 * sleep bind-mounted over /usr/sbin/agetty says agetty).
		 */
		if (!id->have_ino)
			return false;
		return stat(rule->proc, &st) == 0 && st.st_dev == id->exe_dev &&
		       st.st_ino == id->exe_ino;
	}
	return !strcmp(rule->proc, base_of(id->exe));
}

long ctk_rules_match(const struct ctk_rules *r, const struct ctk_proc_id *id)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct ctk_rule *rule = &r->v[i];
		bool who;

		if (rule->who == CTK_RULE_SAME || rule->skip)
			continue;
		who = rule->who == CTK_RULE_ANY ||
		      (rule->who == CTK_RULE_USER && rule->uid == id->euid) ||
		      (rule->who == CTK_RULE_GROUP && in_group(rule, id));
		if (who && proc_matches(rule, id))
			return (long)i;
	}
	return -1;
}

/* A template's value: one plain name, never a path of its own. */
static int put_value(char **o, char *end, const char *v, char code,
		     struct ctk_err *e)
{
	size_t len = strlen(v);

	if (!len || !strcmp(v, ".") || !strcmp(v, "..") || strchr(v, '/'))
		return ctk_err_setx(e, EINVAL, "%%%c gives '%.64s', which is "
				    "not a container name", code, v);
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ctk_err_setx(e, EINVAL, "%%%c gives a control "
					    "character", code);
	if ((size_t)(end - *o) <= len)
		return ctk_err_setx(e, ENAMETOOLONG, "destination too long");
	memcpy(*o, v, len);
	*o += len;
	return 0;
}

int ctk_rule_dest(const struct ctk_rule *rule, const struct ctk_proc_id *id,
		  char *buf, size_t size, bool *templated, struct ctk_err *e)
{
	char *o = buf, *end = buf + size - 1;

	*templated = false;
	for (const char *p = rule->dest; *p; p++) {
		char num[24];
		const char *v = NULL;
		struct passwd *pw;
		struct group *gr;
		int rc;

		if (*p != '%') {
			if (*p == '\\' && p[1])
				p++;	/* the next one as it is */
			if (o == end)
				return ctk_err_setx(e, ENAMETOOLONG,
						    "destination too long");
			*o++ = *p;
			continue;
		}
		*templated = true;
		switch (*++p) {
		case 'u':
			pw = getpwuid(id->euid);
			snprintf(num, sizeof(num), "%u", (unsigned)id->euid);
			v = pw ? pw->pw_name : num;
			break;
		case 'U':
			snprintf(num, sizeof(num), "%u", (unsigned)id->euid);
			v = num;
			break;
		case 'g':
			gr = getgrgid(id->egid);
			snprintf(num, sizeof(num), "%u", (unsigned)id->egid);
			v = gr ? gr->gr_name : num;
			break;
		case 'G':
			snprintf(num, sizeof(num), "%u", (unsigned)id->egid);
			v = num;
			break;
		case 'p':
			v = id->exe[0] ? base_of(id->exe) : id->comm;
			break;
		case 'P':
			snprintf(num, sizeof(num), "%d", (int)id->pid);
			v = num;
			break;
		default:
			return ctk_err_setx(e, EINVAL, "bad template");
		}
		rc = put_value(&o, end, v, *p, e);
		if (rc)
			return rc;
	}
	*o = '\0';
	return 0;
}

/* ---- applying ------------------------------------------------------------ */

/* Is @ctrl available on the v2 hierarchy @hy (its root's controllers)? */
static bool v2_has(const struct ctk_hierarchy *hy, const char *ctrl,
		   size_t len)
{
	char buf[1024], *save = NULL;
	int fd = ctk_hierarchy_borrow_fd(hy);

	if (fd < 0 || ctk_cfile_read(fd, "cgroup.controllers", buf,
				     sizeof(buf)) < 0)
		return false;
	for (char *p = strtok_r(buf, " \n", &save); p;
	     p = strtok_r(NULL, " \n", &save))
		if (strlen(p) == len && !strncmp(p, ctrl, len))
			return true;
	return false;
}

bool ctk_hierarchy_word(const char *p, size_t len,
			const struct ctk_hierarchy *hy,
			const struct ctk_hierarchies *h)
{
	if (hy->type == CTK_HIER_V2) {
		if (len == 7 && !strncmp(p, "unified", 7))
			return true;
		/* a controller no v1 hierarchy has, on v2 */
		if (strncmp(p, "name=", 5) && v2_has(hy, p, len)) {
			for (size_t i = 0; i < h->n; i++)
				if (h->v[i].type == CTK_HIER_V1 &&
				    h->v[i].target &&
				    ctk_list_has(h->v[i].controllers, ",", p, len))
					return false;
			return true;
		}
		return false;
	}
	if (len > 5 && !strncmp(p, "name=", 5))
		return hy->name && strlen(hy->name) == len - 5 &&
		       !strncmp(hy->name, p + 5, len - 5);
	return ctk_list_has(hy->controllers, ",", p, len);
}

/* Does the controller list @ctrls name the mounted hierarchy @hy? */
static bool names_hierarchy(const char *ctrls, const struct ctk_hierarchy *hy,
			    const struct ctk_hierarchies *h)
{
	if (!strcmp(ctrls, "*"))
		return true;
	for (const char *p = ctrls; *p;) {
		size_t len = strcspn(p, ",");

		if (ctk_hierarchy_word(p, len, hy, h))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/*
 * The first word of @ctrls that names no mounted hierarchy (its length in
 * @len), or NULL: a rule is applied whole or not at all, never to the
 * hierarchies it names right and not to the one it names wrong.
 */
static const char *unmounted_word(const char *ctrls,
				  const struct ctk_hierarchies *h, size_t *len)
{
	if (!strcmp(ctrls, "*"))
		return NULL;
	for (const char *p = ctrls; *p;) {
		bool found = false;

		*len = strcspn(p, ",");
		for (size_t i = 0; i < h->n && !found; i++)
			found = h->v[i].target &&
				ctk_hierarchy_word(p, *len, &h->v[i], h);
		if (!found)
			return p;
		p += *len + (p[*len] == ',');
	}
	return NULL;
}

/* One hierarchy mounted twice? */
bool ctk_hierarchy_same(const struct ctk_hierarchy *a,
			   const struct ctk_hierarchy *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == CTK_HIER_V2)
		return true;
	if (a->hier_id > 0 && b->hier_id > 0)
		return a->hier_id == b->hier_id;
	return !strcmp(a->name ? a->name : "", b->name ? b->name : "") &&
	       !strcmp(a->controllers, b->controllers);
}

int ctk_hierarchy_spec(const struct ctk_hierarchy *hy, const char *dest,
		   char *buf, size_t size)
{
	const char *slash = *dest == '/' ? "" : "/";
	int n;

	if (hy->type == CTK_HIER_V2)
		n = snprintf(buf, size, ":%s%s", slash, dest);
	else if (hy->name)
		n = snprintf(buf, size, "name=%s:%s%s", hy->name, slash, dest);
	else
		n = snprintf(buf, size, "%s:%s%s", hy->controllers, slash, dest);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int move_into(const struct ctk_hierarchies *h,
		     const struct ctk_hierarchy *hy, const char *dest,
		     bool templated, unsigned flags,
		     const struct ctk_proc_id *id, const struct ctk_rule *rule,
		     ctk_rule_report_fn report, void *arg)
{
	bool hold = flags & CTK_RULES_HOLD;
	char spec[CTK_CPATH_MAX + 300], where[CTK_CPATH_MAX + 300];
	struct ctk_err e = { 0 };
	struct ctk_target t;
	int fd, rc;

	if (ctk_hierarchy_spec(hy, dest, spec, sizeof(spec))) {
		rc = ctk_err_setx(&e, ENAMETOOLONG, "destination too long");
		report(arg, id, rule, dest, -rc, &e);
		return rc;
	}
	rc = ctk_target_from_string(spec, h, &t, &e);
	if (rc) {
		report(arg, id, rule, spec, -rc, &e);
		return rc;
	}
	ctk_target_format(&t, where, sizeof(where));
	/* systemd's tree: a destination in what it delegated (a templated
	 * one made below a delegated container) */
	if (!(flags & CTK_RULES_ANYWHERE))
		rc = ctk_sd_check(&t, CTK_SD_MOVE, &e);
	if (!rc && templated) {
		struct ctk_create_opts o;
		bool existed;

		ctk_create_opts_init(&o);
		o.parents = true;
		rc = ctk_container_create(&t, &o, NULL, &existed, &e);
	}
	if (!rc) {
		char now[CTK_CPATH_MAX + 1];
		bool there = !ctk_proc_cgroup_path(id->pid, t.hier, now,
						  sizeof(now)) &&
			     !strcmp(now, t.cpath);
		int held = 0;

		/* already there and nothing to hold: nothing to say */
		if (there && !hold) {
			ctk_target_free(&t);
			return 0;
		}
		fd = ctk_container_open(&t);
		if (fd < 0) {
			rc = ctk_err_open(&e, -fd, NULL);
		} else {
			if (hold)
				rc = held = ctk_sticky_hold(fd, &t, &e);
			if (rc >= 0 && !there)
				rc = ctk_attach(fd, &t, id->pid, false, &e);
			if (rc > 0)
				rc = 0;
			if (rc && held > 0)
				ctk_sticky_unhold(fd);
			close(fd);
		}
	}
	report(arg, id, rule, where, -rc, &e);
	ctk_target_free(&t);
	return rc;
}

/* SCHED_FIFO or SCHED_RR (ignore_rt: v2's cpu controller takes none) */
static bool is_realtime(pid_t pid)
{
	int policy = sched_getscheduler(pid);

	if (policy < 0)
		return false;
	policy &= ~SCHED_RESET_ON_FORK;
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

int ctk_rules_apply(const struct ctk_rules *r, long k,
		    const struct ctk_proc_id *id,
		    const struct ctk_hierarchies *h, unsigned flags,
		    ctk_rule_report_fn report, void *arg)
{
	int first = 0;

	if (k < 0 || (size_t)k >= r->n)
		return -EINVAL;
	if (r->v[k].ignore || (r->v[k].ignore_rt && is_realtime(id->pid))) {
		report(arg, id, &r->v[k], NULL, 0, NULL);
		return 0;
	}
	for (size_t j = (size_t)k; j < r->n; j++) {
		const struct ctk_rule *rule = &r->v[j];
		char dest[CTK_CPATH_MAX + 1];
		struct ctk_err e = { 0 };
		bool templated, any = false;
		int rc;

		if (j > (size_t)k && rule->who != CTK_RULE_SAME)
			break;
		rc = ctk_rule_dest(rule, id, dest, sizeof(dest), &templated,
				   &e);
		if (rc) {
			report(arg, id, rule, rule->dest, -rc, &e);
			first = first ? first : rc;
			continue;
		}
		{
			size_t len = 0;
			const char *bad = unmounted_word(rule->ctrls, h, &len);

			if (bad) {
				rc = ctk_err_setx(&e, ENODEV, "no mounted "
						  "hierarchy for '%.*s': "
						  "nothing moved by this rule",
						  (int)(len > 64 ? 64 : len),
						  bad);
				report(arg, id, rule, rule->dest, ENODEV, &e);
				first = first ? first : rc;
				continue;
			}
		}
		for (size_t i = 0; i < h->n; i++) {
			const struct ctk_hierarchy *hy = &h->v[i];
			bool seen = false;

			if (!hy->target || !names_hierarchy(rule->ctrls, hy, h))
				continue;
			for (size_t q = 0; q < i && !seen; q++)
				seen = h->v[q].target &&
				       ctk_hierarchy_same(&h->v[q], hy);
			if (seen)
				continue;
			any = true;
			rc = move_into(h, hy, dest, templated, flags, id,
				       rule, report, arg);
			first = first ? first : rc;
		}
		if (!any) {
			rc = ctk_err_setx(&e, ENODEV, "no mounted hierarchy for "
					  "'%.64s'", rule->ctrls);
			report(arg, id, rule, rule->dest, ENODEV, &e);
			first = first ? first : rc;
		}
	}
	return first;
}
