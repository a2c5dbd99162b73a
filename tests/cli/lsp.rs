//! `charter lsp` driven over stdio as an editor drives it: diagnostics from unsaved
//! buffers (across files, cleared when fixed, UTF-16 positions), completion, hover,
//! definitions, symbols, code actions applied and re-checked, and bad input survived.

use crate::support::lsp::{Lsp, apply};
use crate::support::{Charter, Site};
use serde_json::{Value, json};

const INITIATIVE: &str = "---\ntitle: Guest checkout\nproduct_manager: pat\nhorizon: next\n---\nWhy.\n";

fn story(fields: &str) -> String {
    format!("---\ntitle: Guest form\n{fields}---\nBody.\n")
}

/// The (rule, start line, start character, end character) of each diagnostic.
fn spans(diagnostics: &[Value]) -> Vec<(String, u64, u64, u64)> {
    let at = |d: &Value, end: &str, field: &str| d["range"][end][field].as_u64().unwrap();
    diagnostics
        .iter()
        .map(|d| {
            let rule = d["code"].as_str().unwrap().to_owned();
            (rule, at(d, "start", "line"), at(d, "start", "character"), at(d, "end", "character"))
        })
        .collect()
}

fn labels(items: &Value) -> Vec<String> {
    let list = items.as_array().or_else(|| items["items"].as_array()).expect("a completion list");
    list.iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn diagnostics_follow_the_unsaved_buffer_and_clear_when_fixed() {
    let site = Site::new()
        .file("roadmap/checkout.md", INITIATIVE)
        .file("backlog/A-1.md", story("product_owner: olga\nrank: 1\n"));
    let mut lsp = Lsp::start(site.path());
    let broken = story("product_owner: pat\nrank: 1\n");
    lsp.open("backlog/A-1.md", &broken);
    let diagnostics = lsp.diagnostics("backlog/A-1.md");
    assert_eq!(spans(&diagnostics), [("story-owner-role".into(), 2, 15, 18)]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    let check = Charter::check(site.path()).json().run();
    assert_eq!(check.diagnostics(), vec![], "the file on disk is untouched");
    assert!(message.starts_with("story `A-1` is owned by `pat`, who is not a product owner"), "{message}");
    assert!(message.contains("\nhelp: "), "the help of check comes along: {message}");
    assert_eq!(diagnostics[0]["severity"], 1);
    lsp.change("backlog/A-1.md", &story("product_owner: olga\nrank: 1\n"));
    assert_eq!(lsp.diagnostics("backlog/A-1.md"), Vec::<Value>::new(), "fixed: cleared");
    assert!(lsp.shutdown().success());
}

#[test]
fn the_same_diagnostics_as_check_on_the_rules_fixture() {
    let site = Site::copy_of(&crate::support::fixture("rules"));
    let check = Charter::check(site.path()).json().run();
    let mut lsp = Lsp::start(site.path());
    lsp.sync();
    for d in check.diagnostics() {
        let file = if d.file.is_empty() { "charter.yaml".to_owned() } else { d.file.clone() };
        let published = lsp.published.get(&lsp.uri(&file)).cloned().unwrap_or_default();
        let found = published.iter().any(|p| {
            p["code"] == d.rule.as_str()
                && p["message"].as_str().unwrap().starts_with(&d.message)
                && (d.line == 0 || p["range"]["start"]["line"] == (d.line - 1) as u64)
        });
        assert!(found, "{d:?} not published; {file}: {published:?}");
    }
}

#[test]
fn positions_count_utf16_code_units_after_non_ascii_text() {
    let body = "---\ntitle: Café\nproduct_owner: olga\nrank: 1\n---\nVoilà 😀 [gone](missing.md)\n";
    let site = Site::new().file("backlog/A-1.md", body);
    let check = Charter::check(site.path()).json().run();
    let link = check.single();
    link.at("broken-link", "backlog/A-1.md", 6, 9);
    let mut lsp = Lsp::start(site.path());
    lsp.open("backlog/A-1.md", body);
    let diagnostics = lsp.diagnostics("backlog/A-1.md");
    // Column 9 in characters: "Voilà 😀 " is 8 characters but 9 UTF-16 code units.
    assert_eq!(spans(&diagnostics)[0].0, "broken-link");
    assert_eq!(diagnostics[0]["range"]["start"], json!({ "line": 5, "character": 9 }));
}

#[test]
fn edits_in_one_file_recheck_the_others() {
    let site = Site::new().file("backlog/A-1.md", story("product_owner: olga\ninitiative: checkout\nrank: 1\n"));
    let mut lsp = Lsp::start(site.path());
    lsp.open("backlog/A-1.md", &story("product_owner: olga\ninitiative: checkout\nrank: 1\n"));
    assert_eq!(spans(&lsp.diagnostics("backlog/A-1.md")), [("unknown-initiative".into(), 3, 12, 20)]);
    // An initiative that exists only in an unsaved buffer clears its story.
    lsp.open("roadmap/checkout.md", INITIATIVE);
    assert_eq!(lsp.diagnostics("backlog/A-1.md"), Vec::<Value>::new());
    // Taking olga's role away in charter.yaml's buffer flags the open story.
    let config = std::fs::read_to_string(site.path().join("charter.yaml")).unwrap();
    let demoted = config.replace("roles: [product_owner]", "roles: [stakeholder]");
    lsp.open("charter.yaml", &demoted);
    let rules: Vec<String> = spans(&lsp.diagnostics("backlog/A-1.md")).into_iter().map(|s| s.0).collect();
    assert!(rules.contains(&"story-owner-role".to_owned()), "{rules:?}");
    lsp.change("charter.yaml", &config);
    assert_eq!(lsp.diagnostics("backlog/A-1.md"), Vec::<Value>::new());
    // Closing the initiative's buffer reads the disk again, where it does not exist.
    lsp.close("roadmap/checkout.md");
    assert_eq!(spans(&lsp.diagnostics("backlog/A-1.md"))[0].0, "unknown-initiative");
}

#[test]
fn completion_offers_fields_values_owners_ids_and_links() {
    let site = Site::new().file("roadmap/checkout.md", INITIATIVE).file("docs/guide.md", "# Guide\n");
    let mut lsp = Lsp::start(site.path());
    let text = "---\nti\nproduct_owner: \nstatus: \ninitiative: \nsprint: \n---\nSee [the guide](\n";
    lsp.open("backlog/A-1.md", text);
    let fields = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 1, 2));
    assert!(labels(&fields).contains(&"acceptance_criteria".to_owned()));
    assert!(!labels(&fields).contains(&"product_manager".to_owned()), "story fields only");
    let list = fields.as_array().unwrap();
    let criteria = list.iter().find(|i| i["label"] == "acceptance_criteria").unwrap();
    assert!(criteria["detail"].as_str().unwrap().contains("needed from ready on"));
    let owners = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 2, 15));
    assert_eq!(labels(&owners), ["olga"], "only product owners");
    let statuses = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 3, 8));
    assert_eq!(labels(&statuses), ["backlog", "ready", "in-progress", "done", "dropped"]);
    let initiatives = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 4, 12));
    assert_eq!(initiatives[0]["label"], "checkout");
    assert_eq!(initiatives[0]["detail"], "Guest checkout");
    let sprints = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 5, 8));
    assert_eq!(labels(&sprints), ["S1"]);
    let links = lsp.request("textDocument/completion", lsp.at("backlog/A-1.md", 7, 16));
    assert!(labels(&links).contains(&"../docs/guide.md".to_owned()), "{links}");
    assert!(labels(&links).contains(&"../roadmap/checkout.md".to_owned()), "{links}");
}

