#!/bin/sh
# shellcheck shell=dash
# devdax/coredump ALIGN: core dumps hold the contents of a device-DAX mapping at ALIGN
# (dax_coredump: get_user_pages(FOLL_DUMP) on its entries), then check that the kernel said
# nothing and that the dump left no reference behind.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_coredump "$dev" "$1"
