#!/bin/sh
# shellcheck shell=dash
# devdax/fork ALIGN: fork a process with a faulted device-DAX mapping, plain and with a guard
# region in the VMA (which makes fork copy the page tables), then check that the kernel said
# nothing and that the instance still disables promptly (no reference leaked or lost).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || ktap_bail "no NVDIMM region"

ktap_plan 4
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }
name=${dev#/dev/}
log_start=$(dmesg | wc -l)

if /tests/bin/dax_fork "$dev" "$align" >/tmp/fork.out 2>&1; then
	sed 's/^/# /' /tmp/fork.out
	ktap_ok "dax_fork"
else
	sed 's/^/# /' /tmp/fork.out
	ktap_fail "dax_fork"
fi

splats=$(dmesg | tail -n +"$((log_start + 1))" | grep -E 'BUG|WARNING|Oops|bad page|refcount' || true)
if [ -z "$splats" ]; then
	ktap_ok "no kernel splat"
else
	echo "$splats" | head -n 20 | sed 's/^/# kernel: /'
	ktap_fail "no kernel splat"
fi

# With no reference left anywhere, disabling returns at once; a lost reference makes it wait
# (with the series) and a leaked one makes a later put touch freed memory (without it).
if timeout -s KILL 30 "$DAXCTL" disable-device "$name" >/tmp/disable.out 2>&1; then
	ktap_ok "the instance disables with nothing referenced"
else
	sed 's/^/# daxctl: /' /tmp/disable.out
	ktap_fail "the instance disables with nothing referenced"
fi
if nd_enable_and_map "$name" "$align"; then
	ktap_ok "the instance maps again after re-enabling"
else
	ktap_fail "the instance maps again after re-enabling"
fi
ktap_exit