#[test]
fn initiative_completion_offers_product_managers_and_horizons() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    lsp.open("roadmap/x.md", "---\nproduct_manager: \nhorizon: \nproduct_owners:\n  - \n---\n");
    assert_eq!(labels(&lsp.request("textDocument/completion", lsp.at("roadmap/x.md", 1, 17))), ["pat"]);
    assert_eq!(labels(&lsp.request("textDocument/completion", lsp.at("roadmap/x.md", 2, 9))), ["now", "next", "later"]);
    assert_eq!(labels(&lsp.request("textDocument/completion", lsp.at("roadmap/x.md", 4, 4))), ["olga"]);
}

#[test]
fn hover_and_definition_lead_to_people_initiatives_sprints_and_links() {
    let text = story("product_owner: olga\ninitiative: checkout\nsprint: S1\nrank: 1\n") + "[docs](../docs/guide.md)\n";
    let site = Site::new()
        .file("roadmap/checkout.md", INITIATIVE)
        .file("docs/guide.md", "# Guide\n")
        .file("backlog/A-1.md", &text);
    let mut lsp = Lsp::start(site.path());
    lsp.open("backlog/A-1.md", &text);
    let hover = lsp.request("textDocument/hover", lsp.at("backlog/A-1.md", 2, 16));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("Olga Ortiz") && shown.contains("product_owner"), "{shown}");
    let hover = lsp.request("textDocument/hover", lsp.at("backlog/A-1.md", 3, 13));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Guest checkout"));
    let hover = lsp.request("textDocument/hover", lsp.at("backlog/A-1.md", 4, 9));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("2026-01-05 to 2026-01-18"));
    let person = lsp.request("textDocument/definition", lsp.at("backlog/A-1.md", 2, 16));
    assert_eq!(person["uri"], lsp.uri("charter.yaml"));
    assert_eq!(person["range"]["start"], json!({ "line": 5, "character": 8 }), "`- id: olga` in team");
    let sprint = lsp.request("textDocument/definition", lsp.at("backlog/A-1.md", 4, 9));
    assert_eq!(sprint["range"]["start"]["line"], 13);
    let initiative = lsp.request("textDocument/definition", lsp.at("backlog/A-1.md", 3, 13));
    assert_eq!(initiative["uri"], lsp.uri("roadmap/checkout.md"));
    let link = lsp.request("textDocument/definition", lsp.at("backlog/A-1.md", 8, 10));
    assert_eq!(link["uri"], lsp.uri("docs/guide.md"));
    assert_eq!(lsp.request("textDocument/hover", lsp.at("backlog/A-1.md", 1, 8)), Value::Null, "a title is no id");
}

