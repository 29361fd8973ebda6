/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cattach --rules: classification by cgrules.conf. Once for given PIDs,
 * or as the daemon that follows the kernel's process events. The rules,
 * the events and the moves are libcommon's; this file decides what to
 * classify when, and says what happened.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include "classify.h"
#include "ctk/hierarchy.h"
#include "ctk/procev.h"
#include "ctk/proc.h"
#include "ctk/rules.h"
#include "ctk/sticky.h"
#include "log.h"

struct classifier {
	const struct ctk_cli *cli;
	unsigned flags;		/* CTK_RULES_ANYWHERE with --force */
	const char *path;
	struct ctk_rules rules;
	struct ctk_hierarchies hier;
	bool daemon, verbose;
	bool command;		/* -- CMD: -v goes to stderr, before exec */
	struct ctk_logger log;
	unsigned apply_flags;
	size_t failed;
};

/* A line: to the log as the daemon, else stdout (-v; stderr for a command,
 * whose output stdout is) or stderr. */
static void say(struct classifier *c, int prio, bool failure,
		const char *fmt, ...) CTK_ATTR_PRINTF(4, 5);

static void say(struct classifier *c, int prio, bool failure,
		const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->daemon)
		ctk_log_line(&c->log, prio, "%s", msg);
	else if (failure)
		ctk_msg(c->cli, "%s", msg);
	else if (c->verbose && c->command)
		fprintf(stderr, "%s\n", msg);	/* unbuffered: exec loses none */
	else if (c->verbose)
		printf("%s\n", msg);
}

static void report(void *arg, const struct ctk_proc_id *id,
		   const struct ctk_rule *rule, const char *where, int err,
		   const struct ctk_err *e)
{
	struct classifier *c = arg;
	char safe[128], swhere[512], why[512], line[300], sfile[256];

	ctk_safe_name(id->comm, safe, sizeof(safe));
	/* a rule of a cgrules.d file says its file */
	if (rule->file)
		snprintf(line, sizeof(line), "%s: line %d",
			 ctk_safe_name(rule->file, sfile, sizeof(sfile)),
			 rule->line);
	else
		snprintf(line, sizeof(line), "line %d", rule->line);
	if (!where) {
		say(c, LOG_INFO, false, "%d (%s): left where it is (%s: %s)",
		    (int)id->pid, safe, line, rule->ignore ? "ignore" :
		    "ignore_rt, a real-time task");
		return;
	}
	ctk_safe_name(where, swhere, sizeof(swhere));
	if (!err) {
		say(c, LOG_INFO, false, "%d (%s): moved to %s (%s)",
		    (int)id->pid, safe, swhere, line);
		return;
	}
	c->failed++;
	say(c, LOG_WARNING, true, "%d (%s): %s: %s (%s)", (int)id->pid,
	    safe, swhere, ctk_err_text(e, why, sizeof(why)), line);
}

static int load_rules(struct classifier *c, struct ctk_rules *r)
{
	struct ctk_err e;
	char why[512], safe[256];

	ctk_safe_name(c->path, safe, sizeof(safe));
	if (ctk_rules_load(c->path, r, &e)) {
		ctk_err_text(&e, why, sizeof(why));
		if (c->daemon && c->rules.v)
			say(c, LOG_ERR, true, "%s: %s: keeping the rules "
			    "loaded before", safe, why);
		else
			ctk_msg(c->cli, "%s: %s", safe, why);
		return -1;
	}
	for (size_t i = 0; i < r->nwarnings; i++) {
		if (c->daemon)
			ctk_log_line(&c->log, LOG_WARNING, "%s: %s", safe,
				     r->warnings[i]);
		else
			ctk_warn(c->cli, "%s: %s", safe, r->warnings[i]);
	}
	return 0;
}

/* Move @pid where the rules say; quietly nothing for no match. */
static void classify(struct classifier *c, pid_t pid)
{
	struct ctk_proc_info pi;
	struct ctk_proc_id id;
	long k;

	if (ctk_proc_info(pid, &pi) || (pi.flags & CTK_PF_KTHREAD) ||
	    pi.state == 'Z' || pi.state == 'X')
		return;
	if (ctk_proc_identify(pid, &id))
		return;		/* gone meanwhile */
	k = ctk_rules_match(&c->rules, &id);
	if (k >= 0)
		ctk_rules_apply(&c->rules, k, &id, &c->hier, c->flags, report,
				c);
}

