//! One content file through the front-matter splitter, the YAML parser, the typed
//! reader and every validation rule: whatever the bytes, no panic, and every
//! diagnostic points inside the file.

#![no_main]

use libfuzzer_sys::fuzz_target;

const CONFIG: &str = "title: Fuzz\nteam:\n  - id: pam\n    name: Pam\n    roles: [product_manager]\n  - id: otto\n    name: Otto\n    roles: [product_owner]\n    reports_to: pam\nsprints:\n  - id: S1\n    start: 2026-01-05\n    end: 2026-01-18\n";
const INITIATIVE: &str = "---\ntitle: Known\nproduct_manager: pam\nhorizon: next\n---\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for rel in ["backlog/FZ-1.md", "roadmap/fz.md", "docs/fz.md"] {
        let diagnostics = charter::pipeline::check_texts(CONFIG, &[(rel, text), ("roadmap/known.md", INITIATIVE)]);
        let lines = text.split('\n').count();
        for d in diagnostics.iter().filter(|d| d.file == rel) {
            assert!(d.line <= lines.max(1), "line {} outside the file ({lines} lines): {d:?}", d.line);
        }
    }
});
