//! Every cross-file rule of SPEC §5, one function each, listed in [`CHECKS`].
//! Rules about a single file's fields are found while parsing (see `parse`).

mod audit;
mod backlog;
mod forecast;
mod graph;
mod links;
mod ownership;

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::{Document, Part, Seg};
use crate::history::History;
use crate::model::Site;

/// A check over the whole site; it pushes what it finds.
pub type Check = fn(&Site, &mut Vec<Diagnostic>);

/// The model rules, each with the one function that finds it.
pub const CHECKS: &[(Rule, Check)] = &[
    (Rule::DuplicateId, graph::duplicate_id),
    (Rule::DuplicateUrl, graph::duplicate_url),
    (Rule::DuplicateUrl, graph::duplicate_file_url),
    (Rule::UnknownPerson, ownership::unknown_person),
    (Rule::StoryOwnerRole, ownership::story_owner_role),
    (Rule::InitiativeOwnerRole, ownership::initiative_owner_role),
    (Rule::UnknownInitiative, graph::unknown_initiative),
    (Rule::UnknownSprint, graph::unknown_sprint),
    (Rule::UnknownDependency, graph::unknown_dependency),
    (Rule::DependencyCycle, graph::dependency_cycle),
    (Rule::DuplicateRank, backlog::duplicate_rank),
    (Rule::MissingAcceptanceCriteria, backlog::missing_acceptance_criteria),
    (Rule::BrokenLink, links::broken_link),
    (Rule::BrokenAnchor, links::broken_anchor),
    (Rule::LinkOutsideSite, links::link_outside_site),
    (Rule::ImageWithoutAlt, links::image_without_alt),
    (Rule::VisibilityLeak, graph::visibility_leak),
    (Rule::UnrankedStory, backlog::unranked_story),
    (Rule::PoNotOnInitiative, ownership::po_not_on_initiative),
    (Rule::ReportsToNotPm, ownership::reports_to_not_pm),
    (Rule::EmptyInitiative, backlog::empty_initiative),
    (Rule::ShippedWithOpenStories, backlog::shipped_with_open_stories),
    (Rule::TimeframeAtRisk, forecast::timeframe_at_risk),
    (Rule::SprintOvercommitted, forecast::sprint_overcommitted),
    (Rule::DualRole, ownership::dual_role),
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
    let mut out = Vec::new();
    for (rule, check) in CHECKS {
        if is_on(site, *rule) {
            check(site, &mut out);
        }
    }
    out
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
