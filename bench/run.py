#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The one benchmark command: numbers for tfrun are only meaningful beside the fork+exec floor, the raw
# pipe ceiling and the peers, measured in the same run on the same machine, so this script builds tfrun
# (release, its own build dir), installs the peers it can, runs every scenario against every runner it
# finds and writes the tables and plots itself.
"""Benchmarks of tfrun beside the fork+exec floor, the raw pipe ceiling and its peers.

  python3 bench/run.py            full run (about 8 minutes on 2 cores); updates docs/benchmarks.md,
                                  bench/results.md and docs/img/bench-*.png
  python3 bench/run.py --quick    about 2 minutes, fewer runs and smaller volumes; writes bench/results/ only

Scenarios: throughput (K = 1, 4, 16 children x 100-byte lines, 6000-byte lines, a child that exits right
after writing, 16 children bursting at start; every output line checked), spawn (N idle children ready,
N = 100 ... 2000, or --spawn-sizes up to 10,000), stop (SIGTERM -> exit), memory (peak RSS), init (`tfrun run --` beside tini and
dumb-init). Raw results: bench/results/<stamp>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.dont_write_bytecode = True  # nothing of the benchmark's own lands in the source tree
sys.path.insert(0, str(HERE))

from benchkit import init as init_bench  # noqa: E402
from benchkit import report, scenarios  # noqa: E402
from benchkit.runners import discover  # noqa: E402

BUILD = HERE / "build"
BIN = BUILD / "bin"
PEERS = HERE / ".peers"
HELPERS = ["bench_gen", "bench_sink", "bench_check", "bench_child", "bench_spawn", "bench_relay", "bench_fdcost"]
DEBIAN_PEERS = {"tini": "tini", "dumb-init": "dumb-init", "supervisord": "supervisor", "foreman": "ruby-foreman",
                "gnuplot": "gnuplot-nox"}
NPM_FOREMAN = "foreman@3.0.1"
# Slow peers stream fewer lines per child so a full run stays within minutes; rates are rates.
PEER_LINES_DIVISOR = {"foreman": 10, "nf": 5, "goreman": 4, "hivemind": 2, "supervisord": 1}
ORDER = ["raw", "relay", "tfrun", "tfrun-json", "tfrun-static", "hivemind", "goreman", "foreman", "nf", "supervisord", "tini", "dumb-init"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -------------------------------------------------------------------------------------------- setup


def build_tfrun(static: bool = False) -> str:
    build = BUILD / ("tfrun-static" if static else "tfrun")
    generator = ["-G", "Ninja"] if shutil.which("ninja") and not (build / "Makefile").exists() else []
    log(f"building tfrun (Release{', static' if static else ''}) in {build}")
    subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), *generator, "-DCMAKE_BUILD_TYPE=Release",
                    "-DTFRUN_BUILD_TESTS=OFF", "-DTFRUN_BUILD_EXAMPLES=OFF"] + (["-DTFRUN_STATIC=ON"] if static else []),
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build), "--target", "tfrun", "-j", str(os.cpu_count() or 2)],
                   check=True, stdout=subprocess.DEVNULL)
    return str(build / "src" / "tfrun")


def has_static_option() -> bool:
    return any("TFRUN_STATIC" in p.read_text() for p in [ROOT / "CMakeLists.txt", *(ROOT / "cmake").glob("*.cmake")])


def build_helpers() -> None:
    BIN.mkdir(parents=True, exist_ok=True)
    for name in HELPERS:
        src, out = HERE / "src" / f"{name}.c", BIN / name
        newest = max(src.stat().st_mtime, (HERE / "src" / "bench_line.h").stat().st_mtime)
        if not out.exists() or out.stat().st_mtime < newest:
            subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-Wextra", "-o", str(out), str(src)],
                           check=True)


def install_peers(notes: list[str]) -> None:
    missing = [pkg for exe, pkg in DEBIAN_PEERS.items() if not shutil.which(exe)]
    if missing:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            log(f"installing from Debian: {' '.join(missing)}")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            cmd = ["apt-get", "install", "-y", "-qq", *missing]
            if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
                subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
                if subprocess.run(cmd, env=env, capture_output=True).returncode != 0:
                    notes.append(f"Debian packages {', '.join(missing)}: apt-get install failed")
        else:
            notes.append(f"Debian packages {', '.join(missing)}: not installed (needs root and apt-get)")
    nf = PEERS / "node" / "node_modules" / ".bin" / "nf"
    if not nf.exists():
        if shutil.which("npm"):
            log(f"installing node-foreman ({NPM_FOREMAN}) into {PEERS / 'node'}")
            (PEERS / "node").mkdir(parents=True, exist_ok=True)
            r = subprocess.run(["npm", "--prefix", str(PEERS / "node"), "install", "--no-audit", "--no-fund",
                                NPM_FOREMAN], capture_output=True)
            if r.returncode != 0:
                notes.append(f"nf: npm install {NPM_FOREMAN} failed")
        else:
            notes.append("nf: npm not found")


# ---------------------------------------------------------------------------------------- scenarios


def run_throughput(ctx, runners, cfg, res) -> None:
    """Runs round-robin over the runners within each case, so load that comes and goes on a shared
    machine falls on all of them alike."""
    cases = [("K=1", 1, 100, "gated"), ("K=4", 4, 100, "gated"), ("K=16", 16, 100, "gated"),
             ("K=4 6000 B", 4, 6000, "gated"), ("K=1 exits", 1, 100, "exit"), ("K=16 burst", 16, 100, "burst")]
    names = [n for n in ("raw", "relay", "tfrun", "tfrun-json", "hivemind", "goreman", "foreman", "nf", "supervisord")
             if runners[n].found]
    tp = res.setdefault("throughput", {})
    for key, k, length, mode in cases:
        reps = {n: 1 if runners[n].kind == "peer" or mode == "burst" else
                cfg.tp_reps + (2 if key == "K=16" else 0) for n in names}
        for rep in range(max(reps.values())):
            for name in (n for n in names if rep < reps[n]):
                lines = cfg.lines // PEER_LINES_DIVISOR.get(name, 1)
                if length != 100:
                    lines = max(100, lines * 100 // length)
                r = scenarios.throughput(ctx, runners[name], k, lines, length, mode)
                tp.setdefault(key, {}).setdefault(name, []).append(r)
                log(f"  throughput {key:11} {name:12} {report.fmt(r.get('MBps'), 1):>6} MB/s "
                    f"cpu/MB {report.fmt(r.get('cpu_s_per_MB'), 4)} "
                    f"{'ok' if r.get('ok') else 'BAD: ' + report.integrity([r])}")


def run_spawn(ctx, runners, cfg, res) -> None:
    sp = res.setdefault("spawn", {})
    names = [n for n in ORDER if n not in ("relay", "tfrun-json") and runners[n].found]
    for n in cfg.spawn_sizes:
        reps = {name: cfg.spawn_reps.get(n, 2) if name in ("raw", "tfrun", "tfrun-static") else cfg.peer_reps
                for name in names if n <= 500 or name in ("raw", "tfrun")}
        for rep in range(max(reps.values())):
            for name in (x for x in reps if rep < reps[x]):
                r = scenarios.spawn(ctx, runners[name], n)
                sp.setdefault(name, {}).setdefault(str(n), []).append(r)
                log(f"  spawn {name:12} N={n:<5} ready {report.fmt(r.get('t_ready_s'))} s "
                    f"stop {report.fmt((r.get('t_stop_s') or 0) * 1000, 1)} ms "
                    f"rss {report.fmt(r.get('hwm_kib', 0) / 1024, 1)} MiB {r.get('error', '')}")


def run_stop(ctx, runners, cfg, res) -> None:
    st = res.setdefault("stop", {})
    for name in [n for n in ORDER if n not in ("relay", "tfrun-json", "tfrun-static") and runners[n].found]:
        reps = cfg.stop_reps if runners[name].kind in ("floor", "subject") else cfg.peer_reps
        runs = st.setdefault(name, [])
        for _ in range(reps):
            r = scenarios.graceful_stop(ctx, runners[name])
            runs.append(r)
            log(f"  stop {name:12} {report.fmt((r.get('t_stop_s') or 0) * 1000, 1)} ms, "
                f"{r.get('graceful')}/{r.get('n')} graceful {r.get('error', '')}")


def run_init(runners, cfg, res) -> None:
    prefixes = init_bench.inits(runners["tfrun"].exe, runners["tfrun-static"].exe, runners["tini"].exe,
                                runners["dumb-init"].exe)
    res["init"] = init_bench.run_all(prefixes, str(BIN / "bench_child"), f"BENCHMARK{os.getpid()}init",
                                     cfg.init_reps, cfg.init_tries)
    for name, r in res["init"].items():
        if name != "floor":
            log(f"  init {name:10} start-up {report.fmt(report.med(r['startup_s']) * 1000, 2)} ms, stop "
                f"{report.fmt((report.med(r['stop_s']) or 0) * 1000, 2)} ms, early SIGTERM lost "
                f"{r['early_lost']}/{r['early_tries']}, zombies {r['zombies']}")


# --------------------------------------------------------------------------------------------- main


class Config:
    def __init__(self, quick: bool):
        self.lines = 20000 if quick else 100000
        self.tp_reps = 1 if quick else 3
        self.spawn_sizes = [100, 500, 1000] if quick else [100, 500, 1000, 2000]
        self.spawn_reps = {100: 2, 500: 2, 1000: 1} if quick else {100: 5, 500: 5, 1000: 3, 2000: 3}
        self.peer_reps = 1 if quick else 2
        self.stop_reps = 2 if quick else 5
        self.init_reps = 10 if quick else 30
        self.init_tries = 20 if quick else 50


def machine_note() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {mem:.0f} GiB, Linux {platform.release()}, "
            f"{platform.python_implementation()} {platform.python_version()}; a shared machine, so timings are "
            "indicative (read the ratios, which come from the same run)")


def git_commit() -> str:
    r = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return r.stdout.strip() or "unknown commit"


def replace_block(path: Path, block: str) -> None:
    begin, end = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"
    text = path.read_text() if path.exists() else f"{begin}\n{end}\n"
    if begin not in text or end not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{block}{end}{tail}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer runs and smaller volumes (about 2 minutes)")
    ap.add_argument("--tfrun", help="use this tfrun binary instead of building one")
    ap.add_argument("--tfrun-static", help="use this static tfrun binary instead of building one")
    ap.add_argument("--no-static", action="store_true",
                    help="skip the static build (-DTFRUN_STATIC=ON, the container image's binary)")
    ap.add_argument("--scenarios", default="throughput,spawn,stop,init")
    ap.add_argument("--runners", help="comma list (default: every runner found)")
    ap.add_argument("--spawn-sizes", help="comma list of N for the spawn runs (default 100,500,1000,2000; "
                    "10000 needs `ulimit -n` of at least 10,032, docs/benchmarks.md)")
    ap.add_argument("--no-install", action="store_true", help="do not install peers (apt, npm)")
    ap.add_argument("--peers-bin", action="append", default=[],
                    help="directory with peer binaries not packaged here (hivemind, goreman); also $BENCH_PEERS_BIN")
    ap.add_argument("--publish", action=argparse.BooleanOptionalAction, default=None,
                    help="update docs/benchmarks.md, bench/results.md and docs/img (default: on unless --quick)")
    ap.add_argument("--workroot", default="/dev/shm" if os.path.isdir("/dev/shm") else "/tmp")
    args = ap.parse_args()
    publish = (not args.quick) if args.publish is None else args.publish
    cfg = Config(args.quick)
    if args.spawn_sizes:
        cfg.spawn_sizes = [int(x) for x in args.spawn_sizes.split(",")]
    started = time.time()
    notes: list[str] = []

    tfrun = os.path.abspath(args.tfrun) if args.tfrun else build_tfrun()
    tfrun_static = None
    if args.tfrun_static:
        tfrun_static = os.path.abspath(args.tfrun_static)
    elif not args.no_static and has_static_option():
        try:
            tfrun_static = build_tfrun(static=True)
        except subprocess.CalledProcessError:
            notes.append("tfrun-static: the static build failed")
    build_helpers()
    if not args.no_install:
        install_peers(notes)
    peer_dirs = [str(PEERS / "node" / "node_modules" / ".bin"), os.environ.get("BENCH_PEERS_BIN", "")] + args.peers_bin
    runners = discover(tfrun, tfrun_static, BIN, peer_dirs)
    selected = (set(args.runners.split(",")) | {"raw", "relay", "tfrun"}) if args.runners else set(ORDER)
    for n in ORDER:
        if n not in selected:
            runners[n].exe = None
        elif not runners[n].found:
            hint = {"hivemind": " (not packaged in Debian or npm; put its binary in $BENCH_PEERS_BIN)",
                    "goreman": " (not packaged in Debian or npm; put its binary in $BENCH_PEERS_BIN)",
                    "tfrun-static": " (not built: --no-static, or this tree has no TFRUN_STATIC option)"}.get(n, "")
            notes.append(f"{n}: not found{hint}")
    log("runners: " + ", ".join(f"{n} {r.version}".strip() for n, r in runners.items() if r.found))

    res: dict = {"meta": {"command": "python3 bench/run.py" + (" --quick" if args.quick else ""),
                          "date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine_note(),
                          "load_start": f"{os.getloadavg()[0]:.2f}",
                          "tfrun_version": runners["tfrun"].version, "tfrun_commit": git_commit()},
                 "skipped": notes}
    if "throughput" in args.scenarios:
        notes.append("tini, dumb-init: not in the throughput runs (their children write straight to the shared "
                     "output, which is the raw ceiling)")
    ctx = scenarios.Context(BIN, Path(args.workroot) / f"tfrun-bench-{os.getpid()}")

    def on_signal(sig, frame):  # noqa: ARG001
        ctx.abort_all()
        raise SystemExit(130)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    try:
        for scenario in args.scenarios.split(","):
            log(f"== {scenario}")
            if scenario == "throughput":
                run_throughput(ctx, runners, cfg, res)
            elif scenario == "spawn":
                run_spawn(ctx, runners, cfg, res)
            elif scenario == "stop":
                run_stop(ctx, runners, cfg, res)
            elif scenario == "init":
                run_init(runners, cfg, res)
            (out_dir / f"{stamp}.json").write_text(json.dumps(res, indent=1, default=str))
    finally:
        ctx.abort_all()
    res["meta"]["load_end"] = f"{os.getloadavg()[0]:.2f}"
    res["meta"]["elapsed_s"] = time.time() - started
    (out_dir / f"{stamp}.json").write_text(json.dumps(res, indent=1, default=str))
    shown = {n: {"version": runners[n].version, "note": runners[n].note, "found": runners[n].found}
             for n in ORDER if n in runners}
    images = report.plots(res, shown, out_dir)
    md = report.render(res, shown, [p.name for p in images])
    (out_dir / f"{stamp}.md").write_text(md)
    shutil.copy(out_dir / f"{stamp}.md", out_dir / "latest.md")
    print(md)
    if publish:
        img_dir = ROOT / "docs" / "img"
        img_dir.mkdir(parents=True, exist_ok=True)
        for p in images:
            shutil.copy(p, img_dir / f"bench-{p.name}")
        replace_block(ROOT / "docs" / "benchmarks.md", report.render(res, shown, [f"img/bench-{p.name}" for p in images]))
        (HERE / "results.md").write_text(
            "# Benchmark results\n\nWritten by `python3 bench/run.py`; method and reading in "
            "[docs/benchmarks.md](../docs/benchmarks.md).\n\n"
            + report.render(res, shown, [f"../docs/img/bench-{p.name}" for p in images]))
        log("updated docs/benchmarks.md, bench/results.md and docs/img/bench-*.png")
    log(f"results: {out_dir / (stamp + '.json')} and {out_dir / (stamp + '.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
