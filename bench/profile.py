#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Instruction counts are what stays comparable on a shared machine, so the output path is judged by
# callgrind, not by the clock: this runs tfrun under callgrind on a fixed workload and prints the
# totals and the top functions, so a change can be measured before and after.
"""Profile tfrun with callgrind on fixed workloads.

  python3 bench/profile.py --tfrun PATH [--scenario text|json|spawn] [--k 16] [--lines 20000] [--n 200]

text/json: K generators x LINES lines of 100 bytes through `tfrun start` (colour and timestamps on, or
--log-format json) into bench_sink; spawn: `tfrun start w=N` with idle children, stopped once all are
ready. Prints Ir (instructions) in total, per MB of payload (text/json) or per child (spawn), and the
top functions by inclusive and self cost. Needs valgrind and the helpers (bench/run.py builds them).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # nothing of the benchmark's own lands in the source tree
sys.path.insert(0, str(HERE))

from benchkit.procs import Proc, Reports, now  # noqa: E402

BIN = HERE / "build" / "bin"


def profile(tfrun: str, scenario: str, k: int, lines: int, n: int, out: Path) -> Path:
    wd = Path(tempfile.mkdtemp(prefix="tfrun-profile-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    reports = Reports(str(wd / "report.fifo"))
    notes = Reports(str(wd / "note.fifo"))
    if scenario == "spawn":
        (wd / "Procfile").write_text(f"w: exec {BIN / 'bench_child'} PROFILE w -r {wd / 'report.fifo'}\n")
        formation, expected = f"w={n}", n
    else:
        (wd / "Procfile").write_text(f"g: exec {BIN / 'bench_gen'} PROFILE PORT {lines} 100 -r {wd / 'report.fifo'}\n")
        formation, expected = f"g={k}", k * lines
    extra = ["--log-format", "json"] if scenario == "json" else ["--color", "always"]
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", tfrun, "start", "-f",
            str(wd / "Procfile"), *extra, formation]
    read_end, write_end = os.pipe()
    sink = Proc([str(BIN / "bench_sink"), str(wd / "out.log"), str(wd / "note.fifo"), str(expected)],
                stdin=read_end, stdout=subprocess.DEVNULL)
    os.close(read_end)
    proc = Proc(argv, cwd=wd, stdout=write_end, stderr=subprocess.DEVNULL)
    os.close(write_end)
    deadline = now() + 600
    ready = set()
    while now() < deadline:
        if scenario == "spawn":
            ready |= {w[2] for _, w in reports.pump(0.1) if w and w[0] == "R"}
            if len(ready) >= n:
                break
        elif any(w[0] == "done" for _, w in notes.pump(0.1)):
            break
    proc.signal(signal.SIGTERM)
    proc.wait(120)
    proc.kill_tree()
    sink.wait(10)
    sink.kill_tree()
    subprocess.run(["rm", "-rf", str(wd)])
    return out


def summarize(path: Path, scenario: str, k: int, lines: int, n: int, top: int) -> None:
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", str(path)], capture_output=True,
                          text=True).stdout
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
    if scenario == "spawn":
        print(f"{path.name}: {total:,} Ir in total, {total / n:,.0f} Ir per child (N={n})")
    else:
        mb = k * lines * 100 / 1e6
        print(f"{path.name}: {total:,} Ir in total, {total / mb:,.0f} Ir per MB of payload ({mb:.0f} MB)")
    for title, args in (("inclusive", ["--inclusive=yes"]), ("self", [])):
        rows = subprocess.run(["callgrind_annotate", *args, str(path)], capture_output=True, text=True).stdout
        body = rows.split("file:function", 1)[-1].strip().splitlines()[:top]
        print(f"\n-- top {top} by {title} cost\n" + "\n".join(r[:160] for r in body))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tfrun", required=True)
    ap.add_argument("--scenario", choices=["text", "json", "spawn"], default="text")
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", help="callgrind output file (default: bench/results/callgrind.<scenario>.<pid>)")
    args = ap.parse_args()
    out = Path(args.out or HERE / "results" / f"callgrind.{args.scenario}.{os.getpid()}")
    out.parent.mkdir(parents=True, exist_ok=True)
    profile(os.path.abspath(args.tfrun), args.scenario, args.k, args.lines, args.n, out)
    summarize(out, args.scenario, args.k, args.lines, args.n, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
