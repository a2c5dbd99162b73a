//! A wrong type (or an impossible value) for every field of SPEC §3 and §4: each is one
//! `invalid-value` (`config-invalid` in charter.yaml) at the value's line and column,
//! and nothing else. The tables are checked to cover every field of the SPEC.

use crate::support::Site;

/// (YAML, line, column, message): the YAML is written from line 2 of a front-matter
/// (line 1 of charter.yaml), so the position is counted in the file as an editor shows it.
type Case = (&'static str, usize, usize, &'static str);

#[rustfmt::skip]
const STORY: &[Case] = &[
    ("id: [a]\n", 2, 5, "`id` must be text, found a list"),
    ("id: {a: 1}\n", 2, 5, "`id` must be text, found a mapping"),
    ("title: [a, b]\n", 2, 8, "`title` must be text, found a list"),
    ("title:\n  - a\n  - b\n", 3, 3, "`title` must be text, found a list"),
    ("product_owner: [olga]\n", 2, 16, "`product_owner` must be text, found a list"),
    ("product_owner:\n  id: olga\n", 3, 3, "`product_owner` must be text, found a mapping"),
    ("initiative: {a: b}\n", 2, 13, "`initiative` must be text, found a mapping"),
    ("status: [ready]\n", 2, 9, "`status` must be text, found a list"),
    ("status: 3\n", 2, 9, "`3` is not a valid status"),
    ("rank: one\n", 2, 7, "`rank` must be a whole number, found a string"),
    ("rank: 1.5\n", 2, 7, "`rank` must be a whole number, found a number"),
    ("rank: [1]\n", 2, 7, "`rank` must be a whole number, found a list"),
    ("rank: 99999999999\n", 2, 7, "`rank` must be at most 4294967295, found 99999999999"),
    ("estimate: [3]\n", 2, 11, "`estimate` must be a number, found a list"),
    ("estimate: true\n", 2, 11, "`estimate` must be a number, found a boolean"),
    ("estimate: -1\n", 2, 11, "`estimate` must be 0 or more, found -1"),
    ("estimate: .nan\n", 2, 11, "`estimate` must be 0 or more, found NaN"),
    ("sprint: [S1]\n", 2, 9, "`sprint` must be text, found a list"),
    ("acceptance_criteria: works\n", 2, 22, "`acceptance_criteria` must be a list, found a string"),
    ("acceptance_criteria: [[a]]\n", 2, 23, "entries of `acceptance_criteria` must be text, found a list"),
    ("depends_on: X-1\n", 2, 13, "`depends_on` must be a list, found a string"),
    ("depends_on: [{a: b}]\n", 2, 14, "entries of `depends_on` must be text, found a mapping"),
    ("done_on: 2026\n", 2, 10, "`2026` is not a date"),
    ("done_on: 2026-02-30\n", 2, 10, "`2026-02-30` is not a date"),
    ("done_on: [2026-01-01]\n", 2, 10, "`done_on` must be text, found a list"),
    ("tags: urgent\n", 2, 7, "`tags` must be a list, found a string"),
    ("tags: [{a: b}]\n", 2, 8, "entries of `tags` must be text, found a mapping"),
    ("visibility: [public]\n", 2, 13, "`visibility` must be text, found a list"),
    ("visibility: 1\n", 2, 13, "`1` is not a valid visibility"),
];

