# SPDX-License-Identifier: ISC
"""Shared fixtures for system tests: the tree, morgana, built images."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MORGANA = ROOT / "build" / "bin" / "morgana"


def run(cmd, timeout=60, **kw):
    """Run a command with a bounded time; returns CompletedProcess."""
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, **kw)


@pytest.fixture(scope="session")
def morgana():
    """Path of build/bin/morgana, built if needed."""
    if not MORGANA.exists():
        r = run(["make", "-j", str(os.cpu_count() or 2)], timeout=600)
        assert r.returncode == 0, r.stdout + r.stderr
    return str(MORGANA)


@pytest.fixture(scope="session")
def build_image(morgana):
    """build_image(appdir, target='unix', san=False) -> image path."""
    cache = {}

    def build(appdir, target="unix", san=False):
        key = (str(appdir), target, san)
        if key not in cache:
            cmd = [morgana, "build", "-t", target]
            if san:
                cmd.append("--san")
            r = run(cmd + [str(appdir)], timeout=600)
            assert r.returncode == 0, r.stdout + r.stderr
            cache[key] = r.stdout.strip().splitlines()[-1]
        return cache[key]
    return build
