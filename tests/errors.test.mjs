// The contract's error cases as a consumer sees them, from a real provider: `open` of a bucket the
// store does not serve is no-such-store (src/bindings/keyvalue_errors.h), also through kv-prefix,
// which passes the provider's answer on as the same case.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUNNERS } from '../tools/command.mjs';
import { component, runComponent, runFuse } from './lib/project.mjs';

function fusedDemo(work, ...plugs) {
  const out = join(work, 'demo.wasm');
  const f = runFuse('plug', ...plugs.flatMap((p) => ['--plug', component(p)]), component('kv_demo'),
    '-o', out);
  assert.equal(f.status, 0, f.stderr);
  return out;
}

const refused = 'kv_demo: open of the default bucket failed: no-such-store';

for (const runner of RUNNERS) test(`on ${runner}: a bucket outside KV_BUCKETS is no-such-store, from kv-file and through kv-prefix`, () => {
  const work = mkdtempSync(join(tmpdir(), 'errors-'));
  try {
    const env = { KV_FILE_DIR: join(work, 'data'), KV_RUNNER: runner };
    const direct = runComponent(fusedDemo(work, 'kv-file'), { env: { ...env, KV_BUCKETS: 'other' } });
    assert.equal(direct.status, 1, direct.stdout + direct.stderr);
    assert.equal(direct.stdout.trim(), refused);
    const allowed = runComponent(fusedDemo(work, 'kv-file'), { env: { ...env, KV_BUCKETS: 'other,' } });
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);

    // kv-prefix opens `prefixed.` below for the demo's default bucket; kv-file refuses it.
    const chainEnv = { ...env, KV_JCO: '1.21' };
    const chain = fusedDemo(work, 'kv-prefix', 'kv-file');
    const through = runComponent(chain, { env: { ...chainEnv, KV_BUCKETS: 'other' } });
    assert.equal(through.status, 1, through.stdout + through.stderr);
    assert.equal(through.stdout.trim(), refused);
    const passes = runComponent(chain, { env: { ...chainEnv, KV_BUCKETS: 'prefixed.' } });
    assert.equal(passes.status, 0, passes.stdout + passes.stderr);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
