// Every page, in headless Chromium at phone width (375 px):
//  - usable without JavaScript: with JavaScript disabled, `main` holds the page's content:
//    it has text, that text is the same as with JavaScript on (so no script fills it in), no
//    link in it needs a script, and the key pages show their key parts (roadmap board cards,
//    backlog tables, the velocity chart and its table, ...). Only search and the code
//    blocks' Copy buttons may need JavaScript.
//  - fits a phone: the page is not wider than the screen (wide tables and the timeline
//    scroll inside their own box, never the whole page).
//
//   node pages.mjs SITE_OUT_DIR
import fs from 'node:fs';
import { serve, launch, htmlFiles, keyPages, watchHosts } from './lib.mjs';

const root = process.argv[2];
if (!root || !fs.existsSync(root)) {
  console.error('usage: node pages.mjs SITE_OUT_DIR');
  process.exit(2);
}

// What a key page must show without JavaScript: [CSS selector, minimum count, what it is].
const EXPECT = {
  home: [['.stats li, .stats > *', 2, 'headline figures'], ['.card', 1, 'initiative cards of the Now column']],
  roadmap: [
    ['.board .column', 3, 'board columns Now, Next, Later'],
    ['.board .card', 3, 'initiative cards on the board'],
    ['.card .progress-label, .card .progress', 3, 'progress of the cards'],
  ],
  initiative: [['h1', 1, 'title'], ['table.stories tbody tr', 1, 'story rows']],
  backlog: [['section.backlog', 2, 'one backlog per product owner'], ['table.stories tbody tr', 10, 'ranked story rows']],
  story: [['h1', 1, 'title'], ['.facts', 1, 'facts (owner, initiative, estimate)']],
  team: [['main a[href*="team/"]', 3, 'links to people']],
  person: [['h1', 1, 'name']],
  sprints: [['figure.chart svg', 1, 'velocity chart'], ['table.sprints-table tbody tr', 3, 'sprint table rows']],
  sprint: [['h1', 1, 'title']],
  doc: [['.prose p', 2, 'paragraphs of the doc'], ['.docs-nav a', 3, 'docs navigation']],
  changelog: [['main li, main article', 3, 'changelog entries']],
};

const server = await serve(root);
const browser = await launch();
const files = htmlFiles(root);
const key = new Map(keyPages(root).map((p) => [p.path, p.name]));
const problems = [];
const wide = [];
const hosts = [];
const PHONE = { width: 375, height: 740, isMobile: true, hasTouch: true };

// What sticks out past the right edge of the screen, outside any box that scrolls sideways.
const overflow = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const scrolls = (el) => {
      for (let e = el.parentElement; e; e = e.parentElement) {
        const o = getComputedStyle(e).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
      .filter((e, _, all) => !all.some((o) => o !== e && o.contains(e)))
      .slice(0, 3)
      .map((e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${e.className}"` : ''}> ${e.textContent.replace(/\s+/g, " ").trim().slice(0, 40)}`);
    return { scrollWidth: document.documentElement.scrollWidth, culprits };
  });

// The text of <main>, without buttons: controls a script adds (the code blocks' Copy
// buttons) are not content.
const mainText = (page) =>
  page.evaluate(() => {
    const m = document.querySelector('main');
    if (!m) return null;
    const buttons = [...m.querySelectorAll('button')].map((b) => [b, b.style.display]);
    for (const [b] of buttons) b.style.display = 'none';
    const text = m.innerText.replace(/\s+/g, ' ').trim();
    for (const [b, display] of buttons) b.style.display = display;
    return text;
  });

// One page without JavaScript and one with it, per worker; a few workers share the pages.
async function worker(queue) {
  const off = await browser.newPage();
  await off.setJavaScriptEnabled(false);
  await off.setViewport(PHONE);
  watchHosts(off, server.url, hosts);
  const on = await browser.newPage();
  await on.setViewport(PHONE);
  watchHosts(on, server.url, hosts);

  for (let file = queue.shift(); file; file = queue.shift()) {
    const url = server.url + file;
    await off.goto(url, { waitUntil: 'load' });
    const text = await mainText(off);
    if (text === null) {
      problems.push(`${file}: no <main> element`);
      continue;
    }
    if (text.length < 20) problems.push(`${file}: <main> has almost no text without JavaScript (${JSON.stringify(text)})`);
    const scripted = await off.$$eval('main a[href^="javascript:"], main [onclick], main a:not([href])', (els) =>
      els.map((e) => e.outerHTML.slice(0, 80)),
    );
    for (const s of scripted) problems.push(`${file}: element in <main> needs JavaScript: ${s}`);
    const o = await overflow(off);
    if (o) wide.push(`${file}: ${o.scrollWidth} px wide on a 375 px screen; sticking out: ${o.culprits.join(' | ')}`);
    const name = key.get(file);
    for (const [selector, min, what] of EXPECT[name] || []) {
      const n = await off.$$eval(selector, (els) => els.length);
      if (n < min) problems.push(`${file} (${name}): expected at least ${min} ${what} (${selector}), found ${n}`);
    }
    // Same content with JavaScript on: the page does not depend on a script for it.
    await on.goto(url, { waitUntil: 'load' });
    const withJs = await mainText(on);
    if (withJs !== text) {
      problems.push(`${file}: <main> differs with JavaScript on (${withJs.length} vs ${text.length} characters)`);
    }
  }
}

try {
  const queue = [...files];
  await Promise.all(Array.from({ length: 4 }, () => worker(queue)));
} finally {
  await browser.close();
  await server.close();
}

for (const p of problems.sort()) console.log(`FAIL ${p}`);
for (const w of wide.sort()) console.log(`FAIL ${w}`);
for (const h of [...new Set(hosts)]) console.log(`FAIL request to another host: ${h}`);
console.log(
  `no-JavaScript check: ${files.length} pages loaded with JavaScript off and on, ` +
    `${key.size} key pages checked for their key parts; ${problems.length} problem(s)`,
);
console.log(`phone width check: ${files.length} pages at 375 px; ${wide.length} wider than the screen`);
console.log(`${new Set(hosts).size} request(s) to other hosts`);
process.exit(problems.length || wide.length || hosts.length ? 1 : 0);
