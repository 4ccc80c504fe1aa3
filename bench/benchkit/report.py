# SPDX-License-Identifier: MIT
# Turns the raw runs into Markdown tables (median, min–max), the targets table and gnuplot PNGs.
from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

# Published figure for hivemind on this machine class (16 children × 100-byte lines), used for the
# "≥ 4× hivemind" target when hivemind itself is not installed.
HIVEMIND_REFERENCE_MBPS = 50.3

TP_CASES = ["K=1", "K=4", "K=16", "K=4 6000 B", "K=1 exits", "K=16 burst"]


def values(runs: list[dict], key: str) -> list[float]:
    return [r[key] for r in runs if isinstance(r.get(key), (int, float)) and not isinstance(r.get(key), bool)]


def med(runs_or_values, key: str | None = None):
    xs = values(runs_or_values, key) if key else [x for x in runs_or_values if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def spread(xs: list[float], scale: float = 1.0, digits: int = 3) -> str:
    xs = [x * scale for x in xs if x is not None]
    if not xs:
        return "–"
    if len(xs) == 1:
        return fmt(xs[0], digits)
    return f"{fmt(statistics.median(xs), digits)} ({fmt(min(xs), digits)}–{fmt(max(xs), digits)})"


def table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def integrity(runs: list[dict]) -> str:
    if not runs:
        return "–"
    bad = {k: sum(r.get(k, 0) for r in runs) for k in
           ("lost", "split", "interleaved", "fragments", "duplicates", "out_of_order")}
    errors = [r.get("error") or r.get("incomplete") for r in runs if r.get("error") or r.get("incomplete")]
    text = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in bad.items() if v)
    if errors:
        text = (text + "; " if text else "") + errors[0]
    return text or f"0 of {sum(r.get('expected', 0) for r in runs)} lines"


# ------------------------------------------------------------------------------------------- tables


def throughput_tables(res: dict, runners: dict) -> str:
    tp = res.get("throughput", {})
    if not tp:
        return ""
    names = [n for n in runners if any(n in tp.get(c, {}) for c in TP_CASES)]
    rows = []
    for n in names:
        rows.append([n] + [spread(values(tp.get(c, {}).get(n, []), "MBps"), digits=1) for c in TP_CASES])
    parts = ["#### Intact payload MB/s (median (min–max) over runs)\n\n" + table(["runner"] + TP_CASES, rows)]
    ceiling = {c: med(tp.get(c, {}).get("raw", []), "MBps") for c in TP_CASES}
    rows = []
    for n in names:
        if n == "raw":
            continue
        cells = []
        for c in TP_CASES:
            m = med(tp.get(c, {}).get(n, []), "MBps")
            cells.append(f"{100 * m / ceiling[c]:.0f}%" if m and ceiling.get(c) else "–")
        rows.append([n] + cells)
    parts.append("#### Share of the raw ceiling (same case, same run)\n\n" + table(["runner"] + TP_CASES, rows))
    relay = {c: med(tp.get(c, {}).get("relay", []), "MBps") for c in TP_CASES}
    rows = []
    for n in (n for n in names if n not in ("raw", "relay")):
        cells = []
        for c in TP_CASES:
            m = med(tp.get(c, {}).get(n, []), "MBps")
            cells.append(f"{100 * m / relay[c]:.0f}%" if m and relay.get(c) else "–")
        rows.append([n] + cells)
    if any(relay.values()):
        parts.append("#### Share of the relay floor (the cheapest runner that keeps lines whole; same case, same "
                     "run)\n\n" + table(["runner"] + TP_CASES, rows))
    rows = []
    for n in names:
        k16 = tp.get("K=16", {}).get(n, [])
        lines = k16[0]["lines"] if k16 else "–"
        rows.append([n, str(lines), spread(values(k16, "cpu_s_per_MB"), digits=4),
                     spread(values(k16, "rss_before_kib"), 1 / 1024, 1), spread(values(k16, "peak_rss_kib"), 1 / 1024, 1),
                     "; ".join(f"{c}: {integrity(tp.get(c, {}).get(n, []))}" for c in TP_CASES
                               if tp.get(c, {}).get(n))])
    parts.append("#### CPU, memory and line integrity\n\nCPU = on-CPU time of the runner's side (the runner and "
                 "what it forked for itself, not the workload) from the start signal to the last line; RSS of "
                 "the runner's main process before the stream and its peak while streaming (K=16). Integrity: "
                 "every line of every run checked against what the children wrote.\n\n"
                 + table(["runner", "lines per child", "CPU s/MB (K=16)", "RSS before, MiB", "RSS peak, MiB",
                          "lines lost / split / interleaved / corrupted / out of order, all runs"], rows))
    return "\n\n".join(parts)


