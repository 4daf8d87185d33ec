#!/bin/sh
# shellcheck shell=dash
# devdax/poison ALIGN: memory failure on a device-DAX mapping (dax_poison): SIGBUS with the
# mapping's size in si_addr_lsb, then the instance still works and releases cleanly.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_poison "$dev" "$1"
