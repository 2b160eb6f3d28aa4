# SPDX-License-Identifier: ISC
"""apps/web with real clients (issue 6): curl, http.client, raw sockets.

Every rule of issue 6 against the appliance booted four ways
(tests/system/webapp.py): unix with Morgana's own stack over a tap, the
same built with ASan and UBSan, unix on the socket stack, and hvt over a
tap (skipped without /dev/kvm). Each runs in a network namespace of its
own, created and deleted here. The site is apps/web/site, compiled into
the image.

Every malformed or smuggling request must get the status RFC 9112 asks
for and a closed connection, and the appliance must go on serving.
"""
import email.utils
import gzip
import os
import random
import socket
import time

import pytest

from webapp import SITE, WebBox, exchange, mode_params, parse_responses, \
    site_files

IDLE = 3            # --idle
HEAD_TIMEOUT = 2    # --header_timeout
MAX_CONNS = 24      # --max_conns

FILES = site_files()
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
}


@pytest.fixture(scope="module", params=mode_params())
def box(request, morgana, build_image):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    b = WebBox(morgana, build_image, request.param,
               args=[f"--idle={IDLE}", f"--header_timeout={HEAD_TIMEOUT}",
                     f"--max_conns={MAX_CONNS}"])
    try:
        yield b
        st = b.finish()
        assert st.get("http.requests", 0) > 0, st
        assert st.get("web.errors", 1) == 0, st
    finally:
        b.close()


def raw(box, data, timeout=5.0):
    """Bytes sent on a fresh connection: (responses, closed)."""
    s = box.connect()
    try:
        out, closed = exchange(s, data, timeout=timeout)
    finally:
        s.close()
    return parse_responses(out), closed


def still_serves(box):
    st, _, body = box.get("/robots.txt")
    assert st == 200 and body == FILES["/robots.txt"]


def req(path="/", method="GET", version="HTTP/1.1", extra=""):
    return (f"{method} {path} {version}\r\nHost: web.test\r\n{extra}"
            "\r\n").encode()


# --- Plain GET and HEAD --------------------------------------------------

@pytest.mark.parametrize("path", sorted(FILES))
def test_every_file(box, path):
    st, h, body = box.get(path)
    assert st == 200, (path, st)
    assert body == FILES[path]
    ext = os.path.splitext(path)[1]
    assert h["Content-Type"] == TYPES[ext]
    assert int(h["Content-Length"]) == len(FILES[path])
    assert h["ETag"].startswith('"') and h["ETag"].endswith('"')
    assert h["Accept-Ranges"] == "bytes"
    assert h["Server"] == "morgana"
    assert h.get("Content-Encoding") is None


def test_date_and_last_modified(box):
    st, h, _ = box.get("/")
    assert st == 200
    date = email.utils.parsedate_to_datetime(h["Date"]).timestamp()
    assert abs(date - time.time()) < 120, h["Date"]
    assert h["Date"].endswith(" GMT") and len(h["Date"]) == 29
    lm = email.utils.parsedate_to_datetime(h["Last-Modified"]).timestamp()
    assert abs(lm - os.stat(SITE / "index.html").st_mtime) < 2


def test_head_same_fields_no_body(box):
    st, hg, body = box.get("/style.css")
    c = box.http()
    try:
        c.request("HEAD", "/style.css")
        r = c.getresponse()
        assert r.status == 200
        assert r.read() == b""
        for k in ("Content-Type", "Content-Length", "ETag",
                  "Last-Modified"):
            assert r.headers[k] == hg[k], k
        # The connection is still good after a HEAD.
        c.request("GET", "/robots.txt")
        r = c.getresponse()
        assert r.status == 200 and r.read() == FILES["/robots.txt"]
    finally:
        c.close()


