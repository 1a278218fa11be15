// SPDX-License-Identifier: MIT
#include "cmdline.h"
#include "text.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *cmdline_next_word(const char *p, size_t *len)
{
	bool quoted = false;
	size_t n = 0;

	while (*p && is_space(*p))
		p++;
	if (!*p)
		return NULL;
	while (p[n] && (quoted || !is_space(p[n]))) {
		if (p[n] == '"')
			quoted = !quoted;
		n++;
	}
	*len = n;
	return p;
}

static bool word_is(const char *w, size_t len, const char *key)
{
	size_t klen = strlen(key);

	return len == klen && memcmp(w, key, klen) == 0;
}

static bool word_has_prefix(const char *w, size_t len, const char *key)
{
	size_t klen = strlen(key);

	return len >= klen && memcmp(w, key, klen) == 0;
}

/* "SECONDS" or "SECONDS.FRACTION" to milliseconds; false if malformed. */
static bool parse_seconds(const char *s, size_t len, unsigned *ms)
{
	unsigned long whole = 0, frac = 0;
	unsigned frac_digits = 0;
	size_t i, digits = 0;

	for (i = 0; i < len && s[i] != '.'; i++, digits++) {
		if (!is_digit(s[i]))
			return false;
		whole = whole * 10 + (unsigned long)(s[i] - '0');
		if (whole > MAX_TIMEOUT_MS / 1000)
			return false;
	}
	for (i++; i < len; i++, digits++) {
		if (!is_digit(s[i]))
			return false;
		if (frac_digits < 3) {
			frac = frac * 10 + (unsigned long)(s[i] - '0');
			frac_digits++;
		}
	}
	if (!digits)
		return false;
	for (; frac_digits < 3; frac_digits++)
		frac *= 10;
	if (whole * 1000 + frac > MAX_TIMEOUT_MS)
		return false;
	*ms = (unsigned)(whole * 1000 + frac);
	return true;
}

static void copy_value(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

void cmdline_parse(const char *cmdline, struct preinit_opts *opts)
{
	static const char timeout_key[] = "minirt_virtio.timeout=";
	static const char modules_key[] = "minirt_virtio.modules=";
	const char *w;
	size_t len;

	memset(opts, 0, sizeof(*opts));
	opts->timeout_ms = DEFAULT_TIMEOUT_MS;
	for (w = cmdline; (w = cmdline_next_word(w, &len)); w += len) {
		if (word_is(w, len, "minirt_virtio.debug") ||
		    word_is(w, len, "minirt_virtio.debug=1"))
			opts->debug = true;
		else if (word_is(w, len, "minirt_virtio.no_finit"))
			opts->no_finit = true;
		else if (word_has_prefix(w, len, timeout_key))
			parse_seconds(w + sizeof(timeout_key) - 1,
				      len - (sizeof(timeout_key) - 1),
				      &opts->timeout_ms);
		else if (word_has_prefix(w, len, modules_key))
			copy_value(opts->modules, sizeof(opts->modules),
				   w + sizeof(modules_key) - 1,
				   len - (sizeof(modules_key) - 1));
	}
}

static bool same_module_char(char a, char b)
{
	if (a == '-')
		a = '_';
	if (b == '-')
		b = '_';
	return a == b;
}

/* Does word start with "MODULE." (module names compared as modprobe does)? */
static bool word_for_module(const char *w, size_t len, const char *module)
{
	size_t i;

	for (i = 0; module[i]; i++)
		if (i >= len || !same_module_char(w[i], module[i]))
			return false;
	return i + 1 < len && w[i] == '.' && w[i + 1] != '=';
}

int cmdline_module_params(const char *cmdline, const char *module, char *buf,
			  size_t size)
{
	size_t used = strlen(buf), mlen = strlen(module);
	const char *w;
	size_t len;

	for (w = cmdline; (w = cmdline_next_word(w, &len)); w += len) {
		if (!mlen || !word_for_module(w, len, module))
			continue;
		if (used + 1 + (len - mlen - 1) + 1 > size)
			return -1;
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, w + mlen + 1, len - mlen - 1);
		used += len - mlen - 1;
		buf[used] = '\0';
	}
	return 0;
}

bool cmdline_env_off(char *const *envp)
{
	for (; *envp; envp++)
		if (!strcmp(*envp, "minirt_virtio=off"))
			return true;
	return false;
}
