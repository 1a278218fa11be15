#!/bin/bash
# Install the Debian 12 packages that building and testing need.
# Quick when they are all there already; never fails on a passing index error.
# (GRUB legacy for the boot tests is unpacked, not installed: make-grub-disk.sh.)
set -euo pipefail

packages=(build-essential pkg-config musl-tools musl-dev:i386 gcc-i686-linux-gnu
	libkmod-dev zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev
	liblzo2-dev libarchive-dev libiso9660-dev cloop-utils genisoimage libssl-dev
	libdeflate-dev
	libcmocka-dev qemu-system-x86 busybox-static e2fsprogs fdisk cpio kmod
	xz-utils zstd lz4 bzip2 gzip initramfs-tools-core clang libclang-rt-14-dev
	valgrind bc grub-pc-bin grub-common seabios libc6-i386 mandoc man-db clang-format
	mmdebstrap qemu-utils)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (or install: ${missing[*]})" >&2
	exit 1
fi
dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
apt-get update -q || echo "deps: apt-get update reported an error; going on"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"${missing[@]}"
