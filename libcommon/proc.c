/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * /proc, read in one place: a task's state, flags, parent, owners and
 * name; its numbers at every pid-namespace level (the NS* lines); its
 * container path in a hierarchy.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctk/container.h"
#include "ctk/proc.h"
#include "internal.h"

/* NS* columns: up to 32 nested pid namespaces and the initial one */
#define PROC_LEVELS_MAX	33

int ctk_parse_pid(const char *s, pid_t *pid)
{
	long v = 0;

	if (!s || !*s || strlen(s) > 7)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	if (v < 1 || v > 4194304)
		return -ERANGE;
	*pid = (pid_t)v;
	return 0;
}

/*
 * /proc/PID/FILE for a pid of this process's pid namespace. This process
 * itself is /proc/self: in a new pid namespace whose /proc is still the
 * parent's (unshare --pid --fork without --mount-proc), getpid() is 1 there
 * and /proc/1 is another process.
 */
static void proc_path(char *buf, size_t size, pid_t pid, const char *file)
{
	if (pid == getpid())
		snprintf(buf, size, "/proc/self/%s", file);
	else
		snprintf(buf, size, "/proc/%d/%s", (int)pid, file);
}

int ctk_proc_info(pid_t pid, struct ctk_proc_info *pi)
{
	char path[64], buf[2048], *p;
	ssize_t n;
	int fd;

	memset(pi, 0, sizeof(*pi));
	proc_path(path, sizeof(path), pid, "stat");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* comm may hold spaces and ')': the last ')' ends it */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	{
		char *open_paren = strchr(buf, '(');
		size_t len = open_paren ? (size_t)(p - open_paren - 1) : 0;

		if (len >= sizeof(pi->comm))
			len = sizeof(pi->comm) - 1;
		if (open_paren)
			memcpy(pi->comm, open_paren + 1, len);
	}
	/* fields after comm: state ppid pgrp session tty tpgid flags */
	{
		int ppid;
		unsigned long flags;

		if (sscanf(p + 2, "%c %d %*d %*d %*d %*d %lu", &pi->state,
			   &ppid, &flags) != 3)
			return -EINVAL;
		pi->ppid = ppid;
		pi->flags = flags;
	}
	proc_path(path, sizeof(path), pid, "status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			unsigned u, g;

			buf[n] = '\0';
			p = strstr(buf, "\nUid:");
			if (p && sscanf(p + 5, "%u", &u) == 1)
				pi->uid = u;
			p = strstr(buf, "\nGid:");
			if (p && sscanf(p + 5, "%u", &g) == 1)
				pi->gid = g;
		}
	}
	return 0;
}

static bool line_matches(const struct ctk_hierarchy *hy, const char *line)
{
	const char *c1 = strchr(line, ':'), *c2;
	char list[512];
	char *name = NULL;
	size_t len;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return false;
	if (hy->type == CTK_HIER_V2)
		return !strncmp(line, "0::", 3);
	if (hy->hier_id > 0)
		return strtol(line, NULL, 10) == hy->hier_id;
	len = (size_t)(c2 - c1 - 1);
	if (len >= sizeof(list))
		return false;
	memcpy(list, c1 + 1, len);
	list[len] = '\0';
	/* "name=x,cpu" -> name x, controllers "cpu" */
	{
		char ctrls[512] = "", *save = NULL;

		for (char *tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!strncmp(tok, "name=", 5)) {
				name = tok + 5;
				continue;
			}
			if (ctrls[0])
				strncat(ctrls, ",", sizeof(ctrls) - strlen(ctrls) - 1);
			strncat(ctrls, tok, sizeof(ctrls) - strlen(ctrls) - 1);
		}
		if ((hy->name == NULL) != (name == NULL))
			return false;
		if (name && strcmp(name, hy->name))
			return false;
		return ctk_hierarchy_has_controllers(hy, ctrls);
	}
}

