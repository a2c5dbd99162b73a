//! Every cross-file rule of SPEC §5, one function each, listed in [`CHECKS`].
//! Rules about a single file's fields are found while parsing (see `parse`).
//!
//! Each rule also says what it reads, so that an edit re-runs only what it can change
//! (see [`Findings`]): a page rule reports on each page alone, from that page and from
//! the listed [`Fact`]s of the others; a site rule reports across pages, from the
//! listed facts of all of them. Both read the site's shape too (which files, items and
//! ids exist, charter.yaml, today's date), and a change to the shape re-runs everything.

mod audit;
mod backlog;
mod facts;
mod forecast;
mod graph;
mod links;
mod ownership;

pub use facts::{Fact, Findings};

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::{Document, Part, Seg};
use crate::history::History;
use crate::model::{Page, Site};

/// A rule's check of one page; it pushes what it finds.
pub type PageCheck = fn(&Site, Page<'_>, &mut Vec<Diagnostic>);

/// How a rule finds what it reports.
#[derive(Clone, Copy)]
pub enum Check {
    /// Findings about each page on its own, from that page and the listed facts of
    /// the other pages.
    Each(PageCheck, &'static [Fact]),
    /// Findings about the whole site, from the listed facts of every page.
    Whole(fn(&Site, &mut Vec<Diagnostic>), &'static [Fact]),
}

use Check::{Each, Whole};
use Fact::*;

/// The model rules, each with the one function that finds it and what it reads.
pub const CHECKS: &[(Rule, Check)] = &[
    (Rule::DuplicateId, Whole(graph::duplicate_id, &[])),
    (Rule::DuplicateUrl, Whole(graph::duplicate_url, &[])),
    (Rule::DuplicateUrl, Whole(graph::duplicate_file_url, &[])),
    (Rule::UnknownPerson, Whole(ownership::unknown_boss, &[])),
    (Rule::UnknownPerson, Each(ownership::unknown_person, &[])),
    (Rule::StoryOwnerRole, Each(ownership::story_owner_role, &[])),
    (Rule::InitiativeOwnerRole, Each(ownership::initiative_owner_role, &[])),
    (Rule::UnknownInitiative, Each(graph::unknown_initiative, &[])),
    (Rule::UnknownSprint, Each(graph::unknown_sprint, &[])),
    (Rule::UnknownDependency, Each(graph::unknown_dependency, &[])),
    (Rule::DependencyCycle, Whole(graph::dependency_cycle, &[Dependencies])),
    (Rule::DuplicateRank, Whole(backlog::duplicate_rank, &[Owners, Plan])),
    (Rule::MissingAcceptanceCriteria, Each(backlog::missing_acceptance_criteria, &[])),
    (Rule::BrokenLink, Each(links::broken_link, &[])),
    (Rule::BrokenAnchor, Each(links::broken_anchor, &[Anchors])),
    (Rule::LinkOutsideSite, Each(links::link_outside_site, &[])),
    (Rule::ImageWithoutAlt, Each(links::image_without_alt, &[])),
    (Rule::VisibilityLeak, Each(graph::visibility_leak, &[Visibility])),
    (Rule::UnrankedStory, Each(backlog::unranked_story, &[])),
    (Rule::PoNotOnInitiative, Each(ownership::po_not_on_initiative, &[ProductOwners])),
    (Rule::ReportsToNotPm, Whole(ownership::reports_to_not_pm, &[])),
    (Rule::EmptyInitiative, Whole(backlog::empty_initiative, &[Plan])),
    (Rule::ShippedWithOpenStories, Whole(backlog::shipped_with_open_stories, &[Plan])),
    (Rule::TimeframeAtRisk, Whole(forecast::timeframe_at_risk, &[Owners, Plan, Dependencies])),
    (Rule::SprintOvercommitted, Whole(forecast::sprint_overcommitted, &[Plan])),
    (Rule::DualRole, Whole(ownership::dual_role, &[])),
];

/// A rule of `charter audit` over the site's history (SPEC §11).
pub type AuditCheck = fn(&Site, &History, &mut Vec<Diagnostic>);

/// The audit rules, each with the one function that finds it.
pub const AUDIT_CHECKS: &[(Rule, AuditCheck)] = &[
    (Rule::RankChangedByNonOwner, audit::rank_changed_by_non_owner),
    (Rule::RoadmapChangedByNonPm, audit::roadmap_changed_by_non_pm),
    (Rule::OwnerChangedByOutsider, audit::owner_changed_by_outsider),
    (Rule::UnknownAuthor, audit::unknown_author),
];

/// Runs every check, skipping those turned off in `rules:`.
pub fn validate(site: &Site) -> Vec<Diagnostic> {
    Findings::of(site).diagnostics().cloned().collect()
}

/// Runs every audit rule over `history`, skipping those turned off in `rules:`.
pub fn audit(site: &Site, history: &History) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (rule, check) in AUDIT_CHECKS {
        if is_on(site, *rule) {
            check(site, history, &mut out);
        }
    }
    out
}

fn is_on(site: &Site, rule: Rule) -> bool {
    site.config.rules.get(&rule).copied().unwrap_or(rule.default_severity()) != crate::diag::Severity::Off
}

/// A diagnostic at the value (or key) of `path` in `doc`.
fn at(rule: Rule, doc: &Document, path: &[Seg], part: Part, message: String) -> Diagnostic {
    Diagnostic::at(rule, &doc.source, doc.locate(path, part), message)
}

/// A diagnostic at the entry that reads `id` in the list field `list` of `doc` (found in
/// the file, as invalid entries are missing from the model's lists).
fn at_entry(rule: Rule, doc: &Document, list: &str, id: &str, message: String) -> Diagnostic {
    at(rule, doc, &doc.list_entry(list, id), Part::Value, message)
}

/// A one-key path.
fn key(name: &str) -> Vec<Seg> {
    vec![Seg::Key(name.to_owned())]
}

/// A path into a team member's entry in charter.yaml.
fn person_path(index: usize, field: &str) -> Vec<Seg> {
    vec![Seg::Key("team".into()), Seg::Index(index), Seg::Key(field.to_owned())]
}

/// "a, b and c" for help lines; "nobody" when empty.
fn list_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    let words: Vec<&str> = words.into_iter().collect();
    match words.as_slice() {
        [] => "nobody".into(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
