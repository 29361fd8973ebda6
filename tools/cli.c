/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char *exit_tool = "ctk";

/*
 * At exit, as util-linux's close_stdout: a listing that could not be
 * written (a full disk, a closed pipe's reader aside) is a failure, not
 * exit 0.
 */
static bool stdout_closed;	/* at start: /dev/full stands in for it */
static int write_error_exit = CTK_EXIT_FAILURE;

void ctk_cli_write_error_exit(int code)
{
	write_error_exit = code;
}

static void close_stdout(void)
{
	bool bad = ferror(stdout) != 0;
	int err = 0;

	if (fflush(stdout) != 0 || bad) {
		err = errno;
		bad = true;
	}
	if (fclose(stdout) != 0 && !bad) {
		err = errno;
		bad = true;
	}
	if (bad && err != EPIPE) {
		if (stdout_closed)
			fprintf(stderr, "%s: write error: standard output is "
				"closed\n", exit_tool);
		else
			fprintf(stderr, "%s: write error%s%s\n", exit_tool,
				err ? ": " : "", err ? strerror(err) : "");
		_exit(write_error_exit);
	}
	if (fflush(stderr) != 0 && errno != EBADF)
		_exit(CTK_EXIT_FAILURE);
}

bool ctk_cli_std_fds(const char *out)
{
	bool had_stderr = fcntl(2, F_GETFD) >= 0;

	for (int fd = 0; fd < 3; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		nfd = open(fd == 1 ? out : "/dev/null",
			   fd == 1 ? O_WRONLY : O_RDWR);
		if (nfd >= 0 && nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
		if (fd == 1)
			stdout_closed = true;
	}
	return had_stderr;
}

struct poptOption ctk_cli_no_options[] = { POPT_TABLEEND };

void ctk_cli_options(struct poptOption opts[CTK_CLI_NOPTS],
		     struct ctk_cli *cli)
{
	struct poptOption tbl[CTK_CLI_NOPTS] = {
		{ "quiet", 'q', POPT_ARG_NONE, &cli->quiet, 0,
		  "print no warnings", NULL },
		{ "version", 'V', POPT_ARG_NONE, NULL, CTK_OPT_VERSION,
		  "print the version and exit", NULL },
		POPT_TABLEEND
	};

	memcpy(opts, tbl, sizeof(tbl));
	ctk_cli_std_fds("/dev/full");
	/*
	 * What the tools use of the locale: the characters a name may print
	 * as (LC_CTYPE) and the language of the C library's messages. Numbers
	 * are read and written as in C ("--timeout 1.5" anywhere), times in
	 * a fixed format. Each category loaded is a mapping more, which every
	 * fork copies (a restore of 30,000 tasks makes 30,000).
	 */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	exit_tool = cli->tool;
	atexit(close_stdout);
}

void ctk_cli_handle(struct ctk_cli *cli, int val)
{
	if (val == CTK_OPT_VERSION) {
		printf("%s (ctk) %s\n", cli->tool, PACKAGE_VERSION);
		exit(CTK_EXIT_OK);
	}
}

/*
 * The test suites' record of every message (CTK_MSG_LOG=FILE, appended):
 * a test reads it for messages that say a thing twice or give no reason.
 * Built with --enable-test-hooks only: an installed tool run as root never
 * appends to a file its environment names.
 */
#ifndef CTK_TEST_HOOKS
static void record(const char *tool, const char *msg)
{
	(void)tool;
	(void)msg;
}
#else
static void record(const char *tool, const char *msg)
{
	const char *path = getenv("CTK_MSG_LOG");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd >= 0) {
		dprintf(fd, "%s: %s\n", tool, msg);
		close(fd);
	}
}
#endif

static void vmsg(const struct ctk_cli *cli, const char *fmt, va_list ap)
{
	char buf[1024], out[1100];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* every message, whatever names it holds: no terminal escape, no
	 * line of its own reaches the terminal */
	ctk_safe_text(buf, out, sizeof(out));
	fprintf(stderr, "%s: %s\n", cli->tool, out);
	record(cli->tool, out);
}

void ctk_msg(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
}

void ctk_warn(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->quiet)
		return;
	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
}

const char *ctk_reason(const char *msg, int err, char *buf, size_t size)
{
	if (err < 0)
		err = -err;
	if (!err)
		snprintf(buf, size, "%s", msg);
	else if (!*msg)
		snprintf(buf, size, "%s", strerror(err));
	else
		snprintf(buf, size, "%s: %s", msg, strerror(err));
	return buf;
}

/* The one printer: "tool: object: reason" (object made printable). */
static void say(const struct ctk_cli *cli, const char *object,
		const char *reason)
{
	char safe[160];

	if (object)
		ctk_msg(cli, "%s: %s", ctk_safe_name(object, safe, sizeof(safe)),
			reason);
	else
		ctk_msg(cli, "%s", reason);
}

