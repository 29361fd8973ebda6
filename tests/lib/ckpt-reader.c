/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A program of another project: it knows libctkckpt only by its installed
 * header and its .pc. Reads each image named, says its tasks and the pid of
 * its root at every level, or the one-line reason it was refused; writes a
 * copy of the first good one when asked (-w FILE) and reads that back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctk/ckpt.h>

int main(int argc, char **argv)
{
	const char *copy = NULL;
	int bad = 0, first = 1;

	if (argc > 2 && !strcmp(argv[1], "-w")) {
		copy = argv[2];
		first = 3;
	}
	for (int i = first; i < argc; i++) {
		struct ckpt_image img;
		struct ctk_err e;
		char why[1024];
		const uint32_t *num;
		uint32_t depth = 0;

		if (ctk_ckpt_load(argv[i], &img, &e) < 0) {
			printf("%s: refused: %s\n", argv[i],
			       ctk_err_text(&e, why, sizeof(why)));
			bad++;
			continue;
		}
		num = ctk_ckpt_pid(&img, img.tasks[0].vpid, &depth);
		printf("%s: %u tasks, root pid", argv[i], img.nr_tasks);
		for (uint32_t k = 0; num && k <= depth; k++)
			printf("%s%u", k ? "/" : " ", num[k]);
		printf("\n");
		if (copy) {
			struct ckpt_image again;

			if (ctk_ckpt_write_file(copy, &img, &e) < 0 ||
			    ctk_ckpt_load(copy, &again, &e) < 0) {
				printf("%s: %s\n", copy,
				       ctk_err_text(&e, why, sizeof(why)));
				return 1;
			}
			printf("%s: written and read back, %u tasks\n", copy,
			       again.nr_tasks);
			ctk_ckpt_free(&again);
			copy = NULL;
		}
		ctk_ckpt_free(&img);
	}
	return bad ? 2 : 0;
}
