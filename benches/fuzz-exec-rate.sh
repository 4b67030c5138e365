#!/usr/bin/env bash
# libFuzzer's own exec/s and coverage for every fuzz target, measured in one
# run on this build's kernel, each beside `baseline` (a target whose body
# ignores its input: libFuzzer's cost alone). The goal is every target at or
# above 1/3 of baseline; `empty` (decoding only) shows what decoding costs.
# Usage: benches/fuzz-exec-rate.sh [SECONDS per target, default 20]
# Each target runs on one core, one after another, so the figures compare.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo +nightly fuzz build -O >/dev/null
# baseline first: every ratio is against it. Then every other target
# cargo-fuzz knows, so a new target is measured without editing this script.
targets=(baseline $(cargo +nightly fuzz list | grep -vx baseline))
printf '%-12s %10s %8s %9s\n' target exec/s cov /baseline
base_rate=
below=()
for target in "${targets[@]}"; do
  mkdir -p "$scratch/$target"
  seeds=corpus/$target; [[ -d $seeds ]] || seeds=corpus/diff_entry
  log=$scratch/$target.log
  # New inputs go to the scratch corpus; corpus/ is only read.
  cargo +nightly fuzz run -O "$target" "$scratch/$target" "$seeds" -- \
    -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1 || {
    echo "fuzz-exec-rate: $target failed:" >&2; tail -n 30 "$log" >&2; exit 1; }
  rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  base_rate=${base_rate:-$rate}
  ratio=$(awk -v r="$rate" -v e="$base_rate" 'BEGIN { printf "%.2f", r / e }')
  printf '%-12s %10s %8s %9s\n' "$target" "$rate" "${cov:--}" "$ratio"
  awk -v x="$ratio" 'BEGIN { exit !(x < 1/3) }' && below+=("$target")
done
if ((${#below[@]})); then
  echo "below 1/3 of baseline: ${below[*]}"
else
  echo "every target at or above 1/3 of baseline"
fi
