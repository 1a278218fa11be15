#!/bin/bash
# The test VPS works: smoke.sh [LAYOUT...] (default: root boot)
# For each LAYOUT, the host kind's Debian 12 disk (scripts/make-vps.sh,
# provisioned by grub-install inside the guest) with a payload whose unit
# prints "VPS-TEST: booted RELEASE from its own GRUB" and its stage,
# reboots after the first boot and powers off after the second, booted by
# SeaBIOS through tests/vps/run.sh. Files: build/vps/smoke-LAYOUT.img and
# logs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/build/vps
payload=$dir/smoke-payload
timeout_s=${VPS_TIMEOUT:-900}

# The payload: a unit and its script, enabled by its own symlink.
make_payload() {
	local units=$payload/etc/systemd/system
	rm -rf "$payload"
	mkdir -p "$payload/usr/local/sbin" "$units/multi-user.target.wants"
	cat >"$payload/usr/local/sbin/vps-smoke" <<'EOF'
#!/bin/sh
# One line a boot, and the stage from a counter on the disk: a reboot
# after the first, off after the second.
set -eu
state=/var/lib/vps-smoke/stage
mkdir -p "${state%/*}"
n=$(($(cat "$state" 2>/dev/null || echo 0) + 1))
echo "$n" >"$state" && sync
# GRUB's linux command puts BOOT_IMAGE= first on the command line.
how="without GRUB"
grep -q BOOT_IMAGE= /proc/cmdline && how="from its own GRUB"
echo "VPS-TEST: booted $(uname -r) $how"
echo "VPS-TEST: stage $n, / on $(findmnt -no SOURCE /)"
if [ "$n" -lt 2 ]; then
	systemctl --no-block reboot
else
	systemctl --no-block poweroff
fi
EOF
	chmod 755 "$payload/usr/local/sbin/vps-smoke"
	cat >"$units/vps-smoke.service" <<'EOF'
[Unit]
Description=Test VPS smoke case: a line a boot, one reboot, power off
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vps-smoke
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF
	ln -s ../vps-smoke.service "$units/multi-user.target.wants/"
}

mkdir -p "$dir"
make_payload
layouts=("$@")
[ $# -gt 0 ] || layouts=(root boot)
failed=0
for layout in "${layouts[@]}"; do
	img=$dir/smoke-$layout.img
	"$root/scripts/make-vps.sh" case "$img" "$layout" "$payload"
	[ "$layout" = root ] && dev=/dev/vda1 || dev=/dev/vda2
	"$root/tests/vps/run.sh" "smoke-$layout" "$img" "$timeout_s" \
		"^VPS-TEST: booted [^ ]+ from its own GRUB$" \
		"VPS-TEST: stage 1, / on $dev" \
		"^VPS-TEST: booted [^ ]+ from its own GRUB$" \
		"^VPS-TEST: stage 2, / on /dev/vda[0-9]$" || failed=1
done
exit "$failed"
