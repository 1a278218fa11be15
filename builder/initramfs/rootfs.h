/* SPDX-License-Identifier: MIT */
/*
 * The root file system the kernel's initramfs unpacking (init/initramfs.c)
 * leaves, entry by entry:
 * - a name whose entry is of another type is removed first (a directory
 *   only if it is empty); a regular file of the same type is opened again
 *   with O_TRUNC, so whatever shares its inode gets the new bytes;
 * - hard links are matched by (ino, major, minor, type) within one archive
 *   (the table is forgotten at each TRAILER!!!); the data of a link goes to
 *   the shared inode, size 0 leaves it as it is;
 * - an entry whose parent directory is missing is dropped; symbolic links
 *   in the parents are followed, the last component never.
 */
#ifndef MV_ROOTFS_H
#define MV_ROOTFS_H

#include "archive.h"

struct rootfs_node {
	uint32_t mode;
	const uint8_t *data; /* content, or a symbolic link's target */
	uint32_t size;
	uint32_t links; /* names it has now */
	uint32_t children; /* names in it, for a directory */
	uint32_t parent; /* the directory a directory is in */
	const struct cpio_entry *entry; /* the last entry that wrote it */
};

struct rootfs_map {
	struct rootfs_slot *slot;
	size_t cap, used; /* used counts removed names too */
};

struct rootfs_link {
	uint32_t dir; /* node */
	char *name;
};

/*
 * A tree: a name is its directory's node and itself, so memory grows with
 * the names of the archive, whatever its symbolic links say.
 */
struct rootfs {
	struct rootfs_node *node; /* node[0] is the root */
	size_t nnodes, cap;
	struct rootfs_map names; /* "dir/name" -> node */
	struct rootfs_map links; /* hard link key -> first name, in link[] */
	struct rootfs_link *link;
	size_t nlinks;
	size_t walked, walk_limit; /* name bytes walked, and the most */
};

/* An empty root, then the segments' entries unpacked onto it. */
int rootfs_unpack(struct rootfs *fs, const struct segment *seg, size_t nseg);
/* More entries on top, as one more segment. */
int rootfs_add(struct rootfs *fs, const struct cpio_list *list);

/*
 * What path names: 0 and *node, or an errno value (ENOENT, ENOTDIR, ELOOP,
 * ENAMETOOLONG) and *node NULL. follow: the last component's symbolic
 * links too. avoid: a path to fail at with EDEADLK, if the walk passes it
 * (as when following /init's link leads to /init again); NULL for none.
 */
int rootfs_lookup(const struct rootfs *fs, const char *path, bool follow,
		  const char *avoid, const struct rootfs_node **node);

void rootfs_free(struct rootfs *fs);

#endif
