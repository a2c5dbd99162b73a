//! Completion: field names and values in front-matter, relative links in bodies. What
//! fits where comes from the parser's field lists and the checked model.

use crate::config::CONFIG_FILE;
use crate::diag::Rule;
use crate::frontmatter::{Split, split};
use crate::load::Section;
use crate::model::{Horizon, InitiativeStatus, Keyword, Site, StoryStatus, Visibility};
use crate::parse;
use lsp_types::{CompletionItem, CompletionItemKind};

/// What a content file holds, by its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Initiative,
    Story,
    Doc,
}

impl Kind {
    /// The kind of the file at site path `rel` (`None` for charter.yaml and section intros).
    pub fn of(rel: &str) -> Option<Kind> {
        if rel.ends_with("/_index.md") && !rel.starts_with("docs/") {
            return None;
        }
        match Section::of(rel)? {
            Section::Roadmap => Some(Kind::Initiative),
            Section::Backlog => Some(Kind::Story),
            Section::Docs => Some(Kind::Doc),
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Initiative => parse::INITIATIVE,
            Kind::Story => parse::STORY,
            Kind::Doc => parse::DOC,
        }
    }
}

/// What each front-matter field means (SPEC §4), shown beside its name.
pub fn describe(kind: Kind, field: &str) -> &'static str {
    match (kind, field) {
        (_, "id") => "Id of the item; default: the file name. Letters, digits, `.`, `_`, `-`",
        (_, "title") => "Title of the page",
        (_, "product_manager") => "Person id of the product manager who owns the initiative",
        (_, "horizon") => "now | next | later; required unless shipped or dropped",
        (Kind::Initiative, "status") => "proposed | planned | in-progress | shipped | dropped (default proposed)",
        (_, "status") => "backlog | ready | in-progress | done | dropped (default backlog)",
        (_, "timeframe") => "When it should land: YYYY, YYYY-Qn or YYYY-Hn",
        (_, "outcome") => "The why, in one sentence",
        (_, "metrics") => "List of {name, baseline, target, current}",
        (_, "product_owners") => "Person ids of the product owners delivering it",
        (Kind::Initiative, "depends_on") => "Ids of initiatives this one needs first",
        (_, "depends_on") => "Ids of stories this one needs first",
        (_, "shipped_on") => "Date it shipped (YYYY-MM-DD), for the changelog and feed",
        (_, "done_on") => "Date it was done (YYYY-MM-DD), for the changelog and feed",
        (_, "tags") => "List of free-form tags",
        (_, "visibility") => "public | internal (default public); internal items are left out of public builds",
        (_, "product_owner") => "Person id of the product owner who orders this story",
        (_, "initiative") => "Id of the initiative this story delivers",
        (_, "rank") => "Order in its product owner's backlog: 1 is first",
        (_, "estimate") => "Story points, a number of 0 or more",
        (_, "sprint") => "Id of the sprint (from charter.yaml) it is planned in",
        (_, "acceptance_criteria") => "List of what must be true when it is done; needed from ready on",
        (_, "owner") => "Person id of the page's owner",
        (_, "weight") => "Whole number ordering the docs navigation",
        _ => "",
    }
}

/// The completions at byte `offset` of `text`, the file at site path `rel`.
pub fn items(site: &Site, rel: &str, text: &str, offset: usize) -> Vec<CompletionItem> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    if rel == CONFIG_FILE {
        return config(site, &text[..line_start], prefix);
    }
    let Some(kind) = Kind::of(rel) else { return vec![] };
    match split(text) {
        Split::Yaml { yaml, .. } if (yaml.start..=yaml.end).contains(&line_start) => {
            front_matter(site, kind, &text[yaml.start..line_start], prefix)
        }
        Split::Yaml { body_start, .. } if line_start < body_start => vec![],
        _ => links(site, rel, prefix),
    }
}

/// Field names at the start of a line, else the values of the field being written.
fn front_matter(site: &Site, kind: Kind, above: &str, prefix: &str) -> Vec<CompletionItem> {
    let is_key = !prefix.contains(':') && !prefix.starts_with([' ', '\t', '-']);
    if is_key {
        return kind.fields().iter().map(|f| item(f, describe(kind, f), CompletionItemKind::FIELD)).collect();
    }
    let key = match prefix.split_once(':') {
        Some((key, _)) if !prefix.starts_with([' ', '\t', '-']) => key.trim(),
        _ => parent_key(above),
    };
    values(site, kind, key)
        .into_iter()
        .map(|(label, detail)| item(&label, &detail, CompletionItemKind::VALUE))
        .collect()
}

