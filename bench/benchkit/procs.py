# SPDX-License-Identifier: MIT
# Processes as the benchmark sees them: launched in their own session, timed with pidfds (a polling
# wait would add up to 50 ms to every stop time), measured through /proc, and cleaned up by a marker
# every process of a run carries (in argv for the workload, BENCH_RUN=<marker> in the environment for
# everything a runner forks). Nothing is ever killed by name.
from __future__ import annotations

import os
import select
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


def now() -> float:
    return time.monotonic()


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def status_kib(pid: int, key: str) -> int:
    raw = read_bytes(f"/proc/{pid}/status")
    if not raw:
        return 0
    for line in raw.decode(errors="replace").splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def stat_fields(pid: int) -> tuple[int, str] | None:
    """(ppid, state) of a process, or None when it is gone."""
    raw = read_bytes(f"/proc/{pid}/stat")
    if not raw:
        return None
    rest = raw[raw.rfind(b")") + 2:].split()
    return int(rest[1]), rest[0].decode()


def cpu_ns(pid: int) -> int:
    """On-CPU time of every thread of a process, in ns (schedstat: finer than utime's 10 ms ticks)."""
    total = 0
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0
    for tid in tids:
        raw = read_bytes(f"/proc/{pid}/task/{tid}/schedstat")
        if raw:
            total += int(raw.split()[0])
    return total


def all_pids() -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid in all_pids():
        st = stat_fields(pid)
        if st:
            children.setdefault(st[0], []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def runner_side(root: int, marker: str) -> list[int]:
    """The runner and what it forked for itself (sh, cat, ...): its tree minus the workload."""
    mark = marker.encode()
    return [pid for pid in descendants(root)
            if pid == root or mark not in (read_bytes(f"/proc/{pid}/cmdline") or b"")]


def marked_pids(marker: str, env_too: bool = True) -> list[int]:
    """Every live process that carries the run's marker in argv (or in its environment)."""
    mark = marker.encode()
    env_mark = b"BENCH_RUN=" + mark
    me = os.getpid()
    found = []
    for pid in all_pids():
        if pid == me:
            continue
        cmd = read_bytes(f"/proc/{pid}/cmdline")
        if cmd is None:
            continue
        hit = mark in cmd or (env_too and env_mark in (read_bytes(f"/proc/{pid}/environ") or b""))
        if hit:
            st = stat_fields(pid)
            if st and st[1] != "Z":
                found.append(pid)
    return found


def kill_pids(pids, sig=signal.SIGKILL) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


class Proc:
    """A launched process with a pidfd, so its exit is seen the moment it happens."""

    def __init__(self, argv, *, cwd=None, env=None, stdin=subprocess.DEVNULL, stdout=None, stderr=None):
        self.t_start = now()
        self.popen = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr,
                                      start_new_session=True, close_fds=True)
        self.pid = self.popen.pid
        self.pidfd = os.pidfd_open(self.pid)
        self.t_exit: float | None = None
        self.status: int | None = None

    def signal(self, sig: int) -> float:
        t = now()
        try:
            signal.pidfd_send_signal(self.pidfd, sig)
        except OSError:
            pass
        return t

    def wait(self, timeout: float) -> float | None:
        """Time of exit, or None if still running after `timeout` seconds."""
        if self.t_exit is None:
            ready, _, _ = select.select([self.pidfd], [], [], max(0.0, timeout))
            if not ready:
                return None
            self.t_exit = now()
            _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)
            self.popen.returncode = self.status
        return self.t_exit

    def alive(self) -> bool:
        return self.wait(0) is None

    def kill_tree(self) -> None:
        if self.alive():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self.wait(5)

    def close(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1


class Reports:
    """Lines the workload writes to a FIFO ("R name pid", "D id pid", ...), with their arrival times."""

    def __init__(self, path: str):
        os.mkfifo(path)
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        self.buffer = b""
        self.events: list[tuple[float, list[str]]] = []

    def pump(self, timeout: float) -> list[tuple[float, list[str]]]:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return []
        t = now()
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        new = [(t, line.decode(errors="replace").split()) for line in lines if line]
        self.events.extend(new)
        return new

    def close(self) -> None:
        os.close(self.fd)


def count_in_file(path: str, needle: bytes, state: dict) -> int:
    """Counts `needle` in a growing file, reading only what was added since the last call."""
    try:
        with open(path, "rb") as f:
            f.seek(state.get("offset", 0))
            data = state.get("carry", b"") + f.read()
            state["offset"] = f.tell()
    except OSError:
        return state.get("count", 0)
    state["count"] = state.get("count", 0) + data.count(needle)
    keep = len(needle) - 1
    state["carry"] = data[-keep:] if keep and data else b""
    return state["count"]
