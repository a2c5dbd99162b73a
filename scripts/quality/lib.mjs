// Shared helpers of the quality scripts: a tiny static file server on a free loopback
// port, headless Chromium through puppeteer-core, and the list of pages to look at.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import puppeteer from 'puppeteer-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

/** Serves `root` on 127.0.0.1 at a free port. Resolves to `{ url, close }`. */
export function serve(root) {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (rel.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/**
 * Launches headless Chromium (CHROMIUM env var, default /usr/bin/chromium) with a fresh
 * profile. A launch that fails is tried again, up to three times: Chromium now and then
 * dies while starting on a loaded machine (seen once in CI's quality run, where the same
 * check passed when run again), which says nothing about the pages.
 */
export async function launch() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce();
    } catch (err) {
      if (attempt >= 3) throw err;
      console.error(`Chromium did not start (attempt ${attempt} of 3: ${String(err.message).split('\n')[0]}); trying again`);
    }
  }
}

async function launchOnce() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-chromium-'));
  const launching = puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      '--font-render-hinting=none',
    ],
  });
  const browser = await launching.catch((err) => {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    await close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return browser;
}

/** Every .html file under `root`, as paths relative to it with forward slashes, sorted. */
export function htmlFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

// The page of a kind: the preferred one of the example site if it exists, else the first
// page of that section, so the scripts keep working when the example site changes.
function pick(root, section, preferred) {
  const want = `${section}/${preferred}/index.html`;
  if (fs.existsSync(path.join(root, want))) return want;
  const dir = path.join(root, section);
  const subs = fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  for (const s of subs) {
    const p = `${section}/${s}/index.html`;
    if (fs.existsSync(path.join(root, p))) return p;
    // docs nest one level deeper (docs/guide/commands/)
    for (const t of fs.readdirSync(path.join(dir, s), { withFileTypes: true })) {
      const q = `${section}/${s}/${t.name}/index.html`;
      if (t.isDirectory() && fs.existsSync(path.join(root, q))) return q;
    }
  }
  throw new Error(`no ${section} page found in ${root}`);
}

/** The key pages of a built site: `[{ name, path }]`. */
export function keyPages(root, kinds) {
  const all = {
    home: 'index.html',
    roadmap: 'roadmap/index.html',
    initiative: pick(root, 'roadmap', 'guest-checkout'),
    backlog: 'backlog/index.html',
    story: pick(root, 'backlog', 'chk-12'),
    team: 'team/index.html',
    person: pick(root, 'team', 'dan'),
    sprints: 'sprints/index.html',
    sprint: pick(root, 'sprints', '2026-s21'),
    doc: pick(root, 'docs', 'guide/commands'),
    // alerts of every kind, highlighted YAML, shell and Markdown, wide tables
    markdown: pick(root, 'docs', 'guide/content-format'),
    changelog: 'changelog/index.html',
  };
  const names = kinds || Object.keys(all);
  return names.map((name) => {
    if (!fs.existsSync(path.join(root, all[name]))) throw new Error(`${all[name]} missing from ${root}`);
    return { name, path: all[name] };
  });
}

/** Records every request a page makes to a host other than the local server. */
export function watchHosts(page, baseUrl, into) {
  const origin = new URL(baseUrl).origin;
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u.startsWith('about:')) return;
    let o;
    try {
      o = new URL(u).origin;
    } catch {
      return;
    }
    if (o !== origin) into.push(`${page.url()} loaded ${u}`);
  });
}
