// SPDX-License-Identifier: MIT
#include "source.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int region_read(const struct region *r, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (off > r->size || len > r->size - off)
		return error_set(
			"read past the end (%zu bytes at %llu of %llu)", len,
			(unsigned long long)off, (unsigned long long)r->size);
	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)(r->base + off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_set("cannot read: %s",
					 n ? strerror(errno) : "file shrank");
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int region_view(struct source *s, uint64_t off, const uint8_t **p,
		       size_t *len)
{
	struct region_source *rs = (struct region_source *)s;
	uint64_t left = s->size - off;

	*len = left < sizeof(rs->buf) ? (size_t)left : sizeof(rs->buf);
	*p = rs->buf;
	return region_read(&rs->region, off, rs->buf, *len);
}

void region_source_init(struct region_source *rs, const char *name,
			const struct region *r)
{
	rs->src.name = name;
	rs->src.size = r->size;
	rs->src.view = region_view;
	rs->region = *r;
}
