//! The integration tests: one binary that runs the real `charter` over fixture sites
//! (`tests/fixtures/`) and temporary sites. See `tests/README.md`.

mod support;

#[path = "cli/alerts.rs"]
mod alerts;
#[path = "cli/audience.rs"]
mod audience;
#[path = "cli/audit.rs"]
mod audit;
#[path = "cli/bad_input.rs"]
mod bad_input;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/build.rs"]
mod build;
#[path = "cli/changes.rs"]
mod changes;
#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/docs_nav.rs"]
mod docs_nav;
#[path = "cli/escaping.rs"]
mod escaping;
#[path = "cli/example.rs"]
mod example;
#[path = "cli/forecast.rs"]
mod forecast;
#[path = "cli/formats.rs"]
mod formats;
#[path = "cli/highlight.rs"]
mod highlight;
#[path = "cli/history_cache.rs"]
mod history_cache;
#[path = "cli/huge_input.rs"]
mod huge_input;
#[path = "cli/incremental.rs"]
mod incremental;
#[path = "cli/inputs.rs"]
mod inputs;
#[path = "cli/links.rs"]
mod links;
#[path = "cli/live.rs"]
mod live;
#[path = "cli/lsp.rs"]
mod lsp;
#[path = "cli/markdown.rs"]
mod markdown;
#[path = "cli/optional_fields.rs"]
mod optional_fields;
#[path = "cli/pages.rs"]
mod pages;
#[path = "cli/real_docs.rs"]
mod real_docs;
#[path = "cli/rules.rs"]
mod rules;
#[path = "cli/schema.rs"]
mod schema;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/themes.rs"]
mod themes;
#[path = "cli/write_safety.rs"]
mod write_safety;
#[path = "cli/wrong_types.rs"]
mod wrong_types;

use support::{Charter, example_site, fixture};

#[test]
fn cli_definition_is_consistent() {
    use clap::CommandFactory;
    charter::cli::Cli::command().debug_assert();
}

#[test]
fn example_site_is_clean_but_for_its_forecast_warnings() {
    let run = Charter::check(example_site()).json().run();
    run.code(0);
    assert_eq!(forecast::positions(&run.diagnostics()), forecast::EXAMPLE_WARNINGS, "the example shows these, no more");
    let human = Charter::check(example_site()).run();
    human.code(0);
    assert!(human.stdout.ends_with("passed with warnings: 0 errors, 3 warnings\n"), "{}", human.stdout);
}

#[test]
fn valid_fixture_has_no_diagnostics() {
    let run = Charter::check(fixture("valid")).json().run();
    run.code(0);
    assert_eq!(run.diagnostics(), vec![]);
    let human = Charter::check(fixture("valid")).run();
    human.code(0);
    assert_eq!(human.stdout, "ok: 2 initiatives, 3 stories, 2 docs pages, no problems\n");
    assert_eq!(human.stderr, "");
}

#[test]
fn help_and_version_exit_zero() {
    Charter::new(["--help"]).run().code(0);
    Charter::new(["--version"]).run().code(0);
    Charter::new(["check", "--help"]).run().code(0);
}

#[test]
fn bad_arguments_exit_two() {
    let run = Charter::new(["check", "--format", "xml"]).run();
    run.code(2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
    Charter::new(["frobnicate"]).run().code(2);
}
