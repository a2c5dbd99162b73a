//! Who made a commit: its author and the people its `Co-authored-by:` trailers name.

use crate::model::Person;
use std::fmt;

/// A name and an email as a commit records them (whatever the committer set).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature {
    pub name: String,
    pub email: String,
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

/// How a commit identity matched a team member's `git:` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    Email,
    Name,
}

/// The team member a commit identity is: an entry of their `git:` list equal to the
/// email (tried first) or the name, ignoring case (SPEC §11).
pub fn identify<'a>(team: &'a [Person], who: &Signature) -> Option<(&'a Person, Matched)> {
    let listed = |p: &&Person, text: &str| p.git.iter().any(|g| g.eq_ignore_ascii_case(text.trim()));
    let by_email = team.iter().find(|p| listed(p, &who.email)).map(|p| (p, Matched::Email));
    by_email.or_else(|| team.iter().find(|p| listed(p, &who.name)).map(|p| (p, Matched::Name)))
}

/// The co-authors a commit message names, in order, each once, from lines like
/// `Co-authored-by: Name <email>` (the key in any case, as GitHub reads it).
pub fn co_authors(message: &str) -> Vec<Signature> {
    let mut found: Vec<Signature> = vec![];
    for line in message.lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        if !key.trim().eq_ignore_ascii_case("co-authored-by") {
            continue;
        }
        if let Some(signature) = parse_signature(value.trim()).filter(|s| !found.contains(s)) {
            found.push(signature);
        }
    }
    found
}

/// `Name <email>`; a trailer without an email is not an identity.
fn parse_signature(text: &str) -> Option<Signature> {
    let (name, rest) = text.split_once('<')?;
    let email = rest.strip_suffix('>')?.trim();
    (!email.is_empty()).then(|| Signature { name: name.trim().to_owned(), email: email.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_name_co_authors_once() {
        let message = "Rank the form first\n\nCo-authored-by: Olga Ivanova <olga@acme.example>\n\
                       co-authored-by:Pat <pat@acme.example>\nCo-authored-by: Olga Ivanova <olga@acme.example>\n\
                       Co-authored-by: nobody\nSigned-off-by: Sam <sam@acme.example>\n";
        let found = co_authors(message);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].to_string(), "Olga Ivanova <olga@acme.example>");
        assert_eq!((found[1].name.as_str(), found[1].email.as_str()), ("Pat", "pat@acme.example"));
    }
}
