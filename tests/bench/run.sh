#!/usr/bin/env bash
# The build benchmark: generates a synthetic policy repository of N namespaces
# that share categories and constants (tests/bench/generate.py), then times,
# in interleaved rounds of one run (round 1 runs every command once, then
# round 2, ...), with GNU time (wall, user and system CPU, peak RSS):
#   build    `netpolc build` into an empty output directory (every check on);
#   noop     `netpolc build` again on the unchanged repository, which must
#            write nothing (checked: no file in the output is newer than a
#            marker); it answers from the build record the cold build left
#            (src/cli/cache.rs), as a developer's second build does;
#   check    `netpolc check` of the up-to-date output, from the record too;
#   noop-norecord, check-norecord
#            the same two with records off (`NETPOLC_CACHE_DIR=`), so they
#            compile: what CI does on a fresh clone, which has no record;
#   copy     `cp -r` of that output into an empty directory: the write floor,
#            the cost of creating the same files;
#   cat      `cat` of every output file to /dev/null: the read floor;
#   jinja2   a Jinja2 template (tests/bench/render_jinja.py with
#            tests/bench/jinja/) rendering the same files with the same YAML
#            documents, in Python, into an empty directory.
# Jinja2 is installed with pip into a virtual environment under the work
# directory; when that fails the script says why and skips the jinja2 row.
# Before timing, the Jinja2 output is compared with netpolc's: whole tree byte
# for byte (reported), and two files parsed as YAML documents (required).
# The 1-minute load average is recorded at the start of each round. The
# report gives the median, min and max of each command and the ratios the
# targets of issue 15 use.
#
# Usage: tests/bench/run.sh [N] [ROUNDS]      (N defaults to 10000, ROUNDS to 5)
# Set BENCH_WORK=DIR to keep the work directory (default: a temporary one,
# removed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."

n=${1:-10000}
rounds=${2:-5}
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
rm -rf "$repo"
# The build records of the timed commands, away from the user's own.
export NETPOLC_CACHE_DIR=$work/cache
rm -rf "$NETPOLC_CACHE_DIR"
python3 tests/bench/generate.py "$repo" "$n"

