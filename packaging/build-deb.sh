#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds tfrun's Debian package from this working tree and checks it with lintian. The packaging is kept in
# packaging/debian rather than ./debian, so it is put in place in a clean copy of the tree: the tracked and
# new files (uncommitted changes included, ignored build directories left out), with packaging/debian as
# debian/. The package build runs the test suite (dh_auto_test: ctest) unless DEB_BUILD_OPTIONS has nocheck.
# Usage: packaging/build-deb.sh [OUT_DIR]   (default: out/deb); JOBS (default 2) sets the parallelism.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out_dir=$(realpath -m "${1:-$repo/out/deb}")

version=$(dpkg-parsechangelog -l "$repo/packaging/debian/changelog" -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src="$work/tfrun-$version"
mkdir "$src"

# A tracked file deleted in the working tree is listed by git but absent: it is left out, as in a commit.
(cd "$repo" && git ls-files -z -co --exclude-standard |
  while IFS= read -r -d '' path; do
    if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
  done | tar --null -T - -cf -) | tar -xf - -C "$src"
cp -r "$src/packaging/debian" "$src/debian"

mkdir -p "$out_dir"
log="$out_dir/tfrun_${version}_${arch}.build.log"
echo "deb: building tfrun $version in $src (log: $log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b -j"${JOBS:-2}") >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "deb: dpkg-buildpackage failed; the whole log is $log" >&2
  exit 1
fi
grep -E '^(100% tests passed|[0-9]+% tests passed)' "$log" || true

changes="$work/tfrun_${version}_${arch}.changes"
echo "deb: lintian"
lintian --fail-on error,warning --info "$changes"

deb="tfrun_${version}_${arch}.deb"
cp "$work/$deb" "$out_dir/"
echo "deb: $out_dir/$deb"
