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
    source_fingerprint();
}

/// A fingerprint of the program's source and of the locked versions of its
/// dependencies (`Cargo.lock`: the YAML and Markdown parsers shape what history reads),
/// as `CHARTER_SOURCE`: history's cache (src/history/cache.rs) trusts only what a
/// charter built from the same source wrote, so a change to how versions are parsed or
/// compared never meets an older result. FNV-1a, whose value no toolchain changes: the
/// same release built with `--locked` gives the same fingerprint however it was installed.
fn source_fingerprint() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-changed={}", root.join("Cargo.lock").display());
    let mut files = Vec::new();
    collect(&src, &mut files);
    files.sort();
    files.push(root.join("Cargo.lock"));
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in files {
        let name = path.strip_prefix(root).expect("walked below the crate");
        // A missing Cargo.lock (a library-style checkout) only makes the cache cold.
        let bytes = std::fs::read(&path).unwrap_or_default();
        for byte in name.to_string_lossy().bytes().chain([0]).chain(bytes) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=CHARTER_SOURCE={hash:016x}");
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
