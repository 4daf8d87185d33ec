#!/bin/sh
# shellcheck shell=dash
# CONFIG_DEBUG_VM_PGTABLE checked the architecture's page table helpers at boot (the series adds
# the devmap round trips to it), and none of its checks fired.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh

ktap_plan 2
if dmesg | grep -q "debug_vm_pgtable.*Validating architecture page table helpers"; then
	ktap_ok "debug_vm_pgtable ran at boot"
else
	ktap_print "no 'Validating architecture page table helpers' line in the kernel log"
	ktap_fail "debug_vm_pgtable ran at boot"
fi
# A failed check is a WARN whose location is mm/debug_vm_pgtable.c.
if dmesg | grep -q "WARNING:.*mm/debug_vm_pgtable.c"; then
	dmesg | grep -A 3 "WARNING:.*mm/debug_vm_pgtable.c" | sed 's/^/# /'
	ktap_fail "no debug_vm_pgtable check failed"
else
	ktap_ok "no debug_vm_pgtable check failed"
fi
ktap_exit