# Jinja2 (and PyYAML, for the comparison) in a virtual environment.
jinja=yes
venv=$work/venv
if ! [ -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import jinja2, yaml' 2>/dev/null; then
  if ! python3 -m venv "$venv" >"$work/venv.log" 2>&1 ||
    ! "$venv/bin/pip" install --quiet jinja2 pyyaml >>"$work/venv.log" 2>&1; then
    echo "note: skipping the jinja2 row: could not install Jinja2 into a virtual environment:" >&2
    tail -n 5 "$work/venv.log" >&2
    jinja=no
  fi
fi

# Runs a command under GNU time; appends "wall user sys maxrss_kb" to $1.
measure() {
  local into=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "error: failed: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  }
  cat "$work/time" >>"$work/$into"
}

if [ "$jinja" = yes ]; then
  rm -rf "$work/out" "$work/jinja-out"
  "$bin" build "$repo" --out "$work/out" >/dev/null 2>&1
  "$venv/bin/python" tests/bench/render_jinja.py "$work/jinja-out" "$n"
  if diff -rq "$work/out" "$work/jinja-out" >/dev/null; then
    echo "jinja2 output: byte-identical to netpolc's ($(find "$work/out" -type f | wc -l) files)"
  else
    echo "jinja2 output: differs in bytes from netpolc's (same documents are required below)"
  fi
  # Same set of files, and the same YAML documents in two of them (one with
  # three policies, one with two, and the clusterwide file).
  (cd "$work/out" && find . -type f | sort) >"$work/files.netpolc"
  (cd "$work/jinja-out" && find . -type f | sort) >"$work/files.jinja"
  if ! cmp -s "$work/files.netpolc" "$work/files.jinja"; then
    echo "error: the jinja2 renderer writes other files than netpolc" >&2
    exit 1
  fi
  "$venv/bin/python" - "$work/out" "$work/jinja-out" <<'PY'
import os, sys, yaml
a, b = sys.argv[1], sys.argv[2]
for f in ["ns-00000.yaml", "ns-00004.yaml" if os.path.exists(os.path.join(a, "ns-00004.yaml")) else "ns-00000.yaml", "_clusterwide.yaml"]:
    with open(os.path.join(a, f)) as x, open(os.path.join(b, f)) as y:
        da, db = list(yaml.safe_load_all(x)), list(yaml.safe_load_all(y))
    if da != db:
        sys.exit(f"error: {f}: the jinja2 renderer's YAML documents differ from netpolc's")
    print(f"jinja2 output: {f}: same {len(da)} YAML documents as netpolc's (parsed and compared)")
PY
fi

steps="build noop check noop-norecord check-norecord copy cat"
[ "$jinja" = yes ] && steps="$steps jinja2"
for step in $steps; do : >"$work/$step"; done
: >"$work/load"
rm -rf "$work/out" "$work/jinja-out" "$work/rounds"
sleep 1
for round in $(seq "$rounds"); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  echo "$load" >>"$work/load"
  echo "round $round/$rounds: load average (1 min) $load" >&2
  # Fresh directory names each round, and nothing deleted until the end:
  # ext4 allocates new inodes slowly right after many files were deleted
  # (it skips recently deleted ones), which would charge the previous
  # round's `rm -rf` to whichever command writes first.
  out=$work/rounds/$round/out
  mkdir -p "$work/rounds/$round"
  sync
  measure build "$bin" build "$repo" --out "$out"
  touch "$work/marker"
  sleep 0.01
  measure noop "$bin" build "$repo" --out "$out"
  if [ -n "$(find "$out" -newer "$work/marker" -print -quit)" ]; then
    echo "error: the second build of an unchanged repository wrote files" >&2
    exit 1
  fi
  measure check "$bin" check "$repo" --out "$out"
  measure noop-norecord env NETPOLC_CACHE_DIR= "$bin" build "$repo" --out "$out"
  measure check-norecord env NETPOLC_CACHE_DIR= "$bin" check "$repo" --out "$out"
  if [ -n "$(find "$out" -newer "$work/marker" -print -quit)" ]; then
    echo "error: a build of an unchanged repository without its record wrote files" >&2
    exit 1
  fi
  sync
  measure copy cp -r "$out" "$work/rounds/$round/copy"
  measure cat find "$out" -type f -exec cat {} +
  if [ "$jinja" = yes ]; then
    sync
    measure jinja2 "$venv/bin/python" tests/bench/render_jinja.py "$work/rounds/$round/jinja" "$n"
  fi
done

. tests/bench/stats.sh

files=$(find "$out" -type f | wc -l)
bytes=$(du -sb "$out" | cut -f1)
echo "netpolc build benchmark: N=$n namespaces, $files output files, $bytes bytes, $rounds interleaved rounds, $(nproc) cores"
echo "load average (1 min) at the start of each round: $(paste -sd' ' "$work/load")"
echo "median (min-max) of each command:"
echo
echo "| command | wall s | user s | sys s | peak RSS KB |"
echo "|---|---|---|---|---|"
for step in $steps; do
  case $step in
    build) label="netpolc build, empty output dir" ;;
    noop) label="netpolc build, no change (from the build record)" ;;
    check) label="netpolc check, output up to date (from the build record)" ;;
    noop-norecord) label="netpolc build, no change, records off (compiles)" ;;
    check-norecord) label="netpolc check, output up to date, records off (compiles; CI)" ;;
    copy) label="\`cp -r\` of the output" ;;
    cat) label="\`cat\` of the output" ;;
    jinja2) label="Jinja2 template (Python)" ;;
  esac
  echo "| $label | $(stat "$step" 1) | $(stat "$step" 2) | $(stat "$step" 3) | $(stat "$step" 4) |"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a (zero denominator)" }'; }
echo "ratios of medians (issue 15 targets in brackets):"
echo "- build wall / cp -r wall: $(ratio "$(med build 1)" "$(med copy 1)") [at most 1.0x]"
[ "$jinja" = yes ] && echo "- jinja2 wall / build wall: $(ratio "$(med jinja2 1)" "$(med build 1)") [at least 1.5x]"
echo "- build user CPU: $(med build 2) s [at most 0.10 s at N=10000]"
echo "- build peak RSS: $(med build 4) KB [at most 64 MB at N=10000]"
echo "- check wall / cat wall: $(ratio "$(med check 1)" "$(med cat 1)") [at most 1.5x]; records off (CI): $(ratio "$(med check-norecord 1)" "$(med cat 1)")"
echo "- no-change build wall / cold build wall: $(ratio "$(med noop 1)" "$(med build 1)") [at most 0.25x, and writes nothing: checked]; records off: $(ratio "$(med noop-norecord 1)" "$(med build 1)")"
