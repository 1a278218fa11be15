#!/bin/bash
# A VPS's disk as the seed found it, GRUB 2 for BIOS in its MBR, made
# without root or loop mounts:
#   make-grub-disk.sh OUT root|boot MINIRT [DISK_MINIRT]
# root: vda1 is / and holds /boot/grub and /boot/KNOPPIX/{linux64,
#   minirt.gz,KNOPPIX} (so knoppix_dir=boot/KNOPPIX);
# boot: vda1 is /boot on its own (grub/, KNOPPIX/ with linux64 and linux:
#   knoppix_dir=KNOPPIX), vda2 is /.
# grub.cfg is a serial console header and `minirt-virtio boot-entry`'s
# output for MINIRT (words in BOOT_OPTIONS go after its --); the disk holds
# DISK_MINIRT if given (the original minirt, for the negative control).
# OUT.cfg is a copy of that grub.cfg. Kernels: cache/kernels/{amd64,686}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1 layout=$2 minirt=$3 disk_minirt=${4:-$3}
grub_dir=/usr/lib/grub/i386-pc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The host as boot-entry sees it: its / in sys/, /boot mounted on sys/boot.
sys=$work/sys
mkdir -p "$sys/boot/KNOPPIX" "$sys/boot/grub" "$sys/etc"
echo "the VPS's own system" >"$sys/etc/motd"
knoppix=$sys/boot/KNOPPIX
cp "$root/cache/kernels/amd64/vmlinuz" "$knoppix/linux64"
[ "$layout" = boot ] && cp "$root/cache/kernels/686/vmlinuz" "$knoppix/linux"
cp "$minirt" "$knoppix/minirt.gz"
echo "stand-in for the compressed KNOPPIX image" >"$knoppix/KNOPPIX"

case $layout in
root)
	echo "1 0 254:1 / $sys rw - ext4 /dev/vda1 rw" >"$work/mountinfo"
	cfg=$sys/boot/grub/grub.cfg prefix=/boot/grub
	;;
boot)
	printf '%s\n' "1 0 254:2 / $sys rw - ext4 /dev/vda2 rw" \
		"2 1 254:1 / $sys/boot rw - ext4 /dev/vda1 rw" >"$work/mountinfo"
	cfg=$sys/boot/grub/grub.cfg prefix=/grub
	;;
*)
	echo "make-grub-disk: unknown layout $layout" >&2
	exit 1
	;;
esac

{
	echo "# The test's console: GRUB on the serial port, the first entry at once."
	echo "serial --unit=0 --speed=115200"
	echo "terminal_input serial"
	echo "terminal_output serial"
	echo "set timeout=0"
	echo "set default=0"
	# shellcheck disable=SC2086 # BOOT_OPTIONS: words
	"$root/build/minirt-virtio" boot-entry --mount-table "$work/mountinfo" \
		"$knoppix" -- ${BOOT_OPTIONS:-}
} >"$work/grub.cfg"
cp "$work/grub.cfg" "$cfg"
cp "$work/grub.cfg" "$out.cfg"
cp "$disk_minirt" "$knoppix/minirt.gz"

mkfs() { # DIR SIZE_MB IMAGE
	mkfs.ext4 -q -F -E root_owner=0:0 -d "$1" "$3" "${2}M" >/dev/null
}
put() { # IMAGE DISK START_SECTOR
	dd if="$1" of="$2" bs=512 seek="$3" conv=notrunc status=none
}

rm -f "$out"
if [ "$layout" = root ]; then
	truncate -s 64M "$out"
	printf '%s\n' 'label: dos' 'start=2048, type=83, bootable' |
		sfdisk -q "$out"
	mkfs "$sys" 62 "$work/p1"
	put "$work/p1" "$out" 2048
else
	mv "$sys/boot" "$work/bootfs"
	mkdir "$sys/boot"
	truncate -s 80M "$out"
	printf '%s\n' 'label: dos' 'start=2048, size=56M, type=83, bootable' \
		'type=83' | sfdisk -q "$out"
	mkfs "$work/bootfs" 56 "$work/p1"
	mkfs "$sys" 23 "$work/p2"
	put "$work/p1" "$out" 2048
	put "$work/p2" "$out" $((2048 + 56 * 2048))
fi

# GRUB as grub-install would put it: boot.img's code in the MBR (the
# partition table stays), core.img from sector 1 up to the first partition.
grub-mkimage -O i386-pc -d "$grub_dir" -o "$work/core.img" \
	-p "(hd0,msdos1)$prefix" biosdisk part_msdos ext2 search \
	search_fs_file linux normal configfile echo serial terminal test
if [ "$(stat -c %s "$work/core.img")" -gt $((2047 * 512)) ]; then
	echo "make-grub-disk: core.img does not fit before sector 2048" >&2
	exit 1
fi
dd if="$grub_dir/boot.img" of="$out" bs=446 count=1 conv=notrunc status=none
put "$work/core.img" "$out" 1
