//! The audit rules of SPEC §5 (`charter audit`, §11): who may make which change, judged
//! commit by commit from the history's plain data.
//!
//! A change is allowed when any author of its commit (author or co-author) may make it.
//! Identities are whatever the committer set: each diagnostic names which one matched.

use super::list_words;
use crate::diag::{Diagnostic, Provenance, Rule};
use crate::frontmatter::Part;
use crate::history::{Commit, Field, History, ItemChange, ItemKind, Matched, Signature, identify};
use crate::model::{Person, Site};
use std::collections::BTreeMap;

/// "Eve Park <eve@acme.example> (team member `eve`, matched by email)".
fn describe(team: &[Person], who: &Signature) -> String {
    match identify(team, who) {
        Some((p, Matched::Email)) => format!("{who} (team member `{}`, matched by email)", p.id),
        Some((p, Matched::Name)) => format!("{who} (team member `{}`, matched by name only)", p.id),
        None => format!("{who} (no team member)"),
    }
}

/// The commit's authors, described, for messages.
fn authors(team: &[Person], commit: &Commit) -> String {
    words(commit.authors.iter().map(|a| describe(team, a)).collect())
}

/// "a, b and c" over owned texts.
fn words(items: Vec<String>) -> String {
    list_words(items.iter().map(String::as_str))
}

/// "`a` and `b`": person ids as help lines quote them.
fn quoted(ids: &[&str]) -> String {
    words(ids.iter().map(|id| format!("`{id}`")).collect())
}

/// Whether any author of the commit is one of `allowed` (person ids).
fn any_author_is(team: &[Person], commit: &Commit, allowed: &[&str]) -> bool {
    commit.authors.iter().filter_map(|a| identify(team, a)).any(|(p, _)| allowed.contains(&p.id.as_str()))
}

fn provenance(commit: &Commit) -> Provenance {
    let author = commit.authors.first().map(ToString::to_string).unwrap_or_default();
    Provenance { commit: commit.id.clone(), author, date: commit.date.to_string() }
}

/// The diagnostic for a refused change, at the field in the commit's version.
fn refused(rule: Rule, site: &Site, c: &ItemChange, what: String, help: String) -> Diagnostic {
    let by = authors(&site.config.team, &c.commit);
    let message = format!("commit {} by {by} {what}", c.commit.short());
    let d = match &c.at {
        Some(at) => Diagnostic::located(rule, &c.file, at.clone(), message),
        None => Diagnostic::file(rule, &c.file, message),
    };
    d.help(help).provenance(provenance(&c.commit))
}

fn from_to(c: &ItemChange) -> String {
    let shown = |v: &Option<String>| v.as_deref().map_or_else(|| "none".to_owned(), |v| format!("`{v}`"));
    format!("from {} to {}", shown(&c.before), shown(&c.after))
}

fn owners(c: &ItemChange) -> Vec<&str> {
    let mut ids: Vec<&str> = [&c.owner_before, &c.owner_after].into_iter().flatten().map(String::as_str).collect();
    ids.dedup();
    ids
}

/// `rank-changed-by-non-owner`: only a story's product owner (before or after) orders it.
pub fn rank_changed_by_non_owner(site: &Site, history: &History, out: &mut Vec<Diagnostic>) {
    for c in history.changes.iter().filter(|c| c.kind == ItemKind::Story && c.field == Field::Rank) {
        let allowed = owners(c);
        if any_author_is(&site.config.team, &c.commit, &allowed) {
            continue;
        }
        let what = format!("changed the rank of story `{}` {}, and is not its product owner", c.id, from_to(c));
        let help = format!(
            "the product owner alone orders their backlog: have {} make or co-author the change (`Co-authored-by:`)",
            quoted(&allowed)
        );
        out.push(refused(Rule::RankChangedByNonOwner, site, c, what, help));
    }
}

