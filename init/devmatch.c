// SPDX-License-Identifier: MIT
#include "devmatch.h"
#include "text.h"
#include "sysdir.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && memcmp(s, prefix, plen) == 0;
}

bool modalias_usable(const char *alias, size_t len)
{
	return has_prefix(alias, len, "pci:") ||
	       has_prefix(alias, len, "virtio:") ||
	       has_prefix(alias, len, "scsi:");
}

bool modaliases_add(struct modaliases *m, const char *alias, size_t len)
{
	while (len && (alias[len - 1] == '\n' || alias[len - 1] == '\0'))
		len--;
	if (!modalias_usable(alias, len) || memchr(alias, '\0', len))
		return false;
	for (unsigned i = 0; i < m->count; i++)
		if (strlen(m->alias[i]) == len &&
		    memcmp(m->alias[i], alias, len) == 0)
			return false;
	if (len >= MODALIAS_LEN || m->count == MODALIASES_MAX) {
		m->match_all = true;
		return true;
	}
	memcpy(m->alias[m->count], alias, len);
	m->alias[m->count++][len] = '\0';
	return true;
}

struct reading {
	struct modaliases *m;
	int added;
};

static int read_one(int dirfd, const char *name, unsigned char type, void *arg)
{
	struct reading *r = arg;
	char path[300], alias[MODALIAS_LEN + 1];
	long n;

	(void)type;
	if (strlen(name) > 200)
		return 0;
	strcpy(path, name);
	strcat(path, "/modalias");
	n = read_small(dirfd, path, alias, sizeof(alias));
	if (n > 0 && modaliases_add(r->m, alias, (size_t)n))
		r->added++;
	return 0;
}

int modaliases_read(const char *bus_dir, struct modaliases *m)
{
	struct reading r = { .m = m };
	int fd = open(bus_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = dir_each(fd, read_one, &r);
	close(fd);
	return ret < 0 ? ret : r.added;
}

bool glob_match(const char *p, size_t len, const char *text)
{
	const char *star = NULL, *resume = NULL, *end = p + len;

	while (*text) {
		if (p < end && (*p == '?' || *p == *text)) {
			p++;
			text++;
		} else if (p < end && *p == '*') {
			star = ++p;
			resume = text;
		} else if (star) {
			p = star;
			text = ++resume;
		} else {
			return false;
		}
	}
	while (p < end && *p == '*')
		p++;
	return p == end;
}

bool devices_next_word(const char **pos, const char *end,
		       struct devices_word *word)
{
	const char *p = *pos;

	while (p < end && is_blank(*p))
		p++;
	if (p == end)
		return false;
	word->optional = *p == '?';
	word->text = p + word->optional;
	while (p < end && !is_blank(*p))
		p++;
	*pos = p;
	word->len = (size_t)(p - word->text);
	word->file = word->len > 3 &&
		     memcmp(word->text + word->len - 3, ".ko", 3) == 0;
	return true;
}

bool devices_driver(const char *line, const char *end,
		    struct devices_word *driver)
{
	struct devices_word w;
	bool found = false;

	while (devices_next_word(&line, end, &w))
		if (w.file) {
			*driver = w;
			found = true;
		}
	return found;
}

bool devices_line_matches(const char *line, const char *end,
			  const struct modaliases *present)
{
	struct devices_word w;

	if (present->match_all)
		return true;
	while (devices_next_word(&line, end, &w)) {
		if (w.file)
			continue;
		for (unsigned i = 0; i < present->count; i++)
			if (glob_match(w.text, w.len, present->alias[i]))
				return true;
	}
	return false;
}
