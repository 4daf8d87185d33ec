#!/usr/bin/env bash
# Stage "boot": boot the flavour's kernel in QEMU with the NVDIMMs of conf/nvdimm.layout and let
# the guest run its tests.
# Input: $BUILD_DIR/<flavour>/obj/$KERNEL_IMAGE_PATH, $BUILD_DIR/guest/initramfs.cpio.gz,
# conf/arch/$ARCH.env (QEMU, machine, console), conf/guest.env (and conf/guest.LIST.env),
# conf/nvdimm.layout, the expectations
# (scripts/expectations.sh); LIST (the guest's test list, test/LIST.list, default tests), TESTS
# (globs), MEMMAP (an e820 pmem range, e.g. 4G!4G), KERNEL_IMAGE and KERNEL_MODULES (a kernel built
# elsewhere and its modules archive),
# BOOT_TIMEOUT (s), INIT_TIMEOUT (s, until the kernel runs /init), ACCEL; for the benchmarks
# (scripts/bench.sh): GUEST_PARAMS (more kernel parameters), QEMU_ARGS (more QEMU options), NVDIMM_PREFILL=1 (allocate the DIMMs' memory up
# front), LOGS (where the logs go).
# Output: $LOGS (default $BUILD_DIR/<flavour>/logs, logs-LIST for another list)/console.log (the kernel log), ktap.log
# (the results) and qemu.cmd (the QEMU command line, shell-quoted, to rerun the boot by hand).
# Fails when QEMU fails, the kernel does not run /init within INIT_TIMEOUT or the guest does not
# power off within BOOT_TIMEOUT.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_cmd "$QEMU_SYSTEM" timeout
LIST=${LIST:-tests}
[ -f "$TOP/test/$LIST.list" ] || die "no test list test/$LIST.list"
# A list's own guest settings first: guest.env only fills in what they leave unset.
if [ -f "$TOP/conf/guest.$LIST.env" ]; then
	# shellcheck source=/dev/null
	. "$TOP/conf/guest.$LIST.env"
fi
# shellcheck source=../conf/guest.env
. "$TOP/conf/guest.env"

FLAVOUR=${FLAVOUR:-patched}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-1200}
init_timeout=${INIT_TIMEOUT:-300}
[[ $init_timeout =~ ^[1-9][0-9]*$ ]] || die "INIT_TIMEOUT=$init_timeout: a number of seconds"
LAYOUT=${LAYOUT:-$TOP/conf/nvdimm.layout}
dir=$(flavour_dir "$FLAVOUR")
kernel=${KERNEL_IMAGE:-$dir/obj/$KERNEL_IMAGE_PATH}
initrd=${INITRD:-$BUILD_DIR/guest/initramfs.cpio.gz}
logs=${LOGS:-$(logs_dir "$dir" "$LIST")}
[ -f "$kernel" ] || die "no kernel at $kernel (run 'make build')"
[ -f "$initrd" ] || die "no initramfs at $initrd (run 'make image')"
# A modular kernel's /lib/modules (scripts/modules.sh) goes after the shared image: the kernel
# unpacks both archives of the concatenation.
# A modular kernel built after its archive would boot with the old modules: refuse.
modules=$dir/obj/modules.cpio.gz
if [ -z "${KERNEL_IMAGE:-}" ] && grep -qx 'CONFIG_MODULES=y' "$dir/obj/.config" 2>/dev/null; then
	if [ ! -f "$modules" ] || [ "$kernel" -nt "$modules" ]; then
		die "$kernel is modular but $modules is missing or older (run scripts/modules.sh after the build)"
	fi
fi
# KERNEL_IMAGE (a kernel built elsewhere): its modules archive is KERNEL_MODULES, if it has one.
[ -z "${KERNEL_IMAGE:-}" ] || modules=${KERNEL_MODULES:-}
[ -z "${KERNEL_MODULES:-}" ] || [ -f "$KERNEL_MODULES" ] || die "no modules archive at KERNEL_MODULES=$KERNEL_MODULES"
if [ -z "${INITRD:-}" ] && [ -n "$modules" ] && [ -f "$modules" ]; then
	# One per list: the lists of a run boot at once (scripts/boots.sh).
	mkdir -p "$dir"
	cat "$initrd" "$modules" >"$dir/initrd-$LIST.cpio.gz"
	initrd=$dir/initrd-$LIST.cpio.gz
