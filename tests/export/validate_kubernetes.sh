#!/bin/bash
# SPDX-License-Identifier: MIT
# Validates exported Kubernetes objects against the Kubernetes schemas (npm kubernetes-models), so a typo in a
# field name or a wrong type fails here rather than at `kubectl apply`. Usage: validate_kubernetes.sh [DIR]
# DIR holds the YAML files (default: tests/fixtures/export/kubernetes). Exit 0: all valid; 1: an object failed;
# 2: the packages could not be installed (no node/npm, or no registry).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/../fixtures/export/kubernetes}
# A cache beside the script (git-ignored) rather than a global install: nothing outside the tree is touched,
# and after the first run the check works offline.
cache=$here/.node
# Majors pinned so a new release cannot change what "valid" means under a passing test; kubernetes-models 5
# needs node >= 22, while Debian ships node 20.
packages=(kubernetes-models@4 js-yaml@4)

if [[ ! -f $cache/node_modules/kubernetes-models/package.json || ! -f $cache/node_modules/js-yaml/package.json ]]; then
  command -v npm >/dev/null || { echo "validate_kubernetes: npm not installed" >&2; exit 2; }
  mkdir -p "$cache"
  # --prefix keeps node_modules inside the cache; no audit/fund network chatter; failures still surface.
  npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error "${packages[@]}" >&2 ||
    { echo "validate_kubernetes: npm install failed" >&2; exit 2; }
fi

exec node "$here/validate_kubernetes.mjs" "$cache" "$dir"
