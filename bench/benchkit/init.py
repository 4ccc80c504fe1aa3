# SPDX-License-Identifier: MIT
# `tfrun run --` as a one-command container init, beside tini and dumb-init: start-up overhead, signal to
# exit latency, signals lost when sent the moment the command was forked, and zombies left as PID 1.
from __future__ import annotations

import os
import select
import signal
import subprocess
import tempfile
import time

from .procs import Proc, now, read_bytes


def inits(tfrun: str, tfrun_static: str | None, tini: str | None, dumb_init: str | None) -> dict[str, list[str]]:
    out = {"tfrun run": [tfrun, "run", "--"]}
    if tfrun_static:
        out["tfrun run (static)"] = [tfrun_static, "run", "--"]
    if tini:
        out["tini"] = [tini, "-s", "--"]
    if dumb_init:
        out["dumb-init"] = [dumb_init, "--"]
    return out


def _children(pid: int) -> list[str]:
    return (read_bytes(f"/proc/{pid}/task/{pid}/children") or b"").decode().split()


def startup(prefix: list[str], cwd: str) -> float:
    """Seconds for `PREFIX true` (prefix [] gives the bare fork+exec of `true`)."""
    t = now()
    subprocess.run(prefix + ["true"], cwd=cwd, check=True, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return now() - t


def stop_latency(prefix: list[str], cwd: str) -> float | None:
    """SIGTERM → exit of `PREFIX sleep 100`, sent once the command is running (`sleep` exec'd)."""
    proc = Proc(prefix + ["sleep", "100"], cwd=cwd, stderr=subprocess.DEVNULL)
    try:
        deadline = now() + 5
        while now() < deadline:
            kids = _children(proc.pid)
            if kids and (read_bytes(f"/proc/{kids[0]}/comm") or b"").strip() == b"sleep":
                break
            time.sleep(0.0002)
        t = proc.signal(signal.SIGTERM)
        t_exit = proc.wait(5)
        return None if t_exit is None else t_exit - t
    finally:
        proc.kill_tree()
        proc.close()


def early_signal(prefix: list[str], cwd: str) -> tuple[bool, float | None]:
    """SIGTERM the moment the init has forked its command: (delivered, seconds to exit)."""
    proc = Proc(prefix + ["sleep", "100"], cwd=cwd, stderr=subprocess.DEVNULL)
    try:
        deadline = now() + 5
        while not _children(proc.pid) and now() < deadline:
            pass
        t = proc.signal(signal.SIGTERM)
        t_exit = proc.wait(2)
        if t_exit is None:
            return False, None
        return True, t_exit - t
    finally:
        proc.kill_tree()
        proc.close()


def zombies(prefix: list[str], child: str, marker: str, cwd: str, orphans: int = 100) -> int | None:
    """Zombies left in a fresh PID namespace where the init is PID 1 and the command makes orphans."""
    if os.geteuid() != 0 or not os.path.exists("/usr/bin/unshare"):
        return None
    argv = ["/usr/bin/unshare", "--pid", "--fork", "--mount-proc"] + prefix + [child, marker, "orphans", str(orphans)]
    proc = Proc(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        out = b""
        deadline = now() + 20
        fd = proc.popen.stdout.fileno()
        while b"\n" not in out and now() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                out += chunk
        words = out.split()
        return int(words[1]) if len(words) >= 2 and words[0] == b"zombies" else None
    finally:
        proc.kill_tree()
        proc.popen.stdout.close()
        proc.close()


def run_all(prefixes: dict[str, list[str]], child: str, marker: str, reps: int, tries: int) -> dict:
    """Each measurement round-robins over the inits (and the bare command), so load that comes and goes
    on a shared machine falls on all of them alike."""
    res: dict = {"floor": {"startup_s": []}}
    res.update({name: {"startup_s": [], "stop_s": [], "early_exit_s": [], "early_tries": tries, "early_lost": 0}
                for name in prefixes})
    with tempfile.TemporaryDirectory(prefix="tfrun-bench-init-") as cwd:
        for _ in range(reps):
            res["floor"]["startup_s"].append(startup([], cwd))
            for name, prefix in prefixes.items():
                res[name]["startup_s"].append(startup(prefix, cwd))
                stop = stop_latency(prefix, cwd)
                if stop is not None:
                    res[name]["stop_s"].append(stop)
        for _ in range(tries):
            for name, prefix in prefixes.items():
                ok, t = early_signal(prefix, cwd)
                res[name]["early_lost"] += 0 if ok else 1
                if ok:
                    res[name]["early_exit_s"].append(t)
        for name, prefix in prefixes.items():
            res[name]["zombies"] = zombies(prefix, child, marker, cwd)
    return res
