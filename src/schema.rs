//! The JSON Schema (draft-07) of charter.yaml, for YAML editors without the language
//! server: the fields of SPEC §3 with what each means, and the rule ids of
//! [`Rule::ALL`] as the only keys of `rules:`.

use crate::diag::Rule;
use serde_json::{Map, Value, json};

/// The file name `charter init` writes the schema to, beside charter.yaml.
pub const SCHEMA_FILE: &str = "charter.schema.json";

/// The first line of a charter.yaml that points YAML editors at the schema beside it.
pub const MODELINE: &str = "# yaml-language-server: $schema=charter.schema.json";

const ITEM_ID: &str = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
const PERSON_ID: &str = "^[a-z0-9][a-z0-9_-]*$";
const DATE: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// The schema, pretty-printed.
pub fn text() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default()
}

/// The schema as a JSON value.
pub fn schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://charter.invalid/charter.schema.json",
        "title": "charter.yaml",
        "description": "Settings, team and sprints of a Charter site.",
        "type": "object",
        "required": ["title"],
        "additionalProperties": false,
        "properties": {
            "title": text_field("Title of the site (required)."),
            "base_url": text_field("Address the site is published at; used for the feed and sitemap. Default `/`."),
            "description": text_field("One line about the product, plain text."),
            "vision": text_field("Why the product exists, in Markdown; shown on the home page."),
            "theme": text_field("`default`, or the name of a folder under themes/."),
            "audience": { "description": "Default audience of `charter build`.", "enum": ["internal", "public"] },
            "unsafe_html": { "description": "Allow raw HTML in Markdown unsanitised (default false).", "type": "boolean" },
            "team": { "description": "The people of the product team.", "type": "array", "items": person() },
            "sprints": { "description": "The sprints, by id.", "type": "array", "items": sprint() },
            "rules": rules(),
            "ignore": {
                "description": "Globs, relative to the site, of files charter skips.",
                "type": "array",
                "items": { "type": "string" }
            },
            "repository": repository(),
            "history": history(),
        }
    })
}

fn text_field(description: &str) -> Value {
    json!({ "description": description, "type": ["string", "number"] })
}

fn person() -> Value {
    json!({
        "type": "object",
        "required": ["id", "name"],
        "additionalProperties": false,
        "properties": {
            "id": { "description": "Person id: lowercase letters, digits, `_` and `-`.", "type": "string", "pattern": PERSON_ID },
            "name": text_field("Full name, as pages show it."),
            "roles": {
                "description": "Free strings; `product_manager` owns initiatives, `product_owner` owns stories.",
                "type": "array",
                "items": { "type": "string", "examples": ["product_manager", "product_owner"] }
            },
            "reports_to": { "description": "Person id of this person's manager.", "type": "string", "pattern": PERSON_ID },
            "git": {
                "description": "Commit author emails or names of this person, for `charter audit` and the changes pages.",
                "type": "array",
                "items": { "type": "string" }
            },
        }
    })
}

fn sprint() -> Value {
    json!({
        "type": "object",
        "required": ["id", "start", "end"],
        "additionalProperties": false,
        "properties": {
            "id": { "description": "Sprint id, e.g. `2026-S23`.", "type": "string", "pattern": ITEM_ID },
            "start": { "description": "First day, YYYY-MM-DD.", "type": "string", "pattern": DATE },
            "end": { "description": "Last day, YYYY-MM-DD.", "type": "string", "pattern": DATE },
            "goal": text_field("What the sprint is for."),
        }
    })
}

/// `rules:`: every rule id, each with its summary and default severity.
fn rules() -> Value {
    let properties: Map<String, Value> = Rule::ALL
        .iter()
        .map(|rule| {
            let description = format!("{} (default: {})", rule.summary(), rule.default_severity().as_str());
            (rule.id().to_owned(), json!({ "description": description, "enum": ["error", "warning", "off"] }))
        })
        .collect();
    json!({
        "description": "Severity overrides by rule id.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

fn repository() -> Value {
    json!({
        "description": "Where the sources live on the web, for links to files outside the site and \"edit this page\".",
        "type": "object",
        "required": ["url"],
        "additionalProperties": false,
        "properties": {
            "url": { "description": "The repository's web address.", "type": "string", "pattern": "^https?://" },
            "branch": text_field("Branch to link to (default main)."),
            "path": text_field("The site's folder in the repository (default: found from git)."),
        }
    })
}

/// `history:`: `false`, or the span of "What changed".
fn history() -> Value {
    json!({
        "description": "The site's git history (changes pages): `false` turns it off.",
        "oneOf": [
            { "const": false },
            { "const": true },
            {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "window_days": {
                        "description": "Span of \"What changed\" in days, back from the newest commit (default 90).",
                        "type": "integer",
                        "minimum": 1
                    }
                }
            }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{HISTORY, PERSON, REPOSITORY, SPRINT, TOP};

    fn keys(object: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = object["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    fn sorted(fields: &[&'static str]) -> Vec<&'static str> {
        let mut fields = fields.to_vec();
        fields.sort_unstable();
        fields
    }

    #[test]
    fn the_schema_names_the_fields_the_config_reader_knows() {
        let schema = schema();
        assert_eq!(keys(&schema), sorted(TOP));
        assert_eq!(keys(&schema["properties"]["team"]["items"]), sorted(PERSON));
        assert_eq!(keys(&schema["properties"]["sprints"]["items"]), sorted(SPRINT));
        assert_eq!(keys(&schema["properties"]["repository"]), sorted(REPOSITORY));
        assert_eq!(keys(&schema["properties"]["history"]["oneOf"][2]), sorted(HISTORY));
        assert_eq!(keys(&schema["properties"]["rules"]).len(), Rule::ALL.len());
    }
}
