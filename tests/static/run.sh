#!/bin/bash
# The static binaries (make static): each one static executable of at most
# 8 MiB, writing the very bytes the dynamic build writes for the same
# inputs, and working on Linux 2.6.32: QEMU boots Debian's amd64 kernel
# with the x86_64 binary and its 686 kernel with the i386 one, from an
# initramfs holding nothing but the binary, tests/tools/oldkernel.c as
# PID 1 and the inputs; every system call numbered above 2.6.32's last
# (x86_64: 298, i386: 336) answers ENOSYS there, and build --medium, list
# and boot-entry --mount-table must still succeed, their output equal to
# the host's. Prints a PASS or FAIL line per check.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
w=build/static-tests
f=build/fixtures
rm -rf "$w"
mkdir -p "$w"
export SOURCE_DATE_EPOCH=1700000000
mods() { echo "cache/kernels/$1/nodep/lib/modules/$(cat "cache/kernels/$1/kver")"; }

pass() { echo "PASS: static $1"; }
fail() { echo "FAIL: static $1 ($2)"; }

# One static executable: no interpreter, no dynamic section, small.
for arch in x86_64 i386; do
	bin=build/minirt-virtio-$arch size=$(stat -c %s "build/minirt-virtio-$arch" 2>/dev/null)
	if [ -z "$size" ]; then
		fail "$arch binary" "no $bin (make static)"
	elif readelf -lW "$bin" | grep -q INTERP ||
		! readelf -d "$bin" 2>&1 | grep -q 'no dynamic section'; then
		fail "$arch binary" "not static: $(file -b "$bin")"
	elif [ "$size" -gt $((8 << 20)) ]; then
		fail "$arch binary" "$size bytes, more than 8 MiB"
	else
		pass "$arch binary is one static executable of $size bytes"
	fi
done

# make dist: the tarball a user copies to the VPS.
dist=build/minirt-virtio-$(sed -n 's/^VERSION := //p' Makefile)
if make -s dist >"$w/dist.log" 2>&1 &&
	[ "$(tar -tzf "$dist.tar.gz" | sort | tr '\n' ' ')" = "${dist#build/}/ ${dist#build/}/README.md ${dist#build/}/minirt-virtio-i386 ${dist#build/}/minirt-virtio-x86_64 ${dist#build/}/minirt-virtio.1 " ] &&
	tar -xzOf "$dist.tar.gz" "${dist#build/}/README.md" | grep -q '^## Using it on a real KNOPPIX'; then
	pass "make dist: $(stat -c %s "$dist.tar.gz") bytes, both binaries, the man page, the README's part"
else
	fail "make dist" "$(tail -1 "$w/dist.log"; tar -tzf "$dist.tar.gz" 2>&1 | tr '\n' ' ')"
fi

