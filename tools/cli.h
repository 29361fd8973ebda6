/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The tools' side of the boundary: the shared popt table and messages.
 * libcommon never prints; these do.
 */
#ifndef CTK_TOOLS_CLI_H
#define CTK_TOOLS_CLI_H

#include <popt.h>
#include <signal.h>

#include "ctk/c.h"
#include "ctk/container.h"
#include "ctk/output.h"
#include "ctk/systemd.h"

struct ctk_cli {
	const char *tool;
	int quiet;
};

#define CTK_CLI_NOPTS	3
#define CTK_OPT_VERSION	0x5601

/*
 * Fill the shared table (-q, --version, end) for POPT_ARG_INCLUDE_TABLE, and
 * check at exit that stdout was written (a write error exits 1).
 */
/*
 * What a SPEC is, and the usual slips, as a section of --help: an entry of
 * an option table (popt prints an included table's text as its heading;
 * the table itself is empty).
 */
extern struct poptOption ctk_cli_no_options[];
#define CTK_SPEC_HELP \
	"SPEC names a container: CONTROLLER[,...]:/PATH (v1, cpu,cpuacct:/a),\n" \
	"name=NAME:/PATH (a named v1 hierarchy: name=, not NAME:/PATH alone),\n" \
	":/PATH (cgroup v2: a controller on v2 is not written, hugetlb:/a is\n" \
	"v1 only), or the container's directory. cmount -T lists them."
#define CTK_CLI_SPEC_HELP(text) \
	{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, ctk_cli_no_options, 0, text, NULL }

void ctk_cli_options(struct poptOption opts[CTK_CLI_NOPTS],
		     struct ctk_cli *cli);

/*
 * Closed fds 0-2 (a caller's >&-, the kernel's agent call) would be taken
 * by the next open(), and a listing could land in a log or an image: open
 * /dev/null on stdin and stderr and @out on stdout. ctk_cli_options does
 * it with /dev/full, so that what could not be printed is a write error
 * at exit, not a silent exit 0; the release agent, with /dev/null. True
 * when stderr was open (a call from a shell).
 */
bool ctk_cli_std_fds(const char *out);

/* The exit code of a write error on stdout at exit (1; cckpt diff: 2, as
 * diff(1) says trouble). */
void ctk_cli_write_error_exit(int code);

/* Handle a shared option value from poptGetNextOpt: --version prints and
 * exits; any other value is left to the caller. */
void ctk_cli_handle(struct ctk_cli *cli, int val);

/* "tool: msg" on stderr. */
void ctk_msg(const struct ctk_cli *cli, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);
/* The same unless -q. */
void ctk_warn(const struct ctk_cli *cli, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);
/* @msg, then ": " and strerror(@err) (unless @err is 0), into @buf. */
const char *ctk_reason(const char *msg, int err, char *buf, size_t size);
/* "tool: [object: ]reason" for a libcommon failure (ctk_err_text()). */
void ctk_msg_err(const struct ctk_cli *cli, const char *object,
		 const struct ctk_err *e);
/*
 * "tool: object: reason" for an errno in container terms: after @what
 * naming an action ("cannot ...", or NULL) the operation's words for
 * @err (ctk_strerror: a fixed table says whether the errno's text
 * follows them); after a @what that is a reason, the errno's text.
 */
void ctk_msg_errno(const struct ctk_cli *cli, const char *object,
		   const char *what, enum ctk_op op, int err);
/* ctk_msg_errno() for a libcommon failure @e (its object, then its msg
 * as @what), or, when @e holds the whole reason, that reason. */
void ctk_msg_err_op(const struct ctk_cli *cli, const char *object,
		    const struct ctk_err *e, enum ctk_op op);
/* Hold SIGINT, SIGTERM, SIGHUP and SIGQUIT (a step that must not stop half
 * way); the mask before in @old, for sigprocmask(SIG_SETMASK). */
void ctk_cli_hold_signals(sigset_t *old);
/* Take the held signals that came meanwhile (they are not delivered): the
 * first one's number, or 0 when none came. */
