#!/usr/bin/env bash
# ARCH picks the guest's architecture from data (conf/arch/ARCH.env): an unknown one fails naming
# the known ones; ARCH=arm64 runs test/tests.list only, boots qemu-system-aarch64 with UEFI, the
# PL011 console, one NUMA node (GUEST_NODES=2: two, the NVDIMMs on the second) and KTAP on a
# virtio console (a stand-in QEMU checks nothing itself: it answers as a guest would, and the test reads the
# command line boot.sh recorded); a skip "not on this architecture" passes the verdict only for
# a test conf/arch/ARCH.skip names, and only on that ARCH.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

expect_fail "an unknown ARCH" 'ARCH=sparc: no conf/arch/sparc.env \(known: arm64 x86_64\)' \
	env ARCH=sparc "$HT_TOP/scripts/suites.sh"
out=$(ARCH=arm64 "$HT_TOP/scripts/suites.sh" | paste -sd' ')
if [ "$out" = tests ]; then pass "ARCH=arm64 runs test/tests.list only"; else fail "ARCH=arm64 lists: $out"; fi

# The stand-in QEMU: the kernel log to the -serial file, to the virtio console's file the KTAP
# of $HT_TMP/answer.
mkdir -p "$HT_TMP/bin"
cat >"$HT_TMP/bin/qemu-system-aarch64" <<'Q'
#!/usr/bin/env bash
console='' ktap=''
for a in "$@"; do
	case $a in
	file:*) console=${a#file:} ;;
	file,id=ktap,path=*) ktap=${a#*path=} ;;
	esac
done
[ -n "$console" ] && [ -n "$ktap" ] || { echo "stand-in qemu: no console or KTAP file in: $*" >&2; exit 1; }
printf '[    0.1] harness: init started\n[    0.2] reboot: Power down\n' >"$console"
cp "$HT_ANSWER" "$ktap"
Q
chmod +x "$HT_TMP/bin/qemu-system-aarch64"
: >"$HT_TMP/Image"
: >"$HT_TMP/initrd"
: >"$HT_TMP/QEMU_EFI.fd"
export HT_ANSWER=$HT_TMP/answer LOGS=$HT_TMP/logs FLAVOUR=patched TESTS='devdax/mmap-2m,devdax/mmap-1g'
arm64() {
	ARCH=arm64 PATH="$HT_TMP/bin:$PATH" KERNEL_IMAGE=$HT_TMP/Image INITRD=$HT_TMP/initrd ACCEL=tcg \
		GUEST_FIRMWARE=$HT_TMP/QEMU_EFI.fd BOOT_TIMEOUT=60 "$@"
}
# answer SKIPPED: mmap-2m passes, SKIPPED is reported as not on this architecture.
answer() {
	local other=devdax/mmap-1g
	[ "$1" = "$other" ] && other=devdax/mmap-2m
	printf 'KTAP version 1\n1..2\n# %s: exit 0 after 1.0s\nok 1 %s\n' "$other" "$other" >"$HT_ANSWER"
	printf 'ok 2 %s # SKIP not on this architecture: no 1G\n# harness: done\n' "$1" >>"$HT_ANSWER"
}

answer devdax/mmap-1g
expect_ok "an arm64 boot" arm64 "$HT_TOP/scripts/boot.sh"
cmd=$(cat "$LOGS/qemu.cmd" 2>/dev/null || true)
for want in '^qemu-system-aarch64 ' '-machine virt\\,nvdimm=on ' '-bios [^ ]*QEMU_EFI.fd ' \
	'-device virtconsole\\,chardev=ktap' 'console=ttyAMA0\\ ' 'harness.ktap=/dev/hvc0' \
	'-device nvdimm\\,memdev=mem1\\,id=nvdimm1\\,label-size=128K ' '/Image '; do
	if grep -qE -- "$want" <<<"$cmd"; then pass "qemu.cmd has /$want/"; else fail "qemu.cmd lacks /$want/: $cmd"; fi
done
if grep -q -- '-numa' <<<"$cmd"; then fail "arm64 has one NUMA node, yet: $cmd"; else pass "arm64: no -numa"; fi
# GUEST_NODES=2 (x86_64's default): the RAM split between two nodes, the vCPUs on node 0, the
# NVDIMMs on node 1.
# shellcheck disable=SC2317 # called through expect_ok
nodes() { GUEST_NODES=$1 arm64 "${@:2}"; }
expect_ok "a two-node boot" nodes 2 "$HT_TOP/scripts/boot.sh"
cmd=$(cat "$LOGS/qemu.cmd" 2>/dev/null || true)
for want in '-device nvdimm\\,memdev=mem1\\,id=nvdimm1\\,label-size=128K\\,node=1 ' \
	'-numa node\\,nodeid=0\\,memdev=ram0\\,cpus=0-1 ' '-numa node\\,nodeid=1\\,memdev=ram1 ' \
	'memory-backend-ram\\,id=ram1\\,size=1073741824 '; do
	if grep -qE -- "$want" <<<"$cmd"; then pass "qemu.cmd has /$want/"; else fail "qemu.cmd lacks /$want/: $cmd"; fi
done
expect_fail "GUEST_NODES=3 with 2G" "GUEST_MEM=2G does not split into 3 nodes" \
	nodes 3 "$HT_TOP/scripts/boot.sh"
expect_fail "GUEST_NODES=two" "GUEST_NODES=two: expected a number" nodes two "$HT_TOP/scripts/boot.sh"
# The architecture's default (x86_64: ARCH_GUEST_NODES=2) gives two nodes; an e820 range (MEMMAP,
# the ndctl guest) one, as does the list's own setting (conf/guest.bench.env).
numa_count() { { grep -o -- '-numa node' "$LOGS/qemu.cmd" || true; } | wc -l; }
# shellcheck disable=SC2317 # called through expect_ok
archnodes() { ARCH_GUEST_NODES=2 arm64 "$@"; }
for c in "two:" "one:MEMMAP=4G!4G" "one:LIST=bench"; do
	want=${c%%:*} extra=${c#*:}
	env_args=()
	[ -n "$extra" ] && env_args=("$extra")
	archnodes env "${env_args[@]}" "$HT_TOP/scripts/boot.sh" >/dev/null 2>&1 ||
		fail "ARCH_GUEST_NODES=2 ${extra:-alone}: the boot failed"
	n=$(numa_count)
	case $want:$n in
	two:2 | one:0) pass "ARCH_GUEST_NODES=2 ${extra:-alone}: $want node(s)" ;;
	*) fail "ARCH_GUEST_NODES=2 ${extra:-alone}: $n -numa options, expected $want node(s)" ;;
	esac
done
out=$(arm64 "$HT_TOP/scripts/verdict.sh" 2>&1) || fail "the verdict on arm64 failed: $out"
if grep -qx '1 passed, 0 failed, 1 skipped (patched kernel)' <<<"$out"; then
	pass "arm64: a 1G test skipped as not on this architecture, 1 passed, 1 skipped"
else
	fail "arm64 verdict: $out"
fi
# The same skip on x86_64, or of a test conf/arch/arm64.skip does not name, is a test skipping itself.
expect_fail "the same skip on x86_64" "tests skipped themselves .*: devdax/mmap-1g" \
	"$HT_TOP/scripts/verdict.sh"
answer devdax/mmap-2m
arm64 "$HT_TOP/scripts/boot.sh" >/dev/null 2>&1 || fail "the second arm64 boot failed"
expect_fail "arm64: a 2M test 'not on this architecture'" "tests skipped themselves .*: devdax/mmap-2m" \
	arm64 "$HT_TOP/scripts/verdict.sh"
ht_exit
