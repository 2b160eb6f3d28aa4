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
import time

from appbox import ADDR, HOST, MODES, AppBox, mode_params  # noqa: F401
from conftest import ROOT

SOCK_PORT = 8080       # the appliance on the socket stack (127.0.0.1)
SITE = ROOT / "apps" / "web" / "site"


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


class WebBox(AppBox):
    """A namespace, a tap and a running web appliance."""

    APP, NAME, PORT, SOCK_PORT = "apps/web", "web", 80, SOCK_PORT

    def wait_reachable(self, timeout=30):
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
