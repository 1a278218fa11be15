#!/bin/bash
# The GRUB boot cases, in tests/boot/cases' format: SeaBIOS boots GRUB (2 or
# 0.97) from the virtio disk's MBR, GRUB loads linux64 and minirt.gz from the
# disk by boot-entry's menu entry (fixtures.sh makes build/fixtures/grub-*.img).
# Each passes only on the init's line and the pre-init's summary: every
# module it loaded for the devices loaded, and the disk's virtio block
# devices ready (boot-one.sh's ready:).
set -euo pipefail
echo "grub-root|bios|-|blk:grub-root||ready:1 virtio-blk disk (vda vda1) && KNOPPIX-INIT: found boot/KNOPPIX/KNOPPIX on /dev/vda1"
echo "grub-separate-boot|bios|-|blk:grub-boot||ready:1 virtio-blk disk (vda vda1 vda2) && KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda1"
# GRUB 0.97 and menu.lst, as on CentOS 5/6, /boot second: root (hd0,1).
echo "grub-legacy|bios|-|blk:grub-legacy||ready:1 virtio-blk disk (vda vda1 vda2) && KNOPPIX-INIT: found KNOPPIX/KNOPPIX on /dev/vda2"
# Negative control: the same GRUB and entry, the original minirt (no
# pre-init ran).
echo "grub-orig-fails|bios|-|blk:grub-orig||Could not mount disk to /mnt-system. && !minirt-virtio: "