fi

accel=$("$TOP/scripts/accel.sh" "$kernel" "$initrd")
cpu=$GUEST_CPU
[ "$accel" = kvm ] && cpu=host

# The DIMMs are backed by anonymous memory, fresh every boot: each run starts with empty label
# areas, nothing the guest writes goes to the host's disk, and QEMU asks for transparent huge
# pages for it. With backing files (in build/ or on /dev/shm alike) the first write to each
# 4 KiB of a DIMM cost the guest about 35 us (host side; the cause was not pinned down):
# devdax/vm-1g's first pass over 2 GiB took 18.6 s, against 9.6 s with anonymous memory. Not merged by KSM: the
# prefilled DIMMs of the benchmarks would be merged back into zero pages.
mkdir -p "$logs"
prealloc=off
[ "${NVDIMM_PREFILL:-0}" = 1 ] && prealloc=on
# GUEST_NODES > 1: GUEST_MEM split evenly between the nodes, the vCPUs on node 0, the DIMMs on
# the last node.
numa=()
dimm_node=
[[ $GUEST_NODES =~ ^[1-9][0-9]*$ ]] || die "GUEST_NODES=$GUEST_NODES: expected a number of nodes, 1 or more"
if [ "$GUEST_NODES" -gt 1 ]; then
	# QEMU's -m: a bare number is MiB, suffixes in either case
	mem=${GUEST_MEM^^}
	[[ $mem =~ ^[0-9]+$ ]] && mem=${mem}M
	ram=$(numfmt --from=iec "$mem" 2>/dev/null) || die "GUEST_MEM=$GUEST_MEM: not a size"
	[ $((ram % (GUEST_NODES * 1048576))) -eq 0 ] ||
		die "GUEST_MEM=$GUEST_MEM does not split into $GUEST_NODES nodes of whole MiB"
	for ((n = 0; n < GUEST_NODES; n++)); do
		cpus=
		[ "$n" -eq 0 ] && cpus=",cpus=0-$((GUEST_CPUS - 1))"
		numa+=(-object "memory-backend-ram,id=ram$n,size=$((ram / GUEST_NODES))"
			-numa "node,nodeid=$n,memdev=ram$n$cpus")
	done
	dimm_node=",node=$((GUEST_NODES - 1))"
fi
dimms=()
i=0
while read -r name mib label; do
	lbytes=$(numfmt --from=iec "$label")
	[ $((mib % 16)) -eq 0 ] || die "$LAYOUT: $name: $mib MiB is not a multiple of 16 MiB"
	dimms+=(-object "memory-backend-ram,id=mem$i,size=$((mib * 1048576 + lbytes)),prealloc=$prealloc,merge=off"
		-device "nvdimm,memdev=mem$i,id=$name,label-size=$label$dimm_node")
	i=$((i + 1))
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$LAYOUT")

expect=$(TEST_LIST=$TOP/test/$LIST.list "$TOP/scripts/expectations.sh" "$FLAVOUR")
cmdline="console=$GUEST_CONSOLE $GUEST_CMDLINE harness.kernel=$FLAVOUR harness.list=$LIST harness.tests=${TESTS:-*}"
cmdline+=" harness.xfail=$(sed -n 's/^xfail //p' <<<"$expect") harness.skip=$(sed -n 's/^skip //p' <<<"$expect")"
[ -n "${MEMMAP:-}" ] && cmdline+=" memmap=$MEMMAP"
[ -n "${GUEST_PARAMS:-}" ] && cmdline+=" $GUEST_PARAMS"
read -r -a qemu_args <<<"${QEMU_ARGS:-}"
# GUEST_GDB=1 (make gdb): QEMU waits for gdb on localhost:1234 before the kernel runs; the
# watchdogs are off (a test or a boot stopped at a breakpoint is not stuck).
if [ "${GUEST_GDB:-0}" = 1 ]; then
	qemu_args+=(-s -S)
	cmdline+=" nokaslr"
	vmlinux=$dir/obj/vmlinux
	say "QEMU waits for gdb; in another terminal:"
	say "  gdb -iex 'add-auto-load-safe-path $dir/obj' -ex 'target remote :1234' $vmlinux"
	say "  then: continue (lx-symbols, lx-dmesg, lx-ps, ... from the kernel's GDB scripts)"
	WATCHDOG_MARGIN=1000000000 init_timeout=1000000000
