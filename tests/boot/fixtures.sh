#!/bin/bash
# Everything the boot tests boot, in build/fixtures/: KNOPPIX-like minirts
# (original and rebuilt by minirt-virtio) and disks.
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

minirt() { # NAME ARCH FLAVOUR INIT COMP [early]
	[ -e "$f/$1.gz" ] || scripts/make-minirt.sh "$f/$1.gz" "$2" "$(mods "$3" nodep)" \
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
	[ -e "$f/$1.img" ] || scripts/make-disk.sh "$f/$1.img" "$1"
}

for kind in mbr logical whole empty; do disk "$kind"; done
scripts/make-real-initrds.sh

minirt k6 amd64 amd64 knoppix6 gzip
minirt k7 amd64 amd64 knoppix7 gzip
minirt k6-xz amd64 amd64 knoppix6 xz
minirt k6-zstd amd64 amd64 knoppix6 zstd
minirt k6-early amd64 amd64 knoppix6 gzip early
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
ours=lib/modules/minirt-virtio
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
