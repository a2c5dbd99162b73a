//! Errors that stop a command before it can judge the content (exit code 2).
//! Content problems are never errors here: they are diagnostics.

use std::path::PathBuf;

/// A failure to run at all: no site, an unreadable folder, a refused output folder...
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no charter.yaml in {}: pass the site folder (`charter check path/to/site`) or create a site with `charter init`", site.display())]
    NoConfig { site: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("refusing to write to {}: {reason}", path.display())]
    OutputRefused { path: PathBuf, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("could not listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}
