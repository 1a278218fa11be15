/* SPDX-License-Identifier: MIT */
#ifndef MV_LIST_H
#define MV_LIST_H

/* minirt-virtio list: every segment and every entry of an initramfs. */
int list_run(const char *input);

#endif
