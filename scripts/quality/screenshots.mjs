// Full-page screenshots of the key pages of a built site, in light and dark mode, at
// desktop (1280 px) and phone (375 px) width: DEST/NAME-SCHEME-WIDTH.png.
//
//   node screenshots.mjs SITE_OUT_DIR DEST_DIR
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, keyPages } from './lib.mjs';

const [root, dest] = process.argv.slice(2);
if (!root || !dest || !fs.existsSync(root)) {
  console.error('usage: node screenshots.mjs SITE_OUT_DIR DEST_DIR');
  process.exit(2);
}
fs.mkdirSync(dest, { recursive: true });

const KINDS = ['home', 'roadmap', 'initiative', 'backlog', 'team', 'sprints', 'doc', 'markdown'];
const SCHEMES = ['light', 'dark'];
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 375, height: 740, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
];

const server = await serve(root);
const browser = await launch();
const written = [];
try {
  const page = await browser.newPage();
  for (const scheme of SCHEMES) {
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    for (const viewport of VIEWPORTS) {
      await page.setViewport(viewport);
      for (const p of keyPages(root, KINDS)) {
        await page.goto(server.url + p.path, { waitUntil: 'load' });
        const file = path.join(dest, `${p.name}-${scheme}-${viewport.width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        written.push(file);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`screenshots: ${written.length} PNGs in ${dest} (${KINDS.join(', ')} x ${SCHEMES.join('/')} x 1280/375 px)`);
