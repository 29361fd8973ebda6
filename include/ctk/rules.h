/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Classification by libcgroup's cgrules.conf (cgrulesengd, cgexec without
 * -g), with ctk's own parser and matcher:
 *
 *   USER[:PROCESS]  CONTROLLERS  DESTINATION  [OPTIONS]
 *
 * USER is a user name, @GROUP, '*' (anyone) or '%' (the same match as the
 * rule before: one match, several destinations). PROCESS is a name (the
 * basename of the program) or a full path. CONTROLLERS: a comma list of
 * v1 controllers, name=NAME, "unified" (cgroup v2) or '*' (every mounted
 * hierarchy). DESTINATION may hold %u %U %g %G %p %P (user, uid, group,
 * gid, process name, pid); a container named through a template is
 * created. OPTIONS: "ignore" (a match that is left where it is).
 */
#ifndef CTK_RULES_H
#define CTK_RULES_H

#include <limits.h>
#include <sys/types.h>

#include "ctk/c.h"
#include "ctk/hierarchy.h"

enum ctk_rule_who { CTK_RULE_ANY, CTK_RULE_USER, CTK_RULE_GROUP,
		    CTK_RULE_SAME };

struct ctk_rule {
	int line;
	const char *file;	/* NULL: the file named; else one of its .d */
	enum ctk_rule_who who;
	uid_t uid;
	gid_t gid;
	char *proc;		/* NULL: any process */
	char *ctrls;		/* as written: "cpu,memory", "*" */
	char *dest;		/* as written, templates unexpanded */
	bool ignore;
	bool ignore_rt;		/* libcgroup's: a real-time task stays */
	bool skip;		/* an unknown user or group, or an option
				 * ctk does not know: never matches */
};

struct ctk_rules {
	struct ctk_rule *v;
	size_t n, cap;
	char **warnings;	/* "line 3: no such user 'x': rule skipped" */
	size_t nwarnings, capw;
	char **files;		/* the .d files read, for the rules' file */
	size_t nfiles, capf;
};

/* Parse a cgrules.conf text. A syntax error fails the whole file. */
int ctk_rules_parse(const char *text, struct ctk_rules *r, struct ctk_err *e);

/*
 * Read and parse @path: a regular file, never a FIFO; then every *.conf of
 * the directory beside it named as it is without ".conf", with ".d" (for
 * /etc/cgrules.conf, /etc/cgrules.d, as libcgroup 3 reads it), in name
 * order, each entry of root's (ctk_conf_dir_list). A rule, a warning and
 * an error from one of those name it.
 */
int ctk_rules_load(const char *path, struct ctk_rules *r, struct ctk_err *e);

void ctk_rules_free(struct ctk_rules *r);

/* What a rule is matched against: one process, read from /proc. */
struct ctk_proc_id {
	pid_t pid;
	uid_t euid;
	gid_t egid;
	gid_t groups[64];	/* supplementary */
	size_t ngroups;
	char exe[PATH_MAX];	/* the program, or a script run by it */
	char comm[64];
	bool script;		/* exe is a script (its interpreter runs it) */
	bool have_ino;		/* exe_dev, exe_ino: the file that runs */
	dev_t exe_dev;
	ino_t exe_ino;
};

/*
 * Who @pid is: effective ids, groups, and its program. A script is taken
 * by its own path when the process's name is the script's, an argument
 * names it, and its "#!" line names the interpreter that runs (so a name
 * and arguments alone cannot pose as a script).
 */
int ctk_proc_identify(pid_t pid, struct ctk_proc_id *id);

/* The index of the first rule that matches @id, -1 when none does. */
long ctk_rules_match(const struct ctk_rules *r, const struct ctk_proc_id *id);

/*
 * The destination of rule @k for @id, templates expanded, into @buf.
 * *templated tells whether it had any. A value that would make a path
 * component of its own ('.', '..', a '/', control characters) is refused
 * (EINVAL).
 */
int ctk_rule_dest(const struct ctk_rule *rule, const struct ctk_proc_id *id,
		  char *buf, size_t size, bool *templated, struct ctk_err *e);

/* Called for each move of ctk_rules_apply, done or failed. */
typedef void (*ctk_rule_report_fn)(void *arg, const struct ctk_proc_id *id,
				   const struct ctk_rule *rule,
				   const char *where, int err,
				   const struct ctk_err *e);

/* ctk_rules_apply: hold each destination (ctk_sticky_hold) before the
 * move into it. */
#define CTK_RULES_HOLD	0x1u
/* ctk_rules_apply: also where systemd manages the tree outside what it
 * delegated (without it such a destination is refused, ctk/systemd.h) */
#define CTK_RULES_ANYWHERE	0x2u

/*
 * Apply rule @k and the '%' rules that follow it: move @id's process to
 * each destination in each hierarchy the rule names (creating a templated
 * one with its parents). 0 when every move worked (or the rule says
 * ignore), else the first error.
 */
int ctk_rules_apply(const struct ctk_rules *r, long k,
		    const struct ctk_proc_id *id,
		    const struct ctk_hierarchies *h, unsigned flags,
		    ctk_rule_report_fn report, void *arg);

#endif
