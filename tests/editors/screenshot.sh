#!/usr/bin/env bash
# Makes editors/screenshot.png: an example file, and a few mistakes, as the
# TextMate grammar highlights them (tests/editors/screenshot.mjs), rendered
# by headless Chromium. Needs `npm ci --prefix tests/editors` and Chromium
# (`apt-get install -y chromium`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/mistakes.netpol" <<'NETPOL'
# Mistakes show before netpolc runs:
namespace shop {
  allow from entity world, remote-node icmp EchoRequest, ipv6 EchoRequest
  allow to cidr 10.0.0.0/8, 10.0.0.256/8, 10.1.0.0/33 port 99999/tcp, 443/tpc
  allow to fqdn "api.example.com port 443/tcp
}
NETPOL

node "$repo/tests/editors/screenshot.mjs" "$work/page.html" \
  "$repo/examples/platform/namespaces/checkout.netpol" "$work/mistakes.netpol"

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/profile" --window-size="${SIZE:-1000,905}" \
  --screenshot="$repo/editors/screenshot.png" "file://$work/page.html" 2>/dev/null
echo "wrote editors/screenshot.png"
