// SPDX-License-Identifier: MIT
/* What a build did, on stdout, for whoever runs it. */
#include "build.h"
#include "medium/elf.h"
#include "modules/devices.h"

#include <stdio.h>
#include <string.h>

static void report_input(const struct build *p)
{
	const struct input *in = &p->in;

	printf("input %s: %zu bytes, %zu segment%s%s\n", in->label, in->ar.len,
	       in->ar.nseg, in->ar.nseg == 1 ? "" : "s",
	       in->rebuilt ? ", built by minirt-virtio before (redone)" : "");
	for (size_t s = 0; s < in->ar.nseg; s++)
		printf("  segment %zu at %zu: %s, %zu entries\n", s + 1,
		       in->ar.seg[s].offset, comp_name(in->ar.seg[s].comp),
		       in->ar.seg[s].entries.n);
	printf("userland: %s\n", elf_machine_name(in->userland));
}

/* "kernel R (linux64)" for the kernels it serves, or just "kernel R". */
static void report_kernels_of(const struct build *p, const struct modset *set)
{
	const char *sep = " (";

	printf("kernel %s", set->release);
	for (size_t i = 0; i < p->served.nkernels; i++) {
		if (strcmp(p->served.kernels[i].release, set->release))
			continue;
		printf("%s%s", sep, p->served.kernels[i].label);
		sep = ", ";
	}
	printf("%s: modules from %s (order from %s):\n", *sep == ',' ? ")" : "",
	       set->from, set->used_index ? "modules.dep" : "modinfo");
}

static void report_set(const struct build *p, const struct modset *set)
{
	size_t total = 0;

	report_kernels_of(p, set);
	for (size_t i = 0; i < set->n; i++) {
		printf("  %-28s %8zu bytes%s\n", set->v[i].name,
		       set->v[i].image.len,
		       set->v[i].optional ? " (soft dependency)" : "");
		total += set->v[i].image.len;
	}
	printf("  %zu modules, %zu bytes; %zu drivers loaded when a device matches\n",
	       set->n, total, devices_count_drivers(set));
	for (size_t i = 0; i < set->nbuiltin; i++)
		printf("  built in, skipped: %s\n", set->builtin[i]);
	for (size_t i = 0; i < set->nmissing; i++)
		fprintf(stderr,
			"minirt-virtio: warning: %s is not in %s; left out\n",
			set->missing[i], set->from);
	for (size_t i = 0; i < set->nskipped_soft; i++)
		printf("  soft dependency not found, skipped: %s\n",
		       set->skipped_soft[i]);
}

static void report_image(const struct modimage *m)
{
	if (m->is_cloop && m->cloop.nblocks)
		printf("read %u of %u blocks of %s (%u unpacked)\n",
		       m->cloop.distinct, m->cloop.nblocks, m->name,
		       m->cloop.unpacked);
}

static void report_modules(const struct build *p)
{
	for (size_t i = 0; i < p->served.nsets; i++)
		report_set(p, &p->served.sets[i]);
	printf("modules for %zu kernel%s found and read in %.0f ms\n",
	       p->served.nsets, p->served.nsets == 1 ? "" : "s", p->served.ms);
	for (size_t i = 0; i < p->served.nimages; i++)
		report_image(&p->served.images[i]);
	for (size_t m = 0; m < p->served.nmedia; m++)
		for (size_t i = 0; i < p->served.media[m].nimages; i++)
			report_image(&p->served.media[m].images[i]);
	for (size_t i = 0; p->in.has_medium && i < p->in.medium.nimages; i++)
		report_image(&p->in.medium.images[i]);
}

static void report_init(const struct build *p)
{
	if (!p->opts->patch_init)
		printf("init: left as it is (--no-patch-init)\n");
	else if (!S_ISREG(p->in.init_node->mode))
		printf("init: a symbolic link, left as it is\n");
	else if (p->add.patch.patched)
		printf("init: names added to %zu of %zu device scan%s:\n%.*s",
		       p->add.patch.patched, p->add.patch.calls,
		       p->add.patch.calls == 1 ? "" : "s",
		       (int)p->add.patch.lines.len,
		       (char *)p->add.patch.lines.data);
	else if (p->add.patch.complete)
		printf("init: left as it is (its device scans list every name already)\n");
	else
		printf("init: left as it is (no $(listpartitions ...) listing sd names in it)\n");
}

static void report_output(const struct build *p)
{
	const struct output *o = &p->output;
	const char *layout = p->opts->layout == LAYOUT_APPEND ? "append" :
								"merge";
	long long grew = (long long)p->out.len - (long long)p->in.ar.len;

	if (o->through_link)
		printf("wrote %s (where the symbolic link %s leads): %s layout, %zu bytes (%+lld)\n",
		       o->path, o->name, layout, p->out.len, grew);
	else
		printf("wrote %s: %s layout, %zu bytes (%+lld)\n", o->path,
		       layout, p->out.len, grew);
	if (o->made_orig && o->orig_is_build)
		printf("the previous build is kept as %s (build-info still records the original it came from)\n",
		       o->orig);
	else if (o->made_orig)
		printf("the original is kept as %s\n", o->orig);
	else if (o->orig_state == ORIG_THERE && o->orig_is_build)
		printf("an earlier build from the same original was kept before, as %s; it stays\n",
		       o->orig);
	else if (o->orig_state == ORIG_THERE)
		printf("the original was kept before, as %s; it stays\n",
		       o->orig);
}

void report(const struct build *p)
{
	report_input(p);
	report_modules(p);
	report_init(p);
	report_output(p);
}
