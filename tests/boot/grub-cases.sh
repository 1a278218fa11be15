#!/bin/bash
# The GRUB boot cases, in tests/boot/cases' format: SeaBIOS boots GRUB (2 or
# 0.97) from the virtio disk's MBR, GRUB loads linux64 and minirt.gz from the
# disk by boot-entry's menu entry (fixtures.sh makes build/fixtures/grub-*.img).
# Each passes only on the init's line and the pre-init's summary: all the
# modules minirt-virtio build put in (counted from its report) loaded, and
# the disk's virtio block devices ready.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
f=${FIXTURES:-$root/build/fixtures}
report=$f/k6-built.report
# Soft dependencies may fail to load (crct10dif_pclmul on a CPU without
# PCLMUL): the pre-init then counts them out, so either count is right.
total=$(grep -cE '^  [a-z0-9_]+ +[0-9]+ bytes' "$report" || true)
soft=$(grep -cE '^  [a-z0-9_]+ +[0-9]+ bytes \(soft dependency\)$' "$report" || true)
if [ "$total" = 0 ]; then
	echo "grub-cases: no module lines in $report" >&2
	exit 1
fi
modules="($(seq -s '|' $((total - soft)) "$total"))"

summary() { # DISKS
	echo "^minirt-virtio: $modules modules in [0-9.]+ ms, $1 ready after [0-9.]+ ms, own [0-9.]+ ms, exec /init\.orig\$"
}
echo "grub-root|bios|-|blk:grub-root||$(summary 'vda vda1') && KNOPPIX-INIT: found boot/KNOPPIX/KNOPPIX on /dev/vda1"
echo "grub-separate-boot|bios|-|blk:grub-boot||$(summary 'vda vda1 vda2') && KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1"
# GRUB 0.97 and menu.lst, as on CentOS 5/6, /boot second: root (hd0,1).
echo "grub-legacy|bios|-|blk:grub-legacy||$(summary 'vda vda1 vda2') && KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda2"
# Negative control: the same GRUB and entry, the original minirt (no
# pre-init ran).
echo "grub-orig-fails|bios|-|blk:grub-orig||Could not mount disk to /mnt-system. && !minirt-virtio: "
