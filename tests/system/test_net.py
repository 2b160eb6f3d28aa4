# SPDX-License-Identifier: ISC
"""apps/netcheck against the Linux kernel as the peer (issue 4).

The module makes its own network namespace with a tap device (the kernel's
side at 10.0.0.1/24) and boots netcheck on it at 10.0.0.2/24 for each test:
on unix, and on hvt where /dev/kvm is usable. The peer programs run inside
the namespace (tests/system/netns.py). Every load is bounded in size and
time; every test ends the appliance with SIGTERM and reads the counters it
prints on the way out.

Needs root, iproute2, ping (iputils-ping), python3-scapy and dnsmasq
(Debian packages); a test whose tool is missing is skipped and says so.
Where the kernel has no sch_netem, the loss/reorder/delay test runs the
same impairment in user space (see impaired()).
"""
import contextlib
import json
import os
import subprocess
import tempfile
import time

import pytest

from appbox import need_tender
from conftest import ROOT, run
from netns import PYTHON, Appliance, Netns, kvm_usable

TAP = "tapnc0"
HOST = "10.0.0.1"
ADDR = "10.0.0.2"
FAKE = "10.0.0.3"  # the scapy peer's address (not the kernel's)
NETEM = "loss 2% reorder 10% delay 5ms"

TARGETS = [
    "unix",
    pytest.param("hvt", marks=pytest.mark.skipif(
        not kvm_usable(), reason="/dev/kvm is not usable here")),
]


def need(path, package):
    if not os.path.exists(path):
        pytest.skip(f"{path} is missing (Debian package {package})")


def need_scapy():
    r = run([PYTHON, "-c", "import scapy.all"], timeout=60)
    if r.returncode != 0:
        pytest.skip("scapy is missing (Debian package python3-scapy)")


@pytest.fixture(scope="module")
def ns():
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    need("/usr/bin/ping", "iputils-ping")
    n = Netns("mgnc")
    try:
        n.add_tap(TAP, f"{HOST}/24")
        yield n
    finally:
        n.netem(TAP, None)
        n.delete()


@pytest.fixture
def netcheck(morgana, build_image, ns):
    """boot(target, args=None, san=False, up=True) -> a running Appliance,
    booted with args (default: --ip=ADDR/24) and, if up, waited for until
    it prints its address. Anything still running at the end is
    stopped."""
    started = []

    def boot(target, args=None, san=False, up=True):
        if target == "hvt":
            need_tender()
        img = build_image("apps/netcheck", target=target, san=san)
        # A new appliance has a new MAC: forget the old one.
        ns.ip("neigh", "flush", "dev", TAP)
        a = Appliance(ns, morgana, img, TAP,
                      [f"--ip={ADDR}/24"] if args is None else args)
        started.append(a)
        if up:
            a.wait_up(timeout=20)
        return a
    yield boot
    for a in started:
        a.stop()


def finish(a):
    """Stop the appliance; it must exit 0 after printing its counters.
    Returns them."""
    rc = a.stop()
    out = a.output()
    assert rc == 0, f"exit {rc}\n{out}"
    assert "netcheck: done, exit 0" in out, out
    assert "AddressSanitizer" not in out and "runtime error" not in out, out
    return a.stats()


def counter(st, name):
    """A counter by "layer.name" (mg_net_stats_print's names: if, eth,
    arp, ip4, icmp, udp, tcp, dhcp; netcheck's own: netcheck); 0 when it
    was not printed (zero)."""
    return st.get(name, 0)


# --- ICMP -----------------------------------------------------------------

@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("size", [56, 1472, 4000])
def test_ping_1000_no_loss(ns, netcheck, target, size):
    a = netcheck(target)
    sent, got, rtt, out = ns.ping(ADDR, count=1000, size=size,
                                  interval=0.002, timeout=60)
    st = finish(a)
    assert (sent, got) == (1000, 1000), out
    assert counter(st, "if.icmp_echo") >= 1000, st
    if size > 1472:  # 4008-byte datagrams: three fragments each way
        assert counter(st, "if.ip_reasm_ok") >= 1000, st


# --- UDP ------------------------------------------------------------------

