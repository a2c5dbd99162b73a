//! The rules of SPEC §5 on the `rules` fixture, and severity overrides in `rules:`.

use crate::support::{CONFIG, Charter, Site, fixture};

/// SPEC §5: every rule id with its default severity. The ids are the contract.
pub const SPEC_RULES: &[(&str, &str)] = &[
    ("config-invalid", "error"),
    ("front-matter-missing", "error"),
    ("front-matter-syntax", "error"),
    ("unknown-field", "error"),
    ("missing-field", "error"),
    ("invalid-value", "error"),
    ("duplicate-id", "error"),
    ("duplicate-url", "error"),
    ("unknown-person", "error"),
    ("story-owner-role", "error"),
    ("initiative-owner-role", "error"),
    ("unknown-initiative", "error"),
    ("unknown-sprint", "error"),
    ("unknown-dependency", "error"),
    ("dependency-cycle", "error"),
    ("duplicate-rank", "error"),
    ("missing-acceptance-criteria", "error"),
    ("broken-link", "error"),
    ("broken-anchor", "warning"),
    ("link-outside-site", "warning"),
    ("image-without-alt", "warning"),
    ("visibility-leak", "error"),
    ("unranked-story", "warning"),
    ("po-not-on-initiative", "warning"),
    ("reports-to-not-pm", "warning"),
    ("empty-initiative", "warning"),
    ("shipped-with-open-stories", "warning"),
    ("timeframe-at-risk", "warning"),
    ("sprint-overcommitted", "warning"),
    ("dual-role", "off"),
];

/// Every diagnostic of the rules fixture, as (rule, file, line, column), in output order.
/// Each position was checked by hand against the fixture file: it is the offending key
/// or value, counted in the file (front-matter lines included).
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, usize, usize)] = &[
    ("broken-link", "backlog/broken-link.md", 6, 5),                 // `[the spec](missing.md)` in the body
    ("visibility-leak", "backlog/leak.md", 4, 13),                   // initiative: `secret` (internal)
    ("missing-acceptance-criteria", "backlog/no-criteria.md", 4, 9), // status: `ready`
    ("po-not-on-initiative", "backlog/not-on-initiative.md", 3, 16), // product_owner: `ron`
    ("story-owner-role", "backlog/owner-role.md", 3, 16),            // product_owner: `sam`
    ("duplicate-rank", "backlog/rank-b.md", 4, 7),                   // rank: `7`, like rank-a
    ("invalid-value", "backlog/rank-zero.md", 5, 7),                 // rank: `0`
    ("unknown-field", "backlog/typo.md", 5, 1),                      // `estimat`: 3
    ("unknown-initiative", "backlog/unknown-initiative.md", 4, 13),  // initiative: `ghost`
    ("unknown-person", "backlog/unknown-po.md", 3, 16),              // product_owner: `nobody`
    ("unknown-sprint", "backlog/unknown-sprint.md", 4, 9),           // sprint: `S9`
    ("unranked-story", "backlog/unranked.md", 2, 1),                 // the story's first line of fields
    ("config-invalid", "charter.yaml", 3, 14),                       // unsafe_html: `maybe`
    ("unknown-field", "charter.yaml", 4, 1),                         // `colour`: blue
    ("reports-to-not-pm", "charter.yaml", 19, 17),                   // ron's reports_to: `sam`
    ("unknown-person", "charter.yaml", 23, 17),                      // una's reports_to: `nobody`
    ("sprint-overcommitted", "charter.yaml", 37, 9),                 // S2 holds 13 points (S3 holds 12: no)
    ("config-invalid", "charter.yaml", 44, 3),                       // rules: `unranked-stroy`
    ("image-without-alt", "docs/alt.md", 1, 1),                      // `![](diagram.svg)`
    ("broken-anchor", "docs/anchor.md", 1, 5),                       // `[the intro](guide.md#nowhere)`
    ("duplicate-url", "docs/guide/index.md", 1, 1),                  // same page as docs/guide.md
    ("link-outside-site", "docs/outside.md", 1, 1),                  // `[...](../../valid/charter.yaml)`
    ("timeframe-at-risk", "roadmap/at-risk.md", 5, 12),              // timeframe: `2026-Q4` (on-time.md: no)
    ("invalid-value", "roadmap/bad-horizon.md", 4, 10),              // horizon: `nxt`
    ("front-matter-syntax", "roadmap/bad-yaml.md", 2, 13),           // the second `:` of `Colon: inside`
    ("dependency-cycle", "roadmap/cycle-a.md", 5, 14),               // depends_on: [`cycle-b`]
    ("unknown-dependency", "roadmap/dep-missing.md", 5, 14),         // depends_on: [`ghost`]
    ("empty-initiative", "roadmap/empty-now.md", 4, 10),             // horizon: `now`
    ("missing-field", "roadmap/missing-pm.md", 1, 1),                // the opening `---`
    ("front-matter-missing", "roadmap/no-front-matter.md", 1, 1),    // the first line
    ("initiative-owner-role", "roadmap/pm-role.md", 3, 18),          // product_manager: `olga`
    ("initiative-owner-role", "roadmap/po-role.md", 5, 24),          // product_owners: [olga, `sam`]
    ("shipped-with-open-stories", "roadmap/shipped.md", 4, 9),       // status: `shipped`
    ("duplicate-id", "roadmap/twin-b.md", 2, 5),                     // id: `twin`, like twin-a
    ("unknown-person", "roadmap/unknown-pm.md", 3, 18),              // product_manager: `nobody`
];

