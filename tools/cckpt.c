/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cckpt: checkpoint the pid objects and task tree of a container in the
 * linux-cr derived image format (every pid-namespace level), show it,
 * verify it.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "ctk/attach.h"
#include "ctk/ckpt.h"
#include "ctk/container.h"
#include "ctk/dump.h"
#include "ctk/freeze.h"
#include "ctk/create.h"
#include "ctk/hierarchy.h"
#include "ctk/restore.h"
#include "ctk/spec.h"

struct cckpt_control {
	struct ctk_cli cli;
	const char *cmd;
	int subtree, no_freeze, json, pause_ms, freeze;
	char *output, *pid_arg, *timeout_arg, *into;
	char **command;
	int timeout_ms;
	const char **operands;
	size_t noperands;
	struct ctk_hierarchies hier;
};

enum { OPT_OUTPUT = 'o', OPT_PID = 'p', OPT_TIMEOUT = 0x100, OPT_INTO };

/* ---- show --------------------------------------------------------------- */

/* A pid's numbers, outer to inner: "5/1" in text, "[5,1]" in JSON. */
static void put_levels(const struct ckpt_image *img, uint32_t tag, bool json)
{
	uint32_t d;
	const uint32_t *n = ctk_ckpt_pid(img, tag, &d);

	if (!n) {
		fputs(json ? "null" : "-", stdout);
		return;
	}
	if (json)
		putchar('[');
	for (uint32_t k = 0; k <= d; k++)
		printf("%s%u", !k ? "" : json ? "," : "/", n[k]);
	if (json)
		putchar(']');
}

static void print_levels(const struct ckpt_image *img, uint32_t tag)
{
	put_levels(img, tag, false);
}

static void json_levels(const struct ckpt_image *img, uint32_t tag)
{
	put_levels(img, tag, true);
}

/* strings in an image are printable ASCII: only '"' and '\\' escape */
static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void show_text(const char *file, const struct ckpt_image *img)
{
	char when[32];
	time_t ts = (time_t)img->time_sec;
	struct tm tm;
	uint32_t *level;	/* tree indentation per task */

	gmtime_r(&ts, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("image:       %s\n", file);
	printf("format:      %u.%u, %s checkpoint, arch %u, taken %s\n",
	       img->major, img->minor,
	       img->uflags & CKPT_UFLAG_SUBTREE ? "subtree" : "container",
	       img->arch_id, when);
	printf("kernel:      %s %s (%s)\n", img->strings[0], img->strings[2],
	       img->strings[1]);
	printf("pid levels:  %u below the root's namespace, pid_max %u\n",
	       img->max_depth, img->pid_max);
	printf("pid objects: %u\n", img->nr_pids);
	printf("  %5s %5s  %s\n", "TAG", "DEPTH", "NUMBERS (outer/inner)");
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		printf("  %5u %5u  ", i + img->offset, img->pid_depth[i]);
		print_levels(img, i + img->offset);
		putchar('\n');
	}
	printf("tasks:       %u\n", img->nr_tasks);
	level = calloc(img->nr_pids + 1, sizeof(*level));
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *t = &img->tasks[i];
		uint32_t indent = 0;

		if (level && t->vppid && t->vppid - img->offset < img->nr_pids)
			indent = level[t->vppid - img->offset] + 1;
		if (level && t->vpid == t->vtgid)
			level[t->vpid - img->offset] = indent;
		else if (level && t->vtgid - img->offset < img->nr_pids)
			indent = level[t->vtgid - img->offset] + 1;
		printf("  %*s%s", (int)(2 * indent), "",
		       indent ? (t->vpid == t->vtgid ? "`- " : "{} ") : "");
		fputs("pid ", stdout);
		print_levels(img, t->vpid);
		fputs("  tgid ", stdout);
		print_levels(img, t->vtgid);
		fputs("  pgrp ", stdout);
		print_levels(img, t->vpgid);
		fputs("  session ", stdout);
		print_levels(img, t->vsid);
		printf("%s\n", t->vpid != t->vtgid ? "  (thread)" : "");
	}
	free(level);
}