@pytest.mark.parametrize("target", TARGETS)
def test_udp_echo_10000_random_sizes(ns, netcheck, target):
    a = netcheck(target)
    # Every 50th datagram is 1473..8000 bytes: fragmented both ways.
    r = ns.peer("udp_echo", addr=ADDR, count=10000, seed=4, big_every=50,
                big_max=8000, timeout=90)
    st = finish(a)
    assert r["ok"] == 10000 and r["bad"] == 0 and r["lost"] == 0, (r, st)
    # Resends are allowed (UDP), but must stay rare on a quiet link.
    assert r["retries"] <= 100, (r, st)
    assert st.get("netcheck.udp_rx", 0) >= 10000, st
    assert st.get("udp.rx_badsum", 0) == 0, st


# --- TCP ------------------------------------------------------------------

def tcp_echo(ns, total, conns, timeout, addr=ADDR):
    r = ns.peer("tcp_echo", limit=timeout + 30, addr=addr, port=7,
                total=total, conns=conns, seed=7, timeout=timeout)
    assert not r["mismatch"], r
    assert not r["errors"], r
    assert r["done"] == conns and r["bytes_ok"] == total, r
    return r


def tcp_discard(ns, seconds, conns, addr=ADDR):
    r = ns.peer("tcp_discard", limit=seconds + 60, addr=addr, port=9,
                seconds=seconds, conns=conns)
    assert r["sent"] > 0 and r["eof_clean"] == conns, r
    return r


def tcp_chargen(ns, seconds, addr=ADDR):
    r = ns.peer("tcp_chargen", limit=seconds + 30, addr=addr, port=19,
                seconds=seconds)
    assert r["error"] is None and r["first_bad"] is None, r
    assert r["received"] > 0, r
    return r


@pytest.mark.parametrize("target", TARGETS)
def test_tcp_echo_64mib_100_connections(ns, netcheck, target):
    a = netcheck(target)
    tcp_echo(ns, 64 << 20, 100, timeout=120)
    st = finish(a)
    assert st.get("netcheck.echo_bytes", 0) == 64 << 20, st
    assert st.get("netcheck.echo_conns", 0) == 100, st
    assert st.get("tcp.rx_badsum", 0) == 0, st


@pytest.mark.parametrize("target", TARGETS)
def test_tcp_discard_and_chargen_for_3s(ns, netcheck, target):
    a = netcheck(target)
    d1 = tcp_discard(ns, 3, 1)
    d4 = tcp_discard(ns, 3, 4)
    c = tcp_chargen(ns, 3)
    st = finish(a)
    # Every byte sent was read (the FIN came after the last of them).
    assert st.get("netcheck.discard_bytes", 0) == d1["sent"] + d4["sent"], \
        (d1, d4, st)
    assert st.get("netcheck.chargen_bytes", 0) >= c["received"], (c, st)
    print(f"discard {d1['rate'] / 1e6:.1f} MB/s (1 conn), "
          f"{d4['rate'] / 1e6:.1f} MB/s (4 conns); "
          f"chargen {c['rate'] / 1e6:.1f} MB/s")


