//! Front-matter: splitting the `---` block off a file, parsing its YAML, and finding
//! where a key or value sits in the file for diagnostics.
//!
//! This is the only module that touches `serde_yaml` (archived upstream), so that a
//! maintained fork can replace it here alone. Positions come from a second, lazy pass
//! with `yaml-rust2`'s event parser, run only when a diagnostic needs one.

use crate::diag::{Diagnostic, Rule};
use crate::source::{Location, Source};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

mod fields;
mod locate;

pub use fields::{Fields, scalar_text};
use locate::Locator;

pub use serde_yaml::{Mapping, Value};

/// A parsed file: its source, where the YAML block is, and where the body starts.
#[derive(Debug)]
pub struct Document {
    pub source: Source,
    /// Byte range of the YAML text inside `source.text` (empty when there is none).
    yaml: std::ops::Range<usize>,
    /// 1-based line of the first YAML line in the file.
    yaml_line: usize,
    /// Byte offset of the body (after the closing `---`).
    body_start: usize,
    locator: OnceLock<Locator>,
    list_places: OnceLock<ListPlaces>,
    scan: OnceLock<crate::markdown::Scan>,
    excerpt: OnceLock<String>,
}

/// For each list field, the index of each entry by its text (the first one when repeated).
type ListPlaces = HashMap<String, HashMap<String, usize>>;

/// One step of a path into the YAML tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(key: &str) -> Seg {
        Seg::Key(key.to_owned())
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Seg {
        Seg::Index(index)
    }
}

/// Whether a diagnostic points at a key or at its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Key,
    Value,
}

/// What splitting found at the top of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Split {
    /// A `---` block: the YAML's byte range and the body's start.
    Yaml { yaml: std::ops::Range<usize>, body_start: usize },
    /// No front-matter: the whole file is body.
    None,
    /// `+++` TOML front-matter, which charter does not read.
    Toml,
    /// An opening `---` without a closing one.
    Unclosed,
}

/// Finds the `---` block at the top of `text` (BOM already stripped; CRLF accepted).
pub fn split(text: &str) -> Split {
    let Some(first_end) = first_line_end(text) else {
        return match text.trim_end() {
            "---" => Split::Unclosed,
            "+++" => Split::Toml,
            _ => Split::None,
        };
    };
    match text[..first_end].trim_end() {
        "---" => {}
        "+++" => return Split::Toml,
        _ => return Split::None,
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    while offset <= text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..end].trim_end() == "---" {
            let body_start = (end + 1).min(text.len());
            return Split::Yaml { yaml: yaml_start..offset, body_start };
        }
        offset = end + 1;
    }
    Split::Unclosed
}

fn first_line_end(text: &str) -> Option<usize> {
    text.find('\n')
}

impl Document {
    /// A document whose whole text is YAML (charter.yaml).
    pub fn whole_yaml(source: Source) -> Document {
        let len = source.text.len();
        Document::new(source, 0..len, len)
    }

    /// A document with a front-matter block at `yaml` and the body from `body_start`.
    pub fn new(source: Source, yaml: std::ops::Range<usize>, body_start: usize) -> Document {
        let yaml_line = source.text[..yaml.start].matches('\n').count() + 1;
        Document {
            source,
            yaml,
            yaml_line,
            body_start,
            locator: OnceLock::new(),
            list_places: OnceLock::new(),
            scan: OnceLock::new(),
            excerpt: OnceLock::new(),
        }
    }

    /// A document without front-matter (a doc page): all body.
    pub fn body_only(source: Source) -> Document {
        Document::new(source, 0..0, 0)
    }

    /// The Markdown body of the text held (empty once released: see [`Document::release`]).
    pub fn body(&self) -> &str {
        self.source.text.get(self.body_start..).unwrap_or_default()
    }

