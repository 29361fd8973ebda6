/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Hierarchy discovery. Mounts come from mountinfo, parsed here (libmount
 * costs every exec its load; only cmount links it); v1
 * hierarchies that exist but are not mounted here come from
 * /proc/self/cgroup, where the kernel lists every v1 hierarchy.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "ctk/hierarchy.h"
#include "internal.h"

/* v1 superblock options that are flags, not controllers. */
static const char *const v1_flags[] = {
	"rw", "ro", "noprefix", "xattr", "clone_children", "cpuset_v2_mode",
	"none", "favordynmods", "nofavordynmods", "all",
};

static bool is_v1_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < CTK_ARRAY_SIZE(v1_flags); i++)
		if (strlen(v1_flags[i]) == len &&
		    !strncmp(v1_flags[i], name, len))
			return true;
	return false;
}

static int append(char **list, const char *s, size_t len)
{
	size_t old = *list ? strlen(*list) : 0;
	char *n = realloc(*list, old + len + 2);

	if (!n)
		return -ENOMEM;
	if (old)
		n[old++] = ',';
	memcpy(n + old, s, len);
	n[old + len] = '\0';
	*list = n;
	return 0;
}

/*
 * The kernel escapes ' ', '\t', '\n', '\\' (and in option values ',' and
 * '=') as \ooo. Decode @len bytes of @s into a new string.
 */
