# SPDX-License-Identifier: ISC
"""Network namespaces, tap devices and netcheck appliances for the network
system tests and bench/net, and the peer side of those tests.

Imported, it gives:
  Netns       a namespace of our own (created, deleted), with taps or veths,
              commands run inside it, and peer() to run one of the peer
              functions below inside it;
  Appliance   a netcheck (or any) appliance booted with `morgana run`
              inside a namespace, its output read as it comes, stopped with
              SIGTERM, its counters parsed.
Run as a script inside a namespace (what Netns.peer does):
  netns.py peer NAME JSON-KWARGS
runs the peer function NAME and prints its result as one JSON line. Every
peer function is bounded in time and returns what it saw rather than
raising, so a test can say exactly what went wrong.
"""
import json
import os
import random
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def sh(cmd, timeout=30, check=True):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: "
                           f"{r.stdout}{r.stderr}")
    return r


class Netns:
    """A network namespace of our own; delete() removes it with every
    device inside it."""

    def __init__(self, prefix="mgnet"):
        self.name = f"{prefix}{os.getpid()}"
        sh(["ip", "netns", "del", self.name], check=False)
        sh(["ip", "netns", "add", self.name])
        try:
            self.ip("link", "set", "lo", "up")
        except Exception:
            self.delete()
            raise

    def ip(self, *args):
        return sh(["ip", "-n", self.name] + list(args))

    def add_tap(self, tap, cidr, mtu=1500):
        self.ip("tuntap", "add", "dev", tap, "mode", "tap")
        self.ip("link", "set", tap, "mtu", str(mtu))
        self.ip("addr", "add", cidr, "dev", tap)
        self.ip("link", "set", tap, "up")

    def mac(self, dev):
        out = self.ip("-j", "link", "show", dev).stdout
        return json.loads(out)[0]["address"]

    def exec(self, args, timeout=60, check=False):
        """Run args inside the namespace: CompletedProcess."""
        return sh(["ip", "netns", "exec", self.name] + list(args),
                  timeout=timeout, check=check)

    def popen(self, args, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.name] +
                                list(args), **kw)

    def peer(self, fn, limit=120, **kwargs):
        """Run peer function fn(**kwargs) inside the namespace, killed
        after limit seconds; its result (a dict)."""
        r = self.exec([PYTHON, os.path.join(HERE, "netns.py"), "peer", fn,
                       json.dumps(kwargs)], timeout=limit)
        lines = r.stdout.strip().splitlines()
        if r.returncode != 0 or not lines:
            raise RuntimeError(f"peer {fn}: exit {r.returncode}\n"
                               f"{r.stdout}\n{r.stderr}")
        return json.loads(lines[-1])

    def ping(self, addr, count=1000, size=56, interval=0.002, timeout=60):
        """ping from inside: (sent, received, avg rtt ms, output)."""
        r = self.exec(["ping", "-q", "-n", "-c", str(count), "-s", str(size),
                       "-i", str(interval), "-W", "1", addr],
                      timeout=timeout)
        m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
        rtt = re.search(r"= [\d.]+/([\d.]+)/", r.stdout)
        sent, got = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        return sent, got, float(rtt.group(1)) if rtt else None, \
            r.stdout + r.stderr

    def netem(self, dev, spec):
        """tc netem on dev's egress (towards the appliance); spec None
        removes it."""
        if spec is None:
            sh(["ip", "netns", "exec", self.name, "tc", "qdisc", "del",
                "dev", dev, "root"], check=False)
        else:
            sh(["ip", "netns", "exec", self.name, "tc", "qdisc", "replace",
                "dev", dev, "root", "netem"] + spec.split())

    def delete(self):
        sh(["ip", "netns", "del", self.name], check=False)


STAT_RE = re.compile(r"^([a-z0-9_]+)\.([a-z0-9_]+)\s+(\d+)$")


