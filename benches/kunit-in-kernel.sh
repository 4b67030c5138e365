#!/usr/bin/env bash
# A leafdiff KUnit reproducer in a real kernel: gets Debian's linux-source
# package of the pinned series (kernel-pin.toml) through apt, so apt checks
# the archive's signature and the package's hash; unpacks it; applies
# LEAFDIFF_PATCHES; drops the reproducer `leafdiff repro --kunit` prints into
# mm/tests/ with the Makefile and Kconfig lines its header names; and runs
# tools/testing/kunit/kunit.py with the .kunitconfig `repro --kunitconfig`
# prints. Then it takes the patches back out, applies LEAFDIFF_FIXED_PATCHES
# (none: the kernel as packaged) and runs the same test again.
# Exit 0 when the test fails with the bug and passes without it.
#
# It builds a kernel (and boots it under QEMU for --arch=x86_64): a benchmark-
# style job, not part of .ci/run. Politely: nice -n 19 and one make job unless
# LEAFDIFF_KUNIT_JOBS says otherwise.
#
# Usage: LEAFDIFF_PATCHES=bug.patch[:more] [LEAFDIFF_FIXED_PATCHES=fixed.patch[:more]]
#        benches/kunit-in-kernel.sh [REPRODUCER_FILE]
# Without a reproducer file, the first root cause `check --sweep-only` reports.
# Work files go to LEAFDIFF_KUNIT_DIR (default ~/.cache/leafdiff-kunit);
# LEAFDIFF_KUNIT_NO_KVM=1 runs QEMU without KVM (see run_kunit).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
start=$(date +%s)
say() { printf '[kunit-in-kernel %4ss] %s\n' "$(($(date +%s) - start))" "$*"; }

: "${LEAFDIFF_PATCHES:?set LEAFDIFF_PATCHES to the patches with the bug}"
fixed=${LEAFDIFF_FIXED_PATCHES:-}
work=${LEAFDIFF_KUNIT_DIR:-$HOME/.cache/leafdiff-kunit}
jobs=${LEAFDIFF_KUNIT_JOBS:-1}
mkdir -p "$work"

