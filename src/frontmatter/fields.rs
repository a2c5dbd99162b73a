//! Typed, strict reading of one YAML mapping: every wrong type, bad enum value and
//! unknown key becomes a diagnostic at its position, and reading goes on.

use super::{Document, Mapping, Part, Seg, Value, type_name};
use crate::diag::{Diagnostic, Rule, did_you_mean};
use crate::values::{Date, Keyword, Timeframe};

/// A reader over one mapping of a document (the front-matter, or an entry of a list).
pub struct Fields<'a> {
    doc: &'a Document,
    base: Vec<Seg>,
    map: &'a Mapping,
    /// What the mapping is, for messages: "story", "team member", "metric".
    what: &'static str,
    known: &'static [&'static str],
    diags: Vec<Diagnostic>,
    /// The rule for wrong values: invalid-value, or config-invalid in charter.yaml.
    value_rule: Rule,
}

impl<'a> Fields<'a> {
    /// A reader over `map`, found at `base` in `doc`, that accepts the keys `known`.
    pub fn new(
        doc: &'a Document,
        base: Vec<Seg>,
        map: &'a Mapping,
        what: &'static str,
        known: &'static [&'static str],
    ) -> Self {
        let value_rule = if doc.source.rel == "charter.yaml" { Rule::ConfigInvalid } else { Rule::InvalidValue };
        Fields { doc, base, map, what, known, diags: Vec::new(), value_rule }
    }

    /// The document being read.
    pub fn doc(&self) -> &'a Document {
        self.doc
    }

    /// Reports every key the reader does not know, and returns all diagnostics.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        for key in self.map.keys() {
            let name = match key {
                Value::String(s) => s.clone(),
                other => format!("{other:?}"),
            };
            if self.known.contains(&name.as_str()) {
                continue;
            }
            let location = self.doc.locate(&self.path(&name), Part::Key);
            let help = match did_you_mean(&name, self.known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the fields of {} are: {}", self.article(), self.known.join(", ")),
            };
            let unknown = Diagnostic::at(
                Rule::UnknownField,
                &self.doc.source,
                location,
                format!("unknown field `{name}` in {}", self.article()),
            );
            self.diags.push(unknown.help(help));
        }
        self.diags
    }

    fn article(&self) -> String {
        if self.what.ends_with(".yaml") {
            return self.what.to_owned();
        }
        let a = if self.what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{a} {}", self.what)
    }

    fn path(&self, key: &str) -> Vec<Seg> {
        let mut path = self.base.clone();
        path.push(Seg::Key(key.to_owned()));
        path
    }

    /// The raw value of a key.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Adds a diagnostic found by the caller.
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reports a wrong value at `path` (relative to this mapping).
    pub fn invalid(&mut self, path: &[Seg], message: String, help: String) {
        let mut full = self.base.clone();
        full.extend_from_slice(path);
        let location = self.doc.locate(&full, Part::Value);
        let d = Diagnostic::at(self.value_rule, &self.doc.source, location, message).help(help);
        self.diags.push(d);
    }

    fn wrong_type(&mut self, key: &str, value: &Value, expected: &str, example: &str) {
        let message = format!("`{key}` must be {expected}, found {}", type_name(value));
        self.invalid(&[key.into()], message, format!("write it as `{key}: {example}`"));
    }

    /// Reports that a required key is absent, pointing at the mapping itself.
    pub fn missing(&mut self, key: &str, help: String) {
        let location =
            if self.base.is_empty() { self.doc.start_location() } else { self.doc.locate(&self.base, Part::Value) };
        let d = Diagnostic::at(
            Rule::MissingField,
            &self.doc.source,
            location,
            format!("{} has no `{key}`", self.article()),
        );
        self.diags.push(d.help(help));
    }

    /// A text field (numbers and booleans are taken as their text).
    pub fn text(&mut self, key: &str) -> Option<String> {
        let value = self.get(key)?;
        match scalar_text(value) {
            Some(text) => Some(text),
            None => {
                self.wrong_type(key, value, "text", "...");
                None
            }
        }
    }

    /// A text field that must be present.
    pub fn required_text(&mut self, key: &str, example: &str) -> Option<String> {
        let text = self.text(key);
        if text.is_none() && self.get(key).is_none() {
            self.missing(key, format!("add `{key}: {example}`"));
        }
        text
    }

    /// An id field checked against its pattern.
    pub fn id(&mut self, key: &str, valid: fn(&str) -> bool, pattern: &str) -> Option<String> {
        let text = self.text(key)?;
        if valid(&text) {
            return Some(text);
        }
        self.invalid(&[key.into()], format!("`{text}` is not a valid id"), format!("ids match `{pattern}`"));
        None
    }

    /// One word of a closed set (status, horizon, visibility, ...).
    pub fn keyword<K: Keyword + PartialEq>(&mut self, key: &str) -> Option<K> {
        let text = self.text(key)?;
        if let Some(k) = K::parse(&text) {
            return Some(k);
        }
        let near = did_you_mean(&text, K::WORDS.iter().map(|(w, _)| *w));
        let help = match near {
            Some(near) => format!("did you mean `{near}`? {key} is one of: {}", K::choices()),
            None => format!("{key} is one of: {}", K::choices()),
        };
        self.invalid(&[key.into()], format!("`{text}` is not a valid {key}"), help);
        None
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(&mut self, key: &str) -> Option<Date> {
        let text = self.text(key)?;
        let date = Date::parse(&text);
        if date.is_none() {
            self.invalid(
                &[key.into()],
                format!("`{text}` is not a date"),
                "write dates as YYYY-MM-DD, e.g. 2026-11-02".into(),
            );
        }
        date
    }

    /// A `YYYY`, `YYYY-Qn` or `YYYY-Hn` timeframe.
    pub fn timeframe(&mut self, key: &str) -> Option<Timeframe> {
        let text = self.text(key)?;
        let timeframe = Timeframe::parse(&text);
        if timeframe.is_none() {
            self.invalid(
                &[key.into()],
                format!("`{text}` is not a timeframe"),
                "write a year (2027), a quarter (2027-Q1) or a half (2027-H2)".into(),
            );
        }
        timeframe
    }

    /// An integer of at least `min`.
    pub fn integer(&mut self, key: &str, min: i64) -> Option<i64> {
        let value = self.get(key)?;
        match value.as_i64() {
            Some(n) if n >= min => Some(n),
            Some(n) => {
                self.invalid(
                    &[key.into()],
                    format!("`{key}` must be at least {min}, found {n}"),
                    format!("use a whole number from {min} up"),
                );
                None
            }
            None => {
                self.wrong_type(key, value, "a whole number", &min.to_string());
                None
            }
        }
    }

    /// A number of at least zero.
    pub fn non_negative(&mut self, key: &str) -> Option<f64> {
        let value = self.get(key)?;
        match value.as_f64() {
            Some(n) if n >= 0.0 && n.is_finite() => Some(n),
            Some(n) => {
                self.invalid(
                    &[key.into()],
                    format!("`{key}` must be 0 or more, found {n}"),
                    "estimates are story points: 0, 1, 2, 3, 5, 8, ...".into(),
                );
                None
            }
            None => {
                self.wrong_type(key, value, "a number", "3");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        let b = value.as_bool();
        if b.is_none() {
            self.wrong_type(key, value, "true or false", "false");
        }
        b
    }

    /// A list of texts (each entry checked).
    pub fn text_list(&mut self, key: &str) -> Vec<String> {
        self.list(key, |_| true, "")
    }

    /// A list of ids, each matching `valid`.
    pub fn id_list(&mut self, key: &str, valid: fn(&str) -> bool, pattern: &str) -> Vec<String> {
        self.list(key, valid, pattern)
    }

    fn list(&mut self, key: &str, valid: fn(&str) -> bool, pattern: &str) -> Vec<String> {
        let Some(value) = self.get(key) else { return vec![] };
        let Some(items) = value.as_sequence() else {
            self.wrong_type(key, value, "a list", "[a, b]");
            return vec![];
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match scalar_text(item) {
                Some(text) if valid(&text) => out.push(text),
                Some(text) => self.invalid(
                    &[key.into(), i.into()],
                    format!("`{text}` is not a valid id"),
                    format!("ids match `{pattern}`"),
                ),
                None => self.invalid(
                    &[key.into(), i.into()],
                    format!("entries of `{key}` must be text, found {}", type_name(item)),
                    "quote the entry if it contains `: ` or starts with a special character".into(),
                ),
            }
        }
        out
    }

    /// A list of mappings, each read by `read` with its own reader.
    pub fn mapping_list<T>(
        &mut self,
        key: &str,
        what: &'static str,
        known: &'static [&'static str],
        mut read: impl FnMut(&mut Fields<'a>) -> Option<T>,
    ) -> Vec<T> {
        let Some(value) = self.get(key) else { return vec![] };
        let Some(items) = value.as_sequence() else {
            self.wrong_type(key, value, "a list", "[...]");
            return vec![];
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let mut path = self.base.clone();
            path.extend([Seg::Key(key.to_owned()), Seg::Index(i)]);
            let Some(map) = item.as_mapping() else {
                self.invalid(
                    &[key.into(), i.into()],
                    format!("entries of `{key}` must be mappings, found {}", type_name(item)),
                    format!("write each {what} as `- name: ...` with its fields indented below"),
                );
                continue;
            };
            let mut sub = Fields::new(self.doc, path, map, what, known);
            let parsed = read(&mut sub);
            self.diags.extend(sub.finish());
            out.extend(parsed);
        }
        out
    }

    /// One mapping under `key`, read by `read` with its own reader (`repository:`).
    pub fn mapping_item<T>(
        &mut self,
        key: &str,
        what: &'static str,
        known: &'static [&'static str],
        read: impl FnOnce(&mut Fields<'a>) -> Option<T>,
    ) -> Option<T> {
        let map = self.mapping(key)?;
        let mut path = self.base.clone();
        path.push(Seg::Key(key.to_owned()));
        let mut sub = Fields::new(self.doc, path, map, what, known);
        let parsed = read(&mut sub);
        self.diags.extend(sub.finish());
        parsed
    }

    /// The mapping under `key`, for free-form maps such as `rules:`.
    pub fn mapping(&mut self, key: &str) -> Option<&'a Mapping> {
        let value = self.get(key)?;
        let map = value.as_mapping();
        if map.is_none() {
            self.wrong_type(key, value, "a mapping", "{ ... }");
        }
        map
    }

    /// The path of `key` in this mapping, for later diagnostics.
    pub fn key_path(&self, key: &str) -> Vec<Seg> {
        self.path(key)
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
