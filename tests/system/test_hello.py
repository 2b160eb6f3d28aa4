# SPDX-License-Identifier: ISC
"""apps/hello through the morgana command, as a user runs it."""
import datetime
import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import ROOT, run


def test_build_prints_image_path_last(morgana):
    r = run([morgana, "build", "-t", "unix", "apps/hello"], timeout=600)
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.endswith("/hello.unix")
    assert os.path.isabs(last) and os.access(last, os.X_OK)


@pytest.mark.parametrize("san", [False, True], ids=["release", "asan"])
def test_run_greets_fires_three_timers_and_exits_0(morgana, build_image,
                                                   san):
    image = build_image("apps/hello", san=san)
    r = run([morgana, "run", image, "--", "--name=pytest", "--log=warn"])
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "Hello, pytest! This is Morgana on unix."
    assert out[1] == "hello: 2 boot arguments '--name=pytest' '--log=warn'"
    ticks = [re.fullmatch(r"hello: timer (\d) fired at \+(\d+) ms", line)
             for line in out]
    ticks = [m for m in ticks if m]
    assert [int(m.group(1)) for m in ticks] == [1, 2, 3]
    # A timer never fires before its deadline (100 ms apart from start).
    for i, m in enumerate(ticks, 1):
        assert int(m.group(2)) >= 100 * i
    assert "hello: motd: This text was compiled into the image." in out
    wall = [line for line in out if line.startswith("hello: wall clock ")]
    assert len(wall) == 1
    when = datetime.datetime.strptime(wall[0].split()[-1],
                                      "%Y-%m-%dT%H:%M:%S.%fZ")
    now = datetime.datetime.utcnow()
    assert abs((now - when).total_seconds()) < 600
    assert out[-1] == "hello: done after 3 timers, exit 0"
    assert r.stderr == ""


def test_extra_words_are_refused_with_usage_status(morgana, build_image):
    image = build_image("apps/hello")
    r = run([morgana, "run", image, "--", "stray"])
    assert r.returncode == 2
    assert "unexpected argument 'stray'" in r.stdout


def test_help_lists_keys_and_exits_0(morgana, build_image):
    r = run([morgana, "run", build_image("apps/hello"), "--", "--help"])
    assert r.returncode == 0
    assert "--name=world" in r.stdout and "who to greet" in r.stdout
    assert "--log=info" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["--bogus=1"], "unknown key '--bogus=1'"),
    (["--name"], "needs a value"),
    (["--name=a", "--name=b"], "given twice"),
    (["--log=loud"], "--log=loud"),
])
def test_bad_keys_exit_2_with_message(morgana, build_image, args, message):
    r = run([morgana, "run", build_image("apps/hello"), "--"] + args)
    assert r.returncode == 2
    assert message in r.stdout


def test_undeclared_device_is_refused(morgana, build_image):
    r = run([morgana, "run", build_image("apps/hello"),
             "--block:storage=/dev/null"])
    assert r.returncode == 2
    assert "does not declare a block device named 'storage'" in r.stderr


def test_missing_declared_device_is_refused(morgana, tmp_path):
    app = tmp_path / "needsnet"
    shutil.copytree(ROOT / "apps" / "hello", app)
    mk = (app / "app.mk").read_text()
    mk = mk.replace("APP_NAME := hello", "APP_NAME := needsnet")
    mk = mk.replace("APP_DEVICES :=", "APP_DEVICES := net:service")
    (app / "app.mk").write_text(mk)
    r = run([morgana, "build", str(app)], timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    image = r.stdout.strip().splitlines()[-1]
    assert image.endswith("/needsnet.unix")
    r = run([morgana, "run", image])
    assert r.returncode == 2
    assert "needs net device 'service'" in r.stderr
    r = run([morgana, "run", image, "--net:service=tap0",
             "--net:other=tap1"])
    assert r.returncode == 2
    assert "does not declare a net device named 'other'" in r.stderr
    assert "net:service" in r.stderr


def test_missing_appliance_and_unknown_target(morgana):
    r = run([morgana, "build", "apps/no-such-app"])
    assert r.returncode == 2 and "no appliance at" in r.stderr
    r = run([morgana, "build", "-t", "pdp11", "apps/hello"])
    assert r.returncode == 2 and "unknown target 'pdp11'" in r.stderr
    r = run([morgana, "run", "build/no-such.unix"])
    assert r.returncode == 2 and "no image at" in r.stderr


def test_bad_platform_options(morgana, build_image):
    image = build_image("apps/hello")
    for opt in ["--mem=0", "--mem=lots", "--net:=tap0", "--block:x"]:
        r = run([image, opt])
        assert r.returncode == 2, opt


def test_sigint_stops_cleanly(morgana, build_image):
    image = build_image("apps/hello")
    p = subprocess.Popen([image], stdout=subprocess.PIPE, text=True)
    try:
        first = p.stdout.readline()
        assert first.startswith("Hello, world!")
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0
    assert re.search(r"hello: done after [0-3] timers, exit 0", out)


def test_size_reports_sections_and_symbols(morgana, build_image):
    image = build_image("apps/hello")
    r = run([morgana, "size", image])
    assert r.returncode == 0, r.stderr
    assert re.search(r"stripped: +\d+ bytes", r.stdout)
    assert ".text" in r.stdout and "mg_" in r.stdout
