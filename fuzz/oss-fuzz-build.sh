#!/usr/bin/env bash
# leafdiff's fuzz targets as OSS-Fuzz and ClusterFuzzLite expect them in $OUT:
# each target's binary, <target>_seed_corpus.zip, <target>.options and
# <target>.dict. Both oss-fuzz/build.sh and .clusterfuzzlite/build.sh call
# this script; fuzz/oss-fuzz-simulate.sh runs it without Docker.
#
# It runs under the builder image's environment and only adds to it: CC,
# CFLAGS and RUSTFLAGS keep what the image set (sanitizer and coverage flags,
# which build.rs passes on to the kernel's C through the cc crate).
# SANITIZER=coverage is handled by the image's cargo wrapper, which turns
# `cargo fuzz build` into a `cargo build` with -Cinstrument-coverage and
# puts the binaries where `cargo fuzz build` would; nothing differs here.
#
# The kernel's headers were fetched while the image was built (see
# oss-fuzz/Dockerfile); from here on nothing is downloaded: LEAFDIFF_OFFLINE=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
: "${OUT:?OUT must name the output directory}"
: "${SANITIZER:=address}"
: "${FUZZING_ENGINE:=libfuzzer}"
export LEAFDIFF_OFFLINE=${LEAFDIFF_OFFLINE:-1}

if [[ $FUZZING_ENGINE != libfuzzer ]]; then
  echo "oss-fuzz-build: FUZZING_ENGINE=$FUZZING_ENGINE: only libfuzzer is built" >&2
  exit 1
fi

# build.rs instruments the kernel's C only under --cfg fuzzing; the image
# sets it, but a coverage or local build without it would measure nothing.
case " ${RUSTFLAGS:-} " in
  *" --cfg fuzzing "*) ;;
  *) export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }--cfg fuzzing" ;;
esac

# A sanitizer build compiles the C of build-script dependencies (ring and
# lzma-sys, for the kernel crate's downloader) for the host, where cargo
# passes no -Zsanitizer: with the builder's CFLAGS their objects reference
# the sanitizer runtime and the build script does not link. The compiler
# stays the builder's; a wrapper drops -fsanitize* flags for exactly those
# compiles, which cargo marks by not setting CARGO_CFG_SANITIZE. Everything
# built for the target, the kernel's C included, gets the flags unchanged.
# (The coverage build applies RUSTFLAGS to host code too, so it links.)
wrap=
if [[ $SANITIZER != coverage && $SANITIZER != none ]]; then
  wrap=$(mktemp -d)
  for pair in "clang:${CC:-clang}" "clang++:${CXX:-clang++}"; do
    real=$(command -v "${pair#*:}") || { echo "oss-fuzz-build: no compiler ${pair#*:}" >&2; exit 1; }
    {
      echo '#!/usr/bin/env bash'
      echo "[[ -n \${CARGO_CFG_SANITIZE:-} ]] && exec \"$real\" \"\$@\""
      echo 'args=()'
      echo 'for a in "$@"; do [[ $a == -fsanitize* ]] || args+=("$a"); done'
      echo "exec \"$real\" \"\${args[@]}\""
    } >"$wrap/${pair%%:*}"
    chmod +x "$wrap/${pair%%:*}"
  done
  export CC=$wrap/clang CXX=$wrap/clang++
fi

# The targets that find bugs. `baseline` and `empty` exist to measure
# libFuzzer's and decoding's cost (benches/fuzz-exec-rate.sh): they can find
# nothing, so they are not worth a fuzzing machine.
bench_only=(baseline empty)
# From fuzz/Cargo.toml, not `cargo fuzz list`: under SANITIZER=coverage the
# image's cargo wrapper turns every `cargo fuzz` command into a build.
mapfile -t all < <(sed -n '/^\[\[bin\]\]/,/^name/s/^name = "\(.*\)"/\1/p' fuzz/Cargo.toml)
targets=()
for t in "${all[@]}"; do
  [[ " ${bench_only[*]} " == *" $t "* ]] || targets+=("$t")
done
((${#targets[@]})) || { echo "oss-fuzz-build: fuzz/Cargo.toml names no target" >&2; exit 1; }

# The dictionary comes from this build's kernel: `leafdiff dict` reads the
# constants from the compiled C. The CLI is an ordinary host program: built
# without the sanitizer and coverage flags of the fuzz build, in the main
# workspace's own target directory whatever CARGO_TARGET_DIR says for the
# fuzz build (the coverage wrapper copies that directory's debug/ around).
dict=$(mktemp)
trap 'rm -f "$dict"; [[ -z $wrap ]] || rm -rf "$wrap"' EXIT
env -u RUSTFLAGS -u CFLAGS -u CXXFLAGS -u SANITIZER -u CARGO_TARGET_DIR \
  cargo run --locked --quiet --bin leafdiff -- dict >"$dict"
grep -q '="' "$dict" || { echo "oss-fuzz-build: leafdiff dict printed no entry" >&2; exit 1; }

# -O: release with debug assertions, as cargo fuzz run -O and .ci/run use.
(cd fuzz && cargo fuzz build -O)
bin_dir=${CARGO_TARGET_DIR:-$repo/fuzz/target}/x86_64-unknown-linux-gnu/release

for t in "${targets[@]}"; do
  cp "$bin_dir/$t" "$OUT/$t"
  # Seeds: the target's corpus and its regression cases, under distinct
  # names so that neither set can shadow the other in the zip.
  seeds=$(mktemp -d)
  for f in corpus/"$t"/*; do [[ -f $f ]] && cp "$f" "$seeds/corpus-${f##*/}"; done
  for f in corpus/regressions/"$t"/*; do [[ -f $f ]] && cp "$f" "$seeds/regression-${f##*/}"; done
  if compgen -G "$seeds/*" >/dev/null; then
    rm -f "$OUT/${t}_seed_corpus.zip"
    (cd "$seeds" && zip -q -X "$OUT/${t}_seed_corpus.zip" ./*)
  fi
  # Every seed is a whole case as leafdiff writes one, so the longest seed
  # is the case length: longer inputs would only carry bytes nobody reads.
  max_len=$(find "$seeds" -type f -printf '%s\n' | sort -n | tail -n 1)
  rm -rf "$seeds"
  cp "$dict" "$OUT/$t.dict"
  {
    echo "[libfuzzer]"
    echo "dict = $t.dict"
    [[ -n $max_len ]] && echo "max_len = $max_len"
  } >"$OUT/$t.options"
done
echo "oss-fuzz-build: $SANITIZER build of ${targets[*]} in $OUT"
