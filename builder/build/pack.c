// SPDX-License-Identifier: MIT
/* Writing the new initramfs: merge (one archive) or append (one segment). */
#include "pack.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/*
 * Where each archive of l starts its inode numbers once archives are joined:
 * past all numbers before (from *next on, which moves past them). The
 * kernel matches hard links within one archive only, so joined archives
 * must not share numbers. shift: one slot per archive.
 */
static int archive_shifts(const struct cpio_list *l, uint64_t *next,
			  uint64_t **shift)
{
	size_t slots = l->n ? l->v[l->n - 1].archive + 1u : 0;
	uint64_t *s = xcalloc(slots, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino > s[l->v[i].archive])
			s[l->v[i].archive] = l->v[i].ino;
	for (size_t a = 0; a < slots; a++) {
		uint64_t max = s[a];

		s[a] = *next;
		*next += max + 1;
	}
	*shift = s;
	return 0;
}

/* Joined archives: hard links of later ones numbered past those before. */
static bool shifted(const struct cpio_entry *e, const uint64_t *shift)
{
	return shift[e->archive] && e->nlink > 1 && !S_ISDIR(e->mode);
}

uint64_t pack_max_ino(const struct input *in)
{
	uint64_t next = 0, max = 0, *shift;

	for (size_t s = 0; s < in->nseg; s++) {
		const struct cpio_list *l = &in->ar.seg[s].entries;

		if (archive_shifts(l, &next, &shift) < 0)
			return UINT64_MAX;
		for (size_t i = 0; i < l->n; i++) {
			uint64_t ino = l->v[i].ino;

			if (shifted(&l->v[i], shift))
				ino += shift[l->v[i].archive];
			if (ino > max)
				max = ino;
		}
		free(shift);
	}
	return max;
}

static bool holds(const struct segment *seg, const struct cpio_entry *e)
{
	return e >= seg->entries.v && e < seg->entries.v + seg->entries.n;
}

/*
 * Early uncompressed segments (microcode) stay byte for byte in front, when
 * a compressed segment follows and they do not hold the init.
 */
static size_t early_segments(const struct input *in)
{
	size_t n = 0, last_compressed = 0;
	bool any = false;

	for (size_t s = 0; s < in->nseg; s++)
		if (in->ar.seg[s].comp != COMP_NONE) {
			last_compressed = s;
			any = true;
		}
	while (any && n < last_compressed && in->ar.seg[n].comp == COMP_NONE &&
	       !holds(&in->ar.seg[n], in->init))
		n++;
	return n;
}

static enum comp output_comp(const struct input *in, size_t first)
{
	enum comp comp = COMP_NONE;

	for (size_t s = first; s < in->nseg; s++)
		if (in->ar.seg[s].comp != COMP_NONE)
			comp = in->ar.seg[s].comp;
	return comp;
}

/* Entries of segments first.. then ours, as shallow copies. */
static int gather(const struct input *in, const struct additions *a,
		  size_t first, struct cpio_list *all)
{
	uint64_t next = 0, *shift;
	size_t n = a->added.n;

	for (size_t s = first; s < in->nseg; s++)
		n += in->ar.seg[s].entries.n;
	all->v = xcalloc(n, sizeof(*all->v));
	if (!all->v)
		return -1;
	for (size_t s = 0; s < in->nseg; s++) {
		const struct cpio_list *l = &in->ar.seg[s].entries;

		if (archive_shifts(l, &next, &shift) < 0) {
			free(all->v);
			all->v = NULL;
			return -1;
		}
		for (size_t i = 0; s >= first && i < l->n; i++) {
			struct cpio_entry *e = &all->v[all->n++];

			*e = l->v[i];
			/* Each archive had its own hard links: keep apart. */
			if (shifted(e, shift)) {
				e->ino += (uint32_t)shift[e->archive];
				e->raw = NULL;
			}
		}
		free(shift);
	}
	memcpy(all->v + all->n, a->added.v, a->added.n * sizeof(*all->v));
	all->n += a->added.n;
	return 0;
}

static int merge(const struct input *in, const struct additions *a,
		 struct buf *out)
{
	size_t first = early_segments(in);
	struct cpio_list all = { 0 };
	struct buf plain = { 0 };
	int ret;

	if (buf_add(out, in->ar.bytes, in->ar.seg[first].offset) < 0 ||
	    gather(in, a, first, &all) < 0)
		return -1;
	ret = cpio_write(&all, &plain);
	free(all.v);
	/* All of it compressed again: libdeflate's gzip beats the gzip -9
	 * of the manual way, faster than keeping the input's blocks did. */
	if (!ret)
		ret = comp_compress(output_comp(in, first), plain.data,
				    plain.len, out);
	buf_free(&plain);
	return ret;
}

/*
 * The input's bytes that append keeps: all but zero padding after a last
 * compressed member, which would hide the new member from gzip -dc. The
 * kernel needs no alignment before a compressed member.
 */
static size_t append_kept_bytes(const struct input *in)
{
	const struct segment *last = &in->ar.seg[in->nseg - 1];

	if (last->comp != COMP_NONE &&
	    last->offset + last->length < in->kept_bytes)
		return last->offset + last->length;
	return in->kept_bytes;
}

static int append(const struct input *in, const struct additions *a,
		  struct buf *out)
{
	struct buf plain = { 0 };
	int ret;

	if (buf_add(out, in->ar.bytes, append_kept_bytes(in)) < 0)
		return -1;
	ret = cpio_write(&a->added, &plain);
	/* Append is the fast layout: the new segment is mostly modules. */
	if (!ret)
		ret = gzip_compress(plain.data, plain.len, GZIP_FAST, out);
	buf_free(&plain);
	return ret;
}

int pack_write(const struct input *in, const struct additions *a,
	       struct buf *out)
{
	return in->layout == LAYOUT_APPEND ? append(in, a, out) :
					     merge(in, a, out);
}
