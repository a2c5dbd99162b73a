//! The parse-and-render floor of SPEC §10: read every Markdown file, split the
//! front-matter, parse its YAML, render the body with pulldown-cmark and write one
//! HTML file per page, in parallel. No validation, no templates, no indexes: the least
//! work any generator must do, to compare charter against.
//!
//! Usage: `cargo run --release --example floor -- SITE OUT`

use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn markdown_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect()
}

fn render(path: &Path, root: &Path, out: &Path) -> std::io::Result<()> {
    let text = fs::read_to_string(path)?;
    let (yaml, body) = match text.strip_prefix("---\n").and_then(|rest| rest.split_once("\n---\n")) {
        Some((yaml, body)) => (yaml, body),
        None => ("", text.as_str()),
    };
    let meta: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap_or(serde_yaml::Value::Null);
    let title = meta.get("title").and_then(|t| t.as_str()).unwrap_or("untitled");
    let mut html = format!("<!DOCTYPE html><html><head><title>{title}</title></head><body>");
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all()));
    html.push_str("</body></html>");
    let rel = path.strip_prefix(root).unwrap_or(path).with_extension("");
    let target = out.join(rel).join("index.html");
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(target, html)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(site), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: floor SITE OUT");
        std::process::exit(2);
    };
    let (root, out) = (Path::new(site), Path::new(out));
    let files = markdown_files(root);
    let failures = files.par_iter().filter(|p| render(p, root, out).is_err()).count();
    eprintln!("floor: rendered {} pages ({failures} failures)", files.len());
}
