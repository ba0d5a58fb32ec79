// What the built components import and export, as jco (wit-component) reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { component, jco } from './lib/project.mjs';

function worldLines(wit) {
  return wit.split('\n').map((l) => l.trim()).filter((l) => /^(import|export) /.test(l));
}

test('kv-memory exports exactly store, atomics and batch at both versions, and imports nothing', () => {
  assert.deepEqual(worldLines(jco('wit', component('kv-memory'))), [
    'export wasi:keyvalue/store@0.2.0-draft;',
    'export wasi:keyvalue/atomics@0.2.0-draft;',
    'export wasi:keyvalue/batch@0.2.0-draft;',
    'export wasi:keyvalue/store@0.2.0-draft2;',
    'export wasi:keyvalue/atomics@0.2.0-draft2;',
    'export wasi:keyvalue/batch@0.2.0-draft2;',
  ]);
});

test('kv-memory gives the cas resource a destructor too', () => {
  assert.equal(jco('print', component('kv-memory')).match(/\(resource \(rep i32\) \(dtor/g)?.length, 3);
});

test('kv_demo_draft2 imports the draft2 contract only and exports wasi:cli/run', () => {
  const lines = worldLines(jco('wit', component('kv_demo_draft2')));
  for (const iface of ['store', 'atomics', 'batch']) {
    assert.ok(lines.includes(`import wasi:keyvalue/${iface}@0.2.0-draft2;`), iface);
  }
  assert.ok(!lines.some((l) => /@0\.2\.0-draft;/.test(l)), lines.join('\n'));
  assert.deepEqual(lines.filter((l) => l.startsWith('export')), ['export wasi:cli/run@0.2.3;']);
});

test('kv-memory gives the bucket resource a destructor', () => {
  // A misnamed #[dtor] export is dropped silently by `component new` (docs/toolchain.md).
  assert.match(jco('print', component('kv-memory')), /\(resource \(rep i32\) \(dtor/);
});

test('kv_demo imports the contract and exports wasi:cli/run', () => {
  const lines = worldLines(jco('wit', component('kv_demo')));
  for (const iface of ['store', 'atomics', 'batch']) {
    assert.ok(lines.includes(`import wasi:keyvalue/${iface}@0.2.0-draft;`), iface);
  }
  assert.deepEqual(lines.filter((l) => l.startsWith('export')), ['export wasi:cli/run@0.2.3;']);
});
