/* SPDX-License-Identifier: MIT */
/*
 * Whether a kernel has its serial console driver (8250) built in, so that
 * console=ttyS0 shows its messages. KNOPPIX 6's 2.6.32 has it as a module,
 * which nothing loads that early: there the VGA (VNC) console is the one.
 */
#ifndef MV_SERIAL_H
#define MV_SERIAL_H

#include <stdbool.h>

/*
 * The kernel whose module tree's index files are in dir: its
 * modules.builtin says (Linux 2.6.33 and later); without one, an 8250
 * module in modules.dep means it is not built in. With neither file (a
 * bare directory of .ko files) nothing says otherwise: true.
 */
bool serial_builtin(const char *dir);

#endif
