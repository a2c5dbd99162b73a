//! The search index, in three forms of the same entries:
//! - `search-index.json` (SPEC §7): every entry whole, for other tools;
//! - `search-index.js`: what the search box loads first, as a script (so it works from
//!   `file://`, where pages cannot fetch JSON), compacted to kind, id, title, status
//!   and the URL only when it is not the one the kind and id give: about 70 bytes an
//!   entry, under 1 MB at 10,000 stories;
//! - `search-text-N.js`: the entries' text (the excerpts), in shards of
//!   [`SHARD_ENTRIES`] entries, loaded after the first results show. Title and id
//!   matches appear at once; matches in the text join them as the shards arrive.

use super::data::Put;
use super::fragments::{self, Fragments, Searched};
use super::memo::Same;
use super::view::Views;
use crate::markdown;
use crate::model::Keyword;
use crate::urls;
use serde::Serialize;
use std::borrow::Cow;

/// Entries per text shard: about 300 KB of excerpts each.
pub const SHARD_ENTRIES: usize = 1000;

/// The kinds of entries, in the order their index stands for in `search-index.js`.
const KINDS: [&str; 4] = ["initiative", "story", "doc", "person"];

#[derive(Serialize)]
struct SearchEntry<'a> {
    title: Cow<'a, str>,
    url: Cow<'a, str>,
    kind: &'static str,
    id: &'a str,
    text: Cow<'a, str>,
    status: Option<&'static str>,
}

/// `search-index.json`, `search-index.js` and the text shards, each handed to `put` as
/// soon as it is made. Each entry's object and text are fragments, rendered again only
/// when its item changed.
pub fn write<E>(views: &Views, fragments: &Fragments, put: &mut Put<E>) -> Result<(), E> {
    let (entries, keys) = entries(views);
    let render = |n: usize| fragments::json(&entries[n]).into();
    let text = |n: usize| fragments::json(&entries[n].text).into();
    let (objects, texts) = rayon::join(
        || fragments.search_entry.render(fragments.keep(), entries.len(), |n| keys[n].clone(), render),
        || fragments.search_text.render(fragments.keep(), entries.len(), |n| keys[n].clone(), text),
    );
    let mut index = vec![];
    fragments::json_array(&mut index, &objects);
    drop(objects);
    index.push(b'\n');
    put("search-index.json".to_owned(), index)?;
    put("search-index.js".to_owned(), head_script(&entries, &keys, fragments))?;
    for (n, shard) in texts.chunks(SHARD_ENTRIES).enumerate() {
        let mut script = format!("(window.charterSearchText = window.charterSearchText || [])[{n}] = ").into_bytes();
        fragments::json_array(&mut script, shard);
        script.extend_from_slice(b";\n");
        put(format!("search-text-{n}.js"), script)?;
    }
    Ok(())
}

/// One entry of `search-index.js`: kind (index into [`KINDS`]), id, title, the URL
/// when not implied (see [`implied_url`]) and the status (index into `statuses`).
type Row<'a> = (usize, &'a str, &'a str, Option<&'a str>, Option<usize>);