#[test]
fn symbols_of_a_file_and_of_the_site() {
    let site = Site::new()
        .file("roadmap/checkout.md", INITIATIVE)
        .file("backlog/A-1.md", story("product_owner: olga\nrank: 1\n"));
    let mut lsp = Lsp::start(site.path());
    let outline =
        lsp.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": lsp.uri("backlog/A-1.md") } }));
    let names: Vec<&str> = outline.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["title", "product_owner", "rank"]);
    let config =
        lsp.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": lsp.uri("charter.yaml") } }));
    let team = config.as_array().unwrap().iter().find(|s| s["name"] == "team").unwrap();
    let people: Vec<&str> = team["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(people, ["pat", "olga", "sam"]);
    let found = lsp.request("workspace/symbol", json!({ "query": "checkout" }));
    let names: Vec<&str> = found.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["checkout: Guest checkout"]);
    assert_eq!(found[0]["location"]["uri"], lsp.uri("roadmap/checkout.md"));
    let olga = lsp.request("workspace/symbol", json!({ "query": "olga" }));
    assert_eq!(olga[0]["name"], "olga: Olga Ortiz");
    assert_eq!(
        olga[0]["location"]["range"]["start"],
        json!({ "line": 5, "character": 8 }),
        "her `id:` in charter.yaml"
    );
}

/// Asks for the code actions at the diagnostic of `rule` in `rel`, applies the one
/// titled with `title`, and checks the file is clean afterwards.
fn fix_applies_cleanly(lsp: &mut Lsp, rel: &str, text: &str, rule: &str, title: &str) {
    lsp.open(rel, text);
    let diagnostics = lsp.diagnostics(rel);
    let Some(diagnostic) = diagnostics.iter().find(|d| d["code"] == rule) else {
        panic!("no {rule} in {diagnostics:?}")
    };
    let params = json!({
        "textDocument": { "uri": lsp.uri(rel) },
        "range": diagnostic["range"],
        "context": { "diagnostics": diagnostics },
    });
    let actions = lsp.request("textDocument/codeAction", params);
    let action = actions.as_array().unwrap().iter().find(|a| a["title"].as_str().unwrap().contains(title));
    let action = action.unwrap_or_else(|| panic!("no action `{title}` in {actions}"));
    let edits = action["edit"]["changes"][lsp.uri(rel)].as_array().unwrap().clone();
    let fixed = apply(text, &edits);
    lsp.change(rel, &fixed);
    assert_eq!(lsp.diagnostics(rel), Vec::<Value>::new(), "after `{title}`:\n{fixed}");
}