static char *unescape(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			*o++ = (char)(((s[i + 1] - '0') << 6) |
				      ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
			i += 3;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void hier_clear(struct ctk_hierarchy *hy)
{
	if (hy->cache) {
		if (hy->cache->rootfd >= 0)
			close(hy->cache->rootfd);
		if (hy->cache->parent_fd >= 0)
			close(hy->cache->parent_fd);
		free(hy->cache->parent_rel);
		free(hy->cache);
	}
	free(hy->controllers);
	free(hy->name);
	free(hy->target);
	free(hy->root);
	free(hy->ns_rel);
	free(hy->release_agent);
	free(hy->fs_options);
	free(hy->vfs_options);
	memset(hy, 0, sizeof(*hy));
}

void ctk_hierarchy_free(struct ctk_hierarchies *h)
{
	for (size_t i = 0; i < h->n; i++)
		hier_clear(&h->v[i]);
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static struct ctk_hierarchy *hier_add(struct ctk_hierarchies *h)
{
	struct ctk_hier_cache *c = calloc(1, sizeof(*c));
	struct ctk_hierarchy *n = c ? realloc(h->v, (h->n + 1) * sizeof(*n)) :
				  NULL;

	if (!n) {
		free(c);
		return NULL;
	}
	h->v = n;
	memset(&n[h->n], 0, sizeof(*n));
	n[h->n].mount_id = -1;
	n[h->n].hier_id = -1;
	c->rootfd = -1;
	c->parent_fd = -1;
	n[h->n].cache = c;
	return &n[h->n++];
}

/* Split v1 superblock options (still escaped) into controllers, name,
 * agent. Values are decoded after the split, so an escaped ',' stays. */
static int parse_v1_options(struct ctk_hierarchy *hy, const char *opts)
{
	const char *p = opts;
	int rc;

	while (*p) {
		size_t len = strcspn(p, ","), nlen = strcspn(p, "=,");

		if (nlen < len && nlen == 4 && !strncmp(p, "name", 4)) {
			free(hy->name);
			hy->name = unescape(p + 5, len - 5);
			if (!hy->name)
				return -ENOMEM;
		} else if (nlen < len && nlen == 13 &&
			   !strncmp(p, "release_agent", 13)) {
			free(hy->release_agent);
			hy->release_agent = unescape(p + 14, len - 14);
			if (!hy->release_agent)
				return -ENOMEM;
		} else if (nlen == len && len && !is_v1_flag(p, len)) {
			rc = append(&hy->controllers, p, len);
			if (rc)
				return rc;
		}
		p += len + (p[len] == ',');
	}
	if (!hy->controllers)
		hy->controllers = strdup("");
	return hy->controllers ? 0 : -ENOMEM;
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT TARGET VFSOPTS [OPTIONAL...]
 * - FSTYPE SOURCE SUPEROPTS". 1 for a cgroup mount added, 0 for another
 * filesystem, -errno.
 */
static int parse_line(struct ctk_hierarchies *h, char *line)
{
	char *f[64];
	size_t n = 0, sep = 0;
	struct ctk_hierarchy *hy;
	char *save = NULL;
	int rc = 0;

	for (char *tok = strtok_r(line, " \n", &save); tok && n < 64;
	     tok = strtok_r(NULL, " \n", &save))
		f[n++] = tok;
	for (size_t i = 6; i < n; i++)
		if (!strcmp(f[i], "-")) {
			sep = i;
			break;
		}
	if (!sep || sep + 3 > n)
		return -EINVAL;
	if (strcmp(f[sep + 1], "cgroup") && strcmp(f[sep + 1], "cgroup2"))
		return 0;
	hy = hier_add(h);
	if (!hy)
		return -ENOMEM;
	hy->type = strcmp(f[sep + 1], "cgroup2") ? CTK_HIER_V1 : CTK_HIER_V2;
	hy->mount_id = atoi(f[0]);
	hy->hier_id = hy->type == CTK_HIER_V2 ? 0 : -1;
	hy->root = unescape(f[3], strlen(f[3]));
	hy->target = unescape(f[4], strlen(f[4]));
	hy->vfs_options = strdup(f[5]);
	hy->fs_options = sep + 3 < n ? strdup(f[sep + 3]) : strdup("");
	if (!hy->root || !hy->target || !hy->vfs_options || !hy->fs_options)
		return -ENOMEM;
	if (hy->type == CTK_HIER_V1)
		rc = parse_v1_options(hy, hy->fs_options);
	else if (!(hy->controllers = strdup("")))
		rc = -ENOMEM;
	return rc < 0 ? rc : 1;
}

/*
 * A whole file: /proc files say size 0, and stdio would read them 1 KiB a
 * call (each call walks the mount list again to where it left off).
 */
static int read_whole(const char *path, char **out)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = ctk_fd_read_all(fd, 16384, 64u << 20, out, NULL);
	close(fd);
	return rc;
}

static int load_mounts(struct ctk_hierarchies *h, const char *mountinfo,
		       struct ctk_err *e)
{
	char *buf, *line, *next;
	int lineno = 0, rc;

	if (!mountinfo)
		mountinfo = "/proc/self/mountinfo";
	rc = read_whole(mountinfo, &buf);
	if (rc)
		return ctk_err_at(e, -rc, mountinfo,
				   "cannot read mount table");
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		lineno++;
		rc = parse_line(h, line);
		if (rc == -ENOMEM) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			break;
		}
		if (rc < 0) {
			rc = ctk_err_atx(e, EINVAL, mountinfo, "line %d: not a "
					 "mountinfo line", lineno);
			break;
		}
		rc = 0;
	}
	free(buf);
	return rc;
}

static int dup_or_null(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return (src && !*dst) ? -ENOMEM : 0;
}

/* Controllers are compared as sets. */
bool ctk_hierarchy_has_controllers(const struct ctk_hierarchy *hy,
				   const char *list)
{
	const char *a = hy->controllers ? hy->controllers : "";
	size_t na = 0, nb = 0;
	const char *p;

	for (p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len) {
			const char *q = a;
			bool found = false;

			nb++;
			while (*q) {
				size_t l2 = strcspn(q, ",");

				if (l2 == len && !strncmp(q, p, len))
					found = true;
				q += l2 + (q[l2] == ',');
			}
			if (!found)
				return false;
		}
		p += len + (p[len] == ',');
	}
	for (p = a; *p;) {
		size_t len = strcspn(p, ",");

		na += len > 0;
		p += len + (p[len] == ',');
	}
	return na == nb;
}

static bool v1_matches(const struct ctk_hierarchy *hy, const char *name,
		       const char *ctrls)
{
	if (hy->type != CTK_HIER_V1)
		return false;
	if (name && (!hy->name || strcmp(hy->name, name)))
		return false;
	if (ctrls && !ctk_hierarchy_has_controllers(hy, ctrls))
		return false;
	return name || ctrls;
}

/* Parse "N:ctrls:path" lines; attach ids, add unmounted hierarchies. */
static int load_selfcgroup(struct ctk_hierarchies *h, const char *path,
			   struct ctk_err *e)
{
	char *buf, *line, *next;
	int rc = read_whole(path, &buf);

