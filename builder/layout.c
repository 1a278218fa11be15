// SPDX-License-Identifier: MIT
/* Writing the new initramfs: merge (one archive) or append (one segment). */
#include "plan.h"
#include "splice.h"

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

uint64_t max_ino_joined(const struct plan *p)
{
	uint64_t next = 0, max = 0, *shift;

	for (size_t s = 0; s < p->nseg; s++) {
		const struct cpio_list *l = &p->ar.seg[s].entries;

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
static size_t early_segments(const struct plan *p)
{
	size_t n = 0, last_compressed = 0;
	bool any = false;

	for (size_t s = 0; s < p->nseg; s++)
		if (p->ar.seg[s].comp != COMP_NONE) {
			last_compressed = s;
			any = true;
		}
	while (any && n < last_compressed && p->ar.seg[n].comp == COMP_NONE &&
	       !holds(&p->ar.seg[n], p->init))
		n++;
	return n;
}

static enum comp output_comp(const struct plan *p, size_t first)
{
	enum comp comp = COMP_NONE;

	for (size_t s = first; s < p->nseg; s++)
		if (p->ar.seg[s].comp != COMP_NONE)
			comp = p->ar.seg[s].comp;
	return comp;
}

/* Entries of segments first.. then ours, as shallow copies. */
static int gather(const struct plan *p, size_t first, struct cpio_list *all)
{
	uint64_t next = 0, *shift;
	size_t n = p->added.n;

	for (size_t s = first; s < p->nseg; s++)
		n += p->ar.seg[s].entries.n;
	all->v = xcalloc(n, sizeof(*all->v));
	if (!all->v)
		return -1;
	for (size_t s = 0; s < p->nseg; s++) {
		const struct cpio_list *l = &p->ar.seg[s].entries;

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
	memcpy(all->v + all->n, p->added.v, p->added.n * sizeof(*all->v));
	all->n += p->added.n;
	return 0;
}

static size_t common_prefix(const struct buf *a, const struct buf *b)
{
	size_t n = 0, max = a->len < b->len ? a->len : b->len;

	while (n < max && a->data[n] == b->data[n])
		n++;
	return n;
}

/*
 * The unchanged stretch after the init entry: the original entries that
 * follow it, now shifted by the init entry's new length.
 */
static void plan_tail(const struct plan *p, const struct segment *seg,
		      const struct buf *plain, struct splice_plan *sp)
{
	const struct cpio_entry *last;
	size_t new_from;

	if (p->rebuilt || !p->init_to || !seg->entries.n)
		return;
	last = &seg->entries.v[seg->entries.n - 1];
	if (!last->raw || last == p->init)
		return;
	new_from = p->init_from + cpio_entry_len(p->init);
	sp->old_from = p->init_to;
	sp->old_to = (size_t)(last->raw - seg->plain.data) + last->raw_len;
	sp->new_from = new_from;
	if (sp->old_to <= sp->old_from ||
	    new_from + (sp->old_to - sp->old_from) > plain->len ||
	    memcmp(plain->data + new_from, seg->plain.data + sp->old_from,
		   sp->old_to - sp->old_from))
		sp->old_to = 0; /* not what it seemed: recompress it all */
}

/*
 * One gzip member in, one out: keep its compressed blocks where the content
 * is unchanged (before the renamed /init, and after it), deflate the rest.
 */
static int compress_merged(struct plan *p, size_t first,
			   const struct buf *plain)
{
	const struct segment *seg = &p->ar.seg[first];
	struct splice_plan sp = { 0 };
	size_t kept;

	p->plain_len = plain->len;
	if (first + 1 != p->nseg || seg->comp != COMP_GZIP)
		return comp_compress(output_comp(p, first), plain->data,
				     plain->len, &p->out);
	sp.same = common_prefix(&seg->plain, plain);
	if (sp.same == plain->len && sp.same == seg->plain.len) {
		p->reused = plain->len;
		return buf_add(&p->out, p->ar.bytes + seg->offset, seg->length);
	}
	plan_tail(p, seg, plain, &sp);
	if (gzip_splice(p->ar.bytes + seg->offset, seg->length, &sp,
			plain->data, plain->len, &p->out, &kept) == 0) {
		p->reused = kept;
		return 0;
	}
	return comp_compress(COMP_GZIP, plain->data, plain->len, &p->out);
}

int layout_merge(struct plan *p)
{
	size_t first = early_segments(p);
	struct cpio_list all = { 0 };
	struct buf plain = { 0 };
	int ret;

	if (buf_add(&p->out, p->ar.bytes, p->ar.seg[first].offset) < 0 ||
	    gather(p, first, &all) < 0)
		return -1;
	ret = cpio_write(&all, &plain);
	free(all.v);
	if (!ret)
		ret = compress_merged(p, first, &plain);
	buf_free(&plain);
	return ret;
}

/*
 * The input's bytes that append keeps: all but zero padding after a last
 * compressed member, which would hide the new member from gzip -dc. The
 * kernel needs no alignment before a compressed member.
 */
static size_t append_kept_bytes(const struct plan *p)
{
	const struct segment *last = &p->ar.seg[p->nseg - 1];

	if (last->comp != COMP_NONE &&
	    last->offset + last->length < p->kept_bytes)
		return last->offset + last->length;
	return p->kept_bytes;
}

int layout_append(struct plan *p)
{
	struct buf plain = { 0 };
	int ret;

	if (buf_add(&p->out, p->ar.bytes, append_kept_bytes(p)) < 0)
		return -1;
	ret = cpio_write(&p->added, &plain);
	/* Append is the fast layout: level 9 is 10x slower on modules for
	 * under 1% smaller. */
	if (!ret)
		ret = gzip_compress(plain.data, plain.len, 6, &p->out);
	buf_free(&plain);
	return ret;
}