def spawn_tables(res: dict, runners: dict) -> str:
    sp = res.get("spawn", {})
    if not sp:
        return ""
    sizes = sorted({int(n) for r in sp.values() for n in r})
    floor500 = med(sp.get("raw", {}).get("500", []), "t_ready_s")
    rows = []
    for name, by_n in sp.items():
        cells = [spread(values(by_n.get(str(n), []), "t_ready_s")) for n in sizes]
        m500 = med(by_n.get("500", []), "t_ready_s")
        ratio = f"{m500 / floor500:.2f}×" if m500 and floor500 else "–"
        big = max((int(n) for n in by_n if by_n[n]), default=None)
        per_child = [med(by_n.get(str(n), []), "t_ready_s") / n * 1000 for n in (500, big)
                     if n and med(by_n.get(str(n), []), "t_ready_s")]
        errors = [r["error"] for runs in by_n.values() for r in runs if r.get("error")]
        rows.append([name] + cells + [ratio, " → ".join(f"{x:.3f}" for x in per_child) + (f" (N={big})" if big else ""),
                     errors[0][:60] if errors else ""])
    head = ["runner"] + [f"N={n}, s" for n in sizes] + ["N=500 vs floor", "ms per child at N=500 → largest N", "problems"]
    return ("#### Launch → all N children ready (each child reports through a FIFO), seconds\n\n" + table(head, rows))


def stop_memory_tables(res: dict) -> str:
    sp, st = res.get("spawn", {}), res.get("stop", {})
    if not sp and not st:
        return ""
    rows = []
    for name in dict.fromkeys(list(sp) + list(st)):
        idle = sp.get(name, {}).get("100", [])
        graceful = st.get(name, [])
        left = sum((r.get("left_after_3s") or 0) for runs in sp.get(name, {}).values() for r in runs)
        gexits = [f"{r.get('graceful', 0)}/{r.get('n')}" for r in graceful]
        rows.append([name, spread(values(idle, "t_stop_s"), 1000, 1), spread(values(graceful, "t_stop_s"), 1000, 1),
                     gexits[0] if gexits else "–", str(left)])
    stop = ("#### Stop: SIGTERM → runner exit, ms\n\n100 idle children; 10 children that each need 200 ms to "
            "shut down (the floor is 200 ms).\n\n"
            + table(["runner", "100 idle children", "10 × 200 ms children", "exited gracefully",
                     "children left 3 s after exit (all spawn runs)"], rows))
    rows = []
    for name, by_n in sp.items():
        stream = res.get("throughput", {}).get("K=16", {}).get(name, [])
        rows.append([name, spread(values(by_n.get("100", []), "hwm_kib"), 1 / 1024, 1),
                     spread(values(by_n.get("100", []), "tree_hwm_kib"), 1 / 1024, 1),
                     spread(values(by_n.get("500", []), "hwm_kib"), 1 / 1024, 1),
                     spread(values(by_n.get("500", []), "tree_hwm_kib"), 1 / 1024, 1),
                     spread(values(stream, "hwm_kib"), 1 / 1024, 1)])
    memory = ("#### Peak RSS (VmHWM), MiB\n\nMain process, and the runner's whole side (its own helpers: sh for "
              "tini and dumb-init) with 100 and 500 idle children; main process after streaming K=16.\n\n"
              + table(["runner", "N=100 main", "N=100 side", "N=500 main", "N=500 side", "after K=16 stream"], rows))
    return stop + "\n\n" + memory


