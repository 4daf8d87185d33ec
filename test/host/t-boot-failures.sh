#!/usr/bin/env bash
# A guest that hangs is stopped at BOOT_TIMEOUT with a clear message, one whose kernel never runs
# /init at INIT_TIMEOUT, and one whose test is stuck
# past its own timeout by the watchdog, naming it; a guest that panics and an oops in the kernel
# log both fail the verdict, printing the relevant lines.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel=
for f in patched pristine; do
	[ -f "$HT_REAL_BUILD/$f/obj/arch/x86/boot/bzImage" ] && { kernel=$HT_REAL_BUILD/$f/obj/arch/x86/boot/bzImage; break; }
done
[ -n "$kernel" ] || { echo "# SKIP: no kernel built in $HT_REAL_BUILD (run 'make build')"; exit 4; }
export KERNEL_IMAGE=$kernel FLAVOUR=patched
[ -f "$HT_REAL_BUILD/accel" ] && mkdir -p "$BUILD_DIR" && cp "$HT_REAL_BUILD/accel" "$BUILD_DIR/accel"

# mkinitrd INIT-BODY: an initramfs with busybox whose /init runs INIT-BODY.
mkinitrd() {
	local root=$HT_TMP/root
	rm -rf "$root"
	mkdir -p "$root/bin" "$root/proc" "$root/dev"
	cp /bin/busybox "$root/bin/busybox"
	printf '#!/bin/busybox sh\n/bin/busybox mount -t proc proc /proc\n%s\n' "$1" >"$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$HT_TMP/initrd.gz"
	echo "$HT_TMP/initrd.gz"
}

INITRD=$(mkinitrd '/bin/busybox sleep 100000') BOOT_TIMEOUT=20 \
	expect_fail "a hung guest" "did not finish within BOOT_TIMEOUT=20s" "$HT_TOP/scripts/boot.sh"

# A kernel that never gets to /init (here QEMU started with its CPUs stopped, -S): stopped at
# INIT_TIMEOUT, named, long before BOOT_TIMEOUT.
t0=$(date +%s)
INITRD=$(mkinitrd '/bin/busybox sleep 100000') BOOT_TIMEOUT=300 INIT_TIMEOUT=5 QEMU_ARGS=-S \
	expect_fail "a kernel hung while booting" "did not run /init within INIT_TIMEOUT=5s" \
	"$HT_TOP/scripts/boot.sh"
if [ $(( $(date +%s) - t0 )) -lt 120 ]; then
	pass "... stopped after $(( $(date +%s) - t0 )) s, not at BOOT_TIMEOUT"
else
	fail "... stopped only after $(( $(date +%s) - t0 )) s"
fi
INIT_TIMEOUT=5s expect_fail "INIT_TIMEOUT not a number" "INIT_TIMEOUT=5s: a number of seconds" \
	"$HT_TOP/scripts/boot.sh"

# A test stuck past its own timeout (boot/debug-vm-pgtable: 30 s in test/tests.list): the host's
# watchdog stops the guest and names it, long before BOOT_TIMEOUT.
init='/bin/busybox mount -t devtmpfs dev /dev
echo "harness: test 1 boot/debug-vm-pgtable begin" >/dev/kmsg
/bin/busybox sleep 100000'
t0=$(date +%s)
INITRD=$(mkinitrd "$init") BOOT_TIMEOUT=300 WATCHDOG_MARGIN=5 \
	expect_fail "a test stuck past its timeout" \
	"test boot/debug-vm-pgtable still ran 5 s after its 30 s timeout" "$HT_TOP/scripts/boot.sh"
if [ $(( $(date +%s) - t0 )) -lt 120 ]; then
	pass "... stopped after $(( $(date +%s) - t0 )) s, not at BOOT_TIMEOUT"
else
	fail "... stopped only after $(( $(date +%s) - t0 )) s"
fi

# init exits: "Attempted to kill init", panic=-1 reboots, QEMU (-no-reboot) exits.
INITRD=$(mkinitrd 'exit 0') BOOT_TIMEOUT=120 expect_ok "a panicking guest powers off" "$HT_TOP/scripts/boot.sh"
expect_fail "the verdict on a panic" "kernel panicked" "$HT_TOP/scripts/verdict.sh"
out=$("$HT_TOP/scripts/verdict.sh" 2>&1 || true)
if grep -q "Kernel panic" <<<"$out"; then
	pass "the panic lines are printed"
else
	fail "no panic lines in: $out"
fi
if grep -q "runner did not finish" <<<"$out"; then
	pass "the missing results are reported"
else
	fail "no runner message in: $out"
fi

# A failed test's own lines are shown under its result as the results stream in, each result
# with its place in the plan and its time; and the QEMU command line is kept.
init='/bin/busybox mount -t devtmpfs dev /dev
printf "KTAP version 1\\n1..2\\n# a: exit 0 after 1.5s\\nok 1 a\\n    # expected 7, got 8\\nnot ok 2 b\\n# harness: done\\n" >/dev/ttyS1
/bin/busybox poweroff -f'
out=$(INITRD=$(mkinitrd "$init") BOOT_TIMEOUT=120 "$HT_TOP/scripts/boot.sh" 2>&1 || true)
if grep -qx '  \[1/2\] ok a 1.5 s' <<<"$out" && grep -q '| *# expected 7, got 8' <<<"$(grep -A1 -x '  \[2/2\] not ok b' <<<"$out")"; then
	pass "results stream as [N/TOTAL], a failed test's output under its result"
else
	fail "no progress line, or no output under the failed result in: $out"
fi
if grep -q -- "-append " "$BUILD_DIR/patched/logs/qemu.cmd" 2>/dev/null; then
	pass "qemu.cmd holds the command line"
else
	fail "no qemu.cmd with the command line in $BUILD_DIR/patched/logs"
fi

# A guest that finished its tests but cannot power off (a task stuck after an oops): stopped
# 20 s after "# harness: done", and the boot counts as finished, not as hung.
init='/bin/busybox mount -t devtmpfs dev /dev
printf "KTAP version 1\n1..1\nok 1 a\n# harness: done\n" >/dev/ttyS1
/bin/busybox sleep 100000'
rc=0
out=$(INITRD=$(mkinitrd "$init") BOOT_TIMEOUT=300 "$HT_TOP/scripts/boot.sh" 2>&1) || rc=$?
if [ $rc -eq 0 ] && grep -q "did not power off within 20 s: stopped" <<<"$out"; then
	pass "a guest that does not power off after its tests: $(grep -m1 'did not power off' <<<"$out")"
else
	fail "a guest that does not power off after its tests: exit $rc, $out"
fi
ht_exit