class Appliance:
    """An appliance booted with `morgana run IMAGE --net:service=TAP --
    ARGS` inside a namespace. Its stdout is read as it comes, so a test can
    wait for a line; stop() ends it with SIGTERM."""

    def __init__(self, ns, morgana, image, tap, args=(), opts=()):
        self.cmd = [morgana, "run", image, f"--net:service={tap}"] + \
            list(opts) + ["--"] + list(args)
        self.lines = []
        self.err = []
        self.cond = threading.Condition()
        self.p = ns.popen(self.cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          errors="replace")
        self.threads = [
            threading.Thread(target=self._read, args=(self.p.stdout,
                                                      self.lines),
                             daemon=True),
            threading.Thread(target=self._read, args=(self.p.stderr,
                                                      self.err),
                             daemon=True),
        ]
        for t in self.threads:
            t.start()
        self.rc = None

    def _read(self, f, into):
        for line in f:
            with self.cond:
                into.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def wait_line(self, pattern, timeout=10):
        """The first match of pattern in a stdout line, waiting up to
        timeout seconds; None if it did not come (or the appliance
        ended)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for line in self.lines[seen:]:
                    m = rx.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or (self.p.poll() is not None and
                                 not any(t.is_alive()
                                         for t in self.threads)):
                    return None
                self.cond.wait(min(left, 0.2))

    def wait_up(self, timeout=10):
        """The address from "netcheck: up A.B.C.D/len"; raises with the
        output so far when it does not come."""
        m = self.wait_line(r"netcheck: up (\d+\.\d+\.\d+\.\d+)/(\d+)",
                           timeout)
        if m is None:
            self.stop()
            raise AssertionError("netcheck did not come up:\n" +
                                 self.output())
        return m.group(1)

    def stop(self, timeout=20):
        """SIGTERM, then wait; returns the exit status (SIGKILL after
        timeout: status None)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(timeout=10)
                self.rc = None
                for t in self.threads:
                    t.join(timeout=5)
                return None
        for t in self.threads:
            t.join(timeout=5)
        self.rc = self.p.returncode
        return self.rc

    def output(self):
        with self.cond:
            return ("\n".join(self.lines) + "\n--- stderr ---\n" +
                    "\n".join(self.err))

    def stats(self, after="netcheck: exit"):
        """Counters printed after the line `after` (the last such block):
        {"layer.name": value}."""
        with self.cond:
            lines = list(self.lines)
        start = 0
        for i, line in enumerate(lines):
            if after in line:
                start = i
        out = {}
        for line in lines[start:]:
            m = STAT_RE.match(line.strip())
            if m:
                out[f"{m.group(1)}.{m.group(2)}"] = int(m.group(3))
        return out


# ---------------------------------------------------------------------------
# Peer functions: run inside the namespace (netns.py peer NAME JSON).


def chargen_pattern():
    """RFC 864: 72 printable characters a line, starting one further each
    line, CR LF; 95 lines make the period."""
    out = bytearray()
    for line in range(95):
        out += bytes(32 + (line + i) % 95 for i in range(72)) + b"\r\n"
    return bytes(out)


def peer_udp_echo(addr, port=7, count=10000, seed=1, big_every=50,
                  big_max=8000, window=32, rto=0.5, tries=5, timeout=60):
    """Send count datagrams of random sizes (1..1472; every big_every-th
    1473..big_max, fragmented) with at most window outstanding; every
    answer must be a byte-exact copy of one outstanding datagram. Lost
    ones are sent again after rto seconds, at most tries times."""
    rnd = random.Random(seed)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    s.connect((addr, port))
    s.setblocking(False)
    outstanding = {}  # payload -> [index, last sent, tries]
    res = dict(count=count, ok=0, retries=0, bad=0, dup=0, lost=0,
               senderr=0, bytes=0)
    done = set()
    nxt = 0
    t0 = time.monotonic()
    deadline = t0 + timeout
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)
    while (nxt < count or outstanding) and time.monotonic() < deadline:
        now = time.monotonic()
        while nxt < count and len(outstanding) < window:
            size = (rnd.randint(1473, big_max) if big_every and
                    nxt % big_every == big_every - 1 else
                    rnd.randint(1, 1472))
            data = rnd.randbytes(size)
            while data in outstanding:  # one-byte payloads can repeat
                data = rnd.randbytes(size)
            try:
                s.send(data)
            except BlockingIOError:
                break
            except OSError:
                res["senderr"] += 1
            outstanding[data] = [nxt, now, 1]
            nxt += 1
        for data, st in list(outstanding.items()):
            if now - st[1] > rto:
                if st[2] >= tries:
                    del outstanding[data]
                    res["lost"] += 1
                    continue
                st[1], st[2] = now, st[2] + 1
                res["retries"] += 1
                try:
                    s.send(data)
                except OSError:
                    res["senderr"] += 1
        for _key, _ev in sel.select(0.05):
            while True:
                try:
                    got = s.recv(65536)
                except BlockingIOError:
                    break
                except ConnectionRefusedError:
                    res["senderr"] += 1
                    break
                if got in outstanding:
                    del outstanding[got]
                    done.add(got)
                    res["ok"] += 1
                    res["bytes"] += len(got)
                elif got in done:
                    res["dup"] += 1
                else:
                    res["bad"] += 1
    res["lost"] += len(outstanding) + (count - nxt)
    res["elapsed"] = time.monotonic() - t0
    return res