#[rustfmt::skip]
const INITIATIVE: &[Case] = &[
    ("id: [a]\n", 2, 5, "`id` must be text, found a list"),
    ("title: {a: b}\n", 2, 8, "`title` must be text, found a mapping"),
    ("product_manager: {id: pat}\n", 2, 18, "`product_manager` must be text, found a mapping"),
    ("product_manager: Pat\n", 2, 18, "`Pat` is not a valid id"),
    ("horizon: [now]\n", 2, 10, "`horizon` must be text, found a list"),
    ("horizon: soon\n", 2, 10, "`soon` is not a valid horizon"),
    ("status: {a: b}\n", 2, 9, "`status` must be text, found a mapping"),
    ("status: done\n", 2, 9, "`done` is not a valid status"),
    ("timeframe: [2027]\n", 2, 12, "`timeframe` must be text, found a list"),
    ("timeframe: 2027-Q5\n", 2, 12, "`2027-Q5` is not a timeframe"),
    ("outcome: [a]\n", 2, 10, "`outcome` must be text, found a list"),
    ("metrics: fast\n", 2, 10, "`metrics` must be a list, found a string"),
    ("metrics: {name: a}\n", 2, 10, "`metrics` must be a list, found a mapping"),
    ("metrics: [fast]\n", 2, 11, "entries of `metrics` must be mappings, found a string"),
    ("metrics:\n  - name: [a]\n    target: 70%\n", 3, 11, "`name` must be text, found a list"),
    ("metrics:\n  - name: a\n    target: {v: 1}\n", 4, 13, "`target` must be text, found a mapping"),
    ("metrics:\n  - name: a\n    target: 1\n    baseline: [1]\n", 5, 15, "`baseline` must be text, found a list"),
    ("metrics:\n  - name: a\n    target: 1\n    current: {x: 1}\n", 5, 14, "`current` must be text, found a mapping"),
    ("product_owners: olga\n", 2, 17, "`product_owners` must be a list, found a string"),
    ("product_owners: [[olga]]\n", 2, 18, "entries of `product_owners` must be text, found a list"),
    ("product_owners: [Olga]\n", 2, 18, "`Olga` is not a valid id"),
    ("depends_on: 3\n", 2, 13, "`depends_on` must be a list, found a number"),
    ("shipped_on: [2026-01-01]\n", 2, 13, "`shipped_on` must be text, found a list"),
    ("shipped_on: yesterday\n", 2, 13, "`yesterday` is not a date"),
    ("tags: {a: b}\n", 2, 7, "`tags` must be a list, found a mapping"),
    ("visibility: {a: b}\n", 2, 13, "`visibility` must be text, found a mapping"),
];

#[rustfmt::skip]
const DOC: &[Case] = &[
    ("title: [a]\n", 2, 8, "`title` must be text, found a list"),
    ("owner: [pat]\n", 2, 8, "`owner` must be text, found a list"),
    ("owner: Pat\n", 2, 8, "`Pat` is not a valid id"),
    ("weight: heavy\n", 2, 9, "`weight` must be a whole number, found a string"),
    ("weight: 1.5\n", 2, 9, "`weight` must be a whole number, found a number"),
    ("weight: [1]\n", 2, 9, "`weight` must be a whole number, found a list"),
    ("visibility: [public]\n", 2, 13, "`visibility` must be text, found a list"),
    ("visibility: hidden\n", 2, 13, "`hidden` is not a valid visibility"),
    ("tags: guide\n", 2, 7, "`tags` must be a list, found a string"),
];

/// `_index.md` of roadmap/ and backlog/: only `title`.
const INTRO: &[Case] = &[("title: [a]\n", 2, 8, "`title` must be text, found a list")];

