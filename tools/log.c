/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "ctk/container.h"
#include "ctk/path.h"
#include "log.h"

/* Where the lines go is settled at the first line (not before: a call
 * that says nothing costs nothing). */
void ctk_log_open(struct ctk_logger *l, const char *ident, const char *file)
{
	l->ident = ident;
	l->kmsg = l->file = -1;
	l->path = file;
	l->system = true;
}

/*
 * --log FILE, appended to as root: never through a symbolic link, never
 * to a device, FIFO or directory, never to a file with other names (a hard
 * link to something else). -errno, -EINVAL for "not a regular file".
 */
int ctk_log_file_open(const char *path, struct ctk_err *e)
{
	const char *leaf;
	int dfd = ctk_path_open_parent(path, &leaf, e), fd;
	struct stat st;

	if (dfd < 0)
		return dfd;
	fd = openat(dfd, leaf, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
		    O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0640);
	close(dfd);
	if (fd < 0)	/* ENXIO: a FIFO with no reader, a socket */
		return errno == ELOOP ? ctk_err_setx(e, ELOOP, "is a symbolic "
						     "link") :
		       errno == ENXIO ? ctk_err_setx(e, EINVAL, "not a regular "
						     "file with one name, of "
						     "root's") :
		       ctk_err_set(e, errno, "cannot open");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1 ||
	    !ctk_path_owner_trusted(st.st_uid)) {
		close(fd);
		return ctk_err_setx(e, EINVAL, "not a regular file with one "
				    "name, of root's");
	}
	return fd;
}

static void log_ready(struct ctk_logger *l)
{
	struct ctk_err why = { 0 };
	int err = 0;

	if (l->ready)
		return;
	l->ready = true;
	if (l->path && l->file < 0) {
		l->file = ctk_log_file_open(l->path, &why);
		if (l->file < 0) {
			err = -l->file;
			l->system = true;	/* the line goes somewhere */
		}
	}
	if (l->system && access("/dev/log", W_OK) == 0) {
		openlog(l->ident, LOG_PID, LOG_DAEMON);
		l->syslog = true;
	}
	if (err) {
		char safe[400];

		char reason[512];

		ctk_log_line(l, LOG_WARNING, "--log %s: refused: %s",
			 ctk_safe_name(l->path, safe, sizeof(safe)),
			 ctk_err_text(&why, reason, sizeof(reason)));
	}
}

/* One line per decision; names are made safe before they get here. */
void ctk_log_line(struct ctk_logger *l, int prio, const char *fmt, ...)
{
	char msg[1024], line[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_ready(l);
	/*
	 * Without syslog, the kernel's ring buffer takes what an admin must
	 * see, not the one "removed" line of every released container: a
	 * thousand of those would push the kernel's own messages out (and
	 * each open of /dev/kmsg walks that buffer).
	 */
	if (!l->syslog && l->system && prio <= LOG_NOTICE && l->kmsg == -1) {
		l->kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		if (l->kmsg < 0)
			l->kmsg = -2;	/* tried once */
	}
	if (l->syslog)
		syslog(prio, "%s", msg);
	else if (l->kmsg >= 0 && prio <= LOG_NOTICE) {
		n = snprintf(line, sizeof(line), "<%d>%s[%d]: %s\n",
			     LOG_DAEMON | prio, l->ident, (int)getpid(), msg);
		if (write(l->kmsg, line, (size_t)n) < 0) {
			/* nothing else to tell it to */
		}
	}
	if (l->file >= 0) {
		struct timespec ts;
		struct tm tm;
		char when[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%d]: %s\n",
			     when, ts.tv_nsec / 1000000, l->ident, (int)getpid(),
			     msg);
		if (write(l->file, line, (size_t)n) < 0) {
			/* the other logs still have it */
		}
	}
	if (l->to_stdout)
		printf("%s\n", msg);
	if (l->to_stderr)
		fprintf(stderr, "%s: %s\n", l->ident, msg);
}

