/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Asking systemd for a delegated subtree: a transient scope with
 * Delegate=yes, through systemd's D-Bus API (StartTransientUnit, as
 * systemd-run --scope and libcgroup's cgcreate -c ask). Its own archive,
 * linked only by the tools that ask (cmkdir, cattach): libsystemd's load
 * is not every tool's cost.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SYSTEMD
#include <systemd/sd-bus.h>
#endif

#include "ctk/attach.h"
#include "ctk/create.h"
#include "ctk/systemd.h"
#include "internal.h"

#ifdef HAVE_SYSTEMD

bool ctk_sd_bus_available(void)
{
	return true;
}

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

/* Root talks to systemd itself (its private socket, as systemctl does:
 * no D-Bus daemon needed); anyone else through the system bus. */
static int bus_open(sd_bus **bus)
{
	int rc;

	if (geteuid() == 0 && access("/run/systemd/private", F_OK) == 0) {
		rc = sd_bus_new(bus);
		if (rc < 0)
			return rc;
		rc = sd_bus_set_address(*bus, "unix:path=/run/systemd/private");
		if (rc >= 0)
			rc = sd_bus_start(*bus);
		if (rc >= 0)
			return 0;
		*bus = sd_bus_unref(*bus);
	}
	return sd_bus_open_system(bus);
}

struct job_wait {
	const char *path;	/* the job's object path, once known */
	char result[32];	/* "done", "failed", ...; "" until it ends */
};

static int job_removed(sd_bus_message *m, void *userdata,
		       sd_bus_error *error CTK_ATTR_UNUSED)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path && !strcmp(path, w->path))
		snprintf(w->result, sizeof(w->result), "%s", result);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int append_props(sd_bus_message *m, const char *slice, pid_t pid,
			const struct ctk_sd_prop *props, size_t nprops)
{
	bool described = false;
	int rc;

	rc = sd_bus_message_open_container(m, 'a', "(sv)");
	for (size_t i = 0; rc >= 0 && i < nprops; i++) {
		if (props[i].type == 's') {
			rc = sd_bus_message_append(m, "(sv)", props[i].name,
						   "s", props[i].str);
			described |= !strcmp(props[i].name, "Description");
		} else {
			rc = sd_bus_message_append(m, "(sv)", props[i].name,
						   "t", props[i].num);
		}
	}
	if (rc >= 0 && !described)
		rc = sd_bus_message_append(m, "(sv)", "Description", "s",
					   "ctk delegated scope");
	if (rc >= 0)
		rc = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1,
					   (uint32_t)pid);
	if (rc >= 0)
		rc = sd_bus_message_append(m, "(sv)", "Slice", "s", slice);
	if (rc >= 0)
		rc = sd_bus_message_append(m, "(sv)", "Delegate", "b", 1);
	if (rc >= 0)
		rc = sd_bus_message_close_container(m);
	if (rc >= 0)	/* no auxiliary units */
		rc = sd_bus_message_append(m, "a(sa(sv))", 0);
	return rc;
}