#[test]
fn code_actions_fix_and_recheck_clean() {
    let site = Site::new()
        .file("roadmap/checkout.md", INITIATIVE)
        .file("backlog/A-1.md", story("product_owner: olga\nrank: 1\n"))
        .file("backlog/A-2.md", story("product_owner: olga\nrank: 4\n"));
    let mut lsp = Lsp::start(site.path());
    let typo = story("product_owner: olga\ninitiative: chekout\nrank: 2\n");
    fix_applies_cleanly(&mut lsp, "backlog/B-1.md", &typo, "unknown-initiative", "Replace with `checkout`");
    let unranked = story("product_owner: olga\n");
    fix_applies_cleanly(&mut lsp, "backlog/B-2.md", &unranked, "unranked-story", "Add `rank: 5`");
    let taken = story("product_owner: olga\nrank: 1\n");
    fix_applies_cleanly(&mut lsp, "backlog/B-3.md", &taken, "duplicate-rank", "next free rank, 6");
    let ready = story("product_owner: olga\nstatus: ready\nrank: 7\n");
    fix_applies_cleanly(&mut lsp, "backlog/B-4.md", &ready, "missing-acceptance-criteria", "acceptance criteria");
    let untitled = "---\nproduct_owner: olga\nrank: 8\n---\n";
    fix_applies_cleanly(&mut lsp, "backlog/B-5.md", untitled, "missing-field", "Add `title: B 5`");
    let unowned = "---\ntitle: x\nrank: 9\n---\n";
    fix_applies_cleanly(&mut lsp, "backlog/B-6.md", unowned, "missing-field", "Add `product_owner: olga`");
    let typo = story("product_ownr: olga\nrank: 10\n");
    fix_applies_cleanly(&mut lsp, "backlog/B-7.md", &typo, "unknown-field", "Replace with `product_owner`");
}

#[test]
fn bad_messages_unknown_methods_and_outsiders_are_answered_not_fatal() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    lsp.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    lsp.send_raw(b"Content-Length: lots\r\n\r\n");
    lsp.send_raw(b"no header at all\r\n\r\n");
    lsp.send_raw(b"Content-Length: 2\r\n\r\n[]");
    let unknown = lsp.call("charter/nothing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "MethodNotFound: {unknown}");
    assert!(
        lsp.notes.iter().any(|n| n["params"]["message"].as_str().unwrap_or("").contains("malformed")),
        "{:?}",
        lsp.notes
    );
    let bad_params = lsp.call("textDocument/hover", json!({ "textDocument": 5 }));
    assert_eq!(bad_params["error"]["code"], -32602, "InvalidParams: {bad_params}");
    let outside = tempfile::tempdir().unwrap();
    let stranger = lspurl(&outside.path().join("x.md"));
    lsp.notify("textDocument/didOpen", json!({ "textDocument": { "uri": stranger, "languageId": "markdown", "version": 1, "text": "---\nx: [\n---\n" } }));
    let hover = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": stranger }, "position": { "line": 1, "character": 1 } }),
    );
    assert_eq!(hover, Value::Null);
    assert!(!lsp.published.contains_key(&stranger), "no diagnostics for a file outside the site");
    assert!(lsp.shutdown().success());
}

fn lspurl(path: &std::path::Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

#[test]
fn a_50_mb_buffer_is_checked() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    let mut text = story("product_owner: pat\nrank: 1\n");
    let line = "All work and no play makes a very long backlog story body indeed. ".repeat(4) + "\n";
    while text.len() < 50 << 20 {
        text.push_str(&line);
    }
    lsp.open("backlog/BIG.md", &text);
    assert_eq!(spans(&lsp.diagnostics("backlog/BIG.md")), [("story-owner-role".into(), 2, 15, 18)]);
    let hover = lsp.request("textDocument/hover", lsp.at("backlog/BIG.md", 2, 16));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Pat Park"));
}

