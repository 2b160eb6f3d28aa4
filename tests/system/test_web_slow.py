# SPDX-License-Identifier: ISC
"""apps/web under slowhttptest (issue 6): slowloris and slow read.

Each run lasts SLOW_SECONDS while a second client asks for a page every
quarter second; it must keep getting answers. The appliance is an
out-of-tree copy of apps/web (so its image does not replace the one the
other tests use) whose site adds a 256 KiB file, which the slow readers
ask for. --max_conns is below slowhttptest's connection count, so the
limit and its eviction are part of what is tested.
"""
import os
import random
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import ROOT
from netns import kvm_usable
from webapp import SITE, WebBox, mode_params

SLOW_SECONDS = 15
MAX_CONNS = 64
SLOW_CONNS = 200


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory):
    d = tmp_path_factory.mktemp("webslow") / "web"
    d.mkdir()
    for f in ("app.mk", "web.c"):
        shutil.copy(ROOT / "apps" / "web" / f, d / f)
    shutil.copytree(SITE, d / "site")
    rnd = random.Random(6)
    (d / "site" / "big.bin").write_bytes(
        bytes(rnd.getrandbits(8) for _ in range(256 * 1024)))
    return str(d)


@pytest.fixture(scope="module", params=mode_params())
def box(request, morgana, build_image, slow_app):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if shutil.which("slowhttptest") is None:
        pytest.skip("slowhttptest is not installed")
    if request.param == "hvt" and not kvm_usable():
        pytest.skip("no KVM")
    target = "hvt" if request.param == "hvt" else "unix"
    image = build_image(slow_app, target=target,
                        san=request.param == "unix-san")
    b = WebBox(morgana, build_image, request.param, image=image,
               prefix="mgslow", tap="tapslow0",
               args=[f"--max_conns={MAX_CONNS}", "--header_timeout=5",
                     "--send_timeout=5", "--idle=10"])
    try:
        yield b
        st = b.finish()
        assert st.get("web.errors", 1) == 0, st
    finally:
        b.close()


class Prober:
    """GET /robots.txt every quarter second on a new connection; records
    (time, ok)."""

    def __init__(self, box):
        self.box = box
        self.results = []
        self.stop_ = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)

    def _one(self):
        s = self.box.connect(timeout=3)
        try:
            s.settimeout(3)
            s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: p\r\n"
                      b"Connection: close\r\n\r\n")
            got = b""
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
            return got.startswith(b"HTTP/1.1 200 ")
        finally:
            s.close()

    def _run(self):
        while not self.stop_.is_set():
            t = time.monotonic()
            try:
                ok = self._one()
            except (OSError, socket.timeout):
                ok = False
            self.results.append((t, ok))
            self.stop_.wait(0.25)

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *exc):
        self.stop_.set()
        self.t.join(timeout=10)

    def check(self):
        oks = [t for t, ok in self.results if ok]
        n = len(self.results)
        assert n >= 10, self.results
        assert len(oks) >= 0.9 * n, f"{len(oks)} of {n} probes answered"
        gaps = [b - a for a, b in zip(oks, oks[1:])]
        assert max(gaps) < 4, f"no answer for {max(gaps):.1f} s"


def slowhttptest(box, mode_args):
    url = f"{box.url}/big.bin" if "-X" in mode_args else f"{box.url}/"
    args = ["slowhttptest", "-c", str(SLOW_CONNS), "-r", "100", "-l",
            str(SLOW_SECONDS), "-u", url, "-p", "3"] + mode_args
    # slowhttptest runs as its own process in the namespace (the
    # namespace thread serves the prober meanwhile).
    sp = box.popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   text=True, errors="replace")
    with Prober(box) as p:
        try:
            out, _ = sp.communicate(timeout=SLOW_SECONDS + 60)
        except subprocess.TimeoutExpired:
            sp.kill()
            out, _ = sp.communicate()
    return p, out


def test_slowloris(box):
    p, out = slowhttptest(box, ["-H", "-i", "1", "-x", "10"])
    p.check()
    assert "slow HTTP test" in out or "slowhttptest" in out, out


def test_slow_read(box):
    p, out = slowhttptest(box, ["-X", "-w", "16", "-y", "64", "-n", "2",
                                "-z", "16", "-k", "4"])
    p.check()
    assert "slow HTTP test" in out or "slowhttptest" in out, out


def test_after_slow_clients_counters(box):
    """The counters show the defences at work."""
    rc, st, out = box.stop()
    assert rc == 0, out
    assert st["web.head_timeout"] + st["web.evicted"] > 0, st
    assert st["web.slow_read"] + st["web.evicted"] > 0, st
    assert st["http.st_200"] > 0, st
    print({k: v for k, v in st.items() if k.startswith("web.")})
