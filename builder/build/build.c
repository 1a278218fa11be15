// SPDX-License-Identifier: MIT
/*
 * minirt-virtio build, in stages that each hand on what they made: read
 * the input (input.h), find each kernel's modules (served.h), plan what to
 * add (additions.h), write the new archive (pack.h), put it in place
 * (output.h), say what was done (report.c).
 */
#include "build.h"
#include "embed.h"
#include "error.h"
#include "file.h"
#include "pack.h"
#include "modules/modlist.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REQUEST_MAX 256

static int read_request(const struct build_opts *o, struct modreq **req,
			size_t *n)
{
	size_t len = (size_t)(default_modules_list_end - default_modules_list);
	static struct modlist_item items[REQUEST_MAX];
	static char copy[16384];
	struct modreq *r;
	size_t count;

	if (len >= sizeof(copy))
		return error_set("the built-in modules.list is too long");
	memcpy(copy, default_modules_list, len);
	copy[len] = '\0';
	count = modlist_parse(copy, items, REQUEST_MAX);
	if (count + o->ndrivers > REQUEST_MAX)
		return error_set("more than %d modules requested", REQUEST_MAX);
	r = xcalloc(count + o->ndrivers, sizeof(*r));
	if (!r)
		return -1;
	for (*n = 0; *n < count; (*n)++)
		r[*n] = (struct modreq){ items[*n].name, items[*n].required };
	for (size_t i = 0; i < o->ndrivers; i++)
		r[(*n)++] = (struct modreq){ o->drivers[i], true };
	*req = r;
	return 0;
}

/* Every kernel's modules, from -m, -k and the medium. */
static int resolve_modules(struct build *p)
{
	const struct build_opts *o = p->opts;
	struct modreq *req = NULL;
	size_t n = 0;
	int ret;

	if (!o->nmodule_srcs && !p->in.has_medium)
		return error_set(
			"-m DIR is needed: the target kernel's modules (/lib/modules/<version>, a directory of .ko files, a KNOPPIX image or ISO), or --medium");
	if (read_request(o, &req, &n) < 0)
		return -1;
	ret = served_resolve(&p->served, o, &p->in, req, n);
	free(req);
	for (size_t i = 0; !ret && i < p->served.nsets; i++)
		ret = userland_check_set(
			p->in.userland, &p->served.sets[i],
			served_kernel(&p->served, p->served.sets[i].release));
	return ret;
}

/* An ISO is not a minirt: never write over it, whatever --force says. */
static int check_not_medium(const struct build *p)
{
	struct stat out, iso;

	if (!p->in.has_medium || !p->in.medium.is_iso ||
	    stat(p->opts->output, &out) < 0 ||
	    stat(p->opts->medium, &iso) < 0 || out.st_dev != iso.st_dev ||
	    out.st_ino != iso.st_ino)
		return 0;
	return error_set(
		"%s is the ISO the minirt comes from; write the new minirt to another file",
		p->opts->output);
}

/*
 * A file that -o --force replaces and that is not INPUT: its bytes, so
 * that build_undo() can put it back.
 */
static int keep_replaced(struct build *p)
{
	const struct output *o = &p->output;
	uint8_t *bytes;
	size_t len;

	if (!p->opts->undoable || !o->exists || o->in_place)
		return 0;
	if (read_file_max(o->path, (size_t)1 << 31, &bytes, &len) < 0)
		return error_prefix("%s", o->name);
	p->replaced = (struct buf){ bytes, len, len };
	return 0;
}

int build_prepare(struct build *p, const struct build_opts *opts)
{
	const struct input *in = &p->in;

	memset(p, 0, sizeof(*p));
	p->opts = opts;
	if (input_read(&p->in, p->opts) < 0 || check_not_medium(p) < 0 ||
	    output_prepare(&p->output, p->opts->output, in->path, in->ar.bytes,
			   in->ar.len, &in->recorded, p->opts->force) < 0 ||
	    resolve_modules(p) < 0 ||
	    additions_plan(&p->add, &p->in, &p->served, &p->output.original,
			   p->opts) < 0 ||
	    pack_write(&p->in, &p->add, &p->out) < 0 ||
	    output_check_room(&p->output, p->out.len) < 0 ||
	    keep_replaced(p) < 0)
		return -1;
	return 0;
}

int build_commit(struct build *p)
{
	return output_commit(&p->output, &p->out);
}

int build_undo(struct build *p)
{
	const struct buf in = { p->in.ar.bytes, p->in.ar.len, p->in.ar.len };

	return output_undo(&p->output, p->output.in_place ? &in : &p->replaced);
}

void build_free(struct build *p)
{
	input_free(&p->in);
	served_free(&p->served);
	additions_free(&p->add);
	buf_free(&p->out);
	buf_free(&p->replaced);
}

int build_run(const struct build_opts *opts)
{
	struct build p;
	int ret = build_prepare(&p, opts);

	if (!ret)
		ret = build_commit(&p);
	if (!ret)
		report(&p);
	build_free(&p);
	return ret;
}
