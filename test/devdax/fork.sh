#!/bin/sh
# shellcheck shell=dash
# devdax/fork ALIGN [uffd|uffd-release]: fork a process with a faulted device-DAX mapping, plain and with a
# guard region in the VMA (which makes fork copy the page tables), then check that the kernel
# said nothing and that the instance still disables promptly (no reference leaked or lost).
# uffd: the VMA is registered with a userfaultfd instead (write-protect, UFFD_FEATURE_WP_ASYNC
# and UFFD_FEATURE_EVENT_FORK: the child's VMA keeps VM_UFFD_WP and fork copies the page
# tables); uffd-release: no fork, the userfaultfd registered and closed; see dax_fork.c.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 mode=${2:-}
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || ktap_bail "no NVDIMM region"

ktap_plan 4
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || { sed 's/^/# /' /tmp/nd.err; ktap_bail "no devdax namespace"; }
name=${dev#/dev/}
ktap_dmesg_mark

if /tests/bin/dax_fork "$dev" "$align" ${mode:+"$mode"} >/tmp/fork.out 2>&1; then
	sed 's/^/# /' /tmp/fork.out
	ktap_ok "dax_fork${mode:+ $mode}"
else
	sed 's/^/# /' /tmp/fork.out
	ktap_fail "dax_fork${mode:+ $mode}"
fi

ktap_dmesg_clean "no kernel splat"

nd_check_release "$name" "$align"
ktap_exit
