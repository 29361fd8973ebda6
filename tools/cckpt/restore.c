/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt restore: the recorded pids at every level, in a container. */
#include "cckpt.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/freeze.h"
#include "ctk/proc.h"
#include "ctk/restore.h"
#include "ctk/spec.h"

/*
 * Remove the container this call made, and the parents made for it, once
 * its tasks are gone: they go by themselves (killed and reaped, or ending
 * on their own), and the kernel counts a task a moment after it is reaped.
 * No fixed time limit: it waits while the container empties, and gives up
 * after @stall seconds in which nothing left it.
 */
static void remove_made(const struct ctk_target *t, struct ctk_create_txn *made,
			unsigned stall)
{
	unsigned still = 0;
	size_t last = SIZE_MAX;

	while (still < stall * 100 && ctk_container_remove(t) == -EBUSY) {
		pid_t *pids = NULL;
		size_t n = SIZE_MAX;
		int fd = ctk_container_open(t);

		if (fd >= 0) {
			if (ctk_container_pids(fd, ctk_hier_ops(
					       t->hier->type)->procs_file,
					       &pids, &n))
				n = SIZE_MAX;
			close(fd);
		}
		free(pids);
		still = n < last ? 0 : still + 1;
		last = n;
		usleep(10000);
	}
	ctk_create_txn_undo(made);
}

/*
 * The guard of a container this call made: should cckpt be killed before
 * it is done, every task it restored goes by itself (each watches the
 * restorer until the commit), and the guard then removes the container
 * and the parents made for it, once empty. It kills nothing: what is in
 * the container then is no longer this restore's. A child of cckpt,
 * outside the container, holding signals as cckpt does; *@verdict (a
 * shared page) is set once cckpt has cleaned up or succeeded.
 */
static pid_t guard_start(const struct ctk_target *t,
			 struct ctk_create_txn *made, int *verdict)
{
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	pid_t g;

	if (self < 0)
		return -1;	/* before Linux 5.3: no guard */
	g = fork();
	if (g != 0) {
		close(self);
		return g;
	}
	{
		struct pollfd pf = { .fd = self, .events = POLLIN };

		prctl(PR_SET_NAME, "cckpt-guard", 0, 0, 0);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		while (poll(&pf, 1, -1) < 0 && errno == EINTR)
			;
		if (__atomic_load_n(verdict, __ATOMIC_ACQUIRE))
			_exit(0);
		/* emptied by the tasks themselves: a thousand tasks that end
		 * at once on a loaded machine take their time */
		remove_made(t, made, 120);
		_exit(0);
	}
}

/*
 * --into: the container made if needed (its parents too, recorded in
 * @made), opened into @o; one that holds tasks already is refused unless
 * --join. 0, or an exit code (said).
 */
static int prepare_into(struct cckpt_control *ctl, struct ctk_target *t,
			struct ctk_create_txn *made,
			struct ctk_restore_opts *o, char *where, size_t size)
{
	struct ctk_create_opts co;
	struct ctk_err e;
	bool existed;
	pid_t *pids = NULL;
	size_t n = 0;
	int rc;

	if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup", &e) ||
	    ctk_target_from_string(ctl->into, &ctl->hier, t, &e)) {
		ctk_msg_err(&ctl->cli, ctl->into, &e);
		return CTK_EXIT_FAILURE;
	}
	ctk_target_format(t, where, size);
	if (ctl->freeze && !ctk_hier_ops(t->hier->type)->freeze)
		return ctk_usage_error(&ctl->cli, "%s: --freeze needs a cgroup "
				       "v2 container", where);
	ctk_create_opts_init(&co);
	co.parents = true;
	if (ctk_container_create(t, &co, made, &existed, &e)) {
		ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_MKDIR);
		return CTK_EXIT_FAILURE;
	}
	o->into = t;
	o->into_fd = ctk_container_open(t);
	if (o->into_fd < 0) {
		ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN, o->into_fd);
		return CTK_EXIT_FAILURE;
	}
	/* tasks that are there already are not this restore's to share
	 * unless asked; its cleanup never touches them */
	if (!existed || ctl->join)
		return 0;
	rc = ctk_container_pids(o->into_fd,
				ctk_hier_ops(t->hier->type)->procs_file, &pids,
				&n);
	free(pids);
	if (rc)
		ctk_msg(&ctl->cli, "%s: cannot read its tasks: %s", where,
			strerror(-rc));
	else if (n)
		ctk_msg(&ctl->cli, "%s: holds tasks already (--join restores "
			"beside them)", where);
	return rc || n ? CTK_EXIT_FAILURE : 0;
}

