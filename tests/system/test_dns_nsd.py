# SPDX-License-Identifier: ISC
"""Differential test of apps/dns against NSD (issue 5).

NSD and Morgana serve the same zones (apps/dns/example.zone: every record
type, wildcards with an empty non-terminal, a delegation with glue, CNAME
chains; and reverse.zone) inside one network namespace: NSD on
127.0.0.1:5300 with its own configuration in a temporary folder, Morgana
booted as DIFF_MODE says (unix-socket by default: host sockets on
127.0.0.1; unix-direct or hvt: over a tap). NSD keeps its defaults but
minimal-responses (DIFF_NSD_MINIMAL, default "no"). Thousands of generated
queries (DIFF_QUERIES, default 3000; existing names, missing names,
names under wildcards, empty non-terminals and the delegation, names
outside every zone, every type, random case, EDNS on and off with
several sizes and the DO bit, UDP and TCP) go to both; the answers must
be equal on rcode, header flags, the question as sent (case included),
the EDNS version and DO bit, and every section, order-insensitive within
a section. Bounded: at most DIFF_SECONDS (default 60) of queries a mode.
"""
import os
import random
import struct
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.zone
import pytest

from dnsapp import (NSD_PORT, ORIGINS, ZONES, DnsBox, Nsd, flags_text,
                    mode_params, rr_set)
from netns import kvm_usable

QUERIES = int(os.environ.get("DIFF_QUERIES", "3000"))
SECONDS = float(os.environ.get("DIFF_SECONDS", "60"))  # per mode
MODE = os.environ.get("DIFF_MODE", "all")
SEED = int(os.environ.get("DIFF_SEED", "5"))
# NSD's minimal-responses (no: NS in the authority section of positive
# answers and their addresses in additional, NSD's default).
MINIMAL = os.environ.get("DIFF_NSD_MINIMAL", "no")

TYPES = ["A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV",
         "CAA", "TYPE65280", "HINFO", "DS", "DNSKEY", "NAPTR", "SPF",
         "TYPE1234", "ANY", "RRSIG", "NSEC", "TYPE0", "MAILB"]


@pytest.fixture(scope="module",
                params=[MODE] if MODE != "all" else mode_params())
def pair(request, morgana, build_image):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if not os.path.exists("/usr/sbin/nsd"):
        pytest.skip("nsd is not installed (tools/ensure-deps nsd)")
    if request.param == "hvt" and not kvm_usable():
        pytest.skip("/dev/kvm is not usable here")
    box = DnsBox(morgana, build_image, request.param, tap="tapdiff0",
                 prefix="mgdiff")
    nsd = None
    try:
        nsd = Nsd(popen=box.ns.popen, minimal=MINIMAL)

        def ping():
            return box.nst.call(
                dns.query.udp, dns.message.make_query("example.org.", "SOA"),
                "127.0.0.1", port=NSD_PORT, timeout=0.5)
        nsd.wait(ping)
        yield box, nsd
        rc, st, out = box.stop()
        assert rc == 0, out
        assert st.get("dnsd.errors", 0) == 0, st
    finally:
        if nsd is not None:
            nsd.stop()
        box.close()


def zone_names():
    names = set()
    for path, origin in zip(ZONES, ORIGINS):
        z = dns.zone.from_file(str(path), origin, relativize=False)
        names.update(n.to_text() for n in z.nodes)
    return sorted(names)


def random_label(rnd):
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                   for _ in range(rnd.randint(1, 12))).strip("-") or "x"


def candidate_names(rnd):
    """Existing names, names around them, names outside."""
    have = zone_names()
    ents = ["dyn.example.org.", "ent.dyn.example.org.", "_udp.example.org.",
            "_tcp.example.org."]
    out = list(have) + ents
    for _ in range(40):
        out.append(f"{random_label(rnd)}.dyn.example.org.")
        out.append(f"{random_label(rnd)}.{random_label(rnd)}.dyn."
                   "example.org.")
        out.append(f"{random_label(rnd)}.example.org.")
        out.append(f"{random_label(rnd)}.{rnd.choice(have)}")
        out.append(f"{random_label(rnd)}.sub.example.org.")
        out.append(f"{random_label(rnd)}.ent.dyn.example.org.")
        out.append(f"{rnd.randint(0, 255)}.2.0.192.in-addr.arpa.")
        out.append(f"{random_label(rnd)}.{rnd.choice(['com', 'net', 'org', 'arpa'])}.")
    out += ["example.com.", "org.", ".", "0.192.in-addr.arpa.",
            "example.org.example.com.", "ns1.sub.example.org.",
            "sub.example.org."]
    return out


