# SPDX-License-Identifier: ISC
"""apps/dns with real clients (issue 5): dig, kdig and dnspython.

Every rule of issue 5, section by section, against the appliance booted
four ways (tests/system/dnsapp.py): unix with Morgana's own stack over a
tap, the same built with ASan and UBSan, unix on the socket stack (host
sockets on 127.0.0.1), and hvt over a tap (skipped without /dev/kvm). Each runs in a network namespace of its
own, created and deleted here. The zone is apps/dns/example.zone (and
reverse.zone), compiled into the image.

DNS_TEST_REFERENCE=nsd runs the same tests against NSD on the same zones
instead (the tests of the appliance's own limits are skipped): a check
that what the tests expect is what the reference server does.
"""
import os
import re
import shutil
import socket
import struct
import time

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone
import pytest

from conftest import ROOT
from dnsapp import (HOST, HOST2, ZONES, DnsBox, TcpReader, mode_params,
                    tcp_frame, tcp_read_msgs)
from netns import kvm_usable

IDLE = 3       # --tcp_idle for the module's appliance
CONNS_MAX = 16  # --tcp_max


def _box_args(mode):
    allow = "127.0.0.1" if mode == "unix-socket" else HOST
    return [f"--axfr={allow}", f"--tcp_idle={IDLE}",
            f"--tcp_max={CONNS_MAX}"]


@pytest.fixture(scope="module", params=mode_params())
def box(request):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if request.param == "nsd":
        morgana = build_image = None
    else:
        morgana = request.getfixturevalue("morgana")
        build_image = request.getfixturevalue("build_image")
    b = DnsBox(morgana, build_image, request.param,
               args=_box_args(request.param))
    try:
        yield b
        st = b.finish()
        assert st.get("dns.queries", 0) > 0, st
        assert st.get("dnsd.errors", 0) == 0, st
    finally:
        b.close()


def allowed_src(box):
    return "127.0.0.1" if box.addr == "127.0.0.1" else HOST


def denied_src(box):
    return "127.0.0.2" if box.addr == "127.0.0.1" else HOST2


def appliance_only(box):
    if box.mode == "nsd":
        pytest.skip("the appliance's own limits")


def rdatas(rrset):
    return sorted(rd.to_text() for rd in rrset)


def find(section, name, rdtype):
    for rrset in section:
        if rrset.name == dns.name.from_text(name) and \
                rrset.rdtype == dns.rdatatype.from_text(rdtype):
            return rrset
    return None


def assert_soa_authority(r):
    assert len(r.authority) == 1, r.to_text()
    soa = r.authority[0]
    assert soa.rdtype == dns.rdatatype.SOA, r.to_text()
    assert soa.name == dns.name.from_text("example.org.")
    # RFC 2308 3: the SOA's TTL is min(SOA TTL, MINIMUM).
    assert soa.ttl == 300, r.to_text()


# --- Real clients -----------------------------------------------------------

def test_dig_soa(box):
    r = box.dig("example.org", "SOA", "+norec")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "status: NOERROR" in r.stdout, r.stdout
    assert " aa" in r.stdout.split("flags:")[1].split(";")[0], r.stdout
    assert "ns1.example.org. hostmaster.example.org. 2026112301 7200 " \
        "3600 1209600 300" in r.stdout, r.stdout


def test_kdig_a_and_aaaa(box):
    r = box.kdig("+short", "example.org", "A")
    assert r.stdout.split() == ["192.0.2.1"], r.stdout + r.stderr
    r = box.kdig("+short", "mail.example.org", "AAAA")
    assert r.stdout.split() == ["2001:db8::25"], r.stdout + r.stderr
    r = box.kdig("+tcp", "+short", "ns2.example.org", "A")
    assert r.stdout.split() == ["198.51.100.53"], r.stdout + r.stderr


# --- Every type ---------------------------------------------------------------

