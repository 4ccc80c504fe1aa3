#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The runit export under a private runsvdir: instances, PORT, user and every value as exported (an envdir holds
# line breaks and both quotes); `sv stop` delivers TERM to the app, its last line reaches svlogd, and nothing is
# left running. A value an envdir cannot hold is refused with the env file's line.
source "$(dirname "$0")/lib.sh"
need runsvdir runsv sv chpst svlogd

keys=(GREETING Q1 Q2 BOTHQ DOLLAR NEWLINE UNICODE BIG)
make_app "$work/app" "${keys[@]}"
cd "$work/app" || fail "no app folder"

printf 'TRAILING="ends in a blank "\n' >.env.bad
out=$("$TFRUN" export runit "$work/refused" -a tfe -e .env.bad 2>&1)
status=$?
[ $status -eq 65 ] || fail "a value ending in a blank was not refused (status $status): $out"
[[ $out == 'tfrun: error: .env.bad:1: runit: the value of "TRAILING" ends in a blank'* ]] ||
  fail "the refusal does not name the file, line and key: $out"

"$TFRUN" export runit "$work/service" -a tfe -u www-data -l "$work/log" -t 2 web=2,worker=1 >/dev/null ||
  fail "export failed"
cd "$work" || fail "no work folder" # only the app's processes run in the app's folder

services=("$work"/service/tfe-*)
runsvdir -P "$work/service" >"$work/runsvdir.out" 2>&1 &
runsvdir_pid=$!
# runit's own teardown (runsvdir(8)): stop, mark down, let each runsv exit, then HUP runsvdir.
# A runsv that outlives runsvdir would be left to PID 1, which need not reap it; runsvdir starts a new one at
# its next scan (every 5 s), so it is told to end as soon as those it has are gone.
runsv_exited() {
  local pid
  for pid in "$@"; do
    [ -e "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] && return 1
  done
  return 0
}
end_runsvdir() {
  local runsv_pids
  runsv_pids=$(pgrep -P "$runsvdir_pid" -x runsv)
  sv exit "${services[@]}"
  wait_until 10 "every runsv to exit" runsv_exited $runsv_pids
  runsv_pids=$(pgrep -P "$runsvdir_pid" -x runsv)
  kill -HUP "$runsvdir_pid"
  wait "$runsvdir_pid"
  wait_until 10 "the last runsv to exit" runsv_exited $runsv_pids
}
cleanup "end_runsvdir"
cleanup "for s in ${services[*]}; do touch \$s/down; done"
cleanup "sv -w 5 force-stop ${services[*]}"

log() { sed 's/^[^ ]* //' "$work/log/$1/current" 2>/dev/null; } # without svlogd's timestamp
app_pids() {
  local p
  for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$work/app" ] && echo "${p#/proc/}"; done
}

check_host_start 33 "${keys[@]}"

sv -w 10 stop "${services[@]}" >/dev/null || fail "sv stop did not report every service down"
for instance in web.1 web.2 worker.1; do
  wait_until 5 "$instance's 'got TERM' in its log" has_lines "$instance" " got TERM$" 1
done
wait_until 5 "every app process to be gone" test -z "$(app_pids)"
say "ok: 3 services as www-data with PORT and values intact; sv stop: each logged 'got TERM', none left running"