fn default_severity(rule: &str) -> &'static str {
    SPEC_RULES.iter().find(|(id, _)| *id == rule).map_or_else(|| panic!("`{rule}` is not in SPEC §5"), |r| r.1)
}

#[test]
fn rules_fixture_fires_every_default_rule_at_its_position() {
    let run = Charter::check(fixture("rules")).json().run();
    run.code(1);
    let diagnostics = run.diagnostics();
    let found: Vec<_> = diagnostics.iter().map(|d| (d.rule.as_str(), d.file.as_str(), d.line, d.column)).collect();
    assert_eq!(found, EXPECTED);
    for d in &diagnostics {
        assert_eq!(d.severity, default_severity(&d.rule), "{d:#?}");
        assert!(!d.message.is_empty() && !d.help.is_empty(), "message and help are both needed: {d:#?}");
    }
    for (rule, severity) in SPEC_RULES {
        let fired = diagnostics.iter().any(|d| d.rule == *rule);
        assert_eq!(fired, *severity != "off", "rule `{rule}` (default {severity})");
    }
}

#[test]
fn duplicate_person_ids_name_the_first_line() {
    let config = "title: T\nteam:\n  - id: pat\n    name: Pat Park\n  - id: pat\n    name: Pat Again\n";
    let run = Site::bare().file("charter.yaml", config).check().json().run();
    run.code(1);
    run.single()
        .at("duplicate-id", "charter.yaml", 5, 9)
        .message_has("already used by charter.yaml:3")
        .help_has("change one of the two `id:` values");
}

#[test]
fn cycle_message_lists_the_cycle() {
    let run = Charter::check(fixture("rules")).json().run();
    let cycle = run.diagnostics().into_iter().find(|d| d.rule == "dependency-cycle").unwrap();
    assert_eq!(cycle.message, "dependency cycle: cycle-a -> cycle-b -> cycle-a");
}

const UNRANKED: &str = "---\ntitle: No rank yet\nproduct_owner: olga\n---\n";

#[test]
fn deny_warnings_fails_a_warnings_only_site() {
    let site = Site::new().file("backlog/a.md", UNRANKED);
    let run = site.check().json().run();
    run.code(0);
    run.single().at("unranked-story", "backlog/a.md", 2, 1);
    let denied = site.check().json().arg("--deny-warnings").run();
    denied.code(1);
    assert_eq!(denied.single().severity, "warning", "--deny-warnings fails the run, it does not change severities");
    let human = site.check().arg("--deny-warnings").run();
    human.code(1);
    assert!(human.stdout.ends_with("passed with warnings: 0 errors, 1 warning\n"), "{}", human.stdout);
}

#[test]
fn rules_can_raise_a_warning_to_an_error() {
    let config = format!("{}rules:\n  unranked-story: error\n", crate::support::CONFIG);
    let run = Site::new().file("charter.yaml", config).file("backlog/a.md", UNRANKED).check().json().run();
    run.code(1);
    let d = run.single();
    d.at("unranked-story", "backlog/a.md", 2, 1);
    assert_eq!(d.severity, "error");
}

#[test]
fn rules_can_turn_an_error_off() {
    let story = "---\ntitle: In a ghost sprint\nproduct_owner: olga\nrank: 1\nsprint: S9\n---\n";
    let site = Site::new().file("backlog/a.md", story);
    site.check().json().run().code(1).single().at("unknown-sprint", "backlog/a.md", 5, 9);
    let config = format!("{}rules:\n  unknown-sprint: off\n", crate::support::CONFIG);
    let run = site.file("charter.yaml", config).check().json().run();
    run.code(0);
    assert_eq!(run.diagnostics(), vec![]);
}

