#!/bin/bash
# A VPS's disk as the seed found it, its GRUB in the MBR, made without root
# or loop mounts:
#   make-grub-disk.sh OUT LAYOUT grub2|legacy MINIRT [DISK_MINIRT]
# LAYOUT root: vda1 is / and holds /boot/grub and /boot/KNOPPIX/{linux64,
#   minirt.gz,KNOPPIX} (knoppix_dir=boot/KNOPPIX);
# boot: vda1 is /boot on its own (KNOPPIX/ with linux64 and linux:
#   knoppix_dir=KNOPPIX), vda2 is /; boot-last: vda1 is /, vda2 /boot.
# grub2: GRUB 2 for BIOS (grub-mkimage, dd), grub.cfg; legacy: GRUB 0.97
#   (Debian's grub-legacy, unpacked in build/tools) set up by its own shell
#   on the image file, menu.lst on ext3 as CentOS 5 made it.
# The config is a serial console header and `minirt-virtio boot-entry`'s
# output for MINIRT (words in BOOT_OPTIONS go after its --); the disk holds
# DISK_MINIRT if given (the original minirt, for the negative control).
# OUT.cfg is a copy of the config. Kernels: cache/kernels/{amd64,686}.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1 layout=$2 grub=$3 minirt=$4 disk_minirt=${5:-$4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The host as boot-entry sees it: its / in sys/, /boot on sys/boot.
sys=$work/sys
knoppix=$sys/boot/KNOPPIX
mkdir -p "$knoppix" "$sys/boot/grub" "$sys/etc"
echo "the VPS's own system" >"$sys/etc/motd"
cp "$root/cache/kernels/amd64/vmlinuz" "$knoppix/linux64"
[ "$layout" = root ] || cp "$root/cache/kernels/686/vmlinuz" "$knoppix/linux"
cp "$minirt" "$knoppix/minirt.gz"
echo "stand-in for the compressed KNOPPIX image" >"$knoppix/KNOPPIX"

fstype=ext4 inode=256
[ "$grub" = legacy ] && fstype=ext3 inode=128
mount_line() { # ID MINOR POINT
	echo "$1 1 254:$2 / $3 rw - $fstype /dev/vda$2 rw"
}
case $layout in
root) mount_line 2 1 "$sys" ;;
boot) mount_line 2 2 "$sys" && mount_line 3 1 "$sys/boot" ;;
boot-last) mount_line 2 1 "$sys" && mount_line 3 2 "$sys/boot" ;;
*) echo "make-grub-disk: unknown layout $layout" >&2 && exit 1 ;;
esac >"$work/mountinfo"

entries() {
	# shellcheck disable=SC2086 # BOOT_OPTIONS: words
	"$root/build/minirt-virtio" boot-entry --mount-table "$work/mountinfo" \
		"$@" "$knoppix" -- ${BOOT_OPTIONS:-}
}

# The test's console: the boot loader on the serial port, entry 0 at once.
if [ "$grub" = grub2 ]; then
	cfg=$sys/boot/grub/grub.cfg
	printf '%s\n' "serial --unit=0 --speed=115200" "terminal_input serial" \
		"terminal_output serial" "set timeout=0" "set default=0" >"$cfg"
	entries >>"$cfg"
else
	cfg=$sys/boot/grub/menu.lst
	printf '%s\n' "serial --unit=0 --speed=115200" "terminal serial" \
		"timeout 0" "default 0" >"$cfg"
	entries --grub-legacy >>"$cfg"
fi
cp "$cfg" "$out.cfg"
cp "$disk_minirt" "$knoppix/minirt.gz"

# GRUB 0.97's files and shell, from Debian's package, unpacked (installing
# it would hook kernel updates on this machine).
legacy_dir=$root/build/tools/grub-legacy
legacy_files=$legacy_dir/usr/lib/grub/x86_64-pc
if [ "$grub" = legacy ]; then
	if [ ! -x "$legacy_dir/usr/sbin/grub" ]; then
		rm -rf "$legacy_dir" && mkdir -p "$legacy_dir/deb"
		(cd "$legacy_dir/deb" && apt-get download -q grub-legacy) \
			>"$legacy_dir/download.log" 2>&1 ||
			{ cat "$legacy_dir/download.log" >&2; exit 1; }
		dpkg -x "$legacy_dir"/deb/*.deb "$legacy_dir"
	fi
	cp "$legacy_files"/{stage1,stage2,e2fs_stage1_5} "$sys/boot/grub/"
fi

mkfs() { # DIR SIZE_MB IMAGE
	mkfs.ext4 -q -F -t "$fstype" -I "$inode" -E root_owner=0:0 -d "$1" "$3" \
		"${2}M" >/dev/null
}
put() { # IMAGE DISK START_SECTOR
	dd if="$1" of="$2" bs=512 seek="$3" conv=notrunc status=none
}

# Primary partitions from sector 2048, one after another; OUT's size fits.
partitions() { # DIR SIZE_MB [DIR SIZE_MB]
	local start=2048 total=1 i=1 args=("$@")
	{
		echo 'label: dos'
		while [ $# -gt 0 ]; do
			echo "start=$((2048 * total)), size=$(($2 * 2048)), type=83"
			total=$((total + $2))
			shift 2
		done
	} >"$work/table"
	truncate -s "${total}M" "$out"
	sfdisk -q "$out" <"$work/table"
	set -- "${args[@]}"
	while [ $# -gt 0 ]; do
		mkfs "$1" "$2" "$work/p$i"
		put "$work/p$i" "$out" "$start"
		start=$((start + $2 * 2048)) i=$((i + 1))
		shift 2
	done
}
rm -f "$out"
bootfs=$work/bootfs
if [ "$layout" = root ]; then
	partitions "$sys" 62
	boot_part=0 prefix=/boot/grub
else
	mv "$sys/boot" "$bootfs"
	mkdir "$sys/boot"
	prefix=/grub
	if [ "$layout" = boot ]; then
		partitions "$bootfs" 56 "$sys" 23
		boot_part=0
	else
		partitions "$sys" 23 "$bootfs" 56
		boot_part=1
	fi
fi

if [ "$grub" = legacy ]; then
	# GRUB's own shell writes stage1 and stage1.5 into the image file.
	printf '%s\n' "device (hd0) $out" "root (hd0,$boot_part)" \
		"setup (hd0)" quit |
		"$legacy_dir/usr/sbin/grub" --batch --no-floppy \
			--device-map=/dev/null >"$work/setup.log" 2>&1
	grep -q '^Done\.' "$work/setup.log" && ! grep -q 'Error' "$work/setup.log" ||
		{ cat "$work/setup.log" >&2; exit 1; }
	exit 0
fi

# GRUB 2 as grub-install would put it: boot.img's code in the MBR (the
# partition table and disk signature stay), core.img from sector 1 up to the
# first partition.
grub_dir=/usr/lib/grub/i386-pc
grub-mkimage -O i386-pc -d "$grub_dir" -o "$work/core.img" \
	-p "(hd0,msdos$((boot_part + 1)))$prefix" biosdisk part_msdos ext2 \
	search search_fs_file linux normal configfile echo serial terminal test
if [ "$(stat -c %s "$work/core.img")" -gt $((2047 * 512)) ]; then
	echo "make-grub-disk: core.img does not fit before sector 2048" >&2
	exit 1
fi
dd if="$grub_dir/boot.img" of="$out" bs=440 count=1 conv=notrunc status=none
put "$work/core.img" "$out" 1
