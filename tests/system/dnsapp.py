# SPDX-License-Identifier: ISC
"""The DNS appliance (apps/dns) for the system tests and bench/dns.

  DnsBox     an AppBox (appbox.py) running apps/dns, at ADDR:53 or
             127.0.0.1:SOCK_PORT, with query helpers (dnspython over
             UDP/TCP, dig, kdig, raw bytes) and its counters when stopped;
             mode "nsd" runs NSD in its place.
  Nsd        NSD on the same zones, inside the namespace, by PID.
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rdatatype

import appbox
from appbox import ADDR, HOST, MODES, AppBox, NsThread  # noqa: F401
from conftest import ROOT
from netns import Netns

HOST2 = "10.0.0.3"     # a second kernel address (not allowed AXFR)
SOCK_PORT = 5353       # the appliance on the socket stack (127.0.0.1)
NSD_PORT = 5300        # NSD, on 127.0.0.1 in the namespace
ZONES = [ROOT / "apps/dns/example.zone", ROOT / "apps/dns/reverse.zone"]
ORIGINS = ["example.org.", "2.0.192.in-addr.arpa."]


def mode_params():
    """pytest params for the four ways to boot (appbox.mode_params), or
    just "nsd" when DNS_TEST_REFERENCE=nsd."""
    if os.environ.get("DNS_TEST_REFERENCE") == "nsd":
        return ["nsd"]
    return appbox.mode_params()


class DnsBox(AppBox):
    """A namespace, a tap and a running DNS appliance (mode "nsd": NSD
    instead, on 127.0.0.1:NSD_PORT, AXFR allowed from 127.0.0.1, to check
    the tests themselves against the reference server)."""

    APP, NAME, PORT, SOCK_PORT = "apps/dns", "dns", 53, SOCK_PORT

    def __init__(self, morgana, build_image, mode, args=(), tap="tapdns0",
                 prefix="mgdns", san=None):
        self.nsd = None
        if mode == "nsd":
            self.mode = mode
            self._init_nsd(prefix)
            return
        super().__init__(morgana, build_image, mode, args=args, tap=tap,
                         prefix=prefix, san=san, start_timeout=30)

    def setup_tap(self, tap):
        self.ns.ip("addr", "add", f"{HOST2}/24", "dev", tap)

    def _init_nsd(self, prefix):
        self.ns = Netns(prefix)
        self.nst = None
        self.app = None
        self.nsd = None
        try:
            self.nst = NsThread(self.ns.name)
            self.addr, self.port = "127.0.0.1", NSD_PORT
            self.nsd = Nsd(popen=self.ns.popen, axfr=("127.0.0.1",))
            self.nsd.wait(lambda: self.udp(
                dns.message.make_query("example.org.", "SOA"), timeout=0.5))
        except BaseException:
            self.close()
            raise

    def wait_reachable(self, timeout=20):
        deadline = time.monotonic() + timeout
        q = dns.message.make_query("example.org.", "SOA")
        while time.monotonic() < deadline:
            try:
                self.udp(q, timeout=0.5)
                return
            except dns.exception.Timeout:
                continue
        raise AssertionError("no answer from the appliance:\n" +
                             self.app.output())

    # --- clients, all inside the namespace -------------------------------

    def udp(self, q, timeout=3, source=None, ignore_trailing=False):
        return self.nst.call(dns.query.udp, q, self.addr, port=self.port,
                             timeout=timeout, source=source,
                             ignore_unexpected=True,
                             ignore_trailing=ignore_trailing)

    def tcp(self, q, timeout=5, source=None):
        return self.nst.call(dns.query.tcp, q, self.addr, port=self.port,
                             timeout=timeout, source=source)

    def query(self, name, rdtype, tcp=False, **kw):
        q = dns.message.make_query(name, rdtype, **kw)
        return self.tcp(q) if tcp else self.udp(q)

    def raw_udp(self, wire, timeout=2.0):
        """Send bytes, return the reply's bytes or None (no answer)."""
        def go():
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.settimeout(timeout)
                s.sendto(wire, (self.addr, self.port))
                try:
                    return s.recv(65535)
                except socket.timeout:
                    return None
            finally:
                s.close()
        return self.nst.call(go)

    tcp_connect = AppBox.connect

    def tool(self, args, timeout=30, **kw):
        """dig/kdig (or anything) run inside the namespace, text out."""
        return super().tool(args, timeout=timeout, text=True, **kw)

    def dig(self, *args):
        return self.tool(["dig", f"@{self.addr}", "-p", str(self.port),
                          "+tries=2", "+time=2"] + list(args))

    def kdig(self, *args):
        return self.tool(["kdig", f"@{self.addr}", "-p", str(self.port),
                          "+retry=1", "+time=2"] + list(args))

    # --- the end -----------------------------------------------------------

    def stop(self):
        if self.mode == "nsd":
            self.nsd.stop()
            return 0, {"dns.queries": 1}, "dns: done, exit 0"
        return super().stop()

    def close(self):
        if self.nsd is not None:
            self.nsd.stop()
        super().close()


