# SPDX-License-Identifier: ISC
"""The web appliance (apps/web) for the system tests and bench/http.

  WebBox   a namespace with a tap (the kernel's side at HOST) and a running
           web appliance, booted one of four ways:
             unix-direct  Morgana's own stack over the tap, at ADDR:80
             unix-socket  the socket stack on 127.0.0.1:SOCK_PORT inside
                          the namespace (no tap: --net:service=none)
             unix-san     unix-direct built with ASan and UBSan
             hvt          a KVM guest over the tap, at ADDR:80
           with clients that run inside the namespace: raw sockets,
           http.client connections, curl.
"""
import http.client
import os
import socket
import subprocess
import time

from conftest import ROOT
from dnsapp import NsThread, need_tender
from netns import Appliance, Netns, kvm_usable

HOST = "10.0.0.1"      # the kernel's side of the tap
ADDR = "10.0.0.2"      # the appliance (direct stack)
SOCK_PORT = 8080       # the appliance on the socket stack (127.0.0.1)
SITE = ROOT / "apps" / "web" / "site"
MODES = ["unix-direct", "unix-socket", "unix-san", "hvt"]


def mode_params():
    """pytest params for the four ways to boot, hvt skipped without
    KVM."""
    import pytest
    return [
        "unix-direct",
        "unix-socket",
        "unix-san",
        pytest.param("hvt", marks=pytest.mark.skipif(
            not kvm_usable(), reason="/dev/kvm is not usable here")),
    ]


def site_files(root=SITE):
    """{"/url/path": bytes} of a site folder, as mksite sees it (dot
    names left out, except .well-known)."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs
                   if not d.startswith(".") or d == ".well-known"]
        for f in files:
            if f.startswith("."):
                continue
            p = os.path.join(dirpath, f)
            rel = os.path.relpath(p, root).replace(os.sep, "/")
            with open(p, "rb") as fh:
                out["/" + rel] = fh.read()
    return out


class WebBox:
    """A namespace, a tap and a running web appliance."""

    def __init__(self, morgana, build_image, mode, args=(), tap="tapweb0",
                 prefix="mgweb", image=None):
        self.mode = mode
        target = "hvt" if mode == "hvt" else "unix"
        if target == "hvt":
            need_tender()
        if image is None:
            image = build_image("apps/web", target=target,
                                san=mode == "unix-san")
        self.image = image
        self.ns = Netns(prefix)
        self.nst = None
        self.app = None
        try:
            if mode != "unix-socket":
                self.ns.add_tap(tap, f"{HOST}/24")
            self.nst = NsThread(self.ns.name)
            if mode == "unix-socket":
                self.addr, self.port = "127.0.0.1", SOCK_PORT
                base = ["--net=socket", "--ip=127.0.0.1",
                        f"--port={SOCK_PORT}"]
            else:
                self.addr, self.port = ADDR, 80
                base = [f"--ip={ADDR}/24"]
            self.app = Appliance(self.ns, morgana, self.image,
                                 "none" if mode == "unix-socket" else tap,
                                 base + list(args))
            m = self.app.wait_line(r"web: serving", timeout=60)
            if m is None:
                raise AssertionError("the appliance did not start:\n" +
                                     self.app.output())
            self._wait_reachable()
        except BaseException:
            self.close()
            raise

    def _wait_reachable(self, timeout=30):
        """The first connection may wait for ARP: retry until one
        answers."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                st, _, _ = self.get("/robots.txt", timeout=1)
                if st == 200:
                    return
            except OSError as e:
                last = e
                time.sleep(0.1)
        raise AssertionError(f"no answer from the appliance ({last}):\n" +
                             self.app.output())

    @property
    def url(self):
        return f"http://{self.addr}:{self.port}"

    # --- clients, all inside the namespace -------------------------------

    def connect(self, timeout=5):
        """A connected TCP socket to the server (made in the namespace,
        usable from anywhere)."""
        def go():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect((self.addr, self.port))
            return s
        return self.nst.call(go)

    def http(self, timeout=5):
        """A connected http.client.HTTPConnection."""
        c = http.client.HTTPConnection(self.addr, self.port,
                                       timeout=timeout)
        self.nst.call(c.connect)
        return c

    def get(self, path, headers=None, method="GET", timeout=5):
        """One request on a new connection: (status, headers, body)."""
        c = self.http(timeout=timeout)
        try:
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read()
        finally:
            c.close()

    def tool(self, args, timeout=60, **kw):
        """Any command (curl, slowhttptest...) inside the namespace."""
        return self.nst.call(subprocess.run, args, capture_output=True,
                             timeout=timeout, **kw)

    def popen(self, args, **kw):
        return self.ns.popen(args, **kw)

    # --- the end -----------------------------------------------------------

    def stop(self):
        """SIGTERM; returns (exit status, counters, output)."""
        rc = self.app.stop()
        return rc, self.app.stats(after="web: exit"), self.app.output()

    def close(self):
        if self.app is not None:
            self.app.stop()
        if self.nst is not None:
            self.nst.stop()
        self.ns.delete()


def exchange(s, data, timeout=5.0, until_close=True):
    """Send data on socket s and read until the peer closes (or, with
    until_close False, until nothing comes for a moment). Returns
    (bytes, closed)."""
    s.settimeout(timeout)
    if data:
        s.sendall(data)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = s.recv(65536)
        except socket.timeout:
            return out, False
        except ConnectionResetError:
            return out, True
        if not got:
            return out, True
        out += got
        if not until_close:
            s.settimeout(0.3)
    return out, False


def parse_responses(buf, heads=()):
    """Split a byte stream into responses: [(status, {name: value},
    body)], lower-case names; bodies by Content-Length (none for 204 and
    304, nor for the responses whose indexes are in heads: HEAD)."""
    out = []
    while buf:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            raise ValueError(f"incomplete head: {buf[:200]!r}")
        head = buf[:end].decode("latin-1").split("\r\n")
        buf = buf[end + 4:]
        status = int(head[0].split(" ")[1])
        hdrs = {}
        for line in head[1:]:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
        n = int(hdrs.get("content-length", "0"))
        if status in (204, 304) or len(out) in heads:
            n = 0
        out.append((status, hdrs, buf[:n]))
        buf = buf[n:]
    return out
