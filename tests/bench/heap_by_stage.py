"""What is resident at the heap peak of a netpolc run, by pipeline stage.

Usage (a build with debug info, such as target/debug/netpolc):

    heaptrack -o /tmp/ht target/debug/netpolc build REPO --out OUT
    heaptrack_print -f /tmp/ht.zst -p 0 -a 0 -T 0 -l 0 -n 0 \
        --flamegraph-cost-type peak -F /tmp/ht.peak.stacks
    python3 tests/bench/heap_by_stage.py /tmp/ht.peak.stacks [N]

Each line of the stacks file is one backtrace (root first, `;`-separated)
and the bytes it held at the peak. A backtrace is charged to the innermost
netpolc module it passes through (syntax, sema::expand, sema::index, ...);
with N (the number of namespaces) the bytes per namespace are printed too.
"""

import collections
import sys

# Innermost match wins, so the more specific prefixes come first.
STAGES = [
    ("netpolc::syntax::", "syntax trees (syntax::lower)"),
    ("netpolc::sema::index", "name index (sema::index)"),
    ("netpolc::sema::expand", "IR, expansion (sema::expand)"),
    ("netpolc::sema::", "IR, values and rules (other sema)"),
    ("netpolc::lint::", "lints' tables (lint)"),
    ("netpolc::flow::", "flow engine (flow)"),
    ("netpolc::emit::", "printed output (emit)"),
    ("netpolc::diag", "diagnostics (diag)"),
    ("SourceMap", "source texts (source)"),
    ("netpolc::cli::", "command line (cli)"),
]


def stage(frames: list[str]) -> str:
    for frame in reversed(frames):
        for prefix, name in STAGES:
            if prefix in frame:
                return name
    return "other"


def main() -> None:
    per_ns = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    total = 0
    by_stage: collections.Counter[str] = collections.Counter()
    with open(sys.argv[1]) as f:
        for line in f:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not count.isdigit():
                continue
            total += int(count)
            by_stage[stage(stack.split(";"))] += int(count)
    print(f"{total:>12,} bytes at the peak")
    for name, count in by_stage.most_common():
        share = 100 * count / total if total else 0
        extra = f"  {count / per_ns:8.0f} B/namespace" if per_ns else ""
        print(f"{count:>12,} {share:5.1f}%  {name}{extra}")


if __name__ == "__main__":
    main()