def init_table(res: dict) -> str:
    it = res.get("init")
    if not it:
        return ""
    floor = med(it["floor"]["startup_s"])
    rows = [["bare `true`", spread(it["floor"]["startup_s"], 1000, 2), "–", "–", "–", "–"]]
    for name, r in it.items():
        if name == "floor":
            continue
        over = med(r["startup_s"]) - floor if floor is not None else None
        rows.append([name, spread(r["startup_s"], 1000, 2), fmt(over * 1000 if over is not None else None, 2),
                     spread(r["stop_s"], 1000, 2), f"{r['early_lost']}/{r['early_tries']}",
                     "–" if r.get("zombies") is None else str(r["zombies"])])
    return ("#### One-command init\n\n`X true` start-up (and its overhead over a bare `true`), SIGTERM → exit of "
            "`X sleep 100` once sleep runs, SIGTERM sent the moment the init has forked its command (lost = "
            "still running 2 s later), zombies left as PID 1 of a PID namespace after 100 orphans.\n\n"
            + table(["init", "`X true`, ms", "overhead, ms", "SIGTERM → exit, ms", "early SIGTERM lost",
                     "zombies"], rows))


# ------------------------------------------------------------------------------------------ targets


def paired_shares(case: dict, name: str, base: str) -> list[float]:
    """`name`'s rate over `base`'s, run by run: the runners take turns, so run i of each met the same load."""
    return [r["MBps"] / b["MBps"] for r, b in zip(case.get(name, []), case.get(base, []))
            if r.get("MBps") and b.get("MBps")]


