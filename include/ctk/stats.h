/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a container uses, as the kernel counts it (the live view,
 * cmount --top): CPU time, memory, I/O bytes, tasks. v2 reads cpu.stat,
 * memory.current and io.stat; v1 the cpuacct, memory and blkio files of
 * the hierarchy that has the controller. Every count covers the
 * container and everything below it.
 */
#ifndef CTK_STATS_H
#define CTK_STATS_H

#include "ctk/c.h"
#include "ctk/hierarchy.h"

struct ctk_stat {
	int64_t cpu_ns;		/* CPU time used, -1 unknown */
	int64_t mem;		/* bytes of memory charged, -1 unknown */
	int64_t io_read;	/* bytes read from block devices, -1 unknown */
	int64_t io_write;	/* bytes written, -1 unknown */
};

#define CTK_STAT_FILES	3

/*
 * The control files @hy's counts come from, in the order
 * ctk_stat_parse() takes their contents (ctk_tree_load_values reads them
 * in every container): NULL where @hy has no such count. Returns how many
 * slots are set (CTK_STAT_FILES).
 */
size_t ctk_stat_files(const struct ctk_hierarchy *hy,
		      const char *files[CTK_STAT_FILES]);

/*
 * The counts of one container from the whole contents of its files (NULL
 * where a file was absent or not read): what cannot be read is -1.
 */
void ctk_stat_parse(const struct ctk_hierarchy *hy,
		    char *const values[CTK_STAT_FILES], struct ctk_stat *st);

#endif
