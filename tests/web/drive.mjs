// Opens the browser demo at URL in headless Chromium with playwright-core, waits for the page to
// finish, saves a screenshot to PNG and prints what the page shows as JSON:
// { state, status, runs: [[line, ...], ...], errors: [...] }.
//
//   node tests/web/drive.mjs URL PNG
//
// tests/web.test.mjs runs it on the pinned Node 24 (tools/command.mjs): Playwright needs Node 20
// or later, and Debian 12's own Node is 18.
import { chromium } from 'playwright-core';

const [url, png] = process.argv.slice(2);
const executablePath = '/usr/bin/chromium';
// As root and on a closed network: no sandbox, and none of Chromium's own background traffic.
// (Playwright gives every launch a new, empty profile of its own.)
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const browser = await chromium.launch({ executablePath, args, timeout: 60_000 });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 60_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  const status = await page.textContent('#status');
  const runs = await page.$$eval('section.run ol', (lists) =>
    lists.map((ol) => [...ol.querySelectorAll('li')].map((li) => li.textContent)));
  await page.screenshot({ path: png, fullPage: true });
  console.log(JSON.stringify({ state, status, runs, errors }));
} finally {
  await browser.close();
}
