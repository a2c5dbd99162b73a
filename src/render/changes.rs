//! "What changed" (SPEC §11): the roadmap's recent history as the changes page, its
//! Atom feed and the `history` of roadmap.json, from the history's plain data.
//!
//! The window is counted back from the newest commit, never from today, so the same
//! commits give the same output. No commit message or email is ever shown: people are
//! named by their team name, else as "someone outside the team".

use super::Options;
use super::escape_markup;
use super::view::{Link, Views};
use crate::history::{Commit, Field, History, ItemChange, ItemKind, identify};
use crate::markdown;
use crate::model::{InitiativeId, StoryId, Timeframe};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// How many entries the feed keeps.
const FEED_ENTRIES: usize = 50;

/// One change as the page, the feed and roadmap.json show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeEntry {
    /// The short hash of the commit (never its message).
    pub commit: String,
    pub date: String,
    /// The Monday of the change's week.
    pub week: String,
    /// What kind of change: `created`, `deleted`, `horizon`, `slipped`, `pulled-in`,
    /// `timeframe`, `shipped`, `dropped`, `status`, `product-manager`, `story-done`,
    /// `story-added`. Also the CSS class of the entry.
    pub kind: &'static str,
    /// `initiative` or `story`.
    pub item_kind: ItemKind,
    pub id: String,
    /// Plain-text title (the commit's version).
    pub title: String,
    /// The item's page in this build; `None` when the item is gone.
    pub link: Option<Link>,
    /// For a story: its initiative's page in this build.
    pub initiative: Option<Link>,
    pub field: Field,
    pub before: Option<String>,
    pub after: Option<String>,
    /// One plain-text sentence: "moved from next to now".
    pub summary: String,
    /// Team names of the authors, else "someone outside the team".
    pub who: String,
    /// Within `history.window_days` of the newest commit: on the changes page and feed.
    #[serde(skip)]
    pub recent: bool,
}

/// The entries of one week, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub week: String,
    pub entries: Vec<ChangeEntry>,
}

/// Every change the pages show, newest first, and where each initiative's are: an
/// initiative page shows its whole history, and a roadmap has a thousand initiatives
/// over a history of tens of thousands of changes.
#[derive(Debug, Default)]
pub struct Changes {
    entries: Vec<ChangeEntry>,
    /// Positions in `entries` of the changes of each initiative and of its stories.
    by_initiative: HashMap<String, Vec<usize>>,
}

impl std::ops::Deref for Changes {
    type Target = [ChangeEntry];

    fn deref(&self) -> &[ChangeEntry] {
        &self.entries
    }
}

impl Changes {
    /// The whole history of one initiative: its own changes and its stories'.
    pub fn of_initiative(&self, id: &str) -> Vec<&ChangeEntry> {
        let at = self.by_initiative.get(id).map_or(&[][..], Vec::as_slice);
        at.iter().map(|&n| &self.entries[n]).collect()
    }
}

/// Every change the pages show, newest first; those within `window_days` of the newest
/// commit are marked recent.
pub fn entries(views: &Views, history: &History) -> Changes {
    let newest = history.commits.first().map_or(0, |c| c.time);
    let since = newest - i64::from(views.site.config.history.window_days) * 86_400;
    let entries: Vec<ChangeEntry> =
        history.changes.par_iter().filter_map(|c| entry(views, c, c.commit.time > since)).collect();
    let mut by_initiative: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, e) in entries.iter().enumerate() {
        let initiative = match e.item_kind {
            ItemKind::Initiative => Some(&e.id),
            ItemKind::Story => e.initiative.as_ref().map(|l| &l.id),
        };
        if let Some(id) = initiative {
            by_initiative.entry(id.clone()).or_default().push(n);
        }
    }
    Changes { entries, by_initiative }
}

/// The recent entries grouped by week, newest week first.
pub fn weeks(entries: &[ChangeEntry]) -> Vec<Week> {
    let mut weeks: Vec<Week> = vec![];
    for e in entries.iter().filter(|e| e.recent).cloned() {
        match weeks.last_mut() {
            Some(w) if w.week == e.week => w.entries.push(e),
            _ => weeks.push(Week { week: e.week.clone(), entries: vec![e] }),
        }
    }
    weeks
}

/// The newest `n` recent entries, for the home page.
pub fn latest(entries: &[ChangeEntry], n: usize) -> Vec<ChangeEntry> {
    entries.iter().filter(|e| e.recent).take(n).cloned().collect()
}

