/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container-spec parser. Everything here is lexical: a spec is turned
 * into a hierarchy and a normalised path that can never leave it. The
 * kernel-facing resolution (openat2 beneath the root) is in container.c.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "ctk/spec.h"
#include "internal.h"

static int check_name(const char *s, size_t len, struct ctk_err *e)
{
	if (len > CTK_CNAME_MAX)
		return ctk_err_setx(e, ENAMETOOLONG, "container name longer "
				   "than %d bytes", CTK_CNAME_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return ctk_err_setx(e, EINVAL, "control character "
					   "(0x%02x) in a container name", c);
	}
	return 0;
}

int ctk_cpath_normalize(const char *in, char **out, struct ctk_err *e)
{
	size_t inlen = strlen(in), o = 0;
	char *buf;
	int rc;

	if (inlen > CTK_CPATH_MAX)
		return ctk_err_setx(e, ENAMETOOLONG, "path longer than %d bytes",
				   CTK_CPATH_MAX);
	buf = malloc(inlen + 2);
	if (!buf)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (const char *p = in; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.')) {
			/* empty or "." */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (o == 0) {
				free(buf);
				return ctk_err_setx(e, EINVAL, "'..' leads above "
						   "the hierarchy root");
			}
			while (o > 0 && buf[o - 1] != '/')
				o--;
			o--;	/* drop the '/' too */
		} else {
			rc = check_name(p, len, e);
			if (rc) {
				free(buf);
				return rc;
			}
			buf[o++] = '/';
			memcpy(buf + o, p, len);
			o += len;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	if (o == 0)
		buf[o++] = '/';
	buf[o] = '\0';
	*out = buf;
	return 0;
}

static int is_ctrl_name(const char *s, size_t len)
{
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "cpuacct,cpu" -> "cpu,cpuacct", a "name=X" item split off. */
static int parse_hier_part(const char *s, size_t len, struct ctk_spec *spec,
			   struct ctk_err *e)
{
	char *items[64], *copy = strndup(s, len), *save = NULL;
	size_t n = 0, total = 0;
	int rc = 0;

	if (!copy)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "name=", 5)) {
			if (spec->name) {
				rc = ctk_err_setx(e, EINVAL, "name= given twice");
				goto out;
			}
			if (!ctk_hierarchy_name_valid(tok + 5)) {
				rc = ctk_err_setx(e, EINVAL, "invalid hierarchy "
						 "name (allowed: A-Z a-z 0-9 . _ -,"
						 " up to 63 characters)");
				goto out;
			}
			spec->name = strdup(tok + 5);
			if (!spec->name) {
				rc = ctk_err_setx(e, ENOMEM, "out of memory");
				goto out;
			}
			continue;
		}
		if (!is_ctrl_name(tok, strlen(tok))) {
			/* the common slip: a hierarchy's name without name= */
			if (ctk_hierarchy_name_valid(tok))
				rc = ctk_err_setx(e, EINVAL, "invalid controller "
						  "name (a named hierarchy is "
						  "written name=%s)", tok);
			else
				rc = ctk_err_setx(e, EINVAL, "invalid controller "
						  "name");
			goto out;
		}
		if (n == CTK_ARRAY_SIZE(items)) {
			rc = ctk_err_setx(e, EINVAL, "too many controllers");
			goto out;
		}
		items[n++] = tok;
		total += strlen(tok) + 1;
	}
	if (!n && !spec->name) {
		rc = ctk_err_setx(e, EINVAL, "no controller or name before ':'");
		goto out;
	}
	if (n) {
		char *p;

		qsort(items, n, sizeof(items[0]), cmp_str);
		spec->controllers = p = malloc(total);
		if (!p) {
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			if (i && !strcmp(items[i], items[i - 1])) {
				rc = ctk_err_setx(e, EINVAL, "controller '%s' "
						 "given twice", items[i]);
				goto out;
			}
			p = stpcpy(p, items[i]);
			if (i + 1 < n)
				*p++ = ',';
		}
	}
out:
	free(copy);
	return rc;
}

