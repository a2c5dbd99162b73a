//! References between items: ids unique, references resolve, no cycles, no leaks,
//! and no two pages on one output path.

use super::{at, at_entry, key, list_words, person_path};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::frontmatter::{Document, Part, Seg};
use crate::model::{InitiativeId, Page, Site, Visibility};
use crate::urls;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// duplicate-id: two initiatives, two stories or two people with one id.
pub fn duplicate_id(site: &Site, out: &mut Vec<Diagnostic>) {
    let initiatives = site.initiatives.iter().map(|i| (i.id.as_str(), &*i.doc, key("id")));
    let stories = site.stories.iter().map(|s| (s.id.as_str(), &*s.doc, key("id")));
    let people = site.config.team.iter().map(|p| (p.id.as_str(), &*site.config.doc, person_path(p.index, "id")));
    report_duplicates("initiative", initiatives, out);
    report_duplicates("story", stories, out);
    report_duplicates("person", people, out);
}

fn report_duplicates<'a>(
    what: &str,
    items: impl Iterator<Item = (&'a str, &'a Document, Vec<Seg>)>,
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, (&Document, Vec<Seg>)> = HashMap::new();
    for (id, doc, path) in items {
        match seen.get(id) {
            Some((first, first_path)) => {
                // People live in one file: name the line of the first one instead.
                let place = if first.source.rel == doc.source.rel {
                    format!("{}:{}", first.source.rel, first.locate(first_path, Part::Value).line)
                } else {
                    first.source.rel.clone()
                };
                let message = format!("{what} id `{id}` is already used by {place}");
                let help = if what == "person" {
                    "ids must be unique: change one of the two `id:` values"
                } else {
                    "ids must be unique: rename this file or set a different `id:`"
                };
                out.push(at(Rule::DuplicateId, doc, &path, Part::Value, message).help(help));
            }
            None => {
                seen.insert(id, (doc, path));
            }
        }
    }
}

/// duplicate-url: two pages that would land on one output path (ignoring case and
/// Unicode normalisation, as macOS and Windows file systems do).
pub fn duplicate_url(site: &Site, out: &mut Vec<Diagnostic>) {
    // Items with exactly the same id are duplicate-id, reported once there.
    let mut pages: Vec<(String, &Document, bool)> = vec![];
    pages.extend(site.initiatives.iter().map(|i| (format!("roadmap/{}", i.id), &*i.doc, true)));
    pages.extend(site.stories.iter().map(|s| (format!("backlog/{}", s.id), &*s.doc, true)));
    pages.extend(site.docs.iter().map(|d| (d.url.clone(), &*d.doc, false)));
    let mut seen: HashMap<String, (String, &Document)> = HashMap::new();
    for (url, doc, is_item) in pages {
        match seen.get(&urls::collision_key(&url)) {
            Some((first_url, _)) if is_item && *first_url == url => {}
            Some((first_url, first)) => {
                let same = if *first_url == url {
                    String::new()
                } else {
                    format!(" (`{first_url}` differs only in case or accents)")
                };
                let message = format!(
                    "{} would be written to `{url}/index.html`, like {}{same}",
                    doc.source.rel, first.source.rel
                );
                let help = "give one of the two files a different name or id".to_owned();
                out.push(Diagnostic::at(Rule::DuplicateUrl, &doc.source, doc.start_location(), message).help(help));
            }
            None => {
                seen.insert(urls::collision_key(&url), (url, doc));
            }
        }
    }
}

/// The output files charter writes itself, whatever the content.
const GENERATED: &[&str] = &[
    "index.html",
    "404.html",
    "roadmap/index.html",
    "backlog/index.html",
    "team/index.html",
    "sprints/index.html",
    "changelog/index.html",
    "roadmap.json",
    "search-index.json",
    "feed.xml",
    "sitemap.xml",
];

