/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt restore: the recorded pids at every level, in a container. */
#include "cckpt.h"

#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/freeze.h"
#include "ctk/restore.h"
#include "ctk/spec.h"

int cckpt_restore(struct cckpt_control *ctl)
{
	struct ctk_restore_opts o = { .into_fd = -1, .command = ctl->command,
				      .stop = !ctl->freeze && !ctl->command };
	struct ckpt_image img;
	struct ctk_target t = { 0 };
	struct ctk_err e = { 0 };
	struct ctk_freezer fz;
	struct ctk_create_txn made = { 0 };
	pid_t *roots = NULL;
	size_t nroots = 0;
	sigset_t old;
	char where[512] = "";
	int ret = cckpt_load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (ctk_restore_check(&img, &e)) {
		char why[512];

		ctk_msg(&ctl->cli, "%s: cannot be restored: %s", ctl->operands[0],
			ctk_err_reason(&e, why, sizeof(why)));
		ctk_ckpt_free(&img);
		return CTK_EXIT_FAILURE;
	}
	/* a command that cannot run is said before the first fork */
	if (ctl->command) {
		ret = ctk_cli_command_check(&ctl->cli, ctl->command[0]);
		if (ret) {
			ctk_ckpt_free(&img);
			return ret;
		}
	}
	ret = CTK_EXIT_FAILURE;
	if (ctl->into) {
		struct ctk_create_opts co;
		bool existed;

		if (ctk_hierarchy_load(&ctl->hier, NULL, "/proc/self/cgroup",
				       &e) ||
		    ctk_target_from_string(ctl->into, &ctl->hier, &t, &e)) {
			ctk_msg_err(&ctl->cli, ctl->into, &e);
			goto out;
		}
		ctk_target_format(&t, where, sizeof(where));
		if (ctl->freeze && t.hier->type != CTK_HIER_V2) {
			ret = ctk_usage_error(&ctl->cli, "%s: --freeze needs a "
					      "cgroup v2 container", where);
			goto out;
		}
		ctk_create_opts_init(&co);
		co.parents = true;
		if (ctk_container_create(&t, &co, &made, &existed, &e)) {
			ctk_msg_err_op(&ctl->cli, where, &e, CTK_OP_MKDIR);
			goto out;
		}
		o.into = &t;
		o.into_fd = ctk_container_open(&t);
		if (o.into_fd < 0) {
			ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN,
				      o.into_fd);
			goto out;
		}
	}
	/* nothing half-made on a signal either: hold them until done */
	ctk_cli_hold_signals(&old);
	if (ctk_restore(&img, &o, &roots, &nroots, &e)) {
		ctk_msg_err(&ctl->cli, ctl->operands[0], &e);
	} else if (ctl->freeze &&
		   ctk_freeze_cgroup(&fz, dup(o.into_fd), false,
				     ctl->timeout_ms, &e)) {
		ctk_msg_err(&ctl->cli, where, &e);
		ctk_cfile_write(o.into_fd, "cgroup.kill", "1");
	} else {
		if (!ctl->cli.quiet) {
			printf("restored %u tasks; %s", img.nr_tasks,
			       nroots > 1 ? "roots" : "root");
			for (size_t i = 0; i < nroots; i++)
				printf(" %d", (int)roots[i]);
			printf("%s%s\n", where[0] ? " in " : "", where);
		}
		ret = CTK_EXIT_OK;
		ctk_create_txn_free(&made);
		if (ctl->freeze)
			fz.held = false;	/* stays frozen: that was asked */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
out:
	if (o.into_fd >= 0)
		close(o.into_fd);
	if (made.n) {
		/* what this call made goes again, its parents too (its tasks
		 * are gone, but the kernel may still count them a moment) */
		for (int i = 0; i < 100 && ctk_container_remove(&t) == -EBUSY;
		     i++)
			usleep(10000);
		ctk_create_txn_undo(&made);
	}
	if (t.hier)
		ctk_target_free(&t);
	free(roots);
	ctk_ckpt_free(&img);
	return ret;
}
