//! Code actions: the one clear fix a diagnostic's help names, as an edit of the buffer.

use super::position;
use crate::diag::{Diagnostic, Rule};
use crate::frontmatter::{Split, split};
use crate::model::Site;
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, Url, WorkspaceEdit};
use std::collections::HashMap;

/// The fixes for the diagnostics of the file at `rel` that touch `range`.
pub fn for_range(
    site: &Site,
    rel: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    range: Range,
    uri: &Url,
) -> Vec<CodeAction> {
    let touches = |r: Range| r.start.line <= range.end.line && range.start.line <= r.end.line;
    diagnostics
        .iter()
        .filter(|d| touches(position::diagnostic_range(d)))
        .filter_map(|d| {
            let (title, edit) = fix(site, rel, text, d)?;
            let changes = HashMap::from([(uri.clone(), vec![edit])]);
            Some(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                is_preferred: Some(true),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// The title and edit of the fix for one diagnostic, when one fix is clear.
fn fix(site: &Site, rel: &str, text: &str, d: &Diagnostic) -> Option<(String, TextEdit)> {
    if let Some(near) = suggestion(&d.help) {
        return Some((format!("Replace with `{near}`"), TextEdit::new(position::diagnostic_range(d), near.to_owned())));
    }
    match d.rule {
        Rule::UnrankedStory => {
            let rank = next_rank(site, rel)?;
            Some((format!("Add `rank: {rank}`"), insert_field(text, &format!("rank: {rank}"))?))
        }
        Rule::DuplicateRank => {
            let rank = next_rank(site, rel)?;
            Some((
                format!("Use the next free rank, {rank}"),
                TextEdit::new(position::diagnostic_range(d), rank.to_string()),
            ))
        }
        Rule::MissingAcceptanceCriteria => {
            let skeleton = "acceptance_criteria:\n  - Describe what is true when this story is done";
            Some(("Add an acceptance criteria skeleton".into(), insert_field(text, skeleton)?))
        }
        Rule::MissingField => {
            let field = d.message.split('`').nth(1)?;
            let line = format!("{field}: {}", placeholder(site, rel, field)?);
            Some((format!("Add `{line}`"), insert_field(text, &line)?))
        }
        _ => None,
    }
}

/// The id in a "did you mean `x`?" help line.
fn suggestion(help: &str) -> Option<&str> {
    help.strip_prefix("did you mean `")?.split('`').next()
}

/// One past the highest rank among the open stories of this story's product owner.
fn next_rank(site: &Site, rel: &str) -> Option<u32> {
    let story = site.stories.iter().find(|s| s.doc.source.rel == rel)?;
    let owner = story.product_owner.as_ref()?;
    let open = site.stories.iter().filter(|s| s.product_owner.as_ref() == Some(owner) && s.status.is_open());
    Some(open.filter(|s| s.doc.source.rel != rel).filter_map(|s| s.rank).max().unwrap_or(0) + 1)
}

/// A value that makes a missing required field valid: the file name for a title, the
/// first holder of the role for an owner, `later` for a horizon.
fn placeholder(site: &Site, rel: &str, field: &str) -> Option<String> {
    let team = &site.config.team;
    match field {
        "title" => Some(rel.rsplit('/').next()?.trim_end_matches(".md").replace(['-', '_'], " ")),
        "product_owner" => team.iter().find(|p| p.is_po()).map(|p| p.id.0.clone()),
        "product_manager" => team.iter().find(|p| p.is_pm()).map(|p| p.id.0.clone()),
        "horizon" => Some("later".into()),
        _ => None,
    }
}

/// Inserts `line` as the last line of the front-matter.
fn insert_field(text: &str, line: &str) -> Option<TextEdit> {
    let Split::Yaml { yaml, .. } = split(text) else { return None };
    let at = position::position(text, yaml.end);
    Some(TextEdit::new(Range::new(at, at), format!("{line}\n")))
}
