#!/bin/bash
# make check: unit tests, size bounds, the bad-input catalogue and the QEMU
# boot tests. Every test prints a PASS or FAIL line; the last line is the
# count, "N passed, N failed". Exit status 1 if anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=build/check-results
mkdir -p build
: >"$results"

say() { echo "$1" | tee -a "$results"; }

# cmocka's lines to PASS/FAIL lines; a crash fails the test it was in.
unit() { # BINARY [LABEL]
	local name current="" status
	name=${2:-}$(basename "$1")
	"$1" >"build/$name.log" 2>&1
	status=$?
	while IFS= read -r line; do
		case $line in
		"[ RUN      ] "*) current=${line#*] } ;;
		"[       OK ] "*) say "PASS: unit $name ${line#*] }"; current="" ;;
		"[  FAILED  ] $current")
			[ -n "$current" ] && say "FAIL: unit $name $current (see build/$name.log)"
			current="" ;;
		esac
	done <"build/$name.log"
	if [ -n "$current" ] || { [ "$status" != 0 ] && ! grep -q FAILED "build/$name.log"; }; then
		say "FAIL: unit $name ${current:-?} (exit $status; see build/$name.log)"
	fi
}

size_bound() { # FILE MAX
	local size
	size=$(stat -c %s "$1")
	if [ "$size" -le "$2" ]; then
		say "PASS: size $(basename "$1") $size bytes <= $2"
	else
		say "FAIL: size $(basename "$1") $size bytes > $2"
	fi
}

scripts/fetch-kernels.sh
tests/boot/fixtures.sh || say "FAIL: boot fixtures could not be made"

for t in build/tests/test_*; do unit "$t"; done
for t in build/asan/tests/test_*; do unit "$t" asan-; done

# A whole build under valgrind: no invalid access, no definite leak.
valgrind_build() {
	local mods
	mods=cache/kernels/amd64/dep/lib/modules/$(cat cache/kernels/amd64/kver)
	if valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite build/minirt-virtio build \
		--force -m "$mods" build/fixtures/k6-early.gz \
		-o build/valgrind-out.gz >build/valgrind.log 2>&1; then
		say "PASS: valgrind build"
	else
		say "FAIL: valgrind build (see build/valgrind.log)"
	fi
}
valgrind_build

# Every fuzz seed and every kept finding, through the fuzz targets once.
for t in build/fuzz/fuzz_*; do
	name=${t##*/fuzz_}
	inputs=$(ls tests/fuzz/corpus/"$name"/* tests/fuzz/regressions/"$name"/* 2>/dev/null)
	if "$t" $inputs >"build/fuzz-$name-regress.log" 2>&1; then
		say "PASS: fuzz inputs $name ($(echo "$inputs" | wc -l) files)"
	else
		say "FAIL: fuzz inputs $name (see build/fuzz-$name-regress.log)"
	fi
done
size_bound build/preinit-x86_64 32768
size_bound build/preinit-i386 32768
tests/bad-inputs/run.sh | tee -a "$results"
tests/boot/run.sh | tee -a "$results"
tests/boot/timing.sh | tee -a "$results"

passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
echo
grep '^FAIL' "$results"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
