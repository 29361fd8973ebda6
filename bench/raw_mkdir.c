/* SPDX-License-Identifier: GPL-2.0-or-later */
/* raw_mkdir DIR N [rm]: the raw limit: N mkdir(2) (or rmdir with "rm") of
 * DIR/c1..cN in one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;
	int rm = argc > 3 && !strcmp(argv[3], "rm");
	char path[4096];

	for (int i = 1; i <= n; i++) {
		snprintf(path, sizeof(path), "%s/c%d", argv[1], i);
		if ((rm ? rmdir(path) : mkdir(path, 0755)) < 0) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
