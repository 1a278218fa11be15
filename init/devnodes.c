// SPDX-License-Identifier: MIT
#include "devnodes.h"
#include "sysdir.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct sync_ctx {
	int dev_fd;
	struct devnodes_result *result;
	devnodes_report report;
};

static bool parse_uint(const char **p, unsigned long max, unsigned long *out)
{
	unsigned long value = 0;
	const char *s = *p;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		value = value * 10 + (unsigned long)(*s - '0');
		if (value > max)
			return false;
	}
	*p = s;
	*out = value;
	return true;
}

bool devnodes_parse_dev(const char *text, dev_t *dev)
{
	unsigned long major, minor;
	const char *p = text;

	if (!parse_uint(&p, 4095, &major) || *p++ != ':')
		return false;
	if (!parse_uint(&p, (1ul << 20) - 1, &minor))
		return false;
	if (*p == '\n')
		p++;
	if (*p != '\0')
		return false;
	*dev = makedev(major, minor);
	return true;
}

static void tell(struct sync_ctx *ctx, const char *name, const char *what,
		 int err)
{
	if (ctx->report)
		ctx->report(name, what, err);
}

static int make_node(struct sync_ctx *ctx, const char *name, dev_t dev)
{
	struct stat st;
	bool replacing = false;

	if (fstatat(ctx->dev_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISBLK(st.st_mode) && st.st_rdev == dev) {
			ctx->result->kept++;
			return 0;
		}
		if (S_ISDIR(st.st_mode) || unlinkat(ctx->dev_fd, name, 0) < 0) {
			tell(ctx, name, "cannot replace",
			     S_ISDIR(st.st_mode) ? EISDIR : errno);
			ctx->result->failed++;
			return 0;
		}
		replacing = true;
	} else if (errno != ENOENT) {
		tell(ctx, name, "cannot stat", errno);
		ctx->result->failed++;
		return 0;
	}
	if (mknodat(ctx->dev_fd, name, S_IFBLK | 0660, dev) < 0) {
		tell(ctx, name, "cannot mknod", errno);
		ctx->result->failed++;
		return 0;
	}
	tell(ctx, name, replacing ? "replaced" : "created", 0);
	if (replacing)
		ctx->result->replaced++;
	else
		ctx->result->created++;
	return 0;
}

static int sync_one(int class_fd, const char *name, unsigned char type,
		    void *arg)
{
	struct sync_ctx *ctx = arg;
	char path[300], text[32];
	dev_t dev;
	long len;

	(void)type;
	/* sysfs spells '/' in a name as '!' (cciss!c0d0): not ours to make */
	if (name[0] == '.' || strchr(name, '!') || strlen(name) > 255)
		return 0;
	strcpy(path, name);
	strcat(path, "/dev");
	len = read_small(class_fd, path, text, sizeof(text));
	if (len < 0 || !devnodes_parse_dev(text, &dev)) {
		tell(ctx, name, "bad sysfs dev file",
		     len < 0 ? (int)-len : EINVAL);
		ctx->result->failed++;
		return 0;
	}
	return make_node(ctx, name, dev);
}

int devnodes_sync(const char *class_dir, const char *dev_dir,
		  struct devnodes_result *result, devnodes_report report)
{
	struct sync_ctx ctx = { .result = result, .report = report };
	int class_fd, ret;

	memset(result, 0, sizeof(*result));
	class_fd = open(class_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (class_fd < 0)
		return -errno;
	ctx.dev_fd = open(dev_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx.dev_fd < 0) {
		ret = -errno;
		close(class_fd);
		return ret;
	}
	ret = dir_each(class_fd, sync_one, &ctx);
	close(ctx.dev_fd);
	close(class_fd);
	return ret;
}
