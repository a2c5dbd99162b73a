//! Hover, go to definition and symbols: the ids written in front-matter and the links
//! in bodies, looked up in the checked model.

use super::complete::{Kind, parent_key, sprint_detail};
use super::position;
use crate::config::CONFIG_FILE;
use crate::frontmatter::{Document, Part, Seg, Split, split};
use crate::model::{Initiative, Person, Site, Sprint, Story};
use lsp_types::{DocumentSymbol, Hover, HoverContents, MarkupContent, MarkupKind, Range, SymbolKind};
use std::sync::Arc;

/// What an id in front-matter names.
enum Target<'a> {
    Person(&'a Person),
    Initiative(&'a Arc<Initiative>),
    Story(&'a Arc<Story>),
    Sprint(&'a Sprint),
}

/// The id under byte `offset` of the front-matter of `text`, with the field it is a value of.
fn id_at(text: &str, offset: usize) -> Option<(&str, &str)> {
    let Split::Yaml { yaml, .. } = split(text) else { return None };
    if !yaml.contains(&offset) {
        return None;
    }
    let (start, end) = word_at(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let key = match line.split_once(':') {
        Some((key, _)) if !line.starts_with([' ', '\t', '-']) => key.trim(),
        _ => parent_key(&text[yaml.start..line_start]),
    };
    let word = &text[start..end];
    (!word.is_empty() && !text[line_start..start].trim().is_empty()).then_some((key, word))
}

/// The start and end of the id-like word around byte `offset`.
fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let is_id = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let start = text[..offset].rfind(|c: char| !is_id(c)).map_or(0, |i| i + 1);
    let end = text[offset..].find(|c: char| !is_id(c)).map_or(text.len(), |i| offset + i);
    (start, end)
}

/// In charter.yaml, the person or sprint an id under the cursor names: the `id:` of a
/// `team:` or `sprints:` entry, or a `reports_to:`.
fn config_target<'a>(site: &'a Site, text: &str, offset: usize) -> Option<Target<'a>> {
    let (start, end) = word_at(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (key, _) = text[line_start..start].trim_start().trim_start_matches("- ").split_once(':')?;
    let id = &text[start..end];
    match (parent_key(&text[..line_start]), key.trim()) {
        ("team", "id" | "reports_to") => site.person(id).map(Target::Person),
        ("sprints", "id") => site.sprint(id).map(Target::Sprint),
        _ => None,
    }
}

fn target<'a>(site: &'a Site, rel: &str, text: &str, offset: usize) -> Option<Target<'a>> {
    if rel == CONFIG_FILE {
        return config_target(site, text, offset);
    }
    let (key, id) = id_at(text, offset)?;
    match (Kind::of(rel)?, key) {
        (_, "product_owner" | "product_owners" | "product_manager" | "owner") => site.person(id).map(Target::Person),
        (Kind::Initiative, "depends_on") | (_, "initiative") => site.initiative(id).map(Target::Initiative),
        (_, "depends_on") => site.story(id).map(Target::Story),
        (_, "sprint") => site.sprint(id).map(Target::Sprint),
        _ => None,
    }
}

/// What the id under the cursor names, in Markdown.
pub fn hover(site: &Site, rel: &str, text: &str, offset: usize) -> Option<Hover> {
    let value = match target(site, rel, text, offset)? {
        Target::Person(p) => {
            let boss = p.reports_to.as_ref().map(|b| format!(", reports to `{}`", b.0)).unwrap_or_default();
            format!("**{}** (`{}`)\n\nroles: {}{boss}", p.name, p.id.0, p.roles.join(", "))
        }
        Target::Initiative(i) => {
            let horizon = i.horizon.map(|h| format!(", horizon {h}")).unwrap_or_default();
            let pm = i.product_manager.as_ref().map(|p| format!(", product manager `{}`", p.0)).unwrap_or_default();
            format!("**{}** (initiative `{}`)\n\nstatus {}{horizon}{pm}", i.title, i.id.0, i.status)
        }
        Target::Story(s) => {
            let po = s.product_owner.as_ref().map(|p| format!(", product owner `{}`", p.0)).unwrap_or_default();
            format!("**{}** (story `{}`)\n\nstatus {}{po}", s.title, s.id.0, s.status)
        }
        Target::Sprint(s) => format!("**Sprint `{}`**\n\n{}", s.id.0, sprint_detail(s)),
    };
    let contents = HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value });
    Some(Hover { contents, range: None })
}

