#!/bin/bash
# The test suites, in tiers (tests/README.md says what each proves):
#   check.sh fast       make check-fast: what runs without QEMU
#   check.sh            make check: all of it
#   check.sh SUITE...   those suites alone (make first), e.g. check.sh setup;
#                       make check-vps is check.sh vps
# Every test prints a PASS or FAIL line; after each suite, "time: SUITE Ns";
# at the end every suite's time, then the count, "N passed, N failed".
# Exit status 1 if anything failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
results=build/check-results
times=build/check-times
mkdir -p build
: >"$results"
: >"$times"

fast_suites="unit asan fuzz tree format man preinit console bad-inputs setup kill valgrind"
full_suites="$fast_suites medium static boot rules timing vps"

say() { echo "$1" | tee -a "$results"; }
# A script's PASS and FAIL lines, counted; its other lines shown.
run() { "$@" 2>&1 | tee -a "$results"; }

# cmocka's lines to PASS/FAIL lines; a crash fails the test it was in.
# Its time goes to build/unit-seconds, for the order of the next run.
unit() { # BINARY [LABEL]
	local name current="" status start=$SECONDS
	name=${2:-}$(basename "$1")
	"$1" >"build/$name.log" 2>&1
	status=$?
	echo "$1 $((SECONDS - start))" >>build/unit-seconds
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

# Every test program in DIR, one per core at a time (each is one process),
# the longest of the last run first.
units() { # DIR [LABEL]
	local t
	for t in "$1"/test_*; do
		[ -x "$t" ] && [ "${t%.d}" = "$t" ] || continue
		echo "$(awk -v t="$t" '$1 == t { s = $2 } END { print s + 0 }' \
			build/unit-seconds 2>/dev/null) $t"
	done | sort -rn | cut -d' ' -f2 |
		xargs -P "$(nproc)" -I{} bash -c 'unit "$1" "$2"' _ {} "${2:-}"
	awk '{ s[$1] = $2 } END { for (t in s) print t, s[t] }' build/unit-seconds \
		>build/unit-seconds.new && mv build/unit-seconds.new build/unit-seconds
}
export -f unit say
export results

suite_unit() { units build/tests; }
suite_asan() { units build/asan/tests asan-; }

# Every fuzz seed and every kept finding, through the fuzz targets once.
suite_fuzz() {
	local t name inputs
	for t in build/fuzz/fuzz_*; do
		name=${t##*/fuzz_}
		inputs=$(ls tests/fuzz/corpus/"$name"/* tests/fuzz/regressions/"$name"/* 2>/dev/null)
		if "$t" $inputs >"build/fuzz-$name-regress.log" 2>&1; then
			say "PASS: fuzz inputs $name ($(echo "$inputs" | wc -l) files)"
		else
			say "FAIL: fuzz inputs $name (see build/fuzz-$name-regress.log)"
		fi
	done
}

# The tree's layers (tests/tree/run.sh); none of our symbols may shadow a
# library's (libarchive calls its own archive_release(), and an
# executable's would be called instead).
suite_tree() {
	local ours libs clash
	run tests/tree/run.sh
	ours=$(find build/obj/builder -name "*.o" -exec nm {} + | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort -u)
	libs=$(ldd build/minirt-virtio | awk '/=> \// { print $3 }' |
		xargs -n1 nm -D --defined-only 2>/dev/null | awk '{ print $3 }' | sort -u)
	clash=$(comm -12 <(echo "$ours") <(echo "$libs") | tr '\n' ' ')
	if [ -z "$clash" ]; then
		say "PASS: no symbol of the builder shadows a library's"
	else
		say "FAIL: the builder shadows library symbols: $clash"
	fi
}

# Every C file in the kernel style of .clang-format; every commit subject
# since the rule was made at most 72 characters, as git has them.
suite_format() {
	local bad long from
	# One clang-format for all; its complaints name the files.
	bad=$(git ls-files -z '*.[ch]' | xargs -0 clang-format --dry-run --Werror 2>&1 |
		sed -n 's/^\([^: ]*\):[0-9]*:[0-9]*: error:.*/ \1/p' | sort -u | tr -d '\n')
	if [ -z "$bad" ]; then
		say "PASS: every C file is clang-formatted"
	else
		say "FAIL: not clang-formatted (clang-format -i):$bad"
	fi
	# From the commit that made the rule (it added tests/README.md) on.
	from=$(git log --format=%H --diff-filter=A -- tests/README.md 2>/dev/null | tail -n1)
	if [ -z "$from" ]; then
		say "PASS: commit subjects (no history here to read)"
		return
	fi
	long=$(git log --format=%s "$from^..HEAD" | awk 'length > 72' | head -3)
	if [ -z "$long" ]; then
		say "PASS: commit subjects since ${from:0:7} are at most 72 characters"
	else
		say "FAIL: commit subjects over 72 characters: $(echo "$long" | tr '\n' '|')"
	fi
}

# The man page: mandoc's lint finds nothing at warning level or above, and
# make install puts it where man finds it.
suite_man() {
	local dest=build/install-test
	rm -rf "$dest"
	if ! mandoc -Tlint -Wwarning doc/minirt-virtio.1 >build/man-lint.log 2>&1; then
		say "FAIL: man page lint (see build/man-lint.log)"
	elif ! make -s install DESTDIR="$root/$dest" PREFIX=/usr >/dev/null ||
		! MANPATH=$dest/usr/share/man man -w minirt-virtio >/dev/null 2>&1; then
		say "FAIL: man page not installed where man finds it"
	else
		say "PASS: man page lints clean and installs"
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

# The pre-init run by hand (not PID 1) on this machine: it touches nothing
# and execs /init.orig only, never a fallback such as the host's /sbin/init.
suite_preinit() {
	local out status
	out=$(build/preinit-x86_64 --version 2>&1)
	status=$?
	if [ "$status" = 127 ] &&
		[ "$out" = "minirt-virtio: cannot exec /init.orig: No such file or directory" ]; then
		say "PASS: pre-init run by hand execs /init.orig or nothing"
	else
		say "FAIL: pre-init run by hand: exit $status, said: $out"
	fi
	size_bound build/preinit-x86_64 32768
	size_bound build/preinit-i386 32768
}

# The boot tests read the console whole: kernel messages that the UART
# printed inside the pre-init's summary (as once in CI) leave it one line;
# the boot stub's line before the kernel's first stays as it is.
suite_console() {
	local got want stub='Probing EDD... o\033c\033[2J[    0.000000] Linux'
	got=$({ printf "$stub\r\n"; printf '%s\r\n' '[    0.1] two' \
		'minirt-virtio: 6 modules, exec /init.orig[    2.294346] tsc: Refined' \
		'[    2.29] clocksource: Switched' '' 'KNOPPIX-INIT: started'; } |
		awk -f tests/boot/console.awk)
	want=$({ printf "$stub\n"; printf '%s\n' '[    0.1] two' \
		'[    2.294346] tsc: Refined' '[    2.29] clocksource: Switched' \
		'minirt-virtio: 6 modules, exec /init.orig' 'KNOPPIX-INIT: started'; })
	if [ "$got" = "$want" ]; then
		say "PASS: console lines split by kernel messages are joined"
	else
		say "FAIL: console lines split by kernel messages: got $(echo "$got" | tr '\n' '|')"
	fi
}

suite_bad-inputs() { run tests/bad-inputs/run.sh; }
suite_setup() { run tests/setup/run.sh; }
suite_kill() { run tests/kill/run.sh; }

# A whole build under valgrind: no invalid access, no definite leak.
suite_valgrind() {
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

# The medium's budget: both kernels' modules found and read out of a
# DVD-sized image in at most 2 s, unpacking at most 2% of its blocks (the
# report says how long and how many); the same build under valgrind: the
# cloop and ISO readers, libarchive.
suite_medium() {
	local report=build/medium-budget.report ms blocks
	if ! build/minirt-virtio build --force --driver ext4 \
		--medium build/fixtures/medium/knoppix.iso \
		-o build/medium-budget.gz >"$report" 2>&1; then
		say "FAIL: medium budget (build failed; see $report)"
	else
		ms=$(sed -n 's/^modules for 2 kernels found and read in \([0-9]*\) ms$/\1/p' "$report")
		blocks=$(sed -n 's/^read \([0-9]*\) of \([0-9]*\) blocks.*/\1 \2/p' "$report")
		set -- $blocks
		if [ -n "$ms" ] && [ $# = 2 ] && [ "$ms" -le 2000 ] &&
			[ $(($1 * 50)) -le "$2" ]; then
			say "PASS: medium budget (2 kernels' modules in ${ms} ms, read $1 of $2 blocks)"
		else
			say "FAIL: medium budget (${ms:-?} ms, read ${1:-?} of ${2:-?} blocks; see $report)"
		fi
	fi
	if valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite build/minirt-virtio build \
		--force --medium build/fixtures/medium/knoppix.iso \
		-o build/valgrind-medium.gz >build/valgrind-medium.log 2>&1; then
		say "PASS: valgrind medium build"
	else
		say "FAIL: valgrind medium build (see build/valgrind-medium.log)"
	fi
}

suite_static() { run tests/static/run.sh; }
suite_boot() { run tests/boot/run.sh; }
suite_rules() { run tests/boot/rules.sh; }
suite_timing() { run tests/boot/timing.sh; }
suite_vps() { run tests/vps/cases.sh; }

# What the suites read: the kernels, and the fixtures they boot or build
# from (none, fast's, or the QEMU suites' too: fixtures.sh full).
prepare() { # none|fast|full
	local start=$SECONDS
	scripts/fetch-kernels.sh || say "FAIL: fetch-kernels could not fetch Debian's kernels"
	[ "$1" = none ] || tests/boot/fixtures.sh "$1" ||
		say "FAIL: $1 fixtures could not be made (tests/boot/fixtures.sh $1)"
	export FIXTURES_READY=$1
	echo "fixtures $((SECONDS - start))" >>"$times"
	echo "time: fixtures $((SECONDS - start))s"
}

suite() { # NAME
	local start=$SECONDS
	"suite_$1"
	echo "$1 $((SECONDS - start))" >>"$times"
	echo "time: $1 $((SECONDS - start))s"
}

count() {
	local passed failed
	passed=$(grep -c '^PASS' "$results")
	failed=$(grep -c '^FAIL' "$results")
	echo
	echo "times (s): $(awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }' "$times")"
	grep '^FAIL' "$results"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# Which fixtures the suites named need: none (the kernels only), fast's or
# all.
fixtures_for() { # SUITE...
	local s tier=none
	for s in "$@"; do
		case $s in
		static | boot | rules | timing) tier=full ;;
		unit | asan | bad-inputs | setup | kill | valgrind | medium)
			[ "$tier" = full ] || tier=fast ;;
		esac
	done
	echo "$tier"
}

case ${1:-full} in
fast) suites=$fast_suites ;;
full) suites=$full_suites ;;
*)
	suites="$*"
	for s in $suites; do
		[[ " $full_suites " == *" $s "* ]] ||
			{ echo "check.sh: no suite $s (they are: $full_suites)" >&2; exit 2; }
	done
	;;
esac
# shellcheck disable=SC2086 # suites: words
prepare "$(fixtures_for $suites)"
for s in $suites; do suite "$s"; done
count