class _EchoConn:
    def __init__(self, sock, data):
        self.s = sock
        self.data = data
        self.sent = 0
        self.rcvd = 0
        self.eof = False
        self.wshut = False
        self.err = None


def peer_tcp_echo(addr, port=7, total=64 << 20, conns=100, seed=1,
                  timeout=120, chunk=65536, stall=15):
    """Send total bytes of random data split over conns concurrent
    connections, read the echoes, compare byte for byte; each connection
    shuts down its sending side when all is sent and expects EOF after the
    last echoed byte. Gives up after timeout seconds, or after stall
    seconds without a byte moving either way."""
    per = total // conns
    sel = selectors.DefaultSelector()
    cs = []
    t0 = time.monotonic()
    res = dict(conns=conns, bytes_sent=0, bytes_ok=0, done=0,
               mismatch=[], errors=[])
    for i in range(conns):
        n = per + (total - per * conns if i == conns - 1 else 0)
        data = random.Random(seed * 1000003 + i).randbytes(n)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((addr, port))
        c = _EchoConn(s, data)
        cs.append(c)
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
    deadline = t0 + timeout
    live = conns
    moved = time.monotonic()
    last = 0
    while live and time.monotonic() < deadline:
        now = time.monotonic()
        if res["bytes_sent"] + res["bytes_ok"] != last:
            last = res["bytes_sent"] + res["bytes_ok"]
            moved = now
        elif now - moved > stall:
            res["errors"].append(f"stalled: nothing moved for {stall} s")
            break
        for key, ev in sel.select(0.2):
            c = key.data
            try:
                if ev & selectors.EVENT_WRITE and not c.wshut:
                    if c.sent < len(c.data):
                        n = c.s.send(memoryview(c.data)[c.sent:c.sent +
                                                         chunk])
                        c.sent += n
                        res["bytes_sent"] += n
                    if c.sent == len(c.data):
                        c.s.shutdown(socket.SHUT_WR)
                        c.wshut = True
                        sel.modify(c.s, selectors.EVENT_READ, c)
                if ev & selectors.EVENT_READ:
                    got = c.s.recv(1 << 18)
                    if not got:
                        c.eof = True
                    elif got != c.data[c.rcvd:c.rcvd + len(got)]:
                        res["mismatch"].append(
                            f"conn {cs.index(c)} at byte {c.rcvd}")
                        c.err = "mismatch"
                    else:
                        c.rcvd += len(got)
                        res["bytes_ok"] += len(got)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as e:
                c.err = f"conn {cs.index(c)}: {e!r} after {c.sent} sent " \
                    f"{c.rcvd} received"
                res["errors"].append(c.err)
            if c.err or c.eof:
                if c.eof and not c.err:
                    if c.rcvd == len(c.data):
                        res["done"] += 1
                    else:
                        res["errors"].append(
                            f"conn {cs.index(c)}: EOF after {c.rcvd} of "
                            f"{len(c.data)} bytes")
                sel.unregister(c.s)
                c.s.close()
                live -= 1
    for c in cs:
        if not c.eof and not c.err:
            res["errors"].append(f"conn {cs.index(c)}: timed out, sent "
                                 f"{c.sent} received {c.rcvd} of "
                                 f"{len(c.data)}")
            c.s.close()
    res["elapsed"] = time.monotonic() - t0
    res["mismatch"] = res["mismatch"][:10]
    res["errors"] = res["errors"][:10]
    return res


def peer_tcp_discard(addr, port=9, seconds=3.0, conns=1, chunk=65536,
                     close_timeout=30):
    """Stream to discard for `seconds` over conns connections, then shut
    down the sending side and wait for the server's FIN. Returns bytes
    sent (all of them acknowledged when eof_clean) and the rate."""
    buf = bytes(range(256)) * (chunk // 256)
    socks = []
    for _ in range(conns):
        s = socket.create_connection((addr, port), timeout=5)
        # A modest buffer: what is still in it at the end must drain
        # before the FIN, even over a lossy path.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 512 << 10)
        socks.append(s)
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_WRITE)
    sent = 0
    t0 = time.monotonic()
    end = t0 + seconds
    while time.monotonic() < end:
        for key, _ in sel.select(0.1):
            try:
                sent += key.fileobj.send(buf)
            except BlockingIOError:
                pass
    elapsed = time.monotonic() - t0
    clean = 0
    for s in socks:
        s.setblocking(True)
        s.settimeout(close_timeout)
        try:
            s.shutdown(socket.SHUT_WR)
            if s.recv(1) == b"":
                clean += 1
        except OSError:
            pass
        s.close()
    t_all = time.monotonic() - t0
    return dict(sent=sent, elapsed=elapsed, rate=sent / elapsed,
                rate_acked=sent / t_all, eof_clean=clean, conns=conns)