	if (rc)
		return ctk_err_at(e, -rc, path, "cannot open");
	for (line = buf; *line; line = next) {
		char *c1, *c2, *name = NULL, *ctrls;
		char *ctrl_list = NULL;
		struct ctk_hierarchy *hy;
		bool found = false;
		long id;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		c1 = strchr(line, ':');
		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		id = strtol(line, NULL, 10);
		if (id <= 0)
			continue;	/* v2 line, or junk */
		*c2 = '\0';
		ctrls = c1 + 1;
		/* split "cpu,cpuacct" / "name=systemd" / "name=x,cpu" */
		for (char *tok = ctrls, *more; tok && *tok; tok = more) {
			more = strchr(tok, ',');
			if (more)
				*more++ = '\0';
			if (!strncmp(tok, "name=", 5))
				name = tok + 5;
			else if (append(&ctrl_list, tok, strlen(tok))) {
				free(ctrl_list);
				free(buf);
				return ctk_err_setx(e, ENOMEM, "out of memory");
			}
		}
		for (size_t i = 0; i < h->n; i++) {
			if (v1_matches(&h->v[i], name,
				       ctrl_list ? ctrl_list : "")) {
				h->v[i].hier_id = (int)id;
				found = true;
			}
		}
		if (!found) {
			hy = hier_add(h);
			if (!hy || dup_or_null(&hy->name, name) ||
			    dup_or_null(&hy->controllers,
					ctrl_list ? ctrl_list : "")) {
				free(ctrl_list);
				free(buf);
				return ctk_err_setx(e, ENOMEM, "out of memory");
			}
			hy->type = CTK_HIER_V1;
			hy->hier_id = (int)id;
		}
		free(ctrl_list);
	}
	free(buf);
	return 0;
}

bool ctk_list_has(const char *list, const char *seps, const char *w,
		  size_t len)
{
	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, seps);

		if (l == len && !strncmp(p, w, len))
			return true;
		p += l;
		p += strspn(p, seps);
	}
	return false;
}

/* Do the comma lists @a and @b hold the same words (each once)? */
static bool same_words(const char *a, const char *b)
{
	size_t na = 0, nb = 0;

	for (const char *p = a; *p; p += strspn(p, ",")) {
		size_t len = strcspn(p, ",");

		if (!ctk_list_has(b, ",", p, len))
			return false;
		na++;
		p += len;
	}
	for (const char *q = b; *q; q += strspn(q, ",")) {
		nb++;
		q += strcspn(q, ",");
	}
	return na == nb;
}

/* This process's cgroup in @hy, as its cgroup namespace names it. */
static char *own_cgroup(const struct ctk_hierarchy *hy)
{
	char *buf = NULL, *line, *next, want[512], *found = NULL;

	if (hy->type == CTK_HIER_V2)
		want[0] = '\0';
	else if (hy->name)
		snprintf(want, sizeof(want), "%s%sname=%s", hy->controllers,
			 hy->controllers[0] ? "," : "", hy->name);
	else
		snprintf(want, sizeof(want), "%s", hy->controllers);
	if (read_whole("/proc/self/cgroup", &buf))
		return NULL;
	for (line = buf; *line && !found; line = next) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') :
			   NULL;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		if (!c2)
			continue;
		*c1 = *c2 = '\0';	/* "ID", "CONTROLLERS", "PATH" */
		if ((hy->type == CTK_HIER_V2) == !strcmp(line, "0") &&
		    same_words(c1 + 1, want))
			found = strndup(c2 + 1, strcspn(c2 + 1, "\n"));
	}
	free(buf);
	return found;
}

/* Does the container @rel below @dfd hold this process? */
static bool holds_self(int dfd, const char *rel)
{
	int fd = ctk_openat_beneath(dfd, rel, O_RDONLY | O_DIRECTORY, 0);
	char *procs = NULL, want[24];
	bool yes = false;

	if (fd < 0)
		return false;
	if (!ctk_cfile_read_alloc(fd, "cgroup.procs", &procs, NULL)) {
		snprintf(want, sizeof(want), "\n%d\n", (int)getpid());
		yes = procs[0] && (!strncmp(procs, want + 1, strlen(want) - 1) ||
				   strstr(procs, want));
	}
	free(procs);
	close(fd);
	return yes;
}

/*
 * @hy is mounted above this process's cgroup namespace (its root reads
 * "/.." once per level, as the kernel shows it from inside): find the
 * namespace's root below the mount point, the directory @depth levels down
 * where this process's own cgroup (@own, namespace-relative) holds it. Its
 * path below the mount, malloc'd, or NULL.
 */