#[test]
fn a_deleted_charter_yaml_is_reported_and_survived() {
    let site = Site::new().file("backlog/A-1.md", story("product_owner: olga\nrank: 1\n"));
    let mut lsp = Lsp::start(site.path());
    let config = std::fs::read_to_string(site.path().join("charter.yaml")).unwrap();
    lsp.open("charter.yaml", &config);
    lsp.sync();
    std::fs::remove_file(site.path().join("charter.yaml")).unwrap();
    let deleted = json!({ "changes": [{ "uri": lsp.uri("charter.yaml"), "type": 3 }] });
    lsp.notify("workspace/didChangeWatchedFiles", deleted);
    lsp.open("backlog/A-1.md", &story("product_owner: pat\nrank: 1\n"));
    let diagnostics = lsp.diagnostics("backlog/A-1.md");
    assert_eq!(spans(&diagnostics)[0].0, "story-owner-role", "the open buffer still counts: {:?}", lsp.notes);
    lsp.close("charter.yaml");
    lsp.sync();
    let shown = lsp.notes.iter().filter(|n| n["method"] == "window/showMessage").collect::<Vec<_>>();
    assert!(shown.iter().any(|n| n["params"]["message"].as_str().unwrap().contains("charter.yaml")), "{shown:?}");
    let hover = lsp.call("textDocument/hover", lsp.at("backlog/A-1.md", 2, 16));
    assert!(hover.get("error").is_none(), "still answering: {hover}");
    assert!(lsp.shutdown().success());
}

#[test]
fn the_server_exits_when_stdin_closes() {
    let site = Site::new();
    let lsp = Lsp::start(site.path());
    assert!(lsp.close_stdin().success());
}

#[test]
fn requests_before_initialize_are_refused_and_the_site_is_found_from_a_subfolder() {
    let site = Site::new().file("backlog/A-1.md", story("product_owner: pat\nrank: 1\n"));
    let mut lsp = Lsp::spawn(site.path());
    let early = lsp.call("textDocument/hover", lsp.at("backlog/A-1.md", 0, 0));
    assert_eq!(early["error"]["code"], -32002, "ServerNotInitialized: {early}");
    let folder = lspurl(&site.path().join("backlog"));
    lsp.request("initialize", json!({ "processId": null, "rootUri": folder, "capabilities": {} }));
    lsp.notify("initialized", json!({}));
    let diagnostics = lsp.diagnostics("backlog/A-1.md");
    assert_eq!(spans(&diagnostics)[0].0, "story-owner-role", "checked from the start, charter.yaml found above");
}

#[test]
fn a_burst_of_edits_ends_in_the_state_of_the_last() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    lsp.open("backlog/A-1.md", &story("product_owner: olga\nrank: 1\n"));
    for n in 0..30 {
        let owner = if n % 2 == 0 { "pat" } else { "olga" };
        lsp.change("backlog/A-1.md", &story(&format!("product_owner: {owner}\nrank: {}\n", n + 1)));
    }
    assert_eq!(lsp.diagnostics("backlog/A-1.md"), Vec::<Value>::new(), "the last edit (olga) is clean");
    lsp.change("backlog/A-1.md", &story("product_owner: sam\nrank: 1\n"));
    assert_eq!(spans(&lsp.diagnostics("backlog/A-1.md")), [("story-owner-role".into(), 2, 15, 18)]);
}

