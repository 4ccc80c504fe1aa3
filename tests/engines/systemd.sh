#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The systemd export under a real systemd: the host's own, booted as PID 1 of a podman container over an overlay
# of / (the machine itself has no systemd running). `systemctl start APP.target` runs every instance as the
# user with its PORT and values; `journalctl` shows the lines; `systemctl stop APP.target` delivers TERM to the
# app, which logs "got TERM" (no SIGKILL); with -l, the log folder the export created takes the output.
source "$(dirname "$0")/lib.sh"
[ -x /lib/systemd/systemd ] || skip "/lib/systemd/systemd is not installed (Debian 12: systemd)"
podman_setup

keys=(GREETING Q1 Q2 BOTHQ DOLLAR NEWLINE UNICODE BIG)
make_app "$work/app" "${keys[@]}"
cd "$work/app" || fail "no app folder"
"$TFRUN" export systemd "$work/units" -a tfe -u www-data -t 5 web=2,worker=1 >/dev/null || fail "export failed"
"$TFRUN" export systemd "$work/units" -a tfl -u www-data -l "$work/log" web=1 >/dev/null || fail "export -l failed"
[ -d "$work/log" ] || fail "the export did not create the log folder"
cd "$work" || fail "no work folder"

name=tfe-systemd-$$
cleanup "podman rm -f -t 0 $name"
podman run -d --name "$name" --network none --systemd always --tmpfs /tmp:rw,notmpcopyup \
  --tmpfs /run:rw,notmpcopyup -v "$work:$work" --rootfs /:O /lib/systemd/systemd --unit=basic.target \
  >"$work/run.out" 2>&1 || fail "podman run of systemd: $(cat "$work/run.out")"
in_ct() { podman exec "$name" "$@"; }
booted() { [[ $(in_ct systemctl is-system-running 2>/dev/null) =~ ^(running|degraded)$ ]]; }
wait_until 60 "systemd to finish booting in the container" booted

podman cp "$work/units/." "$name:/etc/systemd/system/" || fail "podman cp of the units"
in_ct systemctl daemon-reload || fail "daemon-reload"
in_ct systemctl start tfe.target tfl.target || fail "systemctl start: $(in_ct systemctl status 'tfe-*' 'tfl-*' 2>&1)"

log() { in_ct journalctl -o cat -t "tfe-$1" 2>/dev/null; }
check_host_start 33 "${keys[@]}"
logged() { grep -q " ready$" "$work/log/web.1.log" 2>/dev/null; }
wait_until 20 "tfl's web.1 to write into the log folder" logged

in_ct systemctl stop tfe.target tfl.target || fail "systemctl stop"
for instance in web.1 web.2 worker.1; do
  wait_until 5 "$instance's 'got TERM' in the journal" has_lines "$instance" " got TERM$" 1
done
killed=$(in_ct journalctl -o cat -u 'tfe-*' 2>/dev/null | grep -c 'with signal SIGKILL' || true)
[ "$killed" -eq 0 ] || fail "systemd had to SIGKILL processes of the app"
[ "$(in_ct systemctl is-failed tfe-web.1.service)" != failed ] || fail "tfe-web.1 failed on stop"
say "ok: 3 units as www-data with PORT and values intact in the journal; stop: each logged 'got TERM', no SIGKILL; -l works"
