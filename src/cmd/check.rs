//! `charter check`: validate only.

use crate::diag::{self, Counts, Format};
use crate::error::Error;
use crate::{Outcome, pipeline};
use std::path::Path;

/// Validates the site and prints every diagnostic to stdout.
pub fn run(site: &Path, format: Format, deny_warnings: bool) -> Result<Outcome, Error> {
    let checked = pipeline::check(site, &[site.join("public")])?;
    let text = diag::render(&checked.diagnostics, format, super::stdout_color());
    print!("{text}");
    let counts = Counts::of(&checked.diagnostics);
    if format == Format::Human && counts.errors + counts.warnings == 0 {
        let (i, s, d) = (checked.site.initiatives.len(), checked.site.stories.len(), checked.site.docs.len());
        println!("ok: {i} initiatives, {s} stories, {d} docs pages, no problems");
    }
    Ok(if counts.fails(deny_warnings) { Outcome::Invalid } else { Outcome::Success })
}