NSD_CONF = """server:
	ip-address: 127.0.0.1@{port}
	do-ip6: no
	port: {port}
	username: ""
	chroot: ""
	zonesdir: "{dir}"
	database: ""
	zonelistfile: "{dir}/zone.list"
	xfrdfile: "{dir}/xfrd.state"
	xfrdir: "{dir}"
	pidfile: "{dir}/nsd.pid"
	logfile: "{dir}/nsd.log"
	server-count: 1
	verbosity: 0
	hide-version: yes
	round-robin: no
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
	minimal-responses: {minimal}
	refuse-any: {refuse_any}
	tcp-count: 256
remote-control:
	control-enable: no
"""


class Nsd:
    """NSD serving copies of the zones on 127.0.0.1:port inside a
    namespace (popen is Netns.popen) or the host; killed by PID on
    stop."""

    def __init__(self, popen=subprocess.Popen, port=NSD_PORT, zones=ZONES,
                 origins=ORIGINS, axfr=(), minimal="no", refuse_any="no",
                 cpu=None, tmp=None):
        self.dir = tempfile.mkdtemp(prefix="mgnsd")
        conf = NSD_CONF.format(port=port, dir=self.dir, minimal=minimal,
                               refuse_any=refuse_any)
        for z, o in zip(zones, origins):
            shutil.copy(z, os.path.join(self.dir, os.path.basename(z)))
            conf += (f"zone:\n\tname: \"{o}\"\n\tzonefile: "
                     f"\"{os.path.basename(z)}\"\n")
            for a in axfr:
                conf += f"\tprovide-xfr: {a} NOKEY\n"
        self.conf = os.path.join(self.dir, "nsd.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        cmd = ["/usr/sbin/nsd", "-d", "-c", self.conf]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd
        self.p = popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
        self.port = port

    def wait(self, ping, timeout=15):
        """Wait until ping() (a query) succeeds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError("nsd exited:\n" + self.p.stdout.read() +
                                   self.log())
            try:
                ping()
                return
            except (dns.exception.Timeout, OSError):
                time.sleep(0.1)
        raise RuntimeError("nsd did not answer:\n" + self.log())

    def log(self):
        try:
            with open(os.path.join(self.dir, "nsd.log")) as f:
                return f.read()
        except OSError:
            return ""

    def pids(self):
        """NSD's processes (main and server children) for CPU time."""
        out = [self.p.pid]
        try:
            kids = subprocess.run(["pgrep", "-P", str(self.p.pid)],
                                  capture_output=True, text=True).stdout
            out += [int(x) for x in kids.split()]
        except OSError:
            pass
        return out

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def tcp_frame(wire):
    return struct.pack("!H", len(wire)) + wire


class TcpReader:
    """Length-prefixed messages from a TCP socket, one at a time (bytes
    past the message stay for the next call)."""

    def __init__(self, s, timeout=5):
        self.s = s
        self.buf = b""
        s.settimeout(timeout)

    def next(self):
        """The next message, or None at EOF."""
        while True:
            if len(self.buf) >= 2:
                n = struct.unpack("!H", self.buf[:2])[0]
                if len(self.buf) - 2 >= n:
                    m = dns.message.from_wire(self.buf[2:2 + n])
                    self.buf = self.buf[2 + n:]
                    return m
            got = self.s.recv(65536)
            if not got:
                return None
            self.buf += got


def tcp_read_msgs(s, count, timeout=5):
    """Read count length-prefixed messages from socket s (fewer at
    EOF)."""
    r = TcpReader(s, timeout)
    out = []
    while len(out) < count:
        m = r.next()
        if m is None:
            break
        out.append(m)
    return out


def rr_set(section):
    """A section as a sorted list of comparable RRs (owner lower-cased,
    TTL, class, type, canonical rdata): order-insensitive."""
    out = []
    for rrset in section:
        for rd in rrset:
            out.append((rrset.name.to_text().lower(), rrset.ttl,
                        rrset.rdclass, rrset.rdtype,
                        rd.to_digestable(dns.name.root).hex()))
    return sorted(out)


def flags_text(m):
    return dns.flags.to_text(m.flags)