int ctk_proc_cgroup_read(pid_t pid, char **out)
{
	size_t cap = 4096, got = 0;
	char path[64], *buf = NULL;
	ssize_t n;
	int fd;

	proc_path(path, sizeof(path), pid, "cgroup");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	for (;;) {
		if (!buf || got + 1 >= cap) {
			size_t ncap = buf ? cap * 2 : cap;
			char *nb = ncap <= (1u << 24) ? realloc(buf, ncap) : NULL;

			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	n = n < 0 ? -errno : 0;
	close(fd);
	if (n || got == 0) {
		free(buf);
		return n ? (int)n : -ESRCH;	/* a reaped task has no lines */
	}
	buf[got] = '\0';
	*out = buf;
	return 0;
}

int ctk_proc_cgroup_find(const char *lines, const struct ctk_hierarchy *hy,
			 char *buf, size_t size)
{
	for (const char *line = lines; *line;) {
		size_t len = strcspn(line, "\n");

		/* a cgroup name holds no newline (the kernel refuses one) */
		if (line_matches(hy, line)) {
			const char *p = strchr(strchr(line, ':') + 1, ':') + 1;

			if (p > line + len)
				return -EINVAL;
			snprintf(buf, size, "%.*s", (int)(line + len - p), p);
			return 0;
		}
		line += len + (line[len] == '\n');
	}
	return -ENOENT;
}

int ctk_proc_cgroup_path(pid_t pid, const struct ctk_hierarchy *hy,
			 char *buf, size_t size)
{
	char *lines;
	int rc = ctk_proc_cgroup_read(pid, &lines);

	if (rc)
		return rc;
	rc = ctk_proc_cgroup_find(lines, hy, buf, size);
	free(lines);
	return rc;
}

int ctk_proc_ns_line(const char *buf, const char *name, uint32_t *out,
		     uint32_t max, uint32_t *n)
{
	const char *p = strstr(buf, name);
	uint32_t k = 0;

	if (!p)
		return -ENOENT;
	p += strlen(name);
	while (*p && *p != '\n') {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		if (k == max)
			return -E2BIG;
		out[k++] = (uint32_t)v;
		p = end;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	*n = k;
	return k ? 0 : -EINVAL;
}

long ctk_sysctl_num(const char *name)
{
	char buf[32], path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* In the child born in the namespace: its pid_max, then ns_last_pid given
 * back (only when no one took a number since: the namespace is held). */
static void ns_reader(int out)
{
	uint32_t v = (uint32_t)ctk_sysctl_num("kernel/pid_max");
	pid_t me = getpid();

	if (ctk_sysctl_num("kernel/ns_last_pid") == me && me > 1) {
		char buf[16];
		int fd = open("/proc/sys/kernel/ns_last_pid",
			      O_WRONLY | O_CLOEXEC);
		int n = snprintf(buf, sizeof(buf), "%d", (int)me - 1);

		if (fd >= 0) {
			if (write(fd, buf, (size_t)n) < 0) {
				/* the pid it took stays taken: harmless */
			}
			close(fd);
		}
	}
	_exit(write(out, &v, sizeof(v)) == (ssize_t)sizeof(v) ? 0 : 1);
}

/*
 * pid_max as a process born in a pid namespace reads it: the one of
 * @pidfd's process (setns), or a new one (@pidfd < 0: unshare). Both only
 * set the namespace of the children, so a child does it and its child
 * reads.
 */
static int pid_max_in(int pidfd, uint32_t *pid_max)
{
	int fd[2], err = 0;
	uint32_t v = 0;
	pid_t c;

	if (pipe2(fd, O_CLOEXEC) < 0)
		return -errno;
	c = fork();
	if (c == 0) {
		pid_t g;

		close(fd[0]);
		if (pidfd >= 0 ? setns(pidfd, CLONE_NEWPID) :
				 unshare(CLONE_NEWPID))
			_exit(1);
		g = fork();
		if (g == 0)
			ns_reader(fd[1]);
		_exit(g > 0 && waitpid(g, NULL, 0) == g ? 0 : 1);
	}
	if (c < 0)
		err = -errno;
	close(fd[1]);
	if (c > 0 && read(fd[0], &v, sizeof(v)) != (ssize_t)sizeof(v))
		err = -ESRCH;	/* the namespace is dying, or gone */
	close(fd[0]);
	if (c > 0)
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
	if (!err && !v)
		err = -EIO;
	if (!err)
		*pid_max = v;
	return err;
}

int ctk_proc_ns_pid_max(pid_t init, uint32_t *pid_max)
{
	int pfd = (int)syscall(SYS_pidfd_open, init, 0), rc;

	if (pfd < 0)
		return -errno;
	rc = pid_max_in(pfd, pid_max);
	close(pfd);
	return rc;
}

int ctk_proc_new_ns_pid_max(uint32_t *pid_max)
{
	return pid_max_in(-1, pid_max);
}

int ctk_proc_inner_pid(pid_t pid, uint32_t *inner)
{
	char path[40], buf[4096];
	uint32_t num[PROC_LEVELS_MAX], n = 0;
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;
	ssize_t len;

	*inner = 0;
	if (dfd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%d/status", (int)pid);
	len = ctk_cfile_read(dfd, path, buf, sizeof(buf));
	close(dfd);
	if (len < 0)
		return len == -ENOENT ? -ESRCH : (int)len;
	rc = ctk_proc_ns_line(buf, "\nNSpid:", num, PROC_LEVELS_MAX, &n);
	if (rc)
		return rc == -ENOENT ? -ENOSYS : rc;	/* before 4.1 */
	*inner = num[n - 1];
	return 0;
}


/* The children of this process (of each of its threads), from
 * /proc/self/task/TID/children, appended to *@v. -errno. */
static int read_children(pid_t **v, size_t *n, size_t *cap)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -errno;
	while (!rc && (de = readdir(d))) {
		char path[64], buf[8192], *p, *end;
		int fd;
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%.20s/children",
			 de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT)	/* a thread that just ended */
				rc = -errno;
			continue;
		}
		/* space-separated pids, read whole in pieces */
		p = buf;
		while ((len = read(fd, p, sizeof(buf) - 1 - (size_t)(p - buf))) > 0) {
			char *last;

			p[len] = '\0';
			last = strrchr(buf, ' ');
			for (char *q = buf; last && q < last; q = end) {
				long pid = strtol(q, &end, 10);

				if (end == q)
					break;
				if (pid > 0 && CTK_GROW(*v, *cap, *n, 64)) {
					rc = -ENOMEM;
					break;
				}
				if (pid > 0)
					(*v)[(*n)++] = (pid_t)pid;
				while (*end == ' ')
					end++;
			}
			/* keep the unfinished number for the next piece */
			if (last) {
				size_t rest = strlen(last + 1);

				memmove(buf, last + 1, rest + 1);
				p = buf + rest;
			} else {
				p += len;
			}
		}
		if (len < 0)
			rc = -errno;
		close(fd);
	}
	closedir(d);
	return rc;
}

int ctk_kill_descendants(void)
{
	pid_t *v = NULL;
	size_t cap = 0;
	int killed = 0;

	for (unsigned idle = 0; idle < 2000;) {
		size_t n = 0;
		bool reaped = false;
		int rc = read_children(&v, &n, &cap);
		pid_t w;

		if (rc) {
			free(v);
			return rc;
		}
		for (size_t i = 0; i < n; i++)
			if (kill(v[i], SIGKILL) == 0)
				killed++;
		while ((w = waitpid(-1, NULL, WNOHANG | __WALL)) > 0)
			reaped = true;
		if (w < 0 && errno == ECHILD)
			break;
		if (!reaped) {
			struct timespec ts = { 0, 5000000L };

			idle++;
			nanosleep(&ts, NULL);
		}
	}
	free(v);
	return killed;
}

int ctk_proc_cmdline(pid_t pid, char *buf, size_t size)
{
	struct ctk_proc_info pi;
	char path[64];
	ssize_t n;
	int fd, rc;

	if (!size)
		return -EINVAL;
	proc_path(path, sizeof(path), pid, "cmdline");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, size - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t k = 0; k < n; k++)
		if (buf[k] == '\0')
			buf[k] = ' ';
	buf[n] = '\0';
	if (n)
		return 0;
	rc = ctk_proc_info(pid, &pi);
	if (rc)
		return rc;
	snprintf(buf, size, "[%s]", pi.comm);
	return 0;
}

int ctk_proc_status_field(pid_t pid, const char *key, char *out, size_t size)
{
	char path[40], *buf = NULL, *p, *end;
	size_t klen = strlen(key), len;
	int fd, rc;

	/* /proc/self is a link to follow: this process's own, whatever
	 * pid namespace /proc was mounted from */
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	rc = ctk_fd_read_all(fd, 4096, 1 << 16, &buf, &len);
	close(fd);
	if (rc)
		return rc;
	for (p = buf; p; p = (end = strchr(p, '\n')) ? end + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			break;
	rc = -ENOENT;
	if (p && size) {
		p += klen + 1;
		p += strspn(p, " \t");
		len = strcspn(p, "\n");
		if (len >= size)
			len = size - 1;
		memcpy(out, p, len);
		out[len] = '\0';
		rc = 0;
	}
	free(buf);
	return rc;
}
