//! The pipeline as its list of stages: load -> parse -> model -> validate -> theme.
//! `check`, `build` and `serve` all start here.

use crate::config::Config;
use crate::diag::{self, Diagnostic};
use crate::error::Error;
use crate::links;
use crate::load::{self, Entry, Inventory, Section};
use crate::model::{Item, Parts, Site};
use crate::parse::{self, ParsedFile};
use crate::theme::Theme;
use crate::validate;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A loaded and validated site, with every diagnostic (sorted, overrides applied).
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    pub inventory: Inventory,
    pub diagnostics: Vec<Diagnostic>,
    /// The compiled templates; `None` when they failed to load, with the reasons among
    /// the diagnostics (so `check` finds what would stop `build`).
    pub theme: Option<Theme>,
}

/// Loads, parses and validates the site at `root`. `exclude` lists folders the walk
/// skips (the output folder).
pub fn check(root: &Path, exclude: &[PathBuf]) -> Result<Checked, Error> {
    let modelled = model(root, exclude)?;
    let findings = findings(&modelled);
    Ok(modelled.checked(findings))
}

/// What [`check`] finds in a model beyond reading and parsing it: the rules'
/// diagnostics and the theme's problems, and the theme when it loads. Apart from the
/// model, so that a build reads history's file versions meanwhile, which need the
/// model's items (see `cmd::build`).
pub struct Findings {
    diagnostics: Vec<Diagnostic>,
    theme: Option<Theme>,
}

/// Runs the rules over a model and loads its theme.
pub fn findings(modelled: &Modelled) -> Findings {
    let site = &modelled.site;
    let mut diagnostics = validate::validate(site);
    let theme = match Theme::load(&site.config, &modelled.inventory, &site.statics) {
        Ok(theme) => Some(theme),
        Err(problems) => {
            diagnostics.extend(problems);
            None
        }
    };
    Findings { diagnostics, theme }
}

impl Modelled {
    /// The model with what [`findings`] found in it: checked, its diagnostics sorted
    /// and `rules:` applied.
    pub fn checked(self, findings: Findings) -> Checked {
        let Modelled { site, inventory, mut diagnostics } = self;
        diagnostics.extend(findings.diagnostics);
        let diagnostics = diag::finish(diagnostics, &site.config.rules);
        Checked { site, inventory, diagnostics, theme: findings.theme }
    }
}

/// A site loaded and parsed into its model, not validated: its files, and the
/// diagnostics of reading and parsing them (unsorted, no overrides applied).
pub struct Modelled {
    pub site: Site,
    pub inventory: Inventory,
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads and parses the site at `root` into its model, without the rules or the theme:
/// what `audit` needs (the team, and the items the work tree holds) and the start of
/// [`check`].
pub fn model(root: &Path, exclude: &[PathBuf]) -> Result<Modelled, Error> {
    let (config, mut diagnostics) = Config::load(root)?;
    let mut inventory = load::inventory(root, &config, exclude);
    diagnostics.append(&mut inventory.problems);
    let parsed = parse_all(&inventory.content, inventory.blob_ids);
    let site = assemble(root, config, &parsed, &inventory, &mut diagnostics);
    Ok(Modelled { site, inventory, diagnostics })
}

/// Checks files held in memory (no disk access): a config text and content files as
/// (site path, text). Used by the fuzz targets and by tests of single files.
pub fn check_texts(config: &str, files: &[(&str, &str)]) -> Vec<Diagnostic> {
    let (config, mut diagnostics) = Config::parse(crate::source::Source::new(
        crate::config::CONFIG_FILE,
        crate::config::CONFIG_FILE,
        config.to_owned(),
    ));
    let parsed: Vec<ParsedFile> = files
        .iter()
        .filter_map(|(rel, text)| {
            let section = load::Section::of(rel)?;
            let entry = Entry { section, rel: (*rel).to_owned(), path: PathBuf::from(rel) };
            Some(parse::parse(&entry, crate::source::Source::new(*rel, *rel, (*text).to_owned())))
        })
        .collect();
    let site = assemble(Path::new("."), config, &parsed, &Inventory::default(), &mut diagnostics);
    diagnostics.extend(validate::validate(&site));
    diag::finish(diagnostics, &site.config.rules)
}

/// Reads and parses every content file, in parallel, letting go of each body once it
/// is scanned (see [`Item::release_text`]).
fn parse_all(entries: &[Entry], blob_ids: bool) -> Vec<ParsedFile> {
    let parse = |entry| {
        let mut parsed = parse_entry(entry, blob_ids);
        parsed.item.iter_mut().for_each(Item::release_text);
        parsed
    };
    entries.par_iter().map(parse).collect()
}

/// Reads and parses one content file (with its git blob id when `blob_id`, for a
/// roadmap or backlog file: history takes only items from the work tree).
pub fn parse_entry(entry: &Entry, blob_id: bool) -> ParsedFile {
    match load::read_text(&entry.rel, &entry.path, blob_id && entry.section != Section::Docs) {
        Ok(source) => parse::parse(entry, source),
        Err(d) => ParsedFile { item: None, diagnostics: vec![*d] },
    }
}

/// Builds the model from parsed files, collecting their diagnostics.
pub fn assemble<'a>(
    root: &Path,
    config: Config,
    parsed: impl IntoIterator<Item = &'a ParsedFile>,
    inventory: &Inventory,
    diagnostics: &mut Vec<Diagnostic>,
) -> Site {
    let mut parts = Parts { statics: inventory.statics.clone(), assets: inventory.assets.clone(), ..Parts::default() };
    for file in parsed {
        diagnostics.extend(file.diagnostics.iter().cloned());
        match &file.item {
            Some(Item::Initiative(i)) => parts.initiatives.push(i.clone()),
            Some(Item::Story(s)) => parts.stories.push(s.clone()),
            Some(Item::Doc(d)) => parts.docs.push(d.clone()),
            Some(Item::RoadmapIntro(i)) => parts.roadmap_intro = Some(i.clone()),
            Some(Item::BacklogIntro(i)) => parts.backlog_intro = Some(i.clone()),
            None => {}
        }
    }
    let mut site = Site::new(root.to_path_buf(), Arc::new(config), parts);
    site.disk = load::disk(root, links::outside_paths(&site));
    site
}

