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

all_running() { [ "$(ctl status | grep -c RUNNING)" -eq 4 ]; }
wait_until 20 "supervisord to run every program" all_running
wait_until 10 "stubborn.1 to start" has_lines stubborn.1 " ready$" 1
check_host_start 33 "${keys[@]}"

# The app is what supervisord tracks, so its last line is written before the log pipe closes: every stop.
programs=(tfe:tfe-web-1 tfe:tfe-web-2 tfe:tfe-worker-1)
for round in 1 2 3; do
  ctl stop "${programs[@]}" >/dev/null
  for instance in web.1 web.2 worker.1; do
    has_lines "$instance" " got TERM$" "$round" || fail "stop $round: $instance did not log 'got TERM': $(log "$instance")"
  done
  [ $round -eq 3 ] && break
  ctl start "${programs[@]}" >/dev/null
  for instance in web.1 web.2 worker.1; do
    wait_until 10 "$instance to start again" has_lines "$instance" " ready$" $((round + 1))
  done
done

started=$SECONDS
ctl stop tfe:tfe-stubborn-1 >/dev/null
[ $((SECONDS - started)) -le 6 ] || fail "the TERM-ignoring app was not killed at its 2 s timeout"
has_lines stubborn.1 "got TERM" 1 && fail "stubborn logged 'got TERM'"
wait_until 5 "every app process to be gone" no_app_left

ctl shutdown >/dev/null
exited() { ! kill -0 "$supervisord_pid" 2>/dev/null; }
wait_until 15 "supervisord to exit" exited
say "ok: 4 programs as www-data with PORT and values intact; 3 stops each logged 'got TERM'; stubborn killed at 2 s"
