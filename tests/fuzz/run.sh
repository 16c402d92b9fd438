#!/usr/bin/env bash
# Runs a netpolc fuzz target with its seed corpus and keyword dictionary.
#
#   tests/fuzz/run.sh [TARGET] [RUNS] [-- LIBFUZZER-ARGS...]
#
# TARGET is `compile` (raw bytes, the default) or `compile_structured`
# (generated repositories); RUNS defaults to 1000000. With `-- -jobs=2
# -workers=2` libFuzzer runs two processes of RUNS each, logging to
# tests/fuzz/fuzz-N.log. cargo-fuzz needs nightly compiler flags; on a
# stable toolchain RUSTC_BOOTSTRAP=1 unlocks them. Crashes land in
# tests/fuzz/artifacts/TARGET/.
#
# The sanitizer defaults to none: netpolc forbids unsafe code, so
# AddressSanitizer has nothing to find that Rust does not already catch,
# and it halves the speed. SANITIZER=address brings it back.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${1:-compile}"
runs="${2:-1000000}"
shift $(( $# > 2 ? 2 : $# ))
[[ "${1:-}" == "--" ]] && shift

fuzz=tests/fuzz
corpus="$fuzz/corpus/$target"
mkdir -p "$corpus"

# Seeds: every .netpol file of examples/, stdlib/ and tests/ui/ on its own,
# and every multi-file repository packed the way `netpolc_fuzz::split` reads
# it: files separated by NUL, constants.netpol first, categories.netpol
# second. Seeds are named by content, so reruns add nothing twice.
add_seed() {
  cp "$1" "$corpus/$(sha1sum < "$1" | cut -c1-40)"
}
pack() {
  local dir="$1" file
  cat "$dir/constants.netpol" 2>/dev/null || true
  printf '\0'
  cat "$dir/categories.netpol" 2>/dev/null || true
  find "$dir" -name '*.netpol' ! -path "$dir/constants.netpol" ! -path "$dir/categories.netpol" | sort |
    while IFS= read -r file; do
      printf '\0'
      cat "$file"
    done
}
while IFS= read -r -d '' file; do
  add_seed "$file"
done < <(find examples stdlib tests/ui -name '*.netpol' -print0)
packed=$(mktemp)
trap 'rm -f "$packed"' EXIT
for dir in examples/* $(find tests/ui -mindepth 2 -maxdepth 2 -type d ! -name snapshots); do
  [[ -d "$dir" ]] || continue
  pack "$dir" > "$packed"
  add_seed "$packed"
done

# The dictionary: every keyword of the grammar's `keyword` rule, and the
# punctuation and literal shapes the grammar knows.
{
  sed -n '/^keyword = @{/,/^}/p' grammar/netpol.pest | grep -o '"[a-z-]*"'
  printf '%s\n' '"{"' '"}"' '"("' '")"' '"["' '"]"' '","' '":"' '"="' '"!="' '"$"' \
    '"/tcp"' '"/udp"' '"/any"' '"10.0.0.0/8"' '"::/0"' '"\\x00"' '"# "' '"\\x22"'
} > "$fuzz/netpol.dict"

cd "$fuzz"
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir . --sanitizer "${SANITIZER:-none}" "$target" "corpus/$target" -- \
  -dict=netpol.dict -runs="$runs" -timeout=30 "$@"