TYPES = [
    ("example.org.", "A", 3600, ["192.0.2.1"]),
    ("example.org.", "AAAA", 3600, ["2001:db8::1"]),
    ("example.org.", "NS", 3600, ["ns1.example.org.", "ns2.example.org."]),
    ("example.org.", "MX", 3600, ["10 mail.example.org.",
                                  "20 mail2.example.net."]),
    ("example.org.", "TXT", 3600, ['"v=spf1 mx -all"']),
    ("example.org.", "CAA", 3600, ['0 iodef "mailto:security@example.org"',
                                   '0 issue "letsencrypt.org"']),
    ("example.org.", "SOA", 3600, [
        "ns1.example.org. hostmaster.example.org. 2026112301 7200 3600 "
        "1209600 300"]),
    ("ns2.example.org.", "A", 1800, ["198.51.100.53"]),
    ("_sip._udp.example.org.", "SRV", 3600, ["10 60 5060 sip.example.org."]),
    ("pointer.example.org.", "PTR", 3600, ["www.example.org."]),
    ("www.example.org.", "CNAME", 3600, ["example.org."]),
    ("info.example.org.", "TXT", 3600, [
        '"Morgana answers from a zone compiled into the image" '
        '"second string; with \\"quotes\\""']),
    ("unknown.example.org.", "TYPE65280", 3600, ["\\# 4 0a000001"]),
    ("1.2.0.192.in-addr.arpa.", "PTR", 3600, ["example.org."]),
    ("25.2.0.192.in-addr.arpa.", "PTR", 3600, ["mail.example.org."]),
]


@pytest.mark.parametrize("name,rdtype,ttl,want", TYPES,
                         ids=[f"{t[1]}-{t[0]}" for t in TYPES])
def test_every_type(box, name, rdtype, ttl, want):
    r = box.query(name, rdtype)
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert r.flags & dns.flags.AA, r.to_text()
    rr = find(r.answer, name, rdtype)
    assert rr is not None and len(r.answer) == 1, r.to_text()
    assert rdatas(rr) == sorted(want), r.to_text()
    assert rr.ttl == ttl, r.to_text()


# --- Negative answers (RFC 2308) ---------------------------------------------

