//! Items, not lines: one commit's changed content files, parsed before and after with
//! the same parser as `check`, matched by id and compared field by field.
//!
//! Nothing here knows git: it parses file texts and compares parsed versions into
//! [`ItemChange`]s.

use super::{Commit, ItemChange, Locate, Note};
use crate::frontmatter::{Part, Seg};
use crate::load::{Entry, Section};
use crate::model::{Initiative, Item, Story};
use crate::parse;
use crate::source::{Location, Source};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One content file as it was before a commit and as the commit left it, parsed.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Path relative to the site root, `/` separated.
    pub rel: String,
    pub before: Parsed,
    pub after: Parsed,
}

/// Which kind of item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Initiative,
    Story,
}

/// What changed about an item: its existence, or one field. Read back (by history's
/// cache) under the names [`Field::key`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Created,
    Deleted,
    Title,
    Status,
    Horizon,
    Timeframe,
    ProductManager,
    ProductOwners,
    ProductOwner,
    Initiative,
    Rank,
    Estimate,
    Sprint,
    Visibility,
}

impl Field {
    /// The front-matter key (or, for existence, `created` / `deleted`): what JSON and
    /// messages call the change.
    pub fn key(self) -> &'static str {
        match self {
            Field::Created => "created",
            Field::Deleted => "deleted",
            Field::Title => "title",
            Field::Status => "status",
            Field::Horizon => "horizon",
            Field::Timeframe => "timeframe",
            Field::ProductManager => "product_manager",
            Field::ProductOwners => "product_owners",
            Field::ProductOwner => "product_owner",
            Field::Initiative => "initiative",
            Field::Rank => "rank",
            Field::Estimate => "estimate",
            Field::Sprint => "sprint",
            Field::Visibility => "visibility",
        }
    }
}

impl serde::Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

type Getter<T> = fn(&T) -> Option<String>;

/// The initiative fields whose changes are history, each with its value as text.
const INITIATIVE_FIELDS: &[(Field, Getter<Initiative>)] = &[
    (Field::Title, |i| Some(i.title.clone())),
    (Field::Status, |i| Some(i.status.to_string())),
    (Field::Horizon, |i| i.horizon.map(|h| h.to_string())),
    (Field::Timeframe, |i| i.timeframe.map(|t| t.to_string())),
    (Field::ProductManager, |i| i.product_manager.as_ref().map(|p| p.0.clone())),
    (Field::ProductOwners, |i| join(i.product_owners.iter().map(|p| p.as_str()))),
    (Field::Visibility, |i| Some(i.visibility.to_string())),
];

/// The story fields whose changes are history.
const STORY_FIELDS: &[(Field, Getter<Story>)] = &[
    (Field::Title, |s| Some(s.title.clone())),
    (Field::Status, |s| Some(s.status.to_string())),
    (Field::ProductOwner, |s| s.product_owner.as_ref().map(|p| p.0.clone())),
    (Field::Initiative, |s| s.initiative.as_ref().map(|i| i.0.clone())),
    (Field::Rank, |s| s.rank.map(|r| r.to_string())),
    (Field::Estimate, |s| s.estimate.map(|e| e.to_string())),
    (Field::Sprint, |s| s.sprint.as_ref().map(|i| i.0.clone())),
    (Field::Visibility, |s| Some(s.visibility.to_string())),
];

fn join<'a>(words: impl Iterator<Item = &'a str>) -> Option<String> {
    let words: Vec<&str> = words.collect();
    (!words.is_empty()).then(|| words.join(", "))
}

/// One version of an item, as parsed from one side of a commit.
#[derive(Debug, Clone)]
pub enum Version {
    Initiative(Arc<Initiative>),
    Story(Arc<Story>),
}

impl Version {
    fn kind(&self) -> ItemKind {
        match self {
            Version::Initiative(_) => ItemKind::Initiative,
            Version::Story(_) => ItemKind::Story,
        }
    }

    fn id(&self) -> &str {
        match self {
            Version::Initiative(i) => i.id.as_str(),
            Version::Story(s) => s.id.as_str(),
        }
    }

    fn doc(&self) -> &crate::frontmatter::Document {
        match self {
            Version::Initiative(i) => &i.doc,
            Version::Story(s) => &s.doc,
        }
    }

    /// The product manager of an initiative, the product owner of a story.
    fn owner(&self) -> Option<String> {
        match self {
            Version::Initiative(i) => i.product_manager.as_ref().map(|p| p.0.clone()),
            Version::Story(s) => s.product_owner.as_ref().map(|p| p.0.clone()),
        }
    }

