// The browser demo (make web) in headless Chromium, driven by playwright-core: kv-memory fused into
// kv_demo_draft2, transpiled by jco, runs in the page; the test reads back what the page shows of
// both runs and saves a screenshot (build/web/screenshot.png).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { serveWeb } from '../tools/serve-web.mjs';
import { build } from './lib/project.mjs';

const executablePath = '/usr/bin/chromium';
// As root and on a closed network: no sandbox, and none of Chromium's own background traffic.
// (Playwright gives every launch a new, empty profile of its own.)
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the browser demo runs kv-memory fused into a consumer in headless Chromium and shows both runs', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(executablePath), `${executablePath} is missing (tools/install-deps.sh installs chromium)`);
  assert.ok(existsSync(join(build, 'web', 'demo', 'demo.js')), 'build/web is missing: run `make web`');
  const server = await serveWeb({ port: 0 });
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args, timeout: 60_000 });
    const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 60_000 });
    const state = await page.evaluate(() => document.body.dataset.state);
    const status = await page.textContent('#status');
    assert.equal(state, 'done', `${status}\n${errors.join('\n')}`);
    const runs = await page.$$eval('section.run ol', (lists) =>
      lists.map((ol) => [...ol.querySelectorAll('li')].map((li) => li.textContent)));
    assert.equal(runs.length, 2);
    assert.deepEqual(runs[0], [
      'kv_demo_draft2: importing wasi:keyvalue@0.2.0-draft2',
      '`hello` does not exist; setting it to `wasi`',
      'get `hello` -> `wasi`',
      'increment `demo-runs` by 1 (s64) -> 1',
      'cas `greeting`: swap -> `hello from draft2 (run 1)` (attempt 1)',
      'set-many `fruit/apple`=`red` `fruit/banana`=`yellow`',
      'get-many `fruit/apple` `fruit/banana` `fruit/cherry` -> `red` `yellow` none',
    ]);
    // The same instance, so the same kv-memory: the second run finds what the first one stored.
    assert.deepEqual(runs[1].slice(1, 4), [
      '`hello` exists with value `wasi`; deleting it',
      'increment `demo-runs` by 1 (s64) -> 2',
      'cas `greeting`: swap -> `hello from draft2 (run 1) (run 2)` (attempt 1)',
    ]);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(build, 'web', 'screenshot.png'), fullPage: true });
  } finally {
    await browser?.close();
    await server.close();
  }
});
