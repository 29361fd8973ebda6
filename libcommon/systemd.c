/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * systemd's marks on the cgroup tree, read, never written: whether it
 * manages a hierarchy, which subtrees it delegated, and the unit a
 * container belongs to. systemd puts itself in /init.scope when it
 * manages a hierarchy (a container's systemd in the namespace's
 * /init.scope), and sets trusted.delegate=1 (since v251; user.delegate for
 * a user's manager) on the cgroup of a unit with Delegate=yes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctk/spec.h"
#include "ctk/systemd.h"
#include "internal.h"

/* The first line of @dir/@name into @buf, its newline cut; -1 when none. */
static int first_line(const char *dir, const char *name, char *buf,
		      size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	int rc = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return -1;
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fgets(buf, (int)size, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		rc = 0;
	}
	fclose(f);
	return rc;
}

bool ctk_sd_manages(const struct ctk_hierarchy *hy, const char *proc1)
{
	char comm[32], line[4096], path[PATH_MAX];
	bool v2 = hy->type == CTK_HIER_V2, found = false;
	FILE *f;

	if (!v2 && !(hy->name && !strcmp(hy->name, "systemd")))
		return false;
	if (first_line(proc1, "comm", comm, sizeof(comm)) ||
	    strcmp(comm, "systemd"))
		return false;
	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup", proc1) >=
	    sizeof(path))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	/* "0::/init.scope" (v2), "1:name=systemd:/init.scope" (v1) */
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctrl = strchr(line, ':'), *cpath;

		if (!ctrl || !(cpath = strchr(ctrl + 1, ':')))
			continue;
		*ctrl++ = '\0';
		*cpath++ = '\0';
		cpath[strcspn(cpath, "\n")] = '\0';
		if (v2 ? !strcmp(line, "0") && !*ctrl :
			 !strcmp(ctrl, "name=systemd"))
			found = !strcmp(cpath, "/init.scope");
	}
	fclose(f);
	return found;
}

bool ctk_sd_delegated_fd(int fd)
{
	static const char *const mark[] = { "trusted.delegate",
					    "user.delegate" };
	char v[8];

	for (size_t i = 0; i < CTK_ARRAY_SIZE(mark); i++) {
		ssize_t n = fgetxattr(fd, mark[i], v, sizeof(v));

		if (n >= 0)	/* the first mark there decides, as systemd */
			return n == 1 && v[0] == '1';
	}
	return false;
}

static bool is_unit_name(const char *s, size_t len)
{
	static const char *const type[] = { ".slice", ".scope", ".service",
					    ".socket", ".mount", ".swap" };

	for (size_t i = 0; i < CTK_ARRAY_SIZE(type); i++) {
		size_t tl = strlen(type[i]);

		if (len > tl && !memcmp(s + len - tl, type[i], tl))
			return true;
	}
	return false;
}

const char *ctk_sd_unit(const char *cpath, char *buf, size_t size)
{
	const char *best = NULL, *p = cpath;
	size_t best_len = 0;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len && is_unit_name(p, len)) {
			best = p;
			best_len = len;
		}
		p += len;
	}
	if (!best) {
		if (strspn(cpath, "/") != strlen(cpath) || !size)
			return NULL;
		snprintf(buf, size, "-.slice");
		return buf;
	}
	if (best_len >= size)
		return NULL;
	memcpy(buf, best, best_len);
	buf[best_len] = '\0';
	return buf;
}

/* The components of @rel ("." or "": none). */
static long depth_of(const char *rel)
{
	long n = 0;

	for (const char *p = rel; *p; p++)
		if (*p != '/' && (p == rel || p[-1] == '/') &&
		    !(p[0] == '.' && (!p[1] || p[1] == '/')))
			n++;
	return n;
}

/* ctk_walk_down's visit: the level of the first delegated container, + 1 */
static int first_delegated(int fd, long level, void *arg CTK_ATTR_UNUSED)
{
	return ctk_sd_delegated_fd(fd) ? (int)CTK_MIN(level, INT_MAX - 1) + 1 : 0;
}

int ctk_sd_check_at(int rootfd, const char *rel, enum ctk_sd_use use,
		    struct ctk_err *e)
{
	long n = depth_of(rel), top;