static void show_json(const struct ckpt_image *img)
{
	printf("{\n   \"header\": {\"format\": \"%u.%u\", \"subtree\": %s, "
	       "\"arch_id\": %u, \"time\": %llu, \"kernel_version\": %u, "
	       "\"max_depth\": %u, \"pid_max\": %u, \"kernel\": ",
	       img->major, img->minor,
	       img->uflags & CKPT_UFLAG_SUBTREE ? "true" : "false",
	       img->arch_id, (unsigned long long)img->time_sec,
	       img->kernel_version, img->max_depth, img->pid_max);
	json_str(img->strings[0]);
	fputs(", \"version\": ", stdout);
	json_str(img->strings[1]);
	fputs(", \"machine\": ", stdout);
	json_str(img->strings[2]);
	fputs("},\n   \"pids\": [", stdout);
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		printf("%s\n      {\"tag\": %u, \"depth\": %u, \"numbers\": ",
		       i ? "," : "", i + img->offset, img->pid_depth[i]);
		json_levels(img, i + img->offset);
		putchar('}');
	}
	fputs("\n   ],\n   \"tasks\": [", stdout);
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *t = &img->tasks[i];

		printf("%s\n      {\"index\": %u, \"depth\": %u, \"thread\": %s, "
		       "\"pid\": ", i ? "," : "", i, t->depth,
		       t->vpid != t->vtgid ? "true" : "false");
		json_levels(img, t->vpid);
		fputs(", \"tgid\": ", stdout);
		json_levels(img, t->vtgid);
		fputs(", \"ppid\": ", stdout);
		json_levels(img, t->vppid);
		fputs(", \"pgid\": ", stdout);
		json_levels(img, t->vpgid);
		fputs(", \"sid\": ", stdout);
		json_levels(img, t->vsid);
		putchar('}');
	}
	fputs("\n   ]\n}\n", stdout);
}

static int load(struct cckpt_control *ctl, const char *file,
		struct ckpt_image *img)
{
	struct ctk_err e = { 0 };
	char safe[160];

