//! Writes a deterministic benchmark corpus: N stories, N/10 initiatives, N/20 docs,
//! a team with valid ownership and 12 sprints, with 200-800 word Markdown bodies.
//! The same content can be written as a Hugo site, so both can be timed on it.
//!
//! Usage: `cargo run --release --example gen_site -- N OUT [--hugo HUGO_OUT] [SHAPE...]`
//!
//! The corpus's shape can change, so that figures hold on more than one kind of site:
//! `--words MIN-MAX` (body length, default 200-800), `--sprints N` (default 12, at most
//! 26), `--pms N` and `--pos N` (people; default N/500 and N/100), `--docs N` (default
//! N/20), `--docs-depth N` (folders under docs/, default 0), or `--shape long` for longer
//! bodies (600-1600 words), 26 sprints, 8 + 50 people, 500 docs three folders deep.
//!
//! Code, for the cost of highlighting: every page has a one-line `json` block; `--code-every
//! K` appends a longer section (a YAML, JSON, Rust or Python block and a shell, TOML or
//! Markdown one, 10-12 lines in all, their words drawn at random) to every K-th page, and
//! `--plain-code` writes every fenced block without its language, so that the same corpus
//! builds with and without highlighting.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// splitmix64: a tiny PRNG whose output never changes between versions, so the
/// corpus is the same on every machine and every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "merchant",
    "checkout",
    "payment",
    "buyer",
    "refund",
    "payout",
    "invoice",
    "currency",
    "fraud",
    "risk",
    "conversion",
    "latency",
    "mobile",
    "wallet",
    "card",
    "account",
    "onboarding",
    "settlement",
    "ledger",
    "dispute",
    "report",
    "dashboard",
    "webhook",
    "api",
    "retry",
    "limit",
    "the",
    "a",
    "to",
    "of",
    "and",
    "in",
    "for",
    "with",
    "on",
    "when",
    "we",
    "should",
    "must",
    "can",
    "faster",
    "simpler",
    "safer",
    "every",
    "small",
    "first",
    "second",
    "team",
    "customer",
    "flow",
    "screen",
    "error",
    "message",
    "state",
    "data",
    "event",
    "queue",
    "batch",
];

struct Corpus {
    n: usize,
    initiatives: usize,
    docs: usize,
    pms: usize,
    pos: usize,
    /// Words of a body, at least and at most.
    words: (usize, usize),
    sprints: usize,
    docs_depth: usize,
}

impl Corpus {
    fn new(n: usize) -> Corpus {
        Corpus {
            n,
            initiatives: (n / 10).max(1),
            docs: (n / 20).max(1),
            pms: (n / 500).max(2),
            pos: (n / 100).max(3),
            words: (200, 800),
            sprints: 12,
            docs_depth: 0,
        }
    }

    /// Applies the shape options of the command line.
    fn shape(mut self, args: &[String]) -> Corpus {
        let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
        let number = |flag: &str| value(flag).and_then(|v| v.parse::<usize>().ok());
        if value("--shape").is_some_and(|s| s == "long") {
            (self.words, self.sprints, self.pms, self.pos, self.docs, self.docs_depth) =
                ((600, 1600), 26, 8, 50, 500, 3);
        }
        if let Some((min, max)) = value("--words").and_then(|w| w.split_once('-')) {
            self.words = (min.parse().unwrap_or(self.words.0), max.parse().unwrap_or(self.words.1));
        }
        self.sprints = number("--sprints").unwrap_or(self.sprints).clamp(2, 26);
        self.pms = number("--pms").unwrap_or(self.pms).max(1);
        self.pos = number("--pos").unwrap_or(self.pos).max(2);
        self.docs = number("--docs").unwrap_or(self.docs).max(1);
        self.docs_depth = number("--docs-depth").unwrap_or(self.docs_depth);
        self
    }

