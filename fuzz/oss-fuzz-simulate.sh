#!/usr/bin/env bash
# Runs fuzz/oss-fuzz-build.sh the way OSS-Fuzz's Rust builder image would,
# without Docker: the environment its compile step sets (CC=clang, CFLAGS
# with the sanitizer and -fsanitize=fuzzer-no-link, RUSTFLAGS with
# --cfg fuzzing and -Zsanitizer, SANITIZER, FUZZING_ENGINE, OUT, SRC, WORK
# in temporary directories), a cargo that, like the image's wrapper, turns
# `cargo fuzz build` into `cargo build` with -Cinstrument-coverage for
# SANITIZER=coverage, and the nightly toolchain the image defaults to (for
# the fuzz build; the host tool that prints the dictionary is built with the
# default toolchain, so it is the binary `cargo test` already built).
# Then every target in $OUT runs on its unzipped seed corpus with the flags
# of its .options file; this fails if a target is missing, crashes, reads no
# input, or (coverage build) writes no profile; the coverage build's
# binaries then make `leafdiff coverage`'s report from the seeds.
#
# Usage: fuzz/oss-fuzz-simulate.sh [SECONDS per target, default 5] [address|coverage...]
# Builds go to target/oss-fuzz-sim/<sanitizer>, so a second run is incremental.
# The coverage build instruments build scripts too; the profiles they write
# when cargo runs them go to $WORK, not into the source tree.
#
# Two things differ from the image on purpose: OSS-Fuzz hands libfuzzer-sys
# its own prebuilt libFuzzer (CUSTOM_LIBFUZZER_PATH, CXXFLAGS, and the
# coverage build's `-C link-arg=-lc++` for it); here libfuzzer-sys builds
# the libFuzzer it bundles, as under a plain `cargo fuzz build`.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
secs=${1:-5}
shift || true
sanitizers=("$@")
((${#sanitizers[@]})) || sanitizers=(address coverage)

# The targets the build must ship: every [[bin]] of fuzz/Cargo.toml but the
# two benchmark baselines (see bench_only in fuzz/oss-fuzz-build.sh).
mapfile -t expected < <(sed -n '/^\[\[bin\]\]/,/^name/s/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml |
  grep -vx -e baseline -e empty)

clang=$(command -v clang-19 || command -v clang) || { echo "simulate: no clang (scripts/setup installs clang-19)" >&2; exit 2; }
clangxx=$(command -v clang++-19 || command -v clang++)
real_cargo=$(command -v cargo)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$clang" "$tmp/bin/clang"
ln -s "$clangxx" "$tmp/bin/clang++"
cat >"$tmp/bin/cargo" <<EOF
#!/usr/bin/env bash
# The builder image's cargo, in effect: under SANITIZER=coverage a
# \`cargo fuzz build\` becomes a debug \`cargo build --bins\` of the fuzz crate
# (RUSTFLAGS carry -Cinstrument-coverage), its binaries copied to where
# cargo fuzz would have put them.
set -euo pipefail
if [[ \${SANITIZER:-} == coverage && \${1:-} == fuzz ]]; then
  [[ -f Cargo.toml && -d fuzz_targets ]] || cd fuzz
  "$real_cargo" +nightly build --bins
  dir=\$("$real_cargo" +nightly metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  mkdir -p "\$dir/x86_64-unknown-linux-gnu/release"
  cp -r "\$dir/debug/." "\$dir/x86_64-unknown-linux-gnu/release/"
  exit 0
fi
[[ \${1:-} == fuzz ]] && exec "$real_cargo" +nightly "\$@"
exec "$real_cargo" "\$@"
EOF
chmod +x "$tmp/bin/cargo"

# The compile step's flags for a libFuzzer build of a Rust project.
common_cflags="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
common_rustflags="--cfg fuzzing -Cdebuginfo=1 -Cforce-frame-pointers"

# Runs each target in $1 (an $OUT) as ClusterFuzz would start it.
run_targets() {
  local out=$1 sanitizer=$2 t opts seeds log runs
  for t in "${expected[@]}"; do
    for f in "$t" "$t.options" "$t.dict" "${t}_seed_corpus.zip"; do
      [[ -f $out/$f ]] || { echo "simulate: $sanitizer build: $out/$f is missing" >&2; return 1; }
    done
    seeds=$tmp/seeds-$sanitizer-$t
    mkdir -p "$seeds" "$tmp/new-$sanitizer-$t"
    unzip -q -o "$out/${t}_seed_corpus.zip" -d "$seeds"
    # [libfuzzer] key = value lines become -key=value, as ClusterFuzz passes them.
    opts=()
    while IFS='=' read -r key value; do
      key=$(echo "$key" | xargs); value=$(echo "$value" | xargs)
      [[ -n $key && -n $value && $key != \[* ]] && opts+=("-$key=$value")
    done <"$out/$t.options"
    log=$tmp/$sanitizer-$t.log
    if [[ $sanitizer == coverage ]]; then
      # What a coverage job does: every corpus input once, profile written.
      (cd "$out" && LLVM_PROFILE_FILE="$tmp/$t.%p.profraw" \
        "./$t" "${opts[@]}" -runs=0 -print_final_stats=1 "$seeds") >"$log" 2>&1 ||
        { echo "simulate: coverage $t failed:" >&2; tail -n 30 "$log" >&2; return 1; }
      compgen -G "$tmp/$t.*.profraw" >/dev/null && [[ -s $(ls "$tmp/$t".*.profraw | head -n 1) ]] ||
        { echo "simulate: coverage $t wrote no profile" >&2; return 1; }
    else
      (cd "$out" && "./$t" "${opts[@]}" -max_total_time="$secs" -print_final_stats=1 \
        "$tmp/new-$sanitizer-$t" "$seeds") >"$log" 2>&1 ||
        { echo "simulate: $t crashed or failed:" >&2; tail -n 40 "$log" >&2; return 1; }
      grep -q 'Dictionary: [1-9]' "$log" ||
        { echo "simulate: $t did not load its dictionary" >&2; tail -n 20 "$log" >&2; return 1; }
    fi
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    [[ ${runs:-0} -gt 0 ]] || { echo "simulate: $sanitizer $t ran no input" >&2; tail -n 20 "$log" >&2; return 1; }
    printf 'simulate: %-9s %-11s %8s inputs run, %s seeds\n' "$sanitizer" "$t" "$runs" "$(ls "$seeds" | wc -l)"
  done
}

for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    address)
      cflags="$common_cflags -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
      rustflags="$common_rustflags -Zsanitizer=address" ;;
    coverage)
      cflags="$common_cflags -fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
      rustflags="$common_rustflags -Cinstrument-coverage" ;;
    *) echo "simulate: unknown sanitizer $sanitizer (address or coverage)" >&2; exit 2 ;;
  esac
  out=$tmp/out-$sanitizer src=$tmp/src-$sanitizer work=$tmp/work-$sanitizer
  mkdir -p "$out" "$src" "$work"
  ln -s "$repo" "$src/leafdiff"
  start=$SECONDS
  (
    cd "$src/leafdiff"
    env PATH="$tmp/bin:$PATH" \
      CC=clang CXX=clang++ CFLAGS="$cflags" RUSTFLAGS="$rustflags" \
      SANITIZER="$sanitizer" FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=rust ARCHITECTURE=x86_64 \
      OUT="$out" SRC="$src" WORK="$work" \
      LLVM_PROFILE_FILE="$work/build-%p-%m.profraw" \
      CARGO_TARGET_DIR="$repo/target/oss-fuzz-sim/$sanitizer" \
      bash -eu "$src/leafdiff/fuzz/oss-fuzz-build.sh"
  ) >"$tmp/build-$sanitizer.log" 2>&1 || {
    echo "simulate: $sanitizer build failed:" >&2; tail -n 60 "$tmp/build-$sanitizer.log" >&2; exit 1; }
  echo "simulate: $sanitizer build in $((SECONDS - start)) s: $(cd "$out" && ls | tr '\n' ' ')"
  run_targets "$out" "$sanitizer"
  if [[ $sanitizer == coverage ]]; then
    # The report a coverage job makes, from these binaries and seeds; it
    # fails if the binaries carry no coverage of the kernel's C.
    corpora=()
    for t in "${expected[@]}"; do corpora+=(--corpus "$t=$tmp/seeds-coverage-$t"); done
    summary=$(cargo run --locked --quiet --bin leafdiff -- coverage --binaries "$out" \
      "${corpora[@]}" --out "$tmp/report") || { echo "simulate: leafdiff coverage failed" >&2; exit 1; }
    grep -Eq 'kernel C lines [0-9.]+% \([1-9]' <<<"$summary" ||
      { echo "simulate: no line of the kernel's C covered: $summary" >&2; exit 1; }
    echo "simulate: $summary"
  fi
done
echo "simulate: every target built and ran for ${sanitizers[*]}"