void ctk_msg_err(const struct ctk_cli *cli, const char *object,
		 const struct ctk_err *e)
{
	char buf[1024];

	say(cli, object, ctk_err_text(e, buf, sizeof(buf)));
}

/*
 * "tool: object: [inner: ][what: ]reason" for @err during @op: after an
 * action ("cannot ...", or nothing) the reason is the operation's words
 * for the errno (ctk_strerror); after a reason, the errno's text.
 */
static void say_errno(const struct ctk_cli *cli, const char *object,
		      const char *inner, const char *what, enum ctk_op op,
		      int err)
{
	char buf[512], all[1536];
	bool action = !what || !*what || !strncmp(what, "cannot ", 7);

	if (err < 0)
		err = -err;
	if (action)
		ctk_strerror(op, err, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	snprintf(all, sizeof(all), "%s%s%s%s%s", inner ? inner : "",
		 inner ? ": " : "", what && *what ? what : "",
		 what && *what ? ": " : "", buf);
	say(cli, object, all);
}

void ctk_msg_errno(const struct ctk_cli *cli, const char *object,
		   const char *what, enum ctk_op op, int err)
{
	say_errno(cli, object, NULL, what, op, err);
}

void ctk_msg_err_op(const struct ctk_cli *cli, const char *object,
		    const struct ctk_err *e, enum ctk_op op)
{
	char obj[2 * CTK_ERR_OBJECT];

	if (e->kind == CTK_ERR_WHOLE)
		ctk_msg_err(cli, object, e);
	else
		say_errno(cli, object, e->object[0] ?
			  ctk_safe_name(e->object, obj, sizeof(obj)) : NULL,
			  e->msg, op, e->code);
}

void ctk_cli_hold_signals(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigprocmask(SIG_BLOCK, &block, old);
}

int ctk_cli_take_held(void)
{
	const struct timespec now = { 0, 0 };
	sigset_t held;
	int sig, first = 0;

	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	sigaddset(&held, SIGQUIT);
	while ((sig = sigtimedwait(&held, NULL, &now)) > 0)
		if (!first)
			first = sig;
	return first;
}

static bool given(const struct ctk_excl *x)
{
	return (x->flag && *x->flag) || (x->str && *x->str);
}

int ctk_cli_exclusive(const struct ctk_cli *cli, const struct ctk_excl *tbl)
{
	while (tbl->name) {
		const struct ctk_excl *first = NULL;

		for (; tbl->name; tbl++) {
			if (!given(tbl))
				continue;
			if (first)
				return ctk_usage_error(cli, "%s and %s are "
						       "mutually exclusive",
						       first->name, tbl->name);
			first = tbl;
		}
		tbl++;		/* past the group's end */
	}
	return 0;
}

bool ctk_cli_wants_help(int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

void ctk_cli_help_columns(const char *title, const struct ctk_colinfo *cols,
			  size_t n)
{
	printf("\n%s:\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %12s  %s\n", cols[i].name, cols[i].help);
}

int ctk_usage_error(const struct ctk_cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(cli, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", cli->tool);
	return CTK_EXIT_USAGE;
}

int ctk_popt_error(const struct ctk_cli *cli, poptContext pc, int rc)
{
	char safe[512];

	ctk_safe_name(poptBadOption(pc, POPT_BADOPTION_NOALIAS), safe,
		      sizeof(safe));
	return ctk_usage_error(cli, "%s: %s", safe, poptStrerror(rc));
}

int ctk_exit_for_errno(int err)
{
	if (err < 0)
		err = -err;
	return (err == ENODEV || err == ENOSYS || err == EOPNOTSUPP) ?
	       CTK_EXIT_UNSUPPORTED : CTK_EXIT_FAILURE;
}

int ctk_cli_split_command(int argc, const char **argv, char ***cmd)
{
	*cmd = NULL;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			*cmd = (char **)argv + i + 1;
			return i;
		}
	return argc;
}

int ctk_cli_unbundle(int argc, const char **argv, const char *letters,
		     int *nargc, const char ***nargv)
{
	const char **v;
	int n = 0;
	size_t total = 1;

	for (int i = 0; i < argc; i++)
		total += strlen(argv[i]) + 1;
	v = calloc(total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		size_t len = strlen(a);

		if (i > 0 && !strcmp(a, "--")) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		if (i > 0 && len > 2 && a[0] == '-' && a[1] != '-' &&
		    strspn(a + 1, letters) == len - 1) {
			static const char flags[][3] = {
#define F(c) { '-', c, '\0' }
				F('a'), F('b'), F('c'), F('d'), F('e'), F('f'),
				F('g'), F('h'), F('i'), F('j'), F('k'), F('l'),
				F('m'), F('n'), F('o'), F('p'), F('q'), F('r'),
				F('s'), F('t'), F('u'), F('v'), F('w'), F('x'),
				F('y'), F('z'), F('A'), F('B'), F('C'), F('D'),
				F('E'), F('F'), F('G'), F('H'), F('I'), F('J'),
				F('K'), F('L'), F('M'), F('N'), F('O'), F('P'),
				F('Q'), F('R'), F('S'), F('T'), F('U'), F('V'),
				F('W'), F('X'), F('Y'), F('Z'),
#undef F
			};
			for (size_t k = 1; k < len; k++) {
				char c = a[k];
				int idx = c >= 'a' && c <= 'z' ? c - 'a' :
					  c >= 'A' && c <= 'Z' ? 26 + c - 'A' :
					  -1;

				if (idx < 0) {
					free(v);
					return -EINVAL;
				}
				v[n++] = flags[idx];
			}
			continue;
		}
		v[n++] = a;
	}
	*nargc = n;
	*nargv = v;
	return 0;
}

#include <pwd.h>

#include "ctk/ids.h"

int ctk_parse_owner(const char *s, uid_t *uid, gid_t *gid, const char **bad)
{
	char *copy = strdup(s), *colon, *user, *group = NULL;
	int rc = 0;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	*bad = s;
	if (!copy)
		return -ENOMEM;
	user = copy;
	colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		group = colon + 1;
	}
	if (*user) {
		struct passwd *pw;

		if (ctk_parse_uid(user, uid)) {
			rc = -ENOENT;
			goto out;
		}
		if (group && !*group) {	/* "USER:": the user's group */
			pw = getpwuid(*uid);
			if (!pw) {
				rc = -ENOENT;
				goto out;
			}
			*gid = pw->pw_gid;
		}
	} else if (!group || !*group) {
		rc = -EINVAL;
		goto out;
	}
	if (group && *group && ctk_parse_gid(group, gid)) {
		*bad = s + (group - copy);
		rc = -ENOENT;
	}
out:
	free(copy);
	return rc;
}

int ctk_parse_mode(const char *s, mode_t *mode)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(*p - '0');
	}
	if (v > 07777)
		return -EINVAL;
	*mode = (mode_t)v;
	return 0;
}

