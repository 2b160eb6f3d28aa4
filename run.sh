#!/bin/sh
# run.sh: build Morgana and run the DNS appliance (apps/dns) on its example
# zone (example.org and 2.0.192.in-addr.arpa, compiled into the image).
#
#  - /dev/kvm usable: a KVM guest under the hvt tender, with Morgana's own
#    TCP/IP stack on a tap device mgdns0 (host 10.53.0.1, appliance
#    10.53.0.2, port 53); creating the tap needs root (sudo). The tap is
#    removed when the appliance stops.
#  - otherwise: a Linux process on the socket stack (host sockets), at
#    127.0.0.1 port 5300; no root needed.
#
# It prints how to query it; Ctrl-C stops it and prints its counters.
# Arguments go to the appliance:   ./run.sh --stats=10
# Other zones:                     ZONES=my.zone,other.zone ./run.sh
# Environment: TARGET=unix|hvt, TAP, HOST_IP, DNS_IP, DNS_PORT.
set -eu
cd "$(dirname "$0")"
tools/ensure-deps make gcc libc6-dev binutils libseccomp-dev iproute2 \
    zlib1g-dev dnsutils
make -j"$(nproc)" >/dev/null
target=${TARGET:-unix}
if [ -z "${TARGET:-}" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	target=hvt
fi
image=$(build/bin/morgana build -t "$target" apps/dns | tail -n 1)
echo "built $image ($target)"

howto() {
	cat <<EOF

The DNS server answers for example.org and 2.0.192.in-addr.arpa on UDP
and TCP. From another terminal:

    dig @$1 -p $2 www.example.org A
    dig @$1 -p $2 example.org MX +norec
    kdig @$1 -p $2 big.example.org TXT +tcp

Ctrl-C stops it and prints its counters.

EOF
}

if [ "$target" = unix ]; then
	DNS_IP=${DNS_IP:-127.0.0.1}
	DNS_PORT=${DNS_PORT:-5300}
	howto "$DNS_IP" "$DNS_PORT"
	exec build/bin/morgana run "$image" --net:service=none -- \
	    --net=socket --ip="$DNS_IP" --port="$DNS_PORT" "$@"
fi

TAP=${TAP:-mgdns0}
HOST_IP=${HOST_IP:-10.53.0.1}
DNS_IP=${DNS_IP:-10.53.0.2}
DNS_PORT=${DNS_PORT:-53}
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO ip link del "$TAP" 2>/dev/null || true
$SUDO ip tuntap add dev "$TAP" mode tap
cleanup() {
	$SUDO ip link del "$TAP" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
$SUDO ip addr add "$HOST_IP/24" dev "$TAP"
$SUDO ip link set "$TAP" up
howto "$DNS_IP" "$DNS_PORT"
status=0
$SUDO build/bin/morgana run "$image" --net:service="$TAP" -- \
    --ip="$DNS_IP/24" --port="$DNS_PORT" "$@" || status=$?
exit "$status"
