#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The compose export under podman-compose, with tfrun's own kind of image (ENTRYPOINT `tfrun start`, dash as
# /bin/sh): the export sets the entrypoint, so the containers run the app and not `tfrun start <app's words>`;
# replicas, PORT and every value as exported; `stop` delivers TERM to the app (the container's main process),
# which logs "got TERM" and exits 0; `down` removes it all.
source "$(dirname "$0")/lib.sh"
need podman-compose
podman_setup

keys=(GREETING Q1 Q2 BOTHQ DOLLAR NEWLINE UNICODE BIG)
make_app "$work/app" "${keys[@]}"
build_image tfe-compose "$work/app"
cd "$work/app" || fail "no app folder"
"$TFRUN" export compose "$work/compose" -a tfe --image localhost/tfe-compose:1 -t 8 web=2,worker=1 >/dev/null ||
  fail "export failed"
cd "$work/compose" || fail "no compose folder"

project=tfe$$
compose() { podman-compose -p "$project" -f compose.yaml "$@"; }
cleanup "podman network rm -f ${project}_default"
cleanup "(cd '$work/compose' && podman-compose -p $project -f compose.yaml down)"
compose up -d >"$work/up.out" 2>&1 || fail "podman-compose up: $(tail -5 "$work/up.out")"

containers() {
  podman ps -aq --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1"
}
check_containers_start "${keys[@]}"

started=$SECONDS
compose stop >"$work/stop.out" 2>&1 || fail "podman-compose stop: $(tail -5 "$work/stop.out")"
[ $((SECONDS - started)) -lt 8 ] || fail "stopping took the whole grace period: TERM did not stop the app"
check_containers_stopped
compose down >/dev/null 2>&1 || fail "podman-compose down failed"
[ -z "$(podman ps -aq)" ] || fail "down left containers: $(podman ps -a)"
say "ok: 2 web replicas + 1 worker in a tfrun-entrypoint image, PORT and values intact, TERM on stop, exit 0"