/// duplicate-url, for files copied as they are: a static file or an asset on the path
/// of a page, of a file charter writes, or of another such file.
pub fn duplicate_file_url(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut taken: HashMap<String, String> = HashMap::new();
    let mut take = |path: String, what: String| {
        taken.entry(urls::collision_key(&path)).or_insert(what);
    };
    GENERATED.iter().for_each(|f| take((*f).to_owned(), format!("charter's own `{f}`")));
    for i in &site.initiatives {
        take(
            urls::page_file(&urls::item_folder("roadmap", i.id.as_str())),
            format!("the page of {}", i.doc.source.rel),
        );
    }
    for s in &site.stories {
        take(
            urls::page_file(&urls::item_folder("backlog", s.id.as_str())),
            format!("the page of {}", s.doc.source.rel),
        );
    }
    for d in &site.docs {
        take(urls::page_file(&d.url), format!("the page of {}", d.doc.source.rel));
    }
    for p in &site.config.team {
        take(urls::page_file(&urls::item_folder("team", p.id.as_str())), format!("the page of person `{}`", p.id));
    }
    for sp in &site.config.sprints {
        take(urls::page_file(&urls::item_folder("sprints", sp.id.as_str())), format!("the page of sprint `{}`", sp.id));
    }
    let copied = site.statics.iter().filter(|f| f.rel.starts_with("static/")).chain(&site.assets);
    for file in copied {
        match taken.get(&urls::collision_key(&file.output)) {
            Some(first) => {
                let message = format!("{} would be written to `{}`, like {first}", file.rel, file.output);
                let help = "rename or move the file (output paths ignore case and accents)";
                out.push(Diagnostic::file(Rule::DuplicateUrl, &file.rel, message).help(help));
            }
            None => {
                taken.insert(urls::collision_key(&file.output), format!("`{}`", file.rel));
            }
        }
    }
}

/// unknown-initiative: a story's initiative exists.
pub fn unknown_initiative(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    let Some(id) = s.initiative.as_ref().filter(|id| site.initiative(id.as_str()).is_none()) else { return };
    let help =
        suggest(id.as_str(), site.initiatives.iter().map(|i| i.id.as_str()), "initiatives are the files of roadmap/");
    let message = format!("initiative `{id}` does not exist");
    out.push(at(Rule::UnknownInitiative, &s.doc, &key("initiative"), Part::Value, message).help(help));
}

/// unknown-sprint: a story's sprint is listed in `sprints`.
pub fn unknown_sprint(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let Page::Story(s) = page else { return };
    let Some(id) = s.sprint.as_ref().filter(|id| site.sprint(id.as_str()).is_none()) else { return };
    let sprints = site.config.sprints.iter().map(|s| s.id.as_str());
    let help = suggest(id.as_str(), sprints, "add the sprint to `sprints:` in charter.yaml");
    let message = format!("sprint `{id}` is not in charter.yaml");
    out.push(at(Rule::UnknownSprint, &s.doc, &key("sprint"), Part::Value, message).help(help));
}

fn suggest<'a>(id: &str, candidates: impl Iterator<Item = &'a str>, otherwise: &str) -> String {
    match did_you_mean(id, candidates) {
        Some(near) => format!("did you mean `{near}`?"),
        None => otherwise.to_owned(),
    }
}

/// unknown-dependency: depends_on names existing items of the same kind.
pub fn unknown_dependency(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    match page {
        Page::Initiative(i) => {
            for dep in i.depends_on.iter().filter(|d| site.initiative(d.as_str()).is_none()) {
                let help = suggest(
                    dep.as_str(),
                    site.initiatives.iter().map(|i| i.id.as_str()),
                    "initiatives depend on other initiatives (files of roadmap/)",
                );
                let message = format!("depends on `{dep}`, which is not an initiative");
                out.push(at_entry(Rule::UnknownDependency, &i.doc, "depends_on", dep.as_str(), message).help(help));
            }
        }
        Page::Story(s) => {
            for dep in s.depends_on.iter().filter(|d| site.story(d.as_str()).is_none()) {
                let help = suggest(
                    dep.as_str(),
                    site.stories.iter().map(|s| s.id.as_str()),
                    "stories depend on other stories (files of backlog/)",
                );
                let message = format!("depends on `{dep}`, which is not a story");
                out.push(at_entry(Rule::UnknownDependency, &s.doc, "depends_on", dep.as_str(), message).help(help));
            }
        }
        Page::Doc(_) | Page::Intro(_) => {}
    }
}