fn entry(views: &Views, c: &ItemChange, recent: bool) -> Option<ChangeEntry> {
    let (kind, summary) = match c.kind {
        ItemKind::Initiative => initiative_kind(views, c)?,
        ItemKind::Story => story_kind(c)?,
    };
    let link = match c.kind {
        ItemKind::Initiative => views.initiative_link(&InitiativeId(c.id.clone())),
        ItemKind::Story => views.story_link(&StoryId(c.id.clone())),
    };
    let initiative = match c.kind {
        ItemKind::Story => c.initiative.clone().and_then(|i| views.initiative_link(&InitiativeId(i))),
        ItemKind::Initiative => None,
    };
    Some(ChangeEntry {
        commit: c.commit.short().to_owned(),
        date: c.commit.date.to_string(),
        week: c.commit.week.to_string(),
        kind,
        item_kind: c.kind,
        id: c.id.clone(),
        title: markdown::plain(&c.title),
        link,
        initiative,
        field: c.field,
        before: c.before.clone(),
        after: c.after.clone(),
        summary,
        who: who(views, &c.commit),
        recent,
    })
}

fn shown(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "none".into())
}

/// A person's team name for an id a change names (the id when nobody has it now).
fn person_name(views: &Views, id: &Option<String>) -> String {
    let person = id.as_deref().and_then(|id| views.site.person(id));
    person.map_or_else(|| shown(id), |p| p.name.clone())
}

/// The roadmap changes SPEC §11 lists, each with its kind and sentence.
fn initiative_kind(views: &Views, c: &ItemChange) -> Option<(&'static str, String)> {
    let from_to = || format!("from {} to {}", shown(&c.before), shown(&c.after));
    Some(match c.field {
        Field::Created => ("created", "added to the roadmap".into()),
        Field::Deleted => ("deleted", "removed from the roadmap".into()),
        // Shipping or dropping clears the horizon: the status entry says it.
        Field::Horizon if c.after.is_none() => return None,
        Field::Horizon => ("horizon", format!("moved {}", from_to())),
        Field::Timeframe => (timeframe_kind(c), format!("timeframe {}", from_to())),
        Field::Status => match c.after.as_deref() {
            Some("shipped") => ("shipped", "shipped".into()),
            Some("dropped") => ("dropped", "dropped".into()),
            _ => ("status", format!("status {}", from_to())),
        },
        Field::ProductManager => {
            let (from, to) = (person_name(views, &c.before), person_name(views, &c.after));
            ("product-manager", format!("product manager from {from} to {to}"))
        }
        _ => return None,
    })
}

/// A later end is a slip, an earlier one a pull-in.
fn timeframe_kind(c: &ItemChange) -> &'static str {
    let end = |v: &Option<String>| v.as_deref().and_then(Timeframe::parse).map(|t| t.quarters().1);
    match (end(&c.before), end(&c.after)) {
        (Some(before), Some(after)) if after > before => "slipped",
        (Some(before), Some(after)) if after < before => "pulled-in",
        _ => "timeframe",
    }
}

fn story_kind(c: &ItemChange) -> Option<(&'static str, String)> {
    match c.field {
        Field::Created => Some(("story-added", "story added".into())),
        Field::Status if c.after.as_deref() == Some("done") => Some(("story-done", "story done".into())),
        _ => None,
    }
}

/// The team names of a commit's authors; never an email.
pub fn who(views: &Views, commit: &Commit) -> String {
    let team = &views.site.config.team;
    let mut names: Vec<&str> = vec![];
    for author in &commit.authors {
        let member = identify(team, author).map(|(p, _)| p);
        if let Some(name) = member.map(|p| p.name.as_str()).filter(|n| !names.contains(n)) {
            names.push(name);
        }
    }
    if names.is_empty() { "someone outside the team".into() } else { names.join(" and ") }
}

/// The recent changes as an Atom feed (the newest [`FEED_ENTRIES`]).
pub fn feed(views: &Views, entries: &[ChangeEntry], options: &Options) -> String {
    let base = &options.base_url;
    let title = escape_markup(&views.site.config.title);
    let page = escape_markup(&format!("{base}changes/"));
    let updated = entries.iter().find(|e| e.recent).map_or("1970-01-01", |e| e.date.as_str());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{title}: what changed</title>\n  <id>{page}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{page}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>{title}</name></author>\n  <generator>charter</generator>\n",
        escape_markup(&format!("{base}changes.xml")),
    );
    for e in entries.iter().filter(|e| e.recent).take(FEED_ENTRIES) {
        let url = e.link.as_ref().map_or_else(|| format!("{base}changes/"), |l| format!("{base}{}", l.url));
        let url = url.trim_end_matches("index.html");
        out.push_str(&format!(
            "  <entry>\n    <title>{}: {}</title>\n    <id>{page}#{}-{}-{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{} ({}, {})</summary>\n  </entry>\n",
            escape_markup(&e.title),
            escape_markup(&e.summary),
            e.commit,
            escape_markup(&e.id),
            e.field.key(),
            escape_markup(url),
            e.date,
            escape_markup(&e.summary),
            escape_markup(&e.who),
            e.date,
        ));
    }
    out.push_str("</feed>\n");
    out
}
