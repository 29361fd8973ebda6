/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bare call: a release agent that only appends CLOCK_MONOTONIC (ns) to
 * STAMP_FILE (set at build time; the kernel gives an agent no options). */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	char line[32];
	int fd, n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fd = open(STAMP_FILE, O_WRONLY | O_APPEND | O_CREAT, 0644);
	n = snprintf(line, sizeof(line), "%lld\n",
		     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (fd >= 0 && write(fd, line, (size_t)n) < 0)
		return 1;
	return 0;
}
