/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt dump: freeze (or stop), collect, check, write. */
#include "cckpt.h"

#include <fcntl.h>
#include <unistd.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/dump.h"
#include "ctk/freeze.h"
#include "ctk/restore.h"
#include "ctk/spec.h"

/* Is this process inside @t (it would freeze itself)? */
static bool self_inside(const struct ctk_target *t)
{
	char path[4096 + 8];
	size_t len = strlen(t->cpath);

	if (ctk_proc_cgroup_path(getpid(), t->hier, path, sizeof(path)))
		return false;
	return !strcmp(t->cpath, "/") || (!strncmp(path, t->cpath, len) &&
					  (path[len] == '/' || !path[len]));
}

/*
 * The first of @pids that is cckpt itself or one of its ancestors (0 when
 * none): stopping it would stop cckpt, or the shell waiting for it, and no
 * --timeout would ever fire.
 */
static pid_t holds_self(const pid_t *pids, size_t n)
{
	pid_t chain[256];
	size_t depth = 0;
	struct ctk_proc_info pi;

	for (pid_t p = getpid(); p > 0 && depth < CTK_ARRAY_SIZE(chain);
	     p = pi.ppid) {
		chain[depth++] = p;
		if (ctk_proc_info(p, &pi))
			break;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < depth; k++)
			if (pids[i] == chain[k])
				return pids[i];
	return 0;
}

static int collect(const struct ctk_target *t, pid_t root, pid_t **pids,
		   size_t *n, struct ctk_err *e)
{
	return t ? ctk_container_procs(t, pids, n, e) :
		   ctk_proc_descendants(root, pids, n, e);
}

/*
 * A dump names the task a message is about ("task N: ..."); when that is
 * the process named already (-p N), once is enough.
 */
static const char *about_root(const char *msg, pid_t root)
{
	char pre[32];
	int n = snprintf(pre, sizeof(pre), "task %d: ", (int)root);

	return root > 0 && !strncmp(msg, pre, (size_t)n) ? msg + n : msg;
}

/* What the steps of a dump share. */
struct dumpjob {
	struct ctk_freezer fz;
	struct ctk_target t;
	bool have_t, subtree;
	pid_t root, *pids;
	size_t n;
	char where[512];
};

/* A failure of dump's @j: "WHERE: reason", the root named once. */
static void dump_msg(const struct cckpt_control *ctl,
		     const struct dumpjob *j, const struct ctk_err *e)
{
	char why[512];

	ctk_msg(&ctl->cli, "%s: %s", j->where,
		about_root(ctk_err_text(e, why, sizeof(why)), j->root));
}

/* -p PID or the SPEC, and the words messages name it by. 0 or an exit. */
static int dump_what(struct cckpt_control *ctl, struct dumpjob *j)
{
	struct ctk_err e;

	if (ctl->pid_arg) {
		if (ctk_parse_pid(ctl->pid_arg, &j->root))
			return ctk_usage_error(&ctl->cli, "%s: not a process ID",
					       ctl->pid_arg);
		snprintf(j->where, sizeof(j->where), "process %d",
			 (int)j->root);
		return 0;
	}
	if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup", &e) ||
	    ctk_target_from_string(ctl->operands[0], &ctl->hier, &j->t, &e)) {
		ctk_msg_err(&ctl->cli, ctl->operands[0], &e);
		return CTK_EXIT_FAILURE;
	}
	j->have_t = true;
	ctk_target_format(&j->t, j->where, sizeof(j->where));
	return 0;
}

