//! One content file's text -> one typed item plus its diagnostics.
//!
//! Each file is parsed alone (no cross-file knowledge), so `serve` can re-parse a
//! changed file without touching the others.

use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::{Document, Fields, Mapping, Split, split};
use crate::load::{Entry, Section};
use crate::model::*;
use crate::source::Source;
use crate::urls;
use std::sync::Arc;

/// The front-matter fields of an initiative (SPEC §4), in the order of the spec.
pub const INITIATIVE: &[&str] = &[
    "id",
    "title",
    "product_manager",
    "horizon",
    "status",
    "timeframe",
    "outcome",
    "metrics",
    "product_owners",
    "depends_on",
    "shipped_on",
    "tags",
    "visibility",
];
/// The front-matter fields of a story.
pub const STORY: &[&str] = &[
    "id",
    "title",
    "product_owner",
    "initiative",
    "status",
    "rank",
    "estimate",
    "sprint",
    "acceptance_criteria",
    "depends_on",
    "done_on",
    "tags",
    "visibility",
];
/// The front-matter fields of a docs page.
pub const DOC: &[&str] = &["title", "owner", "weight", "visibility", "tags"];
const INTRO: &[&str] = &["title"];
const METRIC: &[&str] = &["name", "baseline", "target", "current"];

const ITEM_ID: &str = "[A-Za-z0-9][A-Za-z0-9._-]*";
const PERSON_ID: &str = "[a-z0-9][a-z0-9_-]*";

/// A parsed file: the item and the diagnostics found in the file alone.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    /// `None` when the file could not be turned into an item (its diagnostics say why).
    pub item: Option<Item>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a content file that has been read.
pub fn parse(entry: &Entry, source: Source) -> ParsedFile {
    let stem = file_stem(&entry.rel);
    let is_intro = stem == "_index" && entry.section != Section::Docs;
    let needs_front_matter = entry.section != Section::Docs && !is_intro;
    let doc = match document(source, needs_front_matter) {
        Ok(doc) => doc,
        Err(d) => return unusable(*d),
    };
    let map = match doc.parse() {
        Ok(map) => map,
        Err(d) => return unusable(*d),
    };
    let doc = Arc::new(doc);
    match (entry.section, is_intro) {
        (Section::Roadmap, true) => intro(&doc, &map, Item::RoadmapIntro),
        (Section::Backlog, true) => intro(&doc, &map, Item::BacklogIntro),
        (Section::Roadmap, false) => initiative(&doc, &map, stem),
        (Section::Backlog, false) => story(&doc, &map, stem),
        (Section::Docs, _) => doc_page(&doc, &map, &entry.rel),
    }
}

fn unusable(d: Diagnostic) -> ParsedFile {
    ParsedFile { item: None, diagnostics: vec![d] }
}

fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".md").unwrap_or(name)
}

fn document(source: Source, needs_front_matter: bool) -> Result<Document, Box<Diagnostic>> {
    // Located only on a problem: locating indexes the file's lines, which a good file
    // never needs (10 MB at 10,000 stories).
    let problem = |rule, message: &str, help: &str| {
        Err(Box::new(Diagnostic::at(rule, &source, source.locate(0, 3), message).help(help)))
    };
    match split(&source.text) {
        Split::Yaml { yaml, body_start } => Ok(Document::new(source, yaml, body_start)),
        Split::None if !needs_front_matter => Ok(Document::body_only(source)),
        Split::None if source.text.trim().is_empty() => problem(
            Rule::FrontMatterMissing,
            "file is empty",
            "start the file with a front-matter block: `---`, the fields (at least `title`), then `---`",
        ),
        Split::None => problem(
            Rule::FrontMatterMissing,
            "no front-matter block at the top of the file",
            "start the file with `---`, the YAML fields, then a closing `---` line",
        ),
        Split::Toml => problem(
            Rule::FrontMatterSyntax,
            "TOML front-matter (`+++`) is not supported",
            "charter reads YAML front-matter: use `---` lines and `key: value` fields",
        ),
        Split::Unclosed => problem(
            Rule::FrontMatterSyntax,
            "front-matter never closes",
            "add a line with just `---` after the last field",
        ),
    }
}

