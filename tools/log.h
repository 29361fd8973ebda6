/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemons' log (crelease's agent and watcher, cattach's classifier):
 * syslog where /dev/log takes lines, else /dev/kmsg (notice and above: not
 * a line for each container removed or process moved), and --log FILE, each
 * line also on stdout (-v) or stderr (an agent call from a shell). Nothing
 * is opened before the first line that goes there.
 */
#ifndef CTK_TOOLS_LOG_H
#define CTK_TOOLS_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "ctk/c.h"

struct ctk_logger {
	const char *ident;	/* "crelease" */
	bool ready, system;	/* opened; syslog or kmsg wanted */
	const char *path;	/* --log FILE */
	bool syslog;		/* /dev/log exists */
	int kmsg;		/* else /dev/kmsg: -1 not opened, -2 failed */
	int file;		/* --log FILE, -1 */
	bool to_stdout;		/* admin modes print their lines too */
	bool to_stderr;		/* an agent call from a shell says them too */
};

void ctk_log_open(struct ctk_logger *l, const char *ident, const char *file);

/*
 * --log FILE, appended to as root: in a directory no other user can change
 * (ctk_path_open_parent), never through a symbolic link, never to a
 * device, FIFO or directory, never to a file with other names or another
 * user's. An fd, or -errno with the reason in @e.
 */
int ctk_log_file_open(const char *path, struct ctk_err *e);

/* One line per decision; names are made safe before they get here. */
void ctk_log_line(struct ctk_logger *l, int prio, const char *fmt, ...)
	CTK_ATTR_PRINTF(3, 4);

#endif