/* A container with a freezer: freeze it (never the one cckpt is in). */
static int dump_freeze(struct cckpt_control *ctl, struct dumpjob *j)
{
	bool v1 = j->t.hier->type == CTK_HIER_V1;
	struct ctk_err e;
	int cgfd;

	if (self_inside(&j->t)) {
		ctk_msg(&ctl->cli, "%s: cckpt runs inside the container and "
			"would freeze itself", j->where);
		return CTK_EXIT_FAILURE;
	}
	if (v1 && !strstr(j->t.hier->controllers, "freezer"))
		return 0;	/* stopped instead, below */
	cgfd = ctk_container_open(&j->t);
	if (cgfd < 0) {
		ctk_msg_errno(&ctl->cli, j->where, NULL, CTK_OP_OPEN, cgfd);
		return CTK_EXIT_FAILURE;
	}
	if (ctk_freeze_cgroup(&j->fz, cgfd, v1, ctl->timeout_ms, &e)) {
		dump_msg(ctl, j, &e);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

/* No freezer: SIGSTOP, then look again for children forked before the
 * stop, until the set stops changing; never cckpt or its ancestors. */
static int dump_stop(struct cckpt_control *ctl, struct dumpjob *j)
{
	struct ctk_err e;

	for (int round = 0; round < 10; round++) {
		pid_t *again = NULL, self = holds_self(j->pids, j->n);
		size_t m = 0;

		ctk_thaw(&j->fz);
		if (self) {
			const char *who = self == getpid() ? "cckpt itself" :
					  "an ancestor of cckpt";

			if (self == j->root)
				ctk_msg(&ctl->cli, "%s: %s: stopping it would "
					"stop cckpt (--no-freeze dumps it "
					"unstopped)", j->where, who);
			else
				ctk_msg(&ctl->cli, "%s: holds %s (process %d): "
					"stopping it would stop cckpt "
					"(--no-freeze dumps it unstopped)",
					j->where, who, (int)self);
			return CTK_EXIT_FAILURE;
		}
		if (ctk_freeze_stop(&j->fz, j->pids, j->n, ctl->timeout_ms,
				    &e) ||
		    collect(j->have_t ? &j->t : NULL, j->root, &again, &m, &e)) {
			dump_msg(ctl, j, &e);
			return CTK_EXIT_FAILURE;
		}
		if (m == j->n && !memcmp(again, j->pids, m * sizeof(*again))) {
			free(again);
			break;
		}
		free(j->pids);
		j->pids = again;
		j->n = m;
	}
	return 0;
}

/* Build the image (tasks held still), check that restore can make it,
 * write it. */
/*
 * The test hook: the tasks are stopped; FILE says so, and they stay stopped
 * until the test removes it (60 s at most), so a test looks at the stopped
 * state without guessing how long it lasts.
 */
#ifdef CTK_TEST_HOOKS
static void hold_stopped(const struct cckpt_control *ctl)
{
	int fd;

	if (!ctl->pause_file)
		return;
	fd = open(ctl->pause_file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	close(fd);
	for (int i = 0; i < 6000 && !access(ctl->pause_file, F_OK); i++)
		usleep(10000);
}
#else
static void hold_stopped(const struct cckpt_control *ctl)
{
	(void)ctl;
}
#endif

static int dump_write(struct cckpt_control *ctl, struct dumpjob *j,
		      const sigset_t *old)
{
	struct ckpt_image img = { 0 };
	struct ctk_err e;
	int rc, ret = CTK_EXIT_FAILURE;

	if (ctl->pid_arg && !j->subtree) {
		/* -p: subtree mode unless PID is a pid-namespace init */
		uint32_t inner = 0;

		j->subtree = ctk_proc_inner_pid(j->root, &inner) || inner != 1;
	}
	rc = ctk_dump_build(j->pids, j->n, j->root, j->subtree, &img, &e);
	hold_stopped(ctl);
	ctk_thaw(&j->fz);
	sigprocmask(SIG_SETMASK, old, NULL);
	if (rc) {
		dump_msg(ctl, j, &e);
	} else if (ctk_restore_check(&img, &e)) {
		/* the contract: an image that dump writes, restore reproduces */
		ctk_err_prefix(&e, "not written: restore could not make this "
			       "tree");
		dump_msg(ctl, j, &e);
	} else if (ctk_ckpt_write_file(ctl->output, &img, &e)) {
		ctk_msg_err(&ctl->cli, ctl->output, &e);
	} else {
		ret = CTK_EXIT_OK;
	}
	ctk_ckpt_free(&img);
	return ret;
}

int cckpt_dump(struct cckpt_control *ctl)
{
	struct dumpjob j = { .fz = { .kind = CTK_FREEZE_NONE },
			     .subtree = ctl->subtree };
	struct ctk_err e;
	sigset_t old;
	int ret = dump_what(ctl, &j);

	if (ret)
		return ret;
	/* a signal now would leave the tasks frozen: hold it until thawed */
	ctk_cli_hold_signals(&old);
	ret = CTK_EXIT_FAILURE;
	if (!ctl->no_freeze && j.have_t && dump_freeze(ctl, &j))
		goto out;
	if (collect(j.have_t ? &j.t : NULL, j.root, &j.pids, &j.n, &e)) {
		dump_msg(ctl, &j, &e);
		goto out;
	}
	if (!ctl->no_freeze && j.fz.kind == CTK_FREEZE_NONE && !j.fz.already &&
	    dump_stop(ctl, &j))
		goto out;
	if (!ctl->pid_arg && !j.n) {
		ctk_msg(&ctl->cli, "%s: the container has no process", j.where);
		goto out;
	}
	ret = dump_write(ctl, &j, &old);
out:
	ctk_thaw(&j.fz);	/* always, on every path */
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(j.pids);
	if (j.have_t)
		ctk_target_free(&j.t);
	return ret;
}
