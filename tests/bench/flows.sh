#!/usr/bin/env bash
# The flow-engine benchmark (issue 12): on the synthetic repository of
# tests/bench/generate.py (N namespaces), times in interleaved rounds with
# GNU time (wall, user CPU, peak RSS):
#   lint     `netpolc lint`: parse, check and lint, no output: the compile
#            that every command below pays first;
#   trace    `netpolc trace` of one flow (web to api with an HTTP request, in
#            the middle namespace), on the same repository;
#   lint+K   `netpolc lint` of the repository with K expectations added
#            (tests/bench/expectations.py writes them into tests.netpol);
#   test     `netpolc test` of that repository: every expectation decided.
# The report gives the median, min and max of each, and what the engine adds
# to the compile: trace - lint, and test - lint (K expectations).
#
# Usage: tests/bench/flows.sh [N] [K] [ROUNDS]   (defaults 10000, 1000, 5)
# Set BENCH_WORK=DIR to keep the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-10000}
k=${2:-1000}
rounds=${3:-5}
cargo build --release --quiet
bin=$PWD/target/release/netpolc
if [ -n "${BENCH_WORK:-}" ]; then
  work=$BENCH_WORK
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
repo=$work/repo
tested=$work/tested
rm -rf "$repo" "$tested"
python3 tests/bench/generate.py "$repo" "$n"
cp -r "$repo" "$tested"
python3 tests/bench/expectations.py "$tested" "$n" "$k"

m=$((n / 2 - n / 2 % 2))
middle=$(printf 'ns-%05d' "$m")
from="pods app=web in namespace $middle"
to="pods app=api in namespace $middle"
port=$((8000 + m % 100))/tcp

measure() {
  local into=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || {
    echo "error: failed: $*" >&2
    cat "$work/stdout" "$work/stderr" >&2
    exit 1
  }
  cat "$work/time" >>"$work/$into"
}

# Once, to show what is measured.
"$bin" trace "$repo" "$from" "$to" --port "$port" --http "GET /api/v1/orders" --color never || true
"$bin" test "$tested" --color never | tail -n 1

steps="lint trace lintk test"
for step in $steps; do : >"$work/$step"; done
: >"$work/load"
for round in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "$load" >>"$work/load"
  echo "round $round/$rounds: load average (1 min) $load" >&2
  measure lint "$bin" lint "$repo"
  measure trace "$bin" trace "$repo" "$from" "$to" --port "$port" --http "GET /api/v1/orders"
  measure lintk "$bin" lint "$tested"
  measure test "$bin" test "$tested"
done

. tests/bench/stats.sh
echo "netpolc flow benchmark: N=$n namespaces, K=$k expectations, $rounds interleaved rounds, $(nproc) cores"
echo "load average (1 min) at the start of each round: $(paste -sd' ' "$work/load")"
echo
echo "| command | wall s | user s | sys s | peak RSS KB |"
echo "|---|---|---|---|---|"
for step in $steps; do
  case $step in
    lint) label="netpolc lint (the compile alone)" ;;
    trace) label="netpolc trace, one flow" ;;
    lintk) label="netpolc lint, with $k expectations checked" ;;
    test) label="netpolc test, $k expectations" ;;
  esac
  echo "| $label | $(stat "$step" 1) | $(stat "$step" 2) | $(stat "$step" 3) | $(stat "$step" 4) |"
done
echo
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f ms", (a - b) * 1000 }'; }
echo "what the engine adds (medians; issue 12 aims in brackets):"
echo "- one trace over the compile: $(diff_ms "$(med trace 1)" "$(med lint 1)") wall [under 50 ms]"
echo "- $k expectations over the compile: $(diff_ms "$(med test 1)" "$(med lint 1)") wall [1,000 under 1 s]"
