// The browser demo (make web) in headless Chromium, driven by playwright-core (tests/web/drive.mjs,
// on the pinned Node 24): kv-memory fused into kv_demo_draft2, transpiled by jco, runs in the
// page; the test checks what the page shows of both runs and keeps a screenshot
// (build/web/screenshot.png).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeBinary } from '../tools/command.mjs';
import { serveWeb } from '../tools/serve-web.mjs';
import { build, finished, root } from './lib/project.mjs';

test('the browser demo runs kv-memory fused into a consumer in headless Chromium and shows both runs', { timeout: 180_000 }, async () => {
  assert.ok(existsSync('/usr/bin/chromium'), '/usr/bin/chromium is missing (tools/install-deps.sh installs chromium)');
  assert.ok(existsSync(join(build, 'web', 'demo', 'demo.js')), 'build/web is missing: run `make web`');
  const server = await serveWeb({ port: 0 });
  let result;
  try {
    // The server answers from this process, so the browser runs in a child (asynchronously).
    const drive = spawn(nodeBinary, [join(root, 'tests', 'web', 'drive.mjs'), server.url,
      join(build, 'web', 'screenshot.png')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, out } = await finished(drive);
    assert.equal(code, 0, out);
    result = JSON.parse(out.trim().split('\n').at(-1));
  } finally {
    await server.close();
  }
  assert.equal(result.state, 'done', `${result.status}\n${result.errors.join('\n')}`);
  assert.equal(result.runs.length, 2);
  assert.deepEqual(result.runs[0], [
    'kv_demo_draft2: importing wasi:keyvalue@0.2.0-draft2',
    '`hello` does not exist; setting it to `wasi`',
    'get `hello` -> `wasi`',
    'increment `demo-runs` by 1 (s64) -> 1',
    'cas `greeting`: swap -> `hello from draft2 (run 1)` (attempt 1)',
    'set-many `fruit/apple`=`red` `fruit/banana`=`yellow`',
    'get-many `fruit/apple` `fruit/banana` `fruit/cherry` -> `red` `yellow` none',
  ]);
  // The same instance, so the same kv-memory: the second run finds what the first one stored.
  assert.deepEqual(result.runs[1].slice(1, 4), [
    '`hello` exists with value `wasi`; deleting it',
    'increment `demo-runs` by 1 (s64) -> 2',
    'cas `greeting`: swap -> `hello from draft2 (run 1) (run 2)` (attempt 1)',
  ]);
  assert.deepEqual(result.errors, []);
});
