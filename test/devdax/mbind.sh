#!/bin/sh
# shellcheck shell=dash
# devdax/mbind ALIGN: mbind(MPOL_BIND, MPOL_MF_STRICT) on a device-DAX mapping at ALIGN whose
# memory is on a NUMA node of its own (dax_mbind), with the results of the model this kernel maps
# device-DAX with ("devmap" or "folio", as devdax/abi). Needs a guest with two nodes with memory
# and the NVDIMMs on one of them (GUEST_NODES: the x86_64 guest).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

if grep -q ' vmf_insert_devmap_pmd$' /proc/kallsyms; then model=devmap; else model=folio; fi
nd_devdax_for "$1"
node=$(cat "/sys/bus/dax/devices/${dev#/dev/}/numa_node") || ktap_bail "no numa_node for $dev"
nd_program_test "$1" /tests/bin/dax_mbind "$dev" "$1" "$node" "$model"