    /// The Markdown body to render: the text held's or, once released, the file's read
    /// again; a diagnostic when the file changed since it was validated.
    pub fn body_to_render(&self) -> Result<Cow<'_, str>, Box<Diagnostic>> {
        let unreadable = |why: String| {
            let message = format!("cannot read the file again to render it: {why}");
            Box::new(Diagnostic::file(Rule::InvalidValue, &self.source.rel, message).help("build again"))
        };
        match self.source.text_again().map_err(|err| unreadable(err.to_string()))? {
            Cow::Borrowed(text) => Ok(Cow::Borrowed(text.get(self.body_start..).unwrap_or_default())),
            Cow::Owned(mut text) if text.is_char_boundary(self.body_start) => {
                text.replace_range(..self.body_start, "");
                Ok(Cow::Owned(text))
            }
            Cow::Owned(_) => Err(unreadable("the file changed while the site was being built".into())),
        }
    }

    /// Lets go of the body (see [`Source::release`]); the front-matter stays, which
    /// the rules and history read and diagnostics point into. What the rules ask of the
    /// body (its links and ids) is found first and kept: [`Document::body`] is empty
    /// from then on.
    pub fn release(&mut self) {
        self.scan();
        self.source.release(self.body_start);
    }

    /// Byte offset of the body in the source text.
    pub fn body_offset(&self) -> usize {
        self.body_start
    }

    /// The links, images and ids of the body, found once per document (serve keeps
    /// unchanged documents, so they are not searched again).
    pub fn scan(&self) -> &crate::markdown::Scan {
        self.scan.get_or_init(|| crate::markdown::scan(self.body()))
    }

    /// The start of the body as plain text (for the search index), found once per
    /// document like its links: from the body held, else taken when the page rendered
    /// its body (see [`Document::take_excerpt`]), else from the file read again (empty
    /// if it changed since, which fails the build where its page is rendered).
    pub fn excerpt(&self) -> &str {
        self.excerpt
            .get_or_init(|| self.body_to_render().map(|body| crate::markdown::excerpt(&body)).unwrap_or_default())
    }

    /// Keeps the excerpt its page's render found (so that `check`, which has no use for
    /// it, does not look for it, and `build` neither reads the file a third time nor
    /// parses its body twice).
    pub fn take_excerpt(&self, excerpt: &str) {
        self.excerpt.get_or_init(|| excerpt.to_owned());
    }

    /// The YAML text of the block.
    pub fn yaml(&self) -> &str {
        self.source.text.get(self.yaml.clone()).unwrap_or_default()
    }

    /// Parses the YAML block into a mapping, or explains why it is not one.
    pub fn parse(&self) -> Result<Mapping, Box<Diagnostic>> {
        let yaml = self.yaml();
        if let Some(diag) = self.tab_indentation() {
            return Err(Box::new(diag));
        }
        match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Mapping(map)) => Ok(map),
            Ok(Value::Null) => Ok(Mapping::new()),
            Ok(other) => Err(Box::new(self.not_a_mapping(&other))),
            Err(err) => Err(Box::new(self.syntax_error(&err))),
        }
    }

    fn tab_indentation(&self) -> Option<Diagnostic> {
        let mut offset = self.yaml.start;
        for line in self.yaml().split_inclusive('\n') {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(tab) = line[..indent].find('\t') {
                let at = offset + tab;
                let location = self.source.locate(at, at + 1);
                return Some(
                    Diagnostic::at(self.rule_for_syntax(), &self.source, location, "tab character in YAML indentation")
                        .help("YAML indents with spaces only: replace the tab with spaces"),
                );
            }
            offset += line.len();
        }
        None
    }

    fn rule_for_syntax(&self) -> Rule {
        if self.source.rel == "charter.yaml" { Rule::ConfigInvalid } else { Rule::FrontMatterSyntax }
    }

    fn syntax_error(&self, err: &serde_yaml::Error) -> Diagnostic {
        let (line, column) = err.location().map_or((1, 1), |l| (l.line(), l.column()));
        let mut location = self.source.locate_line_col(self.yaml_line + line - 1, column, 1);
        let text = err.to_string();
        let mut message = self.file_marks(&text);
        // Some errors carry no usable location: point at what they name instead.
        if let Some(key) = text.strip_prefix("duplicate entry with key \"").and_then(|k| k.strip_suffix('"'))
            && self.locator.get_or_init(|| Locator::build(self.yaml())).get(&[Seg::Key(key.into())]).is_some()
        {
            location = self.locate(&[Seg::Key(key.into())], Part::Key);
        }
        if let Some((before, offset)) = text.rsplit_once(" at position ")
            && let Ok(offset) = offset.parse::<usize>()
        {
            location = self.source.locate(self.yaml.start + offset, self.yaml.start + offset + 1);
            message = before.to_owned();
        }
        let help = if text.contains("repetition limit") {
            "anchors (`&a`) and aliases (`*a`) expand to too much data here; write the values out instead"
        } else if text.contains("recursion limit") {
            "lists and mappings are nested too deeply here (more than 128 levels); flatten the value"
        } else if text.contains("duplicate entry with key") {
            "a key may appear only once in a mapping: remove or rename one of them"
        } else {
            "check quotes, colons and indentation near this position; quote values that contain `: ` or start with a special character"
        };
        Diagnostic::at(self.rule_for_syntax(), &self.source, location, format!("invalid YAML: {message}")).help(help)
    }

    /// The parser's message with its `at line L column C` marks counted in file lines;
    /// the first mark is dropped, as the diagnostic's own position shows it.
    fn file_marks(&self, message: &str) -> String {
        let (mut out, mut rest, mut first) = (String::new(), message, true);
        while let Some(i) = rest.find(" at line ") {
            out.push_str(&rest[..i]);
            let after = &rest[i + " at line ".len()..];
            let digits = after.find(|c: char| !c.is_ascii_digit()).unwrap_or(after.len());
            let line: usize = after[..digits].parse().unwrap_or(1);
            rest = &after[digits..];
            if std::mem::take(&mut first) {
                let column = rest.strip_prefix(" column ").unwrap_or(rest);
                rest = column.trim_start_matches(|c: char| c.is_ascii_digit());
            } else {
                out.push_str(&format!(" at line {}", self.yaml_line + line.max(1) - 1));
            }
        }
        out.push_str(rest);
        out
    }

    fn not_a_mapping(&self, value: &Value) -> Diagnostic {
        let location = self.source.locate(self.yaml.start, self.yaml.end.max(self.yaml.start + 1));
        let found = type_name(value);
        Diagnostic::at(
            self.rule_for_syntax(),
            &self.source,
            location,
            format!("front-matter must be a mapping of fields, found {found}"),
        )
        .help("write one `key: value` per line, e.g. `title: Guest checkout`")
    }

    /// Where the key or value at `path` sits in the file; falls back to the nearest
    /// parent that exists, then to the start of the block.
    pub fn locate(&self, path: &[Seg], part: Part) -> Location {
        let locator = self.locator.get_or_init(|| Locator::build(self.yaml()));
        for depth in (1..=path.len()).rev() {
            if let Some(entry) = locator.get(&path[..depth]) {
                let (line, col, width) = entry.pick(part, depth == path.len());
                return self.source.locate_line_col(self.yaml_line + line - 1, col, width);
            }
        }
        self.start_location()
    }

    /// Where the entry reading `text` sits in the list under `key`. Lists in the model
    /// drop invalid entries, so an entry's place there is not its place in the file: the
    /// block is parsed again the first time a diagnostic asks, once for all its lists.
    pub fn list_entry(&self, key: &str, text: &str) -> Vec<Seg> {
        let places = self.list_places.get_or_init(|| self.find_list_places());
        let index = places.get(key).and_then(|entries| entries.get(text));
        let mut path = vec![Seg::Key(key.to_owned())];
        path.extend(index.map(|&i| Seg::Index(i)));
        path
    }

    fn find_list_places(&self) -> ListPlaces {
        let Ok(map) = self.parse() else { return ListPlaces::new() };
        let lists = map.iter().filter_map(|(key, value)| Some((scalar_text(key)?, value.as_sequence()?)));
        lists
            .map(|(key, items)| {
                let mut places = HashMap::new();
                for (i, text) in items.iter().enumerate().filter_map(|(i, item)| Some((i, scalar_text(item)?))) {
                    places.entry(text).or_insert(i);
                }
                (key, places)
            })
            .collect()
    }

    /// Where the item starts: the first line of the block's content (comments and blank
    /// lines skipped), underlined whole; the opening `---` when the block has no content.
    pub fn first_entry_location(&self) -> Location {
        let mut lines = self.yaml().lines().enumerate();
        let Some((n, line)) = lines.find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#')) else {
            return self.start_location();
        };
        let content = line.trim();
        let column = line[..line.len() - line.trim_start().len()].chars().count() + 1;
        self.source.locate_line_col(self.yaml_line + n, column, content.chars().count())
    }

    /// The opening `---` of the block (or the file's first line).
    pub fn start_location(&self) -> Location {
        let line = self.yaml_line.saturating_sub(1).max(1);
        self.source.locate_line_col(line, 1, 3)
    }
}