    fn title(&self) -> &str {
        match self {
            Version::Initiative(i) => &i.title,
            Version::Story(s) => &s.title,
        }
    }

    fn initiative(&self) -> Option<String> {
        match self {
            Version::Initiative(i) => Some(i.id.0.clone()),
            Version::Story(s) => s.initiative.as_ref().map(|i| i.0.clone()),
        }
    }

    fn visibility(&self) -> crate::model::Visibility {
        match self {
            Version::Initiative(i) => i.visibility,
            Version::Story(s) => s.visibility,
        }
    }

    /// Every compared field with its value in this version.
    fn fields(&self) -> Vec<(Field, Option<String>)> {
        match self {
            Version::Initiative(i) => INITIATIVE_FIELDS.iter().map(|(f, get)| (*f, get(i))).collect(),
            Version::Story(s) => STORY_FIELDS.iter().map(|(f, get)| (*f, get(s))).collect(),
        }
    }

    /// Where `field` sits in this version's file (the block's start when absent).
    fn locate(&self, field: Field) -> Location {
        let doc = self.doc();
        match field {
            Field::Created | Field::Deleted => doc.start_location(),
            _ => doc.locate(&[Seg::Key(field.key().to_owned())], Part::Value),
        }
    }
}

/// Items by kind and id on one side of a commit.
type Side = BTreeMap<(ItemKind, String), Version>;

/// Compares the files one commit changed: every item created, deleted or with a field
/// changed. Files that do not parse on either side are skipped with a note.
pub fn compare(
    (commit, locate): (&Arc<Commit>, Locate),
    files: &[FileChange],
    notes: &mut Vec<Note>,
) -> Vec<ItemChange> {
    let (mut before, mut after) = (Side::new(), Side::new());
    for file in files {
        if let Some(side) = broken_side(&file.before, &file.after) {
            let message = format!("{side} version does not parse: its changes are not history");
            notes.push(Note { commit: commit.clone(), file: file.rel.clone(), message });
            continue;
        }
        insert(&mut before, &file.before);
        insert(&mut after, &file.after);
    }
    let keys: std::collections::BTreeSet<_> = before.keys().chain(after.keys()).cloned().collect();
    keys.iter().flat_map(|key| changes_of((commit, locate), before.get(key), after.get(key))).collect()
}

/// One side of a file, parsed (cheap to clone: items are shared).
#[derive(Debug, Clone)]
pub enum Parsed {
    Item(Version),
    /// Absent on this side, or a file that holds no item (an intro).
    Absent,
    /// No front-matter or broken YAML: what the item was is unknown.
    Broken,
}

fn broken_side(old: &Parsed, new: &Parsed) -> Option<&'static str> {
    match (old, new) {
        (_, Parsed::Broken) => Some("this commit's"),
        (Parsed::Broken, _) => Some("the previous"),
        _ => None,
    }
}

fn insert(side: &mut Side, parsed: &Parsed) {
    if let Parsed::Item(v) = parsed {
        side.entry((v.kind(), v.id().to_owned())).or_insert_with(|| v.clone());
    }
}

/// Parses one version of a roadmap or backlog file with the parser of `check`. Only
/// the front-matter is history: the body is left out, so that the versions kept while
/// walking stay small (locations are unchanged: the front-matter comes first).
pub fn parse_version(rel: &str, text: &str) -> Parsed {
    let Some(section) = Section::of(rel) else { return Parsed::Absent };
    let entry = Entry { section, rel: rel.to_owned(), path: rel.into() };
    let front = match crate::frontmatter::split(text) {
        crate::frontmatter::Split::Yaml { body_start, .. } => &text[..body_start],
        _ => text,
    };
    match parse::parse(&entry, Source::new(rel, rel, front.to_owned())).item {
        Some(Item::Initiative(i)) => Parsed::Item(Version::Initiative(i)),
        Some(Item::Story(s)) => Parsed::Item(Version::Story(s)),
        None => Parsed::Broken,
        Some(Item::Doc(_) | Item::RoadmapIntro(_) | Item::BacklogIntro(_)) => Parsed::Absent,
    }
}

