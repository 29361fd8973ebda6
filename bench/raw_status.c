/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The limit of a dump: read DIR/cgroup.procs, then /proc/PID/status and
 * /proc/PID/stat of each process (what NSpid & co. cost to read). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void slurp(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

int main(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int pid;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/cgroup.procs", argv[1]);
	f = fopen(path, "r");
	if (!f)
		return 1;
	while (fscanf(f, "%d", &pid) == 1) {
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		slurp(path);
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		slurp(path);
	}
	fclose(f);
	return 0;
}