/* "restored N tasks; root PID in SPEC" */
static void say_restored(const struct ckpt_image *img, const pid_t *roots,
			 size_t nroots, const char *where)
{
	printf("restored %u tasks; %s", img->nr_tasks,
	       nroots > 1 ? "roots" : "root");
	for (size_t i = 0; i < nroots; i++)
		printf(" %d", (int)roots[i]);
	printf("%s%s\n", where[0] ? " in " : "", where);
	fflush(stdout);
}

/* Can @img be restored here, and its command run? 0, or the exit status
 * (said): both before the first fork. */
static int restorable(struct cckpt_control *ctl, const struct ckpt_image *img)
{
	struct ctk_err e = { 0 };

	if (ctk_restore_check(img, &e)) {
		char why[1024];

		ctk_msg(&ctl->cli, "%s: cannot be restored: %s", ctl->operands[0],
			ctk_err_text(&e, why, sizeof(why)));
		return CTK_EXIT_FAILURE;
	}
	return ctl->command ?
	       ctk_cli_command_check(&ctl->cli, ctl->command[0]) : 0;
}

/* A signal that came while a restore that succeeded ran: done is done
 * (said, and exit 0). */
static void say_held(struct cckpt_control *ctl)
{
	int sig = ctk_cli_take_held();

	if (sig)
		ctk_msg(&ctl->cli, "%s: restored; SIG%s came meanwhile and was "
			"held: the restore stands", ctl->operands[0],
			sig == SIGINT ? "INT" : sig == SIGTERM ? "TERM" :
			sig == SIGHUP ? "HUP" : "QUIT");
}

int cckpt_restore(struct cckpt_control *ctl)
{
	struct ctk_restore_opts o = { .into_fd = -1, .command = ctl->command,
				      .timeout_ms = ctl->timeout_arg ?
						    ctl->timeout_ms : 0,
				      .stop = !ctl->freeze && !ctl->command };
	struct ckpt_image img;
	struct ctk_target t = { 0 };
	struct ctk_err e = { 0 };
	struct ctk_freezer fz;
	struct ctk_create_txn made = { 0 };
	pid_t *roots = NULL;
	size_t nroots = 0;
	sigset_t old;
	bool held = false;
	int *verdict = NULL;
	pid_t guard = -1;
	char where[512] = "";
	int ret = cckpt_load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	ret = restorable(ctl, &img);
	if (ret) {
		ctk_ckpt_free(&img);
		return ret;
	}
	ret = CTK_EXIT_FAILURE;
	if (ctl->into &&
	    (ret = prepare_into(ctl, &t, &made, &o, where, sizeof(where))))
		goto out;
	ret = CTK_EXIT_FAILURE;
	/* a guard for what this call made, should cckpt be killed */
	if (made.n) {
		verdict = mmap(NULL, sizeof(*verdict), PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (verdict == MAP_FAILED)
			verdict = NULL;
		else
			guard = guard_start(&t, &made, verdict);
	}
	/* a failed restore kills its descendants, and only them: their
	 * orphans come back here */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/* nothing half-made on a signal either: hold them until done */
	ctk_cli_hold_signals(&old);
	held = true;
	if (ctk_restore(&img, &o, &roots, &nroots, &e)) {
		ctk_msg_err(&ctl->cli, ctl->operands[0], &e);
	} else if (ctl->freeze &&
		   ctk_freeze_cgroup(&fz, dup(o.into_fd), false,
				     ctl->timeout_ms, &e)) {
		ctk_msg_err(&ctl->cli, where, &e);
		ctk_kill_descendants();
	} else {
		if (!ctl->cli.quiet)
			say_restored(&img, roots, nroots, where);
		ret = CTK_EXIT_OK;
		ctk_create_txn_free(&made);
		if (ctl->freeze)
			fz.held = false;	/* stays frozen: that was asked */
	}
	/* an interruption that came while the restore ran: done is done
	 * (said, and exit 0); a failed one was undone already */
	if (ret == CTK_EXIT_OK)
		say_held(ctl);
out:
	if (o.into_fd >= 0)
		close(o.into_fd);
	/* the guard's part is done either way: cckpt cleans up itself */
	if (guard > 0) {
		__atomic_store_n(verdict, 1, __ATOMIC_RELEASE);
		/* it sees this process end; it is reaped here if it ended */
		waitpid(guard, NULL, WNOHANG);
	}
	if (verdict)
		munmap(verdict, sizeof(*verdict));
	if (made.n)
		remove_made(&t, &made, 10);	/* what this call made goes */
	if (t.hier)
		ctk_target_free(&t);
	free(roots);
	ctk_ckpt_free(&img);
	/* an interruption that undid the restore ends cckpt as the signal
	 * does, now that nothing of it is left */
	if (held)
		sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