pin() { sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" kernel-pin.toml; }
series=$(pin series)
version=$(pin version)
suite=$(pin suite)
package=linux-source-$series

# The tools a kernel build and kunit.py need.
needed="flex bison bc python3 gcc make libelf-dev libssl-dev cpio xz-utils patch qemu-system-x86 dpkg-dev"
missing=$(for p in $needed; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
  grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  say "installing: $missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
fi

# The Debian mirror: LEAFDIFF_MIRROR, else the machine's own apt sources
# (deb822 files first, then a one-line sources.list).
mirror=${LEAFDIFF_MIRROR:-}
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    mirror=$(awk '/^URIs:/ { uri = $2 } /^Suites:/ && !/security/ { ok = 1 }
      /^$/ { if (ok && uri) { print uri; exit } uri = ""; ok = 0 }
      END { if (ok && uri) print uri }' "$f" | head -n1)
    [ -n "$mirror" ] && break
  done
fi
if [ -z "$mirror" ] && [ -e /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $3 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || { echo "no Debian mirror in the apt sources; set LEAFDIFF_MIRROR" >&2; exit 2; }

# A private apt configuration with the pinned suite: the machine's own
# sources and state stay as they are.
apt_dir=$work/apt
mkdir -p "$apt_dir/sources.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
cat >"$apt_dir/sources.d/leafdiff.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/sources.d"
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o Debug::NoLocking=1)
deb=$apt_dir/${package}_${version//:/%3a}_all.deb
if [ ! -e "$deb" ]; then
  say "apt: $package=$version from $suite"
  apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$apt_dir" && apt-get "${apt_opts[@]}" download "$package=$version")
fi
say "verified by apt: $(basename "$deb") $(sha256sum "$deb" | cut -c1-16)..."

pristine=$work/$package-$version
if [ ! -d "$pristine/mm" ]; then
  say "unpacking"
  rm -rf "$pristine" "$work/unpack"
  dpkg-deb -x "$deb" "$work/unpack"
  mkdir -p "$pristine"
  tar -C "$pristine" --strip-components=1 -xf "$work/unpack/usr/src/$package.tar.xz"
  rm -rf "$work/unpack"
fi
# The tree kunit.py builds, kept between runs: each state below is set by
# contents, so a rerun rebuilds only what differs from the last build.
tree=$work/tree
if [ ! -d "$tree/mm" ]; then
  cp -a "$pristine" "$tree"
fi

# Puts the tree in the state of the packaged source plus PATCHES: the
# patches are applied to a scratch copy of the files they touch, and only
# files whose contents change are written, so that kunit.py's second build
# recompiles what the difference between the two states reaches, not every
# file including a patched header.
set_patches() { # set_patches LABEL PATCH...
  local label=$1; shift
  local scratch=$work/scratch-$label f p
  rm -rf "$scratch"; mkdir -p "$scratch"
  for f in "${patched_files[@]}"; do
    if [ -e "$pristine/$f" ]; then
      mkdir -p "$scratch/$(dirname "$f")"; cp -p "$pristine/$f" "$scratch/$f"
    fi
  done
  for p in "$@"; do
    say "patch ($label) $(basename "$p")"
    patch -d "$scratch" -p1 --batch --forward <"$p" | sed 's/^/    /'
  done
  for f in "${patched_files[@]}"; do
    if [ -e "$scratch/$f" ] && ! cmp -s "$scratch/$f" "$tree/$f"; then
      cp "$scratch/$f" "$tree/$f"; say "changed: $f"
    fi
  done
}
IFS=: read -r -a bug_patches <<<"$LEAFDIFF_PATCHES"
fixed_patches=()
[ -n "$fixed" ] && IFS=: read -r -a fixed_patches <<<"$fixed"
# Every file either state patches: each state starts from the package's.
patched_files=()
while read -r f; do patched_files+=("$f"); done < <(
  sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "${bug_patches[@]}" ${fixed_patches[@]+"${fixed_patches[@]}"} | sort -u)

# leafdiff built with the bug, and the reproducer it gives.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target/kunit-in-kernel}
cargo build --release --quiet --bin leafdiff
leafdiff=$CARGO_TARGET_DIR/release/leafdiff
repro=${1:-}
if [ -z "$repro" ]; then
  out=$work/leafdiff-out
  rm -rf "$out"
  set +e
  "$leafdiff" check --sweep-only --time 600 --out "$out" --report "$out/report.md" >/dev/null 2>&1
  set -e
  repro=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["causes"]; print(c[0]["reproducer"] if c else "")' "$out/report.json")
  [ -n "$repro" ] || { echo "check found nothing to reproduce with LEAFDIFF_PATCHES" >&2; exit 1; }
  say "root causes: $(python3 -c 'import json,sys; print(", ".join(c["helper"] for c in json.load(open(sys.argv[1]))["causes"]))' "$out/report.json")"
fi
say "reproducer: $repro"
"$leafdiff" repro "$repro" --kunit >"$work/leafdiff_kunit.c" 2>"$work/repro.txt" || true
"$leafdiff" repro "$repro" --kunitconfig >"$work/leafdiff.kunitconfig" 2>/dev/null || true
sed 's/^/    /' "$work/repro.txt"
grep -q 'kunit_test_suite(' "$work/leafdiff_kunit.c" || { echo "no KUnit test from leafdiff repro" >&2; exit 2; }

# What the reproducer's header tells a reviewer to do, done literally.
comment() { # the indented lines after the header line matching $1
  awk -v key="$1" 'index($0, key) { on = 1; next } on && /^ \*   / { sub(/^ \*   /, ""); print; next } on { exit }' "$work/leafdiff_kunit.c"
}
makefile_line=$(comment 'add to mm/Makefile:')
kconfig_lines=$(comment 'and to mm/Kconfig:')
run_line=$(comment 'Run with:')
arch=$(sed -n 's/.*--arch=\([a-z0-9_]*\).*/\1/p' <<<"$run_line")
kunitconfig=$(sed -n 's/.*--kunitconfig=\([^ ]*\).*/\1/p' <<<"$run_line")
say "kunit.py run line: $run_line"

run_kunit() { # run_kunit LABEL: 0 passed, 1 failed, 2 did not run
  local log=$work/kunit-$1.log
  cp "$work/leafdiff_kunit.c" "$tree/mm/tests/leafdiff_kunit.c"
  cp "$work/leafdiff.kunitconfig" "$tree/$kunitconfig"
  grep -qF "$makefile_line" "$tree/mm/Makefile" || printf '%s\n' "$makefile_line" >>"$tree/mm/Makefile"
  grep -q '^config LEAFDIFF_KUNIT_TEST' "$tree/mm/Kconfig" || printf '\n%s\n' "$kconfig_lines" >>"$tree/mm/Kconfig"
  say "kunit.py run ($1)${arch:+ --arch=$arch}, $jobs job(s)"
  local code=0
  # LEAFDIFF_KUNIT_NO_KVM=1: QEMU without KVM (kunit.py asks for it first),
  # by hiding /dev/kvm in a private mount namespace: under nested
  # virtualisation KVM can stop with "emulation failure" in early boot.
  local hide=()
  [ "${LEAFDIFF_KUNIT_NO_KVM:-0}" = 1 ] && [ -e /dev/kvm ] &&
    hide=(unshare -m sh -c 'mount --bind /dev/null /dev/kvm && exec "$@"' sh)
  (cd "$tree" && nice -n 19 "${hide[@]}" ./tools/testing/kunit/kunit.py run \
    --kunitconfig="$kunitconfig" ${arch:+--arch="$arch"} \
    --build_dir="$work/build" --jobs="$jobs" --timeout=900) >"$log" 2>&1 || code=$?
  grep -E '\[(PASSED|FAILED|SKIPPED)\]|Testing complete|not ok|# leafdiff_repro|Expected|ERROR|error:' "$log" | tail -n 12 | sed 's/^/    /'
  if grep -q 'Testing complete.*failed: [1-9]' "$log"; then return 1; fi
  if grep -q 'Testing complete.*passed: [1-9]' "$log" && [ "$code" -eq 0 ]; then return 0; fi
  echo "    kunit.py exited $code without a result; the log's tail:"; tail -n 25 "$log" | sed 's/^/    /'
  return 2
}

set_patches with-bug "${bug_patches[@]}"
run_kunit with-bug && with_bug=0 || with_bug=$?
set_patches without-bug ${fixed_patches[@]+"${fixed_patches[@]}"}
run_kunit without-bug && without_bug=0 || without_bug=$?

verdict() { case $1 in 0) echo PASS ;; 1) echo FAIL ;; *) echo "did not run" ;; esac; }
say "with the bug: $(verdict $with_bug); without it: $(verdict $without_bug)"
say "wall time: $(($(date +%s) - start)) s"
[ "$with_bug" -eq 1 ] && [ "$without_bug" -eq 0 ]
