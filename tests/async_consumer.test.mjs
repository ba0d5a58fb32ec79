// A consumer with component-model async built-ins inside (tests/async_consumer/consumer.wat) is
// fused with kv-memory and run: wasm-fuse must read what it does not interpret (the built-ins) and
// wire what it does (the synchronous wasi:keyvalue import). The same inputs composed by wac must
// give the same imports and exports and the same run.
//
// Runs: wasmtime 49 (async is on by default) and jco 1.21. The pinned jco 1.10.2 cannot read the
// built-ins ("invalid leading byte (0x1f) for canonical function"): the test says so, so that a
// jco that can is noticed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { transpile } from '@bytecodealliance/jco';
import { prepareCommand } from '../tools/command.mjs';
import { component, fuse, root, wac } from './lib/project.mjs';
import { componentWit, validate, wasmTools } from './lib/wasm_tools.mjs';

const source = join(root, 'tests', 'async_consumer', 'consumer.wat');
const golden = join(root, 'tests', 'async_consumer', 'fused.txt');

function tool(path, args, cwd) {
  const r = spawnSync(path, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${path} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

// The consumer as a component, expecting `expected` back from the store.
function build(work, name, expected = 'yes') {
  const text = readFileSync(source, 'utf8');
  const changed = text.replace('(data (i32.const 48) "yes")', `(data (i32.const 48) "${expected}")`);
  assert.ok(changed.includes(`(i32.const 48) "${expected}"`));
  writeFileSync(join(work, `${name}.wat`), changed);
  tool(wasmTools, ['parse', `${name}.wat`, '-o', `${name}.core.wasm`], work);
  tool(wasmTools, ['component', 'embed', join(root, 'wit'), '--world', 'async-consumer',
    `${name}.core.wasm`, '-o', `${name}.embed.wasm`], work);
  tool(wasmTools, ['component', 'new', `${name}.embed.wasm`, '-o', `${name}.wasm`], work);
  return join(work, `${name}.wasm`);
}

// Exit statuses of the fused command on wasmtime and on jco 1.21.
async function runs(path) {
  const out = {};
  for (const [runner, jco] of [['wasmtime', undefined], ['jco', '1.21']]) {
    const cmd = await prepareCommand(path, { runner, jco });
    try {
      out[runner] = cmd.run([]).status;
    } finally {
      cmd.dispose();
    }
  }
  return out;
}

test('a consumer with async built-ins inside is fused and runs, as wac composes it', async () => {
  const work = mkdtempSync(join(tmpdir(), 'async-consumer-'));
  try {
    const consumer = build(work, 'consumer');
    assert.match(spawnSync(wasmTools, ['print', consumer], { encoding: 'utf8' }).stdout,
      /canon waitable-set\.new/, 'the consumer has the async built-ins');
    const plug = component('kv-memory');
    const fused = join(work, 'fused.wasm');
    const r = spawnSync(fuse, ['plug', '--plug', plug, consumer, '-o', fused], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(validate(fused), '', 'wasm-tools validate');
    const inspected = tool(fuse, ['inspect', fused]).stdout;
    if (process.env.BLESS === '1') writeFileSync(golden, inspected);
    assert.equal(inspected, readFileSync(golden, 'utf8'), 'wasm-fuse inspect (BLESS=1 rewrites it)');

    // The run: the value goes through kv-memory and back.
    assert.deepEqual(await runs(fused), { wasmtime: 0, jco: 0 });
    // And a run that expects another value fails, so the run checks something.
    const wrong = build(work, 'wrong', 'yeS');
    const wrongFused = join(work, 'wrong.fused.wasm');
    tool(fuse, ['plug', '--plug', plug, wrong, '-o', wrongFused]);
    assert.deepEqual(await runs(wrongFused), { wasmtime: 1, jco: 1 });

    // wac, the reference composer, from the same inputs: valid, the same world, the same run.
    const theirs = join(work, 'wac.wasm');
    tool(wac, ['plug', '--plug', plug, consumer, '-o', theirs]);
    assert.equal(validate(theirs), '');
    assert.equal(componentWit(theirs), componentWit(fused));
    assert.deepEqual(await runs(theirs), { wasmtime: 0, jco: 0 });

    // The pinned jco 1.10.2 does not read async built-ins.
    await assert.rejects(transpile(readFileSync(fused), { name: 'fused', quiet: true }),
      /invalid leading byte \(0x1f\) for canonical function/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
