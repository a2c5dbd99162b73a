//! Embeds the built-in theme (themes/default) into the binary, so an installed
//! charter needs no other file: generates a table of (path, bytes) in OUT_DIR.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    collect(&theme, &mut files);
    // An empty table would build a charter that fails on every site: stop here instead.
    assert!(!files.is_empty(), "no theme files under {}", theme.display());
    files.sort();
    let mut code = String::from(
        "/// Every file of themes/default, as (path relative to the theme, bytes).\npub const FILES: &[(&str, &[u8])] = &[\n",
    );
    for path in files {
        let rel = path.strip_prefix(&theme).expect("walked below the theme folder");
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let _ = writeln!(code, "    ({rel:?}, include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_theme.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e != "md") {
            files.push(path);
        }
    }
}