def peer_tcp_chargen(addr, port=19, seconds=3.0):
    """Read chargen for `seconds`; every byte must follow RFC 864's
    pattern from the first."""
    pat = chargen_pattern()
    period = len(pat)
    ext = pat * (((1 << 18) // period) + 2)
    s = socket.create_connection((addr, port), timeout=5)
    s.settimeout(2)
    got = 0
    bad = None
    t0 = time.monotonic()
    err = None
    try:
        while time.monotonic() - t0 < seconds:
            b = s.recv(1 << 18)
            if not b:
                err = "EOF"
                break
            o = got % period
            if bad is None and b != ext[o:o + len(b)]:
                for i in range(len(b)):
                    if b[i] != ext[o + i]:
                        bad = got + i
                        break
            got += len(b)
    except OSError as e:
        err = repr(e)
    elapsed = time.monotonic() - t0
    s.close()
    return dict(received=got, elapsed=elapsed, rate=got / elapsed,
                first_bad=bad, error=err)


def peer_tcp_discard_server(port, seconds, ready_file):
    """A plain Linux discard server (the bench's reference), serving for
    `seconds`: every connection is read until EOF, then closed."""
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(128)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    with open(ready_file, "w") as f:
        f.write("ready\n")
    end = time.monotonic() + seconds
    total = 0
    buf = bytearray(1 << 18)
    while time.monotonic() < end:
        for key, _ in sel.select(0.2):
            if key.data is None:
                try:
                    c, _ = ls.accept()
                except BlockingIOError:
                    continue
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, 1)
                continue
            try:
                n = key.fileobj.recv_into(buf)
            except BlockingIOError:
                continue
            except OSError:
                n = 0
            if n == 0:
                sel.unregister(key.fileobj)
                key.fileobj.close()
            total += n
    return dict(received=total)


def _setns(path):
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


def _tap_attach(name):
    import fcntl
    import struct
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), 0x0002 | 0x1000)  # TAP, NO_PI
    fcntl.ioctl(fd, 0x400454ca, ifr)  # TUNSETIFF
    return fd


def peer_impair_relay(a_if, b_netns, b_tap, loss=0.02, reorder=0.10,
                      delay_ms=5.0, seconds=300, ready_file=None, seed=1):
    """netem in user space, for kernels without sch_netem: relay frames
    between the appliance's tap a_if (this namespace, no addresses: the
    relay reads what the appliance writes with a packet socket and writes
    to it the same way) and the persistent tap b_tap in namespace b_netns
    (the kernel's side, with its address). Towards the appliance, as
    `netem loss L reorder R delay D` does on a tap's egress: a frame is
    lost with probability loss, else sent at once with probability
    reorder, else after delay_ms. Runs for at most `seconds`, or until
    SIGTERM; returns what it did."""
    import heapq
    rnd = random.Random(seed)
    a = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(0x0003))  # ETH_P_ALL
    a.bind((a_if, 0))
    _setns(f"/var/run/netns/{b_netns}")
    b = _tap_attach(b_tap)
    os.set_blocking(b, False)
    a.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, "a")
    sel.register(b, selectors.EVENT_READ, "b")
    if ready_file:
        with open(ready_file, "w") as f:
            f.write("ready\n")
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    st = dict(to_app=0, lost=0, reordered=0, delayed=0, to_kernel=0,
              errors=0)
    q = []  # (due, n, frame)
    n = 0
    end = time.monotonic() + seconds
    delay = delay_ms / 1000.0
    while True:
        now = time.monotonic()
        if now >= end or stop:
            break
        while q and q[0][0] <= now:
            _, _, fr = heapq.heappop(q)
            try:
                a.send(fr)
                st["to_app"] += 1
            except OSError:
                st["errors"] += 1
        wait = min(0.2, end - now, (q[0][0] - now) if q else 0.2)
        for key, _ in sel.select(max(wait, 0)):
            for _ in range(64):
                if key.data == "a":
                    try:
                        fr, addr = a.recvfrom(65536)
                    except BlockingIOError:
                        break
                    if addr[2] == socket.PACKET_OUTGOING:
                        continue  # our own sends towards the appliance
                    try:
                        os.write(b, fr)
                        st["to_kernel"] += 1
                    except OSError:
                        st["errors"] += 1
                else:
                    try:
                        fr = os.read(b, 65536)
                    except BlockingIOError:
                        break
                    r = rnd.random()
                    if r < loss:
                        st["lost"] += 1
                        continue
                    n += 1
                    if rnd.random() < reorder:
                        st["reordered"] += 1
                        due = time.monotonic()
                    else:
                        st["delayed"] += 1
                        due = time.monotonic() + delay
                    heapq.heappush(q, (due, n, fr))
    return st


