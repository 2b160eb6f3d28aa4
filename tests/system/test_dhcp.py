# SPDX-License-Identifier: ISC
"""The DHCP client (lib/net/dhcp.c) against dnsmasq (issue 4).

A network namespace of our own with a tap device (the kernel's side at
10.0.9.1/24) and dnsmasq serving 10.0.9.50-59 on it; netcheck boots with
--ip=dhcp on the tap, must print the lease and come up on an address from
the range, and answer ping there. A second test takes a 2-minute lease
(dnsmasq's shortest) and waits for the renewal at T1. Runs on unix, and on
hvt where /dev/kvm is usable. Every process started here is stopped by
its PID; the namespace is deleted at the end.
"""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import pytest

from appbox import need_tender
from conftest import ROOT, run
from netns import Appliance, Netns, kvm_usable

TAP = "tapdh0"
HOST = "10.0.9.1"
RANGE = ("10.0.9.50", "10.0.9.59")
DNSMASQ = "/usr/sbin/dnsmasq"

TARGETS = [
    "unix",
    pytest.param("hvt", marks=pytest.mark.skipif(
        not kvm_usable(), reason="/dev/kvm is not usable here")),
]


def need_dnsmasq():
    if not os.path.exists(DNSMASQ):
        run([str(ROOT / "tools" / "ensure-deps"), "dnsmasq"], timeout=300)
    if not os.path.exists(DNSMASQ):
        pytest.skip("dnsmasq is not installed")


class Dnsmasq:
    """dnsmasq in the namespace, DHCP only (--port=0), logging every
    transaction to its stderr, which is kept."""

    def __init__(self, ns, tmp, lease="1h"):
        self.lines = []
        self.cond = threading.Condition()
        self.leasefile = os.path.join(tmp, "leases")
        self.p = ns.popen([DNSMASQ, "--no-daemon", "--port=0",
                           "--conf-file=/dev/null", "--user=root",
                           f"--interface={TAP}", "--bind-interfaces",
                           f"--dhcp-range={RANGE[0]},{RANGE[1]},"
                           f"255.255.255.0,{lease}",
                           f"--dhcp-leasefile={self.leasefile}",
                           f"--pid-file={tmp}/pid",
                           "--log-dhcp", "--log-facility=-"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace")
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait(self, pattern, count=1, timeout=10):
        """True once count lines match pattern (within timeout s)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                if sum(1 for x in self.lines if rx.search(x)) >= count:
                    return True
                left = deadline - time.monotonic()
                if left <= 0 or self.p.poll() is not None:
                    return False
                self.cond.wait(min(left, 0.2))

    def output(self):
        with self.cond:
            return "\n".join(self.lines)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=10)
        self.t.join(timeout=5)


@pytest.fixture(scope="module")
def ns():
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    n = Netns("mgdh")
    try:
        n.add_tap(TAP, f"{HOST}/24")
        yield n
    finally:
        n.delete()


@pytest.fixture
def dhcp_env(morgana, build_image, ns):
    """start(target, lease) -> (dnsmasq, appliance booted with
    --ip=dhcp). Both are stopped at the end, by PID."""
    need_dnsmasq()
    tmp = tempfile.mkdtemp(prefix="mgdhcp")
    started = []

    def start(target, lease="1h"):
        if target == "hvt":
            need_tender()
        img = build_image("apps/netcheck", target=target)
        ns.ip("neigh", "flush", "dev", TAP)
        d = Dnsmasq(ns, tmp, lease)
        started.append(d)
        assert d.wait(r"DHCP, IP range", timeout=10), d.output()
        a = Appliance(ns, morgana, img, TAP, ["--ip=dhcp"])
        started.append(a)
        return d, a
    try:
        yield start
    finally:
        for x in reversed(started):
            x.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def in_range(addr):
    def n(a):
        return int.from_bytes(bytes(int(x) for x in a.split(".")), "big")
    return n(RANGE[0]) <= n(addr) <= n(RANGE[1])


def finish(a):
    rc = a.stop()
    out = a.output()
    assert rc == 0, f"exit {rc}\n{out}"
    assert "AddressSanitizer" not in out and "runtime error" not in out, out
    return a.stats()


@pytest.mark.parametrize("target", TARGETS)
def test_dhcp_lease_from_dnsmasq_then_ping(ns, dhcp_env, target):
    d, a = dhcp_env(target)
    addr = a.wait_up(timeout=40)
    out = a.output() + "\n--- dnsmasq ---\n" + d.output()
    assert in_range(addr), out
    # The client's own account of the lease (dnsmasq: router = itself).
    m = a.wait_line(r"dhcp: lease (\S+)/(\d+) gw (\S+) for (\d+) s "
                    r"from (\S+)", timeout=5)
    assert m is not None, out
    assert m.group(1) == addr and m.group(2) == "24", out
    assert m.group(3) == HOST and m.group(5) == HOST, out
    assert int(m.group(4)) == 3600, out
    # dnsmasq's side: one DISCOVER/OFFER/REQUEST/ACK exchange.
    assert d.wait(r"DHCPACK\(" + TAP + r"\) " + re.escape(addr),
                  timeout=5), out
    sent, got, _, pout = ns.ping(addr, count=20, interval=0.01,
                                 timeout=30)
    assert (sent, got) == (20, 20), pout + out
    st = finish(a)
    assert st.get("dhcp.leases", 0) == 1, st
    assert st.get("dhcp.rx_ack", 0) == 1, st
    assert st.get("dhcp.rx_bad", 0) == 0, st
    assert st.get("dhcp.tx_discover", 0) >= 1, st
    with open(d.leasefile) as f:
        assert addr in f.read()


@pytest.mark.parametrize("target", TARGETS)
def test_dhcp_renews_at_t1(ns, dhcp_env, target):
    # 2 minutes is dnsmasq's shortest lease: T1 comes after 60 s.
    d, a = dhcp_env(target, lease="2m")
    addr = a.wait_up(timeout=40)
    out = a.output() + "\n--- dnsmasq ---\n" + d.output()
    assert in_range(addr), out
    assert d.wait(r"DHCPACK\(" + TAP + r"\) " + re.escape(addr), count=2,
                  timeout=80), a.output() + "\n--- dnsmasq ---\n" + \
        d.output()
    # The renewal kept the address and the traffic flowing.
    sent, got, _, pout = ns.ping(addr, count=10, interval=0.01,
                                 timeout=30)
    assert got == 10, pout
    st = finish(a)
    assert st.get("dhcp.leases", 0) >= 2, st
    assert st.get("dhcp.rx_nak", 0) == 0, st
    # Only one address: the renewal changed nothing.
    assert a.output().count("netcheck: up ") == 1, a.output()
