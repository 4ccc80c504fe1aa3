#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Fairness and latency: one process floods its output as fast as it can while another writes a
# timestamped line every 10 ms. How long does each runner hold the quiet process's lines, how fast does the
# flood still go, and does the runner's memory stay flat? Beside `cat` (both processes share one pipe into
# cat: no framing at all, the floor) and the peers found here.
#
#   python3 bench/latency.py [--tfrun PATH] [--runs 3] [--ticks 500] [--runners cat,tfrun,...]
#
# Each run: the runner's stdout goes straight into bench_latency, which reads as fast as it can and stops
# at the last tick. Peak RSS is VmHWM of the runner's main process, read just before it is stopped; RSS is
# also sampled 1 s into the run, so "flat" can be read off (end minus 1 s).
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))

from benchkit.procs import status_kib  # noqa: E402

BIN = HERE / "build" / "bin"
FLOOD_LINE = "f" * 99  # 100-byte lines, written by `yes` in large blocks that do not line up with lines


def build_helpers() -> None:
    BIN.mkdir(parents=True, exist_ok=True)
    for name in ("bench_tick", "bench_latency"):
        src, out = HERE / "src" / f"{name}.c", BIN / name
        if not out.exists() or out.stat().st_mtime < src.stat().st_mtime:
            subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-Wextra", "-o", str(out), str(src)],
                           check=True)


def command_line(runner: str, tfrun: str, wd: Path, ticks: int) -> list[str]:
    flood = f"exec yes {FLOOD_LINE}"
    tick = f"exec {BIN / 'bench_tick'} {ticks} 10"
    if runner == "cat":
        script = wd / "both.sh"
        script.write_text(f"yes {FLOOD_LINE} & {BIN / 'bench_tick'} {ticks} 10; kill $!\n")
        return ["sh", "-c", f"sh {script} | cat"]
    if runner.startswith("tfrun"):
        (wd / "Procfile").write_text(f"flood: {flood}\ntick: {tick}\n")
        args = ["--log-format", "json"] if runner == "tfrun-json" else ["--color", "always"]
        return [tfrun, "start", "-f", str(wd / "Procfile"), *args]
    if runner == "foreman":
        (wd / "Procfile").write_text(f"flood: {flood}\ntick: {tick}\n")
        return [shutil.which("foreman") or "foreman", "start", "-f", str(wd / "Procfile"), "-d", str(wd)]
    # supervisord: both programs' output copied to its own stdout.
    conf = ["[supervisord]", "nodaemon=true", f"logfile={wd}/supervisord.log", f"pidfile={wd}/supervisord.pid",
            f"childlogdir={wd}", ""]
    for name, command in (("flood", flood), ("tick", tick)):
        conf += [f"[program:{name}]", f"command=/bin/sh -c \"{command}\"", "autorestart=false", "startsecs=0",
                 "redirect_stderr=true", "stdout_logfile=/dev/stdout", "stdout_logfile_maxbytes=0", ""]
    (wd / "supervisord.conf").write_text("\n".join(conf))
    return [shutil.which("supervisord") or "supervisord", "-n", "-c", str(wd / "supervisord.conf")]


def one_run(runner: str, tfrun: str, ticks: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tfrun-latency-") as tmp:
        wd = Path(tmp)
        argv = command_line(runner, tfrun, wd, ticks)
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                cwd=wd, start_new_session=True)
        sink = subprocess.Popen([str(BIN / "bench_latency"), str(ticks)], stdin=proc.stdout,
                                stdout=subprocess.PIPE, text=True)
        proc.stdout.close()
        time.sleep(1.0)  # a sample of RSS once the flood is at full speed
        rss_1s = status_kib(proc.pid, "VmRSS")
        hwm = rss_end = 0
        while sink.poll() is None:
            hwm = max(hwm, status_kib(proc.pid, "VmHWM"))
            rss_end = status_kib(proc.pid, "VmRSS") or rss_end
            time.sleep(0.05)
        out = sink.stdout.read().split()
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    values = {out[i]: float(out[i + 1]) for i in range(0, len(out) - 1, 2)}
    values["mb_s"] = values.get("bytes", 0) / max(values.get("seconds", 1), 1e-9) / 1e6
    values["hwm_mib"] = hwm / 1024
    values["rss_growth_mib"] = (rss_end - rss_1s) / 1024
    return values


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tfrun", default=str(HERE / "build" / "tfrun" / "src" / "tfrun"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ticks", type=int, default=500)
    ap.add_argument("--runners", default="cat,tfrun,tfrun-json,supervisord,foreman")
    args = ap.parse_args()
    if not Path(args.tfrun).exists():
        sys.path.insert(0, str(HERE))
        from run import build_tfrun  # noqa: E402  (the release build the other benchmarks use)
        args.tfrun = build_tfrun()
    args.tfrun = str(Path(args.tfrun).resolve())
    build_helpers()
    found = {"cat": True, "tfrun": True, "tfrun-json": True, "supervisord": bool(shutil.which("supervisord")),
             "foreman": bool(shutil.which("foreman"))}
    runners = [r for r in args.runners.split(",") if found.get(r)]
    skipped = [r for r in args.runners.split(",") if not found.get(r)]
    results: dict[str, list[dict[str, float]]] = {r: [] for r in runners}
    for _ in range(args.runs):
        for runner in runners:  # round-robin, so load that comes and goes falls on every runner
            results[runner].append(one_run(runner, args.tfrun, args.ticks))
            print(f"{runner}: {results[runner][-1]}", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    print(f"Latency run of `python3 bench/latency.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
          f"{args.runs} runs of {args.ticks} ticks each, {os.cpu_count()} cores, load average {load:.2f} at the end"
          + (f"; not found: {', '.join(skipped)}" if skipped else "") + ".\n")
    print("| runner | tick delay p50, ms | p99, ms | max, ms | flood MB/s | peak RSS, MiB | RSS growth after 1 s, MiB | ticks lost |")
    print("|---|---|---|---|---|---|---|---|")
    for runner in runners:
        rows = results[runner]
        med = lambda key: statistics.median(r.get(key, 0) for r in rows)  # noqa: E731
        rss = "–" if runner == "cat" else f"{med('hwm_mib'):.1f}"
        growth = "–" if runner == "cat" else f"{med('rss_growth_mib'):+.2f}"
        print(f"| {runner} | {med('p50_us') / 1000:.2f} | {med('p99_us') / 1000:.2f} | {med('max_us') / 1000:.1f} | "
              f"{med('mb_s'):.0f} | {rss} | {growth} | {int(sum(r.get('lost', 0) for r in rows))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
