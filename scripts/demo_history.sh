#!/usr/bin/env bash
# Writes a demo repository in which the example site has a believable history: four
# months of commits by the Lumen Pay team (July to October 2026), ending with exactly
# the files of example-site/. Its Changes page then shows slips, pull-ins, horizon
# moves, shipped and dropped initiatives and stories done, and `charter audit` reports
# the one violation on purpose: the engineering lead slipping an initiative she does
# not own.
#
# Needs: git. Usage: scripts/demo_history.sh [DEST]   (default target/demo)
# Then:  charter serve DEST/example-site     charter audit DEST/example-site
# Deterministic: fixed authors, dates and contents, so the same hashes on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$(pwd)/example-site"
dest="${1:-target/demo}"
rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"
site=example-site
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
git init -q -b main .
cp -R "$src" "$site"
rm -rf "$site/public"

# commit DATE "Name <email>" MESSAGE: commits everything as that person on that day.
commit() {
    local name="${2% <*}" email="${2##*<}"
    git add -A
    GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="${email%>}" GIT_AUTHOR_DATE="$1T10:00:00+0200" \
    GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="${email%>}" GIT_COMMITTER_DATE="$1T10:00:00+0200" \
        git commit -q -m "$3"
}
# restore FILE: the file as it is in example-site/.
restore() { cp "$src/$1" "$site/$1"; }
# edit FILE SED-SCRIPT: rewinds a file to an earlier state.
edit() { sed -i "$2" "$site/$1"; }

ALICE="Alice Chen <alice@lumen.example>"
CAROL="Carol Wu <carol@lumen.example>"
DAN="Dan Ito <dan@lumen.example>"
FARID="Farid Haddad <farid@lumen.example>"
GRACE="Grace Lindqvist <grace@lumen.example>"

# July: the roadmap as it was then.
edit roadmap/checkout/guest-checkout.md 's/^horizon: now$/horizon: next/; s/^status: in-progress$/status: planned/; s/^timeframe: .*$/timeframe: 2026-Q3/'
edit roadmap/payments/apple-pay.md 's/^status: shipped$/status: in-progress\nhorizon: now/; /^shipped_on:/d'
edit roadmap/payments/refund-api.md 's/^status: shipped$/status: in-progress\nhorizon: now/; /^shipped_on:/d'
edit roadmap/payments/crypto-payments.md 's/^status: dropped$/status: proposed\nhorizon: later/'
edit roadmap/payments/multi-currency.md 's/^timeframe: .*$/timeframe: 2026-Q4/'
edit roadmap/payments/instant-payouts.md 's/^timeframe: .*$/timeframe: 2027-H2/'
edit roadmap/pricing-experiments.md 's/^horizon: next$/horizon: later/'
for story in backlog/risk/FRD-1.md backlog/risk/SCA-2.md backlog/risk/SCA-5.md; do
    edit "$story" 's/^status: done$/status: in-progress/; /^done_on:/d'
done
payment_links="$site/roadmap/checkout/payment-links.md"
rm "$payment_links"
# Alice and Carol set up the roadmap together: the trailer makes Carol an author too.
commit 2026-07-06 "$ALICE" "Lumen Pay roadmap and backlogs

Co-authored-by: $CAROL"

edit roadmap/checkout/guest-checkout.md 's/^horizon: next$/horizon: now/; s/^status: planned$/status: in-progress/'
commit 2026-07-20 "$ALICE" "Guest checkout starts now"
restore roadmap/checkout/payment-links.md
commit 2026-08-03 "$ALICE" "Payment links on the roadmap"
restore roadmap/payments/instant-payouts.md
commit 2026-08-17 "$CAROL" "Instant payouts: the bank partner is ready a quarter early"
restore roadmap/payments/refund-api.md
commit 2026-09-14 "$CAROL" "Refund API shipped"
restore roadmap/payments/crypto-payments.md
commit 2026-09-21 "$ALICE" "Stablecoin payments dropped: no merchant demand"
restore roadmap/pricing-experiments.md
commit 2026-09-28 "$DAN" "Pricing experiments move up to next"
restore roadmap/payments/apple-pay.md
commit 2026-10-02 "$ALICE" "Apple Pay shipped"
restore backlog/risk/SCA-2.md
commit 2026-10-08 "$FARID" "SCA exemptions done"
restore roadmap/payments/multi-currency.md
commit 2026-10-12 "$ALICE" "Multi-currency slips a quarter: settlement partner delayed"
restore backlog/risk/FRD-1.md
commit 2026-10-16 "$FARID" "Fraud rules engine done"
# The audit violation: the engineering lead slips an initiative that Alice owns.
restore roadmap/checkout/guest-checkout.md
commit 2026-10-19 "$GRACE" "Guest checkout needs another quarter"
restore backlog/risk/SCA-5.md
commit 2026-10-27 "$FARID" "3-D Secure fallback done"

diff -r "$src" "$site" --exclude=public >/dev/null || { echo "demo: the last commit differs from example-site/" >&2; exit 1; }
echo "demo repository written to $dest: charter serve $dest/$site, charter audit $dest/$site"
