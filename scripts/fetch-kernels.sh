#!/bin/bash
# Debian's own kernels: their virtio drivers are modules, the situation
# KNOPPIX is in. Each made once per package version in the cache
# (scripts/cache.sh) and linked as cache/kernels/<flavour> (git-ignored):
#   cache/kernels/<flavour>/vmlinuz
#   cache/kernels/<flavour>/nodep/lib/modules/<kver>   as packaged, no modules.dep
#   cache/kernels/<flavour>/dep/lib/modules/<kver>     the same after depmod -b
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cache.sh

# Into DIR: the kernel package's vmlinuz, config and modules, twice.
unpack_kernel() { # PACKAGE DIR
	local dir=$2 kver
	cache_unpack_deb "$1" "$dir/nodep"
	kver=$(ls "$dir/nodep/lib/modules")
	mv "$dir/nodep/boot/vmlinuz-$kver" "$dir/vmlinuz"
	mv "$dir/nodep/boot/config-$kver" "$dir/config"
	rm -rf "$dir/nodep/boot" "$dir/nodep/usr"
	mkdir -p "$dir/dep/lib/modules"
	cp -al "$dir/nodep/lib/modules/$kver" "$dir/dep/lib/modules/$kver"
	depmod -b "$dir/dep" "$kver"
	echo "$kver" >"$dir/kver"
	# The tests' "is it there" (earlier clones made cache/kernels/*/done).
	touch "$dir/done"
}

fetch() { # FLAVOUR META-PACKAGE
	local pkg version dir
	pkg=$(apt-cache depends "$2" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		echo "fetch-kernels: no kernel package behind $2" >&2
		exit 1
	fi
	version=$(cache_candidate "$pkg")
	dir=$(cache_entry kernels "${pkg}_$version" unpack_kernel "$pkg=$version")
	cache_link "kernels/$1" "$dir" || echo "fetch-kernels: $1 $(cat "$dir/kver")"
}

# Asking apt takes seconds: not again while its lists are as they were.
lists=$(stat -c '%n %Y' /var/lib/apt/lists/*Packages* 2>/dev/null | md5sum)
[ -e cache/kernels/amd64/done ] && [ -e cache/kernels/686/done ] &&
	[ "$(cat cache/kernels/.lists 2>/dev/null)" = "$lists" ] && exit 0
fetch amd64 linux-image-amd64
fetch 686 linux-image-686:i386
echo "$lists" >cache/kernels/.lists
