#!/usr/bin/env bash
# libFuzzer's own exec/s and coverage for every fuzz target next to the
# `empty` target (decoding only), measured in one run on this build's kernel.
# Usage: benches/fuzz-exec-rate.sh [SECONDS per target, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo +nightly fuzz build -O >/dev/null
printf '%-12s %10s %8s %8s\n' target exec/s cov ratio
empty_rate=
for target in empty diff_entry diff_pte props; do
  mkdir -p "$scratch/$target"
  seeds=corpus/$target; [[ -d $seeds ]] || seeds=corpus/diff_entry
  log=$scratch/$target.log
  cargo +nightly fuzz run -O "$target" "$scratch/$target" "$seeds" -- \
    -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  empty_rate=${empty_rate:-$rate}
  printf '%-12s %10s %8s %8.2f\n' "$target" "$rate" "$cov" "$(awk -v r="$rate" -v e="$empty_rate" 'BEGIN { print r / e }')"
done
