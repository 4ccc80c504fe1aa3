#!/bin/bash
# SPDX-License-Identifier: MIT
# Checks exported files with the engines' own tools and parsers. Usage: validate.sh [DIR]
# DIR holds one folder per format, as tests/fixtures/export does (the default). A tool that is missing is
# reported as skipped, not as a pass; set TFRUN_VALIDATE_STRICT=1 to make a skip fail.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$root/tests/fixtures/export}
failed=0
skipped=0

skip() { echo "skip: $1"; skipped=$((skipped + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
pass() { echo "ok:   $1"; }

# systemd-analyze exits 0 on "Invalid environment assignment, ignoring" and similar: any stderr is a failure.
if command -v systemd-analyze >/dev/null; then
  work=$(mktemp -d)
  cp "$dir"/systemd/* "$work"/
  errors=$( (cd "$work" && systemd-analyze verify ./*.target ./*.service) 2>&1 >/dev/null)
  rm -rf "$work"
  if [[ -n $errors ]]; then fail "systemd-analyze verify:"$'\n'"$errors"; else pass "systemd-analyze verify"; fi
else
  skip "systemd-analyze not installed"
fi

if command -v docker-compose >/dev/null; then
  if errors=$(cd "$dir/compose" && docker-compose config -q 2>&1) && [[ -z $errors ]]; then
    pass "docker-compose config -q"
  else
    fail "docker-compose config -q:"$'\n'"$errors"
  fi
else
  skip "docker-compose not installed (Debian: apt-get install docker-compose)"
fi

# Kubernetes objects against the Kubernetes schemas (npm kubernetes-models, installed on first use into the
# git-ignored tests/export/.node). Exit 2 there means the packages could not be had: a skip, like a missing tool.
if command -v node >/dev/null; then
  out=$(bash "$root/tests/export/validate_kubernetes.sh" "$dir/kubernetes" 2>&1)
  case $? in
    0) pass "Kubernetes schemas (kubernetes-models)" ;;
    2) skip "Kubernetes schemas: ${out##*$'\n'}" ;;
    *) fail "Kubernetes schemas:"$'\n'"$out" ;;
  esac
else
  skip "Kubernetes schemas: needs node and npm (Debian: apt-get install nodejs npm)"
fi

# Read every format back with real parsers (PyYAML, plistlib, supervisor's own config reader, an envdir
# reader) and check that each instance sees the same variables as the Kubernetes ConfigMap and Secret hold.
python=/usr/bin/python3
if ! "$python" -c 'import yaml, supervisor' 2>/dev/null; then
  skip "round trip: needs python3-yaml and supervisor (Debian packages)"
else
  if "$python" - "$dir" <<'PY'; then pass "round trip through PyYAML, plistlib, supervisor and envdir"; else fail "round trip"; fi
import base64, glob, os, plistlib, shlex, sys, yaml
from supervisor.options import UnhosedConfigParser
from supervisor.datatypes import dict_of_key_value_pairs

d = sys.argv[1]
def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)
env = dict(load(f"{d}/kubernetes/shop-env-configmap.yaml")["data"])
for k, v in load(f"{d}/kubernetes/shop-secret-secret.yaml")["data"].items():
    env[k] = base64.b64decode(v).decode()
ok = True
def expect(where, got, want):
    global ok
    if got != want:
        ok = False
        print(f"{where}: {got!r} != {want!r}")

for path in sorted(glob.glob(f"{d}/launchd/*.plist")):
    with open(path, "rb") as f:
        plist = plistlib.load(f)
    got = {k: v for k, v in plist["EnvironmentVariables"].items() if k in env}
    expect(path, got, env)
    expect(path, plist["ProgramArguments"][:2], ["/bin/sh", "-c"])

for service in sorted(glob.glob(f"{d}/runit/*/")):
    got = {}
    for path in glob.glob(f"{service}env/*"):
        with open(path, "rb") as f:
            got[os.path.basename(path)] = f.read().split(b"\n")[0].rstrip(b" \t").replace(b"\0", b"\n").decode()
    expect(service, {k: v for k, v in got.items() if k in env}, env)

parser = UnhosedConfigParser()
parser.read(f"{d}/supervisord/shop.conf")
for section in parser.sections():
    if section.startswith("program:"):
        got = dict_of_key_value_pairs(parser.saneget(section, "environment"))
        want = {k: v for k, v in env.items() if k != "MULTILINE"}
        expect(section, {k: v for k, v in got.items() if k in want}, want)
        expect(section, shlex.split(parser.saneget(section, "command"))[:2], ["/bin/sh", "-c"])

compose = load(f"{d}/compose/compose.yaml")
for name, service in compose["services"].items():
    got = {k: v.replace("$$", "$") for k, v in service["environment"].items() if k in env}
    expect(f"compose {name}", got, env)
sys.exit(0 if ok else 1)
PY
fi

echo "validate: $failed failed, $skipped skipped"
[[ $failed -eq 0 && ( $skipped -eq 0 || -z ${TFRUN_VALIDATE_STRICT:-} ) ]]
