#!/usr/bin/env bash
# How fast `check` finds each planted bug (tests/fixtures/*.patch against the
# default kernel): exit status, wall time of a `check --time SECS` run (the
# sweep, then random cases until the time is up), and the time to the first
# finding from the report. Then the unpatched kernel's cases per second.
# Usage: benches/time-to-find.sh [SECS, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench-builds}
unset LEAFDIFF_KERNEL

printf '%-36s %4s %7s %9s  %s\n' fixture exit wall causes "first finding"
for patch in tests/fixtures/*.patch ""; do
  name=${patch:+$(basename "$patch" .patch)}
  LEAFDIFF_PATCHES=${patch:+$PWD/$patch} cargo build --release --quiet --bin leafdiff
  out=$scratch/${name:-clean}
  start=$(date +%s.%N)
  set +e
  "$CARGO_TARGET_DIR/release/leafdiff" check --time "$secs" --out "$out" --report "$out.md" \
    >/dev/null 2>&1
  code=$?
  set -e
  wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')
  found=$(grep -c '^### ' "$out.md" || true)
  first=$(grep -o -m1 -E 'the first after [0-9.]+ s|No divergences\.|build disagrees with the model' "$out.md" || true)
  printf '%-36s %4s %7s %9s  %s\n' "${name:-(no patch: default kernel)}" "$code" "$wall" "$found" "$first"
done
grep -E '^- [0-9]+ variants' "$scratch/clean.md"
