#!/usr/bin/env bash
# The build benchmark: generates a synthetic policy repository of N namespaces
# that share categories and constants, then times, in one run:
#   1. `netpolc build` into an empty output directory (every check on);
#   2. `cp -r` of that output into another empty directory: the floor, the
#      cost of creating the same files;
#   3. `netpolc build` again on the unchanged repository, which must write
#      nothing (checked: no file in the output is newer than a marker).
# Each step runs ROUNDS times (default 5) and the median is reported, with
# wall time, user and system CPU, and peak RSS from GNU time.
#
# Usage: tests/bench/run.sh [N] [ROUNDS]      (N defaults to 10000)
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-10000}
rounds=${2:-5}
cargo build --release --quiet
bin=$PWD/target/release/netpolc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo=$work/repo
python3 tests/bench/generate.py "$repo" "$n"

# Runs a command under GNU time; prints "wall user sys maxrss_kb".
measure() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  cat "$work/time"
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

: >"$work/build" && : >"$work/copy" && : >"$work/noop"
for _ in $(seq "$rounds"); do
  rm -rf "$work/out" "$work/copy-out"
  sync
  measure "$bin" build "$repo" --out "$work/out" >>"$work/build"
  sync
  measure cp -r "$work/out" "$work/copy-out" >>"$work/copy"
  touch "$work/marker"
  sleep 0.01
  measure "$bin" build "$repo" --out "$work/out" >>"$work/noop"
  if [ -n "$(find "$work/out" -newer "$work/marker" -print -quit)" ]; then
    echo "error: the second build of an unchanged repository wrote files" >&2
    exit 1
  fi
done

files=$(find "$work/out" -type f | wc -l)
bytes=$(du -sb "$work/out" | cut -f1)
echo "netpolc build benchmark: N=$n namespaces, $files output files, $bytes bytes, median of $rounds rounds"
printf '%-26s %8s %8s %8s %10s\n' step wall_s user_s sys_s max_rss_kb
for step in build copy noop; do
  case $step in
    build) label="netpolc build (cold out)" ;;
    copy) label="cp -r of the output" ;;
    noop) label="netpolc build (no change)" ;;
  esac
  wall=$(cut -d' ' -f1 "$work/$step" | median)
  user=$(cut -d' ' -f2 "$work/$step" | median)
  sys=$(cut -d' ' -f3 "$work/$step" | median)
  rss=$(cut -d' ' -f4 "$work/$step" | median)
  printf '%-26s %8s %8s %8s %10s\n' "$label" "$wall" "$user" "$sys" "$rss"
done
build_wall=$(cut -d' ' -f1 "$work/build" | median)
copy_wall=$(cut -d' ' -f1 "$work/copy" | median)
awk -v b="$build_wall" -v c="$copy_wall" 'BEGIN { if (c > 0) printf "build wall / cp -r wall: %.2fx\n", b / c }'
