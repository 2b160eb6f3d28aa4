#!/bin/sh
# run.sh: build Morgana and run the example appliance: on KVM under the
# hvt tender when /dev/kvm is usable, as a Linux process otherwise.
#
# Today the example appliance is apps/hello; the DNS appliance (apps/dns)
# replaces it here when it lands. Arguments go to the appliance:
#   ./run.sh --name=you
set -eu
cd "$(dirname "$0")"
tools/ensure-deps make gcc libc6-dev binutils libseccomp-dev
make -j"$(nproc)" >/dev/null
target=unix
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	target=hvt
fi
image=$(build/bin/morgana build -t "$target" apps/hello | tail -n 1)
echo "built $image ($target)"
exec build/bin/morgana run "$image" -- "$@"