/// In charter.yaml: its fields (described as the schema describes them), rule ids under
/// `rules:` and their severities, people after `reports_to:`, audiences.
fn config(site: &Site, above: &str, prefix: &str) -> Vec<CompletionItem> {
    let indented = prefix.starts_with([' ', '\t', '-']);
    let parent = parent_key(above);
    let key = prefix.trim_start().trim_start_matches("- ").split_once(':').map(|(key, _)| key.trim());
    let pairs: Vec<(String, String)> = match (indented, parent, key) {
        (false, _, None) => {
            let schema = crate::schema::schema();
            let describe = |f: &str| schema["properties"][f]["description"].as_str().unwrap_or_default().to_owned();
            crate::config::TOP.iter().map(|f| ((*f).to_owned(), describe(f))).collect()
        }
        (true, "rules", None) => Rule::ALL.iter().map(|r| (r.id().to_owned(), r.summary().to_owned())).collect(),
        (true, "rules", Some(_)) => ["error", "warning", "off"].map(|s| (s.to_owned(), String::new())).into(),
        (true, "team", Some("reports_to")) => {
            site.config.team.iter().map(|p| (p.id.0.clone(), format!("{} ({})", p.name, p.roles.join(", ")))).collect()
        }
        (false, _, Some("audience")) => words::<crate::model::Audience>(),
        _ => vec![],
    };
    let kind = if key.is_some() { CompletionItemKind::VALUE } else { CompletionItemKind::FIELD };
    pairs.into_iter().map(|(label, detail)| item(&label, &detail, kind)).collect()
}

/// The key a list entry belongs to: the nearest line above that starts a field.
pub fn parent_key(above: &str) -> &str {
    let line = above.lines().rev().find(|l| !l.starts_with([' ', '\t', '-', '#']) && l.contains(':'));
    line.and_then(|l| l.split_once(':')).map_or("", |(key, _)| key.trim())
}

/// The values `key` takes, with what each is.
fn values(site: &Site, kind: Kind, key: &str) -> Vec<(String, String)> {
    let people = |keep: fn(&crate::model::Person) -> bool| {
        site.config
            .team
            .iter()
            .filter(|p| keep(p))
            .map(|p| (p.id.0.clone(), format!("{} ({})", p.name, p.roles.join(", "))))
            .collect()
    };
    let initiatives = || site.initiatives.iter().map(|i| (i.id.0.clone(), i.title.clone())).collect();
    match (kind, key) {
        (Kind::Initiative, "status") => words::<InitiativeStatus>(),
        (_, "status") => words::<StoryStatus>(),
        (_, "horizon") => words::<Horizon>(),
        (_, "visibility") => words::<Visibility>(),
        (_, "product_owner" | "product_owners") => people(|p| p.is_po()),
        (_, "product_manager") => people(|p| p.is_pm()),
        (_, "owner") => people(|_| true),
        (Kind::Initiative, "depends_on") | (_, "initiative") => initiatives(),
        (_, "depends_on") => site.stories.iter().map(|s| (s.id.0.clone(), s.title.clone())).collect(),
        (_, "sprint") => site.config.sprints.iter().map(|s| (s.id.0.clone(), sprint_detail(s))).collect(),
        _ => vec![],
    }
}

/// A sprint's dates and goal, for completion and hover.
pub fn sprint_detail(sprint: &crate::model::Sprint) -> String {
    let goal = sprint.goal.as_deref().map(|g| format!(": {g}")).unwrap_or_default();
    format!("{} to {}{goal}", sprint.start, sprint.end)
}

fn words<K: Keyword>() -> Vec<(String, String)> {
    K::WORDS.iter().map(|(w, _)| ((*w).to_owned(), String::new())).collect()
}

/// After `](` in a body: every other page of the site, relative to this file.
fn links(site: &Site, rel: &str, prefix: &str) -> Vec<CompletionItem> {
    let Some(open) = prefix.rfind("](") else { return vec![] };
    if prefix[open..].contains(')') {
        return vec![];
    }
    let pages = site.documents().map(|d| &d.source.rel).filter(|r| *r != rel);
    pages.map(|target| item(&relative(rel, target), "", CompletionItemKind::FILE)).collect()
}

/// The relative link from the file at `from` to the file at `to` (both site paths).
pub fn relative(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect::<Vec<_>>()[..from.matches('/').count()].to_vec();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..", from_dirs.len() - common);
    ups.chain(to_parts[common..].iter().copied()).collect::<Vec<_>>().join("/")
}

fn item(label: &str, detail: &str, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
        ..CompletionItem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_description() {
        for kind in [Kind::Initiative, Kind::Story, Kind::Doc] {
            for field in kind.fields() {
                assert!(!describe(kind, field).is_empty(), "{kind:?} {field}");
            }
        }
    }

    #[test]
    fn relative_links_climb_and_descend() {
        assert_eq!(relative("backlog/A.md", "backlog/B.md"), "B.md");
        assert_eq!(relative("backlog/A.md", "roadmap/x.md"), "../roadmap/x.md");
        assert_eq!(relative("docs/guide/a.md", "docs/index.md"), "../index.md");
        assert_eq!(relative("docs/a.md", "docs/guide/b.md"), "guide/b.md");
    }
}
