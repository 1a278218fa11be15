// SPDX-License-Identifier: MIT
#include "modinfo.h"
#include "buf.h"
#include "error.h"
#include "medium/elf.h"

#include <stdlib.h>
#include <string.h>

/* "pre: a b post: c" -> " a b", appended to what *pre holds already. */
static int add_softdep_pre(char **pre, const char *value, size_t len)
{
	const char *p = memmem(value, len, "pre:", 4), *end;
	size_t old = strlen(*pre), take;
	char *joined;

	if (!p)
		return 0;
	p += 4;
	end = memmem(p, len - (size_t)(p - value), "post:", 5);
	take = end ? (size_t)(end - p) : len - (size_t)(p - value);
	joined = realloc(*pre, old + take + 2);
	if (!joined)
		return error_set("out of memory");
	joined[old] = ' ';
	memcpy(joined + old + 1, p, take);
	joined[old + 1 + take] = '\0';
	*pre = joined;
	return 0;
}

static int add_alias(struct modinfo *mi, const char *value, size_t len)
{
	char **v = realloc(mi->aliases, (mi->naliases + 1) * sizeof(*v));

	if (!v)
		return error_set("out of memory");
	mi->aliases = v;
	v[mi->naliases] = strndup(value, len);
	if (!v[mi->naliases])
		return error_set("out of memory");
	mi->naliases++;
	return 0;
}

static int set_once(char **field, const char *value, size_t len)
{
	if (*field)
		return 0;
	*field = strndup(value, len);
	return *field ? 0 : error_set("out of memory");
}

/* One "key=value" string; keys other modinfo users need are ignored. */
static int take(struct modinfo *mi, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t klen, vlen;

	if (!eq)
		return 0;
	klen = (size_t)(eq - s);
	vlen = len - klen - 1;
	if (klen == 8 && !memcmp(s, "vermagic", 8))
		return set_once(&mi->vermagic, eq + 1, vlen);
	if (klen == 7 && !memcmp(s, "depends", 7)) {
		if (*mi->depends)
			return 0;
		free(mi->depends);
		mi->depends = NULL;
		return set_once(&mi->depends, eq + 1, vlen);
	}
	if (klen == 7 && !memcmp(s, "softdep", 7))
		return add_softdep_pre(&mi->softdep_pre, eq + 1, vlen);
	if (klen == 5 && !memcmp(s, "alias", 5))
		return add_alias(mi, eq + 1, vlen);
	return 0;
}

int modinfo_read(const uint8_t *image, size_t len, struct modinfo *mi)
{
	struct elf_info elf;
	const uint8_t *sec;
	size_t size, pos = 0;

	memset(mi, 0, sizeof(*mi));
	if (!elf_read(image, len, &elf) || elf.type != ELF_REL)
		return error_set(
			"not a kernel module (no ELF relocatable object)");
	mi->machine = elf.machine;
	mi->depends = xstrdup("");
	mi->softdep_pre = xstrdup("");
	if (!mi->depends || !mi->softdep_pre)
		return -1;
	if (!elf_section(image, len, ".modinfo", &sec, &size))
		return 0;
	/* NUL-separated strings; the last may lack its NUL. */
	while (pos < size) {
		const uint8_t *nul = memchr(sec + pos, '\0', size - pos);
		size_t slen = nul ? (size_t)(nul - sec - pos) : size - pos;

		if (take(mi, (const char *)sec + pos, slen) < 0)
			return -1;
		pos += slen + 1;
	}
	return 0;
}

void modinfo_free(struct modinfo *mi)
{
	free(mi->vermagic);
	free(mi->depends);
	free(mi->softdep_pre);
	for (size_t i = 0; i < mi->naliases; i++)
		free(mi->aliases[i]);
	free(mi->aliases);
	memset(mi, 0, sizeof(*mi));
}

char *vermagic_release(const char *vermagic)
{
	return strndup(vermagic, strcspn(vermagic, " \t"));
}
