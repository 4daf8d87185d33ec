#!/bin/sh
# shellcheck shell=dash
# devdax/vm ALIGN [mremap|protnone|nohuge]: mprotect, mremap, /proc/self/mem, pagemap and smaps
# on a
# device-DAX mapping at ALIGN (dax_vm; with a second argument only that test), then check that
# the kernel said nothing (no bad page map report, no WARN).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
# shellcheck disable=SC2086 # no second argument: every test
nd_program_test "$1" /tests/bin/dax_vm "$dev" "$1" ${2:-}