int ctk_spec_parse(const char *s, struct ctk_spec *spec, struct ctk_err *e)
{
	const char *colon;
	int rc;

	memset(spec, 0, sizeof(*spec));
	if (!s || !*s)
		return ctk_err_setx(e, EINVAL, "empty container spec");
	if (strlen(s) > CTK_CPATH_MAX + 256)
		return ctk_err_setx(e, ENAMETOOLONG, "spec longer than %d bytes",
				   CTK_CPATH_MAX + 256);
	colon = strchr(s, ':');
	if (s[0] == '/' || s[0] == '.' || !colon) {
		/* A filesystem path: absolute, or relative to the cwd. */
		char *abs = NULL;

		spec->kind = CTK_SPEC_PATH;
		if (s[0] != '/') {
			char cwd[PATH_MAX];

			if (!getcwd(cwd, sizeof(cwd)))
				return ctk_err_set(e, errno, "cannot get the "
						   "current directory");
			if (asprintf(&abs, "%s/%s", cwd, s) < 0)
				return ctk_err_setx(e, ENOMEM, "out of memory");
		}
		rc = ctk_cpath_normalize(abs ? abs : s, &spec->path, e);
		free(abs);
		return rc;
	}
	if (colon == s) {
		spec->kind = CTK_SPEC_V2;
	} else {
		spec->kind = CTK_SPEC_V1;
		rc = parse_hier_part(s, (size_t)(colon - s), spec, e);
		if (rc) {
			ctk_spec_free(spec);
			return rc;
		}
	}
	rc = ctk_cpath_normalize(colon + 1, &spec->path, e);
	if (rc)
		ctk_spec_free(spec);
	return rc;
}

void ctk_spec_free(struct ctk_spec *spec)
{
	free(spec->controllers);
	free(spec->name);
	free(spec->path);
	memset(spec, 0, sizeof(*spec));
}

void ctk_target_free(struct ctk_target *t)
{
	free(t->cpath);
	free(t->rel);
	t->cpath = t->rel = NULL;
	t->hier = NULL;
}

