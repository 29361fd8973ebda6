/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cckpt diff: two images, as diff(1) answers (0 same, 1 differ, 2 trouble).
 * Trees are compared by their numbers, never by the images' tags: two
 * dumps of one tree may order their pid objects differently.
 */
#include "cckpt.h"

#include <stdlib.h>
#include <string.h>

/* One line of an image, found by its key: a task by its pid (and thread
 * id) numbers, a pid object by its numbers. */
struct entry {
	char *key, *rest;
};

/* The numbers of @tag at every level, "a/b/c" from level 0; "-" for none
 * (a root's parent, a group or session outside). */
static void levels(const struct ckpt_image *img, uint32_t tag, char *buf,
		   size_t size)
{
	uint32_t d = 0;
	const uint32_t *num = tag ? ctk_ckpt_pid(img, tag, &d) : NULL;
	size_t o = 0;

	if (!num) {
		snprintf(buf, size, "-");
		return;
	}
	buf[0] = '\0';
	for (uint32_t k = 0; k <= d && o < size; k++)
		o += (size_t)snprintf(buf + o, size - o, "%s%u", k ? "/" : "",
				      num[k]);
}

/* (CKPT_MAX_DEPTH + 1) numbers of up to 10 digits and their slashes */
#define LEVELS_MAX	400

static int entries(const struct ckpt_image *img, struct entry **out,
		   size_t *n)
{
	struct entry *v = calloc((size_t)img->nr_tasks + img->nr_pids +
				 img->nr_nsmax + 1, sizeof(*v));
	char a[LEVELS_MAX], b[LEVELS_MAX], c[LEVELS_MAX], d[LEVELS_MAX],
	     t[LEVELS_MAX];
	size_t k = 0;

	if (!v)
		return -1;
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *x = &img->tasks[i];

		levels(img, x->vpid, a, sizeof(a));
		levels(img, x->vppid, b, sizeof(b));
		levels(img, x->vtgid, t, sizeof(t));
		levels(img, x->vpgid, c, sizeof(c));
		levels(img, x->vsid, d, sizeof(d));
		if (asprintf(&v[k].key, "task %s", a) < 0 ||
		    asprintf(&v[k].rest, "parent %s, thread group %s, group "
			     "%s, session %s, depth %u", b, t, c, d,
			     x->depth) < 0)
			goto oom;
		k++;
	}
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		levels(img, i + img->offset, a, sizeof(a));
		if (asprintf(&v[k].key, "pid %s", a) < 0 ||
		    !(v[k].rest = strdup("")))
			goto oom;
		k++;
	}
	/* a namespace by its init's numbers */
	for (uint32_t i = 0; i < img->nr_nsmax; i++) {
		levels(img, img->nsmax[i].tag, a, sizeof(a));
		if (asprintf(&v[k].key, "namespace of %s", a) < 0 ||
		    asprintf(&v[k].rest, "pid_max %u",
			     img->nsmax[i].pid_max) < 0)
			goto oom;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
oom:
	for (size_t i = 0; i <= k; i++) {
		free(v[i].key);
		free(v[i].rest);
	}
	free(v);
	return -1;
}

static int by_key(const void *x, const void *y)
{
	return strcmp(((const struct entry *)x)->key,
		      ((const struct entry *)y)->key);
}

static void entries_free(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].rest);
	}
	free(v);
}

int cckpt_diff(struct cckpt_control *ctl)
{
	struct ckpt_image a, b;
	struct entry *ea = NULL, *eb = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	unsigned shown = 0, diffs = 0;
	int ret;

	/* as diff(1): 1 for a difference, 2 for trouble (an image that
	 * cannot be read or is not valid, a lost write) */
	ctk_cli_write_error_exit(CTK_EXIT_USAGE);
	if (cckpt_load(ctl, ctl->operands[0], &a))
		return CTK_EXIT_USAGE;
	if (cckpt_load(ctl, ctl->operands[1], &b)) {
		ctk_ckpt_free(&a);
		return CTK_EXIT_USAGE;
	}
	ret = CTK_EXIT_USAGE;
	if (entries(&a, &ea, &na) || entries(&b, &eb, &nb)) {
		ctk_msg(&ctl->cli, "out of memory");
		goto out;
	}
#define SAY(...) do { if (shown++ < 20) printf(__VA_ARGS__); diffs++; } while (0)
	if (a.uflags != b.uflags)
		SAY("kind: %s vs %s\n", a.uflags ? "subtree" : "container",
		    b.uflags ? "subtree" : "container");
	if (a.nr_tasks != b.nr_tasks)
		SAY("tasks: %u vs %u\n", a.nr_tasks, b.nr_tasks);
	qsort(ea, na, sizeof(*ea), by_key);
	qsort(eb, nb, sizeof(*eb), by_key);
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(ea[i].key,
							    eb[j].key);

		if (c < 0) {
			SAY("%s: only in the first\n", ea[i].key);
			i++;
		} else if (c > 0) {
			SAY("%s: only in the second\n", eb[j].key);
			j++;
		} else {
			if (strcmp(ea[i].rest, eb[j].rest))
				SAY("%s: %s vs %s\n", ea[i].key, ea[i].rest,
				    eb[j].rest);
			i++;
			j++;
		}
	}
#undef SAY
	if (shown > 20)
		printf("... %u differences in all\n", diffs);
	ret = diffs ? CTK_EXIT_FAILURE : CTK_EXIT_OK;
out:
	entries_free(ea, na);
	entries_free(eb, nb);
	ctk_ckpt_free(&a);
	ctk_ckpt_free(&b);
	return ret;
}
