#!/bin/sh
# run.sh: build Morgana and run the example appliance.
#
# Today the example appliance is apps/hello on the unix target; the DNS
# appliance (apps/dns) and the hvt target replace it here as they land.
# Arguments after run.sh go to the appliance: ./run.sh --name=you
set -eu
cd "$(dirname "$0")"
tools/ensure-deps make gcc libc6-dev binutils
make -j"$(nproc)" >/dev/null
image=$(build/bin/morgana build -t unix apps/hello | tail -n 1)
echo "built $image"
exec build/bin/morgana run "$image" -- "$@"
