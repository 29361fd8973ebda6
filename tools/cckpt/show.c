/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cckpt show and verify: an image, read by the reader contract. */
#include "cckpt.h"

/* the deepest level `cckpt show` draws as indentation */
#define SHOW_DEPTH 32

/* A pid's numbers, outer to inner: "5/1" in text, "[5,1]" in JSON. */
static void put_levels(const struct ckpt_image *img, uint32_t tag, bool json)
{
	uint32_t d;
	const uint32_t *n = ctk_ckpt_pid(img, tag, &d);

	if (!n) {
		fputs(json ? "null" : "-", stdout);
		return;
	}
	if (json)
		putchar('[');
	for (uint32_t k = 0; k <= d; k++)
		printf("%s%u", !k ? "" : json ? "," : "/", n[k]);
	if (json)
		putchar(']');
}

/* A task's pids by name: "pid 5/1  tgid 5/1" or "\"pid\": [5,1], ...". */
struct field {
	const char *name;
	uint32_t tag;
};

static void put_fields(const struct ckpt_image *img, const struct field *f,
		       size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		if (json)
			printf("%s\"%s\": ", i ? ", " : "", f[i].name);
		else
			printf("%s%s ", i ? "  " : "", f[i].name);
		put_levels(img, f[i].tag, json);
	}
}

static void print_levels(const struct ckpt_image *img, uint32_t tag)
{
	put_levels(img, tag, false);
}

static void json_levels(const struct ckpt_image *img, uint32_t tag)
{
	put_levels(img, tag, true);
}

/* strings in an image are printable ASCII: only '"' and '\\' escape */
static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static void show_text(const char *file, const struct ckpt_image *img)
{
	char when[32];
	time_t ts = (time_t)img->time_sec;
	struct tm tm;
	uint32_t *level;	/* tree indentation per task */

	gmtime_r(&ts, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("image:       %s\n", file);
	printf("format:      %u.%u, %s checkpoint, arch %u, taken %s\n",
	       img->major, img->minor,
	       img->uflags & CKPT_UFLAG_SUBTREE ? "subtree" : "container",
	       img->arch_id, when);
	printf("kernel:      %s %s (%s)\n", img->strings[0], img->strings[2],
	       img->strings[1]);
	printf("pid levels:  %u below the root's namespace, pid_max %u\n",
	       img->max_depth, img->pid_max);
	for (uint32_t i = 0; i < img->nr_nsmax; i++)
		printf("pid_max:     %u in the namespace of tag %u\n",
		       img->nsmax[i].pid_max, img->nsmax[i].tag);
	printf("pid objects: %u\n", img->nr_pids);
	printf("  %5s %5s  %s\n", "TAG", "DEPTH", "NUMBERS (outer/inner)");
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		printf("  %5u %5u  ", i + img->offset, img->pid_depth[i]);
		print_levels(img, i + img->offset);
		putchar('\n');
	}
	printf("tasks:       %u\n", img->nr_tasks);
	level = calloc(img->nr_pids + 1, sizeof(*level));
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *t = &img->tasks[i];
		uint32_t indent = 0;

		if (level && t->vppid && t->vppid - img->offset < img->nr_pids)
			indent = level[t->vppid - img->offset] + 1;
		if (level && t->vpid == t->vtgid)
			level[t->vpid - img->offset] = indent;
		else if (level && t->vtgid - img->offset < img->nr_pids)
			indent = level[t->vtgid - img->offset] + 1;
		/* deeper than SHOW_DEPTH, the level is a number: a line's
		 * length never grows with the depth of a crafted tree */
		if (indent > SHOW_DEPTH)
			printf("  %*s[%u] ", 2 * SHOW_DEPTH, "", indent);
		else
			printf("  %*s", (int)(2 * indent), "");
		printf("%s", indent ? (t->vpid == t->vtgid ? "`- " : "{} ") :
		       "");
		put_fields(img, (const struct field[]){
				{ "pid", t->vpid }, { "tgid", t->vtgid },
				{ "pgrp", t->vpgid }, { "session", t->vsid } },
			   4, false);
		printf("%s\n", t->vpid != t->vtgid ? "  (thread)" : "");
	}
	free(level);
}