static char *find_ns_root(int mfd, unsigned depth, const char *own)
{
	char **level = calloc(1, sizeof(*level)), *hit = NULL;
	size_t n = 1;

	if (!level || !(level[0] = strdup(".")))
		goto out;
	for (unsigned d = 0; d < depth && n; d++) {
		char **next = NULL;
		size_t nn = 0, cap = 0;

		for (size_t i = 0; i < n; i++) {
			int fd = ctk_openat_beneath(mfd, level[i], O_RDONLY |
						    O_DIRECTORY, 0);
			DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
			struct dirent *de;

			if (!dir) {
				if (fd >= 0)
					close(fd);
				continue;
			}
			while ((de = readdir(dir))) {
				char *p;

				if (de->d_type != DT_DIR || de->d_name[0] == '.')
					continue;
				if (CTK_GROW(next, cap, nn, 16) ||
				    asprintf(&p, "%s%s%s", strcmp(level[i], ".") ?
					     level[i] : "", strcmp(level[i], ".") ?
					     "/" : "", de->d_name) < 0)
					break;
				next[nn++] = p;
			}
			closedir(dir);
		}
		for (size_t i = 0; i < n; i++)
			free(level[i]);
		free(level);
		level = next;
		n = nn;
	}
	for (size_t i = 0; i < n && !hit; i++) {
		char *rel = NULL;

		if (asprintf(&rel, "%s%s", level[i], strcmp(own, "/") ? own :
			     "") >= 0 && holds_self(mfd, rel))
			hit = strdup(level[i]);
		free(rel);
	}
out:
	for (size_t i = 0; level && i < n; i++)
		free(level[i]);
	free(level);
	return hit;
}

/*
 * Inside a cgroup namespace, a mount made outside it shows a root of
 * "/.." (a level each): the tools read SPECs relative to the namespace's
 * root, as /proc/self/cgroup names them, so such a mount is used through
 * the namespace's root below it. Left as it is when that cannot be found.
 */
static void resolve_ns_roots(struct ctk_hierarchies *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct ctk_hierarchy *hy = &h->v[i];
		unsigned depth = 0;
		const char *p;
		char *own, *rel;
		int mfd;

		if (!hy->target || !hy->root || strncmp(hy->root, "/..", 3))
			continue;
		for (p = hy->root; !strncmp(p, "/..", 3) &&
		     (p[3] == '/' || !p[3]); p += 3)
			depth++;
		if (*p)
			continue;	/* a sibling's subtree: not ours */
		own = own_cgroup(hy);
		mfd = own ? ctk_hierarchy_open(hy) : -1;
		rel = mfd >= 0 ? find_ns_root(mfd, depth, own) : NULL;
		if (mfd >= 0)
			close(mfd);
		free(own);
		if (rel && (own = strdup("/"))) {
			free(hy->root);
			hy->root = own;
			hy->ns_rel = rel;
		} else {
			free(rel);
		}
	}
}

int ctk_hierarchy_load(struct ctk_hierarchies *h, const char *mountinfo,
		       const char *selfcgroup, struct ctk_err *e)
{
	int rc;

	h->v = NULL;
	h->n = 0;
	rc = load_mounts(h, mountinfo, e);
	if (!rc && !mountinfo)
		resolve_ns_roots(h);
	if (!rc && selfcgroup)
		rc = load_selfcgroup(h, selfcgroup, e);
	if (rc)
		ctk_hierarchy_free(h);
	return rc;
}

/* Is @root a component prefix of @cpath ("/" of everything)? */
static bool root_contains(const char *root, const char *cpath)
{
	size_t len;

	if (!root || !strcmp(root, "/"))
		return true;
	len = strlen(root);
	return !strncmp(root, cpath, len) &&
	       (cpath[len] == '/' || cpath[len] == '\0');
}

const struct ctk_hierarchy *
ctk_hierarchy_find(const struct ctk_hierarchies *h, enum ctk_hier_type type,
		   const char *name, const char *controllers,
		   const char *cpath, bool mounted_only)
{
	const struct ctk_hierarchy *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct ctk_hierarchy *hy = &h->v[i];
		size_t len;

		if (hy->type != type)
			continue;
		if (type == CTK_HIER_V1 && !v1_matches(hy, name, controllers))
			continue;
		if (!hy->target) {
			if (!mounted_only && !best)
				best = hy;
			continue;
		}
		if (cpath && !root_contains(hy->root, cpath))
			continue;
		/* prefer the mount of the shortest root (the whole tree) */
		len = hy->root ? strlen(hy->root) : 1;
		if (!best || !best->target || len < best_len) {
			best = hy;
			best_len = len;
		}
	}
	return best;
}

int ctk_hierarchy_label(const struct ctk_hierarchy *hy, char *buf,
			size_t size)
{
	if (hy->type == CTK_HIER_V2)
		return snprintf(buf, size, "cgroup2");
	if (hy->name && hy->controllers && hy->controllers[0])
		return snprintf(buf, size, "name=%s,%s", hy->name,
				hy->controllers);
	if (hy->name)
		return snprintf(buf, size, "name=%s", hy->name);
	return snprintf(buf, size, "%s", hy->controllers ? hy->controllers : "");
}

