#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Control latency: how long does `tfrun ps` take against a running formation of N instances, end to end
# (process start, connect, request, every instance's line, exit), and how long does one request take on an
# already open connection (the socket round trip alone, measured here in Python)? Also whether the
# formation's instances kept their pids (ps must disturb nothing).
#
#   python3 bench/control.py [--tfrun PATH] [--instances 500] [--runs 50]
#
# docs/benchmarks.md (Control latency) has the numbers and how they were taken.
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def wait_for_socket(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(path))
                    return
            except OSError:
                pass
        time.sleep(0.05)
    raise SystemExit(f"no control socket at {path} after {timeout} s")


def raw_ps(path: Path) -> tuple[float, int]:
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(path))
        start = time.perf_counter()
        client.sendall(b'{"v":1,"cmd":"ps"}\n')
        data = b""
        while not data.endswith(b'{"kind":"done"}\n'):
            chunk = client.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        return time.perf_counter() - start, data.count(b'"kind":"instance"')


def all_running(tfrun: str, cwd: Path, instances: int, timeout: float = 120.0) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run([tfrun, "ps", "--json"], cwd=cwd, capture_output=True, text=True).stdout
        rows = [json.loads(line) for line in out.splitlines() if line]
        pids = {row["name"]: row["pid"] for row in rows if row["state"] == "running"}
        if len(pids) == instances:
            return pids
        time.sleep(0.2)
    raise SystemExit("the formation did not come up")


def summary(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"median {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tfrun", default=str(HERE.parent / "build" / "src" / "tfrun"))
    parser.add_argument("--instances", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tfrun-bench-control-") as tmp:
        project = Path(tmp)
        (project / "Procfile").write_text("web: exec sleep 3600\n")
        formation = subprocess.Popen([args.tfrun, "start", "-m", f"web={args.instances}"], cwd=project,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            sock = project / ".tfrun" / "control.sock"
            wait_for_socket(sock)
            before = all_running(args.tfrun, project, args.instances)
            command, raw = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                done = subprocess.run([args.tfrun, "ps"], cwd=project, capture_output=True)
                command.append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise SystemExit(f"tfrun ps failed: {done.stderr.decode()}")
                elapsed, rows = raw_ps(sock)
                if rows != args.instances:
                    raise SystemExit(f"ps answered {rows} instances, not {args.instances}")
                raw.append(elapsed)
            after = all_running(args.tfrun, project, args.instances)
            print(f"instances: {args.instances}, runs: {args.runs}")
            print(f"`tfrun ps` (process, connect, answer, exit): {summary(command)}")
            print(f"socket round trip (request to done):       {summary(raw)}")
            print(f"pids unchanged: {before == after}")
        finally:
            formation.send_signal(signal.SIGTERM)
            formation.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
