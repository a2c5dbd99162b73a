//! A site that checks clean always builds: seeded random sites in which every optional
//! field of SPEC §3 and §4 (config keys, initiative, story and doc front-matter) is
//! dropped or set, and `build` must succeed whenever `check` exits 0. Templates that use
//! an optional value without a guard (a missing `done_on` once broke the changelog) fail
//! here rather than on a user's site.

use crate::support::output::{Tree, main, text};
use crate::support::{OutDir, Rng, Site};
use std::fmt::Write as _;

/// Sites per run: enough to drop and set every field many times over, small enough to
/// keep the test quick.
const SITES: u64 = 40;

const INITIATIVE_STATUS: &[&str] = &["proposed", "planned", "in-progress", "shipped", "dropped"];
const STORY_STATUS: &[&str] = &["backlog", "ready", "in-progress", "done", "dropped"];
const TIMEFRAMES: &[&str] = &["2026", "2026-Q4", "2027-H1", "2025-Q2"];
const DATES: &[&str] = &["2026-01-10", "2026-11-19", "2025-06-30", "2027-02-01"];

/// Front-matter (or config) lines under construction, each optional one kept or dropped
/// by the generator's coin.
struct Lines<'r> {
    rng: &'r mut Rng,
    text: String,
}

impl Lines<'_> {
    fn always(&mut self, line: &str) {
        writeln!(self.text, "{line}").unwrap();
    }

    /// Adds one of `lines` (an empty one adds nothing).
    fn one_of(&mut self, lines: &[&str]) {
        let line = *self.rng.pick(lines);
        if !line.is_empty() {
            self.always(line);
        }
    }

    /// Adds `line` half of the time.
    fn maybe(&mut self, line: &str) {
        if self.rng.coin() {
            self.always(line);
        }
    }
}

/// One generated item, as later items and the config need to refer to it.
struct Item {
    id: String,
    internal: bool,
}

/// Ids among `items` that an item of the given visibility may name (a public item naming
/// an internal one is `visibility-leak`), as a YAML flow list of at most two.
fn references(rng: &mut Rng, items: &[Item], internal: bool) -> String {
    let allowed: Vec<&str> = items.iter().filter(|i| internal || !i.internal).map(|i| i.id.as_str()).collect();
    let count = if allowed.is_empty() { 0 } else { rng.below(3) };
    let mut chosen: Vec<&str> = (0..count).map(|_| *rng.pick(&allowed)).collect();
    chosen.sort_unstable();
    chosen.dedup();
    format!("[{}]", chosen.join(", "))
}

/// The config, and whether it has sprint `S1` for stories to name.
fn config(rng: &mut Rng) -> (String, bool) {
    let mut c = Lines { rng, text: String::new() };
    c.always("title: Random site");
    c.maybe("base_url: https://example.test/road map/");
    c.maybe("description: A site with some fields left out");
    c.maybe("vision: |\n  We make *checkout* simple.");
    c.maybe("theme: default");
    c.one_of(&["", "audience: public", "audience: internal"]);
    c.maybe("unsafe_html: true");
    c.always("team:\n  - id: pat\n    name: Pat Park\n    roles: [product_manager]");
    c.always("  - id: olga\n    name: Olga Ortiz\n    roles: [product_owner]");
    c.maybe("    reports_to: pat");
    c.always("  - id: dual\n    name: Dee Dual\n    roles: [product_manager, product_owner]");
    c.maybe("    reports_to: pat");
    c.one_of(&["  - id: sam\n    name: Sam Stone\n    roles: []", "  - id: sam\n    name: Sam Stone\n    roles: [qa]"]);
    let sprints = c.rng.coin();
    if sprints {
        c.always("sprints:\n  - id: S1\n    start: 2026-01-05\n    end: 2026-01-18");
        c.maybe("    goal: First things first");
        c.maybe("  - id: S2\n    start: 2026-11-16\n    end: 2026-11-29");
    }
    c.maybe("rules:\n  dual-role: warning");
    c.maybe("ignore: [\"backlog/archive/**\"]");
    if c.rng.coin() {
        c.always("repository:\n  url: https://git.example.test/acme/product");
        c.maybe("  branch: trunk");
        c.maybe("  path: site/");
    }
    (c.text, sprints)
}

fn initiative(rng: &mut Rng, n: usize, earlier: &[Item]) -> (Item, String) {
    let id = format!("init-{n}");
    let internal = rng.below(4) == 0;
    let status = *rng.pick(INITIATIVE_STATUS);
    let deps = references(rng, earlier, internal);
    let owners = if rng.coin() { "[olga, dual]" } else { "[]" };
    let (timeframe, shipped_on) = (*rng.pick(TIMEFRAMES), *rng.pick(DATES));
    let mut f = Lines { rng, text: "---\n".into() };
    f.maybe(&format!("id: {id}"));
    f.always(&format!("title: Initiative {n}"));
    f.one_of(&["product_manager: pat", "product_manager: dual"]);
    if matches!(status, "shipped" | "dropped") {
        f.maybe("horizon: later");
        f.always(&format!("status: {status}"));
    } else {
        f.one_of(&["horizon: now", "horizon: next", "horizon: later"]);
        f.maybe(&format!("status: {status}"));
    }
    f.maybe(&format!("timeframe: {timeframe}"));
    f.maybe("outcome: Fewer *abandoned* carts");
    if f.rng.coin() {
        f.always("metrics:\n  - name: Conversion\n    target: 70%");
        f.maybe("    baseline: 61.5");
        f.maybe("    current: 64%");
    }
    f.maybe(&format!("product_owners: {owners}"));
    f.maybe(&format!("depends_on: {deps}"));
    f.maybe(&format!("shipped_on: {shipped_on}"));
    f.maybe("tags: [checkout, growth]");
    visibility(&mut f, internal);
    f.always("---\nWhy it matters.");
    (Item { id, internal }, f.text)
}

