//! Positions of keys and values in a YAML text, found with yaml-rust2's event parser.

use super::{Part, Seg};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// (line within the YAML, 1-based column, width in characters)
pub(super) type Pos = (usize, usize, usize);

#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    key: Option<Pos>,
    value: Pos,
}

/// Positions of every key and value in a YAML text, by path.
#[derive(Debug, Default)]
pub(super) struct Locator {
    entries: HashMap<Vec<Seg>, Entry>,
}

enum Frame {
    /// `fresh` until the first key is seen: block mappings report their start at the
    /// first key's colon, so the first key's position stands in for the mapping. Flow
    /// mappings report their `{`, which is right: they are never fresh.
    Map {
        key: Option<(String, Pos)>,
        fresh: bool,
    },
    Seq {
        next: usize,
    },
}

struct Builder<'a> {
    lines: Vec<&'a str>,
    path: Vec<Seg>,
    frames: Vec<Frame>,
    entries: HashMap<Vec<Seg>, Entry>,
}

impl Locator {
    pub(super) fn build(yaml: &str) -> Locator {
        let mut builder =
            Builder { lines: yaml.lines().collect(), path: vec![], frames: vec![], entries: HashMap::new() };
        let mut parser = Parser::new_from_str(yaml);
        // A syntax error was already reported by the real parse; positions found so far stay.
        let _ = parser.load(&mut builder, false);
        Locator { entries: builder.entries }
    }
}

impl Builder<'_> {
    fn pos(&self, mark: Marker, scalar: Option<(&str, TScalarStyle)>) -> Pos {
        let line = mark.line().max(1);
        let col = mark.col() + 1;
        let width = match scalar {
            Some((value, TScalarStyle::Plain)) => value.chars().count(),
            Some((_, TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted)) => self.quoted_width(line, col),
            _ => 1,
        };
        (line, col, width.max(1))
    }

    fn quoted_width(&self, line: usize, col: usize) -> usize {
        let Some(text) = self.lines.get(line - 1) else { return 1 };
        let mut chars = text.chars().skip(col - 1);
        let Some(quote) = chars.next() else { return 1 };
        let mut width = 1;
        let mut escaped = false;
        for c in chars {
            width += 1;
            if c == quote && !escaped {
                return width;
            }
            escaped = quote == '"' && c == '\\' && !escaped;
        }
        width
    }

    /// Records a node; returns true when it was a value (so containers push a frame).
    fn node(&mut self, pos: Pos, key_text: Option<&str>) -> bool {
        match self.frames.last_mut() {
            Some(Frame::Map { key, fresh }) if key.is_none() => {
                *key = Some((key_text.unwrap_or_default().to_owned(), pos));
                if std::mem::take(fresh)
                    && let Some(entry) = self.entries.get_mut(&self.path)
                {
                    entry.value = pos;
                }
                false
            }
            Some(Frame::Map { key, .. }) => {
                let (name, key_pos) = key.take().unwrap_or_default();
                self.path.push(Seg::Key(name));
                self.entries.insert(self.path.clone(), Entry { key: Some(key_pos), value: pos });
                true
            }
            Some(Frame::Seq { next }) => {
                self.path.push(Seg::Index(*next));
                *next += 1;
                self.entries.insert(self.path.clone(), Entry { key: None, value: pos });
                true
            }
            None => {
                self.path.clear();
                true
            }
        }
    }

    fn leave_value(&mut self) {
        if !self.frames.is_empty() {
            self.path.pop();
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, style, ..) => {
                let pos = self.pos(mark, Some((&value, style)));
                if self.node(pos, Some(&value)) {
                    self.leave_value();
                }
            }
            Event::Alias(_) => {
                let pos = self.pos(mark, None);
                if self.node(pos, None) {
                    self.leave_value();
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let pos = self.pos(mark, None);
                let was_value = self.node(pos, None);
                if !was_value {
                    // A complex key: keep a placeholder path so nesting stays balanced.
                    self.path.push(Seg::Key(String::new()));
                }
                let frame = if matches!(event, Event::MappingStart(..)) {
                    // A flow mapping (`{a: b}`) reports its `{`: that is its position.
                    let flow = self.lines.get(pos.0 - 1).and_then(|l| l.chars().nth(pos.1 - 1)) == Some('{');
                    Frame::Map { key: None, fresh: !flow }
                } else {
                    Frame::Seq { next: 0 }
                };
                self.frames.push(frame);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.leave_value();
            }
            _ => {}
        }
    }
}

impl Locator {
    pub(super) fn get(&self, path: &[Seg]) -> Option<&Entry> {
        self.entries.get(path)
    }
}

impl Entry {
    /// The key's position for `Part::Key`, and for a parent standing in for a missing child.
    pub(super) fn pick(&self, part: Part, exact: bool) -> Pos {
        match (part, self.key, exact) {
            (Part::Key, Some(key), _) | (Part::Value, Some(key), false) => key,
            _ => self.value,
        }
    }
}
