/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directory of a file that root writes (a log, an image) is walked one
 * name at a time and judged as OpenSSH's StrictModes judges a path: a
 * directory that another user can change (rename an entry, put a symlink
 * in its place) could send root's write anywhere.
 */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctk/path.h"
#include "internal.h"

#define MAX_LINKS 40

bool ctk_path_owner_trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* Nobody but root or the caller can change what is in it. */
static bool dir_trusted(const struct stat *st)
{
	return ctk_path_owner_trusted(st->st_uid) &&
	       (!(st->st_mode & (S_IWGRP | S_IWOTH)) ||
		(st->st_mode & S_ISVTX));
}

static int check_dir(int fd, const char *shown, struct ctk_err *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return ctk_err_at(e, errno, shown, "cannot stat");
	if (!S_ISDIR(st.st_mode))
		return ctk_err_atx(e, ENOTDIR, shown, "not a directory");
	if (!dir_trusted(&st))
		return ctk_err_atx(e, EPERM, shown, "a directory that another "
				    "user can change (owner %u, mode %04o): "
				    "refused", (unsigned)st.st_uid,
				    (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Walk @rel (@len bytes) from the trusted directory *@dfd, which it
 * replaces; symlinks counted in *@links. */
static int walk(int *dfd, const char *rel, size_t len, int *links,
		struct ctk_err *e)
{
	const char *p = rel, *end = rel + len;

	while (p < end) {
		size_t n = 0;
		char name[NAME_MAX + 1], target[PATH_MAX];
		struct stat st;
		ssize_t tl;
		int nfd, rc;

		while (p + n < end && p[n] != '/')
			n++;
		if (n == 0 || (n == 1 && *p == '.')) {
			p += n + 1;
			continue;
		}
		if (n > NAME_MAX)
			return ctk_err_setx(e, ENAMETOOLONG, "a name too long");
		memcpy(name, p, n);
		name[n] = '\0';
		p += n + 1;
		if (fstatat(*dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return ctk_err_at(e, errno, name, NULL);
		if (S_ISLNK(st.st_mode)) {
			if (!ctk_path_owner_trusted(st.st_uid))
				return ctk_err_atx(e, ELOOP, name, "a symbolic "
						    "link another user owns: "
						    "not followed");
			if (++*links > MAX_LINKS)
				return ctk_err_setx(e, ELOOP, "too many "
						    "symbolic links");
			tl = readlinkat(*dfd, name, target, sizeof(target) - 1);
			if (tl < 0)
				return ctk_err_at(e, errno, name, NULL);
			target[tl] = '\0';
			if (target[0] == '/') {
				nfd = open("/", O_PATH | O_DIRECTORY |
					   O_CLOEXEC);
				if (nfd < 0)
					return ctk_err_set(e, errno, "/");
				rc = check_dir(nfd, "/", e);
				if (rc) {
					close(nfd);
					return rc;
				}
				close(*dfd);
				*dfd = nfd;
			}
			rc = walk(dfd, target, (size_t)tl, links, e);
			if (rc)
				return rc;
			continue;
		}
		nfd = openat(*dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			     O_CLOEXEC);
		if (nfd < 0)
			return ctk_err_at(e, errno, name, NULL);
		rc = check_dir(nfd, name, e);
		if (rc) {
			close(nfd);
			return rc;
		}
		close(*dfd);
		*dfd = nfd;
	}
	return 0;
}

int ctk_path_open_parent(const char *path, const char **leaf,
			 struct ctk_err *e)
{
	const char *slash = strrchr(path, '/');
	int dfd, links = 0, rc;

	*leaf = slash ? slash + 1 : path;
	if (!**leaf || !strcmp(*leaf, ".") || !strcmp(*leaf, ".."))
		return ctk_err_setx(e, EISDIR, "names a directory, not a file");
	dfd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY |
		   O_CLOEXEC);
	if (dfd < 0)
		return ctk_err_set(e, errno, "cannot open %s",
				   path[0] == '/' ? "/" : "the directory");
	rc = check_dir(dfd, path[0] == '/' ? "/" : ".", e);
	if (!rc && slash)
		rc = walk(&dfd, path, (size_t)(slash - path), &links, e);
	if (rc) {
		close(dfd);
		return rc;
	}
	return dfd;
}

int ctk_read_regular_file(const char *path, size_t max, char **out,
			  size_t *len, struct ctk_err *e)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	size_t n = 0;
	char *buf;

	*out = NULL;
	if (fd < 0)
		return ctk_err_set(e, errno, "cannot open");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ctk_err_setx(e, EINVAL, "not a regular file");
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return ctk_err_setx(e, E2BIG, "longer than %zu bytes", max);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return ctk_err_setx(e, ENOMEM, "out of memory");
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		free(buf);
		return ctk_err_setx(e, EINVAL, "a NUL byte: refused");
	}
	*out = buf;
	*len = n;
	return 0;
}