	/* a normalised path (ctk_target_from_string makes them): a '..'
	 * could climb out of the subtree it was checked in */
	for (const char *q = rel; *q; q++)
		if ((q == rel || q[-1] == '/') && q[0] == '.' && q[1] == '.' &&
		    (!q[2] || q[2] == '/'))
			return ctk_err_setx(e, EINVAL, "'..' in a container path");
	/* the shallowest delegated container on the way down, of those that
	 * exist (what a MAKE makes does not yet) */
	top = (long)ctk_walk_down(rootfd, rel, first_delegated, NULL) - 1;
	if (top >= 0 && (use != CTK_SD_CHANGE || top < n))
		return 0;
	if (top >= 0)
		return ctk_err_setx(e, EPERM, "the top of a subtree systemd "
				    "delegated: its own settings and its removal "
				    "are its unit's (systemctl set-property, "
				    "systemctl stop), or --force");
	return ctk_err_setx(e, EPERM, "systemd's, in no subtree it delegated: "
			    "run in a unit with Delegate=yes (systemd-run "
			    "--scope -p Delegate=yes), or --force");
}

int ctk_sd_check(const struct ctk_target *t, enum ctk_sd_use use,
		 struct ctk_err *e)
{
	int rootfd;

	if (!ctk_sd_manages(t->hier, "/proc/1"))
		return 0;
	rootfd = ctk_hierarchy_borrow_fd(t->hier);
	if (rootfd < 0)
		return ctk_err_set(e, -rootfd, "cannot open the hierarchy");
	return ctk_sd_check_at(rootfd, t->rel, use, e);
}

/* ---- scopes: names and properties ---------------------------------------- */

/* A number with a 1024-based suffix (K M G T), or "infinity". */
static int parse_bytes(const char *v, uint64_t *out)
{
	static const char suf[] = "KMGT";
	unsigned long long n;
	char *end;
	const char *s;

	if (!strcmp(v, "infinity")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		if (end[1] || !(s = strchr(suf, *end)))
			return -1;
		for (long i = 0; i <= s - suf; i++) {
			if (n > UINT64_MAX / 1024)
				return -1;
			n *= 1024;
		}
	}
	*out = n;
	return 0;
}

