//! `charter new`: a new story, initiative or doc page with valid front-matter, the
//! next free id and (for stories) the next free rank in its owner's backlog.

use crate::Outcome;
use crate::cli::NewKind;
use crate::error::Error;
use crate::model::{Person, Site};
use crate::{pipeline, urls};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `new` was asked for.
pub struct NewArgs<'a> {
    pub kind: NewKind,
    pub title: &'a str,
    pub site: &'a Path,
    pub owner: Option<&'a str>,
    pub initiative: Option<&'a str>,
}

/// Writes the new file and prints its path.
pub fn run(args: &NewArgs) -> Result<Outcome, Error> {
    if args.title.trim().is_empty() {
        return Err(Error::Usage("the title must not be empty".into()));
    }
    let checked = pipeline::check(args.site, &[args.site.join("public")])?;
    let site = &checked.site;
    let (rel, text) = match args.kind {
        NewKind::Story => story(site, args)?,
        NewKind::Initiative => initiative(site, args)?,
        NewKind::Doc => doc(site, args)?,
    };
    let path = args.site.join(&rel);
    if path.exists() {
        return Err(Error::Usage(format!("{} already exists; charter new never overwrites a file", path.display())));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
    }
    std::fs::write(&path, text).map_err(Error::io(&path))?;
    println!("{}", path.display());
    Ok(Outcome::Success)
}

/// A YAML double-quoted scalar (JSON strings are valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn pick_owner<'a>(
    site: &'a Site,
    wanted: Option<&str>,
    has_role: fn(&Person) -> bool,
    role: &str,
    preferred: &[&str],
) -> Result<&'a Person, Error> {
    let holders: Vec<&Person> = site.config.team.iter().filter(|p| has_role(p)).collect();
    let names = holders.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ");
    if let Some(id) = wanted {
        return match site.person(id) {
            Some(p) if has_role(p) => Ok(p),
            Some(_) => Err(Error::Usage(format!("`{id}` is not a {role}; {role}s are: {names}"))),
            None => Err(Error::Usage(format!("nobody called `{id}` in the team; {role}s are: {names}"))),
        };
    }
    if let Some(p) = preferred.iter().find_map(|id| holders.iter().find(|p| p.id.as_str() == *id)) {
        return Ok(p);
    }
    match holders.as_slice() {
        [only] => Ok(only),
        [] => Err(Error::Usage(format!("the team has no {role}: add one to `team:` in charter.yaml"))),
        _ => Err(Error::Usage(format!("pass --owner: the {role}s are {names}"))),
    }
}

/// The next story id: the most used `PREFIX-N` pattern, with the number after the highest.
pub fn next_story_id(ids: &[&str]) -> String {
    let mut by_prefix: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for id in ids {
        if let Some((prefix, number)) = id.rsplit_once('-').and_then(|(p, n)| n.parse::<u64>().ok().map(|n| (p, n))) {
            let entry = by_prefix.entry(prefix).or_default();
            entry.0 += 1;
            entry.1 = entry.1.max(number);
        }
    }
    let best = by_prefix.iter().max_by_key(|(prefix, (count, _))| (*count, std::cmp::Reverse(*prefix)));
    match best {
        Some((prefix, (_, max))) => format!("{prefix}-{}", max + 1),
        None => format!("S-{}", ids.len() + 1),
    }
}

fn story(site: &Site, args: &NewArgs) -> Result<(String, String), Error> {
    let initiative = match args.initiative {
        Some(id) => Some(site.initiative(id).ok_or_else(|| Error::Usage(format!("no initiative `{id}` in roadmap/")))?),
        None => None,
    };
    let preferred: Vec<&str> =
        initiative.map(|i| i.product_owners.iter().map(|p| p.as_str()).collect()).unwrap_or_default();
    let owner = pick_owner(site, args.owner, Person::is_po, "product owner", &preferred)?;
    let ids: Vec<&str> = site.stories.iter().map(|s| s.id.as_str()).collect();
    let id = next_story_id(&ids);
    let rank = site
        .stories
        .iter()
        .filter(|s| s.status.is_open() && s.product_owner.as_ref() == Some(&owner.id))
        .filter_map(|s| s.rank)
        .max()
        .unwrap_or(0)
        + 1;
    let mut text = format!("---\ntitle: {}\nproduct_owner: {}\n", quoted(args.title), owner.id);
    if let Some(i) = initiative {
        text.push_str(&format!("initiative: {}\n", i.id));
    }
    text.push_str(&format!("status: backlog\nrank: {rank}\n# estimate: 3\n# acceptance_criteria:\n#   - ...\n---\nWhat the user needs, and why.\n"));
    Ok((format!("backlog/{id}.md"), text))
}

fn free_slug(title: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = urls::slug(title).trim_matches('-').to_owned();
    let base = if base.is_empty() { "untitled".to_owned() } else { base };
    let mut slug = base.clone();
    let mut n = 2;
    while taken(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    slug
}

fn initiative(site: &Site, args: &NewArgs) -> Result<(String, String), Error> {
    let owner = pick_owner(site, args.owner, Person::is_pm, "product manager", &[])?;
    let id =
        free_slug(args.title, |s| site.initiative(s).is_some() || site.root.join(format!("roadmap/{s}.md")).exists());
    let text = format!(
        "---\ntitle: {}\nproduct_manager: {}\nhorizon: later\nstatus: proposed\n# timeframe: 2027-Q1\n# outcome: the change this makes, in one sentence\n---\nThe problem, the bet, and the risks.\n",
        quoted(args.title),
        owner.id
    );
    Ok((format!("roadmap/{id}.md"), text))
}

fn doc(site: &Site, args: &NewArgs) -> Result<(String, String), Error> {
    let root: PathBuf = site.root.join("docs");
    let slug = free_slug(args.title, |s| root.join(format!("{s}.md")).exists());
    let mut text = format!("---\ntitle: {}\n", quoted(args.title));
    if let Some(owner) = args.owner {
        if site.person(owner).is_none() {
            return Err(Error::Usage(format!("nobody called `{owner}` in the team")));
        }
        text.push_str(&format!("owner: {owner}\n"));
    }
    text.push_str("---\nWrite the page here.\n");
    Ok((format!("docs/{slug}.md"), text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_id_follows_the_most_used_prefix() {
        assert_eq!(next_story_id(&["CHK-12", "CHK-3", "PAY-40"]), "CHK-13");
        assert_eq!(next_story_id(&["a", "b"]), "S-3");
        assert_eq!(next_story_id(&[]), "S-1");
        assert_eq!(next_story_id(&["CHK-1", "PAY-1"]), "CHK-2");
    }

    #[test]
    fn titles_become_free_slugs() {
        assert_eq!(free_slug("Guest checkout!", |_| false), "guest-checkout");
        assert_eq!(free_slug("Guest checkout", |s| s == "guest-checkout"), "guest-checkout-2");
        assert_eq!(free_slug("???", |_| false), "untitled");
    }
}
