//! `charter schema`: prints the JSON Schema of charter.yaml.

use crate::Outcome;
use crate::error::Error;

/// Prints the schema, pretty, to stdout.
pub fn run() -> Result<Outcome, Error> {
    println!("{}", crate::schema::text());
    Ok(Outcome::Success)
}