int ctk_sd_start_scope(const char *unit, const char *slice, pid_t pid,
		       const struct ctk_sd_prop *props, size_t nprops,
		       int timeout_ms, struct ctk_err *e)
{
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	struct job_wait w = { 0 };
	sd_bus *bus = NULL;
	long long end;
	int rc;

	rc = bus_open(&bus);
	if (rc < 0)
		return ctk_err_set(e, -rc, "cannot talk to systemd");
	/* JobRemoved says how the scope's start ended; Subscribe asks for
	 * it on the system bus (a private connection gets every signal) */
	rc = sd_bus_match_signal(bus, NULL, NULL, SD_PATH, SD_MANAGER,
				 "JobRemoved", job_removed, &w);
	if (rc >= 0)
		rc = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER,
					"Subscribe", &err, NULL, "");
	if (rc < 0) {
		/* systemd's words, which may be the errno's own */
		rc = err.message ?
		     ctk_err_setx(e, -rc, "cannot talk to systemd: %s",
				  err.message) :
		     ctk_err_set(e, -rc, "cannot talk to systemd");
		goto out;
	}
	rc = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH,
					    SD_MANAGER, "StartTransientUnit");
	if (rc >= 0)
		rc = sd_bus_message_append(m, "ss", unit, "fail");
	if (rc >= 0)
		rc = append_props(m, slice, pid, props, nprops);
	if (rc < 0) {
		rc = ctk_err_set(e, -rc, "cannot write the request to systemd");
		goto out;
	}
	rc = sd_bus_call(bus, m, (uint64_t)timeout_ms * 1000, &err, &reply);
	if (rc < 0) {
		/* systemd's own words (sd_bus_error_get_errno maps the name:
		 * UnitExists is EEXIST) */
		int code = sd_bus_error_get_errno(&err);

		rc = ctk_err_setx(e, code > 0 ? code : -rc,
				  "systemd refused the scope: %s",
				  err.message ? err.message : strerror(-rc));
		goto out;
	}
	rc = sd_bus_message_read(reply, "o", &w.path);
	if (rc < 0) {
		rc = ctk_err_set(e, -rc, "cannot read systemd's answer");
		goto out;
	}
	end = now_ms() + timeout_ms;
	while (!w.result[0]) {
		long long left = end - now_ms();

		if (left <= 0) {
			rc = ctk_err_setx(e, ETIMEDOUT, "systemd did not start "
					  "the scope in %d ms", timeout_ms);
			goto out;
		}
		rc = sd_bus_process(bus, NULL);
		if (rc > 0)
			continue;
		if (rc == 0)
			rc = sd_bus_wait(bus, (uint64_t)left * 1000);
		if (rc < 0) {
			rc = ctk_err_set(e, -rc, "lost systemd while it "
					 "started the scope");
			goto out;
		}
	}
	rc = strcmp(w.result, "done") ?
	     ctk_err_setx(e, EIO, "systemd's job for the scope ended "
			  "\"%s\" (journalctl -u %s)", w.result, unit) : 0;
out:
	sd_bus_error_free(&err);
	sd_bus_message_unref(reply);
	sd_bus_message_unref(m);
	sd_bus_flush_close_unref(bus);
	return rc;
}

#else /* !HAVE_SYSTEMD */

bool ctk_sd_bus_available(void)
{
	return false;
}

int ctk_sd_start_scope(const char *unit CTK_ATTR_UNUSED,
		       const char *slice CTK_ATTR_UNUSED,
		       pid_t pid CTK_ATTR_UNUSED,
		       const struct ctk_sd_prop *props CTK_ATTR_UNUSED,
		       size_t nprops CTK_ATTR_UNUSED,
		       int timeout_ms CTK_ATTR_UNUSED, struct ctk_err *e)
{
	return ctk_err_setx(e, ENOTSUP, "this ctk was built without "
			    "libsystemd (libsystemd-dev): it cannot ask "
			    "systemd for a scope");
}

#endif

/*
 * Name the process ctk-idle where its command line is shown (ps,
 * systemd-cgls): its own argument strings, found in /proc/self/stat
 * (arg_start, arg_end: fields 48 and 49), overwritten in place.
 */
static void retitle(const char *title)
{
	char buf[2048], *p;
	unsigned long start = 0, end = 0;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the comm may hold anything */
	/* field 3 follows ") "; arg_start is field 48 */
	for (int field = 2; p && field < 48; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %lu %lu", &start, &end) != 2 || end <= start ||
	    end - start <= strlen(title))
		return;
	memset((char *)start, 0, end - start);
	memcpy((char *)start, title, strlen(title));
}

/*
 * The idle process that keeps a scope alive: not a child of the tool (it
 * outlives it), named ctk-idle, in / with no file of the tool's open, in a
 * session of its own; SIGTERM (systemctl stop) ends it. Its pid, or
 * -errno.
 */
static pid_t spawn_idle(void)
{
	int p[2], status;
	pid_t mid, idle = -1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	mid = fork();
	if (mid < 0) {
		int err = errno;

		close(p[0]);
		close(p[1]);
		return -err;
	}
	if (!mid) {
		pid_t pid;

		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid) {
			if (pid > 0 && write(p[1], &pid, sizeof(pid)) !=
				       (ssize_t)sizeof(pid))
				kill(pid, SIGKILL);
			_exit(pid < 0);
		}
		{
			struct sigaction dfl = { .sa_handler = SIG_DFL };
			sigset_t none;
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			prctl(PR_SET_NAME, "ctk-idle", 0, 0, 0);
			retitle("ctk-idle");
			if (chdir("/") < 0 || null < 0)
				_exit(1);
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			syscall(SYS_close_range, 3U, ~0U, 0U);
			for (int sig = 1; sig < 32; sig++)
				if (sig != SIGKILL && sig != SIGSTOP)
					sigaction(sig, &dfl, NULL);
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			for (;;)
				pause();
		}
	}
	close(p[1]);
	if (read(p[0], &idle, sizeof(idle)) != (ssize_t)sizeof(idle))
		idle = -EAGAIN;
	close(p[0]);
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	return idle;
}

