#!/usr/bin/env bash
# Screenshots of the default theme on the example site, to look at after a theme change:
# home, roadmap, an initiative, backlog, team, sprints and two doc pages, in light and dark
# mode, at desktop (1280 px) and phone (375 px) width, full page; plus the roadmap printed
# to PDF by Chromium (A4 landscape), and that PDF as PNGs when pdftoppm (poppler-utils) is there.
#
# Needs: cargo, node (18+), Chromium (CHROMIUM, default /usr/bin/chromium) and
# `npm ci --prefix scripts/quality` once. Usage: scripts/screenshots.sh [DEST] [SITE]
# (default target/screenshots/ and example-site); CHARTER=PATH uses that charter binary
# instead of a release build.
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=${1:-target/screenshots}
SITE=${2:-example-site}
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -d scripts/quality/node_modules/puppeteer-core ]; then
  echo "screenshots: run 'npm ci --prefix scripts/quality' first" >&2
  exit 2
fi

if [ -z "${CHARTER:-}" ]; then
  cargo build --release --quiet
  CHARTER=${CARGO_TARGET_DIR:-target}/release/charter
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/charter-shots.XXXXXX")
PROFILE=$(mktemp -d "${TMPDIR:-/tmp}/charter-chromium.XXXXXX")
trap 'rm -rf "$OUT" "$PROFILE"' EXIT
"$CHARTER" build "$SITE" --out "$OUT"
mkdir -p "$DEST"
rm -f "$DEST"/*.png "$DEST"/*.pdf

node scripts/quality/screenshots.mjs "$OUT" "$DEST"

# The roadmap on paper: Chromium's own print path, page size from the CSS (@page roadmap).
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --no-pdf-header-footer \
  --print-to-pdf="$DEST/roadmap-print.pdf" "file://$(cd "$OUT" && pwd)/roadmap/index.html" 2>/dev/null
if command -v pdfinfo >/dev/null; then
  pdfinfo "$DEST/roadmap-print.pdf" | grep -E '^(Pages|Page size)' | sed 's/^/roadmap-print.pdf: /'
fi
if command -v pdftoppm >/dev/null; then
  pdftoppm -png -r 60 "$DEST/roadmap-print.pdf" "$DEST/roadmap-print"
  echo "roadmap-print.pdf as PNG: $(ls "$DEST"/roadmap-print-*.png | wc -l) page(s)"
else
  echo "(install poppler-utils to get the PDF pages as PNGs)"
fi
echo "screenshots in $DEST"
