#!/bin/bash
# The bad-input catalogue: hostile initramfs images and module directories.
# Each must make `minirt-virtio build` exit 1 with one line on stderr that
# names the problem, and leave no output file (nor a temporary one) behind.
# Then boot-entry's: bad directories and mount tables exit 1, bad arguments
# exit 2, with nothing on stdout.
# Prints "PASS: bad-input NAME" or "FAIL: ..." per case.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mv=$root/build/minirt-virtio
gen=$root/build/gen-cpio
work=$root/build/bad-inputs
rm -rf "$work"
mkdir -p "$work"
mods=$root/cache/kernels/amd64/nodep/lib/modules/$(cat "$root/cache/kernels/amd64/kver")
mods686=$root/cache/kernels/686/nodep/lib/modules/$(cat "$root/cache/kernels/686/kver")

# A good little minirt's cpio: the base every hostile case bends.
good_list() {
	echo "dir /bin 755 0 0"
	echo "file /bin/busybox /bin/busybox 755 0 0"
	echo "file /init $root/tests/fixtures/knoppix6-init 755 0 0"
}
good_list | "$gen" >"$work/good.cpio"
gzip -9 -n -c "$work/good.cpio" >"$work/good.gz"

# patch FILE OFFSET TEXT: overwrite bytes in place
patch() { printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

# First header: filesize at 54, namesize at 94 (bin: dir, no data).
header_case() { # NAME OFFSET HEXFIELD
	cp "$work/good.cpio" "$work/$1.cpio"
	patch "$work/$1.cpio" "$2" "$3"
	gzip -n -c "$work/$1.cpio" >"$work/$1"
}

list_case() { # NAME < gen-cpio list
	"$gen" >"$work/$1.cpio" && gzip -n -c "$work/$1.cpio" >"$work/$1"
}

fake_module() { # DIR NAME MODINFO(;-separated) [CC]
	(cd "$1" && echo "int $2_x;" >"$2.c" && ${4:-cc} -c "$2.c" -o "$2.o" &&
		printf '%s\0' "$3" | tr ';' '\0' >"$2.info" &&
		objcopy --add-section .modinfo="$2.info" "$2.o" "$2.ko" &&
		rm "$2.c" "$2.o" "$2.info")
}

init_links() { # NAME "LINK TARGET"...
	local name=$1
	shift
	{
		good_list | grep -v '^file /init '
		echo "dir /sbin 755 0 0"
		for link in "$@"; do echo "slink $link 777 0 0"; done
	} | list_case "$name"
}

make_cases() {
	: >"$work/empty"
	head -c 2000 "$work/good.gz" >"$work/truncated-gzip"
	head -c 5000 /dev/urandom | gzip -n -c >"$work/gzip-of-garbage"
	header_case namesize-zero 94 00000000
	header_case namesize-huge 94 7FFFFFFF
	header_case name-without-nul 94 00000003
	cp "$work/good.cpio" "$work/filesize-past-end.cpio"
	patch "$work/filesize-past-end.cpio" 54 00FFFFFF
	cp "$work/filesize-past-end.cpio" "$work/filesize-past-end"
	header_case size-4gib 54 FFFFFFFF
	header_case bad-hex 6 0000000Z
	printf '%s\n' "dir /etc 755 0 0" "file ../etc/passwd /etc/hostname 644 0 0" |
		list_case dotdot-name
	# gen-cpio drops a leading '/', so make the absolute name by hand
	sed 's|^file /init |file Xinit |' <(good_list) | "$gen" |
		sed 's|Xinit|/init|' | gzip -n >"$work/absolute-name"
	printf '%s\n' "dir /bin 755 0 0" "file /bin/busybox /bin/busybox 755 0 0" \
		"dir /init 755 0 0" | list_case init-directory
	printf '%s\n' "dir /bin 755 0 0" "file /bin/busybox /bin/busybox 755 0 0" |
		list_case no-init
	{
		echo "dir /bin 755 0 0"
		echo "file /bin/busybox /bin/busybox 755 0 0"
		for i in $(seq 1 20000); do echo "file /l$i /etc/hostname 644 0 0"; done
	} | list_case hardlink-storm
	(cd "$work" && mkdir -p t/bin && cp /bin/busybox t/bin/ &&
		cp "$root/tests/fixtures/knoppix6-init" t/init &&
		(cd t && find . | cpio -o -H odc --quiet) | gzip -n >odc-cpio &&
		(cd t && find . | cpio -o -H bin --quiet) >binary-cpio)
	truncate -s 4M "$work/ext2-initrd" && mkfs.ext2 -q -F "$work/ext2-initrd" >/dev/null
	gzip -n -c "$work/ext2-initrd" >"$work/ext2-initrd-gz"
	cp "$work/good.gz" "$work/trailing-garbage" && echo "garbage!" >>"$work/trailing-garbage"
	printf '\x89LZO\0\r\n\x1a\n' >"$work/lzo" && head -c 100 /dev/zero >>"$work/lzo"
	# Where the modules go, something that is no directory.
	(good_list; echo "file /lib /etc/hostname 644 0 0") | list_case lib-is-file
	(good_list; echo "slink /lib usr/lib 777 0 0") | list_case lib-leads-nowhere
	(good_list; printf '%s\n' "dir /lib 755 0 0" "dir /lib/modules 755 0 0" \
		"file /lib/modules/minirt-virtio /etc/hostname 644 0 0") |
		list_case our-dir-is-file
	# /init a symbolic link back to itself: /init.orig would run us again.
	init_links init-links-to-itself "/init init"
	init_links init-links-to-itself-absolute "/init /init"
	init_links init-links-to-itself-dotdot "/init ./sbin/../init"
	init_links init-links-back "/init a" "/a init"
	init_links init-link-loop "/init a" "/a b" "/b a"
	lz4 -l -q -c "$work/good.cpio" >"$work/lz4-legacy"
	mkdir -p "$work/a-directory"
	mkdir -p "$work/mods-not-elf" "$work/mods-cycle" "$work/mods-five"
	echo "not a module" >"$work/mods-not-elf/virtio_pci.ko"
	fake_module "$work/mods-cycle" virtio_pci "name=virtio_pci;depends=virtio;vermagic=1.2.3 SMP"
	fake_module "$work/mods-cycle" virtio "name=virtio;depends=virtio_pci;vermagic=1.2.3 SMP"
	mkdir -p "$work/mods-bad-vermagic"
	fake_module "$work/mods-bad-vermagic" virtio_pci "name=virtio_pci;depends=;vermagic=../../../sbin SMP"
	fake_module "$work/mods-bad-vermagic" virtio_blk "name=virtio_blk;depends=;vermagic=../../../sbin SMP"
	for m in virtio virtio_ring virtio_balloon virtio_pci virtio_blk; do
		cp "$(find "$mods" -name "$m.ko")" "$work/mods-five/"
	done
}

# A stand-in KNOPPIX medium, small: the boot fixtures' kernels and minirt,
# and a cloop image of a module tree's index only (enough to fail on).
medium=$root/build/fixtures/medium/flat
small_cloop() { # FLAVOUR OUT [mkcloop4 options: V4.0]
	local flavour=$1 out=$2 kver tree=$work/iso-$1
	shift 2
	kver=$(cat "$root/cache/kernels/$flavour/kver")
	mkdir -p "$tree/lib/modules/$kver"
	cp "$root/cache/kernels/$flavour/dep/lib/modules/$kver"/modules.* \
		"$tree/lib/modules/$kver/"
	genisoimage -quiet -R -o "$work/$flavour.iso" "$tree"
	if [ $# = 0 ]; then
		create_compressed_fs -q -B 65536 "$work/$flavour.iso" "$out" >/dev/null 2>&1
	else
		"$root/build/mkcloop4" "$@" "$work/$flavour.iso" "$out"
	fi
}
bad_medium() { # NAME: a flat medium to break, its KNOPPIX from the amd64 tree
	mkdir -p "$work/$1"
	cp "$medium/linux64" "$medium/minirt.gz" "$work/$1/"
	cp "$work/amd64.cloop" "$work/$1/KNOPPIX"
}
poke() { # FILE OFFSET OCTAL-ESCAPED-BYTES
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
make_media() {
	small_cloop amd64 "$work/amd64.cloop"
	local blocks
	blocks=$(od -An -tu4 --endian=big -j132 -N4 "$work/amd64.cloop")
	bad_medium cloop-truncated
	truncate -s 300 "$work/cloop-truncated/KNOPPIX"
	bad_medium cloop-offsets-out-of-order
	poke "$work/cloop-offsets-out-of-order/KNOPPIX" 148 '\000\000\000\001'
	bad_medium cloop-offset-past-end
	poke "$work/cloop-offset-past-end/KNOPPIX" $((136 + 8 * blocks)) '\000\000\000\177'
	bad_medium cloop-block-wrong-size
	poke "$work/cloop-block-wrong-size/KNOPPIX" 128 '\000\002\000\000'
	bad_medium cloop-unknown-compression
	small_cloop amd64 "$work/cloop-unknown-compression/KNOPPIX" --header-first
	poke "$work/cloop-unknown-compression/KNOPPIX" 136 '\160'
	mkdir -p "$work/iso-tree/boot/isolinux"
	cp "$medium/linux64" "$medium/minirt.gz" "$work/iso-tree/boot/isolinux/"
	genisoimage -quiet -R -J -o "$work/iso-without-knoppix.iso" "$work/iso-tree"
	mkdir -p "$work/small-medium/boot/isolinux" "$work/small-medium/KNOPPIX"
	cp "$medium/linux64" "$medium/minirt.gz" "$work/small-medium/boot/isolinux/"
	cp "$work/amd64.cloop" "$work/small-medium/KNOPPIX/KNOPPIX"
	genisoimage -quiet -R -J -o "$work/small-medium.iso" "$work/small-medium"
	bad_medium kernel-without-modules
	small_cloop 686 "$work/kernel-without-modules/KNOPPIX"
	bad_medium kernel-without-release
	poke "$work/kernel-without-release/linux64" $((0x20e)) '\000\000'
	# The 686 kernel cut short: its header and release whole, its code not;
	# the rest of the medium good (it builds with the whole kernel).
	head -c 100000 "$root/cache/kernels/686/vmlinuz" >"$work/linux-cut"
	mkdir -p "$work/kernel-truncated"
	ln "$medium/KNOPPIX" "$medium/linux64" "$medium/minirt.gz" "$work/kernel-truncated/"
	cp "$work/linux-cut" "$work/kernel-truncated/linux"
	head -c $(($(stat -c %s "$work/small-medium.iso") - 600000)) \
		"$work/small-medium.iso" >"$work/truncated.iso"
	# The amd64 tree's modules a build takes (every one at the top of its
	# directory), virtio_ring.ko no module: in an ISO given with -m, and
	# as a medium's cloop image. Messages name the image and the path in it.
	local kver src tree=$work/broken-tree
	kver=$(cat "$root/cache/kernels/amd64/kver")
	src=$root/cache/kernels/amd64/dep/lib/modules/$kver
	mkdir -p "$tree/lib/modules/$kver"
	cp "$src"/modules.* "$tree/lib/modules/$kver/"
	for d in crypto lib block arch/x86/crypto drivers/virtio drivers/block \
		drivers/scsi drivers/nvme/host drivers/cdrom; do
		mkdir -p "$tree/lib/modules/$kver/kernel/$d"
		find "$src/kernel/$d" -maxdepth 1 -name '*.ko' \
			-exec cp -t "$tree/lib/modules/$kver/kernel/$d/" {} +
	done
	echo "not a module" >"$tree/lib/modules/$kver/kernel/drivers/virtio/virtio_ring.ko"
	genisoimage -quiet -R -o "$work/module-broken.iso" "$tree"
	mkdir -p "$work/module-broken-cloop"
	cp "$medium/linux64" "$medium/minirt.gz" "$work/module-broken-cloop/"
	create_compressed_fs -q -L 1 -B 65536 "$work/module-broken.iso" \
		"$work/module-broken-cloop/KNOPPIX" >/dev/null 2>&1
	# An ISO whose KNOPPIX image is damaged, given with -m.
	mkdir -p "$work/bad-image-iso/KNOPPIX"
	cp "$work/cloop-offsets-out-of-order/KNOPPIX" "$work/bad-image-iso/KNOPPIX/"
	genisoimage -quiet -R -o "$work/bad-image.iso" "$work/bad-image-iso"
	# A Rock Ridge name ".." where a release goes: lib/modules/../modules.*
	# would land beside the build's temporary directory, not in it.
	mkdir -p "$work/dotdot/lib/modules/QZ"
	cp "$work/iso-amd64/lib/modules/"*/modules.* "$work/dotdot/lib/modules/QZ/"
	genisoimage -quiet -R -o "$work/dotdot.iso" "$work/dotdot"
	local at
	at=$(grep -obUaP 'NM\x07\x01\x00QZ' "$work/dotdot.iso" | head -n1 | cut -d: -f1)
	poke "$work/dotdot.iso" $((at + 5)) '..'
}

# verdict NAME STATUS WANT_STATUS STDERR EXPECT [LEFT]: one PASS or FAIL line;
# LEFT is a file that must not exist. Exit 2 prints the usage after the line.
verdict() {
	local name=$1 status=$2 want=$3 err=$4 expect=$5 left=${6:-} lines
	lines=$(grep -vc '^minirt-virtio: warning:' "$err")
	[ "$want" = 2 ] && lines=$(grep -c '^minirt-virtio: ' "$err")
	if [ "$status" != "$want" ]; then
		echo "FAIL: bad-input $name (exit $status, not $want)"
	elif [ "$lines" != 1 ]; then
		echo "FAIL: bad-input $name ($lines lines on stderr, not 1)"
	elif ! grep -qF -- "$expect" "$err"; then
		echo "FAIL: bad-input $name (\"$(head -n 1 "$err")\" lacks \"$expect\")"
	elif [ -e "$left" ] || ls -A "$work" | grep -q '^\.'; then
		echo "FAIL: bad-input $name (an output file was left)"
	elif [ -n "$(ls -A "$work/tmp" 2>/dev/null)" ]; then
		echo "FAIL: bad-input $name (temporary files were left in TMPDIR)"
	else
		echo "PASS: bad-input $name"
	fi
}

# check NAME INPUT MODULES EXPECT [more build options]; MODULES --medium:
# INPUT is a medium. Also fails on anything left in the build's TMPDIR.
check() {
	local name=$1 in=$2 m=$3 expect=$4
	shift 4
	local out=$work/out-$name.gz
	if [ "$m" = --medium ]; then
		set -- --medium "$in" "$@"
	else
		set -- -m "$m" "$in" "$@"
	fi
	rm -rf "$work/tmp" && mkdir "$work/tmp"
	(ulimit -v 4000000; ulimit -f "${FILE_LIMIT:-unlimited}"; trap '' XFSZ
		TMPDIR=$work/tmp "$mv" build -o "$out" "$@" >/dev/null \
		2>"$work/$name.err")
	verdict "$name" $? 1 "$work/$name.err" "$expect" "$out"
}

# In place (-o INPUT): refused, and INPUT and INPUT.orig as they were.
check_in_place() { # NAME EXPECT (INPUT.orig made by the caller)
	local name=$1 expect=$2 in=$work/in-place-$1.gz err=$work/$1.err status
	local orig_before
	orig_before=$(ls -ld --time-style=+%s "$in.orig"; cat "$in.orig" 2>/dev/null | md5sum)
	(ulimit -v 4000000; "$mv" build -m "$mods" "$in" -o "$in" >/dev/null 2>"$err")
	status=$?
	if [ "$status" != 1 ]; then
		echo "FAIL: bad-input $name (exit $status, not 1)"
	elif [ "$(wc -l <"$err")" != 1 ] || ! grep -qF -- "$expect" "$err"; then
		echo "FAIL: bad-input $name (\"$(cat "$err")\" lacks \"$expect\")"
	elif ! cmp -s "$in" "$work/good.gz" ||
		[ "$(ls -ld --time-style=+%s "$in.orig"; cat "$in.orig" 2>/dev/null | md5sum)" != "$orig_before" ]; then
		echo "FAIL: bad-input $name (INPUT or INPUT.orig changed)"
	elif ls -A "$work" | grep -q '^\.'; then
		echo "FAIL: bad-input $name (a temporary file was left)"
	else
		echo "PASS: bad-input $name"
	fi
}

# Usage mistakes: exit 2, the problem named first.
check_usage() { # NAME EXPECT ARGS...
	local name=$1 expect=$2 status
	shift 2
	"$mv" "$@" >/dev/null 2>"$work/$name.err"
	status=$?
	if [ "$status" != 2 ]; then
		echo "FAIL: usage $name (exit $status, not 2)"
	elif ! head -n1 "$work/$name.err" | grep -qF -- "$expect"; then
		echo "FAIL: usage $name (\"$(head -n1 "$work/$name.err")\" lacks \"$expect\")"
	else
		echo "PASS: usage $name"
	fi
}

make_cases
make_media
w=$work
check empty "$w/empty" "$mods" "empty file"
check truncated-gzip "$w/truncated-gzip" "$mods" "gzip data is truncated"
check gzip-of-garbage "$w/gzip-of-garbage" "$mods" "inside the gzip member: junk at offset 0"
check namesize-zero "$w/namesize-zero" "$mods" "name size 0 at offset 0 is out of range"
check namesize-huge "$w/namesize-huge" "$mods" "name size 2147483647"
check name-without-nul "$w/name-without-nul" "$mods" "not NUL-terminated"
check filesize-past-end "$w/filesize-past-end" "$mods" "claims 16777215 bytes past the end"
check size-4gib "$w/size-4gib" "$mods" "claims 4294967295 bytes past the end"
check bad-hex "$w/bad-hex" "$mods" "bad hex digit"
check dotdot-name "$w/dotdot-name" "$mods" "leaves the root"
check absolute-name "$w/absolute-name" "$mods" "absolute name \"/init\""
check init-directory "$w/init-directory" "$mods" "/init is a directory"
check no-init "$w/no-init" "$mods" "no /init in any segment"
check hardlink-storm "$w/hardlink-storm" "$mods" "no /init in any segment"
check odc-cpio "$w/odc-cpio" "$mods" "odc (portable ASCII) cpio"
check binary-cpio "$w/binary-cpio" "$mods" "binary cpio"
check ext2-initrd "$w/ext2-initrd" "$mods" "ext2 filesystem image (an initrd"
check ext2-initrd-gz "$w/ext2-initrd-gz" "$mods" "compressed ext2 filesystem image"
check trailing-garbage "$w/trailing-garbage" "$mods" "trailing garbage at offset"
check lzo "$w/lzo" "$mods" "lzo compression is not supported"
check module-not-elf "$w/good.gz" "$w/mods-not-elf" "is not a kernel module"
check module-cycle "$w/good.gz" "$w/mods-cycle" "dependency cycle: virtio_pci -> virtio -> virtio_pci"
check seed-five-files "$w/good.gz" "$w/mods-five" "virtio_pci needs virtio_pci_modern_dev and virtio_pci_legacy_dev"
check module-other-machine "$w/good.gz" "$mods686" "is a module for i386, but this minirt is for x86_64"
check vermagic-mismatch "$w/good.gz" "$mods" "but $root/cache/kernels/686/vmlinuz is" \
	-k "$root/cache/kernels/686/vmlinuz"
check no-modules-dir "$w/good.gz" "$w/nonexistent" "not a directory of modules"
check output-dir-missing "$w/good.gz" "$mods" "cannot write in the directory" -o "$w/nonexistent/out.gz"
check output-under-file "$w/good.gz" "$mods" "cannot write in the directory" -o "$w/good.gz/out.gz"
check lzma-memory-bomb "$root/tests/fuzz/regressions/archive/oom-5d3b6dc57e3dfb110bd1dfc275d6cbd43b6aa554" \
	"$mods" "asks for more than 256 MiB to unpack"
# The KNOPPIX medium and its cloop images.
check cloop-truncated "$w/cloop-truncated" --medium "KNOPPIX: truncated: "
check cloop-offsets-out-of-order "$w/cloop-offsets-out-of-order" --medium \
	"KNOPPIX: cloop offsets out of order: block 1 starts at 1"
check cloop-offset-past-end "$w/cloop-offset-past-end" --medium \
	"is past the end of the data"
check cloop-block-wrong-size "$w/cloop-block-wrong-size" --medium \
	"unpacks to 65536 bytes, not the block size 131072"
check cloop-unknown-compression "$w/cloop-unknown-compression" --medium \
	"cloop block 0 has unknown compression 7"
check iso-without-knoppix "$w/iso-without-knoppix.iso" --medium \
	"iso-without-knoppix.iso: no KNOPPIX image (KNOPPIX/KNOPPIX) on it"
check kernel-without-modules "$w/kernel-without-modules" --medium \
	"no modules for kernel $(cat "$root/cache/kernels/amd64/kver") ($w/kernel-without-modules/linux64) in $w/kernel-without-modules/KNOPPIX"
check kernel-without-release "$w/kernel-without-release" --medium \
	"kernel-without-release/linux64: the bzImage has no version string"
check output-is-the-iso "$w/small-medium.iso" --medium \
	"is the ISO the minirt comes from" -o "$w/small-medium.iso" --force
check medium-truncated-iso "$w/truncated.iso" --medium "lies past the end of the ISO"
check medium-unknown-driver "$w/small-medium.iso" --medium \
	"nosuchdrv is neither in $w/small-medium.iso:/KNOPPIX/KNOPPIX: lib/modules/$(cat "$root/cache/kernels/amd64/kver") nor built" \
	--driver nosuchdrv
check image-iso-damaged "$w/good.gz" "$w/bad-image.iso" \
	"bad-image.iso:/KNOPPIX/KNOPPIX: cloop offsets out of order"
check release-dotdot "$w/good.gz" "$w/dotdot.iso" "no module tree in $w/dotdot.iso"
check vermagic-not-a-release "$w/good.gz" "$w/mods-bad-vermagic" \
	"its vermagic does not start with a kernel release"
check medium-not-a-medium "$w/empty" --medium "neither a directory nor an ISO9660 image"
check medium-no-minirt "$w/iso-tree/boot" --medium "no minirt.gz in it"
ring=lib/modules/$(cat "$root/cache/kernels/amd64/kver")/kernel/drivers/virtio/virtio_ring.ko
check module-broken-in-iso "$medium/minirt.gz" "$w/module-broken.iso" \
	"minirt-virtio: $w/module-broken.iso: $ring is not a kernel module"
check module-broken-in-cloop "$w/module-broken-cloop" --medium \
	"minirt-virtio: $w/module-broken-cloop/KNOPPIX: $ring is not a kernel module"
# What the 686 kernel's header says it holds: setup sectors (0: 4) after
# the boot sector, then syssize 16-byte paragraphs.
sects=$(od -An -tu1 -j$((0x1f1)) -N1 "$root/cache/kernels/686/vmlinuz")
syssize=$(od -An -tu4 -j$((0x1f4)) -N4 "$root/cache/kernels/686/vmlinuz")
cut="truncated: 100000 bytes, its header says at least $(((sects ? sects : 4) * 512 + 512 + syssize * 16))"
check kernel-truncated "$w/kernel-truncated" --medium "$w/kernel-truncated/linux: $cut"
check kernel-truncated-k "$medium/minirt.gz" "$mods686" "$w/linux-cut: $cut" -k "$w/linux-cut"

# boot-entry: a KNOPPIX directory on "vda1" (mountinfo.good says so), then
# one thing wrong at a time. Its stdout must stay empty.
entry_case() { # NAME WANT_STATUS EXPECT DIR [boot-entry arguments]
	local name=$1 want=$2 expect=$3 dir=$4
	shift 4
	(ulimit -v 4000000; "$mv" boot-entry "$dir" "$@" \
		>"$work/$name.out" 2>"$work/$name.err")
	local status=$?
	# An empty stdout counts as none.
	[ -s "$work/$name.out" ] || rm "$work/$name.out"
	verdict "entry-$name" "$status" "$want" "$work/$name.err" "$expect" \
		"$work/$name.out"
}
variant() { # NAME: a copy of the good directory to spoil
	cp -r "$w/k" "$w/$1" && echo "$w/$1/boot/KNOPPIX"
}
k=$w/k/boot/KNOPPIX
mkdir -p "$k"
"$mv" build -m "$mods" "$w/good.gz" -o "$k/minirt.gz" >/dev/null
cp "$root/cache/kernels/amd64/vmlinuz" "$k/linux64"
echo "stand-in" >"$k/KNOPPIX"
echo "1 0 254:1 / $w/k rw - ext4 /dev/vda1 rw" >"$w/mountinfo.good"
good=(--mount-table "$w/mountinfo.good")
if "$mv" boot-entry "${good[@]}" "$k" 2>&1 | grep -q '^menuentry '; then
	echo "PASS: bad-input entry-good-dir-works"
else
	echo "FAIL: bad-input entry-good-dir-works (no entry for the good directory)"
fi
entry_case no-dir 1 "$w/nonexistent: No such file or directory" \
	"$w/nonexistent" "${good[@]}"
d=$(variant k-orig) && cp "$w/good.gz" "$d/minirt.gz"
entry_case original-minirt 1 "minirt.gz: not built by minirt-virtio" "$d" "${good[@]}"
d=$(variant k-nokernel) && rm "$d/linux64"
entry_case no-kernel 1 "no kernel in it (linux64 or linux)" "$d" "${good[@]}"
d=$(variant k-garbage) && cp "$w/gzip-of-garbage" "$d/minirt.gz"
entry_case minirt-garbage 1 "minirt.gz: inside the gzip member: junk at offset 0" \
	"$d" "${good[@]}"
printf '1 0 254:1 / /x rw - ext4\n' >"$w/mountinfo.short"
entry_case table-short-line 1 \
	"mountinfo.short: line 1: neither a mountinfo nor a /proc/mounts line" \
	"$k" --mount-table "$w/mountinfo.short"
head -c 17000000 /dev/zero | tr '\0' ' ' >"$w/mountinfo.huge"
entry_case table-huge 1 "mountinfo.huge: more than 16777216 bytes" \
	"$k" --mount-table "$w/mountinfo.huge"
entry_case table-missing 1 "nonexistent: No such file or directory" \
	"$k" --mount-table "$w/nonexistent"
echo "1 0 253:0 / $w/k rw - ext4 /dev/mapper/vg-root rw" >"$w/mountinfo.lvm"
entry_case on-lvm 1 "which KNOPPIX's init cannot mount" \
	"$k" --mount-table "$w/mountinfo.lvm"
entry_case option-quote 2 "boot option lang='ja': GRUB would read its ''' specially" \
	"$k" "${good[@]}" -- "lang='ja'"
entry_case option-knoppix-dir 2 "works it out from where the files are" \
	"$k" "${good[@]}" -- knoppix_dir=x
entry_case two-dirs 2 "boot-entry takes one DIR" "$k" "$k"
entry_case unknown-option 2 "boot-entry takes --grub-legacy, --mount-table FILE" \
	"$k" --legacy

check lib-is-file "$w/lib-is-file" "$mods" "/lib is not a directory but a regular file"
check lib-leads-nowhere "$w/lib-leads-nowhere" "$mods" "/lib is not a directory but a symbolic link that leads nowhere"
check our-dir-is-file "$w/our-dir-is-file" "$mods" "/lib/modules/minirt-virtio is not a directory"
check init-links-to-itself "$w/init-links-to-itself" "$mods" "/init is a symbolic link to init, which leads back to /init"
check init-links-to-itself-absolute "$w/init-links-to-itself-absolute" "$mods" "/init is a symbolic link to /init, which leads back"
check init-links-to-itself-dotdot "$w/init-links-to-itself-dotdot" "$mods" "/init is a symbolic link to ./sbin/../init, which leads back"
check init-links-back "$w/init-links-back" "$mods" "/init is a symbolic link to a, which leads back to /init"
check init-link-loop "$w/init-link-loop" "$mods" "leads round in a loop"
check append-after-lz4 "$w/lz4-legacy" "$mods" "ends in an lz4 segment" --layout append
check output-is-directory "$w/good.gz" "$mods" "$w/a-directory is a directory" -o "$w/a-directory"
check output-name-too-long "$w/good.gz" "$mods" "file name is longer than the 255 bytes" \
	-o "$w/$(printf 'x%.0s' $(seq 300))"
FILE_LIMIT=200 check output-write-fails "$w/good.gz" "$mods" "cannot write $w/out-output-write-fails.gz: File too large"
cp "$w/good.gz" "$w/in-place-stale-orig.gz"
echo "an older release" >"$w/in-place-stale-orig.gz.orig"
check_in_place stale-orig "in-place-stale-orig.gz.orig exists and is not the original of"
cp "$w/good.gz" "$w/in-place-orig-directory.gz"
mkdir "$w/in-place-orig-directory.gz.orig"
check_in_place orig-directory "in-place-orig-directory.gz.orig exists and is not a regular file; move it aside"
check_usage empty-output "-o needs a file name" build -m "$mods" "$w/good.gz" -o ''
check_usage empty-driver "--driver needs a module name" build -m "$mods" --driver '' "$w/good.gz" -o "$w/x.gz"
check_usage empty-modules "-m needs a module source" build -m '' "$w/good.gz" -o "$w/z.gz"
check_usage empty-medium "--medium needs a path" build --medium '' -o "$w/z.gz"
check_usage empty-kernel "-k needs a kernel file" build -m "$mods" -k '' "$w/good.gz" -o "$w/z.gz"
check_usage empty-input "INPUT needs a file name" build -m "$mods" '' -o "$w/z.gz"
check_usage empty-list-input "INPUT needs a file name" list ''
