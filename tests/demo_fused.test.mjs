// The demo as `make` runs it: kv_demo with kv-file fused in by wasm-fuse, run by the pinned jco.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fused, jco, runComponent } from './lib/project.mjs';

test('two runs of the fused demo alternate, showing the value persisted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  try {
    const env = { KV_FILE_DIR: dir };
    const first = runComponent(fused, { env });
    assert.equal(first.stderr, '');
    assert.equal(first.status, 0);
    assert.deepEqual(first.stdout.split('\n'), [
      '`hello` does not exist; setting it to `wasi`',
      'get `hello` -> `wasi`',
      'increment `demo-runs` by 1 -> 1',
      'set-many `fruit/apple`=`red` `fruit/banana`=`yellow`',
      'get-many `fruit/apple` `fruit/banana` `fruit/cherry` -> `red` `yellow` none',
      '',
    ]);
    const second = runComponent(fused, { env });
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(second.stdout.split('\n').slice(0, 2), [
      '`hello` exists with value `wasi`; deleting it',
      'increment `demo-runs` by 1 -> 2',
    ]);
    const third = runComponent(fused, { env });
    assert.equal(third.stdout.split('\n')[0], '`hello` does not exist; setting it to `wasi`');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad setting is a clear error from open, and the demo exits non-zero', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  try {
    const r = runComponent(fused, { env: { KV_FILE_DIR: dir, KV_FILE_SYNC: 'sometimes' } });
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout,
      'kv_demo: open of the default bucket failed: KV_FILE_SYNC=sometimes: expected `always` or `never`\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the fused demo imports no wasi:keyvalue, only WASI, and exports wasi:cli/run', () => {
  const lines = jco('wit', fused).split('\n').map((l) => l.trim());
  const imports = lines.filter((l) => l.startsWith('import '));
  assert.ok(imports.length > 0);
  for (const l of imports) assert.match(l, /^import wasi:(cli|io|clocks|filesystem|random|sockets)\//);
  assert.deepEqual(lines.filter((l) => l.startsWith('export ')), ['export wasi:cli/run@0.2.3;']);
});

test('the fused demo names wasm-fuse in its producer metadata', () => {
  assert.match(jco('metadata-show', fused), /processed-by: wasm-fuse \d+\.\d+\.\d+/);
});
