#!/bin/bash
# fuzz.sh SECONDS TARGET...: run libFuzzer targets one after another, two
# jobs each, growing build/fuzz/corpus/TARGET from tests/fuzz/corpus/TARGET.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=$1
shift
status=0
for t in "$@"; do
	corpus=build/fuzz/corpus/$t findings=build/fuzz/findings/$t/
	mkdir -p "$corpus" "$findings"
	echo "fuzz: $t for ${seconds}s"
	build/fuzz/fuzz_$t -max_total_time="$seconds" -rss_limit_mb=2048 \
		-timeout=20 -jobs=2 -workers=2 -print_final_stats=1 \
		-artifact_prefix="$findings" \
		"$corpus" "tests/fuzz/corpus/$t" >"build/fuzz/$t.log" 2>&1
	if ls "$findings" | grep -q .; then
		echo "fuzz: $t found something: $(ls "$findings")"
		status=1
	fi
	grep -h 'stat::number_of_executed_units' fuzz-*.log 2>/dev/null |
		awk -v t="$t" '{ n += $2 } END { print "fuzz: " t ": " n " runs" }'
	mv fuzz-*.log "build/fuzz/" 2>/dev/null
done
exit $status
