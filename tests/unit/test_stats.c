/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The live view's counts: which files each hierarchy kind has, and their
 * parsing, on the kernel's formats and on what a file must not make us
 * believe. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ctk/stats.h"
#include "tap.h"

static struct ctk_stat parse3(const struct ctk_hierarchy *hy, const char *cpu,
			      const char *mem, const char *io)
{
	char *v[CTK_STAT_FILES] = { (char *)cpu, (char *)mem, (char *)io };
	struct ctk_stat st;

	ctk_stat_parse(hy, v, &st);
	return st;
}

int main(void)
{
	struct ctk_hierarchy v2 = { .type = CTK_HIER_V2, .controllers = "" };
	struct ctk_hierarchy cpu = { .type = CTK_HIER_V1,
				     .controllers = "cpu,cpuacct" };
	struct ctk_hierarchy blk = { .type = CTK_HIER_V1,
				     .controllers = "blkio,memory" };
	struct ctk_hierarchy named = { .type = CTK_HIER_V1, .controllers = "",
				       .name = "ctk-test" };
	struct ctk_hierarchy near = { .type = CTK_HIER_V1,
				      .controllers = "cpuacctx,xmemory" };
	const char *f[CTK_STAT_FILES];
	struct ctk_stat st;

	ctk_stat_files(&v2, f);
	ok(!strcmp(f[0], "cpu.stat") && !strcmp(f[1], "memory.current") &&
	   !strcmp(f[2], "io.stat"), "v2: cpu.stat, memory.current, io.stat");
	ctk_stat_files(&cpu, f);
	ok(!strcmp(f[0], "cpuacct.usage") && !f[1] && !f[2],
	   "v1 cpu,cpuacct: cpuacct.usage only");
	ctk_stat_files(&blk, f);
	ok(!f[0] && !strcmp(f[1], "memory.usage_in_bytes") &&
	   !strcmp(f[2], "blkio.throttle.io_service_bytes_recursive"),
	   "v1 blkio,memory: memory and blkio files");
	ctk_stat_files(&named, f);
	ok(!f[0] && !f[1] && !f[2], "a named hierarchy: no file");
	ctk_stat_files(&near, f);
	ok(!f[0] && !f[1] && !f[2], "controllers are whole words, not prefixes");

	st = parse3(&v2, "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n",
		    "4096\n", "8:0 rbytes=100 wbytes=20 rios=1 wios=1 "
		    "dbytes=0 dios=0\n253:1 rbytes=5 wbytes=7 rios=1 wios=1\n");
	ok(st.cpu_ns == 1500000 && st.mem == 4096 && st.io_read == 105 &&
	   st.io_write == 27, "v2: µs to ns, bytes, each device summed "
	   "(%lld %lld %lld %lld)", (long long)st.cpu_ns, (long long)st.mem,
	   (long long)st.io_read, (long long)st.io_write);
	st = parse3(&v2, "user_usec 3\nusage_usec 9", NULL, "");
	ok(st.cpu_ns == 9000 && st.mem == -1 && st.io_read == 0 &&
	   st.io_write == 0, "v2: a key on any line, the last without a "
	   "newline; no memory file is unknown, an empty io.stat is none");
	st = parse3(&v2, "usage_usecx 5\nxusage_usec 6\n", "-1\n", "8:0 "
		    "rbytes=-5 wbytes=x rbytes=\n");
	ok(st.cpu_ns == -1 && st.mem == -1 && st.io_read == 0 &&
	   st.io_write == 0, "v2: near keys, a negative or bad count are "
	   "not believed (%lld %lld)", (long long)st.cpu_ns,
	   (long long)st.mem);
	st = parse3(&v2, "usage_usec 99999999999999999999\n",
		    "18446744073709551615\n", NULL);
	ok(st.cpu_ns == -1 && st.mem == -1 && st.io_read == -1,
	   "v2: counts past 64 bits are unknown, not wrapped");
	st = parse3(&v2, "usage_usec 9223372036854776\n", "12 13\n", NULL);
	ok(st.cpu_ns == -1 && st.mem == 12, "v2: µs that overflow as ns are "
	   "unknown; a number ends at a blank");
	st = parse3(&cpu, "123456789\n", NULL, NULL);
	ok(st.cpu_ns == 123456789 && st.mem == -1 && st.io_read == -1,
	   "v1: cpuacct.usage is ns");
	st = parse3(&blk, NULL, "1048576\n", "8:0 Read 4096\n8:0 Write 512\n"
		    "8:0 Sync 100\n8:0 Async 4508\n8:0 Total 4608\n"
		    "8:16 Read 4\n8:16 Write 6\nTotal 4618\n");
	ok(st.mem == 1048576 && st.io_read == 4100 && st.io_write == 518,
	   "v1 blkio: Read and Write of each device, not Total (%lld %lld)",
	   (long long)st.io_read, (long long)st.io_write);
	st = parse3(&blk, NULL, "12x\n", "Read 5\n8:0 Readx 3\n");
	ok(st.mem == -1 && st.io_read == 0, "v1: a bad count and a line "
	   "without a device are not believed");
	return tap_done();
}
