/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "internal.h"

int ctk_attach(int cgfd, const struct ctk_target *t, pid_t pid, bool thread,
	       struct ctk_err *e)
{
	const char *file = !thread ? "cgroup.procs" :
			   ctk_hier_ops(t->hier->type)->thread_file;
	struct ctk_proc_info pi;
	char num[16], now[4096 + 8];
	int rc;

	rc = ctk_proc_info(pid, &pi);
	if (rc)
		return rc == -ESRCH ?
		       ctk_err_setx(e, ESRCH, "no such process") :
		       ctk_err_set(e, -rc, "cannot read /proc");
	if (pi.flags & CTK_PF_KTHREAD)
		return ctk_err_setx(e, EINVAL, "a kernel thread cannot be moved");
	if (pi.state == 'Z' || pi.state == 'X')
		return ctk_err_setx(e, ESRCH, "process is a zombie (it has "
				   "exited; nothing would move)");
	snprintf(num, sizeof(num), "%d", (int)pid);
	rc = ctk_cfile_write(cgfd, file, num);
	if (rc == -EOPNOTSUPP && thread && t->hier->type == CTK_HIER_V2)
		/* one thread: the kernel's rule for cgroup.threads */
		return ctk_err_setx(e, EOPNOTSUPP, "a thread moves alone only "
				    "within its process's threaded subtree "
				    "(cgroup.type threaded), and this "
				    "container is outside it: move the whole "
				    "process (without -t)");
	if (rc) {
		const char *why = ctk_explain(CTK_OP_ATTACH, -rc);

		/* the caller says it was a move: the explanation, or
		 * without one the errno's text, is the whole reason */
		return ctk_err_setx(e, -rc, "%s", why ? why : strerror(-rc));
	}
	/* verify: the kernel says success for some moves that do not happen */
	rc = ctk_proc_cgroup_path(pid, t->hier, now, sizeof(now));
	if (rc == -ESRCH)
		return ctk_err_setx(e, ESRCH, "process exited during the move");
	if (rc)
		return ctk_err_set(e, -rc, "cannot verify the move");
	if (strcmp(now, t->cpath)) {
		/* a cgroup namespace shows paths relative to its root */
		size_t ln = strlen(now), lt = strlen(t->cpath);

		if (!(ln <= lt && !strcmp(t->cpath + lt - ln, now) &&
		      (ln == 1 || t->cpath[lt - ln] == '/' || ln == lt)))
			return ctk_err_setx(e, EAGAIN, "did not move (still in "
					   "%.200s)", now);
	}
	/* v2: the container has been populated, for a watcher that starts
	 * after it empties (only root can say so; others leave it) */
	if (t->hier->type == CTK_HIER_V2 && geteuid() == 0)
		ctk_v2_arm(cgfd);
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