def targets(res: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, holds) for every target of the benchmark."""
    out: list[tuple[str, str, bool | None]] = []
    tp = res.get("throughput", {})

    def tpm(case, name, key="MBps"):
        return med(tp.get(case, {}).get(name, []), key)

    text, raw, js = tpm("K=16", "tfrun"), tpm("K=16", "raw"), tpm("K=16", "tfrun-json")
    hive = tpm("K=16", "hivemind")
    hive_src = "measured" if hive else "published figure"
    hive = hive or HIVEMIND_REFERENCE_MBPS
    if text and raw:
        out.append(("throughput (K=16, colour + timestamps) ≥ 60% of the raw ceiling",
                    f"{text:.0f} of {raw:.0f} MB/s = {100 * text / raw:.0f}%", text >= 0.6 * raw))
    shares = paired_shares(tp.get("K=16", {}), "tfrun", "raw")
    if shares:
        out.append(("throughput (K=16) ≥ 75% of the raw ceiling in every run",
                    f"{100 * min(shares):.0f}-{100 * max(shares):.0f}% in {len(shares)} runs (median "
                    f"{100 * statistics.median(shares):.0f}%)", min(shares) >= 0.75))
    floor_shares = paired_shares(tp.get("K=16", {}), "relay", "raw")
    if floor_shares:
        out.append(("the relay floor itself (K=16), for reading the row above: share of the raw ceiling",
                    f"{100 * min(floor_shares):.0f}-{100 * max(floor_shares):.0f}% in {len(floor_shares)} runs "
                    f"(median {100 * statistics.median(floor_shares):.0f}%)", None))
    of_floor = paired_shares(tp.get("K=16", {}), "tfrun", "relay")
    if of_floor:
        out.append(("tfrun's share of the relay floor (K=16), run by run",
                    f"{100 * min(of_floor):.0f}-{100 * max(of_floor):.0f}% in {len(of_floor)} runs (median "
                    f"{100 * statistics.median(of_floor):.0f}%)", None))
    if text:
        out.append((f"throughput ≥ 4× hivemind ({hive:.0f} MB/s, {hive_src})", f"{text / hive:.1f}×",
                    text >= 4 * hive))
    cpu = tpm("K=16", "tfrun", "cpu_s_per_MB")
    if cpu is not None:
        out.append(("CPU ≤ 0.004 s per MB (K=16)", f"{cpu:.4f} s/MB", cpu <= 0.004))
    tf_runs = [r for case in tp.values() for n, runs in case.items() if n.startswith("tfrun") for r in runs]
    if tf_runs:
        bad = sum(r.get(k, 0) for r in tf_runs for k in
                  ("lost", "split", "interleaved", "fragments", "duplicates", "out_of_order"))
        out.append(("zero lines lost, split, interleaved or corrupted (every case, text and JSON)",
                    f"{bad} bad of {sum(r.get('expected', 0) for r in tf_runs)} lines in {len(tf_runs)} runs",
                    bad == 0 and all(r.get("ok") for r in tf_runs)))
    if text and js:
        out.append(("JSON mode within 2× of text mode (K=16 MB/s)", f"{js:.0f} vs {text:.0f} MB/s ({text / js:.2f}×)",
                    js * 2 >= text))
    sp = res.get("spawn", {})

    def spm(name, n, key="t_ready_s"):
        return med(sp.get(name, {}).get(str(n), []), key)

    t500, f500 = spm("tfrun", 500), spm("raw", 500)
    if t500 and f500:
        out.append(("500 children ready within 1.3× the fork+exec floor", f"{t500:.3f} s vs {f500:.3f} s = "
                    f"{t500 / f500:.2f}×", t500 <= 1.3 * f500))
    big = max((int(n) for n in sp.get("tfrun", {}) if spm("tfrun", n)), default=None)
    if t500 and big and big > 500:
        per500, perbig = t500 / 500, spm("tfrun", big) / big
        out.append((f"spawn cost linear up to N={big} (ms per child within 1.25× of N=500)",
                    f"{per500 * 1000:.3f} → {perbig * 1000:.3f} ms per child", perbig <= 1.25 * per500))
    st = med(res.get("stop", {}).get("tfrun", []), "t_stop_s")
    if st is not None:
        out.append(("SIGTERM → exit ≤ slowest child's stop time (200 ms) + 20 ms", f"{st * 1000:.1f} ms", st <= 0.220))
    idle = spm("tfrun", 100, "t_stop_s")
    if idle is not None:
        out.append(("100 idle children stopped in ≤ 20 ms", f"{idle * 1000:.1f} ms", idle <= 0.020))
    for name, label in (("tfrun", ""), ("tfrun-static", " (static build)")):
        for n, limit in ((100, 4), (500, 8)):
            hwm = spm(name, n, "hwm_kib")
            if hwm:
                out.append((f"peak RSS ≤ {limit} MiB with {n} children{label}", f"{hwm / 1024:.1f} MiB",
                            hwm <= limit * 1024))
    k16 = tp.get("K=16", {}).get("tfrun", [])
    growth = [r["peak_rss_kib"] - r["rss_before_kib"] for r in k16 if "peak_rss_kib" in r and "rss_before_kib" in r]
    if growth:
        # What tfrun may hold while streaming: the recent output `tfrun logs` keeps (256 KiB per instance,
        # docs/control.md) and the output backlog (256 KiB queued, a batch in flight, the writer's spare
        # buffers). Growth past that would be memory that grows with the stream.
        g = statistics.median(growth)
        recent = 16 * 256
        out.append(("RSS bounded while streaming (K=16: growth ≤ the recent output kept for `tfrun logs`, "
                    "16 × 256 KiB, + 2 MiB)", f"+{g / 1024:.2f} MiB (+{(g - recent) / 1024:.2f} MiB beyond the "
                    "recent output)", g <= recent + 2048))
    it = res.get("init") or {}
    for name in (n for n in ("tfrun run", "tfrun run (static)") if n in it):
        label = name.replace("tfrun run", "init").replace("(static)", "(static build)")
        if "tini" in it:
            floor = med(it["floor"]["startup_s"])
            t_over = med(it[name]["startup_s"]) - floor
            i_over = med(it["tini"]["startup_s"]) - floor
            out.append((f"{label}: start-up overhead within 1.2× of tini",
                        f"{t_over * 1000:.2f} vs {i_over * 1000:.2f} ms ({t_over / i_over:.1f}×)" if i_over > 0 else "–",
                        i_over > 0 and t_over <= 1.2 * i_over))
            t_stop, i_stop = med(it[name]["stop_s"]), med(it["tini"]["stop_s"])
            if t_stop and i_stop:
                out.append((f"{label}: signal → exit within 1.2× of tini",
                            f"{t_stop * 1000:.2f} vs {i_stop * 1000:.2f} ms ({t_stop / i_stop:.1f}×)",
                            t_stop <= 1.2 * i_stop))
        r = it[name]
        out.append((f"{label}: zero lost signals", f"{r['early_lost']}/{r['early_tries']} lost", r["early_lost"] == 0))
        if r.get("zombies") is not None:
            out.append((f"{label}: zero zombies as PID 1", f"{r['zombies']} zombies", r["zombies"] == 0))
    return out


def targets_table(res: dict) -> str:
    rows = [[t, m, "yes" if ok else ("–" if ok is None else "**no**")] for t, m, ok in targets(res)]
    return "#### Targets\n\n" + table(["target", "measured", "holds"], rows)


# -------------------------------------------------------------------------------------------- plots


def plots(res: dict, runners: dict, out_dir: Path) -> list[Path]:
    """throughput.png (intact MB/s per case and runner) and spawn.png (seconds to ready against N)."""
    if not shutil.which("gnuplot"):
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    tp = res.get("throughput", {})
    names = [n for n in runners if any(tp.get(c, {}).get(n) for c in TP_CASES)]
    cases = [c for c in TP_CASES if tp.get(c)]
    if names and cases:
        dat = out_dir / "throughput.dat"
        lines = ["case " + " ".join(f'"{n}"' for n in names)]
        for c in cases:
            lines.append(f'"{c}" ' + " ".join(fmt(med(tp[c].get(n, []), "MBps") or 0.1, 1) for n in names))
        dat.write_text("\n".join(lines) + "\n")
        png = out_dir / "throughput.png"
        cols = " , ".join(f"'{dat}' using {i + 2}:xtic(1) title columnheader({i + 2})" for i in range(len(names)))
        _gnuplot(f"""set terminal pngcairo size 1000,520 font ",10"