def test_curl(box):
    r = box.tool(["curl", "-sS", "--max-time", "10", "-D", "-", box.url +
                  "/docs/http.html"])
    assert r.returncode == 0, r.stderr
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body == FILES["/docs/http.html"]
    r = box.tool(["curl", "-sS", "--max-time", "10", "--compressed",
                  "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                  "-D", "/dev/stderr", box.url + "/docs/http.html"])
    assert r.returncode == 0
    assert r.stdout.split()[0] == b"200"
    assert b"content-encoding: gzip" in r.stderr.lower(), r.stderr
    assert int(r.stdout.split()[1]) < len(FILES["/docs/http.html"])
    r = box.tool(["curl", "-sS", "--max-time", "10", "-r", "5-14",
                  box.url + "/index.html"])
    assert r.stdout == FILES["/index.html"][5:15]
    r = box.tool(["curl", "-sS", "--max-time", "10", "-I",
                  box.url + "/img/dot.png"])
    assert b"HTTP/1.1 200 OK" in r.stdout
    assert b"Content-Type: image/png" in r.stdout
    # Several URLs on one connection (curl reuses it).
    r = box.tool(["curl", "-sS", "--max-time", "10", "-v",
                  box.url + "/robots.txt", box.url + "/data.json"])
    assert r.stdout == FILES["/robots.txt"] + FILES["/data.json"]
    assert b"Re-using existing connection" in r.stderr or \
        b"Reusing existing connection" in r.stderr, r.stderr


# --- Validators ----------------------------------------------------------

def test_if_none_match(box):
    _, h, _ = box.get("/index.html")
    tag = h["ETag"]
    st, h2, body = box.get("/index.html", {"If-None-Match": tag})
    assert st == 304 and body == b""
    assert h2["ETag"] == tag
    assert h2.get("Content-Length") is None
    for v in (f'"nope", {tag}', f"W/{tag}", "*"):
        st, _, _ = box.get("/index.html", {"If-None-Match": v})
        assert st == 304, v
    st, _, body = box.get("/index.html", {"If-None-Match": '"other"'})
    assert st == 200 and body == FILES["/index.html"]
    # If-None-Match wins over If-Modified-Since.
    st, _, _ = box.get("/index.html", {
        "If-None-Match": '"other"',
        "If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert st == 200


def test_if_modified_since(box):
    _, h, _ = box.get("/style.css")
    lm = h["Last-Modified"]
    st, _, body = box.get("/style.css", {"If-Modified-Since": lm})
    assert st == 304 and body == b""
    st, _, _ = box.get("/style.css", {
        "If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"})
    assert st == 200
    st, _, _ = box.get("/style.css", {"If-Modified-Since": "yesterday"})
    assert st == 200
    # The other two date forms of RFC 9110 5.6.7.
    st, _, _ = box.get("/style.css", {
        "If-Modified-Since": "Friday, 01-Jan-60 00:00:00 GMT"})
    assert st == 304
    st, _, _ = box.get("/style.css", {
        "If-Modified-Since": "Fri Jan  1 00:00:00 2100"})
    assert st == 304


def test_if_match_and_unmodified_since(box):
    _, h, _ = box.get("/app.js")
    st, _, _ = box.get("/app.js", {"If-Match": '"other"'})
    assert st == 412
    st, _, body = box.get("/app.js", {"If-Match": h["ETag"]})
    assert st == 200 and body == FILES["/app.js"]
    st, _, _ = box.get("/app.js", {"If-Match": "*"})
    assert st == 200
    st, _, _ = box.get("/app.js", {
        "If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"})
    assert st == 412


# --- Range ----------------------------------------------------------------

def test_range(box):
    data = FILES["/index.html"]
    n = len(data)
    for spec, lo, hi in (("bytes=0-9", 0, 9), ("bytes=10-", 10, n - 1),
                         ("bytes=-5", n - 5, n - 1),
                         (f"bytes=5-{n + 100}", 5, n - 1),
                         (f"bytes=-{n + 10}", 0, n - 1)):
        st, h, body = box.get("/index.html", {"Range": spec})
        assert st == 206, spec
        assert body == data[lo:hi + 1], spec
        assert h["Content-Range"] == f"bytes {lo}-{hi}/{n}", spec
    st, h, body = box.get("/index.html", {"Range": f"bytes={n}-"})
    assert st == 416
    assert h["Content-Range"] == f"bytes */{n}"
    # Several ranges, another unit, nonsense: the whole file.
    for spec in ("bytes=0-1,5-6", "items=0-1", "bytes=9-2", "bytes=x-"):
        st, h, body = box.get("/index.html", {"Range": spec})
        assert st == 200 and body == data, spec
    # HEAD ignores Range.
    st, _, _ = box.get("/index.html", {"Range": "bytes=0-9"},
                       method="HEAD")
    assert st == 200


def test_if_range(box):
    _, h, _ = box.get("/index.html")
    st, _, body = box.get("/index.html", {"Range": "bytes=0-3",
                                          "If-Range": h["ETag"]})
    assert st == 206 and body == FILES["/index.html"][:4]
    st, _, body = box.get("/index.html", {"Range": "bytes=0-3",
                                          "If-Range": '"old"'})
    assert st == 200 and body == FILES["/index.html"]
    st, _, _ = box.get("/index.html", {"Range": "bytes=0-3",
                                       "If-Range": h["Last-Modified"]})
    assert st == 206


# --- gzip -------------------------------------------------------------------

def test_gzip_variant(box):
    st, h, body = box.get("/docs/http.html", {"Accept-Encoding": "gzip"})
    assert st == 200
    assert h["Content-Encoding"] == "gzip"
    assert h["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == FILES["/docs/http.html"]
    assert int(h["Content-Length"]) == len(body) < \
        len(FILES["/docs/http.html"])
    _, h2, _ = box.get("/docs/http.html")
    assert h2["Vary"] == "Accept-Encoding"
    assert h2.get("Content-Encoding") is None
    assert h2["ETag"] != h["ETag"]
    for ae in ("gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0, *"):
        st, h3, body = box.get("/docs/http.html", {"Accept-Encoding": ae})
        assert h3.get("Content-Encoding") is None, ae
        assert body == FILES["/docs/http.html"], ae
    for ae in ("deflate, gzip;q=0.5", "*", "x-gzip", "GZIP"):
        st, h3, body = box.get("/docs/http.html", {"Accept-Encoding": ae})
        assert h3.get("Content-Encoding") == "gzip", ae
    # A 304 for the gzip variant's tag; a range of the gzip bytes.
    st, _, _ = box.get("/docs/http.html", {"Accept-Encoding": "gzip",
                                           "If-None-Match": h["ETag"]})
    assert st == 304
    st, h4, part = box.get("/docs/http.html", {"Accept-Encoding": "gzip",
                                               "Range": "bytes=0-9"})
    assert st == 206 and part == body[:10]
    # Already compressed types have no variant and no Vary.
    st, h5, _ = box.get("/img/dot.png", {"Accept-Encoding": "gzip"})
    assert h5.get("Content-Encoding") is None and h5.get("Vary") is None


# --- Paths -------------------------------------------------------------------

def test_index_and_redirect(box):
    st, h, body = box.get("/")
    assert st == 200 and body == FILES["/index.html"]
    st, h, body = box.get("/docs/")
    assert st == 200 and body == FILES["/docs/index.html"]
    st, h, body = box.get("/docs")
    assert st == 301 and h["Location"] == "/docs/"
    st, h, body = box.get("/docs?x=1")
    assert st == 301 and h["Location"] == "/docs/?x=1"
    st, h, _ = box.get("/img/")
    assert st == 404
    r = box.tool(["curl", "-sS", "-L", "--max-time", "10",
                  box.url + "/docs"])
    assert r.stdout == FILES["/docs/index.html"]


def test_not_found_and_normalisation(box):
    assert box.get("/nope.html")[0] == 404
    assert box.get("/index.html/")[0] == 404
    assert box.get("/INDEX.HTML")[0] == 404
    assert box.get("/docs/../index.html")[2] == FILES["/index.html"]
    assert box.get("/./style.css")[2] == FILES["/style.css"]
    assert box.get("/%69ndex.html")[2] == FILES["/index.html"]
    assert box.get("/index.html?v=3")[2] == FILES["/index.html"]
    for bad in ("/../index.html", "/docs/../../x", "/%2e%2e/x", "/%zz",
                "/a%00b"):
        (resp,), closed = raw(box, req(bad))
        assert resp[0] == 400 and closed, bad
    # Raw UTF-8 in a target (clients should encode it; nginx takes it
    # too): looked up as its bytes, and encoded again in a Location.
    data = "GET /caf\u00e9.html HTTP/1.1\r\nHost: a\r\n\r\n".encode()
    (resp,), closed = raw(box, data, timeout=1.0)
    assert resp[0] == 404 and not closed, resp
    data = "GET /docs?q=caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n".encode()
    (resp,), closed = raw(box, data, timeout=1.0)
    assert resp[0] == 301 and resp[1]["location"] == "/docs/?q=caf%C3%A9"
    still_serves(box)


def test_absolute_form(box):
    (r,), closed = raw(box, req("http://web.test/robots.txt",
                                extra="Connection: close\r\n"))
    assert r[0] == 200 and r[2] == FILES["/robots.txt"] and closed


# --- Methods -----------------------------------------------------------------

def test_methods(box):
    (r,), closed = raw(box, req("/", "OPTIONS", extra="Connection: close\r\n"))
    assert r[0] == 204 and r[1]["allow"] == "GET, HEAD, OPTIONS"
    (r,), _ = raw(box, req("*", "OPTIONS", extra="Connection: close\r\n"))
    assert r[0] == 204
    for m in ("POST", "PUT", "DELETE", "PATCH", "TRACE"):
        (r,), closed = raw(box, req("/", m, extra="Connection: close\r\n"))
        assert r[0] == 405 and r[1]["allow"] == "GET, HEAD, OPTIONS", m
    (r,), _ = raw(box, req("/", "BREW", extra="Connection: close\r\n"))
    assert r[0] == 501
    # A 405 without a body keeps the connection.
    s = box.connect()
    try:
        out, closed = exchange(s, req("/", "DELETE") + req("/robots.txt"),
                               until_close=False)
        rs = parse_responses(out)
        assert [x[0] for x in rs] == [405, 200] and not closed
    finally:
        s.close()


def test_body_is_413_and_close(box):
    for extra in ("Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n"):
        body = b"hello" if "Length" in extra else b"5\r\nhello\r\n0\r\n\r\n"
        (r,), closed = raw(box, req("/", extra=extra) + body)
        assert r[0] == 413 and closed, extra
    (r,), closed = raw(box, req("/", "POST", extra="Content-Length: 5\r\n") +
                       b"hello")
    assert r[0] == 405 and closed
    # Content-Length: 0 is no body.
    s = box.connect()
    try:
        out, closed = exchange(s, req("/robots.txt",
                                      extra="Content-Length: 0\r\n"),
                               until_close=False)
        assert parse_responses(out)[0][0] == 200 and not closed
    finally:
        s.close()
    still_serves(box)


def test_expect(box):
    (r,), _ = raw(box, req("/robots.txt", extra="Expect: 100-continue\r\n"
                           "Connection: close\r\n"))
    assert r[0] == 200
    (r,), _ = raw(box, req("/robots.txt", extra="Expect: teapot\r\n"
                           "Connection: close\r\n"))
    assert r[0] == 417


# --- Connections ---------------------------------------------------------------

def test_keep_alive_many(box):
    c = box.http()
    try:
        for i in range(50):
            path = sorted(FILES)[i % len(FILES)]
            c.request("GET", path)
            r = c.getresponse()
            assert r.status == 200 and r.read() == FILES[path]
    finally:
        c.close()


def test_http10(box):
    (r,), closed = raw(box, b"GET /robots.txt HTTP/1.0\r\n\r\n")
    assert r[0] == 200 and closed and r[2] == FILES["/robots.txt"]
    s = box.connect()
    try:
        out, closed = exchange(s, b"GET /robots.txt HTTP/1.0\r\n"
                               b"Connection: keep-alive\r\n\r\n",
                               until_close=False)
        (r,) = parse_responses(out)
        assert r[0] == 200 and r[1]["connection"] == "keep-alive"
        assert not closed
        out, closed = exchange(s, b"GET /data.json HTTP/1.0\r\n\r\n")
        (r,) = parse_responses(out)
        assert r[2] == FILES["/data.json"] and closed
    finally:
        s.close()


def test_connection_close(box):
    (r,), closed = raw(box, req("/robots.txt",
                                extra="Connection: close\r\n"))
    assert r[0] == 200 and r[1]["connection"] == "close" and closed


def test_pipelining(box):
    paths = sorted(FILES) * 4 + ["/nope"]
    data = b"".join(req(p) for p in paths)
    data += req("/robots.txt", "HEAD")
    data += req("/robots.txt", extra="Connection: close\r\n")
    s = box.connect()
    try:
        out, closed = exchange(s, data, timeout=10)
    finally:
        s.close()
    rs = parse_responses(out, heads={len(paths)})
    assert closed
    assert len(rs) == len(paths) + 2
    for p, r in zip(paths, rs):
        if p == "/nope":
            assert r[0] == 404
        else:
            assert r[0] == 200 and r[2] == FILES[p], p
    # The HEAD answer has no body: the next response starts right after.
    assert rs[-2][0] == 200 and rs[-2][2] == b""
    assert rs[-2][1]["content-length"] == str(len(FILES["/robots.txt"]))
    assert rs[-1][2] == FILES["/robots.txt"]


def test_pipelining_large_bodies(box):
    """Responses bigger than the socket buffers, pipelined: the server
    must keep their order while the client reads slowly."""
    big = max(FILES, key=lambda p: len(FILES[p]))
    s = box.connect()
    try:
        s.settimeout(20)
        s.sendall(b"".join(req(big) for _ in range(1000)) +
                  req("/robots.txt", extra="Connection: close\r\n"))
        time.sleep(0.5)
        out, closed = exchange(s, b"", timeout=20)
    finally:
        s.close()
    rs = parse_responses(out)
    assert closed and len(rs) == 1001
    assert all(r[2] == FILES[big] for r in rs[:1000])


def test_trickled_head(box):
    """A head that arrives a few bytes at a time is gathered."""
    s = box.connect()
    try:
        data = req("/data.json", extra="Accept: */*\r\n")
        for i in range(0, len(data), 3):
            s.sendall(data[i:i + 3])
            time.sleep(0.01)
        out, closed = exchange(s, b"", until_close=False)
        (r,) = parse_responses(out)
        assert r[0] == 200 and r[2] == FILES["/data.json"] and not closed
    finally:
        s.close()


def test_leading_empty_lines_and_lf(box):
    (r,), _ = raw(box, b"\r\nGET /robots.txt HTTP/1.1\nHost: a\n"
                  b"Connection: close\n\n")
    assert r[0] == 200 and r[2] == FILES["/robots.txt"]


# --- Smuggling and limits: the status, a closed connection, still serving ----

LONG = "a" * 5000
BAD = [
    ("cl-and-te", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400),
    ("te-and-cl", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", 400),
    ("two-cl", "Content-Length: 5\r\nContent-Length: 6\r\n", 400),
    ("cl-list", "Content-Length: 5, 6\r\n", 400),
    ("cl-sign", "Content-Length: +5\r\n", 400),
    ("cl-hex", "Content-Length: 0x5\r\n", 400),
    ("te-not-last", "Transfer-Encoding: chunked, gzip\r\n", 400),
    ("te-unknown", "Transfer-Encoding: magic\r\n", 501),
    ("obs-fold", "X-A: one\r\n two\r\n", 400),
    ("bare-cr", "X-A: one\rtwo\r\n", 400),
    ("nul", "X-A: one\x00two\r\n", 400),
    ("space-before-colon", "X-A : one\r\n", 400),
    ("bad-name", "X(A): one\r\n", 400),
    ("no-colon", "X-A one\r\n", 400),
    ("two-hosts", "Host: other\r\n", 400),
    ("fields-too-big", "".join(f"X-{i}: {'v' * 90}\r\n"
                               for i in range(100)), 431),
]


@pytest.mark.parametrize("name,extra,status", BAD, ids=[b[0] for b in BAD])
def test_bad_fields(box, name, extra, status):
    rs, closed = raw(box, req("/", extra=extra))
    assert len(rs) == 1 and rs[0][0] == status, rs
    assert rs[0][1]["connection"] == "close"
    assert closed
    still_serves(box)


BAD_LINES = [
    ("no-host", b"GET / HTTP/1.1\r\n\r\n", 400),
    ("two-spaces", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("lower-version", b"GET / http/1.1\r\nHost: a\r\n\r\n", 400),
    ("http2", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
    ("http09", b"GET /\r\n\r\n", 400),
    ("long-target", f"GET /{LONG} HTTP/1.1\r\nHost: a\r\n\r\n".encode(),
     414),
    ("fragment", b"GET /#x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("bad-method", b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("te-http10", b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
     400),
    ("bare-cr-line", b"GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
    ("no-path", b"GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", 400),
    ("huge-line", b"GET /" + b"a" * 9000, 414),
]


@pytest.mark.parametrize("name,data,status", BAD_LINES,
                         ids=[b[0] for b in BAD_LINES])
def test_bad_request_lines(box, name, data, status):
    rs, closed = raw(box, data)
    assert len(rs) == 1 and rs[0][0] == status, rs
    assert closed
    still_serves(box)


def test_smuggled_second_request_not_served(box):
    """CL.TE: a front end that believes Content-Length would forward the
    smuggled GET as body; the server must not answer it."""
    data = (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 40\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            b"GET /robots.txt HTTP/1.1\r\nHost: a\r\n\r\n")
    rs, closed = raw(box, data)
    assert [r[0] for r in rs] == [400] and closed


# --- Timeouts and the connection limit ----------------------------------------

def test_header_timeout_trickle(box):
    """A head trickling in (slowloris) gets 408 after --header_timeout
    however often bytes come."""
    s = box.connect()
    try:
        t0 = time.monotonic()
        s.sendall(b"GET / HTTP/1.1\r\n")
        got = b""
        s.settimeout(0.3)
        while time.monotonic() - t0 < HEAD_TIMEOUT + 5:
            try:
                s.sendall(b"X: y\r\n")
            except OSError:
                break
            try:
                d = s.recv(4096)
                if not d:
                    break
                got += d
            except socket.timeout:
                pass
            except ConnectionResetError:
                break
        took = time.monotonic() - t0
        assert got.startswith(b"HTTP/1.1 408 "), got
        assert HEAD_TIMEOUT - 0.5 <= took <= HEAD_TIMEOUT + 4, took
    finally:
        s.close()
    still_serves(box)


def test_idle_timeout(box):
    s = box.connect()
    try:
        out, closed = exchange(s, req("/robots.txt"), until_close=False)
        assert parse_responses(out)[0][0] == 200 and not closed
        t0 = time.monotonic()
        out, closed = exchange(s, b"", timeout=IDLE + 5)
        assert closed and out == b""
        assert IDLE - 0.5 <= time.monotonic() - t0 <= IDLE + 4
    finally:
        s.close()


def test_connection_limit_keeps_serving(box):
    """More idle connections than --max_conns: the ones stuck longest are
    reset, and a new client is still served."""
    socks = []
    try:
        for _ in range(MAX_CONNS + 8):
            s = box.connect()
            s.sendall(b"GET / HTTP/1.1\r\n")  # a head that never ends
            socks.append(s)
            time.sleep(0.01)
        for _ in range(3):
            still_serves(box)
    finally:
        for s in socks:
            s.close()


# --- Random splits and garbage ----------------------------------------------------

def test_random_splits(box):
    """Pipelined requests cut at random places and sent in pieces: every
    answer whole and in order."""
    rnd = random.Random(7)
    paths = sorted(FILES)
    for round_ in range(5):
        want, data, heads = [], b"", set()
        for i in range(30):
            p = rnd.choice(paths + ["/nope", "/docs"])
            m = rnd.choice(["GET", "GET", "GET", "HEAD"])
            extra = rnd.choice(["", "Accept: */*\r\n",
                                "User-Agent: " + "x" * rnd.randrange(2000)
                                + "\r\n"])
            if m == "HEAD":
                heads.add(i)
            want.append((m, p))
            data += req(p, m, extra=extra)
        data += req("/robots.txt", extra="Connection: close\r\n")
        s = box.connect()
        try:
            off = 0
            while off < len(data):
                n = rnd.choice([1, 2, 7, 100, 1000, 5000])
                s.sendall(data[off:off + n])
                off += n
                if rnd.random() < 0.1:
                    time.sleep(0.005)
            out, closed = exchange(s, b"", timeout=10)
        finally:
            s.close()
        rs = parse_responses(out, heads=heads)
        assert closed and len(rs) == len(want) + 1, round_
        for (m, p), r in zip(want, rs):
            if p in FILES:
                assert r[0] == 200, (m, p)
                assert r[2] == (FILES[p] if m == "GET" else b""), (m, p)
            else:
                assert r[0] == (404 if p == "/nope" else 301), (m, p)


def test_garbage_requests(box):
    """Mutated requests, each on its own connection, then our FIN: an
    answer that is a well-formed status line (or none), never a crash;
    the appliance serves on."""
    rnd = random.Random(11)
    base = req("/docs/http.html", extra="Accept-Encoding: gzip\r\n"
               "Range: bytes=1-20\r\nIf-None-Match: \"x\"\r\n")
    junk = [b"\r", b"\n", b"\x00", b" ", b"\t", b":", b"\xff", b"%",
            b"/..", b"\r\n\r\n", b",", b"\"", b"-"]

    def one(data):
        s = box.connect()
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            out, closed = exchange(s, b"", timeout=5)
        finally:
            s.close()
        assert closed, data
        if out:
            assert out.startswith(b"HTTP/1.1 ") and out[12:13] == b" ", \
                (data, out[:80])
            assert int(out[9:12]) in (200, 206, 304, 400, 404, 405, 412,
                                      413, 414, 416, 417, 431, 501,
                                      505), (data, out[:80])
    for _ in range(300):
        d = bytearray(base)
        for _ in range(rnd.randrange(1, 4)):
            op = rnd.randrange(3)
            i = rnd.randrange(len(d))
            if op == 0:
                d[i:i] = rnd.choice(junk)
            elif op == 1:
                del d[i:i + rnd.randrange(1, 8)]
            else:
                d[i] = rnd.randrange(256)
        one(bytes(d))
    still_serves(box)
