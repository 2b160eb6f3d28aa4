# SPDX-License-Identifier: ISC
"""Platform tests: one plat.h behaviour per tiny image, on every target.

hvt runs only where /dev/kvm is usable (skipped otherwise); tests that need
a tap device create and remove their own network namespace (root only).
"""
import os
import re
import signal
import subprocess
import time

import pytest

from appbox import need_tender
from conftest import ROOT, run



def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


TARGETS = [
    "unix",
    pytest.param("hvt", marks=pytest.mark.skipif(
        not kvm_usable(), reason="/dev/kvm is not usable here")),
]


@pytest.fixture
def image(build_image):
    def build(name, target):
        if target == "hvt":
            need_tender()
        return build_image(f"tests/platform/{name}", target=target)
    return build


def morgana_run(morgana, img, opts=(), args=(), timeout=60, prefix=()):
    cmd = list(prefix) + [morgana, "run", img] + list(opts)
    if args:
        cmd += ["--"] + list(args)
    return run(cmd, timeout=timeout)


@pytest.mark.parametrize("target", TARGETS)
def test_hello(morgana, build_image, target):
    if target == "hvt":
        need_tender()
    img = build_image("apps/hello", target=target)
    r = morgana_run(morgana, img, args=["--name=plat"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith(f"Hello, plat! This is Morgana on {target}.")
    ticks = re.findall(r"hello: timer (\d) fired at \+(\d+) ms", r.stdout)
    assert [int(t) for t, _ in ticks] == [1, 2, 3]
    assert all(int(ms) >= 100 * int(t) for t, ms in ticks)
    assert "hello: done after 3 timers, exit 0" in r.stdout


@pytest.mark.parametrize("target", TARGETS)
def test_block_read_write_flush(morgana, image, target, tmp_path):
    disk = tmp_path / "disk.img"
    data = bytearray(1 << 20)
    data[0:18] = b"MORGANA-BLOCK-TEST"
    disk.write_bytes(bytes(data))
    img = image("test_blk", target)
    r = morgana_run(morgana, img, [f"--block:storage={disk}"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS" in r.stdout
    # What the guest wrote is in the file, byte for byte.
    got = disk.read_bytes()
    want = bytes((i * 7 + 3) & 0xff for i in range(8192))
    assert got[4096:4096 + 8192] == want
    assert got[(1 << 20) - 512:] == want[:512]
    assert len(got) == 1 << 20


@pytest.mark.parametrize("target", TARGETS)
def test_manifest_mismatch_is_refused(morgana, image, target, tmp_path):
    disk = tmp_path / "disk.img"
    disk.write_bytes(bytes(65536))
    img = image("test_blk", target)
    r = morgana_run(morgana, img)
    assert r.returncode == 2
    assert "storage" in r.stderr
    r = morgana_run(morgana, img, [f"--block:storage={disk}",
                                   f"--block:extra={disk}"])
    assert r.returncode == 2
    assert "does not declare" in r.stderr and "extra" in r.stderr
    r = morgana_run(morgana, img, ["--net:storage=tap0"])
    assert r.returncode == 2


@pytest.fixture
def netns():
    """A network namespace with a tap device tapmg0 at 10.77.0.1/24."""
    if os.geteuid() != 0:
        pytest.skip("needs root for a network namespace")
    name = f"mgplat{os.getpid()}"
    cmds = [
        ["ip", "netns", "add", name],
        ["ip", "-n", name, "tuntap", "add", "dev", "tapmg0", "mode", "tap"],
        ["ip", "-n", name, "addr", "add", "10.77.0.1/24", "dev", "tapmg0"],
        ["ip", "-n", name, "link", "set", "tapmg0", "up"],
        ["ip", "-n", name, "link", "set", "lo", "up"],
    ]
    try:
        for c in cmds:
            r = run(c)
            assert r.returncode == 0, (c, r.stderr)
        yield name
    finally:
        run(["ip", "netns", "del", name])


@pytest.mark.parametrize("target", TARGETS)
def test_net_round_trip_over_tap(morgana, image, target, netns):
    img = image("test_net", target)
    r = morgana_run(morgana, img, ["--net:service=tapmg0"],
                    prefix=["ip", "netns", "exec", netns], timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ARP reply from 10.77.0.1" in r.stdout
    assert "SUCCESS" in r.stdout


def fault_run(morgana, image, target, mode):
    return morgana_run(morgana, image("test_fault", target),
                       args=[f"--mode={mode}"])


@pytest.mark.parametrize("target", TARGETS)
def test_exit_status_and_panic(morgana, image, target):
    r = fault_run(morgana, image, target, "exit7")
    assert r.returncode == 7
    r = fault_run(morgana, image, target, "panic")
    assert r.returncode == 255
    assert "PANIC: on purpose 42" in r.stdout


@pytest.mark.skipif(not kvm_usable(), reason="/dev/kvm is not usable here")
@pytest.mark.parametrize("mode,what", [
    ("text", r"#PF.*error 0x7"),    # user write to a present read-only page
    ("data", r"#PF.*error 0x15"),   # user instruction fetch from NX
    ("null", r"#PF.*error 0x4"),    # user read of an unmapped page
    ("stack", r"#PF.*error 0x6"),   # user write into the stack guard page
])
def test_hvt_faults_are_reported_and_end_the_guest(morgana, image, mode,
                                                   what):
    r = fault_run(morgana, image, "hvt", mode)
    assert r.returncode == 255, r.stdout + r.stderr
    assert "still running" not in r.stdout
    assert re.search(what, r.stderr), r.stderr


@pytest.mark.skipif(not kvm_usable(), reason="/dev/kvm is not usable here")
def test_hvt_stack_smash_is_caught(morgana, image):
    r = fault_run(morgana, image, "hvt", "smash")
    assert r.returncode == 255
    assert "still running" not in r.stdout


@pytest.mark.skipif(not kvm_usable(), reason="/dev/kvm is not usable here")
def test_hvt_bad_hypercall_pointer_ends_guest_cleanly(morgana, image):
    r = fault_run(morgana, image, "hvt", "badptr")
    assert r.returncode == 255
    assert "still running" not in r.stdout
    assert r.stderr.strip(), "the tender says why"


@pytest.mark.parametrize("target", TARGETS)
def test_sigterm_wakes_a_sleeping_guest(morgana, image, target):
    img = image("test_fault", target)
    p = subprocess.Popen([morgana, "run", img, "--", "--mode=sleep"],
                         cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("mode sleep")
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert "woke: shutdown" in out
