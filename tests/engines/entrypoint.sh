#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tfrun as a container's ENTRYPOINT under podman. `tfrun start` (web=2 worker=1 from the image's CMD): every
# instance starts with its PORT and values; `podman stop` makes every child log "got TERM" and the container
# exits 143 (docs/exit-status.md: start stopped by SIGTERM). `tfrun run --` as ENTRYPOINT: the one-off's status
# is the container's, and 50 orphans re-parented to PID 1 are reaped (none is left a zombie).
source "$(dirname "$0")/lib.sh"
podman_setup

keys=(GREETING Q1 Q2 BOTHQ DOLLAR NEWLINE UNICODE BIG)
make_app "$work/app" "${keys[@]}"
build_image tfe-init "$work/app"

name=tfe-init-$$
cleanup "podman rm -f -t 0 $name"
podman run -d --name "$name" --network none localhost/tfe-init:1 >/dev/null || fail "podman run failed"
logs() { podman logs "$name" 2>&1; }
ready() { [ "$(count_lines "$(logs)" " ready$")" -eq 3 ]; }
wait_until 20 "web.1, web.2 and worker.1 to start" ready
[ "$(podman top "$name" pid args | awk '$1 == 1 { print $2 }')" = /bin/tfrun ] || fail "PID 1 is not tfrun"
text=$(logs)
stamp='[0-9]{2}:[0-9]{2}:[0-9]{2}' # tfrun start's time prefix
grep -qE "^$stamp web\.2 +\| web start port=5001 mode=unset uid=0 arg=it's \\\$HOME ✓$" <<<"$text" || fail "web.2: $text"
grep -qE "^$stamp worker\.1 +\| worker start port=5100 mode=fast uid=0 arg=hello$" <<<"$text" || fail "worker.1: $text"
expect_app_lines "$(sed -En "s/^$stamp web\.1 +\| //p" <<<"$text")" web "${keys[@]}"

podman stop -t 10 "$name" >/dev/null || fail "podman stop failed"
status=$(podman inspect -f '{{.State.ExitCode}}' "$name")
[ "$status" = 143 ] || fail "the container exited $status after SIGTERM, not 143"
for instance in web.1 web.2 worker.1; do
  grep -qE "^$stamp ${instance//./\\.} +\| (web|worker) got TERM$" <<<"$(logs)" || fail "$instance did not log 'got TERM'"
done

run_one_off() { podman run --rm --network none --entrypoint '["/bin/tfrun", "run", "--"]' localhost/tfe-init:1 "$@"; }
run_one_off /bin/sh -c 'exit 7'
status=$?
[ $status -eq 7 ] || fail "tfrun run as ENTRYPOINT gave $status for a one-off that exited 7"

# Each `sh -c '... &'` exits at once and leaves its sleep to PID 1; the one-off exits 7 only once none of the
# 50 is left, neither running nor as a zombie (fields of /proc/PID/stat: "PID (COMM) STATE").
run_one_off /bin/sh -c '
  for i in $(seq 50); do sh -c "sleep 0.2 &"; done
  for i in $(seq 100); do
    left=$(cat /proc/[0-9]*/stat 2>/dev/null | grep -c -e "(sleep)" -e ") Z ")
    [ "$left" -eq 0 ] && exit 7
    sleep 0.1
  done
  echo "$left orphans or zombies left" >&2
  exit 1'
status=$?
[ $status -eq 7 ] || fail "50 orphans under tfrun run as PID 1: status $status (7 means all were reaped)"
say "ok: tfrun start as PID 1: 3 instances, TERM to each, exit 143; tfrun run: status 7 passed, 50 orphans reaped"