#[rustfmt::skip]
const CONFIG: &[Case] = &[
    ("title: [a, b]\n", 1, 8, "`title` must be text, found a list"),
    ("title: {a: b}\n", 1, 8, "`title` must be text, found a mapping"),
    ("base_url: [x]\n", 1, 11, "`base_url` must be text, found a list"),
    ("description: {a: b}\n", 1, 14, "`description` must be text, found a mapping"),
    ("vision: [a]\n", 1, 9, "`vision` must be text, found a list"),
    ("theme: [default]\n", 1, 8, "`theme` must be text, found a list"),
    ("audience: [public]\n", 1, 11, "`audience` must be text, found a list"),
    ("audience: everyone\n", 1, 11, "`everyone` is not a valid audience"),
    ("unsafe_html: \"yes\"\n", 1, 14, "`unsafe_html` must be true or false, found a string"),
    ("unsafe_html: 1\n", 1, 14, "`unsafe_html` must be true or false, found a number"),
    ("unsafe_html: [true]\n", 1, 14, "`unsafe_html` must be true or false, found a list"),
    ("team: pat\n", 1, 7, "`team` must be a list, found a string"),
    ("team: {pat: {name: Pat}}\n", 1, 7, "`team` must be a list, found a mapping"),
    ("team: [pat]\n", 1, 8, "entries of `team` must be mappings, found a string"),
    ("team:\n  - id: [pat]\n    name: Pat\n", 2, 9, "`id` must be text, found a list"),
    ("team:\n  - id: pat\n    name: {first: Pat}\n", 3, 11, "`name` must be text, found a mapping"),
    ("team:\n  - id: pat\n    name: Pat\n    roles: product_manager\n", 4, 12, "`roles` must be a list, found a string"),
    ("team:\n  - id: pat\n    name: Pat\n    roles: [[product_manager]]\n", 4, 13, "entries of `roles` must be text, found a list"),
    ("team:\n  - id: pat\n    name: Pat\n    reports_to: [dana]\n", 4, 17, "`reports_to` must be text, found a list"),
    ("sprints: S1\n", 1, 10, "`sprints` must be a list, found a string"),
    ("sprints: {S1: x}\n", 1, 10, "`sprints` must be a list, found a mapping"),
    ("sprints:\n  - id: [S1]\n    start: 2026-02-01\n    end: 2026-03-10\n", 2, 9, "`id` must be text, found a list"),
    ("sprints:\n  - id: S1\n    start: 2026-02-30\n    end: 2026-03-10\n", 3, 12, "`2026-02-30` is not a date"),
    ("sprints:\n  - id: S1\n    start: 20260201\n    end: 2026-03-10\n", 3, 12, "`20260201` is not a date"),
    ("sprints:\n  - id: S1\n    start: 2026-02-01\n    end: [2026-03-10]\n", 4, 10, "`end` must be text, found a list"),
    ("sprints:\n  - id: S1\n    start: 2026-02-01\n    end: 2026-03-10\n    goal: {a: b}\n", 5, 11, "`goal` must be text, found a mapping"),
    ("rules: [unranked-story]\n", 1, 8, "`rules` must be a mapping, found a list"),
    ("rules: off\n", 1, 8, "`rules` must be a mapping, found a string"),
    ("rules:\n  unranked-story: [error]\n", 2, 19, "the severity of `unranked-story` must be text, found a list"),
    ("rules:\n  unranked-story: fatal\n", 2, 19, "`fatal` is not a severity"),
    ("ignore: 3\n", 1, 9, "`ignore` must be a list, found a number"),
    ("ignore: \"backlog/**\"\n", 1, 9, "`ignore` must be a list, found a string"),
    ("ignore: [{a: b}]\n", 1, 10, "entries of `ignore` must be text, found a mapping"),
    ("team:\n  - id: pat\n    name: Pat\n    git: pat@acme.example\n", 4, 10, "`git` must be a list, found a string"),
    ("team:\n  - id: pat\n    name: Pat\n    git: [[a]]\n", 4, 11, "entries of `git` must be text, found a list"),
    ("history: 90\n", 1, 10, "`history` must be `false` or a mapping, found a number"),
    ("history: [window_days]\n", 1, 10, "`history` must be `false` or a mapping, found a list"),
    ("history:\n  window_days: soon\n", 2, 16, "`window_days` must be a whole number, found a string"),
    ("history:\n  window_days: 0\n", 2, 16, "`window_days` must be at least 1, found 0"),
];

/// The top-level key a case writes.
fn key(yaml: &str) -> &str {
    yaml.split(':').next().unwrap()
}

/// A front-matter with the case's YAML first, then the `base` fields it does not replace.
fn front_matter(yaml: &str, base: &[(&str, &str)]) -> String {
    let rest: String = base.iter().filter(|(k, _)| *k != key(yaml)).map(|(k, v)| format!("{k}: {v}\n")).collect();
    format!("---\n{yaml}{rest}---\nBody\n")
}