/// A human name for a YAML value's type, used in messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        let source = Source::new("backlog/a.md", "backlog/a.md", text.to_owned());
        match split(&source.text) {
            Split::Yaml { yaml, body_start } => Document::new(source, yaml, body_start),
            other => panic!("no yaml: {other:?}"),
        }
    }

    #[test]
    fn split_finds_block_and_body() {
        let text = "---\ntitle: x\n---\n# Body\n";
        assert_eq!(split(text), Split::Yaml { yaml: 4..13, body_start: 17 });
        assert_eq!(doc(text).body(), "# Body\n");
    }

    #[test]
    fn a_released_document_renders_its_body_read_again_and_keeps_its_links() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("a.md");
        let text = "---\ntitle: x\n---\n# Body é\n\nSee [b](b.md).\n";
        std::fs::write(&path, text).expect("written");
        let Split::Yaml { yaml, body_start } = split(text) else { panic!("a block") };
        let held = Document::new(Source::new("backlog/a.md", &path, text.to_owned()), yaml.clone(), body_start);
        let mut released = Document::new(Source::new("backlog/a.md", &path, text.to_owned()), yaml, body_start);
        released.release();
        assert_eq!(released.body_to_render().expect("unchanged").as_ref(), held.body());
        assert_eq!((released.scan(), released.excerpt()), (held.scan(), held.excerpt()));
        assert_eq!((released.body(), released.yaml()), ("", "title: x\n"), "the front-matter held, no body");
        std::fs::write(&path, "---\ntitle: x\n---\n# Body e\n\nSee [b](b.md).\n").expect("written");
        let d = released.body_to_render().expect_err("changed since");
        assert_eq!(d.file, "backlog/a.md");
        assert!(d.message.contains("changed while the site was being built"), "{}", d.message);
    }

    #[test]
    fn split_accepts_crlf_and_trailing_spaces() {
        let text = "--- \r\ntitle: x\r\n---\r\nbody";
        let Split::Yaml { yaml, body_start } = split(text) else { panic!() };
        assert_eq!(&text[yaml], "title: x\r\n");
        assert_eq!(&text[body_start..], "body");
    }

    #[test]
    fn split_recognises_missing_toml_and_unclosed() {
        assert_eq!(split("# Title\n"), Split::None);
        assert_eq!(split(""), Split::None);
        assert_eq!(split("+++\ntitle = 'x'\n+++\n"), Split::Toml);
        assert_eq!(split("---\ntitle: x\n"), Split::Unclosed);
        assert_eq!(split("---"), Split::Unclosed);
        assert_eq!(split("---\n---"), Split::Yaml { yaml: 4..4, body_start: 7 });
    }

    #[test]
    fn locate_points_into_the_file() {
        let d =
            doc("---\ntitle: Guest checkout\nproduct_owner: alice\nacceptance_criteria:\n  - one\n  - \"two\"\n---\n");
        let loc = d.locate(&["product_owner".into(), Seg::Key(String::new())][..1], Part::Value);
        assert_eq!((loc.line, loc.column, loc.width), (3, 16, 5));
        let loc = d.locate(&["product_owner".into()], Part::Key);
        assert_eq!((loc.line, loc.column), (3, 1));
        let loc = d.locate(&["acceptance_criteria".into(), 1.into()], Part::Value);
        assert_eq!((loc.line, loc.column, loc.width), (6, 5, 5));
    }

    #[test]
    fn locate_falls_back_to_parent_then_block_start() {
        let d = doc("---\nmetrics:\n  - name: a\n    target: 3\n---\n");
        let loc = d.locate(&["metrics".into(), 0.into(), "target".into()], Part::Value);
        assert_eq!((loc.line, loc.column), (4, 13));
        let loc = d.locate(&["metrics".into(), 0.into(), "baseline".into()], Part::Value);
        assert_eq!((loc.line, loc.column), (3, 5));
        let loc = d.locate(&["nope".into()], Part::Value);
        assert_eq!((loc.line, loc.column), (1, 1));
    }

    #[test]
    fn syntax_errors_point_into_the_file_not_the_block() {
        let d = doc("---\ntitle: x\nstatus: [ready\n---\n");
        let err = d.parse().unwrap_err();
        assert_eq!(err.rule, Rule::FrontMatterSyntax);
        assert!(err.line >= 3, "line {}", err.line);
    }

    #[test]
    fn tabs_in_indentation_are_named() {
        let d = doc("---\ntags:\n\t- a\n---\n");
        let err = d.parse().unwrap_err();
        assert_eq!((err.line, err.column), (3, 1));
        assert!(err.message.contains("tab"));
    }

    #[test]
    fn lists_and_scalars_are_not_mappings() {
        assert!(doc("---\n- a\n---\n").parse().unwrap_err().message.contains("found a list"));
        assert!(doc("---\njust text\n---\n").parse().unwrap_err().message.contains("found a string"));
        assert!(doc("---\n---\n").parse().unwrap().is_empty());
    }
}