    /// The folders of docs page `d` under docs/ (`""` at depth 0, else `area-1/part-2/`).
    fn doc_folder(&self, d: usize) -> String {
        (0..self.docs_depth.min(d % (self.docs_depth + 1))).map(|level| format!("area-{}/", (d >> level) % 4)).collect()
    }

    /// Docs page `d`'s path under docs/.
    fn doc_path(&self, d: usize) -> String {
        format!("{}page-{d}.md", self.doc_folder(d))
    }

    fn po(&self, i: usize) -> String {
        format!("po{}", i % self.pos)
    }

    /// The two product owners delivering initiative `i`.
    fn initiative_pos(&self, i: usize) -> [String; 2] {
        [self.po(i), self.po(i + 1)]
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for k in 0..words {
        if k > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str() + ".",
        None => s,
    }
}

/// A Markdown body (by default of 200-800 words) with paragraphs, a list, a table, a
/// code block and links.
fn body(c: &Corpus, rng: &mut Rng, links: &[String]) -> String {
    let target = c.words.0 + rng.below(c.words.1.saturating_sub(c.words.0).max(1));
    let mut out = String::new();
    let mut words = 0;
    let mut part = 0;
    while words < target {
        match part % 5 {
            0 | 2 => {
                let n = 30 + rng.below(50);
                let _ = writeln!(out, "{}\n", (0..n / 10).map(|_| sentence(rng, 10)).collect::<Vec<_>>().join(" "));
                words += n;
            }
            1 => {
                let _ = writeln!(out, "## {}\n", sentence(rng, 4).trim_end_matches('.'));
                for _ in 0..4 {
                    let _ = writeln!(out, "- {}", sentence(rng, 8));
                }
                out.push('\n');
                words += 36;
            }
            3 => {
                out.push_str("| metric | before | after |\n|---|---:|---:|\n");
                for _ in 0..3 {
                    let _ = writeln!(out, "| {} | {}% | {}% |", rng.pick(WORDS), rng.below(100), rng.below(100));
                }
                out.push('\n');
                words += 15;
            }
            _ => {
                let _ = writeln!(
                    out,
                    "```json\n{{ \"{}\": {}, \"retry\": true }}\n```\n",
                    rng.pick(WORDS),
                    rng.below(1000)
                );
                if let Some(link) = links.get(part / 5 % links.len().max(1)) {
                    let _ = writeln!(out, "See [{}]({link}) for the details.\n", rng.pick(WORDS));
                }
                words += 12;
            }
        }
        part += 1;
    }
    out
}

/// A code section of real-looking snippets in two languages, different on every page.
fn code_section(rng: &mut Rng) -> String {
    let (w1, w2, n) = (rng.pick(WORDS), rng.pick(WORDS), rng.below(1000));
    let (first, second) = (program_block(rng, w1, w2, n), tool_block(rng, w1, w2, n));
    format!("\n## Example\n\n{first}\n{}\n\n{second}", sentence(rng, 9))
}

/// A YAML, JSON, Rust or Python block of 7 or 8 lines.
fn program_block(rng: &mut Rng, w1: &str, w2: &str, n: usize) -> String {
    match rng.below(4) {
        0 => format!(
            "```yaml\n# {w1} settings\n{w1}:\n  enabled: true\n  limit: {n}\n  owner: \"team-{w2}\"\n  retries: [1, 5, 30]\n  notes: >\n    {}\n```\n",
            sentence(rng, 6)
        ),
        1 => format!(
            "```json\n{{\n  \"{w1}\": {{\n    \"id\": {n},\n    \"owner\": \"{w2}\",\n    \"tags\": [\"{w1}\", \"{w2}\"],\n    \"active\": false\n  }}\n}}\n```\n"
        ),
        2 => format!(
            "```rust\n/// {}\npub fn {w1}_{w2}(limit: u32) -> Result<Vec<String>, Error> {{\n    let mut out = Vec::with_capacity({n});\n    for i in 0..limit {{\n        out.push(format!(\"{w1}-{{i}}\"));\n    }}\n    Ok(out)\n}}\n```\n",
            sentence(rng, 5)
        ),
        _ => format!(
            "```python\ndef {w1}_{w2}(items, limit={n}):\n    \"\"\"{}\"\"\"\n    total = 0\n    for item in items[:limit]:\n        if item.get(\"{w1}\"):\n            total += item[\"{w2}\"] * 1.5\n    return total\n```\n",
            sentence(rng, 5)
        ),
    }
}

/// A shell, TOML or Markdown block of 3 or 4 lines.
fn tool_block(rng: &mut Rng, w1: &str, w2: &str, n: usize) -> String {
    match rng.below(3) {
        0 => format!(
            "```sh\n# {}\ncharter build site --out \"$OUT/{w1}\"\ncurl -fsS https://{w2}.example/api?limit={n} | jq '.items[]'\n```\n",
            sentence(rng, 4)
        ),
        1 => format!("```toml\n[{w1}]\nname = \"{w2}\"\nlimit = {n}\nfeatures = [\"{w1}\", \"{w2}\"]\n```\n"),
        _ => format!(
            "```markdown\n## {}\n\n- **{w1}**: see [the {w2} guide](../docs/{w2}.md)\n- `{w1}_{n}` is *optional*\n```\n",
            sentence(rng, 3).trim_end_matches('.')
        ),
    }
}

/// Appends a code section to every `every`-th page, from its own random stream so that
/// the rest of the corpus stays as it is without the option.
fn add_code(pages: &mut [Page], every: usize) {
    let mut rng = Rng(7);
    for page in pages.iter_mut().step_by(every.max(1)) {
        page.body.push_str(&code_section(&mut rng));
    }
}

/// Drops the language of every fenced block (` ```yaml ` becomes ` ``` `).
fn strip_languages(pages: &mut [Page]) {
    for page in pages {
        page.body =
            page.body.lines().map(|l| if l.starts_with("```") { "```" } else { l }).collect::<Vec<_>>().join("\n")
                + "\n";
    }
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create folders of the corpus");
    }
    fs::write(path, text).expect("write a corpus file");
}

