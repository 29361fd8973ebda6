/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <dlfcn.h>
#include <libcgroup.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "ctk/attach.h"
#include "ctk/cgconf.h"
#include "internal.h"

/*
 * libcgroup is loaded only when --config or --rules needs it: linked in,
 * it would cost every cattach and cmkdir call its load time. The header
 * still types every entry point.
 */
static struct {
	bool tried;
	void *dl;
	__typeof__(cgroup_init) *init;
	__typeof__(cgroup_config_load_config) *load_config;
	__typeof__(cgroup_change_cgroup_flags) *change_flags;
	__typeof__(cgroup_strerror) *strerror;
	__typeof__(cgroup_get_last_errno) *last_errno;
} cg;

static int cg_load(struct ctk_err *e)
{
	if (cg.dl)
		return 0;
	if (cg.tried)
		return ctk_err_setx(e, ENOSYS, "libcgroup is not available");
	cg.tried = true;
	cg.dl = dlopen(CTK_LIBCGROUP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!cg.dl)
		return ctk_err_setx(e, ENOSYS, "cannot load %s: %s",
				   CTK_LIBCGROUP_SONAME, dlerror());
	cg.init = (__typeof__(cg.init))dlsym(cg.dl, "cgroup_init");
	cg.load_config = (__typeof__(cg.load_config))
		dlsym(cg.dl, "cgroup_config_load_config");
	cg.change_flags = (__typeof__(cg.change_flags))
		dlsym(cg.dl, "cgroup_change_cgroup_flags");
	cg.strerror = (__typeof__(cg.strerror))dlsym(cg.dl, "cgroup_strerror");
	cg.last_errno = (__typeof__(cg.last_errno))
		dlsym(cg.dl, "cgroup_get_last_errno");
	if (!cg.init || !cg.load_config || !cg.change_flags || !cg.strerror ||
	    !cg.last_errno) {
		dlclose(cg.dl);
		cg.dl = NULL;
		return ctk_err_setx(e, ENOSYS, "%s lacks an entry point",
				   CTK_LIBCGROUP_SONAME);
	}
	return 0;
}

const char *ctk_cgroup_strerror(int code)
{
	if (code == ECGNONEMPTY)
		return "container is not empty";
	if (!cg.dl)
		return "libcgroup error";
	if (code == ECGOTHER)
		return strerror(cg.last_errno());
	if (code < ECGROUPNOTCOMPILED || code > ECGNONEMPTY)
		return "unknown libcgroup error";
	return cg.strerror(code);
}

/* A group name is safe when every component is a plain name. */
static int check_group_name(const char *name, int line, struct ctk_err *e)
{
	const char *p = name;

	if (*name == '/')
		return ctk_err_setx(e, EINVAL, "line %d: group '%.64s': absolute "
				   "names are refused", line, name);
	while (*p) {
		size_t len = strcspn(p, "/");

		if ((len == 2 && !strncmp(p, "..", 2)) ||
		    (len == 1 && *p == '.'))
			return ctk_err_setx(e, EINVAL, "line %d: group '%.64s': "
					   "'.' and '..' are refused (libcgroup "
					   "would leave cgroupfs)", line, name);
		p += len;
		if (*p == '/')
			p++;
	}
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ctk_err_setx(e, EINVAL, "line %d: control "
					   "character in a group name", line);
	return 0;
}

/*
 * libcgroup's lexer takes a name as a run of [A-Za-z0-9_-/.,%@\\] or a
 * quoted string, which may span lines. This scan is stricter: anything it
 * cannot see whole (a line or a word longer than its buffers, a quote not
 * closed on its line) is refused, never cut and scanned as if it were
 * something else.
 */
#define CGCONF_LINE_MAX	4096

int ctk_cgconfig_check(const char *path, struct ctk_err *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	bool want_name = false;
	ssize_t ll;

	if (!f)
		return ctk_err_set(e, errno, "%s: cannot open", path);
	/* a token scan: the word after "group" or "template" is a name */
	while ((ll = getline(&line, &cap, f)) > 0) {
		const char *p = line;

		lineno++;
		if (ll > CGCONF_LINE_MAX)
			return ctk_err_setx(e, E2BIG, "line %d: longer than %d "
					   "bytes: refused", lineno,
					   CGCONF_LINE_MAX);
		if (strlen(line) != (size_t)ll)
			return ctk_err_setx(e, EINVAL, "line %d: a NUL byte: "
					   "refused", lineno);
		while (*p) {
			char tok[1024];
			size_t len;

			while (*p && isspace((unsigned char)*p))
				p++;
			if (*p == '#' || !*p)
				break;
			if (*p == '{' || *p == '}' || *p == ';' || *p == '=') {
				p++;
				want_name = false;
				continue;
			}
			const char *start = p, *end;

			if (*p == '"') {
				end = strchr(++start, '"');
				if (!end)
					return ctk_err_setx(e, EINVAL, "line %d: "
							   "a quote not closed "
							   "on its line", lineno);
				p = end + 1;
			} else {
				end = p + strcspn(p, " \t\r\n{};=#\"");
				p = end;
			}
			len = (size_t)(end - start);
			if (len >= sizeof(tok))
				return ctk_err_setx(e, E2BIG, "line %d: a word "
						   "longer than %zu bytes: "
						   "refused", lineno,
						   sizeof(tok) - 1);
			memcpy(tok, start, len);
			tok[len] = '\0';
			if (want_name) {
				int rc = check_group_name(tok, lineno, e);

				if (rc)
					return rc;
				want_name = false;
			} else if (!strcmp(tok, "group") ||
				   !strcmp(tok, "template")) {
				want_name = true;
			}
		}
	}
	if (ferror(f))
		return ctk_err_set(e, EIO, "%s: cannot read", path);
	return 0;
}

int ctk_cgconfig_load(const char *path, struct ctk_err *e)
{
	int rc = ctk_cgconfig_check(path, e);

	if (rc)
		return rc;
	rc = cg_load(e);
	if (rc)
		return rc;
	rc = cg.load_config(path);
	if (rc)
		return ctk_err_set(e, rc == ECGOTHER ? cg.last_errno() : EIO,
				   "libcgroup: %s", ctk_cgroup_strerror(rc));
	return 0;
}

int ctk_cgrules_classify(pid_t pid, struct ctk_err *e)
{
	static bool inited;
	struct ctk_proc_info pi;
	char exe[64], procname[PATH_MAX];
	ssize_t n;
	int rc;

	rc = ctk_proc_info(pid, &pi);
	if (rc)
		return ctk_err_set(e, -rc, "no such process");
	if (pi.flags & CTK_PF_KTHREAD)
		return ctk_err_setx(e, EINVAL, "a kernel thread cannot be moved");
	if (!inited) {
		rc = cg_load(e);
		if (rc)
			return rc;
		rc = cg.init();
		if (rc)
			return ctk_err_setx(e, EIO, "libcgroup: %s",
					   ctk_cgroup_strerror(rc));
		inited = true;
	}
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	n = readlink(exe, procname, sizeof(procname) - 1);
	if (n < 0)
		snprintf(procname, sizeof(procname), "%s", pi.comm);
	else
		procname[n] = '\0';
	rc = cg.change_flags(pi.uid, pi.gid, procname, pid, 0);
	if (rc)
		return ctk_err_set(e, rc == ECGOTHER ? cg.last_errno() : EIO,
				   "libcgroup: %s", ctk_cgroup_strerror(rc));
	return 0;
}
