// SPDX-License-Identifier: MIT
/* What a build did, on stdout, for whoever runs it. */
#include "elf.h"
#include "plan.h"

#include <stdio.h>
#include <string.h>

static void report_input(const struct plan *p)
{
	printf("input %s: %zu bytes, %zu segment%s%s\n", p->opts->input,
	       p->ar.len, p->ar.nseg, p->ar.nseg == 1 ? "" : "s",
	       p->rebuilt ? ", built by minirt-virtio before (redone)" : "");
	for (size_t s = 0; s < p->ar.nseg; s++)
		printf("  segment %zu at %zu: %s, %zu entries\n", s + 1,
		       p->ar.seg[s].offset, comp_name(p->ar.seg[s].comp),
		       p->ar.seg[s].entries.n);
	printf("userland: %s\n", elf_machine_name(p->userland));
}

static void report_modules(const struct plan *p)
{
	size_t total = 0;

	if (p->mods.n && p->mods.v[0].vermagic)
		printf("kernel: %.*s\n",
		       (int)strcspn(p->mods.v[0].vermagic, " "),
		       p->mods.v[0].vermagic);
	printf("modules from %s (dependencies from %s):\n",
	       p->opts->modules_dir,
	       p->mods.used_index ? "modules.dep" : "modinfo");
	for (size_t i = 0; i < p->mods.n; i++) {
		printf("  %-28s %8zu bytes\n", p->mods.v[i].name,
		       p->mods.v[i].image.len);
		total += p->mods.v[i].image.len;
	}
	printf("  %zu modules, %zu bytes\n", p->mods.n, total);
	for (size_t i = 0; i < p->mods.nbuiltin; i++)
		printf("built in, skipped: %s\n", p->mods.builtin[i]);
	for (size_t i = 0; i < p->mods.nskipped_soft; i++)
		printf("soft dependency not found, skipped: %s\n",
		       p->mods.skipped_soft[i]);
}

static void report_init(const struct plan *p)
{
	if (!p->opts->patch_init)
		printf("init: left as it is (--no-patch-init)\n");
	else if (!S_ISREG(p->init_node->mode))
		printf("init: a symbolic link, left as it is\n");
	else if (p->patch.patched)
		printf("init: vd names added to %zu device scan%s:\n%.*s",
		       p->patch.patched, p->patch.patched == 1 ? "" : "s",
		       (int)p->patch.lines.len, (char *)p->patch.lines.data);
	else if (p->patch.with_vd)
		printf("init: left as it is (it scans vd names already)\n");
	else
		printf("init: left as it is (no findknoppix $(listpartitions ...) call in it)\n");
}

static void report_output(const struct plan *p)
{
	const struct output *o = &p->output;
	const char *layout = p->opts->layout == LAYOUT_APPEND ? "append" :
								"merge";
	long long grew = (long long)p->out.len - (long long)p->ar.len;

	if (o->through_link)
		printf("wrote %s (where the symbolic link %s leads): %s layout, %zu bytes (%+lld)\n",
		       o->path, o->name, layout, p->out.len, grew);
	else
		printf("wrote %s: %s layout, %zu bytes (%+lld)\n", o->path,
		       layout, p->out.len, grew);
	if (o->made_orig)
		printf("the original is kept as %s\n", o->orig);
	else if (o->orig_state == ORIG_THERE)
		printf("the original was kept before, as %s; it stays\n",
		       o->orig);
}

void report(const struct plan *p)
{
	report_input(p);
	report_modules(p);
	report_init(p);
	report_output(p);
	if (p->reused)
		printf("recompressed %zu of %zu bytes; the rest kept its compressed blocks\n",
		       p->plain_len - p->reused, p->plain_len);
}