int ctk_cli_systemd_check(const struct ctk_cli *cli, const struct ctk_target *t,
			  enum ctk_sd_use use, bool force)
{
	char where[512], why[512];
	struct ctk_err e = { 0 };
	int rc = ctk_sd_check(t, use, &e);

	if (!rc)
		return 0;
	ctk_target_format(t, where, sizeof(where));
	if (rc == -EPERM && force) {
		ctk_warn(cli, "%s: systemd's tree, written as asked (--force)",
			 where);
		return 0;
	}
	ctk_msg(cli, "%s: %s", where, ctk_err_text(&e, why, sizeof(why)));
	return CTK_EXIT_FAILURE;
}

int ctk_cli_command_check(const struct ctk_cli *cli, const char *cmd)
{
	const char *path = getenv("PATH"), *p;
	bool denied = false;
	struct stat st;

	if (strchr(cmd, '/')) {
		/* st is read only where stat filled it */
		int err = stat(cmd, &st) < 0 ? errno :
			  S_ISDIR(st.st_mode) ? EISDIR :
			  access(cmd, X_OK) < 0 ? errno : 0;

		if (err == ENOENT) {
			ctk_msg(cli, "%s: command not found", cmd);
			return CTK_EXIT_NOT_FOUND;
		}
		if (err) {
			ctk_msg(cli, "%s: cannot execute: %s", cmd,
				strerror(err));
			return CTK_EXIT_CANNOT_EXEC;
		}
		return 0;
	}
	/* as execvp(3) searches */
	for (p = path && *path ? path : "/bin:/usr/bin"; ; p++) {
		size_t len = strcspn(p, ":");
		char full[4096];

		snprintf(full, sizeof(full), "%.*s%s%s", (int)len, p,
			 len ? "/" : "", cmd);
		if (stat(full, &st) == 0 && !S_ISDIR(st.st_mode)) {
			if (access(full, X_OK) == 0)
				return 0;
			denied = true;
		}
		p += len;
		if (!*p)
			break;
	}
	if (denied) {
		ctk_msg(cli, "%s: cannot execute: Permission denied", cmd);
		return CTK_EXIT_CANNOT_EXEC;
	}
	ctk_msg(cli, "%s: command not found", cmd);
	return CTK_EXIT_NOT_FOUND;
}

void ctk_cli_help_alias(int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h"))
			argv[i] = "--help";
	}
}

poptContext ctk_cli_start(struct ctk_cli *cli, int argc, const char **argv,
			  const struct poptOption *opts,
			  struct poptOption common[CTK_CLI_NOPTS],
			  const char *usage, char ***cmd)
{
	poptContext pc;
	int optc = argc;

	ctk_cli_help_alias(argc, argv);
	if (cmd)
		optc = ctk_cli_split_command(argc, argv, cmd);
	ctk_cli_options(common, cli);
	pc = poptGetContext(cli->tool, optc, argv, opts, 0);
	if (!pc) {
		ctk_msg(cli, "out of memory");
		return NULL;
	}
	poptSetOtherOptionHelp(pc, usage);
	return pc;
}