#[test]
fn files_changed_on_disk_are_watched_and_reread() {
    let site = Site::new().file("backlog/A-1.md", story("product_owner: olga\ninitiative: checkout\nrank: 1\n"));
    let mut lsp = Lsp::spawn(site.path());
    let capabilities = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let root = lspurl(site.path());
    lsp.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": capabilities }));
    lsp.notify("initialized", json!({}));
    assert_eq!(spans(&lsp.diagnostics("backlog/A-1.md"))[0].0, "unknown-initiative");
    let registration = lsp.notes.iter().find(|n| n["method"] == "client/registerCapability").expect("a registration");
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/*.md", "{registration}");
    // The initiative appears on disk (a `git checkout`, another editor): the client reports it.
    std::fs::create_dir_all(site.path().join("roadmap")).unwrap();
    std::fs::write(site.path().join("roadmap/checkout.md"), INITIATIVE).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": lsp.uri("roadmap/checkout.md"), "type": 1 }] }),
    );
    assert_eq!(lsp.diagnostics("backlog/A-1.md"), Vec::<Value>::new());
}

#[test]
fn completion_in_charter_yaml_offers_fields_rule_ids_severities_and_people() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    let config = std::fs::read_to_string(site.path().join("charter.yaml")).unwrap();
    // Valid YAML throughout, so the team is read; the cursor stands inside the words.
    let text = format!("{config}aud: x\nrules:\n  unr: off\n  dual-role: \n");
    lsp.open("charter.yaml", &text);
    let lines = text.lines().count() as u32;
    let fields = lsp.request("textDocument/completion", lsp.at("charter.yaml", lines - 4, 3));
    assert!(labels(&fields).contains(&"audience".to_owned()), "{fields}");
    let ids = labels(&lsp.request("textDocument/completion", lsp.at("charter.yaml", lines - 2, 5)));
    assert!(ids.contains(&"unranked-story".to_owned()) && ids.contains(&"dual-role".to_owned()), "{ids:?}");
    assert_eq!(ids.len(), charter::diag::Rule::ALL.len());
    let severities = lsp.request("textDocument/completion", lsp.at("charter.yaml", lines - 1, 13));
    assert_eq!(labels(&severities), ["error", "warning", "off"]);
    let reports_to = lsp.request("textDocument/completion", lsp.at("charter.yaml", 8, 16));
    assert_eq!(labels(&reports_to), ["pat", "olga", "sam"]);
}

#[test]
fn a_template_error_is_published_and_cleared_when_fixed() {
    let bad = "<p>\n{% if story.title %}\n<p>never closed</p>\n";
    let site =
        Site::new().file("backlog/A-1.md", story("product_owner: olga\nrank: 1\n")).file("templates/story.html", bad);
    let mut lsp = Lsp::start(site.path());
    let diagnostics = lsp.diagnostics("templates/story.html");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "template-error");
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("story.html"), "{diagnostics:?}");
    std::fs::write(site.path().join("templates/story.html"), "<p>{{ story.title }}</p>\n").unwrap();
    let saved = json!({ "changes": [{ "uri": lsp.uri("templates/story.html"), "type": 2 }] });
    lsp.notify("workspace/didChangeWatchedFiles", saved);
    assert_eq!(lsp.diagnostics("templates/story.html"), Vec::<Value>::new(), "fixed: cleared");
    assert!(lsp.shutdown().success());
}

#[test]
fn hover_and_definition_in_charter_yaml_lead_to_people_and_sprints() {
    let site = Site::new();
    let mut lsp = Lsp::start(site.path());
    let config = std::fs::read_to_string(site.path().join("charter.yaml")).unwrap();
    lsp.open("charter.yaml", &config);
    // Line 8 is `    reports_to: pat`, line 5 `  - id: olga`, line 13 `  - id: S1`.
    let boss = lsp.request("textDocument/hover", lsp.at("charter.yaml", 8, 17));
    assert!(boss["contents"]["value"].as_str().unwrap().contains("Pat Park"), "{boss}");
    let definition = lsp.request("textDocument/definition", lsp.at("charter.yaml", 8, 17));
    assert_eq!(definition["uri"], lsp.uri("charter.yaml"));
    assert_eq!(definition["range"]["start"], json!({ "line": 2, "character": 8 }), "`- id: pat` in team");
    let person = lsp.request("textDocument/hover", lsp.at("charter.yaml", 5, 9));
    assert!(person["contents"]["value"].as_str().unwrap().contains("Olga Ortiz"), "{person}");
    let sprint = lsp.request("textDocument/hover", lsp.at("charter.yaml", 13, 9));
    assert!(sprint["contents"]["value"].as_str().unwrap().contains("2026-01-05 to 2026-01-18"), "{sprint}");
    assert_eq!(lsp.request("textDocument/hover", lsp.at("charter.yaml", 3, 12)), Value::Null, "a name is no id");
}
