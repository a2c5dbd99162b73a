//! The example site, built: every page of SPEC §7 is written, and what the pages and
//! data files say is checked against the site's own sources, read here independently.

use crate::support::output::{self, Tree};
use crate::support::{Charter, OutDir, example_site};
use serde_json::{Value as Json, json};
use serde_yaml::Value as Yaml;
use std::collections::BTreeSet;

/// One item of the example site: its id and its front-matter (as JSON, for comparing).
struct Item {
    id: String,
    fm: Json,
}

impl Item {
    fn get(&self, key: &str) -> &Json {
        self.fm.get(key).unwrap_or(&Json::Null)
    }
}

/// The front-matter of a Markdown file, or `Null` when it has none.
fn front_matter(text: &str) -> Json {
    let Some(rest) = text.strip_prefix("---\n") else { return Json::Null };
    let end = rest.find("\n---\n").expect("front-matter closes");
    let yaml: Yaml = serde_yaml::from_str(&rest[..end]).unwrap();
    serde_json::to_value(yaml).unwrap()
}

/// The `.md` files of an example-site folder, as (path relative to the site, text).
fn markdown_files(folder: &str) -> Vec<(String, String)> {
    let root = example_site();
    let mut out = vec![];
    for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
            let rel = entry.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    out
}

/// The initiatives (`roadmap`) or stories (`backlog`) of the example site.
fn items(section: &str) -> Vec<Item> {
    // backlog/archive/ is in the example's `ignore:` globs.
    let files = markdown_files(section)
        .into_iter()
        .filter(|(rel, _)| !rel.ends_with("/_index.md") && !rel.starts_with("backlog/archive/"));
    files
        .map(|(rel, text)| {
            let fm = front_matter(&text);
            let stem = rel.rsplit('/').next().unwrap().trim_end_matches(".md").to_owned();
            let id = fm.get("id").and_then(Json::as_str).map_or(stem, str::to_owned);
            Item { id, fm }
        })
        .collect()
}

fn config() -> Json {
    let text = std::fs::read_to_string(example_site().join("charter.yaml")).unwrap();
    serde_json::to_value(serde_yaml::from_str::<Yaml>(&text).unwrap()).unwrap()
}

fn build() -> (OutDir, Tree) {
    let out = OutDir::new();
    Charter::build(example_site(), out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// Equality of a front-matter value and its JSON output: numbers by value, and a YAML
/// number written where a string is meant (`timeframe: 2027`) equal to that string.
fn same(source: &Json, built: &Json) -> bool {
    match (source, built) {
        (Json::Number(a), Json::Number(b)) => a.as_f64() == b.as_f64(),
        (Json::Number(a), Json::String(b)) => a.to_string() == *b,
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Json::Object(a), Json::Object(b)) => {
            a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
                && b.iter().all(|(k, w)| a.contains_key(k) || w.is_null())
        }
        _ => source == built,
    }
}

#[track_caller]
fn check_fields(kind: &str, item: &Item, built: &Json, fields: &[(&str, Json)]) {
    for (field, default) in fields {
        let source = match item.get(field) {
            Json::Null => default,
            value => value,
        };
        assert!(
            same(source, &built[field]),
            "{kind} {}: `{field}` is {} in roadmap.json, {source} in its file",
            item.id,
            built[field]
        );
    }
}

#[test]
fn every_page_of_spec_7_is_written() {
    let (_out, tree) = build();
    let mut expected: BTreeSet<String> =
        ["index.html", "roadmap/index.html", "backlog/index.html", "team/index.html", "sprints/index.html"]
            .into_iter()
            .chain(["changelog/index.html", "404.html"])
            .map(str::to_owned)
            .collect();
    let page = |section: &str, id: &str| format!("{section}/{}/index.html", id.to_lowercase());
    expected.extend(items("roadmap").iter().map(|i| page("roadmap", &i.id)));
    expected.extend(items("backlog").iter().map(|s| page("backlog", &s.id)));
    let config = config();
    for person in config["team"].as_array().unwrap() {
        expected.insert(page("team", person["id"].as_str().unwrap()));
    }
    for sprint in config["sprints"].as_array().unwrap() {
        expected.insert(page("sprints", sprint["id"].as_str().unwrap()));
    }
    for (rel, _) in markdown_files("docs") {
        let folder = rel.trim_end_matches(".md").trim_end_matches("/index").to_lowercase();
        expected.insert(format!("{folder}/index.html"));
    }
    // In a checkout of charter's repository the example site has a git history (SPEC §11).
    let in_git = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".git").exists();
    if in_git {
        expected.insert("changes/index.html".into());
    }
    let written: BTreeSet<String> = tree.html().map(|(f, _)| f.to_owned()).collect();
    assert_eq!(written, expected, "the HTML pages written");
    assert_eq!(tree.has("changes.xml"), in_git, "changes.xml comes with the history");
    for data in ["feed.xml", "roadmap.json", "search-index.json", "sitemap.xml", ".charter-output"] {
        assert!(tree.has(data), "no {data}");
    }
    assert!(tree.has("favicon.svg"), "the site's static/ is copied");
}

