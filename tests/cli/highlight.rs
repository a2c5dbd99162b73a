//! Code blocks in the built pages: highlighted at build time by the language of the
//! info string (token kinds as CSS classes, no inline colour), plain when the language
//! is unknown or absent, the same in docs, stories and initiatives, and never outside
//! code blocks.

use crate::support::output::{self, Tree};
use crate::support::{OutDir, Site};

/// One block per case: the languages the user guide uses, Rust, TOML, JSON, Python, a
/// plain fenced block, an indented block and an unknown language.
const BODY: &str = r#"Text with `inline: code` and a keyword fn outside blocks.

```yaml
title: Guest checkout   # shown in the header
status: in-progress
estimate: 5
acceptance_criteria:
  - "A guest can pay"
```

```sh
# build the public site
charter build example-site --audience public --out "$HOME/public"
```

```markdown
## Why
A link to [the plan](../roadmap/plan.md) and *emphasis*.
- [ ] a task
```

```rust,ignore
fn main() -> Result<(), String> {
    let n: u32 = 42; // the answer
    println!("{n} <ok> & done");
    Ok(())
}
```

```toml
[server]
port = 8080          # the default
hosts = ["a.example", 'b']
```

```json
{ "title": "A \"quoted\" title", "rank": 1.5, "done": false }
```

```python
@dataclass
class Story:
    """A story and its rank."""
    def score(self, weight=1.5):
        return f"{self.rank} <b>" if self.done else None  # not ranked
```

```
plain <text> & "quotes"
```

    indented <block>

```klingon
Qapla' <batlh>
```
"#;

/// The `<pre>` elements of a page, in order.
fn code_blocks(html: &str) -> Vec<&str> {
    html.match_indices("<pre")
        .map(|(start, _)| &html[start..start + html[start..].find("</pre>").unwrap() + 6])
        .collect()
}

fn built() -> (OutDir, Tree) {
    let site = Site::new()
        .file("docs/code.md", format!("# Code\n\n{BODY}"))
        .file("backlog/S-1.md", format!("---\ntitle: A story\nproduct_owner: olga\nrank: 1\n---\n{BODY}"))
        .file("roadmap/plan.md", format!("---\ntitle: Plan\nproduct_manager: pat\nhorizon: later\n---\n{BODY}"));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    (out, tree)
}

#[test]
fn code_blocks_are_highlighted_by_language() {
    let (_out, tree) = built();
    let blocks = code_blocks(tree.text("docs/code/index.html"));
    assert_eq!(blocks.len(), 10);
    insta::assert_snapshot!("highlight_yaml", blocks[0]);
    insta::assert_snapshot!("highlight_shell", blocks[1]);
    insta::assert_snapshot!("highlight_markdown", blocks[2]);
    insta::assert_snapshot!("highlight_rust", blocks[3]);
    insta::assert_snapshot!("highlight_toml", blocks[4]);
    insta::assert_snapshot!("highlight_json", blocks[5]);
    insta::assert_snapshot!("highlight_python", blocks[6]);
    assert_eq!(blocks[7], "<pre tabindex=\"0\"><code>plain &lt;text&gt; &amp; \"quotes\"\n</code></pre>");
    assert_eq!(blocks[8], "<pre tabindex=\"0\"><code>indented &lt;block&gt;\n</code></pre>");
    assert_eq!(blocks[9], "<pre tabindex=\"0\"><code class=\"language-klingon\">Qapla' &lt;batlh&gt;\n</code></pre>");
}

#[test]
fn stories_and_initiatives_are_highlighted_like_docs() {
    let (_out, tree) = built();
    let doc = code_blocks(tree.text("docs/code/index.html"));
    assert_eq!(code_blocks(tree.text("backlog/s-1/index.html")), doc);
    assert_eq!(code_blocks(tree.text("roadmap/plan/index.html")), doc);
}

#[test]
fn text_outside_code_blocks_is_never_highlighted() {
    let (_out, tree) = built();
    let page = output::main(tree.text("docs/code/index.html"));
    let before_first_block = &page[..page.find("<pre").unwrap()];
    assert!(!before_first_block.contains("hl-"), "{before_first_block}");
    assert!(before_first_block.contains("<code>inline: code</code> and a keyword fn outside blocks."));
    assert!(!page.contains("style="), "colours come from the stylesheet, not inline styles");
}

/// A body with raw HTML goes through the sanitiser: the highlighting and the focusable
/// block survive it, and raw HTML cannot give its own `<pre>` another tab order.
#[test]
fn highlighting_survives_the_sanitiser() {
    let block = "```yaml\nkey: value # note\n```\n";
    let site = Site::new()
        .file("docs/plain.md", format!("# A\n\n{block}"))
        .file("docs/raw.md", format!("# A\n\n<b>raw</b>\n\n{block}\n<pre tabindex=\"5\">x</pre>\n"));
    let out = OutDir::new();
    site.build(out.out()).run().code(0);
    let tree = Tree::read(out.out());
    let plain = code_blocks(tree.text("docs/plain/index.html"));
    let raw = code_blocks(tree.text("docs/raw/index.html"));
    assert_eq!(raw[0], plain[0]);
    assert!(plain[0].contains("<span class=\"hl-comment\">"), "{}", plain[0]);
    assert_eq!(raw[1], "<pre>x</pre>");
}
