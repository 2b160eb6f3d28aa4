# SPDX-License-Identifier: ISC
"""Helpers the side-by-side benchmarks share: commands, CPU time of a
server and its children, pinning to a CPU."""
import os
import subprocess
import sys

CLK_TCK = os.sysconf("SC_CLK_TCK")


def sh(cmd, timeout=600, check=True):
    """Run a command; exit with its output when it fails (check)."""
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))}: exit {r.returncode}\n"
                 f"{r.stdout}{r.stderr}")
    return r


def cpu_seconds(pids):
    """utime + stime (and children's, which NSD's server forks are) of
    pids, in seconds."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the comm field: state is [0], utime [11], stime [12],
        # cutime [13], cstime [14].
        total += sum(int(x) for x in fields[11:15])
    return total / CLK_TCK


def all_pids(pid):
    """pid and its descendants."""
    out = [pid]
    r = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                       text=True)
    for x in r.stdout.split():
        out += all_pids(int(x))
    return out


def pin(pid, cpu):
    """pid, its threads and its descendants onto one CPU."""
    for p in all_pids(pid):
        subprocess.run(["taskset", "-a", "-p", "-c", str(cpu), str(p)],
                       capture_output=True)
