# SPDX-License-Identifier: MIT
# One function per measured run. Each starts a runner on a workload of bench/src programs, measures,
# stops it, checks the output where there is one, and kills whatever the run left behind (by marker).
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

from . import procs
from .procs import Proc, Reports, now
from .runners import Runner, environment, prepare


class Context:
    def __init__(self, bin_dir: Path, workroot: Path, grace: int = 2):
        self.bin = bin_dir
        self.root = workroot
        self.grace = grace
        self.seq = 0
        self.root.mkdir(parents=True, exist_ok=True)
        self.active: list[tuple[Proc, str]] = []

    def new_run(self, name: str) -> tuple[Path, str]:
        self.seq += 1
        marker = f"BENCHMARK{os.getpid()}x{self.seq}"
        wd = self.root / f"{name}-{self.seq}"
        wd.mkdir(parents=True)
        return wd, marker

    def cleanup(self, proc: Proc | None, marker: str, wd: Path | None) -> int:
        """Kills the runner's group and every process carrying the marker; returns how many were left."""
        if proc is not None:
            proc.kill_tree()
            proc.close()
        left = procs.marked_pids(marker)
        procs.kill_pids(left)
        if wd is not None:
            shutil.rmtree(wd, ignore_errors=True)
        return len(left)

    def abort_all(self) -> None:
        for proc, marker in self.active:
            self.cleanup(proc, marker, None)
        shutil.rmtree(self.root, ignore_errors=True)


# ------------------------------------------------------------------------------------------ throughput


def throughput(ctx: Context, runner: Runner, k: int, lines: int, length: int, mode: str,
               stall_s: float = 10.0, timeout_s: float = 120.0) -> dict:
    """K generators × LINES lines of LENGTH bytes through the runner into bench_sink.

    mode: "gated" (every child starts writing at once, after all are running), "exit" (gated, and the
    child exits right after writing), "burst" (children write as soon as they start)."""
    wd, marker = ctx.new_run(f"tp-{runner.name}")
    res: dict = {"k": k, "lines": lines, "len": length, "mode": mode}
    reports = Reports(str(wd / "report.fifo"))
    notes = Reports(str(wd / "note.fifo"))
    go_path = wd / "go.fifo"
    os.mkfifo(go_path)
    go_fd = os.open(go_path, os.O_RDWR)  # held from the start: the children's open never blocks
    gen = f"exec {ctx.bin / 'bench_gen'} {marker} PORT {lines} {length} -r {wd / 'report.fifo'}"
    gen += "" if mode == "burst" else f" -g {go_path}"
    gen += " -x" if mode == "exit" else ""
    argv = prepare(runner, wd, gen, k, ctx.grace)
    out_path = wd / "out.log"
    read_end, write_end = os.pipe()
    sink = Proc([str(ctx.bin / "bench_sink"), str(out_path), str(wd / "note.fifo"), str(k * lines)],
                stdin=read_end, stdout=subprocess.DEVNULL)
    os.close(read_end)
    err = open(wd / "err.log", "wb")
    proc = Proc(argv, cwd=wd, env=environment(marker), stdout=write_end, stderr=err)
    os.close(write_end)
    err.close()
    ctx.active.append((proc, marker))
    try:
        if mode != "burst":
            ready = set()
            deadline = now() + 60
            while len(ready) < k and now() < deadline and proc.alive():
                ready |= {w[2] for _, w in reports.pump(0.01) if w and w[0] == "R"}
            if len(ready) < k:
                res["error"] = f"only {len(ready)}/{k} children started"
                return res
        side = procs.runner_side(proc.pid, marker)
        cpu0 = sum(procs.cpu_ns(p) for p in side)
        res["rss_before_kib"] = procs.status_kib(proc.pid, "VmRSS")
        peak_rss = res["rss_before_kib"]
        t_go = now()
        os.write(go_fd, b"g" * k)
        done = None
        last_size, t_growth = 0, t_go
        while done is None:
            for _, w in notes.pump(0.02):
                if w[0] == "done":
                    done = w
            peak_rss = max(peak_rss, procs.status_kib(proc.pid, "VmRSS"))
            size = out_path.stat().st_size if out_path.exists() else 0
            if size != last_size:
                last_size, t_growth = size, now()
            if now() - t_growth > stall_s or now() - t_go > timeout_s:
                res["incomplete"] = f"output stopped growing at {size} bytes"
                break
            if not proc.alive() and mode != "exit" and now() - t_growth > 1.5:
                res["incomplete"] = f"runner exited early (status {proc.status})"
                break
        if done is not None:
            cpu1 = sum(procs.cpu_ns(p) for p in side)
            if mode != "exit":
                res["cpu_s"] = (cpu1 - cpu0) / 1e9
        res["peak_rss_kib"] = peak_rss
        res["hwm_kib"] = procs.status_kib(proc.pid, "VmHWM")
        if mode == "exit":
            res["self_exit"] = proc.wait(5) is not None
        if proc.alive():
            proc.signal(signal.SIGTERM)
            if proc.wait(15) is None:
                res["stop_problem"] = "no exit 15 s after SIGTERM"
        if sink.wait(5) is None:
            ctx.cleanup(None, marker, None)  # children a runner left behind still hold the pipe
            sink.wait(5)
        eof = next((w for _, w in notes.pump(0.5) if w[0] == "eof"), None)
        stats = done or eof
        check = subprocess.run([str(ctx.bin / "bench_check"), str(out_path), str(k), str(lines), str(length)]
                               + (["json"] if runner.json else []), capture_output=True, text=True, check=True)
        res.update(json.loads(check.stdout))
        if stats and int(stats[2]) > 0:
            start_ns = int(stats[1]) if mode == "burst" else int(t_go * 1e9)
            span = (int(stats[2]) - start_ns) / 1e9
            if span > 0:
                res["stream_s"] = span
                res["MBps"] = res["intact"] * length / span / 1e6
                res["out_MBps"] = int(stats[3]) / span / 1e6
        if res.get("cpu_s") is not None and res["intact"]:
            res["cpu_s_per_MB"] = res["cpu_s"] / (res["intact"] * length / 1e6)
        res["ok"] = (res["lost"] == 0 and res["split"] == 0 and res["interleaved"] == 0 and res["fragments"] == 0
                     and res["duplicates"] == 0 and res["out_of_order"] == 0 and "incomplete" not in res)
        return res
    finally:
        sink.kill_tree()
        sink.close()
        os.close(go_fd)
        reports.close()
        notes.close()
        res["leftover"] = ctx.cleanup(proc, marker, wd)
        ctx.active.pop()