/// The people who may move an initiative: its product managers (before or after) and
/// everyone above them in `reports_to`.
fn roadmap_deciders<'a>(site: &'a Site, c: &'a ItemChange) -> Vec<&'a str> {
    let mut allowed = owners(c);
    for pm in owners(c) {
        let mut next = site.person(pm).and_then(|p| p.reports_to.as_ref());
        while let Some(boss) = next.filter(|b| !allowed.contains(&b.as_str())) {
            allowed.push(boss.as_str());
            next = site.person(boss.as_str()).and_then(|p| p.reports_to.as_ref());
        }
    }
    allowed
}

fn is_roadmap_field(field: Field) -> bool {
    matches!(
        field,
        Field::Created | Field::Deleted | Field::Horizon | Field::Timeframe | Field::Status | Field::ProductManager
    )
}

/// `roadmap-changed-by-non-pm`: creating, deleting or moving an initiative is its PM's call.
pub fn roadmap_changed_by_non_pm(site: &Site, history: &History, out: &mut Vec<Diagnostic>) {
    for c in history.changes.iter().filter(|c| c.kind == ItemKind::Initiative && is_roadmap_field(c.field)) {
        let allowed = roadmap_deciders(site, c);
        if any_author_is(&site.config.team, &c.commit, &allowed) {
            continue;
        }
        let what = match c.field {
            Field::Created => format!("created initiative `{}`", c.id),
            Field::Deleted => format!("deleted initiative `{}`", c.id),
            field => format!("changed `{}` of initiative `{}` {}", field.key(), c.id, from_to(c)),
        };
        let pms = list_words(owners(c));
        let help = format!(
            "the product manager ({pms}) or someone they report to decides the roadmap: have them make or co-author the change"
        );
        out.push(refused(
            Rule::RoadmapChangedByNonPm,
            site,
            c,
            format!("{what}, and is not its product manager"),
            help,
        ));
    }
}

/// `owner-changed-by-outsider`: a story changes hands by its old or new owner, or by
/// the product manager of its initiative.
pub fn owner_changed_by_outsider(site: &Site, history: &History, out: &mut Vec<Diagnostic>) {
    for c in history.changes.iter().filter(|c| c.kind == ItemKind::Story && c.field == Field::ProductOwner) {
        let mut allowed = owners(c);
        let pm = c.initiative.as_deref().and_then(|i| site.initiative(i)).and_then(|i| i.product_manager.as_ref());
        allowed.extend(pm.map(|p| p.as_str()));
        if any_author_is(&site.config.team, &c.commit, &allowed) {
            continue;
        }
        let what = format!("changed the product owner of story `{}` {}", c.id, from_to(c));
        let help = format!("a story changes hands by {}", quoted(&allowed));
        out.push(refused(Rule::OwnerChangedByOutsider, site, c, what, help));
    }
}

/// `unknown-author`: each identity that matches nobody, once, with its commits.
pub fn unknown_author(site: &Site, history: &History, out: &mut Vec<Diagnostic>) {
    let mut unknown: BTreeMap<&Signature, Vec<&Commit>> = BTreeMap::new();
    for commit in &history.commits {
        for who in commit.authors.iter().filter(|a| identify(&site.config.team, a).is_none()) {
            unknown.entry(who).or_default().push(commit);
        }
    }
    let location = site.config.doc.locate(&["team".into()], Part::Key);
    for (who, commits) in unknown {
        let shown: Vec<&str> = commits.iter().take(5).map(|c| c.short()).collect();
        let more = if commits.len() > 5 { format!(" and {} more", commits.len() - 5) } else { String::new() };
        let n = commits.len();
        let message = format!(
            "commit author {who} matches no team member's `git:` entry ({n} commit{}: {}{more})",
            if n == 1 { "" } else { "s" },
            shown.join(", ")
        );
        let help = "add the email (or name) to the `git:` list of the person it is, in `team:`";
        let d = Diagnostic::located(Rule::UnknownAuthor, crate::config::CONFIG_FILE, location.clone(), message);
        out.push(d.help(help).provenance(provenance(commits[0])));
    }
}