/// One generated page: where it goes, its YAML front-matter lines and its body.
struct Page {
    rel: String,
    front: String,
    body: String,
}

fn config(c: &Corpus) -> String {
    let mut out = String::from(
        "title: Benchmark Corp\nbase_url: https://bench.example/\ndescription: A generated corpus\nteam:\n  - id: vp\n    name: Vera President\n    roles: [director]\n",
    );
    for i in 0..c.pms {
        let _ =
            writeln!(out, "  - id: pm{i}\n    name: Pat Manager {i}\n    roles: [product_manager]\n    reports_to: vp");
    }
    for i in 0..c.pos {
        let _ = writeln!(
            out,
            "  - id: po{i}\n    name: Olly Owner {i}\n    roles: [product_owner]\n    reports_to: pm{}",
            i % c.pms
        );
    }
    out.push_str("sprints:\n");
    for s in 0..c.sprints {
        let day = 1 + s * 14;
        let (start, end) = (date(day), date(day + 13));
        let _ =
            writeln!(out, "  - id: S{}\n    start: {start}\n    end: {end}\n    goal: Sprint goal {}", s + 1, s + 1);
    }
    out
}

/// The `day`th day of 2026 (1-based), as YYYY-MM-DD.
fn date(day: usize) -> String {
    let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut rest = day;
    for (m, len) in lengths.iter().enumerate() {
        if rest <= *len {
            return format!("2026-{:02}-{rest:02}", m + 1);
        }
        rest -= len;
    }
    "2026-12-31".into()
}