@contextlib.contextmanager
def impaired(ns, morgana, build_image, target):
    """An appliance behind `netem loss 2% reorder 10% delay 5ms` on the
    Linux side: yields (appliance, address). With tc netem on its tap
    when the kernel has sch_netem; else (a kernel built without it) the
    same impairment in user space: the appliance's tap in a namespace of
    its own, a relay (netns.py peer_impair_relay) between it and a second
    tap that holds the kernel's address."""
    if target == "hvt":
        need_tender()
    img = build_image("apps/netcheck", target=target)
    try:
        ns.netem(TAP, NETEM)
        have_netem = True
    except RuntimeError as e:
        if "unknown" not in str(e):
            raise
        have_netem = False
    if have_netem:
        ns.ip("neigh", "flush", "dev", TAP)
        a = Appliance(ns, morgana, img, TAP, [f"--ip={ADDR}/24"])
        try:
            a.wait_up(timeout=20)
            yield a, ADDR
        finally:
            a.stop()
            ns.netem(TAP, None)
        return
    side = Netns("mgnci")
    relay = a = None
    try:
        side.ip("tuntap", "add", "dev", "tapnci0", "mode", "tap")
        side.ip("link", "set", "tapnci0", "up")
        ns.ip("tuntap", "add", "dev", "tapnc1", "mode", "tap")
        ns.ip("addr", "add", "10.0.2.1/24", "dev", "tapnc1")
        ns.ip("link", "set", "tapnc1", "up")
        with tempfile.TemporaryDirectory() as tmp:
            ready = os.path.join(tmp, "ready")
            relay = side.popen(
                [PYTHON, str(ROOT / "tests/system/netns.py"), "peer",
                 "impair_relay", json.dumps(dict(
                     a_if="tapnci0", b_netns=ns.name, b_tap="tapnc1",
                     loss=0.02, reorder=0.10, delay_ms=5, seconds=600,
                     ready_file=ready))],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.monotonic() + 10
            while not os.path.exists(ready):
                assert relay.poll() is None and \
                    time.monotonic() < deadline, relay.communicate()
                time.sleep(0.05)
        a = Appliance(side, morgana, img, "tapnci0", ["--ip=10.0.2.2/24"])
        a.wait_up(timeout=20)
        yield a, "10.0.2.2"
    finally:
        if a is not None:
            a.stop()
        if relay is not None:
            relay.terminate()
            try:
                out, err = relay.communicate(timeout=10)
                print("user-space netem:", out.strip(), err.strip())
            except subprocess.TimeoutExpired:
                relay.kill()
                relay.communicate(timeout=10)
        run(["ip", "-n", ns.name, "link", "del", "tapnc1"])
        side.delete()


@pytest.mark.parametrize("target", TARGETS)
def test_tcp_under_loss_reordering_delay(ns, morgana, build_image, target):
    with impaired(ns, morgana, build_image, target) as (a, addr):
        tcp_echo(ns, 8 << 20, 20, timeout=120, addr=addr)
        d = tcp_discard(ns, 3, 2, addr=addr)
        tcp_chargen(ns, 3, addr=addr)
        st = finish(a)
    assert st.get("netcheck.echo_bytes", 0) == 8 << 20, st
    assert st.get("netcheck.discard_bytes", 0) == d["sent"], (d, st)
    # The loss was seen and repaired by the appliance's receive side.
    assert st.get("tcp.rx_ooo", 0) + st.get("tcp.rx_dup", 0) > 0, st


# --- DHCP -----------------------------------------------------------------

@pytest.mark.parametrize("target", TARGETS)
def test_dhcp_lease_from_dnsmasq_then_traffic(ns, netcheck, target):
    need("/usr/sbin/dnsmasq", "dnsmasq-base")
    with tempfile.TemporaryDirectory() as tmp:
        d = ns.popen(["/usr/sbin/dnsmasq", "--no-daemon", "--port=0",
                      f"--interface={TAP}", "--bind-interfaces",
                      "--dhcp-range=10.0.0.50,10.0.0.59,255.255.255.0,1h",
                      "--dhcp-option=3", "--conf-file=/dev/null",
                      f"--dhcp-leasefile={tmp}/leases",
                      f"--pid-file={tmp}/pid"],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     text=True)
        try:
            time.sleep(0.5)
            assert d.poll() is None, d.communicate()[0]
            a = netcheck(target, args=["--ip=dhcp"], up=False)
            addr = a.wait_up(timeout=30)
            assert addr.startswith("10.0.0.5"), a.output()
            sent, got, _, out = ns.ping(addr, count=100, interval=0.005)
            assert got == 100, out
            r = ns.peer("udp_echo", addr=addr, count=500, seed=2,
                        timeout=30)
            assert r["ok"] == 500, r
            st = finish(a)
            assert st.get("dhcp.leases", 0) >= 1, st
            assert st.get("dhcp.rx_ack", 0) >= 1, st
        finally:
            d.terminate()
            try:
                d.wait(timeout=10)
            except subprocess.TimeoutExpired:
                d.kill()
                d.wait(timeout=10)


# --- Malformed input ------------------------------------------------------

SAN_TARGETS = [
    pytest.param(("unix", True), id="unix-asan"),
    pytest.param(("hvt", False), id="hvt", marks=pytest.mark.skipif(
        not kvm_usable(), reason="/dev/kvm is not usable here")),
]


def still_serving(ns, tcp=True):
    sent, got, _, out = ns.ping(ADDR, count=20, interval=0.01)
    assert got == 20, out
    r = ns.peer("udp_echo", addr=ADDR, count=200, seed=3, timeout=30)
    assert r["ok"] == 200, r
    if tcp:
        tcp_echo(ns, 1 << 20, 4, timeout=60)


@pytest.mark.parametrize("tgt", SAN_TARGETS)
def test_malformed_frames_are_counted_and_answered(ns, netcheck, tgt):
    target, san = tgt
    need_scapy()
    a = netcheck(target, san=san)
    r = ns.peer("malformed", limit=120, iface=TAP, dst=ADDR, fake_ip=FAKE)
    still_serving(ns)
    st = finish(a)
    missing = []
    for name in r["sent"]:
        name = name.split("#")[0]
        if counter(st, name) < 1:
            missing.append(name)
    if counter(st, "if.ip_reasm_drop") < 1:
        missing.append("if.ip_reasm_drop (overlapping fragments)")
    assert not missing, f"counters that did not move: {missing}\n{st}"
    assert r["answers"] == {"udp_port_unreach": True, "proto_unreach": True,
                            "tcp_closed_rst": True, "ping_after": True}, r
    assert counter(st, "udp.rx_noport") >= 1, st
    assert counter(st, "tcp.rx_noport") >= 1, st
    assert counter(st, "if.ip_noproto") >= 1, st


@pytest.mark.parametrize("tgt", SAN_TARGETS)
def test_rst_and_syn_in_each_state(ns, netcheck, tgt):
    target, san = tgt
    need_scapy()
    a = netcheck(target, san=san)
    r = ns.peer("tcp_states", limit=120, iface=TAP, dst=ADDR,
                fake_ip=FAKE, port=7)
    still_serving(ns)
    st = finish(a)
    ctx = (r, st)

    def flags(step):
        return (r.get(step) or {}).get("flags")

    # LISTEN (RFC 9293 3.10.7.2): an ACK gets <SEQ=SEG.ACK><CTL=RST>, a
    # RST is ignored.
    assert flags("listen_ack") == "R" and r["listen_ack"]["seq"] == 12345, \
        ctx
    assert r["listen_rst"] is None, ctx
    assert flags("synack") == "SA", ctx
    # SYN-RECEIVED: an unacceptable RST is dropped.
    assert r["synrcvd_rst_outwin"] is None, ctx
    assert (r.get("echo1") or {}).get("data") == "hello", ctx
    # ESTABLISHED: SYN and in-window RST get a challenge ACK (RFC 5961),
    # out-of-window RST nothing, out-of-window data an ACK.
    assert flags("est_syn") == "A", ctx
    assert flags("est_rst_inwin") == "A", ctx
    assert r["est_rst_outwin"] is None, ctx
    assert flags("est_data_outwin") == "A", ctx
    assert (r.get("echo2") or {}).get("data") == "again", ctx
    # The exact RST ends the connection: later data gets a RST.
    assert r["est_rst_exact"] is None, ctx
    assert "R" in (flags("after_reset") or ""), ctx
    # Close: our FIN, the server's FIN; a SYN in LAST-ACK gets a challenge
    # ACK; after the last ACK, data gets a RST.
    assert "F" in (flags("fin") or ""), ctx
    assert flags("lastack_syn") == "A", ctx
    assert "R" in (flags("after_close") or ""), ctx
    assert st.get("tcp.rx_badsyn", 0) >= 2, st
    assert st.get("tcp.rx_badrst", 0) >= 1, st
    assert st.get("tcp.conn_reset", 0) >= 1, st
    # Segments for no connection (listen_ack, after_reset, after_close)
    # get their RST and are counted: on a listening port as an ACK that
    # is no valid SYN cookie.
    assert st.get("tcp.rx_noport", 0) + \
        st.get("tcp.syn_cookies_bad", 0) >= 3, st
