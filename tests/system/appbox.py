# SPDX-License-Identifier: ISC
"""An appliance in a network namespace of its own, for the system tests
and the benchmarks (dnsapp.py's DnsBox and webapp.py's WebBox are kinds
of it).

  NsThread      a worker thread that has entered a network namespace:
                every function given to call() runs inside it (sockets,
                dig, curl), so a test drives clients in the namespace from
                Python.
  need_tender   builds the hvt tender if it is missing.
  mode_params   pytest params for the four modes below.
  AppBox        a namespace with a tap (the kernel's side at HOST) and a
                running appliance, booted one of four ways:
                  unix-direct  Morgana's own stack over the tap, at ADDR
                  unix-socket  the socket stack on 127.0.0.1:sock_port
                               inside the namespace (--net:service=none)
                  unix-san     unix-direct built with ASan and UBSan
                  hvt          a KVM guest over the tap, at ADDR
"""
import ctypes
import os
import queue
import socket
import subprocess
import threading

from conftest import ROOT, run
from netns import Appliance, Netns, kvm_usable

HOST = "10.0.0.1"      # the kernel's side of the tap
ADDR = "10.0.0.2"      # the appliance (direct stack)
TENDER = ROOT / "build" / "bin" / "morgana-hvt"
MODES = ["unix-direct", "unix-socket", "unix-san", "hvt"]

_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class NsThread:
    """A thread inside namespace `name` running the functions it is
    given, one at a time."""

    def __init__(self, name):
        self.q = queue.Queue()
        self.ready = queue.Queue()
        self.t = threading.Thread(target=self._main, args=(name,),
                                  daemon=True)
        self.t.start()
        err = self.ready.get(timeout=10)
        if err:
            raise RuntimeError(f"setns {name}: {err}")

    def _main(self, name):
        try:
            fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
            try:
                if _libc.setns(fd, _CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns")
            finally:
                os.close(fd)
        except OSError as e:
            self.ready.put(str(e))
            return
        self.ready.put(None)
        while True:
            item = self.q.get()
            if item is None:
                return
            fn, args, kw, out = item
            try:
                out.put((True, fn(*args, **kw)))
            except BaseException as e:  # handed to the caller
                out.put((False, e))

    def call(self, fn, *args, **kw):
        out = queue.Queue()
        self.q.put((fn, args, kw, out))
        ok, v = out.get()
        if not ok:
            raise v
        return v

    def stop(self):
        self.q.put(None)
        self.t.join(timeout=5)


def need_tender():
    if not TENDER.exists():
        r = run(["make", str(TENDER.relative_to(ROOT))], timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr


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


class AppBox:
    """A namespace, a tap and a running appliance. A kind sets APP (its
    folder), NAME (its "NAME: serving" and "NAME: exit" lines), PORT (on
    the direct stack) and SOCK_PORT (on the socket stack), and may add to
    setup_tap() and wait_reachable()."""

    APP = NAME = None
    PORT = SOCK_PORT = None

    def __init__(self, morgana, build_image, mode, args=(), tap=None,
                 prefix=None, image=None, san=None, start_timeout=60):
        self.mode = mode
        target = "hvt" if mode == "hvt" else "unix"
        if target == "hvt":
            need_tender()
        if san is None:
            san = mode == "unix-san"
        if image is None:
            image = build_image(self.APP, target=target, san=san)
        self.image = image
        self.ns = Netns(prefix or f"mg{self.NAME}")
        self.nst = None
        self.app = None
        tap = tap or f"tap{self.NAME}0"
        try:
            self.ns.add_tap(tap, f"{HOST}/24")
            self.setup_tap(tap)
            self.nst = NsThread(self.ns.name)
            if mode == "unix-socket":
                self.addr, self.port = "127.0.0.1", self.SOCK_PORT
                base = ["--net=socket", "--ip=127.0.0.1",
                        f"--port={self.SOCK_PORT}"]
            else:
                self.addr, self.port = ADDR, self.PORT
                base = [f"--ip={ADDR}/24"]
            # The socket stack needs no tap: the device is declared but
            # given as "none".
            self.app = Appliance(self.ns, morgana, self.image,
                                 "none" if mode == "unix-socket" else tap,
                                 base + list(args))
            m = self.app.wait_line(rf"{self.NAME}: serving",
                                   timeout=start_timeout)
            if m is None:
                raise AssertionError("the appliance did not start:\n" +
                                     self.app.output())
            self.wait_reachable()
        except BaseException:
            self.close()
            raise

    def setup_tap(self, tap):
        """More on the kernel's side of the tap, before the boot."""

    def wait_reachable(self):
        """Until the appliance answers (the first packet may wait for
        ARP)."""

    # --- clients, all inside the namespace -------------------------------

    def connect(self, timeout=5, source=None):
        """A connected TCP socket to the appliance (made in the
        namespace, usable from anywhere)."""
        def go():
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.settimeout(timeout)
            if source:
                s.bind((source, 0))
            s.connect((self.addr, self.port))
            return s
        return self.nst.call(go)

    def tool(self, args, timeout=60, **kw):
        """Any command (dig, curl, slowhttptest...) inside the
        namespace."""
        return self.nst.call(subprocess.run, args, capture_output=True,
                             timeout=timeout, **kw)

    def popen(self, args, **kw):
        return self.ns.popen(args, **kw)

    # --- the end -----------------------------------------------------------

    def stop(self):
        """SIGTERM; returns (exit status, counters, output)."""
        rc = self.app.stop()
        return rc, self.app.stats(after=f"{self.NAME}: exit"), \
            self.app.output()

    def finish(self):
        """stop(), then a clean end asserted: exit 0, "NAME: done, exit
        0", no sanitizer report. Returns the counters."""
        rc, st, out = self.stop()
        assert rc == 0, f"exit {rc}\n{out}"
        assert f"{self.NAME}: done, exit 0" in out, out
        assert "AddressSanitizer" not in out and \
            "runtime error" not in out, out
        return st

    def close(self):
        if self.app is not None:
            self.app.stop()
        if self.nst is not None:
            self.nst.stop()
        self.ns.delete()
