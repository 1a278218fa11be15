#!/bin/bash
# A VPS's disk as the seed found it, its GRUB in the MBR, made without root
# or loop mounts, in two steps:
#   make-grub-disk.sh tree DIR LAYOUT grub2|legacy MINIRT
#     DIR: the VPS's / as files, with boot/KNOPPIX/{linux64,minirt.gz,
#     KNOPPIX} (and linux, the 32-bit kernel, for the boot layouts) and
#     the boot loader's config holding only a serial console header; prints
#     that config's path (entries go after it). DIR.mountinfo: the mount
#     table the VPS would show, for `minirt-virtio boot-entry --mount-table`.
#   make-grub-disk.sh image OUT DIR LAYOUT grub2|legacy
# KNOPPIX_IMAGE=FILE: a real KNOPPIX image for boot/KNOPPIX/KNOPPIX (a hard
# link where it can be), not the small stand-in file; partitions grow to
# hold it.
# LAYOUT root: vda1 is / and holds /boot (knoppix_dir=boot/KNOPPIX);
#   boot: vda1 is /boot on its own (knoppix_dir=KNOPPIX), vda2 is /;
#   boot-last: vda1 is /, vda2 is /boot.
# grub2: GRUB 2 for BIOS (grub-mkimage, dd), grub.cfg, ext4;
# legacy: GRUB 0.97 (Debian's grub-legacy, unpacked in the cache) set up
#   by its own shell on the image file, menu.lst, ext3 as CentOS 5 made it.
# Kernels: cache/kernels/amd64 (linux64) and 686 (linux).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/cache.sh"

fstype_of() { # grub2|legacy
	[ "$1" = legacy ] && echo ext3 || echo ext4
}

# What /proc/self/mountinfo says on the VPS: / and maybe /boot.
mount_line() { # ID PARTITION POINT FSTYPE
	echo "$1 1 254:$2 / $3 rw - $4 /dev/vda$2 rw"
}
mount_table() { # DIR LAYOUT FSTYPE
	case $2 in
	root) mount_line 2 1 "$1" "$3" ;;
	boot) mount_line 2 2 "$1" "$3" && mount_line 3 1 "$1/boot" "$3" ;;
	boot-last) mount_line 2 1 "$1" "$3" && mount_line 3 2 "$1/boot" "$3" ;;
	*) echo "make-grub-disk: unknown layout $2" >&2 && return 1 ;;
	esac
}

tree() { # DIR LAYOUT grub2|legacy MINIRT
	local dir=$1 knoppix=$1/boot/KNOPPIX cfg
	rm -rf "$dir"
	mkdir -p "$knoppix" "$dir/boot/grub" "$dir/etc"
	dir=$(cd "$dir" && pwd) knoppix=$dir/boot/KNOPPIX
	mount_table "$dir" "$2" "$(fstype_of "$3")" >"$dir.mountinfo"
	echo "the VPS's own system" >"$dir/etc/motd"
	cp "$root/cache/kernels/amd64/vmlinuz" "$knoppix/linux64"
	[ "$2" = root ] || cp "$root/cache/kernels/686/vmlinuz" "$knoppix/linux"
	cp "$4" "$knoppix/minirt.gz"
	"$root/scripts/knoppix-dir.sh" "$knoppix" "${KNOPPIX_IMAGE:-}"
	# The console a test reads: the serial port; the first entry at once.
	if [ "$3" = grub2 ]; then
		cfg=$dir/boot/grub/grub.cfg
		printf '%s\n' "serial --unit=0 --speed=115200" \
			"terminal_input serial" "terminal_output serial" \
			"set timeout=0" "set default=0" >"$cfg"
	else
		cfg=$dir/boot/grub/menu.lst
		printf '%s\n' "serial --unit=0 --speed=115200" "terminal serial" \
			"timeout 0" "default 0" >"$cfg"
	fi
	echo "$cfg"
}

# GRUB 0.97's files and shell, from Debian's package, unpacked once in the
# cache (scripts/cache.sh; installing it would hook kernel updates on this
# machine): legacy_dir.
grub_legacy() {
	legacy_dir=$(cache_deb grub-legacy)
}

