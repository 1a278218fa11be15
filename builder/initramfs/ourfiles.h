/* SPDX-License-Identifier: MIT */
/* Where a build puts what it adds, inside the minirt. */
#ifndef MV_OURFILES_H
#define MV_OURFILES_H

#define OUR_DIR "lib/modules/minirt-virtio"
#define BUILD_INFO OUR_DIR "/build-info"
/* A build-info line: this kernel has no serial console driver built in. */
#define BUILD_INFO_NO_SERIAL "no-serial "
#define LOAD_ORDER "load-order" /* in OUR_DIR/<release>/ */

#endif
