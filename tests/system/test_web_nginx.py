# SPDX-License-Identifier: ISC
"""apps/web against nginx (issue 6): the same requests to both.

nginx (one worker, in the test's namespace, on a copy of apps/web/site)
is the server a user would pick instead. Each request below goes to both
on a fresh connection; the status codes and whether the connection is
closed afterwards must agree, except where a difference is listed in
DIFFERENT with its reason (each such entry is checked too: both servers
must still give the answers written there, so the list cannot go
stale). The validators (ETag, Last-Modified) are each server's own.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from webapp import SITE, WebBox, exchange

NGINX = "/usr/sbin/nginx"
NGINX_PORT = 8081

NGINX_CONF = """worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include /etc/nginx/mime.types;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def r(line, *fields, body=b""):
    head = line + "\r\n" + "".join(f + "\r\n" for f in fields) + "\r\n"
    return head.encode() + body


H = "Host: web.test"
CASES = [
    ("get", r("GET / HTTP/1.1", H)),
    ("get-file", r("GET /style.css HTTP/1.1", H)),
    ("head", r("HEAD /style.css HTTP/1.1", H)),
    ("missing", r("GET /nope.html HTTP/1.1", H)),
    ("folder-slash", r("GET /docs/ HTTP/1.1", H)),
    ("folder-no-slash", r("GET /docs HTTP/1.1", H)),
    ("dot-segments", r("GET /docs/../index.html HTTP/1.1", H)),
    ("escaped", r("GET /%69ndex.html HTTP/1.1", H)),
    ("above-root", r("GET /../index.html HTTP/1.1", H)),
    ("query", r("GET /index.html?a=b HTTP/1.1", H)),
    ("absolute-form", r("GET http://web.test/index.html HTTP/1.1", H)),
    ("inm-match", r("GET /index.html HTTP/1.1", H,
                    "If-None-Match: {etag}")),
    ("inm-star", r("GET /index.html HTTP/1.1", H, "If-None-Match: *")),
    ("inm-other", r("GET /index.html HTTP/1.1", H,
                    'If-None-Match: "zzz"')),
    ("ims-equal", r("GET /index.html HTTP/1.1", H,
                    "If-Modified-Since: {lm}")),
    ("ims-old", r("GET /index.html HTTP/1.1", H,
                  "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT")),
    ("if-match-other", r("GET /index.html HTTP/1.1", H,
                         'If-Match: "zzz"')),
    ("if-match-ok", r("GET /index.html HTTP/1.1", H, "If-Match: {etag}")),
    ("ius-old", r("GET /index.html HTTP/1.1", H,
                  "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT")),
    ("range", r("GET /index.html HTTP/1.1", H, "Range: bytes=0-9")),
    ("range-open", r("GET /index.html HTTP/1.1", H, "Range: bytes=10-")),
    ("range-suffix", r("GET /index.html HTTP/1.1", H, "Range: bytes=-10")),
    ("range-past-end", r("GET /index.html HTTP/1.1", H,
                         "Range: bytes=99999-")),
    ("range-bad", r("GET /index.html HTTP/1.1", H, "Range: bytes=x-y")),
    ("if-range-match", r("GET /index.html HTTP/1.1", H,
                         "Range: bytes=0-9", "If-Range: {etag}")),
    ("if-range-other", r("GET /index.html HTTP/1.1", H,
                         "Range: bytes=0-9", 'If-Range: "zzz"')),
    ("http10", r("GET / HTTP/1.0")),
    ("http10-keepalive", r("GET / HTTP/1.0", "Connection: keep-alive")),
    ("close", r("GET / HTTP/1.1", H, "Connection: close")),
    ("post", r("POST / HTTP/1.1", H)),
    ("delete", r("DELETE / HTTP/1.1", H)),
    ("no-host", r("GET / HTTP/1.1")),
    ("two-hosts", r("GET / HTTP/1.1", H, "Host: other")),
    ("cl-te", r("GET / HTTP/1.1", H, "Content-Length: 5",
                "Transfer-Encoding: chunked", body=b"0\r\n\r\n")),
    ("two-cl", r("GET / HTTP/1.1", H, "Content-Length: 1",
                 "Content-Length: 2")),
    ("cl-bad", r("GET / HTTP/1.1", H, "Content-Length: abc")),
    ("te-unknown", r("GET / HTTP/1.1", H, "Transfer-Encoding: magic")),
    ("http2-version", r("GET / HTTP/2.0", H)),
    ("bad-version", r("GET / HTTP/1.1x", H)),
    ("space-before-colon", r("GET / HTTP/1.1", H, "X-A : b")),
    ("long-target", r("GET /" + "a" * 9000 + " HTTP/1.1", H)),
    ("fields-too-big", r("GET / HTTP/1.1", H,
                         *[f"X-{i}: {'v' * 200}" for i in range(60)])),
    ("lf-only", b"GET / HTTP/1.1\nHost: web.test\n\n"),
    ("leading-crlf", b"\r\n" + r("GET / HTTP/1.1", H)),
]

