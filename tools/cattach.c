/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cattach: move processes or threads into containers, or run a command
 * inside one (move itself, then exec, as s6's chain loaders do).
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "classify.h"
#include "cli.h"
#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/create.h"
#include "ctk/hierarchy.h"
#include "ctk/release.h"
#include "ctk/spec.h"
#include "ctk/sticky.h"
#include "ctk/systemd.h"

#define ALL_ROUNDS 100

struct cattach_control {
	struct ctk_cli cli;
	int threads, cgroupns, all, rules, verbose, watch, sticky, transient,
	    force;
	char *rules_path;	/* --rules=FILE */
	char *rules_pid;	/* what --rules took that is a PID */
	char *log_path;
	const char **operand_copy;
	const char *groups[64];
	char *group_args[64];
	size_t ngroups;
	struct ctk_target targets[64];
	int fds[64];
	bool scope[64];		/* --transient: a scope systemd makes */
	size_t ntargets;
	pid_t *pids;
	size_t npids;
	char **cmd;
	struct ctk_hierarchies hier;
};

enum { OPT_GROUP = 'g', OPT_RULES = 0x100 };

/* --sticky: hold each target (the classification daemon moves nothing
 * out of a held container, ctk/sticky.h). held[i] says which marks are
 * new, for hold_undo() when nothing moved. 0 or an exit code. */
static int hold_targets(struct cattach_control *ctl, bool *held)
{
	for (size_t i = 0; i < ctl->ntargets; i++) {
		struct ctk_err e;
		char where[512], why[512];
		int rc;

		held[i] = false;
		if (!ctl->sticky)
			continue;
		rc = ctk_sticky_hold(ctl->fds[i], &ctl->targets[i], &e);
		if (rc >= 0) {
			held[i] = rc > 0;
			continue;
		}
		ctk_target_format(&ctl->targets[i], where, sizeof(where));
		ctk_msg(&ctl->cli, "%s: %s", where,
			ctk_err_text(&e, why, sizeof(why)));
		while (i-- > 0)
			if (held[i])
				ctk_sticky_unhold(ctl->fds[i]);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

static void hold_undo(struct cattach_control *ctl, const bool *held)
{
	for (size_t i = 0; i < ctl->ntargets; i++)
		if (held[i] && ctl->fds[i] >= 0)
			ctk_sticky_unhold(ctl->fds[i]);
}

static int exec_command(struct cattach_control *ctl)
{
	struct stat st;
	int err;

	execvp(ctl->cmd[0], ctl->cmd);
	err = errno;
	if (err == ENOENT) {
		ctk_msg(&ctl->cli, "%s: command not found", ctl->cmd[0]);
		return CTK_EXIT_NOT_FOUND;
	}
	/* execve says EACCES for a directory: said as the shell says it */
	if (err == EACCES && strchr(ctl->cmd[0], '/') &&
	    !stat(ctl->cmd[0], &st) && S_ISDIR(st.st_mode))
		err = EISDIR;
	ctk_msg(&ctl->cli, "%s: cannot execute: %s", ctl->cmd[0],
		strerror(err));
	return CTK_EXIT_CANNOT_EXEC;
}

static int open_targets(struct cattach_control *ctl)
{
	struct ctk_err e;

	for (size_t i = 0; i < ctl->ngroups; i++) {
		struct ctk_target *t = &ctl->targets[i];
		char where[512];
		int fd;

		if (ctk_target_from_string(ctl->groups[i], &ctl->hier, t, &e)) {
			ctk_msg_err_op(&ctl->cli, ctl->groups[i], &e, CTK_OP_OPEN);
			return CTK_EXIT_FAILURE;
		}
		ctl->ntargets++;
		fd = ctk_container_open(t);
		if (fd < 0) {
			ctk_target_format(t, where, sizeof(where));
			ctk_msg_errno(&ctl->cli, where, NULL, CTK_OP_OPEN, fd);
			return CTK_EXIT_FAILURE;
		}
		ctl->fds[i] = fd;
		/* systemd's tree: what it delegated only, unless --force */
		if (ctk_cli_systemd_check(&ctl->cli, t, CTK_SD_MOVE, ctl->force))
			return CTK_EXIT_FAILURE;
	}
	return 0;
}

static int run_command(struct cattach_control *ctl)
{
	struct ctk_err e;
	char where[512];
	bool held[CTK_ARRAY_SIZE(ctl->targets)];
	int ret = hold_targets(ctl, held);

	if (ret)
		return ret;
	for (size_t i = 0; i < ctl->ntargets; i++) {
		if (ctl->scope[i])	/* systemd put it there */
			continue;
		if (ctk_attach(ctl->fds[i], &ctl->targets[i], getpid(), false,
			       &e)) {
			ctk_target_format(&ctl->targets[i], where,
					  sizeof(where));
			char why[512];

			ctk_msg(&ctl->cli, "%s: cannot move itself: %s", where,
				ctk_err_text(&e, why, sizeof(why)));
			hold_undo(ctl, held);
			return CTK_EXIT_FAILURE;
		}
		if (ctl->verbose) {
			/* stderr: stdout is the command's */
			ctk_target_format(&ctl->targets[i], where,
					  sizeof(where));
			fprintf(stderr, "cattach: %d: moved to %s\n",
				(int)getpid(), where);
		}
	}
	/* the containers stay open (close-on-exec) to undo new marks when
	 * the command cannot run */
	if (ctl->cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
		ctk_msg(&ctl->cli, "cannot make a cgroup namespace: %s",
			strerror(errno));
		hold_undo(ctl, held);
		return ctk_exit_for_errno(errno);
	}
	ret = exec_command(ctl);
	hold_undo(ctl, held);
	return ret;
}

/* ---- --transient: a container for one command ------------------------- */

static volatile sig_atomic_t transient_child;

/* SIGTERM and SIGHUP are the command's to act on: passed on to it */
static void pass_on(int sig)
{
	if (transient_child > 0)
		kill(transient_child, sig);
}

/*
 * A scope, asked of systemd: where systemd manages the hierarchy, outside
 * what it delegated, for a SPEC that names one (NAME.scope), as
 * systemd-run --scope -p Delegate=yes makes. --force keeps the plain
 * container.
 */
static bool scope_wanted(struct cattach_control *ctl,
			 const struct ctk_target *t)
{
	size_t len = strlen(t->cpath);
	struct ctk_err e;

	return !ctl->force && t->hier->type == CTK_HIER_V2 && len > 6 &&
	       !strcmp(t->cpath + len - 6, ".scope") &&
	       ctk_sd_check(t, CTK_SD_MAKE, &e) == -EPERM;
}

/*
 * Make every target; none may exist (a container it did not make is never
 * its to remove). On a failure, what it made goes again. 0 or an exit code.
 */
static int make_transient(struct cattach_control *ctl, struct ctk_err *e)
{
	struct ctk_create_opts o;
	char where[512];

	ctk_create_opts_init(&o);
	for (size_t i = 0; i < ctl->ngroups; i++) {
		struct ctk_target *t = &ctl->targets[i];
		bool existed = false;

		if (ctk_target_from_string(ctl->groups[i], &ctl->hier, t, e)) {
			ctk_msg_err_op(&ctl->cli, ctl->groups[i], e, CTK_OP_OPEN);
			goto undo;
		}
		ctl->ntargets++;
		if (scope_wanted(ctl, t)) {
			char slice[256], unit[256];

			ctl->scope[i] = true;
			if (!ctk_sd_scope_names(t->cpath, slice, sizeof(slice),
						unit, sizeof(unit), e))
				continue;
			ctk_target_format(t, where, sizeof(where));
			ctk_msg_err(&ctl->cli, where, e);
			ctl->ntargets--;
			ctk_target_free(t);
			goto undo;
		}
		if (ctk_cli_systemd_check(&ctl->cli, t, CTK_SD_MAKE,
					  ctl->force)) {
			ctl->ntargets--;
			ctk_target_free(t);
			e->code = EPERM;
			goto undo;
		}
		if (ctk_container_create(t, &o, NULL, &existed, e)) {
			ctk_target_format(t, where, sizeof(where));
			if (e->code == EEXIST)
				ctk_msg(&ctl->cli, "%s: exists: --transient "
					"makes a container of its own", where);
			else
				ctk_msg_err_op(&ctl->cli, where, e,
					       CTK_OP_MKDIR);
			ctl->ntargets--;
			ctk_target_free(t);
			goto undo;
		}
	}
	return 0;
undo:
	for (size_t i = 0; i < ctl->ntargets; i++)
		if (!ctl->scope[i])
			ctk_container_remove(&ctl->targets[i]);
	return e->code == EEXIST ? CTK_EXIT_FAILURE :
	       ctk_exit_for_errno(e->code);
}

/*
 * Once the command has ended, wait for everything it started (the
 * container empty), then remove the containers. The exit status is the
 * command's (128 + a signal's number, as a shell says it).
 */
static int end_transient(struct cattach_control *ctl, int status)
{
	int ret = WIFEXITED(status) ? WEXITSTATUS(status) :
		  WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
		  CTK_EXIT_FAILURE;
	char where[512];

	for (size_t i = 0; i < ctl->ntargets; i++) {
		struct ctk_remove_stats st;
		struct ctk_err e;
		int rc;

		ctk_target_format(&ctl->targets[i], where, sizeof(where));
		if (ctl->verbose)
			fprintf(stderr, "cattach: the command ended (status "
				"%d): waiting for %s to empty\n", ret, where);
		rc = ctk_container_wait_empty(&ctl->targets[i]);
		if (ctl->scope[i]) {	/* systemd's to remove, empty */
			if (rc && rc != -ENOENT)
				ctk_msg_errno(&ctl->cli, where, "cannot wait "
					      "for it to empty", CTK_OP_OPEN,
					      rc);
			else if (ctl->verbose)
				fprintf(stderr, "cattach: %s: empty, left to "
					"systemd\n", where);
			continue;
		}
		if (!rc)
			rc = ctk_remove_tree(&ctl->targets[i], NULL, 0, NULL,
					     NULL, &st, &e) ? -e.code : 0;
		if (rc && rc != -ENOENT) {
			ctk_msg_errno(&ctl->cli, where, "cannot remove it",
				      CTK_OP_RMDIR, rc);
			if (!ret)
				ret = CTK_EXIT_FAILURE;
		} else if (ctl->verbose) {
			fprintf(stderr, "cattach: removed %s\n", where);
		}
	}
	return ret;
}

/* The containers made, opened for the child (a scope is made around it
 * later); -1 said. */
static int open_transient(struct cattach_control *ctl)
{
	for (size_t i = 0; i < ctl->ntargets; i++) {
		ctl->fds[i] = -1;
		if (ctl->scope[i])
			continue;
		ctl->fds[i] = ctk_container_open(&ctl->targets[i]);
		if (ctl->fds[i] < 0) {
			ctk_msg_errno(&ctl->cli, ctl->groups[i], NULL,
				      CTK_OP_OPEN, ctl->fds[i]);
			return -1;
		}
	}
	return 0;
}

static int run_transient(struct cattach_control *ctl)
{
	struct sigaction ign = { .sa_handler = SIG_IGN },
			 fwd = { .sa_handler = pass_on };
	sigset_t block, old;
	struct ctk_err e;
	char where[512];
	int ret, status = 0, go[2];
	pid_t pid;

	ret = make_transient(ctl, &e);
	if (ret)
		return ret;
	if (open_transient(ctl) < 0)
		return end_transient(ctl, W_EXITCODE(1, 0));
	/* no signal between the fork and the handlers: the containers
	 * must not be left behind */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	fflush(NULL);
	/* the child waits on @go until its scope is made (a byte), or
	 * exits when no scope came (closed) */
	if (pipe2(go, O_CLOEXEC) < 0) {
		ctk_msg(&ctl->cli, "cannot make a pipe: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return end_transient(ctl, W_EXITCODE(1, 0));
	}
	pid = fork();
	if (pid < 0) {
		ctk_msg(&ctl->cli, "cannot fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(go[0]);
		close(go[1]);
		return end_transient(ctl, W_EXITCODE(1, 0));
	}
	if (!pid) {
		char c;

		close(go[1]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (read(go[0], &c, 1) != 1)
			_exit(CTK_EXIT_FAILURE);
		close(go[0]);
		_exit(run_command(ctl));
	}
	close(go[0]);
	for (size_t i = 0; i < ctl->ntargets; i++) {
		if (!ctl->scope[i] ||
		    !ctk_sd_scope_start(&ctl->targets[i], pid, NULL, 0, &e)) {
			if (ctl->scope[i] && ctl->verbose) {
				ctk_target_format(&ctl->targets[i], where,
						  sizeof(where));
				fprintf(stderr, "cattach: %d: in %s, a scope "
					"systemd delegated\n", (int)pid, where);
			}
			continue;
		}
		ctk_target_format(&ctl->targets[i], where, sizeof(where));
		ctk_msg_err(&ctl->cli, where, &e);
		close(go[1]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		sigprocmask(SIG_SETMASK, &old, NULL);
		return end_transient(ctl, W_EXITCODE(e.code == ENOTSUP ?
					CTK_EXIT_UNSUPPORTED : 1, 0));
	}
	if (write(go[1], "1", 1) != 1) {
		ctk_msg(&ctl->cli, "cannot start the command: %s",
			strerror(errno));
		close(go[1]);
		kill(pid, SIGKILL);
	} else {
		close(go[1]);
	}
	transient_child = pid;
	/* as system(3): the terminal's INT and QUIT are the command's */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGTERM, &fwd, NULL);
	sigaction(SIGHUP, &fwd, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	transient_child = 0;
	return end_transient(ctl, status);
}

static int move_pids(struct cattach_control *ctl)
{
	size_t moved = 0, failed = 0;
	bool held[CTK_ARRAY_SIZE(ctl->targets)];
	struct ctk_err e;
	char where[512];
	int ret = hold_targets(ctl, held);

	if (ret)
		return ret;
	for (size_t p = 0; p < ctl->npids; p++) {
		bool ok = true;

		for (size_t i = 0; i < ctl->ntargets; i++) {
			if (!ctk_attach(ctl->fds[i], &ctl->targets[i],
					ctl->pids[p], ctl->threads, &e)) {
				if (ctl->verbose) {
					ctk_target_format(&ctl->targets[i],
							  where, sizeof(where));
					printf("%d: moved to %s\n",
					       (int)ctl->pids[p], where);
				}
			} else {
				ctk_target_format(&ctl->targets[i], where,
						  sizeof(where));
				char why[512];

				ctk_msg(&ctl->cli, "%d: cannot move to %s: %s",
					(int)ctl->pids[p], where,
					ctk_err_text(&e, why,
						   sizeof(why)));
				ok = false;
			}
		}
		if (ok)
			moved++;
		else
			failed++;
	}
	if (!failed)
		return CTK_EXIT_OK;
	if (!moved)
		hold_undo(ctl, held);
	return moved ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
}

/* -a FROM SPEC: repeat until FROM stays empty or the bound is hit. */
static int move_all(struct cattach_control *ctl)
{
	struct ctk_target *from = &ctl->targets[0], *to = &ctl->targets[1];
	size_t moved = 0, stuck_n = 0, stuck_cap = 0;
	pid_t *stuck = NULL;
	char where[512];
	struct ctk_err e;

	if (from->hier != to->hier) {
		ctk_msg(&ctl->cli, "%s: not in the same hierarchy as %s",
			ctl->groups[0], ctl->groups[1]);
		return CTK_EXIT_USAGE;
	}
	for (int round = 0; round < ALL_ROUNDS; round++) {
		const char *files[] = { "cgroup.procs", "tasks" };
		size_t progress = 0, seen = 0;

		for (size_t f = 0; f < 2; f++) {
			pid_t *pids = NULL;
			size_t n = 0;
			bool thread = f == 1;
			int rc;

			if (thread && from->hier->type != CTK_HIER_V1)
				break;
			rc = ctk_container_pids(ctl->fds[0], files[f], &pids, &n);
			if (rc) {
				ctk_msg_errno(&ctl->cli, ctl->groups[0],
					      "cannot read", CTK_OP_OPEN, rc);
				free(stuck);
				return CTK_EXIT_FAILURE;
			}
			seen += n;
			for (size_t i = 0; i < n; i++) {
				if (!ctk_attach(ctl->fds[1], to, pids[i], thread,
						&e)) {
					progress++;
					moved++;
					if (ctl->verbose) {
						ctk_target_format(to, where,
								  sizeof(where));
						printf("%d: moved to %s\n",
						       (int)pids[i], where);
					}
					continue;
				}
				if ((round == 0 || stuck_n == 0 ||
				     stuck[stuck_n - 1] != pids[i]) &&
				    !CTK_GROW(stuck, stuck_cap, stuck_n, 16))
					stuck[stuck_n++] = pids[i];
			}
			free(pids);
		}
		if (!seen)
			break;		/* FROM is empty */
		if (!progress)
			break;		/* what is left will not move */
		stuck_n = 0;		/* retry the rest in the next round */
	}
	/* report what is still there, after one last try each */
	{
		pid_t *left = NULL;
		size_t nleft = 0, stayed = 0;
		int rc;

		free(stuck);
		rc = ctk_container_pids(ctl->fds[0], "cgroup.procs", &left,
					&nleft);
		if (rc) {
			ctk_msg_errno(&ctl->cli, ctl->groups[0], "cannot read",
				      CTK_OP_OPEN, rc);
			return CTK_EXIT_FAILURE;
		}
		ctk_target_format(to, where, sizeof(where));
		for (size_t i = 0; i < nleft; i++) {
			if (!ctk_attach(ctl->fds[1], to, left[i], false, &e)) {
				moved++;
				if (ctl->verbose)
					printf("%d: moved to %s\n", (int)left[i],
					       where);
				continue;
			}
			char why[512];

			ctk_msg(&ctl->cli, "%d: cannot move to %s: %s",
				(int)left[i], where,
				ctk_err_text(&e, why, sizeof(why)));
			stayed++;
		}
		free(left);
		if (!stayed)
			return CTK_EXIT_OK;
		return moved ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
	}
}

/* --rules: PIDs, a command (cgexec without -g), or the daemon. */
static int classify(struct cattach_control *ctl)
{
	const char *path = ctl->rules_path ? ctl->rules_path :
			   CTK_CGRULES_DEFAULT;
	int ret;

	if (ctl->watch)
		return cattach_classify_watch(&ctl->cli, path, ctl->log_path,
					      ctl->verbose, ctl->force);
	if (!ctl->cmd)
		return cattach_classify_pids(&ctl->cli, path, ctl->pids,
					     ctl->npids, ctl->verbose,
					     ctl->force);
	ret = cattach_classify_command(&ctl->cli, path, ctl->cmd[0],
				       ctl->sticky, ctl->verbose, ctl->force);
	return ret ? ret : exec_command(ctl);
}

/* The operands and what goes with what; the PIDs parsed. 0 or 2. */
static int check_args(struct cattach_control *ctl, const char **args,
		      size_t nargs)
{
	size_t first_pid = 0;
	int has_cmd = ctl->cmd != NULL;

	if (ctl->cmd && !ctl->cmd[0])
		return ctk_usage_error(&ctl->cli, "no command after '--'");
	if (ctk_cli_exclusive(&ctl->cli, (const struct ctk_excl[]){
			CTK_EXCL_FLAG("--all", &ctl->all),
			CTK_EXCL_FLAG("--rules", &ctl->rules), CTK_EXCL_END,
			CTK_EXCL_FLAG("--all", &ctl->all),
			CTK_EXCL_FLAG("'-- COMMAND'", &has_cmd), CTK_EXCL_END,
			CTK_EXCL_END }))
		return CTK_EXIT_USAGE;
	if (ctl->cgroupns && !ctl->cmd)
		return ctk_usage_error(&ctl->cli, "--cgroupns goes with a "
				       "command");
	if (ctl->transient && (!ctl->cmd || ctl->rules || ctl->sticky))
		return ctk_usage_error(&ctl->cli, "--transient goes with "
				       "SPEC -- COMMAND (no --rules, no "
				       "--sticky)");
	if (ctl->watch && !ctl->rules)
		return ctk_usage_error(&ctl->cli, "--watch goes with --rules");
	if (ctl->log_path && !ctl->watch)
		return ctk_usage_error(&ctl->cli, "--log goes with --rules "
				       "--watch");
	if (ctl->sticky && (ctl->watch || ctl->all))
		return ctk_usage_error(&ctl->cli, "--sticky goes with a "
				       "command or PIDs");
	if (ctl->all) {
		if (ctl->ngroups || nargs != 2 || ctl->threads)
			return ctk_usage_error(&ctl->cli, "-a takes FROM and "
					       "SPEC");
		ctl->groups[ctl->ngroups++] = args[0];
		ctl->groups[ctl->ngroups++] = args[1];
		return 0;
	}
	if (ctl->rules) {
		if (ctl->ngroups || ctl->threads || ctl->cgroupns)
			return ctk_usage_error(&ctl->cli, "--rules takes no "
					       "container");
		if (ctl->watch && (nargs || ctl->cmd))
			return ctk_usage_error(&ctl->cli, "--rules --watch "
					       "takes no PID or command");
		if (ctl->cmd && nargs)
			return ctk_usage_error(&ctl->cli, "%s: PIDs and a "
					       "command do not mix", args[0]);
		if (!ctl->watch && !ctl->cmd && !nargs)
			return ctk_usage_error(&ctl->cli, "--rules: no PID, "
					       "command or --watch");
		if (ctl->watch || ctl->cmd)
			return 0;
	} else {
		if (!ctl->ngroups) {
			if (!nargs)
				return ctk_usage_error(&ctl->cli, "no container "
						       "given");
			ctl->groups[ctl->ngroups++] = args[0];
			first_pid = 1;
		}
		if (ctl->cmd && nargs > first_pid)
			return ctk_usage_error(&ctl->cli, "%s: PIDs and a command "
					       "do not mix", args[first_pid]);
		if (!ctl->cmd && nargs <= first_pid)
			return ctk_usage_error(&ctl->cli, "no PID given");
		if (ctl->cmd && ctl->threads)
			return ctk_usage_error(&ctl->cli, "--threads does not go "
					       "with a command");
		if (ctl->cmd)
			return 0;
	}
	ctl->pids = calloc(nargs, sizeof(*ctl->pids));
	if (!ctl->pids) {
		ctk_msg(&ctl->cli, "out of memory");
		return CTK_EXIT_FAILURE;
	}
	for (size_t i = first_pid; i < nargs; i++) {
		char safe[64];

		if (ctk_parse_pid(args[i], &ctl->pids[ctl->npids++]))
			return ctk_usage_error(&ctl->cli, "%s: not a process "
					       "ID%s", ctk_safe_name(args[i],
					       safe, sizeof(safe)),
					       /* a command without -- before it */
					       strspn(args[i], "0123456789+-") ?
					       "" : " (a command goes after --: "
					       "cattach SPEC -- COMMAND)");
	}
	return 0;
}

/* Classify, run a command, move all of FROM, or move the PIDs. */
static int run_mode(struct cattach_control *ctl)
{
	struct ctk_err e;
	int ret;

	if (ctl->rules)
		return classify(ctl);
	/* mounted hierarchies are all it needs (no /proc/self/cgroup) */
	if (ctk_hierarchy_load(&ctl->hier, NULL, NULL, &e)) {
		ctk_msg_err(&ctl->cli, NULL, &e);
		return CTK_EXIT_FAILURE;
	}
	if (ctl->transient)
		return run_transient(ctl);
	ret = open_targets(ctl);
	if (ret)
		return ret;
	if (ctl->cmd)
		return run_command(ctl);
	return ctl->all ? move_all(ctl) : move_pids(ctl);
}

/* The options, from popt: -1 when all were read, else an exit code. */
static int read_options(struct cattach_control *ctl, poptContext pc)
{
	int rc;

	while ((rc = poptGetNextOpt(pc)) > 0) {
		char *a;

		switch (rc) {
		case OPT_GROUP:
			a = poptGetOptArg(pc);
			if (ctl->ngroups == CTK_ARRAY_SIZE(ctl->groups)) {
				free(a);
				return ctk_usage_error(&ctl->cli, "too many -g");
			}
			ctl->group_args[ctl->ngroups] = a;
			ctl->groups[ctl->ngroups++] = a;
			break;
		case OPT_RULES:
			a = poptGetOptArg(pc);
			ctl->rules = 1;
			/* popt takes the next word for the optional FILE: a
			 * PID is an operand again (a file named 123: ./123) */
			if (a && *a && strspn(a, "0123456789") == strlen(a)) {
				free(ctl->rules_pid);
				ctl->rules_pid = a;
			} else if (a) {
				free(ctl->rules_path);
				ctl->rules_path = a;
			}
			break;
		default:
			ctk_cli_handle(&ctl->cli, rc);
		}
	}
	return rc < -1 ? ctk_popt_error(&ctl->cli, pc, rc) : -1;
}

int main(int argc, const char **argv)
{
	struct cattach_control ctl = { .cli = { .tool = "cattach" } };
	struct poptOption common[CTK_CLI_NOPTS];
	struct poptOption opts[] = {
		{ "threads", 't', POPT_ARG_NONE, &ctl.threads, 0,
		  "move single threads (tasks / cgroup.threads)", NULL },
		{ "group", 'g', POPT_ARG_STRING, NULL, OPT_GROUP,
		  "a container to attach to (repeatable: several "
		  "hierarchies)", "SPEC" },
		{ "cgroupns", 'C', POPT_ARG_NONE, &ctl.cgroupns, 0,
		  "with a command: a new cgroup namespace rooted at the "
		  "container", NULL },
		{ "all", 'a', POPT_ARG_NONE, &ctl.all, 0,
		  "move every task of FROM to SPEC", NULL },
		{ "rules", '\0', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL,
		  OPT_RULES, "classify by cgrules.conf (default "
		  CTK_CGRULES_DEFAULT ")", "FILE" },
		{ "watch", 'w', POPT_ARG_NONE, &ctl.watch, 0,
		  "with --rules: classify every new process (a daemon)", NULL },
		{ "force", '\0', POPT_ARG_NONE, &ctl.force, 0,
		  "also where systemd manages the tree outside what it "
		  "delegated (said in a warning)", NULL },
		{ "sticky", '\0', POPT_ARG_NONE, &ctl.sticky, 0,
		  "hold the container: the rules daemon moves nothing "
		  "out of it", NULL },
		{ "log", 'l', POPT_ARG_STRING, &ctl.log_path, 0,
		  "with --watch: also log to FILE", "FILE" },
		{ "transient", '\0', POPT_ARG_NONE, &ctl.transient, 0,
		  "with a command: make SPEC, run it there, remove SPEC when "
		  "all it started has ended", NULL },
		{ "verbose", 'v', POPT_ARG_NONE, &ctl.verbose, 0,
		  "say what moved", NULL },
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		CTK_CLI_SPEC_HELP(CTK_SPEC_HELP "\n"
				  "A COMMAND goes after --: cattach SPEC -- COMMAND (a word after\n"
				  "SPEC without -- is a PID)."),
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	int ret = CTK_EXIT_USAGE;
	const char **args;
	size_t nargs = 0;
	poptContext pc;

	pc = ctk_cli_start(&ctl.cli, argc, argv, opts, common,
			   "[options] SPEC PID... | [options] SPEC -- COMMAND "
			   "[ARG...] | -a FROM SPEC | --rules[=FILE] PID... | "
			   "--rules[=FILE] -- COMMAND | --rules[=FILE] --watch",
			   &ctl.cmd);
	ret = pc ? read_options(&ctl, pc) : CTK_EXIT_FAILURE;
	if (ret >= 0)
		goto out;
	ret = CTK_EXIT_USAGE;
	args = poptGetArgs(pc);
	while (args && args[nargs])
		nargs++;
	if (ctl.rules_pid) {
		const char **all = calloc(nargs + 2, sizeof(*all));

		if (!all) {
			ctk_msg(&ctl.cli, "out of memory");
			ret = CTK_EXIT_FAILURE;
			goto out;
		}
		all[0] = ctl.rules_pid;
		for (size_t i = 0; i < nargs; i++)
			all[i + 1] = args[i];
		ctl.operand_copy = all;
		args = all;
		nargs++;
	}

	for (size_t i = 0; i < CTK_ARRAY_SIZE(ctl.fds); i++)
		ctl.fds[i] = -1;
	/* validate everything before the first move */
	ret = check_args(&ctl, args, nargs);
	if (!ret)
		ret = run_mode(&ctl);
out:
	for (size_t i = 0; i < ctl.ntargets; i++) {
		if (ctl.fds[i] >= 0)
			close(ctl.fds[i]);
		ctk_target_free(&ctl.targets[i]);
	}
	for (size_t i = 0; i < CTK_ARRAY_SIZE(ctl.group_args); i++)
		free(ctl.group_args[i]);
	free(ctl.pids);
	free(ctl.rules_path);
	free(ctl.rules_pid);
	free(ctl.log_path);
	free(ctl.operand_copy);
	ctk_hierarchy_free(&ctl.hier);
	poptFreeContext(pc);
	return ret;
}