# GRUB 0.97's own shell writes stage1 and stage1.5 into the image file.
setup_legacy() { # OUT BOOT_PARTITION(0-based)
	printf '%s\n' "device (hd0) $1" "root (hd0,$2)" "setup (hd0)" quit |
		"$root/scripts/run-i386" "$legacy_dir/usr/sbin/grub" --batch --no-floppy \
			--device-map=/dev/null >"$work/setup.log" 2>&1
	if ! grep -q '^Done\.' "$work/setup.log" ||
		grep -q 'Error' "$work/setup.log"; then
		cat "$work/setup.log" >&2
		return 1
	fi
}

# GRUB 2 as grub-install puts it: boot.img's code in the MBR (partition
# table and disk signature stay), core.img from sector 1 up to sector 2048.
install_grub2() { # OUT BOOT_PARTITION(0-based) PREFIX
	local grub_dir=/usr/lib/grub/i386-pc
	grub-mkimage -O i386-pc -d "$grub_dir" -o "$work/core.img" \
		-p "(hd0,msdos$(($2 + 1)))$3" biosdisk part_msdos ext2 search \
		search_fs_file linux normal configfile echo serial terminal test
	if [ "$(stat -c %s "$work/core.img")" -gt $((2047 * 512)) ]; then
		echo "make-grub-disk: core.img does not fit before sector 2048" >&2
		return 1
	fi
	dd if="$grub_dir/boot.img" of="$1" bs=440 count=1 conv=notrunc status=none
	dd if="$work/core.img" of="$1" bs=512 seek=1 conv=notrunc status=none
}

# Primary partitions from sector 2048, one after another, each an ext2/3/4
# made from a directory; OUT is just large enough.
partitions() { # OUT FSTYPE DIR SIZE_MB [DIR SIZE_MB]
	local out=$1 fstype=$2 total=1 i=1 inode=256
	shift 2
	[ "$fstype" = ext3 ] && inode=128
	{
		echo 'label: dos'
		for ((n = 2; n <= $#; n += 2)); do
			echo "start=$((2048 * total)), size=$((${!n} * 2048)), type=83"
			total=$((total + ${!n}))
		done
	} >"$work/table"
	rm -f "$out"
	truncate -s "${total}M" "$out"
	sfdisk -q "$out" <"$work/table"
	total=1
	while [ $# -gt 0 ]; do
		mkfs.ext4 -q -F -t "$fstype" -I "$inode" -E root_owner=0:0 \
			-d "$1" "$work/p$i" "${2}M" >/dev/null
		dd if="$work/p$i" of="$out" bs=1M seek="$total" conv=notrunc \
			status=none
		total=$((total + $2)) i=$((i + 1))
		shift 2
	done
}

# A partition's size in MiB for DIR: MIN, or more if DIR needs it.
fit() { # DIR MIN
	local mb
	mb=$(du -sm "$1" | cut -f1)
	mb=$((mb + mb / 4 + 8))
	echo $((mb > $2 ? mb : $2))
}

image() { # OUT DIR LAYOUT grub2|legacy
	local out=$1 sys=$work/sys boot=$work/boot part=0 prefix=/grub fstype
	fstype=$(fstype_of "$4")
	cp -a "$2" "$sys"
	if [ "$4" = legacy ]; then
		grub_legacy
		cp "$legacy_dir"/usr/lib/grub/x86_64-pc/{stage1,stage2,e2fs_stage1_5} \
			"$sys/boot/grub/"
	fi
	if [ "$3" = root ]; then
		prefix=/boot/grub
		partitions "$out" "$fstype" "$sys" "$(fit "$sys" 62)"
	else
		# /boot on a partition of its own; on / its mount point stays.
		mv "$sys/boot" "$boot" && mkdir "$sys/boot"
		if [ "$3" = boot ]; then
			partitions "$out" "$fstype" "$boot" "$(fit "$boot" 56)" \
				"$sys" 23
		else
			part=1
			partitions "$out" "$fstype" "$sys" 23 "$boot" \
				"$(fit "$boot" 56)"
		fi
	fi
	if [ "$4" = grub2 ]; then
		install_grub2 "$out" "$part" "$prefix"
	else
		setup_legacy "$out" "$part"
	fi
}

case ${1:-} in
tree) shift && tree "$@" ;;
image)
	shift
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	image "$@"
	;;
*)
	echo "usage: make-grub-disk.sh tree DIR LAYOUT grub2|legacy MINIRT" >&2
	echo "       make-grub-disk.sh image OUT DIR LAYOUT grub2|legacy" >&2
	exit 2
	;;
esac
