#!/bin/bash
# Everything the tests build from or boot, in build/fixtures/: KNOPPIX-like
# minirts (original and rebuilt by minirt-virtio), media and disks.
#   fixtures.sh fast   what the suites without QEMU read (make check-fast):
#                      the real initrds, the k6 minirts, the stand-in medium
#                      and the minirt built from it
#   fixtures.sh [full] all of it
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
f=build/fixtures
mkdir -p "$f"
mv=build/minirt-virtio
export SOURCE_DATE_EPOCH=1700000000

scripts/fetch-kernels.sh >/dev/null
mods() { # FLAVOUR dep|nodep
	echo "cache/kernels/$1/$2/lib/modules/$(cat "cache/kernels/$1/kver")"
}

# Made again when the stand-in init or make-minirt.sh is newer.
fresh() { # FILE INIT
	local init=$2
	[ "$init" = busybox-hardlink ] && init=tests/fixtures/knoppix6-init
	[ "${init#*/}" = "$init" ] && init=tests/fixtures/$init-init
	[ "$1" -nt "$init" ] && [ "$1" -nt scripts/make-minirt.sh ]
}

minirt() { # NAME ARCH FLAVOUR INIT COMP [early]
	fresh "$f/$1.gz" "$4" || scripts/make-minirt.sh "$f/$1.gz" "$2" "$(mods "$3" nodep)" \
		"$4" "$5" "${6:-}"
}

build() { # OUT IN FLAVOUR dep|nodep [options]
	local out=$1 in=$2 flavour=$3 dep=$4
	shift 4
	"$mv" build --force -m "$(mods "$flavour" "$dep")" "$@" "$f/$in.gz" \
		-o "$f/$out.gz" >"$f/$out.report" 2>&1 ||
		{ cat "$f/$out.report" >&2; exit 1; }
}

disk() { # KIND
	[ "$f/$1.img" -nt scripts/make-disk.sh ] && [ "$f/$1.img" -nt scripts/knoppix-dir.sh ] ||
		scripts/make-disk.sh "$f/$1.img" "$1"
}

scripts/make-real-initrds.sh

minirt k6 amd64 amd64 knoppix6 gzip
minirt k6-early amd64 amd64 knoppix6 gzip early

# The stand-in KNOPPIX medium, and one minirt built from it for both of its
# kernels; the same from its flat copy, and from a V4.0 image with -m/-k,
# must be the very same bytes.
medium=$f/medium
scripts/medium-cached.sh "$medium"
medium_build() { # OUT [options]
	local out=$1
	shift
	"$mv" build --force --driver ext4 "$@" -o "$f/$out" >"$f/$out.report" 2>&1 ||
		{ cat "$f/$out.report" >&2; exit 1; }
}
medium_build medium-built.gz --medium "$medium/knoppix.iso"
medium_build medium-flat-built.gz --medium "$medium/flat"
medium_build medium-v4-built.gz -m "$medium/KNOPPIX-v4" \
	-k "$medium/flat/linux" -k "$medium/flat/linux64" "$medium/flat/minirt.gz"
# -m the ISO: its KNOPPIX image is the module source.
medium_build medium-iso-m-built.gz -m "$medium/knoppix.iso" \
	-k "$medium/flat/linux" -k "$medium/flat/linux64" "$medium/flat/minirt.gz"
for other in medium-flat-built.gz medium-v4-built.gz medium-iso-m-built.gz; do
	cmp -s "$f/medium-built.gz" "$f/$other" ||
		{ echo "fixtures: $other differs from medium-built.gz" >&2; exit 1; }
done

[ "${1:-full}" = fast ] && exit 0

for kind in mbr logical whole empty otherversion nocloop; do disk "$kind"; done
# The 7.x stand-in is the 6.x one with vd names in its scans.
sed -f tests/fixtures/knoppix7.sed tests/fixtures/knoppix6-init >"$f/knoppix7-init.new"
cmp -s "$f/knoppix7-init.new" "$f/knoppix7-init" 2>/dev/null &&
	rm "$f/knoppix7-init.new" || mv "$f/knoppix7-init.new" "$f/knoppix7-init"
minirt k7 amd64 amd64 "$f/knoppix7-init" gzip
minirt k6-xz amd64 amd64 knoppix6 xz
minirt k6-zstd amd64 amd64 knoppix6 zstd
minirt k6-i386 i386 686 knoppix6 gzip
minirt k6-i386-on64 i386 amd64 knoppix6 gzip
minirt k6-hardlink amd64 amd64 busybox-hardlink gzip

build k6-built k6 amd64 nodep
build k6-built-dep k6 amd64 dep
build k6-append k6 amd64 nodep --layout append
build k6-hardlink-append k6-hardlink amd64 nodep --layout append
build k7-built k7 amd64 nodep
build k6-xz-built k6-xz amd64 nodep
build k6-zstd-built k6-zstd amd64 nodep
build k6-early-built k6-early amd64 nodep
build k6-i386-built k6-i386 686 nodep
build k6-i386-on64-built k6-i386-on64 amd64 dep
# Damaged on purpose, for the fail-open tests.
mangle() { # OUT [edits]
	local out=$1
	shift
	build/mangle-cpio "$f/k6-built.gz" "$f/$out.gz" "$@"
}
ours=lib/modules/minirt-virtio/$(cat cache/kernels/amd64/kver)
head -c 30000 /dev/urandom >"$f/garbage.ko"
mangle k6-corrupt --replace "$ours/virtio_balloon.ko" "$f/garbage.ko"
mangle k6-missing --delete "$ours/virtio_blk.ko"
mangle k6-vermagic --replace "$ours/virtio_blk.ko" \
	"$(find "$(mods 686 nodep)" -name virtio_blk.ko)"
