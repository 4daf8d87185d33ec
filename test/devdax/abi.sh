#!/bin/sh
# shellcheck shell=dash
# devdax/abi ALIGN: what pagemap, PAGEMAP_SCAN, smaps and clear_refs report for a device-DAX
# mapping at ALIGN (dax_abi), with the values of the model this kernel maps device-DAX with:
# "devmap" when it has the series' vmf_insert_devmap_pmd() (device-DAX's only caller), "folio"
# (v7.2.8) otherwise. The cover letter lists the differences as ABI changes.
# shellcheck source=../lib/ktap.sh
. /tests/lib/ktap.sh
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

if grep -q ' vmf_insert_devmap_pmd$' /proc/kallsyms; then model=devmap; else model=folio; fi
nd_devdax_for "$1"
nd_program_test "$1" /tests/bin/dax_abi "$dev" "$1" "$model"