# Scapy peers: frames built by hand, sent from the namespace's side of the
# tap. The peer speaks as FAKE_IP (not an address of the kernel, which
# would otherwise answer the appliance's TCP segments with RSTs) from the
# tap's own MAC, and answers the appliance's ARP for FAKE_IP itself.

def _scapy_env(iface, fake_ip):
    from scapy.all import ARP, AsyncSniffer, Ether, conf, get_if_hwaddr, \
        sendp
    conf.verb = 0
    mac = get_if_hwaddr(iface)

    def arp_answer(p):
        if ARP in p and p[ARP].op == 1 and p[ARP].pdst == fake_ip:
            sendp(Ether(dst=p[ARP].hwsrc, src=mac) /
                  ARP(op=2, hwsrc=mac, psrc=fake_ip, hwdst=p[ARP].hwsrc,
                      pdst=p[ARP].psrc), iface=iface)

    sn = AsyncSniffer(iface=iface, filter="arp", prn=arp_answer,
                      store=False)
    sn.start()
    time.sleep(0.3)
    return mac, sn


def _xchg(iface, pkt, lfilter, timeout=1.5):
    """Send pkt from iface; the first frame back that lfilter accepts, or
    None after timeout seconds."""
    from scapy.all import AsyncSniffer, sendp
    ready = threading.Event()
    sn = AsyncSniffer(iface=iface, lfilter=lfilter, count=1,
                      timeout=timeout, started_callback=ready.set)
    sn.start()
    ready.wait(5)
    sendp(pkt, iface=iface)
    sn.join()
    return sn.results[0] if sn.results else None


def _eth_to(iface, dst, mac):
    """The MAC of dst, asked by ARP from iface."""
    from scapy.all import ARP, Ether
    for _ in range(5):
        r = _xchg(iface, Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) /
                  ARP(op=1, hwsrc=mac, psrc="0.0.0.0", pdst=dst),
                  lambda p: ARP in p and p[ARP].op == 2 and
                  p[ARP].psrc == dst, timeout=1)
        if r is not None:
            return r[ARP].hwsrc
    raise RuntimeError(f"no ARP reply from {dst}")


