//! `charter schema`: the JSON Schema of charter.yaml accepts the example site's config
//! and `init`'s, and rejects wrong ones, checked by an independent validator.

use crate::support::{Charter, OutDir, example_site};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let run = Charter::new(["schema"]).run();
    run.code(0);
    let schema: Value = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// A YAML config as the JSON a YAML editor validates.
fn json_of(yaml: &str) -> Value {
    serde_yaml::from_str(yaml).expect("YAML")
}

fn problems(validator: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    validator.iter_errors(&json_of(yaml)).map(|e| format!("{} at {}", e, e.instance_path)).collect()
}

#[test]
fn the_example_sites_config_is_valid() {
    let config = std::fs::read_to_string(example_site().join("charter.yaml")).unwrap();
    assert_eq!(problems(&schema(), &config), Vec::<String>::new());
}

#[test]
fn wrong_configs_are_rejected() {
    let validator = schema();
    let cases = [
        ("team: []\n", "\"title\" is a required property"),
        ("title: x\ncolour: red\n", "colour"),
        ("title: x\nrules:\n  unranked-stories: error\n", "unranked-stories"),
        ("title: x\nrules:\n  unranked-story: loud\n", "loud"),
        ("title: x\nteam:\n  - id: Alice\n    name: A\n", "Alice"),
        ("title: x\nsprints:\n  - id: S1\n    start: soon\n    end: 2026-01-02\n", "soon"),
    ];
    for (yaml, expected) in cases {
        let found = problems(&validator, yaml);
        assert!(found.iter().any(|p| p.contains(expected)), "{yaml:?}: {found:?}");
    }
}

#[test]
fn every_rule_id_is_an_allowed_key_of_rules() {
    let validator = schema();
    for rule in charter::diag::Rule::ALL {
        let yaml = format!("title: x\nrules:\n  {}: off\n", rule.id());
        assert_eq!(problems(&validator, &yaml), Vec::<String>::new(), "{rule}");
    }
}

#[test]
fn init_writes_the_schema_and_points_charter_yaml_at_it() {
    let dir = OutDir::new();
    let site = dir.out();
    Charter::new(["init".as_ref(), site.as_os_str()]).run().code(0);
    let config = std::fs::read_to_string(site.join("charter.yaml")).unwrap();
    assert_eq!(config.lines().next(), Some("# yaml-language-server: $schema=charter.schema.json"));
    let written = std::fs::read_to_string(site.join("charter.schema.json")).unwrap();
    assert_eq!(written.trim_end(), Charter::new(["schema"]).run().stdout.trim_end());
    assert_eq!(problems(&schema(), &config), Vec::<String>::new());
}
