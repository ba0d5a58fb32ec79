// The demo as `make` runs it: kv_demo with kv-file fused in by wasm-fuse, run on wasmtime (as
// `make` does) and on the pinned jco (RUNNER=jco).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUNNERS } from '../tools/command.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { component, fused, jco, root, runComponent, runFuse } from './lib/project.mjs';
import { wasmTools } from './lib/wasm_tools.mjs';

for (const runner of RUNNERS) test(`on ${runner}: two runs of the fused demo alternate, showing the value persisted`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  try {
    const env = { KV_FILE_DIR: dir, KV_RUNNER: runner };
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

for (const runner of RUNNERS) test(`on ${runner}: the draft2 demo, fused with the same kv-file binary, shares the data and the counter of the draft demo`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo2-'));
  try {
    const fused2 = join(dir, 'kv_demo_draft2.fused.wasm');
    const f = runFuse('plug', '--plug', component('kv-file'), component('kv_demo_draft2'), '-o', fused2);
    assert.equal(f.status, 0, f.stderr);
    assert.match(f.stderr, /wasi:keyvalue\/store@0\.2\.0-draft2/);
    const env = { KV_FILE_DIR: join(dir, 'store'), KV_RUNNER: runner };
    const first = runComponent(fused, { env });
    assert.equal(first.status, 0, first.stderr);
    const second = runComponent(fused2, { env });
    assert.equal(second.stderr, '');
    assert.equal(second.status, 0);
    assert.deepEqual(second.stdout.split('\n'), [
      'kv_demo_draft2: importing wasi:keyvalue@0.2.0-draft2',
      '`hello` exists with value `wasi`; deleting it',
      'increment `demo-runs` by 1 (s64) -> 2',
      'cas `greeting`: swap -> `hello from draft2 (run 2)` (attempt 1)',
      'set-many `fruit/apple`=`red` `fruit/banana`=`yellow`',
      'get-many `fruit/apple` `fruit/banana` `fruit/cherry` -> `red` `yellow` none',
      '',
    ]);
    const third = runComponent(fused, { env });
    assert.deepEqual(third.stdout.split('\n').slice(0, 3), [
      '`hello` does not exist; setting it to `wasi`',
      'get `hello` -> `wasi`',
      'increment `demo-runs` by 1 -> 3',
    ]);
    const fourth = runComponent(fused2, { env });
    assert.equal(fourth.stdout.split('\n')[3],
      'cas `greeting`: swap -> `hello from draft2 (run 2) (run 4)` (attempt 1)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const runner of RUNNERS) test(`on ${runner}: a bad setting is a clear error from open, and the demo exits non-zero`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-'));
  try {
    const r = runComponent(fused, { env: { KV_FILE_DIR: dir, KV_FILE_SYNC: 'sometimes', KV_RUNNER: runner } });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout,
      'kv_demo: open of the default bucket failed: KV_FILE_SYNC=sometimes: expected `always` or `never`\n');
    // A stale time too large for the lock's arithmetic (in milliseconds it overflowed, and every
    // lock then looked stale) is refused, naming the largest.
    const huge = runComponent(fused, { env: { KV_FILE_DIR: dir, KV_FILE_LOCK_STALE_SECONDS: '10000000000000000', KV_RUNNER: runner } });
    assert.equal(huge.status, 1, huge.stderr);
    assert.equal(huge.stdout,
      'kv_demo: open of the default bucket failed: KV_FILE_LOCK_STALE_SECONDS=10000000000000000: at most 31536000\n');
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

test('each module of the fused demo says what built it: C++20, clang 19, our bindings', () => {
  const doc = JSON.parse(execFileSync(wasmTools, ['metadata', 'show', '--json', fused], { encoding: 'utf8' }));
  const modules = [];
  const walk = (node) => {
    if (node.module) modules.push(node.module);
    for (const child of node.component?.children ?? []) walk(child);
  };
  walk(doc);
  const ours = modules.filter((m) => m.name?.endsWith('.core.wasm'));
  assert.deepEqual(ours.map((m) => m.name).sort(), ['kv-file.core.wasm', 'kv_demo.core.wasm']);
  for (const m of ours) {
    const [language, processedBy, sdk] = ['language', 'processed-by', 'sdk'].map((f) =>
      m.producers.find(([name]) => name === f)?.[1] ?? {});
    assert.ok('C_plus_plus_20' in language, `${m.name}: ${JSON.stringify(m.producers)}`);
    assert.ok(!('C_plus_plus_14' in language), `${m.name}: ${JSON.stringify(m.producers)}`);
    assert.match(processedBy.clang ?? '', /^19\./, m.name);
    assert.ok(!('Debian clang' in processedBy), m.name);
    assert.match(sdk['wasi-keyvalue-cpp'] ?? '', /^\d+\.\d+\.\d+$/, m.name);
  }
  assert.deepEqual(doc.component.metadata.producers, [['processed-by', { 'wasm-fuse': '0.1.0' }]]);
});

test('on wasmtime: a relative KV_FILE_DIR works, and tools/run.mjs reports a trap as status 70', async () => {
  const work = mkdtempSync(join(tmpdir(), 'wasmtime-run-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'tools', 'run.mjs'), fused],
      { cwd: work, encoding: 'utf8', env: { ...process.env, KV_RUNNER: 'wasmtime', KV_FILE_DIR: 'reldata' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(work, 'reldata', 'b-.log')), 'the store is not in the relative directory');
    // A provider whose every function is `unreachable`, fused with the demo.
    const dummy = await componentNew(await componentEmbed({ dummy: true, witPath: join(root, 'wit'), world: 'provider' }), []);
    writeFileSync(join(work, 'trapping.wasm'), dummy);
    const f = runFuse('plug', '--plug', join(work, 'trapping.wasm'), component('kv_demo'), '-o', join(work, 'trap.wasm'));
    assert.equal(f.status, 0, f.stderr);
    const t = spawnSync(process.execPath, [join(root, 'tools', 'run.mjs'), join(work, 'trap.wasm')],
      { cwd: work, encoding: 'utf8', env: { ...process.env, KV_RUNNER: 'wasmtime' } });
    assert.equal(t.status, 70, t.stdout + t.stderr);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
