#!/usr/bin/env bash
# Runs tests/editors/vim/test.vim in headless Vim against editors/vim.
# Usage: tests/editors/vim.sh PATH/TO/netpolc [vim]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
netpolc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
vim="${2:-vim}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A policy repository with two errors for :make.
mkdir -p "$work/ns"
cat > "$work/ns/shop.netpol" <<'NETPOL'
namespace shop {
  policy web {
    select pods app=web
    allow from pods app=frontend port 99999/tcp
    use nosuch
  }
}
NETPOL
mkdir -p "$work/bin"
ln -s "$netpolc" "$work/bin/netpolc"

status=0
PATH="$work/bin:$PATH" "$vim" -N -u NONE -i NONE -n -Es \
  --cmd "let g:repo = '$repo' | let g:work = '$work'" \
  -S "$repo/tests/editors/vim/test.vim" </dev/null >"$work/vim.log" 2>&1 || status=$?

if [ "$status" -ne 0 ] || [ ! -f "$work/errors.txt" ]; then
  echo "vim: FAILED (exit $status)"
  [ -f "$work/errors.txt" ] && sed 's/^/  /' "$work/errors.txt"
  [ -s "$work/vim.log" ] && sed 's/^/  vim: /' "$work/vim.log"
  exit 1
fi
echo "vim: ok ($("$vim" --version | head -1))"
