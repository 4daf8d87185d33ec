#!/bin/sh
# shellcheck shell=dash
# devdax/around LENGTH: make a 4 KiB device-DAX namespace on the smallest region and run
# dax_around (fault-around of read faults) on it.
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

len=$1
region=$(nd_region smallest)
[ -n "$region" ] || { echo "Bail out! no NVDIMM region"; exit 1; }
dev=$(nd_devdax "$region" 4k 2>/tmp/nd.err) || {
	sed 's/^/# /' /tmp/nd.err
	echo "Bail out! cannot create a devdax namespace at 4k on $region"
	exit 1
}
exec /tests/bin/dax_around "$dev" "$len"