fn intro(doc: &Arc<Document>, map: &Mapping, wrap: fn(Arc<Intro>) -> Item) -> ParsedFile {
    let mut f = Fields::new(doc, vec![], map, "section intro", INTRO);
    let title = f.text("title");
    let diagnostics = f.finish();
    ParsedFile { item: Some(wrap(Arc::new(Intro { title, doc: doc.clone() }))), diagnostics }
}

fn item_id(f: &mut Fields, stem: &str) -> String {
    if f.get("id").is_some() {
        return f.id("id", is_item_id, ITEM_ID).unwrap_or_else(|| stem.to_owned());
    }
    if !is_item_id(stem) {
        let help = format!("rename the file, or set `id:` to a value matching `{ITEM_ID}`");
        let location = f.doc().start_location();
        f.push(
            Diagnostic::at(
                Rule::InvalidValue,
                &f.doc().source,
                location,
                format!("the file name `{stem}` is not a valid id"),
            )
            .help(help),
        );
    }
    stem.to_owned()
}

fn initiative(doc: &Arc<Document>, map: &Mapping, stem: &str) -> ParsedFile {
    let mut f = Fields::new(doc, vec![], map, "initiative", INITIATIVE);
    let id = item_id(&mut f, stem);
    let title = f.required_text("title", "Guest checkout");
    let product_manager = f.id("product_manager", is_person_id, PERSON_ID).map(PersonId);
    if f.get("product_manager").is_none() {
        f.missing(
            "product_manager",
            "add `product_manager: <person id>`: initiatives are owned by a product manager".into(),
        );
    }
    let status = f.keyword("status").unwrap_or(InitiativeStatus::Proposed);
    let horizon = f.keyword("horizon");
    if f.get("horizon").is_none() && !status.is_closed() {
        f.missing(
            "horizon",
            "add `horizon: now`, `next` or `later` (only shipped or dropped initiatives may omit it)".into(),
        );
    }
    let item = Initiative {
        title: title.unwrap_or_else(|| id.clone()),
        id: InitiativeId(id),
        product_manager,
        horizon,
        status,
        timeframe: f.timeframe("timeframe"),
        outcome: f.text("outcome"),
        metrics: f.mapping_list("metrics", "metric", METRIC, metric),
        product_owners: f.id_list("product_owners", is_person_id, PERSON_ID).into_iter().map(PersonId).collect(),
        depends_on: f.id_list("depends_on", is_item_id, ITEM_ID).into_iter().map(InitiativeId).collect(),
        shipped_on: f.date("shipped_on"),
        tags: f.text_list("tags"),
        visibility: f.keyword("visibility").unwrap_or(Visibility::Public),
        doc: doc.clone(),
    };
    ParsedFile { item: Some(Item::Initiative(Arc::new(item))), diagnostics: f.finish() }
}

fn metric(f: &mut Fields) -> Option<Metric> {
    let name = f.required_text("name", "Checkout conversion");
    let target = f.required_text("target", "70%");
    Some(Metric { name: name?, baseline: f.text("baseline"), target, current: f.text("current") })
}

fn story(doc: &Arc<Document>, map: &Mapping, stem: &str) -> ParsedFile {
    let mut f = Fields::new(doc, vec![], map, "story", STORY);
    let id = item_id(&mut f, stem);
    let title = f.required_text("title", "Guest address form");
    let product_owner = f.id("product_owner", is_person_id, PERSON_ID).map(PersonId);
    if f.get("product_owner").is_none() {
        f.missing(
            "product_owner",
            "add `product_owner: <person id>`: every story has exactly one product owner".into(),
        );
    }
    let item = Story {
        title: title.unwrap_or_else(|| id.clone()),
        id: StoryId(id),
        product_owner,
        initiative: f.id("initiative", is_item_id, ITEM_ID).map(InitiativeId),
        status: f.keyword("status").unwrap_or(StoryStatus::Backlog),
        rank: rank(&mut f),
        estimate: f.non_negative("estimate"),
        sprint: f.id("sprint", is_item_id, ITEM_ID).map(SprintId),
        acceptance_criteria: f.text_list("acceptance_criteria"),
        depends_on: f.id_list("depends_on", is_item_id, ITEM_ID).into_iter().map(StoryId).collect(),
        done_on: f.date("done_on"),
        tags: f.text_list("tags"),
        visibility: f.keyword("visibility").unwrap_or(Visibility::Public),
        doc: doc.clone(),
    };
    ParsedFile { item: Some(Item::Story(Arc::new(item))), diagnostics: f.finish() }
}

