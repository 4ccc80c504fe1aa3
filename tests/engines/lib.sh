# SPDX-License-Identifier: MIT
# Shared by the engine checks (tests/engines/*.sh): one app exported and run in a real engine, the way a user
# would. Each check exits 0 (pass), 1 (fail) or 77 (skip, with the reason on stdout), and cleans up what it
# started, by process id. Waits poll for an event with a deadline; none sleeps for a fixed time.
# Environment: see tests/engines/README.md (TFRUN, TFRUN_STATIC_BINARY, TFRUN_ENGINE_CHECKS,
# TFRUN_ENGINE_CHECKS_STRICT).
set -uo pipefail

engines_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$engines_dir/../.." && pwd)
TFRUN=${TFRUN:-$source_dir/build/src/tfrun}
check_name=$(basename "$0" .sh)
work=$(mktemp -d "/tmp/tfrun-engine-$check_name.XXXXXX")
chmod 755 "$work" # the app's user must reach the app root
cleanups=()

say() { echo "$check_name: $*"; }
skip() {
  if [ "${TFRUN_ENGINE_CHECKS_STRICT:-}" = 1 ] && [ "${TFRUN_ENGINE_CHECKS:-1}" != 0 ]; then
    echo "FAIL: $check_name: cannot run (TFRUN_ENGINE_CHECKS_STRICT=1): $*" >&2
    exit 1
  fi
  echo "SKIP: $check_name: $*"
  exit 77
}
fail() {
  echo "FAIL: $check_name: $*" >&2
  [ -n "${cleaning:-}" ] && return 1 # a failed step of the cleanup must not skip the steps after it
  exit 1
}
# Processes whose working directory is in the work folder: the app's, whatever the engine left of them.
work_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" != $$ ] && [[ $(readlink "$p/cwd" 2>/dev/null) == "$work"* ]] && echo "${p#/proc/}"
  done
}
on_exit() {
  local status=$? i
  cleaning=1
  cd /
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" >/dev/null 2>&1; done
  local left
  left=$(work_pids)
  if [ -n "$left" ]; then
    echo "$check_name: killing what was left running: $(ps -o pid=,args= -p "${left//$'\n'/,}" | tr '\n' ';')" >&2
    kill -9 $left 2>/dev/null
  fi
  [ $status -eq 0 ] || [ $status -eq 77 ] && rm -rf "$work"
  [ $status -ne 0 ] && [ $status -ne 77 ] && echo "$check_name: work folder kept: $work" >&2
  exit $status
}
trap on_exit EXIT
cleanup() { cleanups+=("$1"); }

[ "${TFRUN_ENGINE_CHECKS:-1}" = 0 ] && skip "turned off by TFRUN_ENGINE_CHECKS=0"

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (Debian 12: see .ci/run's engine packages)"
  done
}

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s until it succeeds, or fail.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

# The values every engine must hand to the app unchanged, and those some formats cannot hold.
big=$(printf '0123456789abcdef%.0s' $(seq 4096)) # 64 KiB
declare -A values=(
  [GREETING]="hello"
  [Q1]="it's"
  [Q2]='say "hi" now'
  [BOTHQ]="it's \"both\""
  [DOLLAR]='$HOME ${X} $$ $(id) `id` back\slash %d %%'
  [NEWLINE]=$'line one\nline two'
  [UNICODE]='Grüße 世界 🎉'
  [BIG]=$big
)

# env_line KEY: the .env line that gives KEY its value (FORMATS.md's .env rules).
env_line() {
  case $1 in
    BOTHQ) printf '%s\n' 'BOTHQ="it'"'"'s \"both\""' ;;
    DOLLAR) printf '%s\n' "DOLLAR='${values[DOLLAR]}'" ;;
    NEWLINE) printf '%s\n' 'NEWLINE="line one\nline two"' ;;
    Q2) printf '%s\n' "Q2='say \"hi\" now'" ;;
    *) printf '%s="%s"\n' "$1" "${values[$1]}" ;;
  esac
}