/* The cgroup path of @pid in the v2 hierarchy, as this namespace sees it. */
static int v2_path_of(pid_t pid, char *buf, size_t size)
{
	char path[64], line[4096];
	FILE *f;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, size, "%s", line + 3);
			rc = 0;
			break;
		}
	fclose(f);
	return rc;
}

/* Can @t be a scope (v2, systemd's), and its names as systemd gives them
 * (256 bytes each): 0, or -errno with e set. */
static int scope_names(const struct ctk_target *t, char *slice, char *unit,
		       struct ctk_err *e)
{
	if (t->hier->type != CTK_HIER_V2)
		return ctk_err_setx(e, ENOTSUP, "a scope is a cgroup v2 "
				    "container");
	if (!ctk_sd_manages(t->hier, "/proc/1"))
		return ctk_err_setx(e, ENOTSUP, "systemd does not manage this "
				    "hierarchy: no scope to ask for (cmkdir "
				    "makes the container itself)");
	return ctk_sd_scope_names(t->cpath, slice, 256, unit, 256, e);
}

int ctk_sd_scope_start(const struct ctk_target *t, pid_t pid,
			const struct ctk_sd_prop *props, size_t nprops,
			struct ctk_err *e)
{
	char slice[256], unit[256], where[4096];
	int rc = scope_names(t, slice, unit, e);

	if (!rc)
		rc = ctk_sd_start_scope(unit, slice, pid, props, nprops, 30000,
					e);
	if (rc)
		return rc;
	/* where systemd put it is what was asked (a cgroup namespace, an
	 * escaped name would differ) */
	if (v2_path_of(pid, where, sizeof(where)) || strcmp(where, t->cpath))
		return ctk_err_setx(e, EIO, "systemd made the scope elsewhere "
				    "(%s)", where);
	return 0;
}

int ctk_sd_make_scope(const struct ctk_target *t,
		      const struct ctk_sd_prop *props, size_t nprops,
		      pid_t *idle_out, struct ctk_err *e)
{
	struct ctk_create_opts o;
	struct ctk_target leaf = { .hier = t->hier };
	bool existed = false;
	pid_t idle;
	int rc, fd;

	/* what can be said before anything runs */
	{
		char slice[256], unit[256];

		rc = scope_names(t, slice, unit, e);
		if (rc)
			return rc;
	}
	idle = spawn_idle();
	if (idle < 0)
		return ctk_err_set(e, (int)-idle, "cannot start its idle "
				   "process");
	rc = ctk_sd_scope_start(t, idle, props, nprops, e);
	if (rc)
		goto fail;
	/* the idle process to a leaf: the scope's children may then have
	 * controllers */
	leaf.cpath = malloc(strlen(t->cpath) + sizeof(CTK_SD_IDLE_LEAF) + 1);
	leaf.rel = malloc(strlen(t->rel) + sizeof(CTK_SD_IDLE_LEAF) + 1);
	if (!leaf.cpath || !leaf.rel) {
		rc = ctk_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	sprintf(leaf.cpath, "%s/%s", t->cpath, CTK_SD_IDLE_LEAF);
	sprintf(leaf.rel, "%s/%s", t->rel, CTK_SD_IDLE_LEAF);
	ctk_create_opts_init(&o);
	rc = ctk_container_create(&leaf, &o, NULL, &existed, e);
	if (rc)
		goto fail;
	fd = ctk_container_open(&leaf);
	if (fd < 0) {
		rc = ctk_err_set(e, -fd, "cannot open its idle leaf");
		goto fail;
	}
	rc = ctk_attach(fd, &leaf, idle, false, e);
	close(fd);
	if (rc)
		goto fail;
	ctk_target_free(&leaf);
	*idle_out = idle;
	return 0;
fail:
	/* the scope ends with its only process; systemd removes it */
	kill(idle, SIGKILL);
	ctk_target_free(&leaf);
	return rc;
}