/// dependency-cycle: depends_on never leads back to where it started.
pub fn dependency_cycle(site: &Site, out: &mut Vec<Diagnostic>) {
    let initiatives: BTreeMap<&str, (Vec<&str>, &Document)> = site
        .initiatives
        .iter()
        .map(|i| (i.id.as_str(), (i.depends_on.iter().map(|d| d.as_str()).collect(), &*i.doc)))
        .collect();
    let stories: BTreeMap<&str, (Vec<&str>, &Document)> = site
        .stories
        .iter()
        .map(|s| (s.id.as_str(), (s.depends_on.iter().map(|d| d.as_str()).collect(), &*s.doc)))
        .collect();
    for graph in [initiatives, stories] {
        for cycle in cycles(&graph) {
            let (_, doc) = &graph[cycle[0]];
            let mut path: Vec<&str> = cycle.clone();
            path.push(cycle[0]);
            let message = format!("dependency cycle: {}", path.join(" -> "));
            let help = format!(
                "remove one of these depends_on entries to break the cycle ({})",
                list_words(cycle.iter().copied())
            );
            out.push(at_entry(Rule::DependencyCycle, doc, "depends_on", cycle[1 % cycle.len()], message).help(help));
        }
    }
}

/// Every elementary cycle found by a depth-first search, once each, rotated to start at
/// its smallest id.
fn cycles<'a>(graph: &BTreeMap<&'a str, (Vec<&'a str>, &Document)>) -> Vec<Vec<&'a str>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Active,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    let mut found: BTreeSet<Vec<&str>> = BTreeSet::new();
    for &start in graph.keys() {
        if marks.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Active);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let deps = &graph[node].0;
            if *next == deps.len() {
                marks.insert(node, Mark::Done);
                stack.pop();
                continue;
            }
            let dep = deps[*next];
            *next += 1;
            match marks.get(dep) {
                Some(Mark::Active) => {
                    let from = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[from..].iter().map(|(n, _)| *n).collect();
                    let min = cycle.iter().enumerate().min_by_key(|(_, id)| **id).map_or(0, |(i, _)| i);
                    cycle.rotate_left(min);
                    found.insert(cycle);
                }
                None if graph.contains_key(dep) => {
                    marks.insert(dep, Mark::Active);
                    stack.push((dep, 0));
                }
                _ => {}
            }
        }
    }
    found.into_iter().collect()
}

/// visibility-leak: a public item must not name an internal one.
pub fn visibility_leak(site: &Site, page: Page, out: &mut Vec<Diagnostic>) {
    let internal = |v: Visibility| v == Visibility::Internal;
    let mut leak = |doc: &Document, path: Vec<Seg>, what: &str, id: &str| {
        let message = format!("this public item names the internal {what} `{id}`, which a public build would expose");
        let help = "make this item internal too, or remove the reference";
        out.push(at(Rule::VisibilityLeak, doc, &path, Part::Value, message).help(help));
    };
    match page {
        Page::Story(s) if s.visibility == Visibility::Public => {
            let initiative = s.initiative.as_ref().and_then(|id| site.initiative(id.as_str()));
            if let Some(i) = initiative.filter(|i| internal(i.visibility)) {
                leak(&s.doc, key("initiative"), "initiative", i.id.as_str());
            }
            for dep in s.depends_on.iter().filter(|d| site.story(d.as_str()).is_some_and(|d| internal(d.visibility))) {
                leak(&s.doc, s.doc.list_entry("depends_on", dep.as_str()), "story", dep.as_str());
            }
        }
        Page::Initiative(i) if i.visibility == Visibility::Public => {
            let internal_dep = |d: &&InitiativeId| site.initiative(d.as_str()).is_some_and(|d| internal(d.visibility));
            for dep in i.depends_on.iter().filter(internal_dep) {
                leak(&i.doc, i.doc.list_entry("depends_on", dep.as_str()), "initiative", dep.as_str());
            }
        }
        _ => {}
    }
}
