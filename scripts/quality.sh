#!/usr/bin/env bash
# Quality bars of the default theme, on a fresh build of the example site:
#   html    the Nu HTML checker (vnu-jar) reports no error on any page (and style.css)
#   axe     axe-core in headless Chromium: no serious or critical violation on the key pages,
#           light and dark mode, desktop and phone width
#   hosts   nothing a page loads comes from another host (no CDN fonts, scripts, images)
#   pages   every page shows its content without JavaScript (only search needs it) and is
#           no wider than a 375 px phone
#
# Needs: cargo, java (11+), node (18+), Chromium (CHROMIUM, default /usr/bin/chromium) and
# `npm ci --prefix scripts/quality` once. Usage: scripts/quality.sh [SITE] (default example-site).
# Set QUALITY_OUT=DIR to build into DIR and keep it, CHARTER=PATH to use a charter binary
# already built (CI passes target/debug/charter from `cargo test`) instead of a release build.
# Exits 1 if any check fails, 2 if it could not run.
set -uo pipefail
cd "$(dirname "$0")/.."

SITE=${1:-example-site}
Q=scripts/quality
VNU=$Q/node_modules/vnu-jar/build/dist/vnu.jar
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=()
command -v java >/dev/null || missing+=("java (apt-get install default-jre-headless)")
command -v node >/dev/null || missing+=("node (apt-get install nodejs npm)")
[ -x "$CHROMIUM" ] || missing+=("Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM)")
[ -f "$VNU" ] && [ -d $Q/node_modules/puppeteer-core ] && [ -d $Q/node_modules/axe-core ] ||
  missing+=("node packages (npm ci --prefix $Q)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'quality: missing %s\n' "${missing[@]}" >&2
  exit 2
fi

echo "== build: charter build $SITE${CHARTER:+ (with $CHARTER)}"
if [ -z "${CHARTER:-}" ]; then
  cargo build --release --quiet || exit 2
  CHARTER=${CARGO_TARGET_DIR:-target}/release/charter
fi
if [ -n "${QUALITY_OUT:-}" ]; then
  OUT=$QUALITY_OUT
else
  OUT=$(mktemp -d "${TMPDIR:-/tmp}/charter-quality.XXXXXX")
  trap 'rm -rf "$OUT"' EXIT
fi
# Warnings are allowed: the example shows the forecast's warnings on purpose (README, Forecast).
"$CHARTER" build "$SITE" --out "$OUT" || exit 2
pages=$(find "$OUT" -name '*.html' | wc -l)

results=()
failed=0
run() { # NAME COMMAND...
  local name=$1 start=$SECONDS
  shift
  echo
  echo "== $name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failed=$((failed + 1))
  fi
}

html_check() { # [DIR] (default: the example site's build)
  local dir=${1:-$OUT} errors
  errors=$(java -jar "$VNU" --errors-only --skip-non-html --also-check-css --also-check-svg "$dir" 2>&1)
  local rc=$?
  errors=${errors//"file:$dir/"/}
  [ -n "$errors" ] && echo "$errors"
  local n
  n=$(printf '%s' "$errors" | grep -c 'error:')
  echo "Nu HTML checker $(java -jar "$VNU" --version): $(find "$dir" -name '*.html' | wc -l) pages and $(find "$dir" -name '*.css' -o -name '*.svg' | wc -l) CSS/SVG files checked; $n error(s)"
  [ $rc -eq 0 ] && [ "$n" -eq 0 ]
}

# Hostile raw HTML (tests/fixtures/hostile): what the sanitiser leaves is still valid HTML.
hostile_check() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/charter-hostile.XXXXXX")
  "$CHARTER" build tests/fixtures/hostile --out "$dir/out" 2>/dev/null || return 1
  html_check "$dir/out"
  local rc=$?
  rm -rf "$dir"
  return $rc
}

run "html: Nu HTML checker, no errors" html_check
run "html: hostile raw HTML, sanitised, still valid" hostile_check
run "axe: no serious or critical accessibility violation, no failed or foreign request" node $Q/axe.mjs "$OUT"
run "hosts: nothing loaded from another host" node $Q/hosts.mjs "$OUT"
run "pages: usable without JavaScript, fit a 375 px phone" node $Q/pages.mjs "$OUT"

echo
echo "== summary ($SITE, $pages pages)"
printf '  %s\n' "${results[@]}"
if [ $failed -gt 0 ]; then
  echo "quality: $failed check(s) failed"
  exit 1
fi
echo "quality: all checks passed"
