//! The three printers of `check`: human (snapshotted), JSON (exact shape) and GitHub.

use crate::support::{Charter, fixture};

#[test]
fn human_output_on_the_rules_fixture() {
    let run = Charter::check(fixture("rules")).run();
    run.code(1);
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("rules_human", run.stdout);
}

#[test]
fn no_colour_when_piped_or_with_no_color() {
    // The harness pipes stdout, so it is never a terminal; NO_COLOR must hold as well.
    let piped = Charter::check(fixture("rules")).run();
    let no_color = Charter::check(fixture("rules")).env("NO_COLOR", "1").run();
    for run in [&piped, &no_color] {
        assert!(!run.stdout.contains('\x1b'), "ANSI escape in:\n{}", run.stdout);
        assert!(!run.stderr.contains('\x1b'), "ANSI escape in:\n{}", run.stderr);
    }
    assert_eq!(piped.stdout, no_color.stdout);
}

#[test]
fn json_has_exactly_the_spec_shape() {
    let run = Charter::check(fixture("rules")).json().run();
    run.code(1);
    assert_eq!(run.stdout.lines().count(), 1, "one JSON object on one line");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let top = value.as_object().unwrap();
    let mut keys: Vec<&str> = top.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["diagnostics", "errors", "warnings"]);
    assert_eq!(value["errors"], 25);
    assert_eq!(value["warnings"], 10);
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 35);
    for d in diagnostics {
        let d = d.as_object().unwrap();
        let mut keys: Vec<&str> = d.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["column", "file", "help", "line", "message", "rule", "severity"]);
        for key in ["rule", "severity", "message", "file", "help"] {
            assert!(d[key].is_string(), "{key} is a string: {d:?}");
        }
        for key in ["line", "column"] {
            assert!(d[key].as_u64().is_some_and(|n| n >= 1), "{key} is a 1-based number: {d:?}");
        }
        assert!(matches!(d["severity"].as_str(), Some("error" | "warning")));
    }
    let first = &diagnostics[0];
    insta::assert_json_snapshot!("rules_json_first", first);
}

#[test]
fn json_of_a_clean_site_is_empty() {
    let run = Charter::check(fixture("valid")).json().run();
    run.code(0);
    assert_eq!(run.stdout, "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n");
}

#[test]
fn github_lines_are_workflow_commands() {
    let run = Charter::check(fixture("rules")).arg("--format").arg("github").run();
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 35, "one line per diagnostic:\n{}", run.stdout);
    for line in &lines {
        let (kind, rest) = line.strip_prefix("::").and_then(|l| l.split_once(' ')).expect(line);
        assert!(matches!(kind, "error" | "warning"), "{line}");
        let (props, message) = rest.split_once("::").expect(line);
        let props: Vec<(&str, &str)> = props.split(',').map(|p| p.split_once('=').expect(line)).collect();
        let names: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, ["file", "line", "col", "title"], "{line}");
        assert!(props[1].1.parse::<usize>().is_ok_and(|n| n >= 1) && props[2].1.parse::<usize>().is_ok(), "{line}");
        assert!(!message.is_empty() && !message.contains('\n'), "{line}");
    }
    assert!(lines.contains(
        &"::error file=backlog/owner-role.md,line=3,col=16,title=story-owner-role::story `owner-role` is owned by \
          `sam`, who is not a product owner%0Ahelp: stories are ordered by product owners: use one of olga, ron, una, \
          bea and fay, or add `product_owner` to the roles of `sam`"
    ));
    assert!(lines.contains(
        &"::warning file=roadmap/empty-now.md,line=4,col=10,title=empty-initiative::initiative `empty-now` is on the \
          Now horizon but has no stories%0Ahelp: add stories with `initiative: empty-now`, or move it to `horizon: next`"
    ));
}
