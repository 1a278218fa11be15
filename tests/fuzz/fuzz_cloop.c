// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the cloop reader (header, offset table, every block
 * compression) and the ISO9660 walk through it, as a --medium build reads
 * a KNOPPIX image.
 */
#include "buf.h"
#include "medium/cloop.h"
#include "medium/isofs.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int pick(void *ctx, const struct isofs_entry *e)
{
	(void)ctx;
	return e->type == S_IFREG && e->size < (1 << 20);
}

static int take(void *ctx, const struct isofs_entry *e, struct buf *data)
{
	(void)ctx;
	(void)e;
	(void)data;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	int fd = memfd_create("cloop", MFD_CLOEXEC);
	struct region r = { fd, 0, len };
	struct cloop c;

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (cloop_open(&c, "fuzz", &r) == 0) {
		/* A few blocks each way, then what a build would read. */
		for (uint32_t i = 0; i < c.nblocks && i < 8; i++)
			cloop_block(&c, i, &(const uint8_t *){ 0 });
		if (c.src.size <= (64u << 20))
			isofs_walk(&c.src, pick, take, NULL);
	}
	cloop_close(&c);
	close(fd);
	return 0;
}
