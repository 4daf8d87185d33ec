#!/bin/sh
# shellcheck shell=dash
# fuzz/devdax ALIGN: the seeded device-DAX fuzzer (dax_fuzz) on an instance at ALIGN, for
# HARNESS_FUZZ_SECONDS (default 60) with seed HARNESS_FUZZ_SEED (default 1), O_DIRECT from
# /dev/ram0; then the kernel log and the instance's release are checked (nd_program_test).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_fuzz "$dev" "$1" "${HARNESS_FUZZ_SECONDS:-60}" \
	"${HARNESS_FUZZ_SEED:-1}" /dev/ram0