/// The site `previous` with the new parse of each edited file (site path, `None` once
/// deleted) put in place, without assembling and indexing the whole site again. `None`
/// when an edit changes the site's shape (a file or an id added, removed or renamed: see
/// [`Site::replace`]) or which paths outside the site its links name; the site must
/// then be assembled again. The disk outside the site is not looked at again.
pub fn reassemble<'a>(
    previous: &Site,
    edited: impl IntoIterator<Item = (&'a str, Option<&'a ParsedFile>)>,
) -> Option<Site> {
    let mut site = previous.clone();
    for (rel, parsed) in edited {
        let old = previous.page(rel);
        match (old, parsed.and_then(|p| p.item.clone())) {
            // Unusable before and after (or gone): never part of the model.
            (None, None) => {}
            (Some(old), Some(item)) => {
                let outside = |doc| links::outside_paths_of(doc).collect::<BTreeSet<_>>();
                if outside(old.doc()) != outside(item.page().doc()) || !site.replace(item) {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(site)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONFIG_FILE;
    use crate::source::Source;

    fn parsed(rel: &str, title: &str, extra: &str) -> ParsedFile {
        let section = load::Section::of(rel).expect("a content path");
        let entry = Entry { section, rel: rel.to_owned(), path: PathBuf::from(rel) };
        let text = format!("---\ntitle: {title}\nproduct_owner: olga\nstatus: backlog\nrank: 1\n{extra}---\nBody.\n");
        parse::parse(&entry, Source::new(rel, rel, text))
    }

    #[test]
    fn an_edit_that_keeps_the_ids_updates_the_model_in_place_and_no_other_does() {
        let (config, _) = Config::parse(Source::new(CONFIG_FILE, CONFIG_FILE, "title: T\n".to_owned()));
        let files = [parsed("backlog/A-1.md", "One", ""), parsed("backlog/A-2.md", "Two", "")];
        let site = assemble(Path::new("."), config, &files, &Inventory::default(), &mut vec![]);
        let retitled = parsed("backlog/A-1.md", "Renamed", "");
        let updated = reassemble(&site, [("backlog/A-1.md", Some(&retitled))]).expect("the same shape");
        assert_eq!(updated.story("A-1").map(|s| s.title.as_str()), Some("Renamed"));
        assert_eq!(site.story("A-1").map(|s| s.title.as_str()), Some("One"), "the last model is kept");
        let new_id = parsed("backlog/A-1.md", "One", "id: B-1\n");
        assert!(reassemble(&site, [("backlog/A-1.md", Some(&new_id))]).is_none(), "an id changed");
        assert!(reassemble(&site, [("backlog/A-2.md", None)]).is_none(), "a file deleted");
        let added = parsed("backlog/A-3.md", "Three", "");
        assert!(reassemble(&site, [("backlog/A-3.md", Some(&added))]).is_none(), "a file added");
        let unusable = parsed("backlog/A-2.md", "Two", "");
        let unusable = ParsedFile { item: None, ..unusable };
        assert!(reassemble(&site, [("backlog/A-2.md", Some(&unusable))]).is_none(), "an item became unusable");
    }
}
