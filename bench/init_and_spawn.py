#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmarks of tfrun's process handling, side by side with Debian's tini and dumb-init.

  spawn   `tfrun start` with N children (N = 250, 500, 1000, 2000): launch -> every child has printed
          "ready" (read from tfrun's output), then SIGTERM -> tfrun exited. Reports ms per child, so a
          cost that grows with N shows as a rising figure.
  init    `X -- true` start-up overhead and SIGTERM -> exit latency of `X -- sleep`, for X = tfrun run,
          tini, dumb-init (medians and min-max of several runs).
  reap    each init as PID 1 of a PID namespace (unshare) with a command that makes 100 orphans:
          how many zombies are left once the orphans have exited.

Usage: python3 bench/init_and_spawn.py [--tfrun build-rel/src/tfrun] [--child build-rel/tests/tfrun_test_child]
       [--runs 15]. Needs root for the reap scenario (unshare --pid). Prints Markdown tables.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time


def median_range(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def wait_for_count(proc, needle, count, timeout):
    """Reads proc.stdout until `needle` was seen `count` times; returns the time it happened."""
    seen = 0
    deadline = time.monotonic() + timeout
    buffer = b""
    while seen < count and time.monotonic() < deadline:
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk:
            break
        buffer += chunk
        seen += buffer.count(needle)
        buffer = buffer[-len(needle):]
    return time.monotonic() if seen >= count else None


def drain(proc):
    while os.read(proc.stdout.fileno(), 1 << 16):
        pass


def bench_spawn(tfrun, sizes, runs):
    rows = []
    for n in sizes:
        starts, stops = [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as root:
                with open(os.path.join(root, "Procfile"), "w") as procfile:
                    procfile.write("w: echo ready; exec sleep 1000\n")
                begin = time.monotonic()
                proc = subprocess.Popen([tfrun, "start", f"w={n}", "--no-timestamp", "-p", "20000"],
                                        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                ready = wait_for_count(proc, b"| ready\n", n, 60)
                asked = time.monotonic()
                proc.send_signal(signal.SIGTERM)
                drain(proc)
                proc.wait()
                stopped = time.monotonic()
                if ready is None:
                    raise SystemExit(f"spawn: {n} children not all ready")
                starts.append((ready - begin) * 1000)
                stops.append((stopped - asked) * 1000)
        rows.append((n, starts, stops))
    print("### tfrun start: N children\n")
    print("| N | all ready, ms | per child, ms | SIGTERM -> exit, ms |")
    print("| --- | --- | --- | --- |")
    for n, starts, stops in rows:
        print(f"| {n} | {median_range(starts)} | {statistics.median(starts) / n:.3f} | {median_range(stops)} |")
    print()


def init_commands(tfrun):
    inits = {"tfrun run": [tfrun, "run", "--"]}
    for name, argv in (("tini", ["tini", "-s", "--"]), ("dumb-init", ["dumb-init", "--"])):
        if shutil.which(argv[0]):
            inits[name] = argv
    return inits


def bench_init(tfrun, runs):
    print("### One-command init: start-up and signal-to-exit\n")
    print("| init | `X -- true`, ms | SIGTERM -> exit of `X -- sleep 100`, ms |")
    print("| --- | --- | --- |")
    for name, prefix in init_commands(tfrun).items():
        startup, latency = [], []
        for _ in range(runs):
            begin = time.monotonic()
            subprocess.run(prefix + ["true"], check=True, stderr=subprocess.DEVNULL)
            startup.append((time.monotonic() - begin) * 1000)
            proc = subprocess.Popen(prefix + ["sleep", "100"], stderr=subprocess.DEVNULL)
            while not child_pids(proc.pid):  # the command exists: now the signal is a fair test
                time.sleep(0.0005)
            begin = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            proc.wait()
            latency.append((time.monotonic() - begin) * 1000)
        print(f"| {name} | {median_range(startup)} | {median_range(latency)} |")
    print()


def child_pids(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return children.read().split()
    except OSError:
        return []


def bench_reap(tfrun, child):
    if os.geteuid() != 0 or not shutil.which("unshare"):
        print("reap: skipped (needs root and unshare)\n")
        return
    print("### As PID 1: zombies left after 100 orphans exit\n")
    print("| init | zombies left |")
    print("| --- | --- |")
    for name, prefix in init_commands(tfrun).items():
        proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc"] + prefix + [child, "zombies", "100"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        left = "?"
        deadline = time.monotonic() + 20
        for line in proc.stdout:
            if line.startswith(b"zombies left"):
                left = line.split()[-1].decode()
                break
            if time.monotonic() > deadline:
                break
        proc.kill()
        subprocess.run(["pkill", "-KILL", "-f", f"{child} zombies"], check=False)
        proc.wait()
        print(f"| {name} | {left} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tfrun", default="build-rel/src/tfrun")
    parser.add_argument("--child", default="build-rel/tests/tfrun_test_child")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="250,500,1000,2000")
    args = parser.parse_args()
    tfrun = os.path.abspath(args.tfrun)
    print(f"tfrun: {subprocess.run([tfrun, 'version'], capture_output=True, text=True).stdout.strip()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    bench_spawn(tfrun, [int(n) for n in args.sizes.split(",")], max(3, args.runs // 5))
    bench_init(tfrun, args.runs)
    bench_reap(tfrun, os.path.abspath(args.child))


if __name__ == "__main__":
    main()