# The same inputs, the same bytes: the fixtures' minirts and the media.
same_output() { # NAME ARGS...
	local name=$1 b out ref=$w/$1.dynamic
	shift
	build/minirt-virtio build --force "$@" -o "$ref" >/dev/null 2>&1 ||
		{ fail "$name output" "the dynamic build failed"; return; }
	for b in build/minirt-virtio-x86_64 build/minirt-virtio-i386; do
		out=$w/$name.${b##*-}
		# (run-i386: natively, or emulated where the kernel runs no 32-bit code)
		if ! scripts/run-i386 "$b" build --force "$@" -o "$out" >"$out.report" 2>&1; then
			fail "$name output" "${b##*/} failed: $(tail -1 "$out.report")"
		elif ! cmp -s "$ref" "$out"; then
			fail "$name output" "${b##*/} wrote other bytes than the dynamic build"
		else
			pass "$name output of ${b##*/} equals the dynamic build's"
		fi
	done
}
for fx in k6 k6-xz k6-zstd k6-early k6-hardlink; do
	same_output "$fx" -m "$(mods amd64)" "$f/$fx.gz"
done
same_output k6-append -m "$(mods amd64)" --layout append "$f/k6.gz"
same_output k6-i386 -m "$(mods 686)" "$f/k6-i386.gz"
same_output medium-iso --driver ext4 --medium "$f/medium/knoppix.iso"
same_output medium-flat --driver ext4 --medium "$f/medium/flat"

# The old-kernel boot of one binary: its initramfs, its console.
tests/vps/medium.sh || fail "old kernel" "no small medium (tests/vps/medium.sh)"
old_kernel_case() { # ARCH FLAVOUR MAX KERNEL_FILE
	local arch=$1 flavour=$2 max=$3 kernel=$4 d=$w/old-$1 medium=$f/vps-medium
	mkdir -p "$d/flat"
	# What the host makes of the same inputs.
	build/minirt-virtio build --force --driver ext4 --medium "$medium/knoppix.iso" \
		-o "$d/expected.gz" >/dev/null &&
		build/minirt-virtio list "$d/expected.gz" >"$d/expected.list" &&
		build/minirt-virtio build --force --driver ext4 --medium "$medium/flat" \
			-o "$d/flat/minirt.gz" >/dev/null || { fail "$arch old kernel" "host build failed"; return; }
	cp "$medium/flat/$kernel" "$d/flat/$kernel"
	echo "the stand-in KNOPPIX image" >"$d/flat/KNOPPIX"
	# /flat a partition of its own, there and here alike.
	echo "1 0 254:1 / /flat rw - ext4 /dev/vda1 rw" >"$d/mountinfo"
	echo "1 0 254:1 / $root/$d/flat rw - ext4 /dev/vda1 rw" >"$d/mountinfo.host"
	build/minirt-virtio boot-entry --mount-table "$d/mountinfo.host" "$d/flat" \
		>"$d/expected.entry" 2>/dev/null
	sed -i "s|$root/$d/flat|/flat|" "$d/expected.entry"
	cat >"$d/oldkernel.conf" <<EOF
max $max
run /out.report /minirt-virtio build --driver ext4 --medium /medium.iso -o /out.gz
same /out.gz /expected.gz
run /out.list /minirt-virtio list /out.gz
same /out.list /expected.list
run /out.entry /minirt-virtio boot-entry --mount-table /mountinfo /flat
same /out.entry /expected.entry
EOF
	{
		for dir in dev proc tmp flat; do echo "dir /$dir 755 0 0"; done
		echo "nod /dev/console 600 0 0 c 5 1"
		echo "nod /dev/null 666 0 0 c 1 3"
		echo "file /init $root/build/static-$arch/oldkernel 755 0 0"
		echo "file /minirt-virtio $root/build/minirt-virtio-$arch 755 0 0"
		echo "file /oldkernel.conf $root/$d/oldkernel.conf 644 0 0"
		echo "file /medium.iso $root/$medium/knoppix.iso 644 0 0"
		for x in expected.gz expected.list expected.entry mountinfo; do
			echo "file /$x $root/$d/$x 644 0 0"
		done
		for x in minirt.gz "$kernel" KNOPPIX; do
			echo "file /flat/$x $root/$d/flat/$x 644 0 0"
		done
	} | build/gen-cpio >"$f/old-$arch.cpio"
	# The kernel puts SOURCE_DATE_EPOCH in PID 1's environment, for all.
	tests/boot/boot-one.sh "old-kernel-$arch" "$flavour" "old-$arch.cpio" "mem:768" \
		"SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH" \
		"OLDKERNEL: every system call above $max answers ENOSYS (38) && OLDKERNEL: build: exit 0 && OLDKERNEL: /out.gz and /expected.gz hold the same bytes && OLDKERNEL: list: exit 0 && OLDKERNEL: /out.list and /expected.list hold the same bytes && OLDKERNEL: boot-entry: exit 0 && OLDKERNEL: /out.entry and /expected.entry hold the same bytes && OLDKERNEL: done"
}
old_kernel_case x86_64 amd64 298 linux64 &
old_kernel_case i386 686 336 linux &
wait
