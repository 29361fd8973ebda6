/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "ctk/attach.h"
#include "ctk/container.h"
#include "ctk/freeze.h"
#include "internal.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "frozen 1" in cgroup.events, read through its open @evfd (a read also
 * arms the next POLLPRI). */
static int events_frozen(int evfd)
{
	char buf[256], *p;
	ssize_t n = pread(evfd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, "frozen ");
	return p && p[7] == '1';
}

static int is_frozen(int cgfd, bool v1)
{
	char buf[256], *p;

	if (v1) {
		if (ctk_cfile_read(cgfd, "freezer.state", buf, sizeof(buf)) < 0)
			return -errno;
		return !strncmp(buf, "FROZEN", 6);
	}
	if (ctk_cfile_read(cgfd, "cgroup.events", buf, sizeof(buf)) < 0)
		return -errno;
	p = strstr(buf, "frozen ");
	return p && p[7] == '1';
}

int ctk_freeze_cgroup(struct ctk_freezer *f, int cgfd, bool v1,
		      int timeout_ms, struct ctk_err *e)
{
	long long deadline = now_ms() + timeout_ms;
	int rc, evfd = -1;

	memset(f, 0, sizeof(*f));
	f->kind = v1 ? CTK_FREEZE_V1 : CTK_FREEZE_V2;
	f->cgfd = cgfd;
	if (is_frozen(cgfd, v1) == 1) {
		/* frozen by someone else: use it, and leave it so */
		f->kind = CTK_FREEZE_NONE;
		f->already = true;
		close(cgfd);
		f->cgfd = -1;
		return 0;
	}
	rc = ctk_cfile_write(cgfd, v1 ? "freezer.state" : "cgroup.freeze",
			     v1 ? "FROZEN" : "1");
	if (rc) {
		f->kind = CTK_FREEZE_NONE;
		close(cgfd);
		return ctk_err_set(e, -rc, "cannot freeze the container");
	}
	f->held = true;
	if (!v1)
		evfd = openat(cgfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	for (;;) {
		int fz = evfd >= 0 ? events_frozen(evfd) : is_frozen(cgfd, v1);

		if (fz == 1 || fz < 0 || now_ms() >= deadline) {
			if (evfd >= 0)
				close(evfd);
			if (fz == 1)
				return 0;
			ctk_thaw(f);
			if (fz < 0)
				return ctk_err_set(e, -fz, "cannot read the "
						   "freeze state");
			return ctk_err_setx(e, ETIMEDOUT, "the container did not "
					   "freeze in time (a kernel thread "
					   "inside never does)");
		}
		if (evfd >= 0) {
			/*
			 * cgroup.events says a change with POLLPRI, but at
			 * most once in 10 ms: a freeze done just after one
			 * would wait out the rest. So 1 ms at most, then it
			 * is read again.
			 */
			struct pollfd p = { .fd = evfd, .events = POLLPRI };

			poll(&p, 1, 1);
			continue;
		}
		usleep(1000);
	}
}

static char proc_state(pid_t pid)
{
	struct ctk_proc_info pi;

	return ctk_proc_info(pid, &pi) ? 0 : pi.state;
}

/*
 * A vfork parent (uninterruptible in the fork until its child execs or
 * exits: /proc says D, its wait channel is the fork) takes no SIGSTOP then,
 * and runs no code either: it is as still as a stopped task. Its stop
 * stays pending, and the SIGCONT of the thaw discards it.
 */
static bool in_vfork(pid_t pid)
{
	static const char *const waits[] = { "kernel_clone", "_do_fork",
					     "do_fork", "wait_for_vfork_done" };
	char path[40], buf[64];
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t len;

	if (dfd < 0)
		return false;
	snprintf(path, sizeof(path), "%d/wchan", (int)pid);
	len = ctk_cfile_read(dfd, path, buf, sizeof(buf));
	close(dfd);
	if (len <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	for (size_t i = 0; i < CTK_ARRAY_SIZE(waits); i++)
		if (!strcmp(buf, waits[i]))
			return proc_state(pid) == 'D';
	return false;
}

int ctk_freeze_stop(struct ctk_freezer *f, const pid_t *pids, size_t n,
		    int timeout_ms, struct ctk_err *e)
{
	long long deadline = now_ms() + timeout_ms;

	memset(f, 0, sizeof(*f));
	f->kind = CTK_FREEZE_STOP;
	f->cgfd = -1;
	f->stopped = calloc(n ? n : 1, sizeof(*f->stopped));
	if (!f->stopped)
		return ctk_err_setx(e, ENOMEM, "out of memory");
	/* kernel threads ignore SIGSTOP: refuse before any signal is sent */
	for (size_t i = 0; i < n; i++) {
		struct ctk_proc_info pi;

		if (!ctk_proc_info(pids[i], &pi) && (pi.flags & CTK_PF_KTHREAD)) {
			free(f->stopped);
			f->stopped = NULL;
			return ctk_err_setx(e, EINVAL, "task %d: a kernel "
					   "thread: refused", (int)pids[i]);
		}
	}
	f->held = true;
	for (size_t i = 0; i < n; i++) {
		char s = proc_state(pids[i]);

		if (s == 'T' || s == 't' || s == 0)
			continue;	/* stopped already (or gone): leave it */
		if (kill(pids[i], SIGSTOP) == 0)
			f->stopped[f->nstopped++] = pids[i];
	}
	for (size_t i = 0; i < f->nstopped; i++) {
		for (;;) {
			struct ctk_proc_info pi;
			char s = ctk_proc_info(f->stopped[i], &pi) ? 0 : pi.state;

			/* in exit (the init of a dying pid namespace waits
			 * there until its last tasks are reaped): it takes
			 * no stop and runs no code again */
			if (s == 'T' || s == 't' || s == 'Z' || s == 0 ||
			    (pi.flags & CTK_PF_EXITING) ||
			    (s == 'D' && in_vfork(f->stopped[i])))
				break;
			if (now_ms() >= deadline) {
				pid_t late = f->stopped[i];

				ctk_thaw(f);	/* frees f->stopped */
				return ctk_err_setx(e, ETIMEDOUT, "task %d: did "
						   "not stop in time", (int)late);
			}
			usleep(200);
		}
	}
	return 0;
}

void ctk_thaw(struct ctk_freezer *f)
{
	if (!f->held)
		return;
	f->held = false;
	switch (f->kind) {
	case CTK_FREEZE_V2:
	case CTK_FREEZE_V1:
		ctk_cfile_write(f->cgfd, f->kind == CTK_FREEZE_V1 ?
				"freezer.state" : "cgroup.freeze",
				f->kind == CTK_FREEZE_V1 ? "THAWED" : "0");
		close(f->cgfd);
		f->cgfd = -1;
		break;
	case CTK_FREEZE_STOP:
		for (size_t i = 0; i < f->nstopped; i++)
			kill(f->stopped[i], SIGCONT);
		free(f->stopped);
		f->stopped = NULL;
		f->nstopped = 0;
		break;
	case CTK_FREEZE_NONE:
		break;
	}
}
