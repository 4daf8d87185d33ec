#!/bin/sh
# shellcheck shell=dash
# lifetime/escape ALIGN [HOLD]: the two ways a folio reference imbalance of v7.2.8 breaks the
# wait of a device-DAX teardown for the page references, on an instance at ALIGN (1G: the
# imbalances are in pud leaves).
#
# (A) An over-put: a 2-leaf mapping with a guard page in the second leaf (MADV_GUARD_INSTALL
#     makes fork copy the VMA's page tables), the first leaf written, fork, the child reads it
#     and exits; v7.2.8 copies the pud leaf without its folio reference and the child's exit
#     puts one. The parent then holds a page of that leaf in a pipe (vmsplice, FOLL_GET) and
#     the instance is disabled: the disable must wait for the pipe (HOLD seconds, default 3),
#     complete once the page is released, the page read back intact, no splat, and the
#     instance maps again.
# (B) A leak: mremap() of a 2-leaf mapping to another aligned address (dax_vm mremap: written,
#     moved, read, written, unmapped). v7.2.8 clears the pud leaves as "bad pud" instead of
#     moving them and never puts their references: a teardown that waits for them waits for
#     ever. The disable must complete within 30 s (nd_check_release), with no splat.
# Pristine v7.2.8 does not wait in (A) and reports bad puds and rss counters in (B):
# "xfail-pristine".
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh
# shellcheck source=../lib/hold.sh
. /tests/lib/hold.sh

align=${1:-1G} hold=${2:-3}

ktap_plan 9
nd_devdax_for "$align"
name=${dev#/dev/}
ktap_print "$dev at $align"

# (A)
ktap_print "(A) fork with a guard region, then a page held by a pipe across the disable"
ktap_dmesg_mark
trap hold_release_quiet EXIT
hold_start "$dev" guard-fork
start=$(cut -d' ' -f1 /proc/uptime)
bg_start disable_held "$DAXCTL" disable-device "$name"
if wait_for "$hold" test -s /tmp/disable_held.rc; then
	sed 's/^/# daxctl: /' /tmp/disable_held.out
	ktap_print "disable-device returned $(cat /tmp/disable_held.rc) while the page was referenced"
	ktap_fail "(A) after a fork, the disable waits while a page is referenced"
else
	ktap_ok "(A) after a fork, the disable waits while a page is referenced"
fi
released=$(cut -d' ' -f1 /proc/uptime)
hold_release 8
if bg_wait 60 disable_held; then
	ktap_print "disable-device completed $(since "$start" "$(cat /tmp/disable_held.end)")s after it" \
		"started, $(after_release "$released" /tmp/disable_held.end)"
	ktap_ok "(A) the disable completes once the reference is dropped"
else
	sed 's/^/# daxctl: /' /tmp/disable_held.out
	[ -s /tmp/disable_held.rc ] || { ktap_print "still waiting 60s after the release"; stuck_tasks; }
	ktap_fail "(A) the disable completes once the reference is dropped"
fi
ktap_dmesg_clean "(A) no kernel splat"
# Bounded: after a use-after-free (pristine) the bind can get stuck.
if bounded_enable_and_map 30 rebind "$name" "$align"; then
	ktap_ok "(A) the instance maps again after re-enabling"
else
	sed 's/^/# /' /tmp/rebind.out
	ktap_fail "(A) the instance maps again after re-enabling"
fi

# (B)
ktap_print "(B) mremap of the mapping, then the disable"
ktap_dmesg_mark
if bounded 120 mremap /tests/bin/dax_vm "$dev" "$align" mremap; then
	sed 's/^/# /' /tmp/mremap.out
	ktap_ok "(B) dax_vm mremap"
else
	sed 's/^/# /' /tmp/mremap.out
	ktap_fail "(B) dax_vm mremap"
fi
nd_check_release "$name" "$align"
ktap_dmesg_clean "(B) no kernel splat"
ktap_exit