set output '{png}'
set title 'Intact payload throughput (median), MB/s, log scale'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [1:*]
set grid ytics
set key outside right top
set ylabel 'MB/s'
plot {cols}
""")
        made.append(png)
    sp = res.get("spawn", {})
    if sp:
        png = out_dir / "spawn.png"
        plot_parts = []
        for name, by_n in sp.items():
            pts = sorted((int(n), med(runs, "t_ready_s")) for n, runs in by_n.items() if med(runs, "t_ready_s"))
            if not pts:
                continue
            dat = out_dir / f"spawn-{name}.dat"
            dat.write_text("\n".join(f"{n} {t:.4f}" for n, t in pts) + "\n")
            plot_parts.append(f"'{dat}' using 1:2 with linespoints lw 2 pt 7 title '{name}'")
        _gnuplot(f"""set terminal pngcairo size 1000,520 font ",10"
set output '{png}'
set title 'Launch to all N children ready (median), seconds'
set grid
set key left top
set xlabel 'children (N)'
set ylabel 'seconds'
set xrange [0:*]
set yrange [0:*]
plot {' , '.join(plot_parts)}
""")
        made.append(png)
    return [p for p in made if p.exists()]


def _gnuplot(script: str) -> None:
    subprocess.run(["gnuplot"], input=script, text=True, check=False, capture_output=True)


def render(res: dict, runners: dict, images: list[str]) -> str:
    meta = res["meta"]
    skipped = "".join(f"\n- {s}" for s in res.get("skipped", []))
    found = table(["runner", "version", "how it runs"], [[n, r.get("version") or "–", r.get("note", "")]
                                                          for n, r in runners.items() if r.get("found")])
    head = (f"Run of `{meta['command']}` on {meta['date']}: {meta['machine']}; load average {meta['load_start']} at "
            f"the start, {meta['load_end']} at the end; {meta['elapsed_s']:.0f} s. tfrun {meta['tfrun_version']} "
            f"({meta['tfrun_commit']}).\n\n{found}\n\nNot measured:{skipped or ' –'}")
    parts = [head, targets_table(res), throughput_tables(res, runners), spawn_tables(res, runners),
             stop_memory_tables(res), init_table(res)]
    parts += [f"![{Path(p).stem}]({p})" for p in images]
    return "\n\n".join(p for p in parts if p) + "\n"