def peer_malformed(iface, dst, fake_ip="10.0.0.3"):
    """Send one malformed frame per drop reason (see test_net.py for the
    list and the counter each must move), then check the ICMP and RST
    answers a host owes: port unreachable for a closed UDP port, protocol
    unreachable for an unknown protocol, RST for a SYN to a closed port."""
    from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, Raw,
                           conf, sendp)
    conf.verb = 0
    mac, sn = _scapy_env(iface, fake_ip)
    try:
        amac = _eth_to(iface, dst, mac)
        eth = Ether(dst=amac, src=mac)
        eth4 = Ether(dst=amac, src=mac, type=0x800)  # raw IPv4 bytes follow

        def ip(**kw):
            kw.setdefault("src", fake_ip)
            kw.setdefault("dst", dst)
            return IP(**kw)

        def raw(p):
            return bytes(p)

        frames = {}
        # Ethernet.
        frames["eth.rx_vlan"] = eth / Dot1Q(vlan=5) / ip() / ICMP()
        frames["eth.rx_llc"] = Ether(dst=amac, src=mac, type=60) / \
            Raw(b"\xaa\xaa\x03" + bytes(57))
        frames["if.rx_ethertype"] = Ether(dst=amac, src=mac,
                                          type=0x86dd) / Raw(bytes(60))
        frames["if.rx_othermac"] = Ether(dst="02:00:00:00:00:99",
                                         src=mac) / ip() / ICMP()
        # ARP.
        arp = dict(hwsrc=mac, psrc=fake_ip, pdst=dst)
        frames["arp.rx_badhtype"] = eth / ARP(hwtype=6, **arp)
        frames["arp.rx_badptype"] = eth / ARP(ptype=0x86dd, **arp)
        b = bytearray(bytes(ARP(**arp)))
        b[4] = 8  # hardware address length
        frames["arp.rx_badhlen"] = Ether(dst=amac, src=mac, type=0x806) / \
            Raw(bytes(b))
        b = bytearray(bytes(ARP(**arp)))
        b[5] = 16  # protocol address length
        frames["arp.rx_badplen"] = Ether(dst=amac, src=mac, type=0x806) / \
            Raw(bytes(b))
        frames["arp.rx_badop"] = eth / ARP(op=9, **arp)
        frames["arp.rx_short"] = Ether(dst=amac, src=mac, type=0x806) / \
            Raw(bytes(ARP(**arp))[:20])
        # IPv4.
        icmp = ICMP(type=8, id=7, seq=1) / Raw(b"x" * 16)
        good = raw(ip() / icmp)
        b = bytearray(good)
        b[0] = 0x65  # version 6
        frames["ip4.rx_badvers"] = eth4 / Raw(bytes(b))
        b = bytearray(good)
        b[0] = 0x44  # IHL 4
        frames["ip4.rx_badhlen"] = eth4 / Raw(bytes(b))
        frames["ip4.rx_badlen"] = eth4 / Raw(raw(ip(len=2000) / icmp))
        frames["ip4.rx_badsum"] = eth4 / Raw(raw(ip(chksum=0x1234) / icmp))
        # A timestamp option claiming 40 bytes inside a 4-byte option area.
        frames["ip4.rx_badopt"] = eth4 / Raw(_ip_with_opts(
            fake_ip, dst, b"\x44\x28\x05\x00", raw(icmp)))
        frames["ip4.rx_badfrag"] = eth4 / Raw(raw(
            ip(frag=8190, proto=17) / Raw(bytes(100))))
        frames["ip4.rx_badsrc"] = eth4 / Raw(raw(
            ip(src="255.255.255.255") / icmp))
        frames["ip4.rx_short"] = Ether(dst=amac, src=mac, type=0x800) / \
            Raw(good[:12])
        frames["if.ip_otherhost"] = eth / ip(dst="10.0.0.99") / icmp
        # ICMP.
        frames["icmp.rx_badsum"] = eth / ip() / ICMP(type=8, chksum=0x1) / \
            Raw(b"y" * 8)
        frames["icmp.rx_badcode"] = eth / ip() / ICMP(type=8, code=1) / \
            Raw(b"z" * 8)
        frames["icmp.rx_short"] = eth / ip(proto=1) / Raw(b"\x08\x00\xf7")
        # UDP.
        frames["udp.rx_badsum"] = eth / ip() / UDP(sport=5000, dport=7,
                                                   chksum=0x1) / Raw(b"u" * 9)
        frames["udp.rx_badlen"] = eth / ip() / UDP(sport=5000, dport=7,
                                                   len=100) / Raw(b"v" * 10)
        frames["udp.rx_short"] = eth / ip(proto=17) / Raw(b"\x13\x88\x00")
        # TCP.
        frames["tcp.rx_badsum"] = eth / ip() / TCP(sport=5001, dport=7,
                                                   flags="S", chksum=0x1)
        frames["tcp.rx_badoff"] = eth / ip() / TCP(sport=5002, dport=7,
                                                   flags="S", dataofs=4)
        frames["tcp.rx_short"] = eth / ip(proto=6) / Raw(bytes(10))
        # An MSS option of length 3, then a timestamp option of length 0.
        frames["tcp.rx_badopt"] = eth4 / Raw(_tcp_raw(
            fake_ip, dst, 5003, 7, b"\x02\x03\x05\xb4"))
        frames["tcp.rx_badopt#2"] = eth4 / Raw(_tcp_raw(
            fake_ip, dst, 5004, 7, b"\x08\x00\x00\x00"))
        for f in frames.values():
            sendp(f, iface=iface)
            time.sleep(0.01)
        # Overlapping fragments: the second rewrites bytes of the first.
        payload = raw(ICMP(type=8, id=9, seq=9) / Raw(b"A" * 64))
        ipid = 4242
        f1 = ip(id=ipid, flags="MF", frag=0, proto=1) / Raw(payload[:48])
        f2 = ip(id=ipid, flags=0, frag=3, proto=1) / Raw(b"B" * 48)
        sendp(eth / f1, iface=iface)
        sendp(eth / f2, iface=iface)
        time.sleep(0.2)
        # What a host answers.
        ans = {}
        r = _xchg(iface, eth / ip() / UDP(sport=5005, dport=9999) /
                  Raw(b"hello"),
                  lambda p: ICMP in p and p[ICMP].type == 3, timeout=2)
        ans["udp_port_unreach"] = bool(r is not None and ICMP in r and
                                       r[ICMP].type == 3 and
                                       r[ICMP].code == 3)
        r = _xchg(iface, eth / ip(proto=99) / Raw(b"x" * 20),
                  lambda p: ICMP in p and p[ICMP].type == 3, timeout=2)
        ans["proto_unreach"] = bool(r is not None and ICMP in r and
                                    r[ICMP].type == 3 and r[ICMP].code == 2)
        r = _xchg(iface, eth / ip() / TCP(sport=5006, dport=9999,
                                          flags="S", seq=1000),
                  lambda p: TCP in p and p[TCP].dport == 5006, timeout=2)
        ans["tcp_closed_rst"] = bool(r is not None and TCP in r and
                                     "R" in str(r[TCP].flags) and
                                     r[TCP].ack == 1001)
        r = _xchg(iface, eth / ip() / ICMP(type=8, id=77, seq=1) /
                  Raw(b"ok" * 8),
                  lambda p: ICMP in p and p[ICMP].type == 0, timeout=2)
        ans["ping_after"] = bool(r is not None)
        return dict(sent=sorted(frames), answers=ans)
    finally:
        sn.stop()


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(int.from_bytes(b[i:i + 2], "big") for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def _ip4(src, dst, proto, payload, opts=b"", ident=1):
    a = socket.inet_aton
    ihl = 5 + len(opts) // 4
    h = bytearray(bytes([0x40 | ihl, 0]) +
                  (ihl * 4 + len(payload)).to_bytes(2, "big") +
                  ident.to_bytes(2, "big") + b"\0\0" + bytes([64, proto]) +
                  b"\0\0" + a(src) + a(dst) + opts)
    h[10:12] = _csum(bytes(h)).to_bytes(2, "big")
    return bytes(h) + payload


def _ip_with_opts(src, dst, opts, payload):
    return _ip4(src, dst, 1, payload, opts)


def _tcp_raw(src, dst, sport, dport, opts, flags=0x02, seq=1, ack=0,
             data=b""):
    """An IPv4 TCP segment with raw option bytes and a right checksum."""
    off = 5 + len(opts) // 4
    t = bytearray(sport.to_bytes(2, "big") + dport.to_bytes(2, "big") +
                  seq.to_bytes(4, "big") + ack.to_bytes(4, "big") +
                  bytes([off << 4, flags]) + (65535).to_bytes(2, "big") +
                  b"\0\0\0\0" + opts + data)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + bytes([0, 6]) + \
        len(t).to_bytes(2, "big")
    t[16:18] = _csum(ph + bytes(t)).to_bytes(2, "big")
    return _ip4(src, dst, 6, bytes(t))


def peer_tcp_states(iface, dst, fake_ip="10.0.0.3", port=7):
    """Drive one connection to the echo port by hand and poke it with
    RSTs and SYNs in each state (RFC 9293 3.10.7, RFC 5961): what came
    back at each step."""
    from scapy.all import IP, TCP, Ether, Raw, conf, sendp
    conf.verb = 0
    mac, sn = _scapy_env(iface, fake_ip)
    res = {}
    try:
        amac = _eth_to(iface, dst, mac)
        eth = Ether(dst=amac, src=mac)
        sport = random.randint(20000, 60000)
        isn = random.randint(0, 1 << 30)

        def seg(flags, seq, ack=0, data=b"", **kw):
            p = eth / IP(src=fake_ip, dst=dst) / TCP(
                sport=sport, dport=port, flags=flags, seq=seq, ack=ack,
                window=65535, **kw)
            return p / Raw(data) if data else p

        def mine(p):
            return TCP in p and p[TCP].dport == sport and \
                p[IP].src == dst

        def xchg(p, timeout=1.5, want=None):
            """Send p; the first segment back (that want accepts)."""
            return _xchg(iface, p, lambda q: mine(q) and
                         (want is None or want(q[TCP])), timeout=timeout)

        def has_data(t):
            return len(bytes(t.payload)) > 0

        def has_fin(t):
            return "F" in str(t.flags)

        def desc(r):
            if r is None:
                return None
            t = r[TCP]
            return dict(flags=str(t.flags), seq=t.seq, ack=t.ack,
                        data=bytes(t.payload).decode("latin-1"))

        # LISTEN: an ACK without SYN gets a RST (seq = its ack).
        r = xchg(seg("A", isn, ack=12345))
        res["listen_ack"] = desc(r)
        # LISTEN: a RST is ignored (no answer).
        r = xchg(seg("R", isn), timeout=0.7)
        res["listen_rst"] = desc(r)
        # SYN -> SYN-ACK.
        r = xchg(seg("S", isn, options=[("MSS", 1460)]))
        res["synack"] = desc(r)
        if r is None or r[TCP].flags != "SA":
            return res
        irs = r[TCP].seq
        rcv = isn + 1
        snd = irs + 1
        # SYN-RECEIVED: a RST out of the window is dropped; the handshake
        # then completes.
        r = xchg(seg("R", rcv + (1 << 30)), timeout=0.7)
        res["synrcvd_rst_outwin"] = desc(r)
        sendp(seg("A", rcv, ack=snd), iface=iface)
        # ESTABLISHED: data is echoed.
        r = xchg(seg("PA", rcv, ack=snd, data=b"hello"), want=has_data)
        res["echo1"] = desc(r)
        rcv += 5
        if r is not None and bytes(r[TCP].payload) == b"hello":
            snd += 5
        sendp(seg("A", rcv, ack=snd), iface=iface)
        # A SYN in a synchronised state: challenge ACK (RFC 5961 4.2).
        r = xchg(seg("S", isn))
        res["est_syn"] = desc(r)
        # A RST in the window but not exactly at rcv.nxt: challenge ACK
        # (RFC 5961 3.2). Apart from the last one by more than the rate
        # limits stacks keep on them (Linux: 500 ms).
        time.sleep(0.6)
        r = xchg(seg("R", rcv + 10))
        res["est_rst_inwin"] = desc(r)
        # A RST far outside the window: dropped, no answer.
        r = xchg(seg("R", rcv + (1 << 30)), timeout=0.7)
        res["est_rst_outwin"] = desc(r)
        # Data far outside the window: an ACK (rx_outwin).
        r = xchg(seg("PA", rcv + (1 << 30), ack=snd, data=b"zz"))
        res["est_data_outwin"] = desc(r)
        # Still there: data is echoed.
        r = xchg(seg("PA", rcv, ack=snd, data=b"again"), want=has_data)
        res["echo2"] = desc(r)
        rcv += 5
        if r is not None and bytes(r[TCP].payload) == b"again":
            snd += 5
        sendp(seg("A", rcv, ack=snd), iface=iface)
        # The exact RST ends it; the next segment gets a RST.
        r = xchg(seg("R", rcv), timeout=0.7)
        res["est_rst_exact"] = desc(r)
        r = xchg(seg("PA", rcv, ack=snd, data=b"late"))
        res["after_reset"] = desc(r)

        # A second connection through FIN: our FIN, the echo server's FIN
        # (CLOSE-WAIT then LAST-ACK on its side), a SYN there gets a
        # challenge ACK, our last ACK closes it.
        sport += 1
        isn2 = random.randint(0, 1 << 30)
        r = xchg(seg("S", isn2))
        res["synack2"] = desc(r)
        if r is None or r[TCP].flags != "SA":
            return res
        snd = r[TCP].seq + 1
        rcv = isn2 + 1
        sendp(seg("A", rcv, ack=snd), iface=iface)
        r = xchg(seg("FA", rcv, ack=snd), want=has_fin)
        res["fin"] = desc(r)
        rcv += 1
        if r is not None and "F" in str(r[TCP].flags):
            r2 = xchg(seg("S", isn2))
            res["lastack_syn"] = desc(r2)
            sendp(seg("A", rcv, ack=snd + 1), iface=iface)
            r3 = xchg(seg("PA", rcv, ack=snd + 1, data=b"gone"))
            res["after_close"] = desc(r3)
        return res
    finally:
        sn.stop()


def main():
    if len(sys.argv) != 4 or sys.argv[1] != "peer":
        sys.exit("usage: netns.py peer NAME JSON-KWARGS")
    fn = globals().get("peer_" + sys.argv[2])
    if fn is None:
        sys.exit(f"no peer function {sys.argv[2]}")
    print(json.dumps(fn(**json.loads(sys.argv[3]))), flush=True)


if __name__ == "__main__":
    main()
