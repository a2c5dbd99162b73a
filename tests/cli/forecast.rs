//! The forecast (SPEC §12) end to end: what the example site shows now and months from
//! now, internal work counted in public builds without a trace, and "no velocity yet".
//! The figures themselves are unit-tested in `src/forecast/tests.rs`; the pages fixture's
//! panel and backlog column are snapshotted in `pages.rs`.

use crate::support::output::{self, Tree};
use crate::support::{Charter, Diag, OutDir, Site, example_site};

/// The example's warnings at the tests' today (2026-11-20): 2026-S21 holds 41 points
/// and the launch sprint 2027-S20 35, above 120% of the velocity of 26 (31.2); guest
/// checkout, promised for 2026-Q4, is forecast for 2027-06.
pub const EXAMPLE_WARNINGS: &[(&str, &str, usize, usize)] = &[
    ("sprint-overcommitted", "charter.yaml", 88, 9),
    ("sprint-overcommitted", "charter.yaml", 99, 9),
    ("timeframe-at-risk", "roadmap/checkout/guest-checkout.md", 6, 12),
];

/// (rule, file, line, column) of each diagnostic.
pub fn positions(diagnostics: &[Diag]) -> Vec<(&str, &str, usize, usize)> {
    diagnostics.iter().map(|d| (d.rule.as_str(), d.file.as_str(), d.line, d.column)).collect()
}

fn build_at(site: impl AsRef<std::path::Path>, epoch: &str, audience: &str) -> (OutDir, Tree) {
    let out = OutDir::new();
    Charter::build(site, out.out()).env("SOURCE_DATE_EPOCH", epoch).arg("--audience").arg(audience).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

/// Initiatives of roadmap.json as (id, at_risk, lower_bound) for those with a forecast.
fn forecasts(tree: &Tree) -> Vec<(String, bool, bool)> {
    let data = tree.json("roadmap.json");
    let initiatives = data["initiatives"].as_array().unwrap();
    initiatives
        .iter()
        .filter(|i| !i["forecast"].is_null())
        .map(|i| {
            let f = &i["forecast"];
            (i["id"].as_str().unwrap().to_owned(), f["at_risk"].as_bool().unwrap(), f["lower_bound"].as_bool().unwrap())
        })
        .collect()
}

#[test]
fn the_example_shows_every_kind_of_forecast_now_and_months_from_now() {
    // Today of the tests, and 2027-06-01: after 2026-S22 the calendar goes on with
    // made-up sprints to the launch sprint 2027-S20, which holds more than 120%.
    for epoch in [crate::support::SOURCE_DATE_EPOCH, "1811808000"] {
        let (_out, tree) = build_at(example_site(), epoch, "internal");
        let all = forecasts(&tree);
        assert!(all.iter().any(|(_, risk, _)| *risk), "one at risk at {epoch}: {all:?}");
        assert!(all.iter().any(|(_, risk, _)| !*risk), "one on track at {epoch}: {all:?}");
        assert!(all.iter().any(|(_, _, lower)| *lower), "one lower bound at {epoch}: {all:?}");
        let run = Charter::check(example_site()).env("SOURCE_DATE_EPOCH", epoch).json().run();
        run.code(0);
        let rules: Vec<String> = run.diagnostics().into_iter().map(|d| d.rule).collect();
        assert!(rules.contains(&"sprint-overcommitted".to_owned()), "{epoch}: {rules:?}");
        assert!(rules.iter().all(|r| r == "sprint-overcommitted" || r == "timeframe-at-risk"), "{rules:?}");
    }
}

const DONE: &str = "---\ntitle: Done before\nproduct_owner: olga\nstatus: done\nestimate: 5\nsprint: S1\n\
                    acceptance_criteria: [Done]\n---\n";
const PLAN: &str = "---\ntitle: The plan\nproduct_manager: pat\nhorizon: next\ntimeframe: 2026-Q4\n---\n";
const PUBLIC: &str = "---\ntitle: Public step\nproduct_owner: olga\ninitiative: plan\nrank: 2\nestimate: 5\n---\n";
const INTERNAL: &str = "---\ntitle: ZZSECRET step\nproduct_owner: olga\ninitiative: plan\nrank: 1\nestimate: 10\n\
                        visibility: internal\n---\n";

/// Velocity 5 (S1); at 2026-11-20 the current made-up sprint is S1+22 (11-09..11-22).
/// The internal 10 points ranked first push the public story from S1+22 (5 points) to
/// S1+24 (15 points: three sprints, 12-07..12-20).
fn site(with_internal: bool) -> Site {
    let site = Site::new().file("backlog/D.md", DONE).file("roadmap/plan.md", PLAN).file("backlog/P.md", PUBLIC);
    if with_internal { site.file("backlog/ZZSECRET.md", INTERNAL) } else { site }
}

fn expected_of(tree: &Tree, story: &str) -> String {
    let data = tree.json("roadmap.json");
    let s = data["stories"].as_array().unwrap().iter().find(|s| s["id"] == story).unwrap().clone();
    s["expected"]["sprint"].as_str().unwrap().to_owned()
}

#[test]
fn internal_work_counts_in_public_builds_without_a_trace() {
    let epoch = crate::support::SOURCE_DATE_EPOCH;
    let (_a, alone) = build_at(site(false).path(), epoch, "public");
    let (_b, public) = build_at(site(true).path(), epoch, "public");
    let (_c, internal) = build_at(site(true).path(), epoch, "internal");
    assert_eq!(expected_of(&alone, "P"), "S1+22");
    assert_eq!(expected_of(&public, "P"), "S1+24", "the internal story ranked above it counts");
    assert_eq!(expected_of(&internal, "P"), "S1+24");
    assert!(public.files_containing("zzsecret").is_empty(), "{:?}", public.files_containing("zzsecret"));
    let page = output::text(output::main(public.text("roadmap/plan/index.html")));
    assert!(page.contains("Olga Ortiz’s backlog: 15 points up to Public step (rank 2), expected in S1+24"), "{page}");
    assert!(!page.contains("a sprint"), "no velocity that includes internal work: {page}");
    let page = output::text(output::main(internal.text("roadmap/plan/index.html")));
    assert!(page.contains("expected in S1+24 at 5 points a sprint"), "{page}");
}

#[test]
fn without_velocity_the_pages_say_so() {
    // S1 finished with nothing done: velocity 0, so nothing is guessed.
    let site = Site::new().file("roadmap/plan.md", PLAN).file("backlog/P.md", PUBLIC);
    let (_out, tree) = build_at(site.path(), crate::support::SOURCE_DATE_EPOCH, "internal");
    for page in ["backlog/index.html", "roadmap/plan/index.html"] {
        assert!(output::text(tree.text(page)).contains("No velocity yet"), "{page}");
    }
    assert!(tree.json("roadmap.json")["initiatives"][0]["forecast"].is_null());
    assert!(!output::text(tree.text("backlog/index.html")).contains("Expected"), "no empty column");
}
