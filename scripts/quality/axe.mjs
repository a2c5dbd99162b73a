// Accessibility: runs axe-core in headless Chromium over the key pages of a built site, in
// light and dark mode, at desktop and phone width. Fails on any violation of impact
// "serious" or "critical"; prints every violation (minor and moderate ones as warnings).
// While at it, fails on any request to another host, any 4xx/5xx asset and any JS error.
//
//   node axe.mjs SITE_OUT_DIR
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { serve, launch, keyPages, watchHosts } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const axeVersion = require('axe-core/package.json').version;

const root = process.argv[2];
if (!root || !fs.existsSync(root)) {
  console.error('usage: node axe.mjs SITE_OUT_DIR');
  process.exit(2);
}

const FAILING = new Set(['serious', 'critical']);
const SCHEMES = ['light', 'dark'];
const WIDTHS = [1280, 375];

const server = await serve(root);
const browser = await launch();
const pages = keyPages(root);
const violations = new Map(); // id -> { impact, help, helpUrl, where: [] }
const hosts = [];
const errors = [];
let runs = 0;

try {
  const page = await browser.newPage();
  watchHosts(page, server.url, hosts);
  page.on('pageerror', (e) => errors.push(`${page.url()}: JavaScript error: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${page.url()}: ${r.status()} for ${r.url()}`);
  });
  for (const scheme of SCHEMES) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    for (const width of WIDTHS) {
      await page.setViewport({ width, height: 900 });
      for (const p of pages) {
        await page.goto(server.url + p.path, { waitUntil: 'load' });
        await page.evaluate(axeSource);
        const result = await page.evaluate(() =>
          // eslint-disable-next-line no-undef
          axe.run(document, { resultTypes: ['violations'] }),
        );
        runs++;
        for (const v of result.violations) {
          if (!violations.has(v.id)) {
            violations.set(v.id, { impact: v.impact, help: v.help, helpUrl: v.helpUrl, where: [] });
          }
          violations.get(v.id).where.push({
            page: `${p.path} (${p.name}, ${scheme}, ${width}px)`,
            nodes: v.nodes.map((n) => ({
              target: n.target.join(' '),
              html: n.html.length > 160 ? n.html.slice(0, 157) + '...' : n.html,
              summary: (n.failureSummary || '').split('\n').slice(1).map((l) => l.trim()).filter(Boolean).join('; '),
            })),
          });
        }
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}

let failing = 0;
let warning = 0;
const order = ['critical', 'serious', 'moderate', 'minor'];
const sorted = [...violations.entries()].sort((a, b) => order.indexOf(a[1].impact) - order.indexOf(b[1].impact));
for (const [id, v] of sorted) {
  const fails = FAILING.has(v.impact);
  if (fails) failing++;
  else warning++;
  console.log(`${fails ? 'FAIL' : 'warn'} [${v.impact}] ${id}: ${v.help}`);
  console.log(`     ${v.helpUrl}`);
  for (const w of v.where) {
    console.log(`     on ${w.page}: ${w.nodes.length} node(s)`);
    for (const n of w.nodes.slice(0, 5)) {
      console.log(`       - ${n.target}  ${n.html}`);
      if (n.summary) console.log(`         ${n.summary}`);
    }
    if (w.nodes.length > 5) console.log(`       ... and ${w.nodes.length - 5} more`);
  }
}
for (const h of [...new Set(hosts)]) console.log(`FAIL request to another host: ${h}`);
for (const e of [...new Set(errors)]) console.log(`FAIL ${e}`);

console.log(
  `axe-core ${axeVersion}: ${pages.length} pages x ${SCHEMES.length} colour schemes x ${WIDTHS.length} widths = ${runs} runs; ` +
    `${failing} serious/critical violation rule(s), ${warning} minor/moderate; ` +
    `${new Set(hosts).size} request(s) to other hosts; ${new Set(errors).size} load or script error(s)`,
);
process.exit(failing || hosts.length || errors.length ? 1 : 0);
