#!/usr/bin/env bash
# Which QEMU accelerator works here: prints "kvm" or "tcg".
# ACCEL=kvm or ACCEL=tcg forces one; ACCEL=auto (default) uses KVM only when a short probe boot
# of KERNEL with INITRD reaches the guest's init. The answer is cached in $BUILD_DIR/accel.
#   accel.sh KERNEL INITRD
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case "${ACCEL:-auto}" in
kvm|tcg) echo "$ACCEL"; exit 0 ;;
auto) ;;
*) die "ACCEL=$ACCEL: expected auto, kvm or tcg" ;;
esac
cache=$BUILD_DIR/accel
[ -f "$cache" ] && { cat "$cache"; exit 0; }
# Guests of one run boot at once (scripts/boots.sh): one probe, the others wait for its answer.
mkdir -p "$BUILD_DIR"
exec {lock}>"$cache.lock"
flock "$lock"
[ -f "$cache" ] && { cat "$cache"; exit 0; }

answer=tcg
# KVM runs a guest of the host's own architecture only.
host=$(uname -m)
[ "$host" = aarch64 ] && host=arm64
if [ "$host" != "$ARCH" ]; then
	say "an $ARCH guest on an $(uname -m) host: TCG"
elif [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	say "probing KVM (${KVM_PROBE_TIMEOUT:-30} s at most)"
	log=$BUILD_DIR/accel-probe.log
	# In a subshell, so that QEMU aborting (as it does where KVM is broken) stays quiet.
	(timeout -k 5 "${KVM_PROBE_TIMEOUT:-30}" "$QEMU_SYSTEM" -machine "${GUEST_MACHINE%%,*}" -accel kvm -cpu host -m 512M \
		-kernel "$1" -initrd "$2" -append "console=$GUEST_CONSOLE panic=-1 harness.probe=1" \
		-display none -serial "file:$log" -monitor none -no-reboot -nic none </dev/null || true) >/dev/null 2>&1
	if grep -q 'harness: init started' "$log" 2>/dev/null; then
		answer=kvm
	else
		say "KVM does not boot a kernel here; using TCG"
	fi
fi
# Into place at once: a guest beside this one reads the cache without the lock.
echo "$answer" >"$cache.tmp"
mv "$cache.tmp" "$cache"
echo "$answer"
