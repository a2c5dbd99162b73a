//! What `serve` and `build --watch` print of each build's warnings. The first build
//! prints them all, as `build` does; a rebuild prints only those the build before did
//! not have and counts the rest, so a save shows the warnings it caused instead of
//! scrolling hundreds of known ones by (a 10,000-story site can have that many
//! unranked stories).

use super::{Diagnostic, Rule};
use std::collections::HashMap;

/// A warning as the console tells it apart: a warning that only moved (lines added
/// above it) is the same warning.
type Key = (Rule, String, String);

fn key(d: &Diagnostic) -> Key {
    (d.rule, d.file.clone(), d.message.clone())
}

/// The warnings of the last good build, once there was one.
#[derive(Debug, Default)]
pub struct Console {
    last: Option<Vec<Key>>,
}

impl Console {
    /// Prints what is new in `warnings` (all of them the first time) and returns the
    /// summary for the build's line: empty when there were and are no warnings.
    pub fn warnings(&mut self, warnings: &[Diagnostic]) -> String {
        let keys: Vec<Key> = warnings.iter().map(key).collect();
        let Some(last) = self.last.replace(keys) else {
            super::eprint(warnings);
            return summary(warnings.len(), None, 0);
        };
        let mut before: HashMap<&Key, usize> = HashMap::new();
        for k in &last {
            *before.entry(k).or_default() += 1;
        }
        let now = self.last.as_deref().unwrap_or_default();
        let mut new = vec![];
        for (d, k) in warnings.iter().zip(now) {
            match before.get_mut(k) {
                Some(left) if *left > 0 => *left -= 1,
                _ => new.push(d.clone()),
            }
        }
        super::eprint_list(&new);
        let gone = before.values().sum();
        summary(warnings.len(), Some(new.len()), gone)
    }
}

/// "; 3 warnings (1 new, above; 2 gone)", or nothing when there is nothing to say.
fn summary(total: usize, new: Option<usize>, gone: usize) -> String {
    if total == 0 && gone == 0 {
        return String::new();
    }
    let count = match total {
        0 => "no warnings".to_owned(),
        1 => "1 warning".to_owned(),
        n => format!("{n} warnings"),
    };
    let mut parts = vec![];
    match new {
        Some(0) if total > 0 => parts.push("none new".to_owned()),
        Some(0) | None => {}
        Some(n) => parts.push(format!("{n} new, above")),
    }
    if gone > 0 {
        parts.push(format!("{gone} gone"));
    }
    if parts.is_empty() { format!("; {count}") } else { format!("; {count} ({})", parts.join("; ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unranked(file: &str, line: usize) -> Diagnostic {
        let mut d = Diagnostic::file(Rule::UnrankedStory, file, "story has no rank".to_owned());
        d.line = line;
        d
    }

    #[test]
    fn a_rebuild_tells_what_is_new_and_what_is_gone() {
        let mut console = Console::default();
        assert_eq!(console.warnings(&[]), "");
        assert_eq!(console.warnings(&[unranked("backlog/a.md", 2)]), "; 1 warning (1 new, above)");
        // The same warning two lines lower is not new.
        assert_eq!(console.warnings(&[unranked("backlog/a.md", 4)]), "; 1 warning (none new)");
        let two = [unranked("backlog/a.md", 4), unranked("backlog/b.md", 2)];
        assert_eq!(console.warnings(&two), "; 2 warnings (1 new, above)");
        assert_eq!(console.warnings(&[unranked("backlog/c.md", 2)]), "; 1 warning (1 new, above; 2 gone)");
        assert_eq!(console.warnings(&[]), "; no warnings (1 gone)");
        assert_eq!(console.warnings(&[]), "");
    }

    #[test]
    fn the_first_build_counts_what_it_printed() {
        let mut console = Console::default();
        assert_eq!(console.warnings(&[unranked("backlog/a.md", 2), unranked("backlog/b.md", 2)]), "; 2 warnings");
    }
}
