#!/bin/sh
# shellcheck shell=dash
# devdax/offset ALIGN: a mapping at an aligned address needs an aligned file offset (dax_offset);
# v7.2.8 accepts one that is not, and every access to it gets SIGBUS.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_offset "$dev" "$1"
