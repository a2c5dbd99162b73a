#!/usr/bin/env python3
"""Turns a generated site (examples/gen_site.rs) into a git repository with a history,
for the history and audit benchmark of SPEC §10 (scripts/bench.sh).

Usage: scripts/gen_history.py SITE REPO COMMITS

The site is committed under REPO/site/ by the director, then COMMITS commits
follow, one day apart, each by a member of the generated team: product owners swap the
ranks of two of their stories or re-estimate one, product managers move an initiative's
timeframe or horizon, and about one commit in twenty is the director re-ranking a
product owner's backlog (an audit violation). Every member gets a `git:` entry, so authors are
known. The content stays valid at every commit (ranks are swapped, never duplicated), so
`charter build` of the result succeeds. Deterministic: the same arguments give the same
repository, hashes included. Written with `git fast-import` and then repacked, so 2,000
commits over 10,000 stories take about half a minute.
"""

import os
import random
import re
import subprocess
import sys

START = 1_767_268_800  # 2026-01-01 12:00 UTC


def read_site(site):
    files = {}
    for root, _, names in os.walk(site):
        for name in sorted(names):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, site).replace(os.sep, "/")
            with open(path, "rb") as f:
                files[rel] = f.read()
    return files


def with_git_entries(config):
    """Adds `git: [ID@bench.example]` to every team member of charter.yaml."""
    out = []
    for line in config.decode().splitlines():
        out.append(line)
        m = re.match(r"^  - id: ([a-z0-9_-]+)$", line)
        if m and "team:" in "\n".join(out) and "sprints:" not in "\n".join(out):
            out.append(f"    git: [{m.group(1)}@bench.example]")
    return ("\n".join(out) + "\n").encode()


def field(text, key):
    m = re.search(rf"^{key}: (.*)$", text, re.M)
    return m.group(1) if m else None


def blob(out, rel, data):
    out.write(f"M 100644 inline site/{rel}\ndata {len(data)}\n".encode())
    out.write(data)
    out.write(b"\n")


def commit(out, mark, who, when, message, changes):
    name = who
    out.write(f"commit refs/heads/main\nmark :{mark}\n".encode())
    for role in ("author", "committer"):
        out.write(f"{role} {name} <{who}@bench.example> {when} +0000\n".encode())
    msg = message.encode()
    out.write(f"data {len(msg)}\n".encode() + msg + b"\n")
    if mark > 1:
        out.write(f"from :{mark - 1}\n".encode())
    for rel, data in changes:
        blob(out, rel, data)
    out.write(b"\n")


def main():
    site, repo, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(11)
    files = read_site(site)
    files["charter.yaml"] = with_git_entries(files["charter.yaml"])
    stories = {rel: t.decode() for rel, t in files.items() if rel.startswith("backlog/") and rel.endswith(".md")}
    initiatives = {rel: t.decode() for rel, t in files.items() if rel.startswith("roadmap/") and rel.endswith(".md")}
    by_po = {}
    for rel, text in stories.items():
        if field(text, "rank"):
            by_po.setdefault(field(text, "product_owner"), []).append(rel)
    owners = sorted(by_po)
    initiative_list = sorted(r for r in initiatives if field(initiatives[r], "product_manager"))

    os.makedirs(repo, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    p = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    out = p.stdin
    commit(out, 1, "vp", START, "Import the roadmap and backlog", sorted(files.items()))
    for n in range(count):
        when = START + (n + 1) * 86_400 // 8
        roll = rng.random()
        if roll < 0.15:
            rel = rng.choice(initiative_list)
            text = initiatives[rel]
            pm = field(text, "product_manager")
            if field(text, "horizon") and rng.random() < 0.5:
                new = rng.choice(["now", "next", "later"])
                text = re.sub(r"^horizon: .*$", f"horizon: {new}", text, count=1, flags=re.M)
            else:
                year, quarter = 2026 + rng.randrange(2), 1 + rng.randrange(4)
                text = re.sub(r"^timeframe: .*$", f"timeframe: {year}-Q{quarter}", text, count=1, flags=re.M)
            initiatives[rel] = text
            commit(out, n + 2, pm, when, "Roadmap update", [(rel, text.encode())])
            continue
        po = rng.choice(owners)
        a, b = rng.sample(by_po[po], 2)
        ra, rb = field(stories[a], "rank"), field(stories[b], "rank")
        stories[a] = re.sub(r"^rank: .*$", f"rank: {rb}", stories[a], count=1, flags=re.M)
        stories[b] = re.sub(r"^rank: .*$", f"rank: {ra}", stories[b], count=1, flags=re.M)
        author = "vp" if roll > 0.95 else po
        changes = [(a, stories[a].encode()), (b, stories[b].encode())]
        commit(out, n + 2, author, when, "Re-rank the backlog", changes)
    out.close()
    if p.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)
    # Packed with deltas like a clone from a server; fast-import's own pack stores every
    # version of a large folder's tree whole.
    subprocess.run(["git", "repack", "-a", "-d", "-f", "-q"], cwd=repo, check=True)


if __name__ == "__main__":
    main()