static int parse_count(const char *v, uint64_t lo, uint64_t hi, bool inf,
		       uint64_t *out)
{
	unsigned long long n;
	char *end;

	if (inf && !strcmp(v, "infinity")) {
		*out = UINT64_MAX;
		return 0;
	}
	if (*v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

int ctk_sd_prop_parse(const char *kv, struct ctk_sd_prop *p,
		      struct ctk_err *e)
{
	static const struct {
		const char *name;
		char kind;	/* s string, b bytes, n count, w weight, q % */
	} known[] = {
		{ "Description", 's' }, { "MemoryMin", 'b' },
		{ "MemoryLow", 'b' }, { "MemoryHigh", 'b' },
		{ "MemoryMax", 'b' }, { "MemorySwapMax", 'b' },
		{ "TasksMax", 'n' }, { "CPUWeight", 'w' },
		{ "StartupCPUWeight", 'w' }, { "IOWeight", 'w' },
		{ "StartupIOWeight", 'w' }, { "CPUQuota", 'q' },
	};
	const char *eq = strchr(kv, '='), *v;
	size_t len = eq ? (size_t)(eq - kv) : strlen(kv), i;

	memset(p, 0, sizeof(*p));
	if (!eq)
		return ctk_err_setx(e, EINVAL, "%.*s: not NAME=VALUE",
				    (int)CTK_MIN(len, 64), kv);
	for (i = 0; i < CTK_ARRAY_SIZE(known); i++)
		if (strlen(known[i].name) == len &&
		    !memcmp(known[i].name, kv, len))
			break;
	if (i == CTK_ARRAY_SIZE(known))
		return ctk_err_setx(e, EINVAL, "%.*s: not a property ctk "
				    "passes on (Description, MemoryMin, "
				    "MemoryLow, MemoryHigh, MemoryMax, "
				    "MemorySwapMax, TasksMax, CPUWeight, "
				    "StartupCPUWeight, IOWeight, "
				    "StartupIOWeight, CPUQuota)",
				    (int)CTK_MIN(len, 64), kv);
	v = eq + 1;
	snprintf(p->name, sizeof(p->name), "%s", known[i].name);
	p->type = 't';
	switch (known[i].kind) {
	case 's':
		p->type = 's';
		if (strlen(v) >= sizeof(p->str))
			return ctk_err_atx(e, EINVAL, p->name, "longer than %zu "
					    "bytes", sizeof(p->str) - 1);
		for (const char *c = v; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return ctk_err_atx(e, EINVAL, p->name, "a control "
						    "character");
		snprintf(p->str, sizeof(p->str), "%s", v);
		return 0;
	case 'b':
		if (parse_bytes(v, &p->num))
			return ctk_err_atx(e, EINVAL, p->name, "bytes (a number, "
					    "K, M, G or T after it), or "
					    "infinity");
		return 0;
	case 'n':
		if (parse_count(v, 1, UINT64_MAX - 1, true, &p->num))
			return ctk_err_atx(e, EINVAL, p->name, "a count from 1, "
					    "or infinity");
		return 0;
	case 'w':
		if (parse_count(v, 1, 10000, false, &p->num))
			return ctk_err_atx(e, EINVAL, p->name, "a weight from 1 to "
					    "10000");
		return 0;
	default: {	/* CPUQuota=N%: CPUQuotaPerSecUSec, µs a second */
		size_t vl = strlen(v);
		char num[24];

		if (vl < 2 || vl > sizeof(num) || v[vl - 1] != '%')
			return ctk_err_atx(e, EINVAL, p->name, "a percentage of "
					    "one CPU (N%%)");
		memcpy(num, v, vl - 1);
		num[vl - 1] = '\0';
		if (parse_count(num, 1, UINT64_MAX / 10000, false, &p->num))
			return ctk_err_atx(e, EINVAL, p->name, "a percentage of "
					    "one CPU (N%%)");
		p->num *= 10000;
		snprintf(p->name, sizeof(p->name), "CPUQuotaPerSecUSec");
		return 0;
	}
	}
}

/* A unit name's characters (systemd's VALID_CHARS), @len bytes. */
static bool unit_chars(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789:-_.\\", s[i]) || !s[i])
			return false;
	return true;
}

/* Would systemd escape @s in a cgroup path (cg_escape)? */
static bool escaped_by_systemd(const char *s, size_t len)
{
	static const char *const ctrl[] = {
		"cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices",
		"pids", "rdma", "hugetlb", "misc", "freezer", "net_cls",
		"net_prio", "perf_event", "bpf-firewall", "bpf-devices",
		"bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
	};
	size_t dot = strcspn(s, ".");

	if (s[0] == '_' || s[0] == '.')
		return true;
	if (dot >= len)
		return false;
	for (size_t i = 0; i < CTK_ARRAY_SIZE(ctrl); i++)
		if (strlen(ctrl[i]) == dot && !memcmp(ctrl[i], s, dot))
			return true;
	return false;
}

int ctk_sd_scope_names(const char *cpath, char *slice, size_t slice_size,
		       char *unit, size_t unit_size, struct ctk_err *e)
{
	const char *p = cpath, *last = NULL, *prev = NULL;
	size_t last_len = 0, prev_len = 0;
	char want[256] = "";	/* the prefix a slice here must have */

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (!len)
			break;
		if (len > 255 || !unit_chars(p, len))
			/* not repeated: it may hold anything */
			return ctk_err_setx(e, EINVAL, "a component is not a "
					    "unit's name (letters, digits, "
					    "':-_.\\', up to 255)");
		if (escaped_by_systemd(p, len))
			return ctk_err_setx(e, EINVAL, "%.*s: systemd would name "
					    "its cgroup _%.*s (a leading '_' "
					    "or '.', or a controller's name)",
					    (int)CTK_MIN(len, 64), p,
					    (int)CTK_MIN(len, 64), p);
		if (last) {	/* the one before is a slice */
			size_t pl = last_len - 6;

			if (last_len <= 6 || memcmp(last + pl, ".slice", 6))
				return ctk_err_setx(e, EINVAL, "%.*s: a scope "
						    "lives in slices "
						    "(NAME.slice), not here",
						    (int)CTK_MIN(last_len, 64),
						    last);
			if (last[0] == '-' || last[pl - 1] == '-' ||
			    memmem(last, pl, "--", 2))
				return ctk_err_setx(e, EINVAL, "%.*s: not a "
						    "slice's name (a '-' "
						    "between words only)",
						    (int)CTK_MIN(last_len, 64),
						    last);
			if ((*want && (pl <= strlen(want) ||
				       memcmp(last, want, strlen(want)) ||
				       memchr(last + strlen(want), '-',
					      pl - strlen(want)))) ||
			    (!*want && memchr(last, '-', pl))) {
				/* where systemd puts it: in the slice its
				 * name up to the last '-' names */
				const char *dash = memrchr(last, '-', pl);

				if (!dash)
					return ctk_err_setx(e, EINVAL, "%.*s: "
							    "systemd puts this "
							    "slice at the root "
							    "(:/%.*s)",
							    (int)CTK_MIN(last_len, 64),
							    last,
							    (int)CTK_MIN(last_len, 64),
							    last);
				return ctk_err_setx(e, EINVAL, "%.*s: systemd "
						    "puts this slice in "
						    "%.*s.slice",
						    (int)CTK_MIN(last_len, 64),
						    last,
						    (int)CTK_MIN(dash - last, 64),
						    last);
			}
			snprintf(want, sizeof(want), "%.*s-", (int)pl, last);
			prev = last;
			prev_len = last_len;
		}
		last = p;
		last_len = len;
		p += len;
	}
	if (!last || last_len <= 6 || memcmp(last + last_len - 6, ".scope", 6))
		return ctk_err_setx(e, EINVAL, "not a scope: name one "
				    "(:/NAME.scope, :/SLICE.slice/NAME.scope)");
	if (!prev)
		prev = "-.slice", prev_len = 7;
	if (prev_len >= slice_size || last_len >= unit_size)
		return ctk_err_setx(e, ENAMETOOLONG, "a name too long");
	memcpy(slice, prev, prev_len);
	slice[prev_len] = '\0';
	memcpy(unit, last, last_len);
	unit[last_len] = '\0';
	return 0;
}

/*
 * A slice's cgroup path from its name, as systemd nests them:
 * "a-b.slice" is "a.slice/a-b.slice", "-.slice" the root (""). -1 when
 * the name is not a slice's.
 */
int ctk_sd_slice_path(const char *slice, char *buf, size_t size)
{
	size_t len = strlen(slice), off = 0;

	if (!strcmp(slice, "-.slice")) {
		buf[0] = '\0';
		return 0;
	}
	if (len <= 6 || strcmp(slice + len - 6, ".slice") || slice[0] == '-' ||
	    slice[len - 7] == '-' || memmem(slice, len - 6, "--", 2))
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < len - 6; i++) {
		int n;

		if (slice[i] != '-' && i != len - 7)
			continue;
		n = snprintf(buf + off, size - off, "%s%.*s.slice",
			     off ? "/" : "", (int)(slice[i] == '-' ? i : i + 1),
			     slice);
		if (n < 0 || (size_t)n >= size - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

int ctk_sd_scope_spec(const char *name, char *buf, size_t size,
		      struct ctk_err *e)
{
	const char *slash = strchr(name, '/');
	char slice[256], path[PATH_MAX], full[PATH_MAX + 2], sl[256], un[256];
	size_t len = slash ? (size_t)(slash - name) : 0;
	int rc;

	if (!slash || !len || len >= sizeof(slice) || strchr(slash + 1, '/'))
		return ctk_err_setx(e, EINVAL, "not a scope's name "
				    "(SLICE.slice/NAME.scope, or a SPEC)");
	memcpy(slice, name, len);
	slice[len] = '\0';
	if (ctk_sd_slice_path(slice, path, sizeof(path)))
		return ctk_err_setx(e, EINVAL, "%.64s: not a slice's name "
				    "(NAME.slice)", slice);
	if ((size_t)snprintf(full, sizeof(full), "/%s%s%s", path,
			     *path ? "/" : "", slash + 1) >= sizeof(full))
		return ctk_err_setx(e, ENAMETOOLONG, "a name too long");
	rc = ctk_sd_scope_names(full, sl, sizeof(sl), un, sizeof(un), e);
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, size, ":%s", full) >= size)
		return ctk_err_setx(e, ENAMETOOLONG, "a name too long");
	return 0;
}