/// `visibility: internal` when internal, else `public` written out or left to the default.
fn visibility(f: &mut Lines, internal: bool) {
    if internal {
        f.always("visibility: internal");
    } else {
        f.maybe("visibility: public");
    }
}

fn story(rng: &mut Rng, n: usize, sprints: bool, initiatives: &[Item], earlier: &[Item]) -> (Item, String) {
    let id = format!("ST-{n}");
    let internal = rng.below(4) == 0;
    let status = *rng.pick(STORY_STATUS);
    let deps = references(rng, earlier, internal);
    let allowed: Vec<&Item> = initiatives.iter().filter(|i| internal || !i.internal).collect();
    let initiative = (!allowed.is_empty()).then(|| rng.pick(&allowed).id.clone());
    let done_on = *rng.pick(DATES);
    let mut f = Lines { rng, text: "---\n".into() };
    f.maybe(&format!("id: {id}"));
    f.always(&format!("title: Story {n}"));
    f.one_of(&["product_owner: olga", "product_owner: dual"]);
    if let Some(initiative) = initiative {
        f.maybe(&format!("initiative: {initiative}"));
    }
    f.maybe(&format!("status: {status}"));
    f.maybe(&format!("rank: {}", n + 1));
    f.maybe(&format!("estimate: {}", n % 4 * 2));
    if sprints {
        f.maybe("sprint: S1");
    }
    if matches!(status, "ready" | "in-progress" | "done") {
        f.always("acceptance_criteria:\n  - It works");
    } else {
        f.maybe("acceptance_criteria: []");
    }
    f.maybe(&format!("depends_on: {deps}"));
    f.maybe(&format!("done_on: {done_on}"));
    f.maybe("tags: [ux]");
    visibility(&mut f, internal);
    f.always("---\nHow it works.");
    (Item { id, internal }, f.text)
}

fn doc(rng: &mut Rng, n: usize) -> String {
    let mut f = Lines { rng, text: String::new() };
    if f.rng.coin() {
        f.always("---");
        f.maybe(&format!("title: Doc {n}"));
        f.maybe("owner: sam");
        f.maybe(&format!("weight: {n}"));
        f.maybe("visibility: internal");
        f.maybe("tags: [guide]");
        f.always("---");
    }
    f.maybe(&format!("# Heading of doc {n}"));
    f.always("Some text.");
    f.text
}

/// A random site of a few initiatives, stories and docs; `seed` reproduces it.
fn random_site(seed: u64) -> Site {
    let rng = &mut Rng(seed);
    let (config, sprints) = config(rng);
    let mut site = Site::bare().file("charter.yaml", config);
    let (mut initiatives, mut stories) = (vec![], vec![]);
    for n in 0..rng.below(4) {
        let (item, text) = initiative(rng, n, &initiatives);
        site = site.file(&format!("roadmap/{}.md", item.id), text);
        initiatives.push(item);
    }
    for n in 0..rng.below(6) {
        let (item, text) = story(rng, n, sprints, &initiatives, &stories);
        site = site.file(&format!("backlog/{}.md", item.id), text);
        stories.push(item);
    }
    for n in 0..rng.below(3) {
        let name = match rng.below(3) {
            0 if n == 0 => "index".to_owned(),
            1 => format!("guide-{n}/README"),
            _ => format!("page-{n}"),
        };
        site = site.file(&format!("docs/{name}.md"), doc(rng, n));
    }
    for section in ["roadmap", "backlog"] {
        if rng.coin() {
            site = site.file(&format!("{section}/_index.md"), "---\ntitle: Intro\n---\nAbout this.\n");
        }
    }
    site
}

#[test]
fn a_site_that_checks_clean_always_builds() {
    let mut clean = 0;
    for seed in 0..SITES {
        let site = random_site(seed);
        let check = site.check().run();
        if check.code != Some(0) {
            continue;
        }
        clean += 1;
        for audience in ["internal", "public"] {
            let out = OutDir::new();
            let build = site.build(out.out()).arg("--audience").arg(audience).run();
            assert_eq!(build.code, Some(0), "seed {seed}, {audience}: checks clean but does not build\n{build:?}");
        }
    }
    assert!(clean * 4 >= SITES * 3, "only {clean} of {SITES} generated sites check clean: fix the generator");
}

#[test]
fn a_done_story_without_done_on_is_listed_as_undated() {
    let dated =
        "---\ntitle: Dated\nproduct_owner: olga\nstatus: done\nacceptance_criteria: [x]\ndone_on: 2026-03-02\n---\n";
    let undated = "---\ntitle: Undated\nproduct_owner: olga\nstatus: done\nacceptance_criteria: [x]\n---\n";
    let site = Site::new().file("backlog/a.md", dated).file("backlog/b.md", undated);
    site.check().run().code(0);
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    let page = text(main(tree.text("changelog/index.html")));
    let (march, rest) = page.split_once("March 2026").expect("a month heading for the dated story");
    assert!(!march.contains("Undated"), "{page}");
    assert!(rest.find("Dated") < rest.find("Undated"), "the undated story comes last: {page}");
}
