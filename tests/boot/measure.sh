# Boot times from a boot's console log, measured inside the guest; sourced
# by tests/boot/timing.sh and scripts/bench.sh.

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The pre-init's total from its summary: modules, wait and own time.
preinit_ms() { # LOG
	sed -n 's/^minirt-virtio: .* modules in \([0-9.]*\) ms, .* \([0-9.]*\) ms, own \([0-9.]*\) ms, exec .*/\1 \2 \3/p' "$1" |
		awk '{ printf "%d\n", $1 + $2 + $3 }'
}

# The pre-init's waiting: the wait for the controllers and its own time.
waiting_ms() { # LOG
	sed -n 's/^minirt-virtio: .* modules in \([0-9.]*\) ms, .* \([0-9.]*\) ms, own \([0-9.]*\) ms, exec .*/\2 \3/p' "$1" |
		awk '{ printf "%d\n", $1 + $2 }'
}

# From the kernel handing over to /init to the stand-in's "found" line.
to_found_ms() { # LOG
	awk '/Run \/init as init process/ { s = $0; sub(/^\[ */, "", s)
		sub(/\].*/, "", s); start = s }
	/^KNOPPIX-INIT: uptime / && start != "" { printf "%d\n", ($3 - start) * 1000 }' "$1"
}
