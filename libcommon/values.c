/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control file values (cgset's job): parsed from FILE=VALUE, read from a
 * container to be copied, written one line a write(2), since the kernel
 * takes one device or one key a write in the files of several lines.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "ctk/container.h"
#include "ctk/values.h"
#include "internal.h"

void ctk_values_free(struct ctk_values *vals)
{
	for (size_t i = 0; i < vals->n; i++) {
		free(vals->v[i].file);
		free(vals->v[i].value);
	}
	free(vals->v);
	memset(vals, 0, sizeof(*vals));
}

int ctk_values_add(struct ctk_values *vals, const char *file,
		   const char *value, bool if_differs)
{
	struct ctk_value *v;

	if (CTK_GROW(vals->v, vals->cap, vals->n, 8))
		return -ENOMEM;
	v = &vals->v[vals->n];
	v->file = strdup(file);
	v->value = strdup(value);
	v->if_differs = if_differs;
	if (!v->file || !v->value) {
		free(v->file);
		free(v->value);
		return -ENOMEM;
	}
	vals->n++;
	return 0;
}

/* The files another option owns, and what to use instead. */
static const struct {
	const char *file, *instead;
} owned[] = {
	{ "tasks", "cattach moves tasks" },
	{ "cgroup.procs", "cattach moves tasks" },
	{ "cgroup.threads", "cattach moves tasks" },
	{ "cgroup.subtree_control", "use --enable" },
	{ "cgroup.kill", "use crelease --remove --kill" },
	{ "release_agent", "use cmount --set-release-agent" },
};

int ctk_value_check_name(const char *file, struct ctk_err *e)
{
	size_t len = strlen(file);

	if (!len)
		return ctk_err_setx(e, EINVAL, "empty control file name");
	if (len > CTK_CNAME_MAX)
		return ctk_err_setx(e, EINVAL, "control file name longer than "
				    "%d bytes", CTK_CNAME_MAX);
	if (strchr(file, '/') || file[0] == '.')
		return ctk_err_setx(e, EINVAL, "a control file is a plain name "
				    "(no '/', no leading '.')");
	for (const char *p = file; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '=')
			return ctk_err_setx(e, EINVAL, "control file names have "
					    "no blanks, '=' or control "
					    "characters");
	for (size_t i = 0; i < CTK_ARRAY_SIZE(owned); i++)
		if (!strcmp(file, owned[i].file))
			return ctk_err_setx(e, EINVAL, "%s is not a value (%s)",
					    file, owned[i].instead);
	return 0;
}

int ctk_value_parse(const char *arg, struct ctk_values *vals,
		    struct ctk_err *e)
{
	const char *eq = strchr(arg, '=');
	char file[CTK_CNAME_MAX + 1];
	size_t len;
	int rc;

	if (!eq)
		return ctk_err_setx(e, EINVAL, "'%.64s': expected FILE=VALUE",
				    arg);
	len = (size_t)(eq - arg);
	if (len > CTK_CNAME_MAX)
		return ctk_err_setx(e, EINVAL, "control file name longer than "
				    "%d bytes", CTK_CNAME_MAX);
	memcpy(file, arg, len);
	file[len] = '\0';
	rc = ctk_value_check_name(file, e);
	if (rc)
		return rc;
	if (ctk_values_add(vals, file, eq + 1, false))
		return ctk_err_setx(e, ENOMEM, "out of memory");
	return 0;
}

/* Does @name end with @suffix? */
static bool ends_with(const char *name, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);

	return len >= sl && !strcmp(name + len - sl, suffix);
}