def random_case(rnd, name):
    return "".join(c.upper() if c.isalpha() and rnd.random() < 0.5 else c
                   for c in name)


def make_queries(rnd, n):
    names = candidate_names(rnd)
    qs = []
    for i in range(n):
        name = random_case(rnd, rnd.choice(names))
        rdtype = rnd.choice(TYPES)
        edns = rnd.random() < 0.6
        kw = {}
        if edns:
            kw = dict(use_edns=0,
                      payload=rnd.choice([512, 1232, 1400, 4096, 65535]),
                      want_dnssec=rnd.random() < 0.3)
        else:
            kw = dict(use_edns=False)
        rdclass = "IN"
        if rnd.random() < 0.05:
            rdclass = rnd.choice(["CH", "HS", "ANY", "CLASS42"])
        q = dns.message.make_query(name, rdtype, rdclass, **kw)
        q.id = i & 0xffff
        if rnd.random() < 0.3:
            q.flags &= ~dns.flags.RD
        if rnd.random() < 0.1:
            q.flags |= dns.flags.CD
        if rnd.random() < 0.1:
            q.flags |= dns.flags.AD
        tcp = rnd.random() < 0.15
        qs.append((q, tcp))
    return qs


def ask(box, addr, port, q, tcp):
    fn = dns.query.tcp if tcp else dns.query.udp
    for _ in range(3):
        try:
            return box.nst.call(fn, q, addr, port=port, timeout=2)
        except dns.exception.Timeout:
            continue
    return None


def summary(m):
    """What is compared, as a dict."""
    if m is None:
        return None
    return dict(
        rcode=m.rcode(),
        flags=flags_text(m),
        question=[(r.name.to_text(), r.rdclass, r.rdtype)
                  for r in m.question],
        edns=m.edns,
        do=bool(m.ednsflags & dns.flags.DO) if m.edns >= 0 else None,
        answer=rr_set(m.answer),
        authority=rr_set(m.authority),
        additional=rr_set(m.additional),
    )


def diff(a, b):
    if a is None or b is None:
        return ["no answer from " + ("nsd" if a is None else "morgana")]
    return [k for k in a if a[k] != b[k]]


def test_morgana_equals_nsd(pair):
    box, nsd = pair
    rnd = random.Random(SEED)
    qs = make_queries(rnd, QUERIES)
    t0 = time.monotonic()
    bad = []
    done = 0
    payloads = set()
    for q, tcp in qs:
        if time.monotonic() - t0 > SECONDS:
            break
        want = ask(box, "127.0.0.1", NSD_PORT, q, tcp)
        got = ask(box, box.addr, box.port, q, tcp)
        done += 1
        if got is not None and got.edns >= 0:
            payloads.add(got.payload)
        sw, sg = summary(want), summary(got)
        d = diff(sw, sg)
        if d:
            bad.append((q, tcp, d, want, got))
    print(f"{done} queries in {time.monotonic() - t0:.1f} s, "
          f"{len(bad)} differ; Morgana's EDNS sizes {sorted(payloads)}")
    assert done >= min(QUERIES, 500), f"only {done} queries in time"
    if bad:
        lines = []
        for q, tcp, d, want, got in bad[:8]:
            lines.append(f"=== {q.question[0].to_text()} "
                         f"{'tcp' if tcp else 'udp'} edns={q.edns} "
                         f"payload={q.payload}: differs in {d}")
            lines.append("--- nsd:\n" + (want.to_text() if want else "-"))
            lines.append("--- morgana:\n" + (got.to_text() if got else "-"))
        kinds = {}
        for _, _, d, _, _ in bad:
            for k in d:
                kinds[k] = kinds.get(k, 0) + 1
        pytest.fail(f"{len(bad)} of {done} answers differ {kinds}:\n" +
                    "\n".join(lines))