	if (ctk_ckpt_load(file, img, &e)) {
		/* a rule names itself; a system error adds its words */
		ctk_msg(&ctl->cli, "%s: %s%s%s", ctk_safe_name(file, safe,
			sizeof(safe)), e.msg, e.code == EINVAL ? "" : ": ",
			e.code == EINVAL ? "" : strerror(e.code));
		return CTK_EXIT_FAILURE;
	}
	if (img->failed) {
		ctk_msg(&ctl->cli, "%s: the image of a failed checkpoint: %s",
			ctk_safe_name(file, safe, sizeof(safe)), img->error);
		ctk_ckpt_free(img);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

static int do_show(struct cckpt_control *ctl)
{
	struct ckpt_image img;
	int ret = load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (ctl->json)
		show_json(&img);
	else
		show_text(ctl->operands[0], &img);
	ctk_ckpt_free(&img);
	return CTK_EXIT_OK;
}

static int do_verify(struct cckpt_control *ctl)
{
	struct ckpt_image img;
	int ret = load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (!ctl->cli.quiet)
		printf("%s: valid: format %u.%u, %s, %u pid objects, %u tasks, "
		       "%u pid levels\n", ctl->operands[0], img.major, img.minor,
		       img.uflags & CKPT_UFLAG_SUBTREE ? "subtree" : "container",
		       img.nr_pids, img.nr_tasks, img.max_depth + 1);
	ctk_ckpt_free(&img);
	return CTK_EXIT_OK;
}

/* ---- diff, restore --------------------------------------------------------- */

static int do_diff(struct cckpt_control *ctl)
{
	struct ckpt_image a, b;
	unsigned shown = 0, diffs = 0;
	int ret = load(ctl, ctl->operands[0], &a);

	/* as diff(1): 1 for a difference, 2 for trouble (an image that
	 * cannot be read or is not valid) */
#define SAY(...) do { if (shown++ < 20) printf(__VA_ARGS__); diffs++; } while (0)
	if (ret)
		return CTK_EXIT_USAGE;
	ret = load(ctl, ctl->operands[1], &b);
	if (ret) {
		ctk_ckpt_free(&a);
		return CTK_EXIT_USAGE;
	}
	if (a.uflags != b.uflags)
		SAY("kind: %s vs %s\n", a.uflags ? "subtree" : "container",
		    b.uflags ? "subtree" : "container");
	if (a.nr_pids != b.nr_pids)
		SAY("pid objects: %u vs %u\n", a.nr_pids, b.nr_pids);
	for (uint32_t i = 0; i < a.nr_pids && i < b.nr_pids; i++) {
		uint32_t da, db, tag = i + a.offset;
		const uint32_t *na = ctk_ckpt_pid(&a, tag, &da),
			       *nb = ctk_ckpt_pid(&b, tag, &db);

		if (da != db || memcmp(na, nb, 4 * (da + 1))) {
			if (shown < 20) {
				printf("pid %u: ", tag);
				print_levels(&a, tag);
				fputs(" vs ", stdout);
				print_levels(&b, tag);
				putchar('\n');
			}
			shown++;
			diffs++;
		}
	}
	if (a.nr_tasks != b.nr_tasks)
		SAY("tasks: %u vs %u\n", a.nr_tasks, b.nr_tasks);
	for (uint32_t i = 0; i < a.nr_tasks && i < b.nr_tasks; i++) {
		const struct ckpt_task *x = &a.tasks[i], *y = &b.tasks[i];

		if (memcmp(x, y, sizeof(*x)))
			SAY("task %u: pid/ppid/tgid/pgrp/session/depth %u/%u/%u/"
			    "%u/%u/%u vs %u/%u/%u/%u/%u/%u (tags)\n", i, x->vpid,
			    x->vppid, x->vtgid, x->vpgid, x->vsid, x->depth,
			    y->vpid, y->vppid, y->vtgid, y->vpgid, y->vsid,
			    y->depth);
	}
#undef SAY
	if (shown > 20)
		printf("... %u differences in all\n", diffs);
	ctk_ckpt_free(&a);
	ctk_ckpt_free(&b);
	return diffs ? CTK_EXIT_FAILURE : CTK_EXIT_OK;
}

static int do_restore(struct cckpt_control *ctl)
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
	sigset_t block, old;
	char where[512] = "";
	int ret = load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (ctk_restore_check(&img, &e)) {
		ctk_msg(&ctl->cli, "%s: cannot be restored: %s", ctl->operands[0],
			e.msg);
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
			ctk_msg(&ctl->cli, "%s: %s", ctl->into, e.msg);
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
			ctk_msg_errno(&ctl->cli, where, e.msg, CTK_OP_MKDIR,
				      e.code);
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
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (ctk_restore(&img, &o, &roots, &nroots, &e)) {
		ctk_msg(&ctl->cli, "%s: %s", ctl->operands[0], e.msg);
	} else if (ctl->freeze &&
		   ctk_freeze_cgroup(&fz, dup(o.into_fd), false,
				     ctl->timeout_ms, &e)) {
		ctk_msg(&ctl->cli, "%s: %s", where, e.msg);
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

/* ---- dump ----------------------------------------------------------------- */

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
		ctk_msg(&ctl->cli, "%s: %s", ctl->operands[0], e.msg);
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
		ctk_msg(&ctl->cli, "%s: %s", j->where, about_root(e.msg, j->root));
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
			ctk_msg(&ctl->cli, "%s: %s", j->where,
				about_root(e.msg, j->root));
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
	if (ctl->pause_ms > 0)
		usleep((useconds_t)ctl->pause_ms * 1000);
	ctk_thaw(&j->fz);
	sigprocmask(SIG_SETMASK, old, NULL);
	if (rc)
		ctk_msg(&ctl->cli, "%s: %s", j->where, about_root(e.msg, j->root));
	/* the contract: an image that dump writes, restore reproduces */
	else if (ctk_restore_check(&img, &e))
		ctk_msg(&ctl->cli, "%s: not written: restore could not make "
			"this tree: %s", j->where, e.msg);
	else if (ctk_ckpt_write_file(ctl->output, &img, &e))
		ctk_msg_err(&ctl->cli, ctl->output, &e);
	else
		ret = CTK_EXIT_OK;
	ctk_ckpt_free(&img);
	return ret;
}

static int do_dump(struct cckpt_control *ctl)
{
	struct dumpjob j = { .fz = { .kind = CTK_FREEZE_NONE },
			     .subtree = ctl->subtree };
	struct ctk_err e;
	sigset_t block, old;
	int ret = dump_what(ctl, &j);

	if (ret)
		return ret;
	/* a signal now would leave the tasks frozen: hold it until thawed */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, &old);
	ret = CTK_EXIT_FAILURE;
	if (!ctl->no_freeze && j.have_t && dump_freeze(ctl, &j))
		goto out;
	if (collect(j.have_t ? &j.t : NULL, j.root, &j.pids, &j.n, &e)) {
		ctk_msg(&ctl->cli, "%s: %s", j.where, about_root(e.msg, j.root));
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

/* ---- the commands, from a table ------------------------------------------- */

static int check_restore(struct cckpt_control *ctl)
{
	if (ctl->noperands != 1)
		return ctk_usage_error(&ctl->cli, "restore takes one FILE");
	if (ctl->command && !ctl->command[0])
		return ctk_usage_error(&ctl->cli, "no command after '--'");
	if (ctl->freeze && !ctl->into)
		return ctk_usage_error(&ctl->cli, "--freeze needs --into a v2 "
				       "container");
	if (ctl->freeze && ctl->command)
		return ctk_usage_error(&ctl->cli, "--freeze and a command do not "
				       "mix");
	if (geteuid() != 0) {
		ctk_msg(&ctl->cli, "%s: restoring pids needs root",
			ctl->operands[0]);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

static int check_diff(struct cckpt_control *ctl)
{
	return ctl->noperands == 2 ? 0 :
	       ctk_usage_error(&ctl->cli, "diff takes two FILEs");
}

static int check_dump(struct cckpt_control *ctl)
{
	if (!ctl->output)
		return ctk_usage_error(&ctl->cli, "dump needs -o FILE");
	if ((ctl->pid_arg != NULL) + ctl->noperands != 1)
		return ctk_usage_error(&ctl->cli, "dump takes one SPEC or -p PID");
	return 0;
}

static int check_file(struct cckpt_control *ctl)
{
	return ctl->noperands == 1 ? 0 :
	       ctk_usage_error(&ctl->cli, "%s takes one FILE", ctl->cmd);
}

/* Which option goes with which command: one bit each. */
enum {
	W_DUMP = 1 << 0,	/* -o, -p, --subtree, --no-freeze, --timeout */
	W_JSON = 1 << 1,	/* -J */
	W_RESTORE = 1 << 2,	/* --into, --freeze, -- COMMAND */
};

static const struct cckpt_command {
	const char *name;
	unsigned takes;
	int (*check)(struct cckpt_control *ctl);
	int (*run)(struct cckpt_control *ctl);
} commands[] = {
	{ "dump", W_DUMP, check_dump, do_dump },
	{ "show", W_JSON, check_file, do_show },
	{ "verify", 0, check_file, do_verify },
	{ "restore", W_RESTORE, check_restore, do_restore },
	{ "diff", 0, check_diff, do_diff },
};

/* The options of another command than the one given are refused, with the
 * one that takes them named. */
static int check_options(struct cckpt_control *ctl, unsigned takes)
{
	if ((ctl->output || ctl->pid_arg || ctl->subtree || ctl->no_freeze ||
	     ctl->timeout_arg) && !(takes & W_DUMP))
		return ctk_usage_error(&ctl->cli, "%s: -o, -p, --subtree, "
				       "--no-freeze and --timeout go with dump",
				       ctl->cmd);
	if (ctl->json && !(takes & W_JSON))
		return ctk_usage_error(&ctl->cli, "-J goes with show");
	if (ctl->command && !(takes & W_RESTORE))
		return ctk_usage_error(&ctl->cli, "'-- COMMAND' goes with "
				       "restore");
	if ((ctl->into || ctl->freeze) && !(takes & W_RESTORE))
		return ctk_usage_error(&ctl->cli, "--into and --freeze go with "
				       "restore");
	return 0;
}

static int run_command(struct cckpt_control *ctl)
{
	char safe[64];

	for (size_t i = 0; i < CTK_ARRAY_SIZE(commands); i++) {
		const struct cckpt_command *c = &commands[i];
		int ret;

		if (strcmp(ctl->cmd, c->name))
			continue;
		ret = check_options(ctl, c->takes);
		if (!ret)
			ret = c->check(ctl);
		return ret ? ret : c->run(ctl);
	}
	return ctk_usage_error(&ctl->cli, "%s: unknown command (dump, show, "
			       "verify, restore, diff)",
			       ctk_safe_name(ctl->cmd, safe, sizeof(safe)));
}

int main(int argc, const char **argv)
{
	struct cckpt_control ctl = { .cli = { .tool = "cckpt" },
				     .timeout_ms = 10000 };
	struct poptOption common[CTK_CLI_NOPTS];
	struct poptOption opts[] = {
		{ "output", 'o', POPT_ARG_STRING, NULL, OPT_OUTPUT,
		  "dump: the image file to write", "FILE" },
		{ "pid", 'p', POPT_ARG_STRING, NULL, OPT_PID,
		  "dump: the process tree rooted at PID", "PID" },
		{ "subtree", '\0', POPT_ARG_NONE, &ctl.subtree, 0,
		  "dump: any set of tasks (outside pgrp/session as 0)", NULL },
		{ "no-freeze", '\0', POPT_ARG_NONE, &ctl.no_freeze, 0,
		  "dump: do not freeze or stop the tasks", NULL },
		{ "timeout", '\0', POPT_ARG_STRING, NULL, OPT_TIMEOUT,
		  "dump: seconds to wait for the freeze (default 10)", "SEC" },
		{ "json", 'J', POPT_ARG_NONE, &ctl.json, 0,
		  "show: JSON output", NULL },
		{ "into", '\0', POPT_ARG_STRING, NULL, OPT_INTO,
		  "restore: into this container (made if needed)", "SPEC" },
		{ "freeze", '\0', POPT_ARG_NONE, &ctl.freeze, 0,
		  "restore: leave the restored tasks frozen (v2 --into)",
		  NULL },
		{ "pause-frozen", '\0', POPT_ARG_INT | POPT_ARGFLAG_DOC_HIDDEN,
		  &ctl.pause_ms, 0, "dump: hold the freeze MS milliseconds "
		  "(for tests)", "MS" },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc;
	const char **rest;
	int rc, ret = CTK_EXIT_USAGE;
	int optc = (ctk_cli_help_alias(argc, argv),
		    ctk_cli_split_command(argc, argv, &ctl.command));

	ctk_cli_options(common, &ctl.cli);
	pc = poptGetContext("cckpt", optc, argv, opts, 0);
	poptSetOtherOptionHelp(pc, "dump [--subtree] [--no-freeze] [--timeout "
			       "SEC] -o FILE (SPEC | -p PID) | show [-J] FILE | "
			       "verify FILE | restore [--into SPEC] [--freeze] FILE [-- "
			       "COMMAND...] | diff FILE FILE");
	while ((rc = poptGetNextOpt(pc)) > 0) {
		char **slot = rc == OPT_OUTPUT ? &ctl.output :
			      rc == OPT_PID ? &ctl.pid_arg :
			      rc == OPT_INTO ? &ctl.into :
			      rc == OPT_TIMEOUT ? &ctl.timeout_arg : NULL;

		if (slot) {
			free(*slot);
			*slot = poptGetOptArg(pc);
		} else {
			ctk_cli_handle(&ctl.cli, rc);
		}
	}
	if (rc < -1) {
		ret = ctk_popt_error(&ctl.cli, pc, rc);
		goto out;
	}
	rest = poptGetArgs(pc);
	if (!rest || !rest[0]) {
		ret = ctk_usage_error(&ctl.cli, "no command (dump, show, "
				      "verify, restore, diff)");
		goto out;
	}
	ctl.cmd = rest[0];
	ctl.operands = rest + 1;
	while (ctl.operands[ctl.noperands])
		ctl.noperands++;
	if (ctl.timeout_arg) {
		char *end;
		double s = strtod(ctl.timeout_arg, &end);

		if (*end || end == ctl.timeout_arg || !(s > 0) || s > 86400) {
			ret = ctk_usage_error(&ctl.cli, "%s: --timeout takes "
					      "seconds (0 to 86400)",
					      ctl.timeout_arg);
			goto out;
		}
		ctl.timeout_ms = (int)(s * 1000);
	}
	ret = run_command(&ctl);
out:
	ctk_hierarchy_free(&ctl.hier);
	free(ctl.output);
	free(ctl.pid_arg);
	free(ctl.timeout_arg);
	free(ctl.into);
	poptFreeContext(pc);
	return ret;
}