# make_app DIR KEY...: the app of every check, with the env-file variables KEY...:
#   web (exec'ed directly: no shell meaning), worker (a leading assignment and "$GREETING": the shell execs it),
#   stubborn (ignores TERM; only some checks run it). Each instance prints its PORT, uid, argument and a
#   checksum (md5sum) of every value, then "ready"; on TERM it prints "got TERM" and exits 0.
make_app() {
  local dir=$1 key
  shift
  mkdir -p "$dir"
  chmod 755 "$dir"
  cat >"$dir/app.sh" <<'SH'
#!/bin/sh
name=$1
echo "$name start port=${PORT-unset} mode=${WORKER_MODE-unset} uid=$(id -u) arg=$2"
for v in $CHECKED; do
  eval "value=\${$v-unset}"
  echo "$name env $v $(printf %s "$value" | md5sum)"
done
if [ "$name" = stubborn ]; then trap '' TERM; else trap 'echo "$name got TERM"; exit 0' TERM; fi
echo "$name ready"
while :; do sleep 1 & wait $!; done
SH
  chmod 755 "$dir/app.sh"
  cat >"$dir/Procfile" <<'PROCFILE'
web: ./app.sh web 'it'"'"'s $HOME ✓'
worker: WORKER_MODE=fast ./app.sh worker "$GREETING"
stubborn: ./app.sh stubborn
PROCFILE
  : >"$dir/.env"
  for key in "$@"; do env_line "$key" >>"$dir/.env"; done
  echo "CHECKED=\"$*\"" >>"$dir/.env"
}

# expect_app_lines TEXT NAME KEY...: the lines an instance NAME printed at start are all in TEXT.
expect_app_lines() {
  local text=$1 name=$2 key want
  shift 2
  for key in "$@"; do
    want="$name env $key $(printf %s "${values[$key]}" | md5sum)"
    grep -qxF -- "$want" <<<"$text" || fail "$name did not get $key unchanged (no line '$want')"
  done
}

# Prints how many lines of TEXT match the regular expression.
count_lines() { grep -cE -- "$2" <<<"$1" || true; }

# --- host engines: one instance per log (the script defines `log INSTANCE`, printing that instance's lines) ---

# has_lines INSTANCE REGEX N: the log of INSTANCE has at least N lines matching REGEX.
has_lines() { [ "$(count_lines "$(log "$1")" "$2")" -ge "$3" ]; }

# check_host_start UID KEY...: web.1, web.2 and worker.1 started as UID with their PORT, argument and values.
check_host_start() {
  local uid=$1 instance
  shift
  for instance in web.1 web.2 worker.1; do
    wait_until 20 "$instance to start" has_lines "$instance" " ready$" 1
  done
  grep -qxF "web start port=5000 mode=unset uid=$uid arg=it's \$HOME ✓" <<<"$(log web.1)" || fail "web.1: $(log web.1)"
  grep -qxF "web start port=5001 mode=unset uid=$uid arg=it's \$HOME ✓" <<<"$(log web.2)" || fail "web.2: $(log web.2)"
  grep -qxF "worker start port=5100 mode=fast uid=$uid arg=hello" <<<"$(log worker.1)" || fail "worker.1: $(log worker.1)"
  expect_app_lines "$(log web.2)" web "$@"
  expect_app_lines "$(log worker.1)" worker "$@"
}

# --- containers: one per replica (the script defines `containers TYPE`, printing their ids) ---

logs_of() {
  local id
  for id in $(containers "$1"); do podman logs "$id" 2>&1; done
}
replicas_ready() { [ "$(count_lines "$(logs_of web)" " ready$")" -eq 2 ] && [ "$(count_lines "$(logs_of worker)" " ready$")" -eq 1 ]; }