/// `rank`: a whole number from 1 up; one too large to hold is an error, not silently no rank.
fn rank(f: &mut Fields) -> Option<u32> {
    let rank = f.integer("rank", 1)?;
    let fits = u32::try_from(rank).ok();
    if fits.is_none() {
        let message = format!("`rank` must be at most {}, found {rank}", u32::MAX);
        f.invalid(&["rank".into()], message, "ranks order a backlog: 1, 2, 3, ...".into());
    }
    fits
}

fn doc_page(doc: &Arc<Document>, map: &Mapping, rel: &str) -> ParsedFile {
    let mut f = Fields::new(doc, vec![], map, "doc page", DOC);
    let title = f.text("title").or_else(|| first_heading(doc.body())).unwrap_or_else(|| file_stem(rel).to_owned());
    let item = DocPage {
        url: urls::doc_folder(rel),
        title,
        owner: f.id("owner", is_person_id, PERSON_ID).map(PersonId),
        weight: f.integer("weight", i64::MIN),
        visibility: f.keyword("visibility").unwrap_or(Visibility::Public),
        tags: f.text_list("tags"),
        doc: doc.clone(),
    };
    ParsedFile { item: Some(Item::Doc(Arc::new(item))), diagnostics: f.finish() }
}

/// The text of the first level-1 heading outside code blocks.
fn first_heading(body: &str) -> Option<String> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut inside = false;
    let mut text = String::new();
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) => inside = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                return Some(text.trim().to_owned()).filter(|t| !t.is_empty());
            }
            Event::Text(t) | Event::Code(t) if inside => text.push_str(&t),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(rel: &str, text: &str) -> ParsedFile {
        let section = match rel.split('/').next() {
            Some("roadmap") => Section::Roadmap,
            Some("backlog") => Section::Backlog,
            _ => Section::Docs,
        };
        let entry = Entry { section, rel: rel.into(), path: rel.into() };
        parse(&entry, Source::new(rel, rel, text.into()))
    }

    #[test]
    fn a_story_is_read_with_defaults() {
        let parsed = parse_text("backlog/CHK-1.md", "---\ntitle: Form\nproduct_owner: bob\nrank: 2\n---\nBody\n");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let Some(Item::Story(story)) = parsed.item else { panic!() };
        assert_eq!(story.id.as_str(), "CHK-1");
        assert_eq!(story.status, StoryStatus::Backlog);
        assert_eq!(story.rank, Some(2));
        assert_eq!(story.doc.body(), "Body\n");
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_suggestion() {
        let parsed = parse_text("backlog/a.md", "---\ntitel: x\nproduct_owner: bob\nestimat: 3\ncolour: red\n---\n");
        let unknown: Vec<_> = parsed.diagnostics.iter().filter(|d| d.rule == Rule::UnknownField).collect();
        assert_eq!(unknown.len(), 3);
        assert!(unknown[0].help.contains("`title`"));
        assert!(unknown[1].help.contains("`estimate`"));
        assert!(parsed.diagnostics.iter().any(|d| d.rule == Rule::MissingField && d.message.contains("`title`")));
    }

    #[test]
    fn doc_titles_come_from_the_first_heading_outside_code() {
        let parsed = parse_text("docs/guide/Getting Started.md", "```\n# not this\n```\n\n# Getting *started*\n");
        let Some(Item::Doc(doc)) = parsed.item else { panic!() };
        assert_eq!(doc.title, "Getting started");
        assert_eq!(doc.url, "docs/guide/getting-started");
    }

    #[test]
    fn missing_and_broken_front_matter_are_named() {
        assert_eq!(parse_text("backlog/a.md", "").diagnostics[0].rule, Rule::FrontMatterMissing);
        assert_eq!(parse_text("backlog/a.md", "  \n").diagnostics[0].message, "file is empty");
        assert_eq!(parse_text("roadmap/a.md", "# x\n").diagnostics[0].rule, Rule::FrontMatterMissing);
        assert!(parse_text("roadmap/a.md", "+++\ntitle='x'\n+++\n").diagnostics[0].help.contains("YAML"));
        assert!(parse_text("roadmap/a.md", "---\ntitle: x\n").diagnostics[0].message.contains("never closes"));
        assert!(parse_text("roadmap/_index.md", "Intro only\n").diagnostics.is_empty());
    }
}