fn initiatives(c: &Corpus, rng: &mut Rng) -> Vec<Page> {
    (0..c.initiatives)
        .map(|i| {
            let (status, horizon) = match i % 10 {
                0 => ("shipped", None),
                1 => ("dropped", None),
                2..=4 => ("in-progress", Some("now")),
                5..=7 => ("planned", Some("next")),
                _ => ("proposed", Some("later")),
            };
            let [a, b] = c.initiative_pos(i);
            let mut front = format!(
                "title: Initiative {i} - {}\nproduct_manager: pm{}\nstatus: {status}\n",
                sentence(rng, 4).trim_end_matches('.'),
                i % c.pms
            );
            if let Some(h) = horizon {
                let _ = writeln!(front, "horizon: {h}");
            }
            let _ = writeln!(
                front,
                "timeframe: {}-Q{}\noutcome: {}\nproduct_owners: [{a}, {b}]",
                2026 + i % 2,
                1 + i % 4,
                sentence(rng, 9)
            );
            let _ = writeln!(
                front,
                "metrics:\n  - name: Conversion\n    baseline: \"{}%\"\n    target: \"{}%\"\n    current: {}",
                40 + i % 20,
                60 + i % 20,
                45 + i % 20
            );
            if i > 0 && i % 3 == 0 {
                let _ = writeln!(front, "depends_on: [I-{}]", i - 1 - rng.below(i.min(5)));
            }
            if status == "shipped" {
                let _ = writeln!(front, "shipped_on: {}", date(1 + i % 150));
            }
            let links =
                vec![format!("I-{}.md", rng.below(c.initiatives)), format!("../backlog/S-{}.md", rng.below(c.n))];
            Page { rel: format!("roadmap/I-{i}.md"), front, body: body(c, rng, &links) }
        })
        .collect()
}

fn stories(c: &Corpus, rng: &mut Rng) -> Vec<Page> {
    let mut next_rank = vec![0usize; c.pos];
    (0..c.n)
        .map(|j| {
            let initiative = if j < c.initiatives { j } else { rng.below(c.initiatives) };
            let pos = c.initiative_pos(initiative);
            let po = &pos[rng.below(2)];
            let shipped = initiative % 10 == 0;
            let status = if shipped { "done" } else { ["backlog", "backlog", "ready", "in-progress", "done", "done", "dropped"][rng.below(7)] };
            let mut front = format!("title: Story {j} - {}\nproduct_owner: {po}\ninitiative: I-{initiative}\nstatus: {status}\nestimate: {}\n", sentence(rng, 5).trim_end_matches('.'), [1, 2, 3, 5, 8][rng.below(5)]);
            if matches!(status, "backlog" | "ready" | "in-progress") {
                let index: usize = po[2..].parse().unwrap_or(0);
                next_rank[index] += 1;
                let _ = writeln!(front, "rank: {}", next_rank[index]);
            }
            if status != "backlog" || rng.below(2) == 0 {
                let _ = writeln!(front, "acceptance_criteria:\n  - {}\n  - {}", sentence(rng, 8), sentence(rng, 6));
            }
            match status {
                "done" => {
                    let s = 1 + rng.below(c.sprints - 1);
                    let _ = writeln!(front, "sprint: S{s}\ndone_on: {}", date(s * 14));
                }
                "in-progress" => {
                    let _ = writeln!(front, "sprint: S{}", c.sprints);
                }
                _ => {}
            }
            if j > 10 && j % 7 == 0 {
                let _ = writeln!(front, "depends_on: [S-{}]", j - 1 - rng.below(10));
            }
            let _ = writeln!(front, "tags: [{}, {}]", rng.pick(WORDS), rng.pick(WORDS));
            let links = vec![format!("S-{}.md", rng.below(c.n)), format!("../roadmap/I-{initiative}.md"), format!("../docs/{}", c.doc_path(rng.below(c.docs)))];
            Page { rel: format!("backlog/S-{j}.md"), front, body: body(c, rng, &links) }
        })
        .collect()
}