fi

console=$logs/console.log
ktap=$logs/ktap.log
: >"$console"
: >"$ktap"

# The machine, the same for the tests, make shell and make gdb: the console, the kernel command
# line and the extra arguments are added per use. KTAP goes to a second serial port or to a
# virtio console (conf/arch/$ARCH.env), which the guest's init is told with harness.ktap.
firmware=()
if [ -n "$GUEST_FIRMWARE" ]; then
	[ -f "$GUEST_FIRMWARE" ] || die "no firmware $GUEST_FIRMWARE (conf/arch/$ARCH.env; run 'make deps' as root)"
	firmware=(-bios "$GUEST_FIRMWARE")
fi
qemu_machine=("$QEMU_SYSTEM"
	-machine "$GUEST_MACHINE" -accel "$accel" -cpu "$cpu" -smp "$GUEST_CPUS"
	-m "$GUEST_MEM,slots=$GUEST_SLOTS,maxmem=$GUEST_MAXMEM" "${numa[@]}" "${dimms[@]}"
	"${firmware[@]}"
	-kernel "$kernel" -initrd "$initrd" -display none -no-reboot -nic none)
case $GUEST_KTAP in
serial) ktap_args=(-serial "file:$ktap"); cmdline+=" harness.ktap=/dev/ttyS1" ;;
virtio) ktap_args=(-device virtio-serial-device -chardev "file,id=ktap,path=$ktap"
		-device "virtconsole,chardev=ktap"); cmdline+=" harness.ktap=/dev/hvc0" ;;
*) die "GUEST_KTAP=$GUEST_KTAP: expected serial or virtio (conf/arch/$ARCH.env)" ;;
esac

# GUEST_SHELL=1 (make shell): the same guest with an interactive shell on the console instead of
# the tests; no timeout, no verdict. Ctrl-A X stops QEMU.
if [ "${GUEST_SHELL:-0}" = 1 ]; then
	qemu_cmd=("${qemu_machine[@]}" -append "$cmdline harness.shell=1"
		-serial mon:stdio "${ktap_args[@]}" "${qemu_args[@]}")
	printf '%q ' "${qemu_cmd[@]}" >"$logs/qemu.cmd"
	echo >>"$logs/qemu.cmd"
	say "a shell in the $FLAVOUR guest ($accel); exit powers it off, Ctrl-A X stops QEMU"
	"${qemu_cmd[@]}" || die "qemu failed (exit $?)"
	exit 0
