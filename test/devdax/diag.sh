#!/bin/sh
# shellcheck shell=dash
# devdax/diag ALIGN: the dev_dax_fault trace event reports every fault of a device-DAX mapping at
# ALIGN, the fallbacks of the larger level and refused faults, each with its reason (dax_diag).
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_diag "$dev" "$1"
