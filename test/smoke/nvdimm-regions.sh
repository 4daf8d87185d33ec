#!/bin/sh
# shellcheck shell=dash
# The guest sees one NVDIMM region per DIMM of the layout, with the layout's data size.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh

layout=/tests/nvdimm.layout
want=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$layout" | awk '{ print $2 * 1048576 }' | sort -n)
have=$(for r in /sys/bus/nd/devices/region*/size; do [ -f "$r" ] && cat "$r"; done | sort -n)

ktap_plan 2
if [ "$(echo "$want" | grep -c .)" = "$(echo "$have" | grep -c .)" ]; then
	ktap_ok "one region per DIMM"
else
	ktap_print "expected regions of sizes: $(echo "$want" | tr '\n' ' ')"
	ktap_print "found: $(echo "$have" | tr '\n' ' ')"
	ktap_fail "one region per DIMM"
fi
if [ "$want" = "$have" ]; then
	ktap_ok "region sizes match the layout"
else
	ktap_print "expected $(echo "$want" | tr '\n' ' '), found $(echo "$have" | tr '\n' ' ')"
	ktap_fail "region sizes match the layout"
fi
ktap_exit
