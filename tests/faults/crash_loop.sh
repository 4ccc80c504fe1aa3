#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A type that crashes at once and is restarted for SECONDS (default 60): tfrun's open descriptors and
# resident memory must not grow. Usage: crash_loop.sh TFRUN [SECONDS] [--no-rss]
# (--no-rss under AddressSanitizer, whose quarantine holds freed memory on purpose).
set -euo pipefail
tfrun=$(realpath "$1") # the script works in a directory of its own
seconds=${2:-60}
check_rss=1
[ "${3:-}" = "--no-rss" ] && check_rss=0

dir=$(mktemp -d)
trap 'kill -KILL "$pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] || rm -rf "$dir"' EXIT
cd "$dir"
printf 'web: exec sleep 1000\ncrash: echo crashing; exit 1\n' > Procfile
printf '[process.crash]\nrestart = "always"\nrestart_delay = "10ms"\nmax_restart_delay = "10ms"\n' > tfrun.toml

"$tfrun" start --no-timestamp --color never > out.log 2>&1 &
pid=$!

# fds rss_kib, each the least of 40 readings over about 2 s: a reading taken while the crashing instance is
# alive counts its output pipe and process descriptor, so only the floor says whether anything leaked.
sample() {
  local fds rss min_fds=999999 min_rss=999999999 i
  for i in $(seq 40); do
    fds=$(ls /proc/"$pid"/fd | wc -l)
    rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status)
    [ "$fds" -lt "$min_fds" ] && min_fds=$fds
    [ "$rss" -lt "$min_rss" ] && min_rss=$rss
    read -r -t 0.05 <> <(:) || true
  done
  echo "$min_fds $min_rss"
}
restarts() { grep -c 'crash.1 started' out.log || true; }

# Warm-up: the first restarts allocate what the loop reuses (buffers, timers, the allocator's arenas).
warmup=$(( seconds / 6 > 2 ? seconds / 6 : 2 ))
end=$(( SECONDS + warmup ))
while [ $SECONDS -lt $end ]; do kill -0 "$pid"; read -r -t 1 <> <(:) || true; done
read -r fds_before rss_before <<< "$(sample)"
restarts_before=$(restarts)

end=$(( SECONDS + seconds - warmup ))
while [ $SECONDS -lt $end ]; do kill -0 "$pid"; read -r -t 1 <> <(:) || true; done
read -r fds_after rss_after <<< "$(sample)"
restarts_after=$(restarts)

kill -TERM "$pid"
wait "$pid" || status=$?
echo "crash loop: $((restarts_after - restarts_before)) restarts measured over $((seconds - warmup)) s;" \
     "fds $fds_before -> $fds_after; VmRSS $rss_before -> $rss_after KiB; exit status ${status:-0}"
fail=0
[ "$((restarts_after - restarts_before))" -ge 100 ] || { echo "FAIL: too few restarts to measure"; fail=1; }
[ "$fds_after" -le "$fds_before" ] || { echo "FAIL: descriptors grew"; fail=1; }
if [ $check_rss = 1 ] && [ "$rss_after" -gt $(( rss_before + 1024 )) ]; then
  echo "FAIL: resident memory grew by more than 1 MiB"; fail=1
fi
[ "${status:-0}" = 143 ] || { echo "FAIL: tfrun did not stop with 143 on SIGTERM"; fail=1; }
if pgrep -f "sleep 1000" -P "$pid" >/dev/null; then echo "FAIL: a child was left running"; fail=1; fi
exit $fail