def header(flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", 0x4242, flags, qd, an, ns, ar)


Q = dns.name.from_text("example.org.").to_wire() + struct.pack("!HH", 1, 1)
OPT = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0)
A_RR = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([1, 2, 3, 4])

RAW = {
    "qdcount0": header(qd=0),
    "qdcount2": header(qd=2) + Q + Q,
    "short_question": header() + Q[:-2],
    "pointer_loop": header() + b"\xc0\x0c" + struct.pack("!HH", 1, 1),
    "label_too_long": header() + b"\x40" + b"a" * 64 + b"\x00" +
    struct.pack("!HH", 1, 1),
    "opcode_iquery": header(flags=1 << 11) + Q,
    "opcode_status": header(flags=2 << 11) + Q,
    "opcode_update": header(flags=5 << 11) + Q,
    "class_chaos": header() + Q[:-2] + struct.pack("!H", 3),
    "trailing_garbage": header() + Q + b"\x01\x02\x03",
    "opcode_3": header(flags=3 << 11) + Q,
    "opcode_notify": header(flags=4 << 11) + Q[:-4] +
    struct.pack("!HH", 6, 1),
    "opcode_15": header(flags=15 << 11) + Q,
    "axfr_over_udp": header() + Q[:-4] + struct.pack("!HH", 252, 1),
    "two_opts": header(ar=2) + Q + OPT + OPT,
    "opt_not_root": header(ar=1) + Q + b"\x01a\x00" + OPT[1:],
    "answer_in_query": header(an=1) + Q + A_RR,
    "authority_in_query": header(ns=1) + Q + A_RR,
    "counts_past_end": header(ar=3) + Q,
    "tc_in_query": header(flags=0x0300) + Q,
    "z_bit_in_query": header(flags=0x0140) + Q,
    "rcode_in_query": header(flags=0x0105) + Q,
}


def raw(box, addr, port, wire):
    import socket

    def go():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1.5)
        try:
            s.sendto(wire, (addr, port))
            return s.recv(65535)
        except socket.timeout:
            return None
        finally:
            s.close()
    return box.nst.call(go)


@pytest.mark.parametrize("case", sorted(RAW))
def test_malformed_like_nsd(pair, case):
    box, nsd = pair
    want = raw(box, "127.0.0.1", NSD_PORT, RAW[case])
    got = raw(box, box.addr, box.port, RAW[case])
    if want is None:
        assert got is None, got
        return
    assert got is not None, "nsd answered, morgana did not"
    # Header: ID, flags and rcode, and the section counts.
    hw = struct.unpack("!HHHHHH", want[:12])
    hg = struct.unpack("!HHHHHH", got[:12])
    assert hg[0] == hw[0] and hg[1] == hw[1], (hw, hg)
    assert hg[2:] == hw[2:], (hw, hg)


def test_ixfr_like_nsd(pair):
    """IXFR (RFC 1995) with no transfer allowed, over UDP and TCP: NSD
    says REFUSED at a zone's apex and NOTAUTH for any other name."""
    box, nsd = pair
    bad = []
    for name in ["example.org.", "ExAmPlE.oRg.", "www.example.org.",
                 "nope.example.org.", "2.0.192.in-addr.arpa.",
                 "example.com."]:
        for tcp in (False, True):
            q = dns.message.make_query(name, "IXFR")
            want = ask(box, "127.0.0.1", NSD_PORT, q, tcp)
            got = ask(box, box.addr, box.port, q, tcp)
            sw, sg = summary(want), summary(got)
            if sw != sg:
                bad.append(f"{name} {'tcp' if tcp else 'udp'}: nsd "
                           f"{sw and dns.rcode.to_text(sw['rcode'])}, "
                           f"morgana {sg and dns.rcode.to_text(sg['rcode'])}"
                           f" ({diff(sw, sg)})")
    assert not bad, "\n".join(bad)
