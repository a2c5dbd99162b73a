//! Validation that re-runs only what an edit can change. [`Findings`] keeps what every
//! rule of [`CHECKS`] found, per page for the rules that report on each page alone.
//! After edits that keep the site's shape (no file, item or id added, removed or
//! renamed, the same charter.yaml, the same day), each rule is re-run:
//! - a page rule on the edited pages only, unless an edited page changed a [`Fact`]
//!   the rule reads of other pages (then on every page);
//! - a site rule only when an edited page changed a fact it reads, or holds one of its
//!   findings (whose place in the file the edit may have moved).
//!
//! This is exact because a rule's findings depend on nothing but what it reads: its
//! page, the facts it lists, the shape. Any other change re-runs every rule on
//! everything. That this equals a full check after any edit is tested by
//! `tests/cli/incremental.rs`.

use super::{CHECKS, Check, PageCheck, is_on};
use crate::dates;
use crate::diag::Diagnostic;
use crate::model::{Date, Page, Site};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Something a rule reads of a page other than the one it reports on (for a site rule,
/// of any page). What is not a fact is either the page's own (read only by the rules
/// reporting on it) or the site's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// The heading and element ids of a page's body, which `#fragment`s name.
    Anchors,
    /// An item's visibility.
    Visibility,
    /// Who owns an item: a story's product owner, an initiative's product manager, a
    /// docs page's owner.
    Owners,
    /// The product owners an initiative lists.
    ProductOwners,
    /// Where an item stands in the plan: a story's status, rank, estimate, sprint,
    /// done_on and initiative; an initiative's horizon, status and timeframe.
    Plan,
    /// What an item depends on.
    Dependencies,
}

impl Fact {
    /// Whether two versions of one page (of the same kind) say the same of this fact.
    fn same(self, a: Page, b: Page) -> bool {
        use Page::{Doc, Initiative as I, Story as S};
        match (self, a, b) {
            (Fact::Anchors, a, b) => a.doc().scan().ids == b.doc().scan().ids,
            (Fact::Visibility, S(a), S(b)) => a.visibility == b.visibility,
            (Fact::Visibility, I(a), I(b)) => a.visibility == b.visibility,
            (Fact::Visibility, Doc(a), Doc(b)) => a.visibility == b.visibility,
            (Fact::Owners, S(a), S(b)) => a.product_owner == b.product_owner,
            (Fact::Owners, I(a), I(b)) => a.product_manager == b.product_manager,
            (Fact::ProductOwners, I(a), I(b)) => a.product_owners == b.product_owners,
            (Fact::Owners, Doc(a), Doc(b)) => a.owner == b.owner,
            (Fact::Plan, S(a), S(b)) => {
                let plan = |s: &crate::model::Story| {
                    (s.status, s.rank, s.estimate, s.sprint.clone(), s.done_on, s.initiative.clone())
                };
                plan(a) == plan(b)
            }
            (Fact::Plan, I(a), I(b)) => (a.horizon, a.status, a.timeframe) == (b.horizon, b.status, b.timeframe),
            (Fact::Dependencies, S(a), S(b)) => a.depends_on == b.depends_on,
            (Fact::Dependencies, I(a), I(b)) => a.depends_on == b.depends_on,
            // Intros hold none of these; pages of different kinds hold different ones.
            (_, a, b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
        }
    }
}

/// What one entry of [`CHECKS`] found.
#[derive(Debug, Clone)]
enum Found {
    /// Turned off in `rules:`.
    Off,
    /// A page rule's findings, by the site path of the page (pages without any left out).
    Pages(HashMap<String, Vec<Diagnostic>>),
    /// A site rule's findings.
    Site(Vec<Diagnostic>),
}

/// What the rules found in a site, kept to validate the next edit of it incrementally.
#[derive(Debug, Clone)]
pub struct Findings {
    /// The day the rules judged against (the forecast rules read it).
    today: Date,
    /// One entry per entry of [`CHECKS`].
    found: Vec<Found>,
}

impl Findings {
    /// Runs every rule on the whole site.
    pub fn of(site: &Site) -> Findings {
        let found = CHECKS
            .par_iter()
            .map(|(rule, check)| match check {
                _ if !is_on(site, *rule) => Found::Off,
                Check::Each(each, _) => Found::Pages(each_page(site, *each)),
                Check::Whole(whole, _) => {
                    let mut out = vec![];
                    whole(site, &mut out);
                    Found::Site(out)
                }
            })
            .collect();
        Findings { today: dates::today(), found }
    }

    /// Validates `site`, which is `before` with the pages at the site paths `edited`
    /// parsed again and the same shape (see [`crate::pipeline::reassemble`]).
    pub fn update(&mut self, before: &Site, site: &Site, edited: &BTreeSet<String>) {
        if self.today != dates::today() {
            *self = Findings::of(site);
            return;
        }
        let versions: Vec<(Option<Page>, Option<Page>)> =
            edited.iter().map(|rel| (before.page(rel), site.page(rel))).collect();
        let reads_changed = |facts: &[Fact]| facts.iter().any(|f| changed(*f, &versions));
        for ((_, check), found) in CHECKS.iter().zip(&mut self.found) {
            match (check, found) {
                (Check::Each(each, facts), Found::Pages(pages)) if reads_changed(facts) => {
                    *pages = each_page(site, *each);
                }
                (Check::Each(each, _), Found::Pages(pages)) => {
                    for rel in edited {
                        pages.remove(rel);
                        if let Some(found) = site.page(rel).and_then(|page| on_page(site, *each, page)) {
                            pages.insert(rel.clone(), found);
                        }
                    }
                }
                (Check::Whole(whole, facts), Found::Site(out))
                    if reads_changed(facts) || out.iter().any(|d| edited.contains(&d.file)) =>
                {
                    out.clear();
                    whole(site, out);
                }
                _ => {}
            }
        }
    }

    /// Everything found, unsorted.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        let pages =
            self.found.iter().filter_map(|f| if let Found::Pages(p) = f { Some(p.values().flatten()) } else { None });
        let sites = self.found.iter().filter_map(|f| if let Found::Site(out) = f { Some(out.iter()) } else { None });
        pages.flatten().chain(sites.flatten())
    }
}

/// Whether one of the edited pages (before, after) says something else of `fact`.
fn changed(fact: Fact, versions: &[(Option<Page>, Option<Page>)]) -> bool {
    versions.iter().any(|v| match *v {
        (Some(a), Some(b)) => !fact.same(a, b),
        (a, b) => a.is_some() != b.is_some(),
    })
}

/// What a page rule finds on one page, if anything.
fn on_page(site: &Site, each: PageCheck, page: Page) -> Option<Vec<Diagnostic>> {
    let mut out = vec![];
    each(site, page, &mut out);
    (!out.is_empty()).then_some(out)
}

/// A page rule's findings on every page of the site, the pages taken on every core.
fn each_page(site: &Site, each: PageCheck) -> HashMap<String, Vec<Diagnostic>> {
    let pages: Vec<Page> = site.pages().collect();
    let found =
        pages.into_par_iter().filter_map(|page| Some((page.doc().source.rel.clone(), on_page(site, each, page)?)));
    found.collect()
}