int ctk_hierarchy_open(const struct ctk_hierarchy *hy)
{
	struct statfs sfs;
	int fd;

	if (!hy->target)
		return -ENOENT;
	fd = open(hy->target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	if ((hy->type == CTK_HIER_V1 && sfs.f_type != CGROUP_SUPER_MAGIC) ||
	    (hy->type == CTK_HIER_V2 && sfs.f_type != CGROUP2_SUPER_MAGIC)) {
		close(fd);
		return -ENOTDIR;
	}
	if (hy->ns_rel) {
		/* the cgroup namespace's root: what "/" means here */
		int nfd = ctk_openat_beneath(fd, hy->ns_rel, O_RDONLY |
					     O_DIRECTORY, 0);

		close(fd);
		return nfd;
	}
	return fd;
}

int ctk_hierarchy_borrow_fd(const struct ctk_hierarchy *hy)
{
	struct ctk_hier_cache *c = hy->cache;

	if (!c)
		return -EINVAL;
	if (c->rootfd < 0)
		c->rootfd = ctk_hierarchy_open(hy);
	return c->rootfd;
}

int ctk_hierarchy_listed(int hier_id, const char *selfcgroup)
{
	char *buf, *line;
	int rc = read_whole(selfcgroup, &buf), found = 0;

	if (rc)
		return rc;
	for (line = buf; *line && !found;) {
		char *end = strchr(line, '\n');

		found = strtol(line, NULL, 10) == hier_id;
		line = end ? end + 1 : line + strlen(line);
	}
	free(buf);
	return found;
}

bool ctk_hierarchy_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= 64)
		return false;
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789._-") == len;
}

int ctk_controller_known(const char *ctrl, const char *proc_cgroups)
{
	_cleanup_fclose_ FILE *f = fopen(proc_cgroups ? proc_cgroups :
					 "/proc/cgroups", "re");
	char line[256];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, " \t\n");

		if (line[0] == '#')
			continue;
		if (len == strlen(ctrl) && !strncmp(line, ctrl, len))
			return 1;
	}
	return 0;
}

/* Does the comma list @list name @word (or "all" for a controller)? */
static bool list_names(const char *list, size_t len, const char *word,
		       bool all_counts)
{
	size_t wl = strlen(word);

	while (len) {
		size_t n = 0;

		while (n < len && list[n] != ',')
			n++;
		if ((n == wl && !strncmp(list, word, wl)) ||
		    (all_counts && n == 3 && !strncmp(list, "all", 3)))
			return true;
		list += n + (n < len);
		len -= n + (n < len);
	}
	return false;
}

int ctk_controller_v1_off(const char *ctrl, const char *cmdline)
{
	_cleanup_close_ int fd = open(cmdline ? cmdline : "/proc/cmdline",
				      O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	bool named = !strcmp(ctrl, "named");
	char buf[8192];
	ssize_t n;
	int off = 0;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* the kernel adds up every occurrence of each: any mention counts,
	 * and cgroup_disable= (off everywhere) says more */
	for (char *p = buf; *p;) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (len > 13 && !strncmp(p, "cgroup_no_v1=", 13) &&
		    list_names(p + 13, len - 13, ctrl, !named))
			off = off ? off : 1;
		else if (!named && len > 15 &&
			 !strncmp(p, "cgroup_disable=", 15) &&
			 list_names(p + 15, len - 15, ctrl, false))
			off = 2;
		p += len;
	}
	return off;
}

static const struct ctk_hier_ops v1_ops = {
	.label = "v1",
	.procs_file = "tasks",
	.thread_file = "tasks",
	.notify_file = "notify_on_release",
	.events_file = NULL,
	.notify_get = ctk_v1_notify_get,
	.kill = false,
	.freeze = false,	/* the freezer controller's freezer.state */
};

static const struct ctk_hier_ops v2_ops = {
	.label = "v2",
	.procs_file = "cgroup.procs",
	.thread_file = "cgroup.threads",
	.notify_file = NULL,	/* the trusted/user xattr marks */
	.events_file = "cgroup.events",
	.notify_get = ctk_v2_notify_get,
	.kill = true,
	.freeze = true,
};

const struct ctk_hier_ops *ctk_hier_ops(enum ctk_hier_type type)
{
	return type == CTK_HIER_V1 ? &v1_ops : &v2_ops;
}
