/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "ctk/attach.h"
#include "ctk/container.h"

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

int ctk_proc_info(pid_t pid, struct ctk_proc_info *pi)
{
	char path[64], buf[2048], *p;
	ssize_t n;
	int fd;

	memset(pi, 0, sizeof(*pi));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
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
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
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

int ctk_proc_cgroup_path(pid_t pid, const struct ctk_hierarchy *hy,
			 char *buf, size_t size)
{
	char path[64], line[4096 + 256];
	FILE *f;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (!line_matches(hy, line))
			continue;
		p = strchr(strchr(line, ':') + 1, ':') + 1;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, size, "%s", p);
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

int ctk_attach(int cgfd, const struct ctk_target *t, pid_t pid, bool thread,
	       struct ctk_err *e)
{
	const char *file = !thread ? "cgroup.procs" :
			   t->hier->type == CTK_HIER_V1 ? "tasks" :
			   "cgroup.threads";
	struct ctk_proc_info pi;
	char num[16], now[4096 + 8];
	int rc;

	rc = ctk_proc_info(pid, &pi);
	if (rc)
		return ctk_err_set(e, -rc, "%s", rc == -ESRCH ?
				   "no such process" : "cannot read /proc");
	if (pi.flags & CTK_PF_KTHREAD)
		return ctk_err_set(e, EINVAL, "a kernel thread cannot be moved");
	if (pi.state == 'Z' || pi.state == 'X')
		return ctk_err_set(e, ESRCH, "process is a zombie (it has "
				   "exited; nothing would move)");
	snprintf(num, sizeof(num), "%d", (int)pid);
	rc = ctk_cfile_write(cgfd, file, num);
	if (rc) {
		const char *why = ctk_explain(CTK_OP_ATTACH, -rc);

		return ctk_err_set(e, -rc, "%s", why ? why : "cannot move");
	}
	/* verify: the kernel says success for some moves that do not happen */
	rc = ctk_proc_cgroup_path(pid, t->hier, now, sizeof(now));
	if (rc == -ESRCH)
		return ctk_err_set(e, ESRCH, "process exited during the move");
	if (rc)
		return ctk_err_set(e, -rc, "cannot verify the move");
	if (strcmp(now, t->cpath)) {
		/* a cgroup namespace shows paths relative to its root */
		size_t ln = strlen(now), lt = strlen(t->cpath);

		if (!(ln <= lt && !strcmp(t->cpath + lt - ln, now) &&
		      (ln == 1 || t->cpath[lt - ln] == '/' || ln == lt)))
			return ctk_err_set(e, EAGAIN, "did not move (still in "
					   "%.200s)", now);
	}
	/* v2: the container has been populated, for a watcher that starts
	 * after it empties (only root can say so; others leave it) */
	if (t->hier->type == CTK_HIER_V2 && geteuid() == 0)
		ctk_v2_arm(cgfd);
	return 0;
}

int ctk_proc_inner_pid(pid_t pid, uint32_t *inner)
{
	char path[40], buf[4096];
	const char *p;
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n;

	*inner = 0;
	if (dfd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%d/status", (int)pid);
	n = ctk_cfile_read(dfd, path, buf, sizeof(buf));
	close(dfd);
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	p = strstr(buf, "\nNSpid:");
	if (!p)
		return -ENOSYS;	/* a kernel before 4.1 */
	for (p += 7; *p && *p != '\n';) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		*inner = (uint32_t)v;
		p = end;
	}
	return 0;
}

int ctk_container_pids(int cgfd, const char *file, pid_t **pids, size_t *n)
{
	char *buf, *p;
	size_t cap = 0, cnt = 0;
	pid_t *v = NULL;
	int rc = ctk_cfile_read_alloc(cgfd, file, &buf, NULL);

	if (rc)
		return rc;
	for (p = buf; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		if (pid > 0) {
			if (CTK_GROW(v, cap, cnt, 16)) {
				free(v);
				free(buf);
				return -ENOMEM;
			}
			v[cnt++] = (pid_t)pid;
		}
		p = end;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	free(buf);
	*pids = v;
	*n = cnt;
	return 0;
}