def test_nodata_has_soa(box):
    r = box.query("mail.example.org.", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer, r.to_text()
    assert r.flags & dns.flags.AA, r.to_text()
    assert_soa_authority(r)


def test_nxdomain_has_soa(box):
    r = box.query("nope.example.org.", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN and not r.answer, r.to_text()
    assert r.flags & dns.flags.AA, r.to_text()
    assert_soa_authority(r)
    r = box.query("a.b.c.nope.2.0.192.in-addr.arpa.", "PTR")
    assert r.rcode() == dns.rcode.NXDOMAIN, r.to_text()
    assert r.authority and r.authority[0].name == \
        dns.name.from_text("2.0.192.in-addr.arpa."), r.to_text()


# --- CNAME -----------------------------------------------------------------------

def test_cname_chain_in_zone(box):
    r = box.query("ftp.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert r.flags & dns.flags.AA, r.to_text()
    got = [(rr.name.to_text(), dns.rdatatype.to_text(rr.rdtype),
            rdatas(rr)) for rr in r.answer]
    assert got == [
        ("ftp.example.org.", "CNAME", ["www.example.org."]),
        ("www.example.org.", "CNAME", ["example.org."]),
        ("example.org.", "A", ["192.0.2.1"]),
    ], r.to_text()


def test_cname_chain_nodata_at_end(box):
    r = box.query("ftp.example.org.", "SRV")
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert [rr.rdtype for rr in r.answer] == [dns.rdatatype.CNAME] * 2
    assert_soa_authority(r)


def test_cname_out_of_zone(box):
    r = box.query("cdn.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert len(r.answer) == 1 and r.answer[0].rdtype == dns.rdatatype.CNAME
    assert rdatas(r.answer[0]) == ["example.cdn.example.net."]
    assert r.answer[0].ttl == 300


# --- Wildcards (RFC 4592) -------------------------------------------------------

def test_wildcard_synthesis(box):
    for name in ("foo.dyn.example.org.", "a.b.c.dyn.example.org."):
        r = box.query(name, "A")
        assert r.rcode() == dns.rcode.NOERROR, r.to_text()
        assert r.flags & dns.flags.AA, r.to_text()
        rr = find(r.answer, name, "A")
        assert rr is not None and rdatas(rr) == ["192.0.2.200"], \
            r.to_text()
    r = box.query("foo.dyn.example.org.", "TXT")
    assert rdatas(find(r.answer, "foo.dyn.example.org.", "TXT")) == \
        ['"synthesised from *.dyn"'], r.to_text()


def test_wildcard_nodata(box):
    r = box.query("foo.dyn.example.org.", "MX")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer, r.to_text()
    assert_soa_authority(r)


def test_wildcard_does_not_cover_existing_names(box):
    r = box.query("host.dyn.example.org.", "A")
    assert rdatas(r.answer[0]) == ["192.0.2.201"], r.to_text()
    r = box.query("host.dyn.example.org.", "TXT")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer, r.to_text()


def test_wildcard_empty_non_terminal(box):
    # ent.dyn exists (sub.ent.dyn has data): NODATA, not the wildcard.
    r = box.query("ent.dyn.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer, r.to_text()
    assert_soa_authority(r)
    # Below it, the closest encloser is ent.dyn, which has no wildcard.
    r = box.query("x.ent.dyn.example.org.", "A")
    assert r.rcode() == dns.rcode.NXDOMAIN, r.to_text()
    # dyn itself is an empty non-terminal (*.dyn is below it).
    r = box.query("dyn.example.org.", "A")
    assert r.rcode() == dns.rcode.NOERROR and not r.answer, r.to_text()


# --- Delegation -------------------------------------------------------------------

@pytest.mark.parametrize("name,rdtype", [("www.sub.example.org.", "A"),
                                         ("sub.example.org.", "NS"),
                                         ("a.b.sub.example.org.", "MX")])
def test_delegation_referral_with_glue(box, name, rdtype):
    r = box.query(name, rdtype)
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert not r.flags & dns.flags.AA, r.to_text()
    assert not r.answer, r.to_text()
    ns = find(r.authority, "sub.example.org.", "NS")
    assert ns is not None, r.to_text()
    assert rdatas(ns) == ["ns.example.net.", "ns1.sub.example.org."]
    a = find(r.additional, "ns1.sub.example.org.", "A")
    aaaa = find(r.additional, "ns1.sub.example.org.", "AAAA")
    assert a is not None and rdatas(a) == ["192.0.2.100"], r.to_text()
    assert aaaa is not None and rdatas(aaaa) == ["2001:db8::100"]


# --- Additional section -------------------------------------------------------

def test_additional_for_mx_ns_srv(box):
    r = box.query("example.org.", "MX")
    assert rdatas(find(r.additional, "mail.example.org.", "A")) == \
        ["192.0.2.25"], r.to_text()
    assert rdatas(find(r.additional, "mail.example.org.", "AAAA")) == \
        ["2001:db8::25"], r.to_text()
    assert all(rr.name != dns.name.from_text("mail2.example.net.")
               for rr in r.additional), r.to_text()
    r = box.query("example.org.", "NS")
    assert find(r.additional, "ns1.example.org.", "A") is not None
    assert find(r.additional, "ns1.example.org.", "AAAA") is not None
    assert find(r.additional, "ns2.example.org.", "A") is not None
    r = box.query("_sip._udp.example.org.", "SRV")
    assert rdatas(find(r.additional, "sip.example.org.", "A")) == \
        ["192.0.2.60"], r.to_text()


# --- Outside every zone, bad messages, opcodes -------------------------------

@pytest.mark.parametrize("name", ["example.com.", "org.", ".",
                                  "example.org.example.com.",
                                  "3.0.192.in-addr.arpa."])
def test_refused_outside_zones(box, name):
    r = box.query(name, "A")
    assert r.rcode() == dns.rcode.REFUSED, r.to_text()
    assert not r.flags & dns.flags.AA, r.to_text()
    assert not r.answer, r.to_text()


def header(qid=0x1234, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


QUESTION = dns.name.from_text("example.org.").to_wire() + \
    struct.pack("!HH", 1, 1)


def rcode_of(wire):
    assert wire is not None and len(wire) >= 12, wire
    return struct.unpack("!H", wire[2:4])[0] & 0xf


def test_formerr_qdcount(box):
    r = box.raw_udp(header(qd=2) + QUESTION + QUESTION)
    assert rcode_of(r) == dns.rcode.FORMERR, r
    assert r[:2] == b"\x12\x34" and r[2] & 0x80, r


def test_formerr_truncated_question(box):
    r = box.raw_udp(header() + QUESTION[:-3])
    assert rcode_of(r) == dns.rcode.FORMERR, r


def test_formerr_bad_name(box):
    # A compression pointer that points at itself.
    r = box.raw_udp(header() + b"\xc0\x0c" + struct.pack("!HH", 1, 1))
    assert rcode_of(r) == dns.rcode.FORMERR, r


@pytest.mark.parametrize("opcode", [dns.opcode.IQUERY, dns.opcode.STATUS,
                                    3, dns.opcode.UPDATE, 15])
def test_notimp_other_opcodes(box, opcode):
    r = box.raw_udp(header(flags=opcode << 11) + QUESTION)
    assert rcode_of(r) == dns.rcode.NOTIMP, r
    assert (r[2] >> 3) & 0xf == opcode, r


def test_responses_and_runts_are_dropped(box):
    assert box.raw_udp(header(flags=0x8100) + QUESTION, timeout=1) is None
    assert box.raw_udp(b"\x12\x34\x01\x00\x00", timeout=1) is None
    # Still answering after them.
    assert box.query("example.org.", "A").rcode() == dns.rcode.NOERROR


# --- ANY (RFC 8482) ------------------------------------------------------------------

def test_any_minimal(box):
    r = box.query("example.org.", "ANY")
    assert r.rcode() == dns.rcode.NOERROR, r.to_text()
    assert r.flags & dns.flags.AA, r.to_text()
    # One RRset, not all nine at the apex.
    assert len(r.answer) == 1, r.to_text()
    assert r.answer[0].name == dns.name.from_text("example.org.")
    r = box.query("nope.example.org.", "ANY")
    assert r.rcode() == dns.rcode.NXDOMAIN, r.to_text()


# --- EDNS0 -----------------------------------------------------------------------------

def test_edns_opt_echoed(box):
    r = box.query("example.org.", "A", use_edns=0, payload=1232)
    assert r.edns == 0, r.to_text()
    assert r.payload >= 512, r.to_text()
    assert not r.ednsflags & dns.flags.DO, r.to_text()
    r = box.query("example.org.", "A", use_edns=0, payload=4096,
                  want_dnssec=True)
    assert r.edns == 0 and r.ednsflags & dns.flags.DO, r.to_text()
    r = box.query("example.org.", "A", use_edns=False)
    assert r.edns < 0, r.to_text()


def test_edns_badvers(box):
    q = dns.message.make_query("example.org.", "A", use_edns=0)
    q.use_edns(1)  # make_query would say version 0
    r = box.udp(q)
    assert r.rcode() == dns.rcode.BADVERS, r.to_text()
    assert r.edns == 0, r.to_text()
    assert not r.answer, r.to_text()


# --- Truncation and TCP -------------------------------------------------------------

def test_truncated_over_udp_without_edns(box):
    r = box.query("big.example.org.", "TXT", use_edns=False)
    assert r.flags & dns.flags.TC, r.to_text()
    assert not r.answer, r.to_text()
    r = box.kdig("+notcp", "+noedns", "big.example.org", "TXT")
    assert "tc" in r.stdout.split("Flags:")[1].split(";")[0], r.stdout


def test_big_answer_with_edns_and_over_tcp(box):
    # big: about 1 KB, fits an EDNS answer.
    r = box.query("big.example.org.", "TXT", use_edns=0, payload=1232)
    assert not r.flags & dns.flags.TC, r.to_text()
    assert len(r.answer[0]) == 12, r.to_text()
    # huge: about 3 KB, whole over TCP only.
    r = box.query("huge.example.org.", "TXT", use_edns=0, payload=4096)
    assert r.flags & dns.flags.TC or len(r.answer[0]) == 40, r.to_text()
    r = box.query("huge.example.org.", "TXT", tcp=True)
    assert not r.flags & dns.flags.TC, r.to_text()
    assert len(r.answer[0]) == 40, r.to_text()
    # dig retries over TCP by itself when it sees TC.
    r = box.dig("huge.example.org", "TXT", "+noedns")
    assert r.stdout.count("\tTXT\t") == 40, r.stdout


def test_edns_payload_limits_udp(box):
    # 600 bytes is less than big's RRset: truncated, with the OPT.
    r = box.query("big.example.org.", "TXT", use_edns=0, payload=600)
    assert r.flags & dns.flags.TC and r.edns == 0, r.to_text()
    assert not r.answer, r.to_text()


def test_tcp_pipelined_queries_one_connection(box):
    names = [("example.org.", "A"), ("nope.example.org.", "A"),
             ("big.example.org.", "TXT"), ("ftp.example.org.", "A"),
             ("www.sub.example.org.", "A"), ("example.com.", "A"),
        ("huge.example.org.", "TXT")] * 5
    qs = [dns.message.make_query(n, t) for n, t in names]
    for i, q in enumerate(qs):
        q.id = 1000 + i
    s = box.tcp_connect()
    try:
        s.sendall(b"".join(tcp_frame(q.to_wire()) for q in qs))
        rs = tcp_read_msgs(s, len(qs))
    finally:
        s.close()
    assert [r.id for r in rs] == [q.id for q in qs]
    for q, r in zip(qs, rs):
        assert r.question == q.question, (q.to_text(), r.to_text())
    assert len(rs[2].answer[0]) == 12 and len(rs[6].answer[0]) == 40


def test_tcp_split_into_small_pieces(box):
    qs = [dns.message.make_query("example.org.", t)
          for t in ("A", "AAAA", "MX", "TXT", "SOA")]
    data = b"".join(tcp_frame(q.to_wire()) for q in qs)
    s = box.tcp_connect()
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(0, len(data), 3):  # 3 bytes a segment
            s.send(data[i:i + 3])
            time.sleep(0.002)
        rs = tcp_read_msgs(s, len(qs))
    finally:
        s.close()
    assert [r.id for r in rs] == [q.id for q in qs]
    assert all(r.rcode() == dns.rcode.NOERROR and r.answer for r in rs)


def test_tcp_idle_connection_closed(box):
    appliance_only(box)
    s = box.tcp_connect()
    try:
        s.settimeout(IDLE + 5)
        t0 = time.monotonic()
        try:
            got = s.recv(10)
        except ConnectionResetError:
            got = b""
        dt = time.monotonic() - t0
    finally:
        s.close()
    assert got == b"" and IDLE - 0.5 <= dt <= IDLE + 3, (got, dt)


def test_tcp_connection_limit(box):
    appliance_only(box)
    socks = [box.tcp_connect() for _ in range(CONNS_MAX)]
    try:
        # Every one of them is served.
        q = dns.message.make_query("example.org.", "A")
        for s in socks:
            s.sendall(tcp_frame(q.to_wire()))
        for s in socks:
            assert len(tcp_read_msgs(s, 1)) == 1
        # One more is refused: RST after (or during) the handshake.
        try:
            extra = box.tcp_connect()
        except ConnectionResetError:
            extra = None
        if extra is not None:
            try:
                extra.settimeout(3)
                try:
                    extra.sendall(tcp_frame(q.to_wire()))
                    got = extra.recv(100)
                except (ConnectionResetError, BrokenPipeError):
                    got = b""
                assert got == b"", got
            finally:
                extra.close()
    finally:
        for s in socks:
            s.close()
    time.sleep(0.5)
    assert box.query("example.org.", "A", tcp=True).answer


# --- Case ---------------------------------------------------------------------------

def test_case_preserved_matched_insensitively(box):
    q = dns.message.make_query("WwW.ExAmPlE.oRg.", "A")
    wire = q.to_wire()
    r = box.raw_udp(wire)
    assert r is not None
    qlen = len(wire) - 12
    assert r[12:12 + qlen] == wire[12:], (r, wire)
    m = dns.message.from_wire(r)
    assert m.rcode() == dns.rcode.NOERROR and len(m.answer) == 2, \
        m.to_text()
    assert rdatas(m.answer[1]) == ["192.0.2.1"]


# --- AXFR ---------------------------------------------------------------------------

def zone_rrs(path, origin):
    z = dns.zone.from_file(str(path), origin, relativize=False)
    out = []
    for name, ttl, rd in z.iterate_rdatas():
        out.append((name.to_text().lower(), ttl, rd.rdtype,
                    rd.to_text()))
    return sorted(out)


def xfr_rrs(box, origin, source):
    def go():
        msgs = list(dns.query.xfr(box.addr, origin, port=box.port,
                                  source=source, lifetime=10,
                                  relativize=False))
        return msgs
    msgs = box.nst.call(go)
    rrs = []
    for m in msgs:
        for rrset in m.answer:
            for rd in rrset:
                rrs.append((rrset.name.to_text().lower(), rrset.ttl,
                            rd.rdtype, rd.to_text()))
    return rrs


@pytest.mark.parametrize("zone,origin", [(ZONES[0], "example.org."),
                                         (ZONES[1], "2.0.192.in-addr.arpa.")])
def test_axfr_allowed(box, zone, origin):
    rrs = xfr_rrs(box, origin, allowed_src(box))
    assert rrs[0][2] == dns.rdatatype.SOA and rrs[-1] == rrs[0], rrs[:2]
    assert sorted(rrs[:-1]) == zone_rrs(zone, origin)


def test_axfr_kdig(box):
    r = box.tool(["kdig", f"@{box.addr}", "-p", str(box.port), "-b",
                  allowed_src(box), "+time=5", "example.org", "AXFR"])
    lines = [ln for ln in r.stdout.splitlines()
             if ln and not ln.startswith(";")]
    assert lines and "\tSOA\t" in lines[0] and lines[0] == lines[-1], \
        r.stdout + r.stderr
    assert len(lines) == len(zone_rrs(ZONES[0], "example.org.")) + 1


def test_axfr_then_query_on_one_connection(box):
    """A transfer, then a query behind it on the same connection: the
    query waits for the transfer's last message."""
    ax = dns.message.make_query("example.org.", "AXFR")
    ax.id = 7
    q = dns.message.make_query("www.example.org.", "A")
    q.id = 8
    s = box.tcp_connect(source=allowed_src(box))
    try:
        s.sendall(tcp_frame(ax.to_wire()) + tcp_frame(q.to_wire()))
        rd = TcpReader(s)
        msgs = []
        while True:
            m = rd.next()
            assert m is not None, msgs
            if m.id != 7:
                break
            assert m.rcode() == dns.rcode.NOERROR, m.to_text()
            msgs.append(m)
    finally:
        s.close()
    # The transfer starts with the SOA (test_axfr_allowed checks the rest;
    # dnspython merges the closing SOA into the first RRset here).
    assert msgs and msgs[0].answer[0].rdtype == dns.rdatatype.SOA
    assert m.id == 8 and rdatas(m.answer[-1]) == ["192.0.2.1"], m.to_text()


def test_axfr_not_an_apex(box):
    q = dns.message.make_query("www.example.org.", "AXFR")
    r = box.tcp(q, source=allowed_src(box))
    assert r.rcode() in (dns.rcode.NOTAUTH, dns.rcode.REFUSED), r.to_text()
    assert not r.answer, r.to_text()


def test_axfr_denied(box):
    q = dns.message.make_query("example.org.", "AXFR")
    r = box.tcp(q, source=denied_src(box))
    assert r.rcode() == dns.rcode.REFUSED, r.to_text()
    assert not r.answer, r.to_text()


def test_axfr_over_udp_not_served(box):
    q = dns.message.make_query("example.org.", "AXFR")
    r = box.udp(q, source=allowed_src(box))
    assert r.rcode() != dns.rcode.NOERROR or not r.answer, r.to_text()


# --- Counters ---------------------------------------------------------------------

def test_counters_on_demand_and_on_exit(request):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if os.environ.get("DNS_TEST_REFERENCE"):
        pytest.skip("the appliance's own counters")
    morgana = request.getfixturevalue("morgana")
    build_image = request.getfixturevalue("build_image")
    b = DnsBox(morgana, build_image, "unix-direct", args=["--stats=1"],
               tap="tapdns1", prefix="mgdnsc")
    try:
        for _ in range(10):
            b.query("example.org.", "A")
        for _ in range(5):
            b.query("nope.example.org.", "A")
        for _ in range(3):
            b.query("example.com.", "A")
        b.query("mail.example.org.", "TXT", tcp=True)
        assert b.app.wait_line(r"^dns: counters$", timeout=5), \
            b.app.output()
        st = b.finish()
        # The reachability probe adds SOA queries (noerror) before these.
        assert st["dns.nxdomain"] == 5, st
        assert st["dns.refused"] == 3, st
        assert st["dns.nodata"] == 1, st
        assert st["dns.noerror"] >= 10, st
        assert st["dns.queries"] == (st["dns.noerror"] + st["dns.nodata"] +
                                     st["dns.nxdomain"] + st["dns.refused"]
                                     ), st
        assert st["dnsd.tcp_conns"] == 1 and st["dnsd.tcp_queries"] == 1, st
        assert st["dnsd.udp_tx"] == st["dnsd.udp_rx"], st
    finally:
        b.close()


# --- A big zone: AXFR over many messages, to a slow reader ------------------

def big_zone(path, n):
    lines = ["$ORIGIN big.test.", "$TTL 300",
             "@ SOA ns.big.test. host.big.test. 1 7200 3600 1209600 60",
             "@ NS ns", "ns A 192.0.2.53"]
    for i in range(n):
        lines.append(f"h{i} A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        lines.append(f'h{i} TXT "host {i} of a zone too big for one '
                     f'message"')
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("mode", [
    "unix-direct", "unix-socket",
    pytest.param("hvt", marks=pytest.mark.skipif(
        not kvm_usable(), reason="/dev/kvm is not usable here"))])
def test_axfr_big_zone_slow_reader(request, tmp_path_factory, mode):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if os.environ.get("DNS_TEST_REFERENCE"):
        pytest.skip("the appliance's own build")
    n = 3000
    app = tmp_path_factory.mktemp("bigdns")
    shutil.copy(ROOT / "apps/dns/dns.c", app / "dns.c")
    mk = (ROOT / "apps/dns/app.mk").read_text()
    mk = re.sub(r"(?m)^APP_ZONES :=.*$", "APP_ZONES := big.zone", mk)
    (app / "app.mk").write_text(mk)
    big_zone(app / "big.zone", n)
    morgana = request.getfixturevalue("morgana")
    build_image = request.getfixturevalue("build_image")
    allow = "127.0.0.1" if mode == "unix-socket" else HOST
    b = DnsBox(morgana, lambda _d, **kw: build_image(app, **kw), mode,
               args=[f"--axfr={allow}"], tap="tapdns2", prefix="mgdnsb")
    try:
        ax = dns.message.make_query("big.test.", "AXFR")
        s = b.tcp_connect(source=allow)
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
            s.sendall(tcp_frame(ax.to_wire()))
            time.sleep(1)  # let the server fill the window and wait
            rd = TcpReader(s, timeout=10)
            msgs, rrs, soas = 0, 0, 0
            while soas < 2:
                m = rd.next()
                assert m is not None, (msgs, rrs)
                msgs += 1
                for rr in m.answer:
                    rrs += len(rr)
                    if rr.rdtype == dns.rdatatype.SOA:
                        soas += len(rr) if msgs > 1 else 1
        finally:
            s.close()
        # SOA, NS, ns A, n A, n TXT, SOA again.
        assert rrs == 2 * n + 4 and msgs > 1, (msgs, rrs)
        assert b.query("h7.big.test.", "A").answer
        rc, st, out = b.stop()
        assert rc == 0, out
        assert st["dnsd.axfr_allowed"] == 1 and st["dnsd.axfr_msgs"] == \
            msgs, st
    finally:
        b.close()