#[test]
fn rules_can_turn_an_off_rule_on() {
    let config = "title: T\nteam:\n  - id: bea\n    name: Bea\n    roles: [product_manager, product_owner]\n";
    let site = Site::bare().file("charter.yaml", config);
    site.check().json().run().code(0);
    let on = format!("{config}rules:\n  dual-role: warning\n");
    let run = site.file("charter.yaml", on).check().json().run();
    run.code(0);
    run.single().at("dual-role", "charter.yaml", 5, 12).message_has("`bea`");
}

#[test]
fn unknown_rule_id_is_config_invalid_with_a_suggestion() {
    let config = format!("{}rules:\n  unranked-stories: warning\n", crate::support::CONFIG);
    let run = Site::new().file("charter.yaml", config).check().json().run();
    run.code(1);
    run.single()
        .at("config-invalid", "charter.yaml", 18, 3)
        .message_has("`unranked-stories`")
        .help_has("did you mean `unranked-story`?");
}

#[test]
fn unknown_severity_is_config_invalid() {
    let config = format!("{}rules:\n  unranked-story: fatal\n", crate::support::CONFIG);
    let run = Site::new().file("charter.yaml", config).check().json().run();
    run.code(1);
    run.single().at("config-invalid", "charter.yaml", 18, 19).message_has("`fatal`").help_has("error, warning or off");
}

#[test]
fn rules_of_the_wrong_type_is_config_invalid() {
    let config = format!("{}rules: [unranked-story]\n", crate::support::CONFIG);
    let run = Site::new().file("charter.yaml", config).check().json().run();
    run.code(1);
    run.single().at("config-invalid", "charter.yaml", 17, 8).message_has("`rules` must be a mapping");
}

/// The test site's team (see `support::CONFIG`) with `alex`, a product manager whose id
/// is one letter away from `alec`.
fn site_with_alex() -> Site {
    let config =
        CONFIG.replacen("team:\n", "team:\n  - id: alex\n    name: Alex Ash\n    roles: [product_manager]\n", 1);
    Site::bare().file("charter.yaml", config)
}

#[test]
fn unknown_product_owner_help_suggests_only_product_owners() {
    let story = "---\ntitle: A story\nproduct_owner: alec\nrank: 1\n---\n";
    let run = site_with_alex().file("backlog/a.md", story).check().json().run();
    run.code(1);
    let d = run.single();
    d.at("unknown-person", "backlog/a.md", 3, 16).help_has("with the `product_owner` role, or use one of: olga");
    assert!(!d.help.contains("alex") && !d.help.contains("pat") && !d.help.contains("sam"), "{}", d.help);
}

#[test]
fn unknown_product_owners_entry_help_suggests_only_product_owners() {
    let initiative =
        "---\ntitle: An initiative\nproduct_manager: pat\nhorizon: next\nproduct_owners: [olga, alec]\n---\n";
    let run = site_with_alex().file("roadmap/a.md", initiative).check().json().run();
    run.code(1);
    let d = run.single();
    d.at("unknown-person", "roadmap/a.md", 5, 24).help_has("or use one of: olga");
    assert!(!d.help.contains("alex"), "{}", d.help);
}

#[test]
fn story_owner_role_help_when_nobody_is_a_product_owner() {
    let config = CONFIG.replace("roles: [product_owner]", "roles: [designer]");
    let story = "---\ntitle: A story\nproduct_owner: olga\nrank: 1\n---\n";
    let run = Site::bare().file("charter.yaml", config).file("backlog/a.md", story).check().json().run();
    run.code(1);
    let d = run.single();
    d.at("story-owner-role", "backlog/a.md", 3, 16).help_has("nobody in `team:` holds `product_owner` yet");
    assert!(!d.help.contains("use one of"), "{}", d.help);
}

#[test]
fn po_not_on_initiative_is_not_added_to_an_unknown_product_owner() {
    let initiative = "---\ntitle: An initiative\nproduct_manager: pat\nhorizon: next\nproduct_owners: [olga]\n---\n";
    let story = "---\ntitle: A story\nproduct_owner: nobody\ninitiative: a\nrank: 1\n---\n";
    let run = Site::new().file("roadmap/a.md", initiative).file("backlog/s.md", story).check().json().run();
    run.code(1);
    run.single().at("unknown-person", "backlog/s.md", 3, 16);
}

#[test]
fn unranked_story_points_at_the_first_line_of_fields_not_at_title() {
    let story = "---\n# Checkout\n\nid: CHK-1\nproduct_owner: olga\ntitle: No rank yet\n---\n";
    let run = Site::new().file("backlog/a.md", story).check().json().run();
    run.code(0);
    run.single().at("unranked-story", "backlog/a.md", 4, 1);
    let human = Site::new().file("backlog/a.md", story).check().run();
    assert!(human.stdout.contains("4 | id: CHK-1\n  | ^^^^^^^^^\n"), "{}", human.stdout);
}
