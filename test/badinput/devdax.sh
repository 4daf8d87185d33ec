#!/bin/sh
# shellcheck shell=dash
# badinput/devdax ALIGN: the bad-input matrix (dax_badinput) on a device-DAX instance at ALIGN,
# then check that the kernel said nothing but the refusals it logs, and that nothing leaked.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

[ -b /dev/ram0 ] || ktap_bail "no /dev/ram0 (CONFIG_BLK_DEV_RAM)"
nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_badinput "$dev" "$1"
