#!/usr/bin/env bash
# Vendor htmx into the web app's static files, from the npm package htmx.org.
#
#     scripts/vendor_htmx.sh [VERSION]      # default: the version pinned below
#
# Run at development time only (it needs npm and the registry); the wheel ships the
# files it writes, and nothing is fetched when reslog runs. It writes
# src/reslog/web/static/vendor/htmx.min.js and htmx.LICENSE, and prints their sha256.
set -euo pipefail
VERSION="${1:-2.0.11}"
cd "$(dirname "$0")/.."
out=src/reslog/web/static/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@${VERSION}" >/dev/null && tar -xzf htmx.org-*.tgz)
mkdir -p "$out"
cp "$work/package/dist/htmx.min.js" "$out/htmx.min.js"
cp "$work/package/LICENSE" "$out/htmx.LICENSE"
echo "htmx.org@${VERSION}"
sha256sum "$out/htmx.min.js" "$out/htmx.LICENSE"