/* Fill t->cpath and t->rel from a path below the mount's root. */
static int target_set(struct ctk_target *t, const struct ctk_hierarchy *hy,
		      const char *cpath, struct ctk_err *e)
{
	const char *root = hy->root ? hy->root : "/";
	const char *below = cpath;

	if (strcmp(root, "/"))
		below = cpath + strlen(root);
	while (*below == '/')
		below++;
	t->hier = hy;
	t->cpath = strdup(cpath);
	t->rel = strdup(*below ? below : ".");
	if (!t->cpath || !t->rel) {
		ctk_target_free(t);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	return 0;
}

/* Are all of the v1 @ctrls ("a,b") controllers of the v2 hierarchy in @h? */
static bool on_v2(const struct ctk_hierarchies *h, const char *ctrls)
{
	const struct ctk_hierarchy *v2 = ctk_hierarchy_find(h, CTK_HIER_V2,
							   NULL, NULL, NULL,
							   true);
	char have[1024];
	int fd;

	if (!v2 || !ctrls || (fd = ctk_hierarchy_borrow_fd(v2)) < 0 ||
	    ctk_cfile_read(fd, "cgroup.controllers", have, sizeof(have)) < 0)
		return false;
	for (const char *p = ctrls; *p;) {
		size_t len = strcspn(p, ",");

		if (!ctk_list_has(have, " \n", p, len))
			return false;
		p += len + (p[len] == ',');
	}
	return true;
}

int ctk_spec_resolve(const struct ctk_spec *spec,
		     const struct ctk_hierarchies *h, struct ctk_target *t,
		     struct ctk_err *e)
{
	const struct ctk_hierarchy *best = NULL;
	size_t best_len = 0;
	char *cpath = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if (spec->kind == CTK_SPEC_V2 || spec->kind == CTK_SPEC_V1) {
		enum ctk_hier_type type = spec->kind == CTK_SPEC_V2 ?
			CTK_HIER_V2 : CTK_HIER_V1;

		best = ctk_hierarchy_find(h, type, spec->name,
					  spec->controllers, spec->path, true);
		if (!best) {
			if (ctk_hierarchy_find(h, type, spec->name,
					       spec->controllers, NULL, false))
				return ctk_err_setx(e, ENOENT, "hierarchy is not "
						   "mounted here (or not at "
						   "that path)");
			if (type == CTK_HIER_V1 && !spec->name &&
			    on_v2(h, spec->controllers))
				return ctk_err_setx(e, ENOENT, "no such "
						   "hierarchy (%s is a "
						   "controller of cgroup v2 "
						   "here: write :%s)",
						   spec->controllers,
						   spec->path ? spec->path :
						   "/PATH");
			return ctk_err_setx(e, ENOENT, "no such hierarchy");
		}
		return target_set(t, best, spec->path, e);
	}
	/* A filesystem path: the mount point that is its longest prefix. */
	for (size_t i = 0; i < h->n; i++) {
		const char *tg = h->v[i].target;
		size_t len;

		if (!tg)
			continue;
		len = strlen(tg);
		if (len == 1 && tg[0] == '/')
			len = 0;
		if (strncmp(tg, spec->path, len) ||
		    (spec->path[len] != '/' && spec->path[len] != '\0'))
			continue;
		if (!best || len > best_len) {
			best = &h->v[i];
			best_len = len;
		}
	}
	if (!best)
		return ctk_err_setx(e, ENOENT, "not inside a mounted cgroup "
				   "hierarchy");
	/* cpath = mount root + the rest of the path */
	{
		const char *rest = spec->path + best_len;
		const char *root = best->root ? best->root : "/";

		if (asprintf(&cpath, "%s%s", strcmp(root, "/") ? root : "",
			     *rest ? rest : (strcmp(root, "/") ? "" : "/")) < 0)
			return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	rc = target_set(t, best, cpath, e);
	free(cpath);
	return rc;
}

int ctk_target_from_string(const char *s, const struct ctk_hierarchies *h,
			   struct ctk_target *t, struct ctk_err *e)
{
	struct ctk_spec spec;
	int rc = ctk_spec_parse(s, &spec, e);

	if (rc) {
		memset(t, 0, sizeof(*t));
		return rc;
	}
	rc = ctk_spec_resolve(&spec, h, t, e);
	ctk_spec_free(&spec);
	return rc;
}

int ctk_target_format(const struct ctk_target *t, char *buf, size_t size)
{
	char label[512];

	if (!t->hier)
		return snprintf(buf, size, "?");
	if (t->hier->type == CTK_HIER_V2)
		return snprintf(buf, size, ":%s", t->cpath);
	ctk_hierarchy_label(t->hier, label, sizeof(label));
	return snprintf(buf, size, "%s:%s", label, t->cpath);
}

char *ctk_target_rel_below(const struct ctk_target *t, const char *cpath)
{
	const char *below = cpath + strlen(t->cpath);
	char *rel;

	while (*below == '/')
		below++;
	if (!strcmp(t->rel, "."))
		return strdup(*below ? below : ".");
	if (asprintf(&rel, "%s%s%s", t->rel, *below ? "/" : "", below) < 0)
		return NULL;
	return rel;
}

int ctk_target_child(const struct ctk_target *t, const char *name,
		     struct ctk_target *child)
{
	bool top = !strcmp(t->cpath, "/");
	bool reltop = !strcmp(t->rel, ".");

	memset(child, 0, sizeof(*child));
	if (check_name(name, strlen(name), NULL) || !*name ||
	    strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	child->hier = t->hier;
	if (asprintf(&child->cpath, "%s/%s", top ? "" : t->cpath, name) < 0) {
		child->cpath = NULL;
		return -ENOMEM;
	}
	if (asprintf(&child->rel, "%s%s%s", reltop ? "" : t->rel,
		     reltop ? "" : "/", name) < 0) {
		child->rel = NULL;
		ctk_target_free(child);
		return -ENOMEM;
	}
	return 0;
}