fi
say "booting $FLAVOUR for test/$LIST.list ($accel, timeout ${BOOT_TIMEOUT}s); kernel log: ${console#"$TOP"/}"
start=$(date +%s)
# Results as they come, "[N/TOTAL] ok NAME 8.1 s": the top-level KTAP lines with the test's time
# (from the runner's "# NAME: exit RC after Ss"), and a failed test's own lines under it (on
# standard output, where CI logs look first; verdict.sh repeats them).
show_results() {
	local line out="" total="?" secs="" status n rest name dir
	while IFS= read -r line; do
		line=${line%$'\r'}
		case $line in
		"1.."[0-9]*) total=${line#1..} ;;
		"# "*": exit "*" after "*s) secs=${line##* after }; secs=${secs%s} ;;
		"ok "[0-9]* | "not ok "[0-9]*)
			status=ok
			[ "${line#not }" = "$line" ] || status="not ok"
			rest=${line#"$status "}
			n=${rest%% *}
			rest=${rest#* }
			name=${rest%% # *}
			dir=""
			[ "$name" = "$rest" ] || dir=" # ${rest#* # }"
			echo "  [$n/$total] $status $name${secs:+ $secs s}$dir"
			[ "$status" = ok ] || printf '%s' "$out"
			out="" secs="" ;;
		*) out+="    | $line"$'\n' ;;
		esac
	done
}
tail --pid=$$ -n +1 -F "$ktap" 2>/dev/null | show_results &
progress=$!
trap 'kill $progress 2>/dev/null || true' EXIT
rc=0
qemu_cmd=("${qemu_machine[@]}" -append "$cmdline" -monitor none
	-serial "file:$console" "${ktap_args[@]}" "${qemu_args[@]}")
# The command as run, to rerun by hand (the kernel command line is its -append).
printf '%q ' "${qemu_cmd[@]}" >"$logs/qemu.cmd"
echo >>"$logs/qemu.cmd"
timeout -k 10 "$BOOT_TIMEOUT" "${qemu_cmd[@]}" </dev/null >"$logs/qemu.log" 2>&1 &
qemu=$!
# Once the runner is done the guest powers off; a kernel that cannot (a task stuck after an
# expected oops on pristine) is stopped 20 s later (init gives sync 10 s), and the run counts as
# finished. Meanwhile a watchdog follows the runner's "harness: test N NAME begin/end" lines in
# the kernel log: a test still running WATCHDOG_MARGIN (60) s past its own timeout (the runner's
# SIGKILL did not end it: stuck in the kernel) stops the guest at once, named, instead of
# BOOT_TIMEOUT later. A kernel that has not run /init ("Run /init as init process") within
# INIT_TIMEOUT (300) s hung while booting (seen once at 3 s under TCG, on a loaded machine): it is
# stopped then too, instead of after BOOT_TIMEOUT.
rm -f "$logs/poweroff-hung" "$logs/watchdog" "$logs/init-timeout"
margin=${WATCHDOG_MARGIN:-60}
declare -A limit=()
while read -r name _ t _; do limit[$name]=$t; done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/test/$LIST.list")
(
	current='' since=0 booted=''
	while kill -0 "$qemu" 2>/dev/null && ! grep -q '# harness: done' "$ktap"; do
		sleep 1
		if [ -z "$booted" ]; then
			if grep -q 'Run /init as init process' "$console"; then
				booted=1
			elif [ $(( $(date +%s) - start )) -gt "$init_timeout" ]; then
				touch "$logs/init-timeout"
				kill "$qemu" 2>/dev/null
				exit 0
			fi
		fi
		last=$(grep -oE 'harness: test [0-9]+ [^ ]+ (begin|end)' "$console" | tail -n 1 || true)
		case $last in
		*" begin")
			name=${last#harness: test * }
			name=${name% begin}
			[ "$name" = "$current" ] || { current=$name since=$(date +%s); }
			if [ $(( $(date +%s) - since )) -gt $(( ${limit[$name]:-$BOOT_TIMEOUT} + margin )) ]; then
				echo "$name ${limit[$name]:-?}" >"$logs/watchdog"
				kill "$qemu" 2>/dev/null
				exit 0
			fi ;;
		*) current='' ;;
		esac
	done
	for _ in $(seq 20); do kill -0 "$qemu" 2>/dev/null || exit 0; sleep 1; done
	touch "$logs/poweroff-hung"
	kill "$qemu" 2>/dev/null
) &
watcher=$!
# Stopped (make interrupted, or scripts/boots.sh stopping a lane): the guest goes too.
trap 'kill $progress $watcher $qemu 2>/dev/null || true' EXIT
wait "$qemu" || rc=$?
sleep 0.5
if [ -f "$logs/poweroff-hung" ]; then
	say "the guest finished its tests but did not power off within 20 s: stopped (see the end of $console)"
	rc=0
fi
secs=$(( $(date +%s) - start ))
if [ -f "$logs/init-timeout" ]; then
	tail -n 20 "$console" | sed 's/^/  | /' >&2
	die "the kernel did not run /init within INIT_TIMEOUT=${init_timeout}s (hung while booting?): the guest was stopped after ${secs}s; last kernel lines above, full log: $console"
fi
if [ -f "$logs/watchdog" ]; then
	read -r name t <"$logs/watchdog"
	tail -n 20 "$console" | sed 's/^/  | /' >&2
	die "test $name still ran ${margin} s after its ${t} s timeout (stuck in the kernel?): the guest was stopped after ${secs}s; last kernel lines above, full log: $console"
fi
case $rc in
0) say "guest powered off after ${secs}s" ;;
124|137) tail -n 20 "$console" | sed 's/^/  | /' >&2
	die "guest did not finish within BOOT_TIMEOUT=${BOOT_TIMEOUT}s (hung?); last kernel lines above, full log: $console" ;;
*) sed 's/^/  | /' "$logs/qemu.log" >&2
	die "qemu failed (exit $rc); see above and $logs/qemu.log" ;;
esac
