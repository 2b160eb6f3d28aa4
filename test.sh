#!/bin/sh
# test.sh: install what the tests need, then run every test (make test).
set -eu
cd "$(dirname "$0")"
tools/ensure-deps make gcc libc6-dev binutils git clang lld llvm \
    libclang-rt-14-dev libcmocka-dev clang-format clang-tidy cppcheck \
    python3 python3-pytest libseccomp-dev iproute2 zlib1g-dev
# The DNS system tests: real clients, and NSD for the differential test.
tools/ensure-deps python3-dnspython dnsutils knot-dnsutils nsd iputils-ping python3-scapy dnsmasq-base
# The web system tests: curl, slowhttptest, and nginx to compare with.
tools/ensure-deps curl slowhttptest nginx
exec make -j"$(nproc)" test