fn docs(c: &Corpus, rng: &mut Rng) -> Vec<Page> {
    (0..c.docs)
        .map(|d| {
            let front = format!(
                "title: Page {d} - {}\nweight: {d}\nowner: pm{}\n",
                sentence(rng, 3).trim_end_matches('.'),
                d % c.pms
            );
            let up = "../".repeat(c.doc_folder(d).matches('/').count());
            let links = vec![format!("{up}{}", c.doc_path(rng.below(c.docs)))];
            Page { rel: format!("docs/{}", c.doc_path(d)), front, body: body(c, rng, &links) }
        })
        .collect()
}

fn write_charter(out: &Path, c: &Corpus, pages: &[Page]) {
    write(&out.join("charter.yaml"), &config(c));
    write(&out.join("docs/index.md"), "---\ntitle: Docs\n---\nThe docs home.\n");
    for p in pages {
        write(&out.join(&p.rel), &format!("---\n{}---\n{}", p.front, p.body));
    }
}

/// The same pages as a Hugo site: content sections with YAML front-matter, one single
/// and one list layout (a page per item and a list page per section, like charter).
fn write_hugo(out: &Path, pages: &[Page]) {
    write(
        &out.join("hugo.yaml"),
        "baseURL: https://bench.example/\ntitle: Benchmark Corp\ndisableKinds: [taxonomy, term, RSS, sitemap, robotsTXT]\nmarkup:\n  goldmark:\n    renderer:\n      unsafe: false\n",
    );
    write(
        &out.join("layouts/_default/baseof.html"),
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    );
    write(
        &out.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>\n<p>{{ .Params.status }} {{ .Params.product_owner }}{{ .Params.product_manager }}</p>\n{{ .Content }}{{ end }}\n",
    );
    write(
        &out.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Params.status }}</li>{{ end }}</ul>{{ end }}\n",
    );
    write(
        &out.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><ul>{{ range .Site.Sections }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
    );
    for p in pages {
        // Hugo has its own meaning for `weight` and no use for charter's relative links;
        // the front-matter is kept as it is, the body too.
        write(&out.join("content").join(&p.rel), &format!("---\n{}---\n{}", p.front, p.body));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(out)) = (args.first().and_then(|n| n.parse::<usize>().ok()), args.get(1)) else {
        eprintln!(
            "usage: gen_site N OUT [--hugo HUGO_OUT] [--shape long] [--words MIN-MAX] [--sprints N] [--pms N] [--pos N] [--docs N] [--docs-depth N] [--code-every K] [--plain-code]"
        );
        std::process::exit(2);
    };
    let hugo = args.iter().position(|a| a == "--hugo").and_then(|i| args.get(i + 1));
    let corpus = Corpus::new(n).shape(&args);
    let mut rng = Rng(42);
    let mut pages = initiatives(&corpus, &mut rng);
    pages.extend(stories(&corpus, &mut rng));
    pages.extend(docs(&corpus, &mut rng));
    if let Some(every) = args.iter().position(|a| a == "--code-every").and_then(|i| args.get(i + 1)?.parse().ok()) {
        add_code(&mut pages, every);
    }
    if args.iter().any(|a| a == "--plain-code") {
        strip_languages(&mut pages);
    }
    let out = Path::new(out);
    if out.exists() {
        fs::remove_dir_all(out).expect("remove the previous corpus");
    }
    write_charter(out, &corpus, &pages);
    let bytes: usize = pages.iter().map(|p| p.front.len() + p.body.len() + 8).sum();
    eprintln!("wrote {} pages ({:.1} MB of Markdown) to {}", pages.len() + 1, bytes as f64 / 1e6, out.display());
    if let Some(hugo) = hugo {
        let hugo = Path::new(hugo);
        if hugo.exists() {
            fs::remove_dir_all(hugo).expect("remove the previous Hugo corpus");
        }
        write_hugo(hugo, &pages);
        eprintln!("wrote the same pages as a Hugo site to {}", hugo.display());
    }
}
