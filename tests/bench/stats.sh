# Shared by tests/bench/run.sh and tests/bench/flows.sh (sourced, after
# they set $work): summaries of one column of a file of measurements
# under $work, one line per round ("wall user sys maxrss_kb").

# median (min-max) of column $2 of $work/$1.
stat() {
  cut -d' ' -f"$2" "$work/$1" | sort -n |
    awk '{ v[NR] = $1 } END { printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# median of column $2 of $work/$1.
med() {
  cut -d' ' -f"$2" "$work/$1" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