/// The first script: `window.charterSearch = {kinds, statuses, shards, shardEntries,
/// entries: [Row, ...]}`, each row a fragment kept while its item and status index are
/// the same.
fn head_script(entries: &[SearchEntry<'_>], keys: &[Searched], fragments: &Fragments) -> Vec<u8> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Head<'a> {
        kinds: [&'a str; 4],
        statuses: Vec<&'a str>,
        shards: usize,
        shard_entries: usize,
    }
    let mut statuses: Vec<&str> = vec![];
    let status: Vec<Option<usize>> = entries.iter().map(|e| status_index(e, &mut statuses)).collect();
    let shards = entries.len().div_ceil(SHARD_ENTRIES);
    let head = Head { kinds: KINDS, statuses, shards, shard_entries: SHARD_ENTRIES };
    // A row (and its implied URL) is made only for an entry whose fragment is not kept.
    let key = |n: usize| (keys[n].clone(), status[n]);
    let render = |n: usize| fragments::json(&row(&entries[n], status[n])).into();
    let rows = fragments.search_row.render(fragments.keep(), entries.len(), key, render);
    let mut script = b"window.charterSearch = ".to_vec();
    script.extend_from_slice(fragments::json(&head).as_bytes());
    script.pop(); // the head's closing brace: the object goes on
    script.extend_from_slice(b",\"entries\":");
    fragments::json_array(&mut script, &rows);
    script.extend_from_slice(b"};\n");
    script
}

/// The index of an entry's status in `statuses`, where it is added when new.
fn status_index(e: &SearchEntry<'_>, statuses: &mut Vec<&'static str>) -> Option<usize> {
    e.status.map(|s| {
        statuses.iter().position(|known| *known == s).unwrap_or_else(|| {
            statuses.push(s);
            statuses.len() - 1
        })
    })
}

/// The compact form of an entry, with the index of its status.
fn row<'a>(e: &'a SearchEntry<'_>, status: Option<usize>) -> Row<'a> {
    let kind = KINDS.iter().position(|k| *k == e.kind).unwrap_or_default();
    let url = (implied_url(e.kind, e.id).as_deref() != Some(&*e.url)).then_some(&*e.url);
    (kind, e.id, &e.title, url, status)
}

/// The URL search.js gives an entry written without one: its section's folder of the
/// lowercased id (the folder itself for docs). Only ASCII ids, which lowercase the same
/// in Rust and JavaScript; `None` (so the URL is written out) for any other.
fn implied_url(kind: &str, id: &str) -> Option<String> {
    if !id.is_ascii() {
        return None;
    }
    let folder = match kind {
        "initiative" => urls::item_folder("roadmap", id),
        "story" => urls::item_folder("backlog", id),
        "person" => urls::item_folder("team", id),
        _ => id.to_owned(),
    };
    Some(urls::page_file(&folder))
}

/// Every entry, and the item each is made from.
fn entries<'a>(views: &'a Views) -> (Vec<SearchEntry<'a>>, Vec<Searched>) {
    let site = views.site;
    let len = site.initiatives.len() + site.stories.len() + site.docs.len() + site.config.team.len();
    let mut entries = Vec::with_capacity(len);
    let mut keys = Vec::with_capacity(len);
    for (i, card) in site.initiatives.iter().zip(&views.ordered.0) {
        let text = format!("{} {}", i.outcome.as_deref().unwrap_or_default(), i.doc.excerpt());
        let entry = SearchEntry {
            title: Cow::Borrowed(&card.title),
            url: Cow::Borrowed(&card.url),
            kind: "initiative",
            id: i.id.as_str(),
            text: Cow::Owned(text.trim().to_owned()),
            status: Some(i.status.key()),
        };
        entries.push(entry);
        keys.push(Searched::Initiative(Same(i.clone())));
    }
    for (s, row) in site.stories.iter().zip(&views.ordered.1) {
        let entry = SearchEntry {
            title: Cow::Borrowed(&row.title),
            url: Cow::Borrowed(&row.url),
            kind: "story",
            id: s.id.as_str(),
            text: Cow::Borrowed(s.doc.excerpt()),
            status: Some(s.status.key()),
        };
        entries.push(entry);
        keys.push(Searched::Story(Same(s.clone())));
    }
    for d in &site.docs {
        let entry = SearchEntry {
            title: Cow::Owned(markdown::plain(&d.title)),
            url: Cow::Owned(urls::page_file(&d.url)),
            kind: "doc",
            id: &d.url,
            text: Cow::Borrowed(d.doc.excerpt()),
            status: None,
        };
        entries.push(entry);
        keys.push(Searched::Doc(Same(d.clone())));
    }
    for p in &site.config.team {
        let entry = SearchEntry {
            title: Cow::Borrowed(&p.name),
            url: Cow::Owned(urls::page_file(&urls::item_folder("team", p.id.as_str()))),
            kind: "person",
            id: p.id.as_str(),
            text: Cow::Owned(p.roles.join(" ").replace('_', " ")),
            status: None,
        };
        entries.push(entry);
        keys.push(Searched::Person(p.clone()));
    }
    (entries, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story<'a>(id: &'a str, url: &str) -> SearchEntry<'a> {
        SearchEntry {
            title: "Guest address form".into(),
            url: url.to_owned().into(),
            kind: "story",
            id,
            text: "words ".repeat(50).into(),
            status: Some("ready"),
        }
    }

    #[test]
    fn urls_the_kind_and_id_imply_are_left_out() {
        let mut statuses = vec![];
        let implied = story("CHK-12", "backlog/chk-12/index.html");
        let status = status_index(&implied, &mut statuses);
        assert_eq!(row(&implied, status), (1, "CHK-12", "Guest address form", None, Some(0)));
        let other = story("CHK-13", "backlog/chk-13-2/index.html");
        assert_eq!(status_index(&other, &mut statuses), Some(0));
        assert_eq!(row(&other, status).3, Some("backlog/chk-13-2/index.html"));
        assert_eq!(implied_url("story", "Ärger"), None, "non-ASCII ids keep their URL");
        assert_eq!(implied_url("doc", "docs/guide"), Some("docs/guide/index.html".into()));
        assert_eq!(statuses, ["ready"]);
    }

    /// What keeps search-index.js under 1 MB at 10,000 stories: an entry costs its id and
    /// title and about 15 bytes more, never its text.
    #[test]
    fn the_first_script_holds_no_text_and_little_besides_ids_and_titles() {
        let ids: Vec<String> = (0..100).map(|n| format!("CHK-{n}")).collect();
        let entries: Vec<SearchEntry> =
            ids.iter().enumerate().map(|(n, id)| story(id, &format!("backlog/chk-{n}/index.html"))).collect();
        let person = |n: usize| crate::model::Person {
            id: crate::model::PersonId(format!("p{n}")),
            name: String::new(),
            roles: vec![],
            reports_to: None,
            git: vec![],
            index: n,
        };
        let keys: Vec<Searched> = (0..entries.len()).map(|n| Searched::Person(person(n))).collect();
        let script = String::from_utf8(head_script(&entries, &keys, &Fragments::off())).unwrap();
        assert!(!script.contains("words"));
        let payload: usize = entries.iter().map(|e| e.id.len() + e.title.len()).sum();
        assert!(script.len() < payload + 20 * entries.len() + 200, "{} bytes for {payload}", script.len());
    }
}