# check_containers_start KEY...: two web replicas and a worker, each the app as PID 1, with PORT and values.
check_containers_start() {
  local web id
  wait_until 30 "two web replicas and one worker to start" replicas_ready
  web=$(logs_of web)
  [ "$(count_lines "$web" "^web start port=5000 mode=unset uid=0 arg=it's \\\$HOME ✓$")" -eq 2 ] ||
    fail "the web replicas did not both start with PORT 5000 and their argument: $web"
  grep -qxF "worker start port=unset mode=fast uid=0 arg=hello" <<<"$(logs_of worker)" || fail "worker: $(logs_of worker)"
  expect_app_lines "$web" web "$@"
  expect_app_lines "$(logs_of worker)" worker "$@"
  for id in $(containers web); do
    [ "$(podman top "$id" pid args | awk '$1 == 1 { $1 = ""; print substr($0, 2) }')" = "/bin/sh ./app.sh web it's \$HOME ✓" ] ||
      fail "PID 1 of a web container is not the app: $(podman top "$id" pid args)"
  done
}

# check_containers_stopped: every app logged "got TERM" and exited 0.
check_containers_stopped() {
  local type id
  for type in web worker; do
    for id in $(containers $type); do
      [ "$(podman inspect -f '{{.State.ExitCode}}' "$id")" = 0 ] ||
        fail "a $type container exited $(podman inspect -f '{{.State.ExitCode}}' "$id"), not 0 after TERM"
    done
  done
  [ "$(count_lines "$(logs_of web)" "^web got TERM$")" -eq 2 ] || fail "the web replicas did not both log 'got TERM'"
  [ "$(count_lines "$(logs_of worker)" "^worker got TERM$")" -eq 1 ] || fail "the worker did not log 'got TERM'"
}

# --- podman, set up as tests/engines/README.md says (runc, cgroupfs, explicit ulimits, a private store) ---

podman_setup() {
  need podman runc
  local p=$work/podman
  mkdir -p "$p"
  cat >"$p/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
  cat >"$p/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$p/root"
runroot = "$p/run"
EOF
  export CONTAINERS_CONF=$p/containers.conf CONTAINERS_STORAGE_CONF=$p/storage.conf
  cleanup "podman rm -af -t 0; podman pod rm -af -t 0; podman rmi -af"
  local out
  out=$(podman run --rm --network none --rootfs /:O /bin/true 2>&1) ||
    skip "podman cannot run a container here: $out"
}


# build_image NAME APPDIR: a Debian-like image (dash as /bin/sh, which never execs the last command of -c,
# and ignores TERM as PID 1) with busybox's tools, the static tfrun as ENTRYPOINT `tfrun start`, the app in /app.
build_image() {
  local name=$1 app=$2 root=$work/image-$1 lib tool
  need busybox dash file
  local tfrun=${TFRUN_STATIC_BINARY:-$source_dir/build-static/src/tfrun}
  [ -x "$tfrun" ] || skip "no static tfrun at $tfrun (build it with: bash .ci/check-static, or set TFRUN_STATIC_BINARY)"
  file -b "$tfrun" | grep -q 'statically linked' || skip "$tfrun is not statically linked"
  mkdir -p "$root/bin" "$root/proc" "$root/dev" "$root/sys" "$root/tmp" "$root/etc" "$root/app"
  cp /bin/dash "$root/bin/dash"
  ln -s dash "$root/bin/sh"
  for lib in $(ldd /bin/dash | grep -o '/[^ ]*'); do cp -L --parents "$lib" "$root/"; done
  cp "$(command -v busybox)" "$root/bin/busybox"
  for tool in sleep md5sum id cat seq grep wc ps printf; do ln -s busybox "$root/bin/$tool"; done
  cp "$tfrun" "$root/bin/tfrun"
  strip "$root/bin/tfrun" 2>/dev/null || true
  cp -a "$app/." "$root/app/"
  tar -C "$root" -cf "$root.tar" .
  podman import -q --change 'ENTRYPOINT ["/bin/tfrun", "start"]' --change 'CMD ["web=2", "worker=1"]' \
    --change 'WORKDIR /app' --change 'ENV PATH=/bin' "$root.tar" "localhost/$name:1" >/dev/null ||
    fail "podman import of the test image failed"
}