/// Runs every case on its own site; returns one line per case that did not give exactly
/// its diagnostic.
fn failures(rule: &str, file: &str, cases: &[Case], site: impl Fn(&str) -> Site) -> Vec<String> {
    let mut failures = vec![];
    for &(yaml, line, column, message) in cases {
        let run = site(yaml).check().json().run();
        let found: Vec<_> =
            run.diagnostics().into_iter().map(|d| (d.rule, d.file, d.line, d.column, d.message)).collect();
        let ok = run.code == Some(1)
            && found.len() == 1
            && (found[0].0.as_str(), found[0].1.as_str(), found[0].2, found[0].3) == (rule, file, line, column)
            && found[0].4.contains(message);
        if !ok {
            failures.push(format!("{yaml:?}: expected {rule} at {line}:{column} {message:?}, found {found:?}"));
        }
    }
    failures
}

#[track_caller]
fn assert_all_pass(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// Asserts every `field` (`parent.child` for fields of list entries) has a case.
#[track_caller]
fn assert_covers(cases: &[Case], fields: &[&str]) {
    let missing: Vec<&&str> = fields
        .iter()
        .filter(|field| {
            let (parent, child) = field.split_once('.').unwrap_or((field, ""));
            !cases.iter().any(|(yaml, ..)| {
                key(yaml) == parent
                    && (child.is_empty()
                        || yaml
                            .lines()
                            .skip(1)
                            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(&format!("{child}:"))))
            })
        })
        .collect();
    assert!(missing.is_empty(), "no wrong-type case for {missing:?}");
}

#[test]
fn story_fields() {
    // Dropped, so a rank that is lost to a wrong type leaves no unranked-story warning.
    let base = [("title", "A story"), ("product_owner", "olga"), ("rank", "1"), ("status", "dropped")];
    assert_covers(
        STORY,
        &[
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
        ],
    );
    assert_all_pass(failures("invalid-value", "backlog/x.md", STORY, |yaml| {
        Site::new().file("backlog/x.md", front_matter(yaml, &base))
    }));
}

#[test]
fn initiative_fields() {
    let base = [("title", "Plan"), ("product_manager", "pat"), ("horizon", "later")];
    assert_covers(
        INITIATIVE,
        &[
            "id",
            "title",
            "product_manager",
            "horizon",
            "status",
            "timeframe",
            "outcome",
            "metrics",
            "metrics.name",
            "metrics.baseline",
            "metrics.target",
            "metrics.current",
            "product_owners",
            "depends_on",
            "shipped_on",
            "tags",
            "visibility",
        ],
    );
    assert_all_pass(failures("invalid-value", "roadmap/x.md", INITIATIVE, |yaml| {
        Site::new().file("roadmap/x.md", front_matter(yaml, &base))
    }));
}

#[test]
fn doc_and_intro_fields() {
    assert_covers(DOC, &["title", "owner", "weight", "visibility", "tags"]);
    let mut failed =
        failures("invalid-value", "docs/x.md", DOC, |yaml| Site::new().file("docs/x.md", front_matter(yaml, &[])));
    for intro in ["roadmap/_index.md", "backlog/_index.md"] {
        failed.extend(failures("invalid-value", intro, INTRO, |yaml| Site::new().file(intro, front_matter(yaml, &[]))));
    }
    assert_all_pass(failed);
}

#[test]
fn config_fields() {
    assert_covers(
        CONFIG,
        &[
            "title",
            "base_url",
            "description",
            "vision",
            "theme",
            "audience",
            "unsafe_html",
            "team",
            "team.id",
            "team.name",
            "team.roles",
            "team.reports_to",
            "team.git",
            "sprints",
            "sprints.id",
            "sprints.start",
            "sprints.end",
            "sprints.goal",
            "rules",
            "ignore",
            "history",
            "history.window_days",
        ],
    );
    assert_all_pass(failures("config-invalid", "charter.yaml", CONFIG, |yaml| {
        let title = if key(yaml) == "title" { "" } else { "title: Test site\n" };
        Site::bare().file("charter.yaml", format!("{yaml}{title}"))
    }));
}
