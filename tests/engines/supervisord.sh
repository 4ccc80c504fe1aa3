#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The supervisord export in a private supervisord: instances, PORT, user and values as exported; `supervisorctl
# stop` delivers TERM to the app and keeps its last line, stop after stop; a TERM-ignoring app is killed at the
# timeout; nothing is left running. Values supervisord cannot hold are refused with the env file's line.
source "$(dirname "$0")/lib.sh"
need supervisord supervisorctl

keys=(GREETING Q1 Q2 DOLLAR UNICODE BIG)
make_app "$work/app" "${keys[@]}"
cd "$work/app" || fail "no app folder"

for refused in NEWLINE BOTHQ; do
  env_line "$refused" >.env.bad
  out=$("$TFRUN" export supervisord "$work/refused" -a tfe -e .env.bad 2>&1)
  status=$?
  [ $status -eq 65 ] || fail "a value with $refused was not refused (status $status): $out"
  [[ $out == "tfrun: error: .env.bad:1: supervisord: the value of \"$refused\" cannot be represented"* ]] ||
    fail "the refusal of $refused does not name the file, line and key: $out"
done

"$TFRUN" export supervisord "$work/export" -a tfe -u www-data -l "$work/log" -t 2 web=2,worker=1,stubborn=1 \
  >/dev/null || fail "export failed"
[ -d "$work/log" ] || fail "the export did not create the log folder"
cd "$work" || fail "no work folder" # only the app's processes run in the app's folder

sv=$work/sv
mkdir -p "$sv"
cat >"$sv/supervisord.conf" <<EOF
[unix_http_server]
file=$sv/sock
[supervisord]
nodaemon=true
user=root
logfile=$sv/supervisord.log
pidfile=$sv/supervisord.pid
childlogdir=$sv
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$sv/sock
[include]
files=$work/export/*.conf
EOF
supervisord -c "$sv/supervisord.conf" >"$sv/out" 2>&1 &
supervisord_pid=$!
cleanup "kill $supervisord_pid; wait $supervisord_pid"
ctl() { supervisorctl -c "$sv/supervisord.conf" "$@"; }

log() { cat "$work/log/$1.log" 2>/dev/null; }
lines_in() { [ "$(count_lines "$(log "$1")" "$2")" -ge "$3" ]; }
app_pids() {
  local p
  for p in /proc/[0-9]*; do [ "$(readlink "$p/cwd" 2>/dev/null)" = "$work/app" ] && echo "${p#/proc/}"; done
}

no_app_left() {
  local pids
  pids=$(app_pids)
  [ -z "$pids" ] && return 0
  ps -o pid,ppid,pgid,stat,args -p "$(echo $pids | tr " " ,)" >"$work/left"
  return 1
}

wait_until 20 "supervisord to run every program" \
  bash -c "[ \$(supervisorctl -c '$sv/supervisord.conf' status | grep -c RUNNING) -eq 4 ]"
for instance in web.1 web.2 worker.1 stubborn.1; do
  wait_until 10 "$instance to start" lines_in "$instance" " ready$" 1
done
grep -qxF "web start port=5000 mode=unset uid=33 arg=it's \$HOME ✓" <<<"$(log web.1)" || fail "web.1: $(log web.1)"
grep -qxF "web start port=5001 mode=unset uid=33 arg=it's \$HOME ✓" <<<"$(log web.2)" || fail "web.2: $(log web.2)"
grep -qxF "worker start port=5100 mode=fast uid=33 arg=hello" <<<"$(log worker.1)" || fail "worker.1: $(log worker.1)"
expect_app_lines "$(log web.1)" web "${keys[@]}"
expect_app_lines "$(log worker.1)" worker "${keys[@]}"

# The app is what supervisord tracks, so its last line is written before the log pipe closes: every stop.
programs=(tfe:tfe-web-1 tfe:tfe-web-2 tfe:tfe-worker-1)
for round in 1 2 3; do
  ctl stop "${programs[@]}" >/dev/null
  for instance in web.1 web.2 worker.1; do
    lines_in "$instance" " got TERM$" "$round" || fail "stop $round: $instance did not log 'got TERM': $(log "$instance")"
  done
  [ $round -eq 3 ] && break
  ctl start "${programs[@]}" >/dev/null
  for instance in web.1 web.2 worker.1; do
    wait_until 10 "$instance to start again" lines_in "$instance" " ready$" $((round + 1))
  done
done

started=$SECONDS
ctl stop tfe:tfe-stubborn-1 >/dev/null
[ $((SECONDS - started)) -le 6 ] || fail "the TERM-ignoring app was not killed at its 2 s timeout"
lines_in stubborn.1 "got TERM" 1 && fail "stubborn logged 'got TERM'"
wait_until 5 "every app process to be gone" no_app_left

ctl shutdown >/dev/null
wait_until 15 "supervisord to exit" bash -c "! kill -0 $supervisord_pid 2>/dev/null"
say "ok: 4 programs as www-data with PORT and values intact; 3 stops each logged 'got TERM'; stubborn killed at 2 s"
