/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A container's usage counts, from the files each hierarchy kind has:
 *
 *            v2                      v1 (the controller's hierarchy)
 *   CPU      cpu.stat usage_usec     cpuacct.usage (ns)
 *   memory   memory.current          memory.usage_in_bytes
 *   I/O      io.stat rbytes wbytes   blkio.throttle.io_service_bytes_recursive
 *                                    (Read, Write)
 *
 * cpu.stat's usage_usec is there on every v2 container, with or without
 * the cpu controller; the others only where their controller is enabled.
 * Each count is hierarchical (the container and all below), as the kernel
 * keeps it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctk/stats.h"

enum { F_CPU, F_MEM, F_IO };

static bool has_controller(const struct ctk_hierarchy *hy, const char *c)
{
	const char *p = hy->controllers;
	size_t len = strlen(c);

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, c, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

size_t ctk_stat_files(const struct ctk_hierarchy *hy,
		      const char *files[CTK_STAT_FILES])
{
	for (size_t i = 0; i < CTK_STAT_FILES; i++)
		files[i] = NULL;
	if (hy->type == CTK_HIER_V2) {
		files[F_CPU] = "cpu.stat";
		files[F_MEM] = "memory.current";
		files[F_IO] = "io.stat";
	} else {
		if (has_controller(hy, "cpuacct"))
			files[F_CPU] = "cpuacct.usage";
		if (has_controller(hy, "memory"))
			files[F_MEM] = "memory.usage_in_bytes";
		if (has_controller(hy, "blkio"))
			files[F_IO] = "blkio.throttle.io_service_bytes_recursive";
	}
	return CTK_STAT_FILES;
}

/* A whole decimal count, or -1. */
static int64_t number(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || (*end && *end != '\n' && *end != ' ') || v < 0)
		return -1;
	return v;
}

/* The value after "KEY " on a line of a flat-keyed file, or -1. */
static int64_t keyed(const char *text, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, key, len) && p[len] == ' ')
			return number(p + len + 1);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

/* v2 io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N ..." a line per device. */
static void io_v2(const char *text, struct ctk_stat *st)
{
	st->io_read = st->io_write = 0;
	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		for (const char *w = p; w < p + n;) {
			size_t wl = strcspn(w, " \n");
			int64_t v;

			if (wl > 7 && !strncmp(w, "rbytes=", 7) &&
			    (v = number(w + 7)) >= 0)
				st->io_read += v;
			else if (wl > 7 && !strncmp(w, "wbytes=", 7) &&
				 (v = number(w + 7)) >= 0)
				st->io_write += v;
			w += wl;
			while (*w == ' ')
				w++;
		}
		p = eol ? eol + 1 : NULL;
	}
}

/* v1 blkio: "MAJ:MIN Read N" ... and a "Total N" line. */
static void io_v1(const char *text, struct ctk_stat *st)
{
	st->io_read = st->io_write = 0;
	for (const char *p = text; p && *p;) {
		const char *sp = strchr(p, ' '), *eol = strchr(p, '\n');
		int64_t v;

		if (sp && (!eol || sp < eol)) {
			if (!strncmp(sp + 1, "Read ", 5) &&
			    (v = number(sp + 6)) >= 0)
				st->io_read += v;
			else if (!strncmp(sp + 1, "Write ", 6) &&
				 (v = number(sp + 7)) >= 0)
				st->io_write += v;
		}
		p = eol ? eol + 1 : NULL;
	}
}

void ctk_stat_parse(const struct ctk_hierarchy *hy,
		    char *const values[CTK_STAT_FILES], struct ctk_stat *st)
{
	int64_t v;

	st->cpu_ns = st->mem = st->io_read = st->io_write = -1;
	if (hy->type == CTK_HIER_V2) {
		v = values[F_CPU] ? keyed(values[F_CPU], "usage_usec") : -1;
		st->cpu_ns = v >= 0 && v <= INT64_MAX / 1000 ? v * 1000 : -1;
		st->mem = number(values[F_MEM]);
		if (values[F_IO])
			io_v2(values[F_IO], st);
	} else {
		st->cpu_ns = number(values[F_CPU]);
		st->mem = number(values[F_MEM]);
		if (values[F_IO])
			io_v1(values[F_IO], st);
	}
}
