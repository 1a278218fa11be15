#!/bin/bash
# fuzz.sh SECONDS TARGET...: run libFuzzer targets one after another, two
# jobs each, growing build/fuzz/corpus/TARGET from tests/fuzz/corpus/TARGET.
# A finding lands in build/fuzz/findings/TARGET/: fix it, then keep it in
# tests/fuzz/regressions/TARGET/ (make check runs those).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=$1
shift
status=0
for t in "$@"; do
	work=$root/build/fuzz/run-$t findings=$root/build/fuzz/findings/$t/
	corpus=$root/build/fuzz/corpus/$t
	rm -rf "$work" "$findings"
	mkdir -p "$work" "$findings" "$corpus"
	echo "fuzz: $t for ${seconds}s, 2 jobs"
	(cd "$work" && "$root/build/fuzz/fuzz_$t" -max_total_time="$seconds" \
		-rss_limit_mb=2048 -timeout=20 -jobs=2 -workers=2 \
		-print_final_stats=1 -artifact_prefix="$findings" \
		"$corpus" "$root/tests/fuzz/corpus/$t" >fuzz.log 2>&1)
	if ls "$findings" | grep -q .; then
		echo "fuzz: $t found: $(ls "$findings" | tr '\n' ' ')"
		status=1
	fi
	cat "$work"/fuzz-*.log | awk -v t="$t" '
		/stat::number_of_executed_units/ { n += $2 }
		/stat::peak_rss_mb/ { if ($2 > rss) rss = $2 }
		END { print "fuzz: " t ": " n " runs, peak " rss " MB" }'
done
exit $status