int ctk_cli_take_held(void);
/*
 * Options that exclude each other, from one table per tool (util-linux's
 * ul_excl_t): each group lists options of which at most one may be
 * given, and ends with a { NULL }; the table ends with an empty group.
 * An option is given when *flag is non-zero or *str is not NULL.
 */
struct ctk_excl {
	const char *name;	/* as the user knows it: "--json" */
	const int *flag;
	char *const *str;
};
#define CTK_EXCL_FLAG(name, p)	{ (name), (p), NULL }
#define CTK_EXCL_STR(name, p)	{ (name), NULL, (p) }
#define CTK_EXCL_END		{ NULL, NULL, NULL }
/* 0, or a usage error (exit 2) naming the first two given of a group. */
int ctk_cli_exclusive(const struct ctk_cli *cli, const struct ctk_excl *tbl);
/* --help (after ctk_cli_help_alias) before "--"? */
bool ctk_cli_wants_help(int argc, const char **argv);
/* The output columns for --help, a line each, as findmnt --help lists
 * them after the options. */
void ctk_cli_help_columns(const char *title, const struct ctk_colinfo *cols,
			  size_t n);
/* A usage error: message, the --help hint, returns CTK_EXIT_USAGE. */
int ctk_usage_error(const struct ctk_cli *cli, const char *fmt, ...)
	CTK_ATTR_PRINTF(2, 3);
/* A popt error (rc < -1). */
int ctk_popt_error(const struct ctk_cli *cli, poptContext pc, int rc);

/* CTK_EXIT_UNSUPPORTED for "the kernel has no such thing", else 1. */
int ctk_exit_for_errno(int err);

/*
 * The words after the first "--" are a command: returns how many words
 * come before it (what popt gets) and points *cmd at the command (NULL
 * without "--"; an empty list with nothing after it).
 */
int ctk_cli_split_command(int argc, const char **argv, char ***cmd);

/*
 * Would execvp(@cmd) find an executable, searching PATH as it does? 0, or
 * the exit code with its message said: CTK_EXIT_NOT_FOUND (127),
 * CTK_EXIT_CANNOT_EXEC (126). For tools that must know before they fork.
 */
/*
 * Whether @use of @t is this call's to do where systemd manages its
 * hierarchy (ctk/systemd.h): 0 to go on, with a warning when only @force
 * lets it; else the reason is said, "TOOL: SPEC: REASON", and the exit
 * code returned.
 */
int ctk_cli_systemd_check(const struct ctk_cli *cli, const struct ctk_target *t,
			  enum ctk_sd_use use, bool force);

int ctk_cli_command_check(const struct ctk_cli *cli, const char *cmd);

/* -h means --help, as in util-linux (before any "--"). */
void ctk_cli_help_alias(int argc, const char **argv);

/*
 * The start every tool makes: -h as --help, the common options filled in
 * @common (which @opts includes), and popt's context over the options,
 * with @usage after the tool's name in --help. With @cmd, a command after
 * "--" is kept apart for the tool (ctk_cli_split_command) and popt sees
 * what comes before it. NULL when out of memory (said).
 */
poptContext ctk_cli_start(struct ctk_cli *cli, int argc, const char **argv,
			  const struct poptOption *opts,
			  struct poptOption common[CTK_CLI_NOPTS],
			  const char *usage, char ***cmd);

/* Split bundles of argument-less short flags ("-rn" into "-r -n"). */
int ctk_cli_unbundle(int argc, const char **argv, const char *letters,
		     int *nargc, const char ***nargv);



#include <sys/types.h>
/*
 * "USER[:GROUP]", "USER:", ":GROUP", names or numeric ids, as chown(1).
 * Unset parts stay (uid_t)-1 / (gid_t)-1. -ENOENT names an unknown part in
 * @bad.
 */
int ctk_parse_owner(const char *s, uid_t *uid, gid_t *gid, const char **bad);
/* An octal mode 0 .. 07777. */
int ctk_parse_mode(const char *s, mode_t *mode);
#endif
