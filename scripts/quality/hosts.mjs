// No request to another host: scans the built HTML, CSS and JS for anything a browser
// would LOAD from an absolute or protocol-relative URL: src/srcset/poster/data attributes,
// <link rel=stylesheet|icon|preload|manifest|...> hrefs, url(...) and @import in CSS (files,
// <style> elements and style attributes), and fetch/import/XMLHttpRequest targets in
// scripts. Plain links (<a href="https://...">) to other sites are fine: they load nothing.
// The browser checks (axe.mjs, nojs.mjs) also watch the requests pages really make.
//
//   node hosts.mjs SITE_OUT_DIR
import fs from 'node:fs';
import path from 'node:path';

const root = process.argv[2];
if (!root || !fs.existsSync(root)) {
  console.error('usage: node hosts.mjs SITE_OUT_DIR');
  process.exit(2);
}

const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(html?|css|js|mjs|svg)$/i.test(e.name)) files.push(p);
  }
};
walk(root);

const ABS = String.raw`(?:[a-z][a-z0-9+.-]*:)?//`; // https://, http://, //host
const LOADING_REL = /\b(stylesheet|icon|apple-touch-icon|mask-icon|manifest|preload|modulepreload|prefetch|preconnect|dns-prefetch|prerender)\b/i;
const cssRules = [
  [new RegExp(String.raw`url\(\s*['"]?\s*${ABS}`, 'gi'), 'url() of another host'],
  [new RegExp(String.raw`@import\s+(?:url\()?\s*['"]?\s*${ABS}`, 'gi'), '@import of another host'],
];
const jsRules = [
  [new RegExp(String.raw`\b(?:fetch|import|importScripts|EventSource|WebSocket|sendBeacon)\s*\(\s*['"\x60]${ABS}`, 'g'), 'script loads from another host'],
  [new RegExp(String.raw`\.open\(\s*['"][A-Z]+['"]\s*,\s*['"\x60]${ABS}`, 'g'), 'XMLHttpRequest to another host'],
];

const found = [];
const lineOf = (text, index) => text.slice(0, index).split('\n').length;
const scan = (file, text, rules, offset = 0, base = text) => {
  for (const [re, what] of rules) {
    for (const m of text.matchAll(re)) {
      found.push(`${path.relative(root, file)}:${lineOf(base, offset + m.index)}: ${what}: ${m[0].slice(0, 100)}`);
    }
  }
};

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (/\.css$/i.test(file)) {
    scan(file, text, cssRules);
    continue;
  }
  if (/\.m?js$/i.test(file)) {
    scan(file, text, jsRules);
    continue;
  }
  // HTML and SVG: every start tag.
  for (const tag of text.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)\b([^>]*)>/g)) {
    const [whole, name, attrs] = tag;
    const at = (re) => attrs.match(re)?.[1];
    const line = lineOf(text, tag.index);
    const where = `${path.relative(root, file)}:${line}`;
    for (const a of attrs.matchAll(new RegExp(String.raw`\b(src|srcset|poster|data|background|formaction|xlink:href)\s*=\s*["']?\s*(${ABS}[^"'\s>]*)`, 'gi'))) {
      // <a xlink:href> in SVG is a plain link; <use xlink:href>/<image xlink:href> load.
      if (a[1].toLowerCase() === 'xlink:href' && name.toLowerCase() === 'a') continue;
      found.push(`${where}: <${name} ${a[1]}> loads ${a[2]}`);
    }
    if (/^(link)$/i.test(name)) {
      const rel = at(/\brel\s*=\s*["']?([^"'>]*)/i) || '';
      const href = at(new RegExp(String.raw`\bhref\s*=\s*["']?\s*(${ABS}[^"'\s>]*)`, 'i'));
      if (href && LOADING_REL.test(rel)) found.push(`${where}: <link rel="${rel}"> loads ${href}`);
    }
    if (/^(image|use|feImage)$/i.test(name)) {
      const href = at(new RegExp(String.raw`\bhref\s*=\s*["']?\s*(${ABS}[^"'\s>]*)`, 'i'));
      if (href) found.push(`${where}: <${name} href> loads ${href}`);
    }
    const style = at(/\bstyle\s*=\s*"([^"]*)"/i) || at(/\bstyle\s*=\s*'([^']*)'/i);
    if (style) scan(file, style, cssRules, tag.index, text);
    if (whole.length > 0 && /^meta$/i.test(name) && /http-equiv\s*=\s*["']?refresh/i.test(attrs)) {
      if (new RegExp(String.raw`url\s*=\s*${ABS}`, 'i').test(attrs)) found.push(`${where}: <meta http-equiv=refresh> to another host`);
    }
  }
  for (const s of text.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) scan(file, s[1], cssRules, s.index, text);
  for (const s of text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) scan(file, s[1], jsRules, s.index, text);
}

for (const f of found) console.log(`FAIL ${f}`);
console.log(`no-other-host check: ${files.length} HTML/CSS/JS/SVG files scanned; ${found.length} resource(s) loaded from another host`);
process.exit(found.length ? 1 : 0);
