/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt: the options, and the commands from a table (crun's commands_s). */
#include "cckpt.h"

enum { OPT_OUTPUT = 'o', OPT_PID = 'p', OPT_TIMEOUT = 0x100, OPT_INTO };

/* ---- the commands, from a table ------------------------------------------- */

static int check_restore(struct cckpt_control *ctl)
{
	int has_cmd = ctl->command != NULL;

	if (ctl->noperands != 1)
		return ctk_usage_error(&ctl->cli, "restore takes one FILE");
	if (ctl->command && !ctl->command[0])
		return ctk_usage_error(&ctl->cli, "no command after '--'");
	if (ctl->join && !ctl->into)
		return ctk_usage_error(&ctl->cli, "--join goes with --into");
	if (ctl->freeze && !ctl->into)
		return ctk_usage_error(&ctl->cli, "--freeze needs --into a v2 "
				       "container");
	if (ctk_cli_exclusive(&ctl->cli, (const struct ctk_excl[]){
			CTK_EXCL_FLAG("--freeze", &ctl->freeze),
			CTK_EXCL_FLAG("'-- COMMAND'", &has_cmd), CTK_EXCL_END,
			CTK_EXCL_END }))
		return CTK_EXIT_USAGE;
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
	W_RESTORE = 1 << 2,	/* --into, --join, --freeze, -- COMMAND */
};

static const struct cckpt_command {
	const char *name;
	unsigned takes;
	int (*check)(struct cckpt_control *ctl);
	int (*run)(struct cckpt_control *ctl);
} commands[] = {
	{ "dump", W_DUMP, check_dump, cckpt_dump },
	{ "show", W_JSON, check_file, cckpt_show },
	{ "verify", 0, check_file, cckpt_verify },
	{ "restore", W_RESTORE, check_restore, cckpt_restore },
	{ "diff", 0, check_diff, cckpt_diff },
};

/* The options of another command than the one given are refused, with the
 * one that takes them named. */
static int check_options(struct cckpt_control *ctl, unsigned takes)
{
	if (ctl->pause_file && !(takes & W_DUMP))
		return ctk_usage_error(&ctl->cli, "%s: --pause-frozen goes "
				       "with dump", ctl->cmd);
	if ((ctl->output || ctl->pid_arg || ctl->subtree || ctl->no_freeze) &&
	    !(takes & W_DUMP))
		return ctk_usage_error(&ctl->cli, "%s: -o, -p, --subtree and "
				       "--no-freeze go with dump", ctl->cmd);
	if (ctl->timeout_arg && !(takes & (W_DUMP | W_RESTORE)))
		return ctk_usage_error(&ctl->cli, "%s: --timeout goes with "
				       "dump and restore", ctl->cmd);
	if (ctl->json && !(takes & W_JSON))
		return ctk_usage_error(&ctl->cli, "-J goes with show");
	if (ctl->command && !(takes & W_RESTORE))
		return ctk_usage_error(&ctl->cli, "'-- COMMAND' goes with "
				       "restore");
	if ((ctl->into || ctl->freeze || ctl->join) && !(takes & W_RESTORE))
		return ctk_usage_error(&ctl->cli, "--into, --join and --freeze "
				       "go with restore");
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

/* --timeout SEC into timeout_ms: 0, or the usage error's exit status */
static int read_timeout(struct cckpt_control *ctl)
{
	char *end;
	double s = strtod(ctl->timeout_arg, &end);

	if (*end || end == ctl->timeout_arg || !(s > 0) || s > 86400)
		return ctk_usage_error(&ctl->cli, "%s: --timeout takes seconds "
				       "(0 to 86400)", ctl->timeout_arg);
	ctl->timeout_ms = (int)(s * 1000);
	return 0;
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
		  "dump: seconds to wait for the freeze (default 10); "
		  "restore: for an answer (default: while the task lives)",
		  "SEC" },
		{ "json", 'J', POPT_ARG_NONE, &ctl.json, 0,
		  "show: JSON output", NULL },
		{ "into", '\0', POPT_ARG_STRING, NULL, OPT_INTO,
		  "restore: into this container (made if needed)", "SPEC" },
		{ "join", '\0', POPT_ARG_NONE, &ctl.join, 0,
		  "restore: --into a container that holds tasks already",
		  NULL },
		{ "freeze", '\0', POPT_ARG_NONE, &ctl.freeze, 0,
		  "restore: leave the restored tasks frozen (v2 --into)",
		  NULL },
#ifdef CTK_TEST_HOOKS
		{ "pause-frozen", '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN,
		  &ctl.pause_file, 0, "dump: once stopped, make FILE and hold "
		  "the stop until it is removed (60 s at most; a test hook, "
		  "--enable-test-hooks builds only)", "FILE" },
#endif
		{ NULL, '\0', POPT_ARG_INCLUDE_TABLE, common, 0,
		  "Common options:", NULL },
		CTK_CLI_SPEC_HELP(CTK_SPEC_HELP),
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc;
	const char **rest;
	int rc, ret = CTK_EXIT_USAGE;

	pc = ctk_cli_start(&ctl.cli, argc, argv, opts, common,
			   "dump [--subtree] [--no-freeze] [--timeout SEC] -o "
			   "FILE (SPEC | -p PID) | show [-J] FILE | verify FILE "
			   "| restore [--into SPEC [--join]] [--freeze] "
			   "[--timeout SEC] FILE [-- COMMAND...] | diff FILE "
			   "FILE", &ctl.command);
	if (!pc)
		return CTK_EXIT_FAILURE;
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
	ret = ctl.timeout_arg ? read_timeout(&ctl) : 0;
	if (!ret)
		ret = run_command(&ctl);
out:
	ctk_hierarchy_free(&ctl.hier);
	free(ctl.output);
	free(ctl.pid_arg);
	free(ctl.timeout_arg);
	free(ctl.into);
	free(ctl.pause_file);
	poptFreeContext(pc);
	return ret;
}
