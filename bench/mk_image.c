/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mk_image N FILE: a valid container image of N pids (an init and N-1
 * children, a few in sessions of their own), through libcommon's writer. */
#include <stdio.h>
#include <stdlib.h>

#include "ctk/ckpt.h"

int main(int argc, char **argv)
{
	uint32_t n = argc > 2 ? (uint32_t)atoi(argv[1]) : 0;
	struct ckpt_image img = { .major = 1, .offset = 1 };
	struct ctk_err e;

	if (n < 1)
		return 2;
	img.strings[0] = "bench";
	img.strings[1] = "bench";
	img.strings[2] = "x86_64";
	img.nr_pids = img.nr_tasks = n;
	img.pid_depth = calloc(n, sizeof(uint32_t));
	img.pid_start = calloc(n, sizeof(uint64_t));
	img.numbers = calloc(n, sizeof(uint32_t));
	img.tasks = calloc(n, sizeof(*img.tasks));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t own = i % 10 == 9;	/* every tenth: its own session */

		img.pid_start[i] = i;
		img.numbers[i] = i + 1;
		img.tasks[i] = (struct ckpt_task){ i + 1, i ? 1 : 0, i + 1,
			own ? i + 1 : 1, own ? i + 1 : 1, 0 };
	}
	if (ctk_ckpt_write_file(argv[2], &img, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	return 0;
}