# --------------------------------------------------------------------------------------- spawn, stop


def _start_children(ctx: Context, runner: Runner, n: int, child_args: str, name: str):
    wd, marker = ctx.new_run(f"{name}-{runner.name}")
    reports = Reports(str(wd / "report.fifo"))
    cmd = f"exec {ctx.bin / 'bench_child'} {marker} w -r {wd / 'report.fifo'} {child_args}".rstrip()
    argv = prepare(runner, wd, cmd, n, ctx.grace)
    out = open(wd / "out.log", "ab")
    err = open(wd / "err.log", "wb")
    proc = Proc(argv, cwd=wd, env=environment(marker), stdout=out, stderr=err)
    out.close()
    err.close()
    ctx.active.append((proc, marker))
    return wd, marker, reports, proc


def _wait_ready(proc: Proc, reports: Reports, n: int, wd: Path, timeout: float) -> dict:
    res: dict = {}
    ready: set[str] = set()
    state: dict = {}
    t_ready = t_lines = None
    deadline = now() + timeout
    while now() < deadline and (t_ready is None or t_lines is None):
        for t, w in reports.pump(0.005):
            if w and w[0] == "R":
                ready.add(w[2])
                if len(ready) >= n and t_ready is None:
                    t_ready = t
        if t_lines is None and procs.count_in_file(str(wd / "out.log"), b"ready w pid=", state) >= n:
            t_lines = now()
        if not proc.alive():
            res["error"] = f"runner exited early (status {proc.status})"
            break
    res["ready"] = len(ready)
    if t_ready is not None:
        res["t_ready_s"] = t_ready - proc.t_start
    if t_lines is not None:
        res["t_lines_s"] = t_lines - proc.t_start
    if t_ready is None and "error" not in res:
        res["error"] = f"timeout: {len(ready)}/{n} children ready"
    return res


def _gone_within(marker: str, seconds: float) -> int:
    end = now() + seconds
    while True:
        left = procs.marked_pids(marker, env_too=False)
        if not left or now() > end:
            return len(left)
        procs.time.sleep(0.05)


def spawn(ctx: Context, runner: Runner, n: int, timeout: float = 60) -> dict:
    """N idle children: launch → all ready, peak RSS, SIGTERM → runner exit."""
    wd, marker, reports, proc = _start_children(ctx, runner, n, "", "spawn")
    res: dict = {"n": n}
    try:
        res.update(_wait_ready(proc, reports, n, wd, timeout))
        if "error" in res:
            return res
        side = procs.runner_side(proc.pid, marker)
        res["hwm_kib"] = procs.status_kib(proc.pid, "VmHWM")
        res["tree_hwm_kib"] = sum(procs.status_kib(p, "VmHWM") for p in side)
        res["side_procs"] = len(side)
        t_sig = proc.signal(signal.SIGTERM)
        t_exit = proc.wait(20)
        res["t_stop_s"] = None if t_exit is None else t_exit - t_sig
        res["left_after_3s"] = _gone_within(marker, 3) if t_exit is not None else None
        return res
    finally:
        reports.close()
        res["leftover"] = ctx.cleanup(proc, marker, wd)
        ctx.active.pop()


def graceful_stop(ctx: Context, runner: Runner, n: int = 10, delay_ms: int = 200) -> dict:
    """N children that each need DELAY_MS to shut down: SIGTERM → runner exit, and who exited cleanly."""
    wd, marker, reports, proc = _start_children(ctx, runner, n, f"-t delay:{delay_ms}", "stop")
    res: dict = {"n": n, "delay_ms": delay_ms}
    try:
        res.update(_wait_ready(proc, reports, n, wd, 30))
        if "error" in res:
            return res
        procs.time.sleep(0.1)
        t_sig = proc.signal(signal.SIGTERM)
        t_exit = proc.wait(15)
        res["t_stop_s"] = None if t_exit is None else t_exit - t_sig
        res["alive_at_exit"] = len(procs.marked_pids(marker, env_too=False)) if t_exit is not None else None
        end = now() + 0.5
        while now() < end:
            reports.pump(0.01)
        res["signalled"] = len({w[2] for _, w in reports.events if w[0] == "S"})
        res["graceful"] = len({w[2] for _, w in reports.events if w[0] == "E"})
        return res
    finally:
        reports.close()
        res["leftover"] = ctx.cleanup(proc, marker, wd)
        ctx.active.pop()
