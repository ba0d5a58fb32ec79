// The demo as `make` runs it: kv_demo with kv-memory fused in by wasm-fuse, run by the pinned jco.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fused, jco, runComponent } from './lib/project.mjs';

test('the fused demo prints every line of the demo and exits 0', () => {
  const r = runComponent(fused);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout.split('\n'), [
    '`hello` does not exist; setting it to `wasi`',
    'get `hello` -> `wasi`',
    'increment `demo-runs` by 1 -> 1',
    'set-many `fruit/apple`=`red` `fruit/banana`=`yellow`',
    'get-many `fruit/apple` `fruit/banana` `fruit/cherry` -> `red` `yellow` none',
    '',
  ]);
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
