# SPDX-License-Identifier: MIT
# Every runner the benchmark drives, and how each one is started on "COUNT copies of COMMAND": tfrun and
# foreman scale a Procfile entry themselves; hivemind and goreman get one entry per copy; tini and
# dumb-init run a plain sh script that backgrounds every copy; supervisord gets one [program] per copy;
# `raw` is bench_spawn, the fork+exec floor whose children share one output (the throughput ceiling);
# `relay` is bench_relay, the cheapest runner that keeps lines whole (the floor for framing).
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Runner:
    name: str
    kind: str  # floor | subject | peer | init
    exe: str | None
    style: str  # raw | native | expand | script | supervisord
    note: str = ""
    version: str = ""
    json: bool = False
    args: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.exe is not None


def _which(exe: str, dirs: list[str]) -> str | None:
    for d in dirs:
        p = os.path.join(d, exe)
        if d and os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return shutil.which(exe)


def _version(argv: list[str]) -> str:
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL)
        text = (r.stdout.strip() or r.stderr.strip()).splitlines()
        return text[0][:60] if text else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def discover(tfrun: str, tfrun_static: str | None, bin_dir: Path, peer_dirs: list[str]) -> dict[str, Runner]:
    """Every runner, found or not (a runner without an executable is reported as skipped)."""
    look = [str(d) for d in peer_dirs]
    runners = [
        Runner("raw", "floor", str(bin_dir / "bench_spawn"), "raw",
               "fork+exec per child (directly, or `sh -c` when the command needs the shell, as tfrun), "
               "children share one output: floor for spawn and stop, ceiling for throughput (lines torn)"),
        Runner("relay", "floor", str(bin_dir / "bench_relay"), "raw",
               "one epoll thread relaying each child's own pipe, every line whole behind a head as long as "
               "tfrun's: the floor for a runner that keeps lines whole (throughput only)", args=["-f"]),
        Runner("tfrun", "subject", tfrun, "native", "text, colour and timestamps on",
               args=["--color", "always"]),
        Runner("tfrun-json", "subject", tfrun, "native", "--log-format json", json=True,
               args=["--log-format", "json"]),
        Runner("tfrun-static", "subject", tfrun_static, "native",
               "-DTFRUN_STATIC=ON, the container image's binary (spawn, memory and init only)",
               args=["--color", "always"]),
        Runner("hivemind", "peer", _which("hivemind", look), "expand", "Go, one pty per process"),
        Runner("goreman", "peer", _which("goreman", look), "expand", "Go"),
        Runner("foreman", "peer", _which("foreman", look), "native", "Ruby (Debian ruby-foreman)"),
        Runner("nf", "peer", _which("nf", look), "native", "node-foreman (npm foreman)"),
        Runner("supervisord", "peer", _which("supervisord", look), "supervisord",
               "Debian supervisor; no line framing"),
        Runner("tini", "init", _which("tini", look), "script", "`tini -s -g -- sh script` (no prefixes)"),
        Runner("dumb-init", "init", _which("dumb-init", look), "script", "`dumb-init sh script` (no prefixes)"),
    ]
    versions = {"tfrun": [tfrun, "--version"], "tfrun-json": [tfrun, "--version"],
                "tfrun-static": [tfrun_static or "", "--version"], "hivemind": ["--version"],
                "goreman": ["version"], "foreman": ["version"], "nf": ["--version"],
                "supervisord": ["--version"], "tini": ["--version"], "dumb-init": ["--version"]}
    for r in runners:
        if r.exe and r.name in versions:
            argv = versions[r.name]
            r.version = _version(argv if argv[0] in (tfrun, tfrun_static) else [r.exe] + argv)
    return {r.name: r for r in runners}


def prepare(runner: Runner, wd: Path, command: str, count: int, grace: int) -> list[str]:
    """Writes the runner's input files into `wd` and returns its command line.

    `command` is a shell command; every copy gets PORT (the runner's own, or 5000 + i) as its id."""
    (wd / ".env").write_text("BENCH_FROM_DOTENV=1\n")
    procfile = wd / "Procfile"
    if runner.style == "raw":
        # A command with nothing for the shell is exec'd directly, as tfrun runs it (docs/formats.md).
        direct = ["-x"] if not any(c in command for c in "$'\"\\|&;<>()*?`") else []
        return [runner.exe, *runner.args, "-g", str(grace), *direct, "-n", str(count), "--", command]
    if runner.style == "native":
        procfile.write_text(f"w: {command}\n")
        if runner.name.startswith("tfrun"):
            return [runner.exe, "start", "-f", str(procfile), "-t", str(grace), *runner.args, f"w={count}"]
        if runner.name == "foreman":
            return [runner.exe, "start", "-f", str(procfile), "-d", str(wd), "-t", str(grace), "-m", f"w={count}"]
        return [runner.exe, "-j", str(procfile), "-e", str(wd / ".env"), "start", f"w={count}"]  # nf
    if runner.style == "expand":
        procfile.write_text("".join(f"w{i}: {command}\n" for i in range(1, count + 1)))
        if runner.name == "hivemind":
            return [runner.exe, "-t", str(grace), str(procfile)]
        return [runner.exe, "-f", str(procfile), "-rpc-server=false", "start"]  # goreman
    if runner.style == "script":
        # No trap and no job control: shutdown relies on the init forwarding the signal to the group.
        script = wd / "run.sh"
        body = "".join(f"PORT={5000 + i} {command} &\n" for i in range(count))
        script.write_text("#!/bin/sh\n" + body + "wait\n")
        if runner.name == "tini":
            return [runner.exe, "-s", "-g", "--", "/bin/sh", str(script)]
        return [runner.exe, "/bin/sh", str(script)]
    # supervisord: one program per copy, output copied to its own stdout, SIGKILL after the grace.
    conf = ["[supervisord]", "nodaemon=true", f"logfile={wd}/supervisord.log", f"pidfile={wd}/supervisord.pid",
            f"childlogdir={wd}", ""]
    quoted = '"' + command.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") + '"'
    for i in range(count):
        conf += [f"[program:w{i + 1}]", f"command=/bin/sh -c {quoted}", f'environment=PORT="{5000 + i}"',
                 f"directory={wd}", "autorestart=false", "startsecs=0", "startretries=0",
                 f"stopwaitsecs={grace}", "redirect_stderr=true", "stdout_logfile=/dev/stdout",
                 "stdout_logfile_maxbytes=0", ""]
    (wd / "supervisord.conf").write_text("\n".join(conf))
    return [runner.exe, "-n", "-c", str(wd / "supervisord.conf")]


def environment(marker: str) -> dict[str, str]:
    env = dict(os.environ)
    env["BENCH_RUN"] = marker
    env.pop("PORT", None)
    for key in [k for k in env if k.startswith("TFRUN_")] + ["NO_COLOR", "FORCE_COLOR"]:
        env.pop(key, None)  # the runner's settings come from its command line only
    return env


def describe(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)
