#!/bin/sh
# shellcheck shell=dash
# devdax/mmap ALIGN LENGTH: make a device-DAX namespace at ALIGN (1G on the largest region,
# smaller alignments on the smallest) and run dax_mmap on it.
# shellcheck source=../lib/nvdimm.sh
. /tests/lib/nvdimm.sh

align=$1 len=$2
case $align in 1G) region=$(nd_region largest) ;; *) region=$(nd_region smallest) ;; esac
[ -n "$region" ] || { echo "Bail out! no NVDIMM region"; exit 1; }
dev=$(nd_devdax "$region" "$align" 2>/tmp/nd.err) || {
	sed 's/^/# /' /tmp/nd.err
	echo "Bail out! cannot create a devdax namespace at $align on $region"
	exit 1
}
exec /tests/bin/dax_mmap "$dev" "$align" "$len"
