//! `charter init`: a new site with a small working example that checks clean.

use crate::Outcome;
use crate::dates::add_days;
use crate::error::Error;
use crate::model::Date;
use std::fs;
use std::path::Path;

/// Writes the starter site into `dir`, refusing a non-empty folder.
pub fn run(dir: &Path) -> Result<Outcome, Error> {
    let non_empty = fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if non_empty {
        return Err(Error::OutputRefused {
            path: dir.to_path_buf(),
            reason: "it is not empty; `charter init` only writes into a new or empty folder".into(),
        });
    }
    let today = crate::dates::today();
    for (path, text) in files(today) {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(Error::io(parent))?;
        }
        fs::write(&target, text).map_err(Error::io(&target))?;
    }
    println!("created a new site in {}", dir.display());
    println!("next: `charter serve {}` and open the printed address", dir.display());
    Ok(Outcome::Success)
}

fn files(today: Date) -> Vec<(&'static str, String)> {
    let (s1_start, s1_end) = (add_days(today, -21), add_days(today, -8));
    let (s2_start, s2_end) = (add_days(today, -7), add_days(today, 6));
    let quarter = format!("{}-Q{}", today.year, today.quarter());
    let modeline = crate::schema::MODELINE;
    let config = format!(
        r#"{modeline}
# The site's settings, team and sprints. See the docs of charter for every field.
title: My Product
base_url: /
description: Roadmap, backlog and docs of My Product.
vision: |
  One paragraph of **why** this product exists, shown on the home page.
team:
  - id: pam
    name: Pam Manager
    roles: [product_manager]
  - id: otto
    name: Otto Owner
    roles: [product_owner]
    reports_to: pam
sprints:
  - id: S1
    start: {s1_start}
    end: {s1_end}
    goal: First usable version
  - id: S2
    start: {s2_start}
    end: {s2_end}
    goal: Sign-up without friction
"#
    );
    vec![
        ("charter.yaml", config),
        (crate::schema::SCHEMA_FILE, crate::schema::text() + "\n"),
        ("roadmap/_index.md", "---\ntitle: Roadmap\n---\nWhat we are building and why, owned by product managers.\n".into()),
        (
            "roadmap/easy-signup.md",
            format!("---\ntitle: Easy sign-up\nproduct_manager: pam\nhorizon: now\nstatus: in-progress\ntimeframe: {quarter}\noutcome: More visitors become active users\nmetrics:\n  - name: Sign-up completion\n    baseline: 40%\n    target: 60%\nproduct_owners: [otto]\n---\nWhy this matters, the bet we make, and the risks.\n"),
        ),
        (
            "roadmap/team-accounts.md",
            "---\ntitle: Team accounts\nproduct_manager: pam\nhorizon: next\nstatus: planned\ndepends_on: [easy-signup]\n---\nLet several people share one account.\n".into(),
        ),
        ("backlog/_index.md", "---\ntitle: Backlog\n---\nThe ordered work of each product owner.\n".into()),
        (
            "backlog/APP-1.md",
            "---\ntitle: Sign up with an email address\nproduct_owner: otto\ninitiative: easy-signup\nstatus: done\nestimate: 3\nsprint: S1\nacceptance_criteria:\n  - A visitor can create an account with an email and a password\n---\nThe first way in.\n".into(),
        ),
        (
            "backlog/APP-2.md",
            "---\ntitle: Confirm the email address\nproduct_owner: otto\ninitiative: easy-signup\nstatus: in-progress\nrank: 1\nestimate: 2\nsprint: S2\nacceptance_criteria:\n  - A confirmation link arrives within a minute\n  - The link expires after 24 hours\ndepends_on: [APP-1]\n---\nSee [the first story](APP-1.md).\n".into(),
        ),
        (
            "backlog/APP-3.md",
            "---\ntitle: Sign up with Google\nproduct_owner: otto\ninitiative: easy-signup\nstatus: backlog\nrank: 2\n---\nNot ready yet: it needs acceptance criteria.\n".into(),
        ),
        (
            "docs/index.md",
            "---\ntitle: Documentation\n---\nWelcome. Write your product documentation here; see [the roadmap intro](../roadmap/_index.md).\n".into(),
        ),
    ]
}
