#!/bin/bash
# The QEMU boot tests: fixtures, then every case in tests/boot/cases and the
# GRUB cases (grub-cases.sh), two boots at a time; run.sh NAME... boots
# only those. Prints a PASS or FAIL line per case.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# (scripts/check.sh has made them already)
[ -n "${FIXTURES_READY:-}" ] || "$here/fixtures.sh"
grub=$("$here/grub-cases.sh") || echo "FAIL: boot grub cases (see above)"
# The cases named, or all.
only() {
	if [ $# = 0 ]; then
		cat
	else
		awk -F'|' -v names=" $* " 'index(names, " " $1 " ")'
	fi
}
{ grep -v '^#' "$here/cases"; echo "$grub"; } | grep -v '^$' | only "$@" |
	tr '\n' '\0' |
	xargs -0 -P "${BOOT_JOBS:-2}" -I{} bash -c \
		'IFS="|" read -r n k i d a e <<<"$1"; "$0" "$n" "$k" "$i" "$d" "$a" "$e"' \
		"$here/boot-one.sh" {}