# name: (Morgana's status, nginx's status, why they differ)
DIFFERENT = {
    # RFC 9110 14.2: a Range that does not parse is ignored (the whole
    # representation, 200); nginx 1.22 answers 416.
    "range-bad": (200, 416, "an unparsable Range is ignored (RFC 9110 "
                  "14.2); nginx answers 416"),
    # nginx limits each field line to 8 KiB and the head to 32 KiB; this
    # head (12 KiB) is over Morgana's 8 KiB limit for the whole head.
    "fields-too-big": (431, 200, "head limit: Morgana 8 KiB, nginx 32 KiB"),
}


@pytest.fixture(scope="module")
def servers(morgana, build_image):
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (tools/ensure-deps nginx)")
    box = WebBox(morgana, build_image, "unix-socket", prefix="mgwebng")
    tmp = tempfile.mkdtemp(prefix="mgwebng")
    os.chmod(tmp, 0o755)
    root = os.path.join(tmp, "site")
    shutil.copytree(SITE, root)
    for d, _, fs in os.walk(root):
        os.chmod(d, 0o755)
        for f in fs:
            os.chmod(os.path.join(d, f), 0o644)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=tmp, port=NGINX_PORT, root=root))
    ng = box.popen([NGINX, "-c", conf, "-p", tmp],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   text=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                s = box.nst.call(socket.create_connection,
                                 ("127.0.0.1", NGINX_PORT), 1)
                s.close()
                break
            except OSError:
                if time.monotonic() > deadline or ng.poll() is not None:
                    raise AssertionError("nginx did not start")
                time.sleep(0.1)
        yield box
    finally:
        ng.terminate()
        try:
            ng.wait(timeout=10)
        except subprocess.TimeoutExpired:
            ng.kill()
            ng.wait()
        box.close()
        shutil.rmtree(tmp, ignore_errors=True)


def ask(box, port, data):
    """(status, closed, headers) of one request on a fresh connection."""
    s = box.nst.call(socket.create_connection, ("127.0.0.1", port), 5)
    try:
        out, closed = exchange(s, data, timeout=3, until_close=False)
        if not closed:
            # Still open after the answer: is it really?
            s.settimeout(0.3)
            try:
                closed = s.recv(1) == b""
            except socket.timeout:
                closed = False
            except ConnectionResetError:
                closed = True
    finally:
        s.close()
    if not out:
        return None, closed, {}
    end = out.find(b"\r\n\r\n")
    head = out[:end if end >= 0 else len(out)].decode("latin-1")
    status = int(head.split(" ")[1])
    hdrs = {}
    for line in head.split("\r\n")[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            hdrs[k.strip().lower()] = v.strip()
    return status, closed, hdrs


def validators(box, port):
    _, _, h = ask(box, port, r("GET /index.html HTTP/1.1", H,
                               "Connection: close"))
    return h["etag"], h["last-modified"]


@pytest.mark.parametrize("name,data", CASES, ids=[c[0] for c in CASES])
def test_same_answer_as_nginx(servers, name, data):
    box = servers
    got = {}
    for who, port in (("morgana", box.port), ("nginx", NGINX_PORT)):
        etag, lm = validators(box, port)
        d = data.replace(b"{etag}", etag.encode()).replace(
            b"{lm}", lm.encode())
        got[who] = ask(box, port, d)
    m, n = got["morgana"], got["nginx"]
    if name in DIFFERENT:
        want_m, want_n, _why = DIFFERENT[name]
        assert m[0] == want_m, (name, m)
        assert n[0] == want_n, (name, n)
        return
    assert m[0] == n[0], (name, "morgana", m, "nginx", n)
    # After a framing error Morgana closes (as RFC 9112 asks); after a
    # success it keeps the connection where nginx does. (nginx also
    # closes after some answers that need not end it, such as 412.)
    if m[0] in (400, 413, 414, 431, 505):
        assert m[1], (name, "Morgana kept the connection")
    if m[0] is not None and m[0] < 400 and not n[1]:
        assert not m[1], (name, "Morgana closed, nginx did not")