/* The rules and the mounted hierarchies, said on stderr when they fail. */
static int classifier_load(struct classifier *c)
{
	struct ctk_err e;

	if (load_rules(c, &c->rules))
		return -1;
	if (ctk_hierarchy_load(&c->hier, NULL, NULL, &e)) {
		ctk_msg_err(c->cli, NULL, &e);
		ctk_rules_free(&c->rules);
		return -1;
	}
	return 0;
}

int cattach_classify_pids(const struct ctk_cli *cli, const char *rules,
			  const pid_t *pids, size_t n, bool verbose,
			  bool force)
{
	struct classifier c = { .cli = cli, .path = rules,
				.verbose = verbose,
				.flags = force ? CTK_RULES_ANYWHERE : 0 };
	size_t failed_pids = 0;
	int ret = CTK_EXIT_OK;

	if (classifier_load(&c))
		return CTK_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++) {
		struct ctk_proc_info pi;
		size_t before = c.failed;
		int rc = ctk_proc_info(pids[i], &pi);

		if (rc || (pi.flags & CTK_PF_KTHREAD) || pi.state == 'Z' ||
		    pi.state == 'X') {
			ctk_msg(cli, "%d: %s", (int)pids[i], rc ?
				"no such process" : (pi.flags & CTK_PF_KTHREAD) ?
				"a kernel thread is not classified" :
				"a zombie (it has exited): nothing to move");
			failed_pids++;
			continue;
		}
		classify(&c, pids[i]);
		failed_pids += c.failed != before;
	}
	if (failed_pids)
		ret = failed_pids < n ? CTK_EXIT_PARTIAL : CTK_EXIT_FAILURE;
	ctk_hierarchy_free(&c.hier);
	ctk_rules_free(&c.rules);
	return ret;
}

/* The program execvp() would run for @cmd, resolved; false if none. */
static bool command_path(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH");
	char cand[PATH_MAX];

	if (strchr(cmd, '/'))
		return realpath(cmd, out) != NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");

		snprintf(cand, sizeof(cand), "%.*s/%s", (int)(len ? len : 1),
			 len ? p : ".", cmd);
		if (access(cand, X_OK) == 0 && realpath(cand, out) &&
		    strlen(out) < size)
			return true;
		p += len + (p[len] == ':');
	}
	return false;
}

int cattach_classify_command(const struct ctk_cli *cli, const char *rules,
			     const char *cmd, bool hold, bool verbose,
			     bool force)
{
	struct classifier c = { .cli = cli, .path = rules,
				.verbose = verbose, .command = true,
				.flags = force ? CTK_RULES_ANYWHERE : 0 };
	struct ctk_proc_id id;
	char exe[PATH_MAX], safe[256];
	struct stat st;
	long k = -1;
	bool known;

	if (!command_path(cmd, exe, sizeof(exe)) || stat(exe, &st) < 0)
		return 0;	/* exec says why */
	if (classifier_load(&c))
		return CTK_EXIT_FAILURE;
	/* who runs it, and what it will be once it runs: a script is its own
	 * file, since it is what the kernel executes */
	known = !ctk_proc_identify(getpid(), &id);
	if (known) {
		const char *base = strrchr(exe, '/') + 1;

		snprintf(id.exe, sizeof(id.exe), "%s", exe);
		snprintf(id.comm, sizeof(id.comm), "%.15s", base);
		id.exe_dev = st.st_dev;
		id.exe_ino = st.st_ino;
		id.have_ino = true;
		k = ctk_rules_match(&c.rules, &id);
	}
	if (hold && (k < 0 || c.rules.v[k].ignore)) {
		/* held where it is now would hold whatever else runs there */
		ctk_msg(cli, "%s: no rule places it: --sticky holds a container "
			"a rule names (or name one: cattach --sticky SPEC -- "
			"COMMAND)", ctk_safe_name(cmd, safe, sizeof(safe)));
		c.failed++;
	} else if (k >= 0) {
		ctk_rules_apply(&c.rules, k, &id, &c.hier,
				(hold ? CTK_RULES_HOLD : 0) | c.flags, report,
				&c);
	} else if (known) {
		say(&c, LOG_INFO, false, "%d (%s): no rule matches: it runs "
		    "where it is", (int)getpid(),
		    ctk_safe_name(id.comm, safe, sizeof(safe)));
	}
	ctk_hierarchy_free(&c.hier);
	ctk_rules_free(&c.rules);
	return c.failed ? CTK_EXIT_FAILURE : 0;
}

/* ---- the daemon ---------------------------------------------------------- */

/* The daemon moves nothing out of a held container (cattach --sticky):
 * whatever runs there was put there, or born there, by root's choice. */
static void classify_free(struct classifier *c, pid_t pid)
{
	if (ctk_sticky_held(pid, &c->hier) == 0)
		classify(c, pid);
}