static void show_json(const struct ckpt_image *img)
{
	printf("{\n   \"header\": {\"format\": \"%u.%u\", \"subtree\": %s, "
	       "\"arch_id\": %u, \"time\": %llu, \"kernel_version\": %u, "
	       "\"max_depth\": %u, \"pid_max\": %u, \"kernel\": ",
	       img->major, img->minor,
	       img->uflags & CKPT_UFLAG_SUBTREE ? "true" : "false",
	       img->arch_id, (unsigned long long)img->time_sec,
	       img->kernel_version, img->max_depth, img->pid_max);
	json_str(img->strings[0]);
	fputs(", \"version\": ", stdout);
	json_str(img->strings[1]);
	fputs(", \"machine\": ", stdout);
	json_str(img->strings[2]);
	fputs("},\n   \"pids\": [", stdout);
	for (uint32_t i = 0; i < img->nr_pids; i++) {
		printf("%s\n      {\"tag\": %u, \"depth\": %u, \"numbers\": ",
		       i ? "," : "", i + img->offset, img->pid_depth[i]);
		json_levels(img, i + img->offset);
		putchar('}');
	}
	fputs("\n   ],\n", stdout);
	if (img->nr_nsmax) {
		/* only in an image that has the record: older readers'
		 * output stays the same for images without it */
		fputs("   \"ns_pid_max\": [", stdout);
		for (uint32_t i = 0; i < img->nr_nsmax; i++)
			printf("%s\n      {\"tag\": %u, \"pid_max\": %u}",
			       i ? "," : "", img->nsmax[i].tag,
			       img->nsmax[i].pid_max);
		fputs("\n   ],\n", stdout);
	}
	fputs("   \"tasks\": [", stdout);
	for (uint32_t i = 0; i < img->nr_tasks; i++) {
		const struct ckpt_task *t = &img->tasks[i];

		printf("%s\n      {\"index\": %u, \"depth\": %u, \"thread\": %s, ",
		       i ? "," : "", i, t->depth,
		       t->vpid != t->vtgid ? "true" : "false");
		put_fields(img, (const struct field[]){
				{ "pid", t->vpid }, { "tgid", t->vtgid },
				{ "ppid", t->vppid }, { "pgid", t->vpgid },
				{ "sid", t->vsid } }, 5, true);
		putchar('}');
	}
	fputs("\n   ]\n}\n", stdout);
}

int cckpt_load(struct cckpt_control *ctl, const char *file,
	       struct ckpt_image *img)
{
	struct ctk_err e = { 0 };
	char safe[160];

	if (ctk_ckpt_load(file, img, &e)) {
		/* a rule names itself; a system error adds its words */
		ctk_msg_err(&ctl->cli, file, &e);
		return CTK_EXIT_FAILURE;
	}
	if (img->failed) {
		ctk_msg(&ctl->cli, "%s: the image of a failed checkpoint: %s",
			ctk_safe_name(file, safe, sizeof(safe)), img->error);
		ctk_ckpt_free(img);
		return CTK_EXIT_FAILURE;
	}
	return 0;
}

int cckpt_show(struct cckpt_control *ctl)
{
	struct ckpt_image img;
	int ret = cckpt_load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (ctl->json)
		show_json(&img);
	else
		show_text(ctl->operands[0], &img);
	ctk_ckpt_free(&img);
	return CTK_EXIT_OK;
}

int cckpt_verify(struct cckpt_control *ctl)
{
	struct ckpt_image img;
	int ret = cckpt_load(ctl, ctl->operands[0], &img);

	if (ret)
		return ret;
	if (!ctl->cli.quiet)
		printf("%s: valid: format %u.%u, %s, %u pid objects, %u tasks, "
		       "%u pid levels\n", ctl->operands[0], img.major, img.minor,
		       img.uflags & CKPT_UFLAG_SUBTREE ? "subtree" : "container",
		       img.nr_pids, img.nr_tasks, img.max_depth + 1);
	ctk_ckpt_free(&img);
	return CTK_EXIT_OK;
}
