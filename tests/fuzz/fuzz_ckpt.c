/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the checkpoint reader: any byte sequence is parsed,
 * and a parsed image must encode to the same bytes (the reader accepts
 * only what the writer would write).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ctk/ckpt.h"
#include "../../libcommon/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckpt_image img;
	struct ctk_err e;
	uint8_t *out;
	size_t len;

	if (ctk_ckpt_parse(data, size, &img, &e))
		return 0;
	if (!img.failed && !ctk_ckpt_encode(&img, &out, &len)) {
		/* optional records are skipped, so compare only without them */
		if (len == size && memcmp(out, data, len))
			abort();
		free(out);
	}
	ctk_ckpt_free(&img);
	return 0;
}
