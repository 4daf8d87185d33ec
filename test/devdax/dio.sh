#!/bin/sh
# shellcheck shell=dash
# devdax/dio ALIGN: O_DIRECT between a device-DAX mapping at ALIGN and a RAM disk (dax_dio),
# then check that the kernel said nothing.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

[ -b /dev/ram0 ] || ktap_bail "no /dev/ram0 (CONFIG_BLK_DEV_RAM)"
nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_dio "$dev" "$1" /dev/ram0