fn changes_of(commit: (&Arc<Commit>, Locate), old: Option<&Version>, new: Option<&Version>) -> Vec<ItemChange> {
    match (old, new) {
        (None, Some(v)) => vec![change(commit, (None, Some(v)), Field::Created, (None, Some(v.title().to_owned())))],
        (Some(v), None) => vec![change(commit, (Some(v), None), Field::Deleted, (Some(v.title().to_owned()), None))],
        (Some(o), Some(n)) => o
            .fields()
            .into_iter()
            .zip(n.fields())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((field, a), (_, b))| change(commit, (Some(o), Some(n)), field, (a, b)))
            .collect(),
        (None, None) => vec![],
    }
}

fn change(
    (commit, locate): (&Arc<Commit>, Locate),
    (old, new): (Option<&Version>, Option<&Version>),
    field: Field,
    (before, after): (Option<String>, Option<String>),
) -> ItemChange {
    let shown = new.or(old).expect("one side exists");
    ItemChange {
        commit: commit.clone(),
        kind: shown.kind(),
        id: shown.id().to_owned(),
        title: shown.title().to_owned(),
        field,
        before,
        after,
        file: shown.doc().source.rel.clone(),
        at: (locate == Locate::Fields).then(|| shown.locate(field)),
        owner_before: old.and_then(Version::owner),
        owner_after: new.and_then(Version::owner),
        initiative: shown.initiative(),
        internal: [old, new].into_iter().flatten().any(|v| v.visibility() == crate::model::Visibility::Internal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Arc<Commit> {
        Arc::new(Commit {
            id: "0123456789abcdef0123456789abcdef01234567".into(),
            authors: vec![],
            date: crate::model::Date { year: 2026, month: 11, day: 4 },
            week: crate::model::Date { year: 2026, month: 11, day: 2 },
            time: 0,
        })
    }

    fn file(rel: &str, before: Option<&str>, after: Option<&str>) -> FileChange {
        let parsed = |text: Option<&str>| text.map_or(Parsed::Absent, |t| parse_version(rel, t));
        FileChange { rel: rel.into(), before: parsed(before), after: parsed(after) }
    }

    const STORY: &str = "---\ntitle: Form\nproduct_owner: olga\nrank: 2\n---\n";

    #[test]
    fn a_changed_rank_points_at_the_new_value() {
        let mut notes = vec![];
        let changed = STORY.replace("rank: 2", "rank: 1");
        let files = [file("backlog/A-1.md", Some(STORY), Some(&changed))];
        let changes = compare((&commit(), Locate::Fields), &files, &mut notes);
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!((c.field, c.before.as_deref(), c.after.as_deref()), (Field::Rank, Some("2"), Some("1")));
        let at = c.at.as_ref().unwrap();
        assert_eq!((at.line, at.column, c.owner_after.as_deref()), (4, 7, Some("olga")));
        // A build does not ask where the field is.
        assert_eq!(compare((&commit(), Locate::No), &files, &mut notes)[0].at, None);
        assert!(notes.is_empty());
    }

    #[test]
    fn a_moved_file_is_not_a_change_and_a_broken_one_is_a_note() {
        let mut notes = vec![];
        let moved = [file("backlog/A-1.md", Some(STORY), None), file("backlog/old/A-1.md", None, Some(STORY))];
        assert!(compare((&commit(), Locate::Fields), &moved, &mut notes).is_empty());
        let broken = [file("backlog/A-1.md", Some("---\ntitle: [\n---\n"), Some(STORY))];
        assert!(compare((&commit(), Locate::Fields), &broken, &mut notes).is_empty());
        assert_eq!(notes.len(), 1);
        assert!(notes[0].message.contains("previous version does not parse"));
    }

    #[test]
    fn every_field_reads_back_under_its_key() {
        let fields = INITIATIVE_FIELDS.iter().map(|(f, _)| *f).chain(STORY_FIELDS.iter().map(|(f, _)| *f));
        for field in fields.chain([Field::Created, Field::Deleted]) {
            let json = serde_json::to_string(&field).unwrap();
            assert_eq!(json, format!("\"{}\"", field.key()));
            assert_eq!(serde_json::from_str::<Field>(&json).unwrap(), field);
        }
    }

    #[test]
    fn created_and_deleted_items_name_their_title() {
        let mut notes = vec![];
        let changes = compare((&commit(), Locate::Fields), &[file("backlog/A-1.md", None, Some(STORY))], &mut notes);
        assert_eq!((changes[0].field, changes[0].after.as_deref()), (Field::Created, Some("Form")));
        let changes = compare((&commit(), Locate::Fields), &[file("backlog/A-1.md", Some(STORY), None)], &mut notes);
        assert_eq!((changes[0].field, changes[0].owner_before.as_deref()), (Field::Deleted, Some("olga")));
    }
}