/// The file and range that define the id or relative link under the cursor.
pub fn definition(site: &Site, rel: &str, text: &str, offset: usize) -> Option<(String, Range)> {
    let item =
        |doc: &Document| (doc.source.rel.clone(), position::location_range(&doc.locate(&["id".into()], Part::Value)));
    match target(site, rel, text, offset) {
        Some(Target::Person(p)) => Some(config_entry(site, "team", p.index)),
        Some(Target::Sprint(s)) => Some(config_entry(site, "sprints", s.index)),
        Some(Target::Initiative(i)) => Some(item(&i.doc)),
        Some(Target::Story(s)) => Some(item(&s.doc)),
        None => link_at(site, rel, text, offset).map(|target| (target, Range::default())),
    }
}

/// The page a Markdown link `](target)` around `offset` leads to, as a site path.
fn link_at(site: &Site, rel: &str, text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let open = text[line_start..offset].rfind("](")? + line_start + 2;
    let close = text[open..].find([')', '\n'])? + open;
    let target = text[open..close].split('#').next()?.trim();
    let folder = rel.rsplit_once('/').map_or("", |(f, _)| f);
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let resolved = parts.join("/");
    site.page(&resolved).is_some().then_some(resolved)
}

/// The top-level fields of the front-matter (or of charter.yaml), each list entry's
/// `id` as a child: the outline of a file.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be written
pub fn document_symbols(text: &str) -> Vec<DocumentSymbol> {
    let yaml = match split(text) {
        Split::Yaml { yaml, .. } => yaml,
        _ if !text.starts_with("---") => 0..text.len(),
        _ => return vec![],
    };
    let mut symbols: Vec<DocumentSymbol> = vec![];
    let mut offset = yaml.start;
    for line in text[yaml.clone()].split_inclusive('\n') {
        let entry = line.trim_start().strip_prefix("- id:").map(str::trim);
        let symbol = |name: &str, kind| {
            let range =
                Range::new(position::position(text, offset), position::position(text, offset + line.trim_end().len()));
            DocumentSymbol {
                name: name.to_owned(),
                detail: None,
                kind,
                tags: None,
                deprecated: None,
                range,
                selection_range: range,
                children: None,
            }
        };
        if let (Some(id), Some(parent)) = (entry, symbols.last_mut()) {
            parent.children.get_or_insert_with(Vec::new).push(symbol(id, SymbolKind::OBJECT));
        } else if let Some((key, _)) = line.split_once(':').filter(|_| !line.starts_with([' ', '\t', '-', '#'])) {
            symbols.push(symbol(key.trim(), SymbolKind::FIELD));
        }
        offset += line.len();
    }
    symbols
}

/// A symbol of the whole site.
pub struct SiteSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub file: String,
    pub range: Range,
}

/// Initiatives, stories, docs, people and sprints whose id or title holds `query`.
pub fn workspace_symbols(site: &Site, query: &str) -> Vec<SiteSymbol> {
    let query = query.to_lowercase();
    let symbol = |id: &str, title: &str, kind, (file, range): (String, Range)| SiteSymbol {
        name: format!("{id}: {title}"),
        kind,
        file,
        range,
    };
    let file = |doc: &Document| (doc.source.rel.clone(), Range::default());
    let config = &site.config;
    let initiatives = site.initiatives.iter().map(|i| symbol(&i.id.0, &i.title, SymbolKind::CLASS, file(&i.doc)));
    let stories = site.stories.iter().map(|s| symbol(&s.id.0, &s.title, SymbolKind::OBJECT, file(&s.doc)));
    let docs = site.docs.iter().map(|d| symbol(&d.url, &d.title, SymbolKind::FILE, file(&d.doc)));
    let people =
        config.team.iter().map(|p| symbol(&p.id.0, &p.name, SymbolKind::CONSTANT, config_entry(site, "team", p.index)));
    let sprints = config
        .sprints
        .iter()
        .map(|s| symbol(&s.id.0, &sprint_detail(s), SymbolKind::EVENT, config_entry(site, "sprints", s.index)));
    let all = initiatives.chain(stories).chain(docs).chain(people).chain(sprints);
    all.filter(|s| s.name.to_lowercase().contains(&query)).collect()
}

/// Where the `id` of entry `index` of the list `list` of charter.yaml is.
fn config_entry(site: &Site, list: &str, index: usize) -> (String, Range) {
    let path = [Seg::Key(list.into()), Seg::Index(index), Seg::Key("id".into())];
    (CONFIG_FILE.to_owned(), position::location_range(&site.config.doc.locate(&path, Part::Value)))
}