mangle k6-no-order --delete "$ours/load-order"
mangle k6-no-orig --delete init.orig

# Inits nobody here wrote: Debian's installer and Debian's mkinitramfs.
cp "$f/mkinitramfs.img" "$f/mkinitramfs.gz"
build mkinitramfs-built mkinitramfs amd64 dep
mv "$f/mkinitramfs-built.gz" "$f/mkinitramfs-built.img"
build di-built di-initrd amd64 dep

# The seed's setup: GRUB in the MBR of a virtio disk, boot-entry's entry in
# its config (tests/boot/grub-cases.sh). The original behind the same entry
# is the negative control.
grub_disk() { # NAME LAYOUT grub2|legacy [DISK_MINIRT]
	local tree=$f/$1.tree cfg legacy=
	[ "$3" = legacy ] && legacy=--grub-legacy
	cfg=$(scripts/make-grub-disk.sh tree "$tree" "$2" "$3" "$f/k6-built.gz")
	"$mv" boot-entry $legacy --mount-table "$tree.mountinfo" \
		"$tree/boot/KNOPPIX" -- panic=-1 >>"$cfg"
	cp "$cfg" "$f/$1.cfg"
	[ -z "${4:-}" ] || cp "$f/$4.gz" "$tree/boot/KNOPPIX/minirt.gz"
	scripts/make-grub-disk.sh image "$f/$1.img" "$tree" "$2" "$3"
	rm -rf "$tree" "$tree.mountinfo"
}
grub_disk grub-root root grub2
grub_disk grub-boot boot grub2
grub_disk grub-orig root grub2 k6
grub_disk grub-legacy boot-last legacy

# Issue 10: CD-ROM, ISO-file and boot/KNOPPIX disks; the corner cases of
# the pre-init (no devices file, no /sys, run when not PID 1); the seed's
# shell edits for the timing tests.
for kind in cd isofile bootdir blank; do disk "$kind"; done
mangle k6-no-devices --delete "$ours/devices"
echo "not a directory" >"$f/sys-file"
mangle k6-no-sys --file sys "$f/sys-file"
minirt rerun amd64 amd64 "$root/tests/fixtures/rerun-init" gzip
build rerun-built rerun amd64 nodep
fresh "$f/k6-seed.gz" knoppix6 && [ "$f/k6-seed.gz" -nt scripts/make-seed-minirt.sh ] ||
	scripts/make-seed-minirt.sh "$f/k6-seed.gz"

# Issue 17: the kernels KNOPPIX shipped (Linux 2.6.32 to 3.x), made of this
# one by tests/tools/oldkernel.c as PID 1 (rdinit=/oldkernel) in a cpio
# after the built minirt: its seccomp filters answer ENOSYS to the calls
# those kernels have not got and stay on the minirt's /init it then execs.
# MODULES are loaded first, with what they need, as drivers built into it.
old_kernel() { # NAME BASE ARCH FLAVOUR "MODULES" CONF-LINES...
	local name=$1 base=$2 arch=$3 flavour=$4 modules=$5 kver m files
	shift 5
	kver=$(cat "cache/kernels/$flavour/kver")
	files=$(for m in $modules; do
		PATH=$PATH:/usr/sbin:/sbin modprobe -d "cache/kernels/$flavour/dep" \
			-S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
	[ -z "$modules" ] || [ -n "$files" ] ||
		{ echo "fixtures: no modules for $modules" >&2; exit 1; }
	: >"$f/$name.conf"
	{
		echo "file /oldkernel $root/build/static-$arch/oldkernel 755 0 0"
		echo "dir /oldkernel-modules 755 0 0"
		for m in $files; do
			echo "file /oldkernel-modules/${m##*/} $m 644 0 0"
			echo "load /oldkernel-modules/${m##*/}" >>"$f/$name.conf"
		done
		echo "file /oldkernel.conf $root/$f/$name.conf 644 0 0"
	} >"$f/$name.list"
	# The filters after the loads: finit_module may be one they refuse.
	printf '%s\n' "$@" "exec /init" >>"$f/$name.conf"
	build/gen-cpio "$f/$name.list" >"$f/$name.cpio"
	# The kernel reads a cpio after a compressed one at a 4-byte offset.
	cp "$f/$base.gz" "$f/$name.img"
	truncate -s %4 "$f/$name.img"
	cat "$f/$name.cpio" >>"$f/$name.img"
	rm "$f/$name.cpio" "$f/$name.list"
}
old_kernel old-linux-3.0 k6-built x86_64 amd64 "" "max 308"
old_kernel old-linux-3.0-i386 k6-i386-built i386 686 "" "max 346"
old_kernel old-no-net k6-built x86_64 amd64 "" "deny 41"
old_kernel old-no-net-i386 k6-i386-built i386 686 "" "deny 359 102"
old_kernel old-ide k6-built x86_64 amd64 "ata_piix sd_mod"
# The issue's own: no set for this kernel, the disk on its IDE driver (and
# ext4 built in, for the stand-in to mount it).
old_kernel old-ide-no-set k6-i386-on64-built i386 686 "ata_piix sd_mod ext4"