static void scan(struct classifier *c)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		pid_t pid;

		if (!ctk_parse_pid(de->d_name, &pid))
			classify_free(c, pid);
	}
	closedir(d);
}

/* An event is a hint: what the process is, and where it is, are read
 * from /proc and the hierarchies. */
static void on_event(struct classifier *c, const struct ctk_procev *ev)
{
	switch (ev->kind) {
	case CTK_PROCEV_FORK:
	case CTK_PROCEV_EXEC:
	case CTK_PROCEV_UID:
	case CTK_PROCEV_GID:
		classify_free(c, ev->pid);
		break;
	case CTK_PROCEV_EXIT:
		break;
	}
}

static void reload(struct classifier *c)
{
	struct ctk_hierarchies h;
	struct ctk_rules r;
	struct ctk_err e;
	char safe[256], why[512];

	if (load_rules(c, &r))
		return;
	ctk_rules_free(&c->rules);
	c->rules = r;
	if (ctk_hierarchy_load(&h, NULL, NULL, &e)) {
		say(c, LOG_ERR, true, "%s: keeping the hierarchies known "
		    "before", ctk_err_text(&e, why, sizeof(why)));
	} else {
		ctk_hierarchy_free(&c->hier);
		c->hier = h;
	}
	say(c, LOG_NOTICE, false, "reloaded %zu rule%s from %s", r.n,
	    r.n == 1 ? "" : "s", ctk_safe_name(c->path, safe, sizeof(safe)));
	scan(c);
}

static int watch_loop(struct classifier *c, int nl, int sfd)
{
	struct pollfd pfd[2] = { { nl, POLLIN, 0 }, { sfd, POLLIN, 0 } };

	for (;;) {
		struct ctk_procev ev[64];
		size_t n;
		int rc;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGHUP)
				return 0;
			reload(c);
			continue;
		}
		while ((rc = ctk_procev_read(nl, ev, CTK_ARRAY_SIZE(ev),
					     &n)) == 0) {
			for (size_t i = 0; i < n; i++)
				on_event(c, &ev[i]);
		}
		if (rc == -ENOBUFS) {
			say(c, LOG_WARNING, false, "process events were lost: "
			    "looking at every process again");
			scan(c);
		} else if (rc != -EAGAIN && rc != -EINTR) {
			return rc;
		}
	}
}

int cattach_classify_watch(const struct ctk_cli *cli, const char *rules,
			   const char *log_path, bool verbose,
			   bool force)
{
	struct classifier c = { .cli = cli, .path = rules, .daemon = true,
				.verbose = verbose,
				.flags = force ? CTK_RULES_ANYWHERE : 0 };
	char safe[256], why[512];
	struct ctk_err e;
	sigset_t mask;
	int nl = -1, sfd = -1, ret = CTK_EXIT_FAILURE, rc;

	ctk_log_open(&c.log, "cattach", log_path);
	c.log.to_stdout = verbose;
	if (log_path) {
		/* refused before the daemon starts, not in its log */
		c.log.file = ctk_log_file_open(log_path, &e);
		if (c.log.file < 0) {
			ctk_msg(cli, "--log %s: %s", log_path,
				ctk_err_text(&e, why, sizeof(why)));
			return CTK_EXIT_FAILURE;
		}
	}
	c.daemon = false;	/* the rules' first load is said on stderr */
	if (classifier_load(&c))
		goto out;
	c.daemon = true;
	nl = ctk_procev_open(&e);
	if (nl < 0) {
		ctk_msg_err(cli, NULL, &e);
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		ctk_msg(cli, "signalfd: %s", strerror(errno));
		goto out;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	say(&c, LOG_NOTICE, false, "classifying by %zu rule%s from %s",
	    c.rules.n, c.rules.n == 1 ? "" : "s",
	    ctk_safe_name(c.path, safe, sizeof(safe)));
	if (!ctk_sticky_visible())
		say(&c, LOG_WARNING, false, "without CAP_SYS_ADMIN the held "
		    "containers (cattach --sticky) cannot be seen: processes "
		    "in them are classified too");
	/* subscribed first, then the scan: no process falls between */
	scan(&c);
	rc = watch_loop(&c, nl, sfd);
	if (rc) {
		ctk_msg(cli, "process events: %s", strerror(-rc));
		goto out;
	}
	say(&c, LOG_NOTICE, false, "stopped");
	ret = CTK_EXIT_OK;
out:
	if (nl >= 0)
		close(nl);
	if (sfd >= 0)
		close(sfd);
	ctk_hierarchy_free(&c.hier);
	ctk_rules_free(&c.rules);
	return ret;
}
