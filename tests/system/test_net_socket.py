# SPDX-License-Identifier: ISC
"""The socket stack (--net=socket, lib/net/sock.c) through a real appliance.

tests/apps/sockecho serves UDP echo and TCP echo on PORT, discard on PORT+2
and chargen on PORT+12, all on the host's sockets at 127.0.0.1; with
--connect= it is a TCP client instead. Every peer here is a Python socket
on the loopback, every loop is bounded in count and time.
"""
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import ROOT

APP = "tests/apps/sockecho"
HOST = "127.0.0.1"
CG_PERIOD = 95


def start(image, args, ready=b"sockecho: serving on port"):
    """Start image with args; wait for its ready line. Returns the Popen."""
    p = subprocess.Popen([image, "--"] + args, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline()
    if ready not in line:
        p.kill()
        out, err = p.communicate(timeout=10)
        raise AssertionError((line + out + err).decode(errors="replace"))
    return p


def stop(p):
    """SIGTERM, then its output; the appliance must exit 0."""
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    assert p.returncode == 0, out + err
    assert "sockecho: done, exit 0" in out, out + err
    return out


def free_base():
    """A base port whose +0, +2 and +12 are free for TCP and UDP now."""
    for _ in range(50):
        base = random.randrange(20000, 40000)
        try:
            socks = []
            for off, kind in ((0, socket.SOCK_DGRAM), (0, socket.SOCK_STREAM),
                              (2, socket.SOCK_STREAM),
                              (12, socket.SOCK_STREAM)):
                s = socket.socket(socket.AF_INET, kind)
                socks.append(s)
                s.bind((HOST, base + off))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free ports")


@pytest.fixture(scope="module", params=[False, True], ids=["release", "asan"])
def server(request, build_image):
    """A running sockecho server: (base port, Popen)."""
    image = build_image(APP, san=request.param)
    base = free_base()
    p = start(image, ["--port=%d" % base])
    yield base, p
    # It must still be running after all of them, and stop cleanly.
    if p.poll() is not None:
        out, err = p.communicate(timeout=10)
        raise AssertionError("sockecho died:\n%s%s" % (
            out.decode(errors="replace"), err.decode(errors="replace")))
    stop(p)


def recv_exact(s, n, deadline):
    buf = bytearray()
    while len(buf) < n:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = s.recv(min(1 << 20, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return bytes(buf)


def test_udp_echo_many_datagrams_byte_exact(server):
    base, _ = server
    rng = random.Random(4)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        window = 16
        sent = 0
        for _ in range(125):
            batch = [bytes(rng.getrandbits(8) for _ in range(
                rng.choice([0, 1, 7, 64, 512, 1400, 1472])))
                for _ in range(window)]
            batch = [b"%06d" % (sent + i) + d for i, d in enumerate(batch)]
            for d in batch:
                s.sendto(d, (HOST, base))
            got = {}
            for _ in batch:
                d, peer = s.recvfrom(65536)
                assert peer == (HOST, base)
                got[d[:6]] = d
            for d in batch:
                assert got[d[:6]] == d
            sent += window
        assert sent == 2000
    finally:
        s.close()


def test_udp_datagram_too_big_for_a_buffer_is_dropped_not_fatal(server):
    base, _ = server
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    try:
        s.sendto(b"x" * 9000, (HOST, base))
        s.sendto(b"after", (HOST, base))
        assert s.recvfrom(65536)[0] == b"after"
    finally:
        s.close()


def echo_one(base, data, results, idx, read_delay=0.0):
    """Send data on a new connection while reading it back."""
    deadline = time.monotonic() + 120
    s = socket.create_connection((HOST, base), timeout=30)
    err = []

    def writer():
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            err.append(e)
    w = threading.Thread(target=writer)
    w.start()
    try:
        if read_delay:
            time.sleep(read_delay)
        got = recv_exact(s, len(data), deadline)
        s.settimeout(10)
        fin = s.recv(1) == b""
    finally:
        w.join(60)
        s.close()
    results[idx] = (got == data, len(got), fin, err)


def test_tcp_echo_concurrent_connections_byte_exact(server):
    base, _ = server
    n = 12
    datas = [os.urandom(512 * 1024 + i * 4099) for i in range(n)]
    results = [None] * n
    threads = [threading.Thread(target=echo_one,
                                args=(base, datas[i], results, i))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    for i, r in enumerate(results):
        assert r is not None, "connection %d did not finish" % i
        same, got, fin, err = r
        assert not err, err
        assert same, "connection %d: %d of %d bytes, not equal" % (
            i, got, len(datas[i]))
        assert fin, "connection %d: no FIN after the echo" % i


def test_tcp_echo_keeps_bytes_while_the_peer_does_not_read(server):
    """The echo's writes fill up; what it did not consume must come back
    later, in order, once the client reads (backpressure, resume)."""
    base, _ = server
    data = os.urandom(8 * 1024 * 1024)
    results = [None]
    echo_one(base, data, results, 0, read_delay=1.0)
    same, got, fin, err = results[0]
    assert not err and same and fin, (got, len(data), fin, err)


def test_tcp_discard_takes_everything_then_closes(server):
    base, _ = server
    s = socket.create_connection((HOST, base + 2), timeout=30)
    try:
        for _ in range(64):
            s.sendall(os.urandom(65536))
        s.shutdown(socket.SHUT_WR)
        assert s.recv(10) == b""
    finally:
        s.close()


def test_tcp_chargen_streams_the_pattern(server):
    base, _ = server
    s = socket.create_connection((HOST, base + 12), timeout=30)
    try:
        got = recv_exact(s, 2 * 1024 * 1024, time.monotonic() + 60)
    finally:
        s.close()
    assert len(got) == 2 * 1024 * 1024
    first = got[0] - 0x20
    want = bytes(0x20 + (first + i) % CG_PERIOD for i in range(len(got)))
    assert got == want


def test_many_short_connections(server):
    base, _ = server
    for i in range(200):
        s = socket.create_connection((HOST, base), timeout=10)
        try:
            s.sendall(b"ping %d" % i)
            s.shutdown(socket.SHUT_WR)
            assert recv_exact(s, 20, time.monotonic() + 10) == b"ping %d" % i
        finally:
            s.close()


def test_client_connects_echoes_and_exits_0(build_image):
    image = build_image(APP, san=True)
    lsn = socket.socket()
    lsn.bind((HOST, 0))
    lsn.listen(1)
    port = lsn.getsockname()[1]
    total = []

    def serve():
        c, _ = lsn.accept()
        c.settimeout(60)
        n = 0
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
            n += len(d)
        c.shutdown(socket.SHUT_WR)
        c.recv(1)
        c.close()
        total.append(n)
    t = threading.Thread(target=serve)
    t.start()
    try:
        r = subprocess.run([image, "--", "--connect=%s:%d" % (HOST, port),
                            "--bytes=3000000"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    finally:
        t.join(60)
        lsn.close()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "sockecho: connected to port %d" % port in r.stdout
    assert "closed (ok), sent 3000000, got 3000000, fin" in r.stdout
    assert total == [3000000]


def test_client_connect_refused_is_reported(build_image):
    image = build_image(APP, san=True)
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()  # bound, never listening: nothing there now
    r = subprocess.run([image, "--", "--connect=%s:%d" % (HOST, port)],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "connect failed: connection refused" in r.stdout
    assert re.search(r"closed \(connection refused\)", r.stdout)


def test_stop_aborts_open_connections_and_prints_counters(build_image):
    image = build_image(APP, san=True)
    base = free_base()
    p = start(image, ["--port=%d" % base])
    s = socket.create_connection((HOST, base), timeout=10)
    try:
        s.sendall(b"hello")
        assert recv_exact(s, 5, time.monotonic() + 10) == b"hello"
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(5)
        u.sendto(b"u", (HOST, base))
        assert u.recvfrom(10)[0] == b"u"
        u.close()
        out = stop(p)
        s.settimeout(10)
        try:
            rest = s.recv(10)
        except ConnectionResetError:
            rest = None
        assert rest is None, "expected an RST, got %r" % rest
    finally:
        s.close()
        if p.poll() is None:
            p.kill()
    assert "udp.rx_datagrams 1" in out
    assert "udp.tx_datagrams 1" in out
    assert "tcp.conn_accepted 1" in out


def test_port_in_use_is_an_error(build_image):
    image = build_image(APP, san=True)
    base = free_base()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, base))
    try:
        r = subprocess.run([image, "--", "--port=%d" % base], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    finally:
        s.close()
    assert r.returncode == 1
    assert "sockecho: address in use" in r.stdout