#[test]
fn pages_show_their_items() {
    let (_out, tree) = build();
    let text = |rel: String| output::text(tree.text(&rel));
    for i in items("roadmap") {
        let page = text(format!("roadmap/{}/index.html", i.id.to_lowercase()));
        assert!(page.contains(i.get("title").as_str().unwrap()), "initiative {} lacks its title", i.id);
        if let Some(outcome) = i.get("outcome").as_str() {
            assert!(page.contains(outcome), "initiative {} lacks its outcome", i.id);
        }
    }
    for s in items("backlog") {
        let page = text(format!("backlog/{}/index.html", s.id.to_lowercase()));
        assert!(page.contains(&s.id), "story {} lacks its id", s.id);
        assert!(page.contains(s.get("title").as_str().unwrap()), "story {} lacks its title", s.id);
        for criterion in s.get("acceptance_criteria").as_array().into_iter().flatten() {
            assert!(page.contains(criterion.as_str().unwrap()), "story {} lacks criterion {criterion}", s.id);
        }
    }
    for person in config()["team"].as_array().unwrap() {
        let page = text(format!("team/{}/index.html", person["id"].as_str().unwrap()));
        assert!(page.contains(person["name"].as_str().unwrap()), "{person}");
    }
    for sprint in config()["sprints"].as_array().unwrap() {
        let id = sprint["id"].as_str().unwrap();
        let page = text(format!("sprints/{}/index.html", id.to_lowercase()));
        assert!(page.contains(id), "sprint {id}");
        assert!(page.contains(sprint["goal"].as_str().unwrap()), "sprint {id} lacks its goal");
    }
}

