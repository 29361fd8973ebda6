/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cattach --rules: classification by cgrules.conf, once or as a daemon. */
#ifndef CTK_TOOLS_CLASSIFY_H
#define CTK_TOOLS_CLASSIFY_H

#include <sys/types.h>

#include "cli.h"

#define CTK_CGRULES_DEFAULT	"/etc/cgrules.conf"

/* Move each of @pids where the rules put it. An exit code. */
int cattach_classify_pids(const struct ctk_cli *cli, const char *rules,
			  const pid_t *pids, size_t n, bool verbose,
			  bool force);

/*
 * cgexec without -g: move this process where the rules put the program
 * @cmd (as execvp() finds it) run by its user, before it is executed;
 * with @hold, hold each container it goes to (cgexec --sticky), refused
 * when no rule places it. 0, or an exit code.
 */
int cattach_classify_command(const struct ctk_cli *cli, const char *rules,
			     const char *cmd, bool hold, bool verbose,
			     bool force);

/*
 * The daemon (cgrulesengd): classify every process at start, then every
 * new one (fork, exec) and every uid or gid change, from the kernel's
 * process events; reload the rules on SIGHUP, stop on SIGTERM or SIGINT.
 * What runs in a held container (cattach --sticky) is left alone.
 */
int cattach_classify_watch(const struct ctk_cli *cli, const char *rules,
			   const char *log_path, bool verbose,
			   bool force);

#endif