bool ctk_value_is_setting(const char *name)
{
	/* control state, counters, triggers: never a setting to carry */
	static const char *const prefix[] = { "cgroup.", "freezer.",
					      "cpuacct." };
	/*
	 * What the kernel makes read-only (its statistics and state) or
	 * resets on a write. A file's mode does not say it: root and the
	 * owner may give a read-only file write bits (-f 0644), and root
	 * opens any of them for writing; the kernel refuses the write alone.
	 */
	static const char *const suffix[] = {
		".stat", ".stat.local", ".numa_stat", ".current", ".events",
		".events.local", ".peak", ".effective", ".pressure",
		"failcnt", "usage_in_bytes",
	};
	static const char *const skip[] = {
		"memory.force_empty", "memory.oom_control",
		"memory.pressure_level", "memory.reclaim",
		"memory.kmem.slabinfo", "devices.list", "devices.allow",
		"devices.deny", "cpuset.memory_pressure",
		"cpuset.effective_cpus", "cpuset.effective_mems",
		"net_prio.prioidx", "misc.capacity", "blkio.reset_stats",
	};
	size_t len = strlen(name);

	if (!strchr(name, '.') || ctk_value_check_name(name, NULL))
		return false;	/* tasks, notify_on_release, release_agent */
	for (size_t i = 0; i < CTK_ARRAY_SIZE(prefix); i++)
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return false;
	for (size_t i = 0; i < CTK_ARRAY_SIZE(suffix); i++)
		if (ends_with(name, len, suffix[i]))
			return false;
	for (size_t i = 0; i < CTK_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return false;
	/* v1 blkio: its weights and throttles; the rest are statistics */
	if (!strncmp(name, "blkio.", 6))
		return strstr(name, "weight") ||
		       (!strncmp(name, "blkio.throttle.", 15) &&
			ends_with(name, len, "_device"));
	return true;
}

static int cmp_value(const void *a, const void *b)
{
	return strcmp(((const struct ctk_value *)a)->file,
		      ((const struct ctk_value *)b)->file);
}

/* A value as read, without the kernel's last newline. */
static void chomp(char *s, size_t *len)
{
	while (*len && s[*len - 1] == '\n')
		s[--*len] = '\0';
}

int ctk_values_read_fd(int dirfd, struct ctk_values *out, struct ctk_err *e)
{
	DIR *d = ctk_fdopendir_dup(dirfd);
	struct dirent *de;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!d)
		return ctk_err_set(e, errno, "cannot list control files");
	while (!rc && (de = readdir(d))) {
		_cleanup_free_ char *val = NULL;
		struct stat st;
		size_t len;
		int r;

		if (de->d_type != DT_REG || !ctk_value_is_setting(de->d_name))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		r = ctk_cfile_read_alloc(dirfd, de->d_name, &val, &len);
		if (r == -ENOENT || r == -EOPNOTSUPP || r == -EINVAL ||
		    r == -ENODEV)
			continue;	/* gone, or not readable after all */
		if (r < 0) {
			rc = ctk_err_at(e, -r, de->d_name, "cannot read");
			break;
		}
		chomp(val, &len);
		if (ctk_values_add(out, de->d_name, val, true))
			rc = ctk_err_setx(e, ENOMEM, "out of memory");
	}
	closedir(d);
	if (rc)
		ctk_values_free(out);
	else if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_value);
	return rc;
}

int ctk_values_read(const struct ctk_target *t, struct ctk_values *out,
		    struct ctk_err *e)
{
	int fd = ctk_container_open(t), rc;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return ctk_err_open(e, -fd, NULL);
	rc = ctk_values_read_fd(fd, out, e);
	close(fd);
	return rc;
}

static const char *write_word(int err)
{
	switch (err) {
	case EINVAL:
	case ERANGE:
	case EOVERFLOW:
		return "invalid value";
	case ENOENT:
		return "no such control file (is its controller enabled?)";
	case EACCES:
	case EPERM:
		return "not allowed to write it";
	case EBUSY:
		return "the kernel refuses it now (in use)";
	case ENOSPC:
		return "no room for it (a limit above the parent's?)";
	case EISDIR:
	case ELOOP:
	case EXDEV:
		return "not a control file";
	default:
		return "cannot write it";
	}
}

/* Is @want what @dirfd's @file holds now? */
static bool same_value(int dirfd, const char *file, const char *want)
{
	_cleanup_free_ char *have = NULL;
	size_t len, wlen = strlen(want);

	if (ctk_cfile_read_alloc(dirfd, file, &have, &len) < 0)
		return false;
	chomp(have, &len);
	while (wlen && want[wlen - 1] == '\n')
		wlen--;
	return len == wlen && !memcmp(have, want, len);
}

int ctk_value_write(int dirfd, const struct ctk_value *val, struct ctk_err *e)
{
	const char *p = val->value;

	if (val->if_differs && same_value(dirfd, val->file, val->value))
		return 0;
	do {
		size_t len = strcspn(p, "\n");
		_cleanup_free_ char *line = strndup(p, len);
		int rc;

		if (!line)
			return ctk_err_setx(e, ENOMEM, "out of memory");
		/* an empty value is an empty line, as `echo > FILE` writes
		 * it (cpuset.cpus= clears): a write of 0 bytes reaches no
		 * kernel handler, and would say success for nothing */
		rc = ctk_cfile_write(dirfd, val->file, *line ? line : "\n");
		if (rc == -ENOENT)	/* the words say all of it */
			return ctk_err_atx(e, ENOENT, val->file, "%s",
					    write_word(ENOENT));
		if (rc)
			return ctk_err_at(e, -rc, val->file, "%s",
					   write_word(-rc));
		p += len;
		while (*p == '\n')
			p++;
	} while (*p);
	return 0;
}