#[test]
fn roadmap_json_matches_the_sources() {
    let (_out, tree) = build();
    let data = tree.json("roadmap.json");
    let config = config();
    assert_eq!(data["title"], config["title"]);
    assert_eq!(data["base_url"], config["base_url"]);
    assert_eq!(data["audience"], "internal");
    let ids = |list: &Json, key: &str| -> Vec<String> {
        list.as_array().unwrap().iter().map(|x| x[key].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(ids(&data["team"], "name"), ids(&config["team"], "name"));
    assert_eq!(ids(&data["sprints"], "id"), ids(&config["sprints"], "id"));

    let initiatives = items("roadmap");
    let built = data["initiatives"].as_array().unwrap();
    assert_eq!(built.len(), initiatives.len(), "every initiative, once");
    for i in &initiatives {
        let b = built.iter().find(|b| b["id"] == i.id.as_str()).unwrap_or_else(|| panic!("no initiative {}", i.id));
        let fields = [
            ("title", Json::Null),
            ("product_manager", Json::Null),
            ("product_owners", json!([])),
            ("horizon", Json::Null),
            ("status", json!("proposed")),
            ("timeframe", Json::Null),
            ("outcome", Json::Null),
            ("metrics", json!([])),
            ("depends_on", json!([])),
            ("shipped_on", Json::Null),
            ("tags", json!([])),
            ("visibility", json!("public")),
        ];
        check_fields("initiative", i, b, &fields);
        assert_eq!(b["url"], format!("roadmap/{}/index.html", i.id.to_lowercase()));
    }

    let stories = items("backlog");
    let built = data["stories"].as_array().unwrap();
    assert_eq!(built.len(), stories.len(), "every story, once");
    for s in &stories {
        let b = built.iter().find(|b| b["id"] == s.id.as_str()).unwrap_or_else(|| panic!("no story {}", s.id));
        let fields = [
            ("title", Json::Null),
            ("product_owner", Json::Null),
            ("initiative", Json::Null),
            ("status", json!("backlog")),
            ("rank", Json::Null),
            ("estimate", Json::Null),
            ("sprint", Json::Null),
            ("acceptance_criteria", json!([])),
            ("depends_on", json!([])),
            ("done_on", Json::Null),
            ("tags", json!([])),
            ("visibility", json!("public")),
        ];
        check_fields("story", s, b, &fields);
        assert_eq!(b["url"], format!("backlog/{}/index.html", s.id.to_lowercase()));
    }
}

/// "14" or "2.5", as the theme prints points.
fn points(n: f64) -> String {
    if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n}") }
}

#[test]
fn initiative_progress_counts_points_of_its_stories() {
    let (_out, tree) = build();
    let data = tree.json("roadmap.json");
    let stories = items("backlog");
    for i in items("roadmap") {
        let mine: Vec<&Item> =
            stories.iter().filter(|s| s.get("initiative") == i.id.as_str() && s.get("status") != "dropped").collect();
        let done = |s: &&&Item| s.get("status") == "done";
        let estimate = |s: &&Item| s.get("estimate").as_f64().unwrap_or(0.0);
        let sum = |points: &mut dyn Iterator<Item = f64>| points.fold(0.0, |a, b| a + b);
        let by_points = mine.iter().any(|s| !s.get("estimate").is_null());
        let (done_n, total_n, unit) = if by_points {
            (sum(&mut mine.iter().filter(done).map(estimate)), sum(&mut mine.iter().map(estimate)), "points")
        } else {
            (mine.iter().filter(done).count() as f64, mine.len() as f64, "stories")
        };
        let b = data["initiatives"].as_array().unwrap().iter().find(|b| b["id"] == i.id.as_str()).unwrap();
        let p = &b["progress"];
        assert_eq!((p["done"].as_f64(), p["total"].as_f64()), (Some(done_n), Some(total_n)), "{}: {p}", i.id);
        assert_eq!(p["unit"], unit, "{}", i.id);
        assert_eq!(p["total_stories"], mine.len(), "{}", i.id);
        assert_eq!(p["done_stories"], mine.iter().filter(done).count(), "{}", i.id);
        assert!(p["done"].as_f64().unwrap().is_sign_positive(), "{}: {p} (an empty sum is 0, not -0)", i.id);
        if mine.is_empty() {
            continue;
        }
        let label = format!("{} of {} {unit}", points(done_n), points(total_n));
        let page = output::text(tree.text(&format!("roadmap/{}/index.html", i.id.to_lowercase())));
        assert!(page.contains(&label), "initiative {} does not show {label:?}", i.id);
    }
}

#[test]
fn search_index_covers_every_page_kind() {
    let (_out, tree) = build();
    let index = tree.json("search-index.json");
    let entries = index.as_array().expect("search-index.json is a list");
    let count = |kind: &str| entries.iter().filter(|e| e["kind"] == kind).count();
    assert_eq!(count("initiative"), items("roadmap").len());
    assert_eq!(count("story"), items("backlog").len());
    assert_eq!(count("doc"), markdown_files("docs").len());
    assert_eq!(count("person"), config()["team"].as_array().unwrap().len());
    for e in entries {
        let url = e["url"].as_str().unwrap();
        assert!(tree.has(url), "search entry {} points to missing {url}", e["title"]);
        assert!(e["title"].as_str().is_some_and(|t| !t.is_empty()), "{e}");
        let text = e["text"].as_str().unwrap();
        assert!(!text.contains("  ") && !text.contains('<'), "search text is plain, single-spaced: {text:?}");
    }
}

/// The JSON value a data script (`window.X = VALUE;` or `(... )[N] = VALUE;`) assigns.
fn script_value(tree: &Tree, file: &str) -> Json {
    let text = tree.text(file);
    let header = if text.starts_with("window.") { " = " } else { "] = " };
    let value = text.split_once(header).map(|(_, v)| v.trim_end().trim_end_matches(';')).unwrap();
    serde_json::from_str(value).unwrap_or_else(|err| panic!("{file}: {err}"))
}

/// search-index.js and the text shards hold the entries of search-index.json: the
/// same kinds, ids, titles, statuses, texts, and URLs (written, or implied by the kind
/// and id the way search.js implies them).
#[test]
fn search_scripts_hold_the_entries_of_the_json_index() {
    let (_out, tree) = build();
    let json = tree.json("search-index.json");
    let head = script_value(&tree, "search-index.js");
    let rows = head["entries"].as_array().unwrap();
    assert_eq!(rows.len(), json.as_array().unwrap().len());
    let texts: Vec<Json> = (0..head["shards"].as_u64().unwrap())
        .flat_map(|n| script_value(&tree, &format!("search-text-{n}.js")).as_array().unwrap().clone())
        .collect();
    assert_eq!(texts.len(), rows.len());
    let mut implied = 0;
    for ((row, e), text) in rows.iter().zip(json.as_array().unwrap()).zip(texts) {
        let kind = head["kinds"][row[0].as_u64().unwrap() as usize].as_str().unwrap();
        assert_eq!((kind, &row[1], &row[2], &text), (e["kind"].as_str().unwrap(), &e["id"], &e["title"], &e["text"]));
        let status = row[4].as_u64().map(|i| head["statuses"][i as usize].clone()).unwrap_or(Json::Null);
        assert_eq!(status, e["status"], "{e}");
        let url = row[3].as_str().map(str::to_owned).unwrap_or_else(|| {
            implied += 1;
            let id = row[1].as_str().unwrap();
            let section = [("initiative", "roadmap/"), ("story", "backlog/"), ("person", "team/")];
            match section.iter().find(|(k, _)| *k == kind) {
                Some((_, folder)) => format!("{folder}{}/index.html", id.to_lowercase()),
                None => format!("{id}/index.html"),
            }
        });
        assert_eq!(url, e["url"].as_str().unwrap(), "{e}");
    }
    assert_eq!(implied, rows.len(), "every URL of the example site is implied");
}

#[test]
fn feed_and_sitemap_are_well_formed_and_complete() {
    let (_out, tree) = build();
    let base = config()["base_url"].as_str().unwrap().to_owned();
    let page_of = |url: &str| -> String {
        let rel = url.strip_prefix(&base).unwrap_or_else(|| panic!("{url} is not under {base}"));
        format!("{rel}index.html")
    };

    let sitemap = output::xml("sitemap.xml", tree.text("sitemap.xml"));
    let locs: BTreeSet<String> =
        sitemap.descendants().filter(|n| n.has_tag_name("loc")).map(|n| page_of(n.text().unwrap())).collect();
    let pages: BTreeSet<String> = tree.html().map(|(f, _)| f.to_owned()).filter(|f| f != "404.html").collect();
    assert_eq!(locs, pages, "the sitemap lists every page but 404.html");

    let feed = output::xml("feed.xml", tree.text("feed.xml"));
    assert_eq!(feed.root_element().tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    let entries: Vec<_> = feed.root_element().children().filter(|n| n.has_tag_name("entry")).collect();
    assert!(!entries.is_empty());
    let child = |n: &roxmltree::Node, tag: &str| {
        n.children().find(|c| c.has_tag_name(tag)).map(|c| c.text().unwrap_or("").to_owned())
    };
    let mut dates = vec![];
    for entry in &entries {
        let id = child(entry, "id").expect("entry id");
        assert!(tree.has(&page_of(&id)), "feed entry {id} has no page");
        assert!(child(entry, "title").is_some_and(|t| !t.is_empty()));
        dates.push(child(entry, "updated").expect("entry updated"));
    }
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "feed entries are newest first: {dates:?}");
    let done = items("backlog").iter().filter(|s| s.get("status") == "done").count();
    let shipped = items("roadmap").iter().filter(|i| i.get("status") == "shipped").count();
    assert_eq!(entries.len(), (done + shipped).min(50), "every dated change, up to 50");
}

#[test]
fn the_public_build_leaves_out_every_internal_item() {
    let out = OutDir::new();
    Charter::build(example_site(), out.out()).arg("--audience").arg("public").run().code(0);
    let tree = Tree::read(out.out());
    let docs = markdown_files("docs").into_iter().map(|(rel, text)| Item { id: rel, fm: front_matter(&text) });
    let internal: Vec<Item> = items("roadmap")
        .into_iter()
        .chain(items("backlog"))
        .chain(docs)
        .filter(|i| i.get("visibility") == "internal")
        .collect();
    assert!(internal.len() >= 10, "the example site has internal items of every kind");
    let (_internal_out, internal_tree) = build();
    for item in &internal {
        let title = item.get("title").as_str().unwrap();
        assert!(!internal_tree.files_containing(title).is_empty(), "the internal build shows {title:?}");
    }
    for item in &internal {
        let title = item.get("title").as_str().unwrap();
        let leaks = tree.files_containing(title);
        assert!(leaks.is_empty(), "internal {} ({title:?}) appears in {leaks:?}", item.id);
        if !item.id.starts_with("docs/") {
            let url = format!("/{}/", item.id.to_lowercase());
            assert!(tree.files_containing(&url).is_empty(), "a link to internal {} remains", item.id);
        }
    }
}
