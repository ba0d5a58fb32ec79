// A consumer with component-model async built-ins inside (tests/wat_consumer/consumer.wat) is
// fused with kv-memory and run: wasm-fuse must read what it does not interpret (the built-ins) and
// wire what it does (the synchronous wasi:keyvalue import). The same inputs composed by wac must
// give the same imports and exports and the same run.
//
// Runs: wasmtime 49 (async is on by default) and jco 1.21. The pinned jco 1.10.2 cannot read the
// built-ins ("invalid leading byte (0x1f) for canonical function"): the test says so, so that a
// jco that can is noticed. A second world also imports wasi:cli/stdout@0.3.0, whose function takes
// a stream and returns a future: wasm-fuse re-encodes those types in the fused component's imports,
// and wasmtime's WASI 0.3 checks them against its own when it instantiates the component. A third
// imports an interface with a resource type alias (`type trailers = fields`, as wasi:http/types
// has), provided from JavaScript on jco 1.21 (headers.mjs), and calls through the alias.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { transpile } from '@bytecodealliance/jco';
import { runOnce } from '../tools/command.mjs';
import { component, fuse, root, wac } from './lib/project.mjs';
import { wasmtimeBinary } from '../tools/command.mjs';
import { componentWit, validate, wasmTools } from './lib/wasm_tools.mjs';

const here = join(root, 'tests', 'wat_consumer');
const source = join(here, 'consumer.wat');

// `wasm-fuse inspect` of `path` against the golden `name` (BLESS=1 rewrites it).
function expectInspect(path, name) {
  const inspected = tool(fuse, ['inspect', path]).stdout;
  if (process.env.BLESS === '1') writeFileSync(join(here, name), inspected);
  assert.equal(inspected, readFileSync(join(here, name), 'utf8'), `${name} (BLESS=1 rewrites it)`);
}

function tool(path, args, cwd) {
  const r = spawnSync(path, args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `${path} ${args.join(' ')}: ${r.stderr}`);
  return r;
}

// A WIT directory with the test's worlds: world.wit, the project's deps, and WASI 0.3's stdout as
// `stdout` declares it (by default the declaration beside the test).
function witDir(work, stdout = readFileSync(join(here, 'wasi-cli-0.3.0.wit'), 'utf8')) {
  const dir = mkdtempSync(join(work, 'wit-'));
  cpSync(join(root, 'wit', 'deps'), join(dir, 'deps'), { recursive: true });
  mkdirSync(join(dir, 'deps', 'cli-0.3.0'));
  writeFileSync(join(dir, 'deps', 'cli-0.3.0', 'cli.wit'), stdout);
  cpSync(join(here, 'world.wit'), join(dir, 'world.wit'));
  return dir;
}

// What each world adds to the core module: imports, and calls at the start of `run`.
const variants = {
  'async-consumer': { imports: '', calls: '' },
  // Imported, never called: the types at the boundary are the point.
  'async-consumer-streams': {
    imports: '(import "wasi:cli/stdout@0.3.0" "write-via-stream" (func (param i32) (result i32)))',
    calls: '',
  },
  // A `fields` and a `trailers` made, counted through the alias and dropped.
  'async-consumer-alias': {
    imports: [
      '(import "test:async-consumer/headers" "[constructor]fields" (func $fields_new (result i32)))',
      '(import "test:async-consumer/headers" "[method]fields.add" (func $fields_add (param i32 i32 i32)))',
      '(import "test:async-consumer/headers" "count" (func $count (param i32) (result i32)))',
      '(import "test:async-consumer/headers" "one" (func $one (result i32)))',
      '(import "test:async-consumer/headers" "[resource-drop]fields" (func $fields_drop (param i32)))',
    ].join('\n  '),
    calls: [
      '(local.set $ws (call $fields_new))',
      '(call $fields_add (local.get $ws) (i32.const 16) (i32.const 5))',
      '(if (i32.ne (call $count (local.get $ws)) (i32.const 1)) (then (return (i32.const 1))))',
      '(call $fields_drop (local.get $ws))',
      '(local.set $ws (call $one))',
      '(if (i32.ne (call $count (local.get $ws)) (i32.const 1)) (then (return (i32.const 1))))',
      '(call $fields_drop (local.get $ws))',
    ].join('\n    '),
  },
};

// The consumer as a component of `world`, expecting `expected` back from the store.
function build(work, name, { expected = 'yes', world = 'async-consumer', wit = witDir(work) } = {}) {
  let text = readFileSync(source, 'utf8');
  text = text.replace('(data (i32.const 48) "yes")', `(data (i32.const 48) "${expected}")`);
  assert.ok(text.includes(`(i32.const 48) "${expected}"`));
  text = text.replace(';; <variant imports>', variants[world].imports)
    .replace(';; <variant calls>', variants[world].calls);
  writeFileSync(join(work, `${name}.wat`), text);
  tool(wasmTools, ['parse', `${name}.wat`, '-o', `${name}.core.wasm`], work);
  tool(wasmTools, ['component', 'embed', wit, '--world', world, `${name}.core.wasm`,
    '-o', `${name}.embed.wasm`], work);
  tool(wasmTools, ['component', 'new', `${name}.embed.wasm`, '-o', `${name}.wasm`], work);
  return join(work, `${name}.wasm`);
}

// Exit statuses of the fused command on wasmtime and on jco 1.21.
async function runs(path) {
  return {
    wasmtime: (await runOnce(path, { runner: 'wasmtime' })).status,
    jco: (await runOnce(path, { runner: 'jco', jco: '1.21' })).status,
  };
}

// `consumer` fused with kv-memory into `work`, validated by wasm-tools and inspected against the
// golden `golden`.
function fuseChecked(work, consumer, golden) {
  const fused = join(work, 'fused.wasm');
  tool(fuse, ['plug', '--plug', component('kv-memory'), consumer, '-o', fused]);
  assert.equal(validate(fused), '', 'wasm-tools validate');
  expectInspect(fused, golden);
  return fused;
}

test('a consumer with async built-ins inside is fused and runs, as wac composes it', async () => {
  const work = mkdtempSync(join(tmpdir(), 'async-consumer-'));
  try {
    const consumer = build(work, 'consumer');
    assert.match(spawnSync(wasmTools, ['print', consumer], { encoding: 'utf8' }).stdout,
      /canon waitable-set\.new/, 'the consumer has the async built-ins');
    const plug = component('kv-memory');
    const fused = fuseChecked(work, consumer, 'fused.txt');

    // The run: the value goes through kv-memory and back.
    assert.deepEqual(await runs(fused), { wasmtime: 0, jco: 0 });
    // And a run that expects another value fails, so the run checks something.
    const wrong = build(work, 'wrong', { expected: 'yeS' });
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

// wasmtime's exit status for `path` with WASI 0.3 on, and its stderr.
function runP3(path) {
  const r = spawnSync(wasmtimeBinary, ['run', '-S', 'p3=y', path], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('stream and future types at the boundary are re-encoded as wasmtime provides them', () => {
  const work = mkdtempSync(join(tmpdir(), 'async-streams-'));
  try {
    const plug = component('kv-memory');
    const consumer = build(work, 'consumer', { world: 'async-consumer-streams' });
    const fused = fuseChecked(work, consumer, 'fused-streams.txt');
    // wasmtime instantiates it against its WASI 0.3 (the import's types must match its own) and
    // the run stores and reads back the value.
    assert.deepEqual(runP3(fused), { status: 0, stderr: '' });
    // The check is real: declared with stream<u32>, the same import is refused by wasmtime.
    const stdout = readFileSync(join(here, 'wasi-cli-0.3.0.wit'), 'utf8');
    const wit = witDir(work, stdout.replace('stream<u8>', 'stream<u32>'));
    const other = build(work, 'other', { world: 'async-consumer-streams', wit });
    const otherFused = join(work, 'other.fused.wasm');
    tool(fuse, ['plug', '--plug', plug, other, '-o', otherFused]);
    const refused = runP3(otherFused);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /`write-via-stream` has the wrong type/);
    // wac from the same inputs: the same world and the same run.
    const theirs = join(work, 'wac.wasm');
    tool(wac, ['plug', '--plug', plug, consumer, '-o', theirs]);
    assert.equal(componentWit(theirs), componentWit(fused));
    assert.deepEqual(runP3(theirs), { status: 0, stderr: '' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

// jco 1.21's exit status for `path`, with the headers interface from headers.mjs.
async function runWithHeaders(path) {
  const map = { 'test:async-consumer/headers': join(here, 'headers.mjs') };
  const r = await runOnce(path, { runner: 'jco', jco: '1.21', map });
  return { status: r.status, stderr: r.stderr };
}

test('a resource type alias at the boundary stays an alias of its resource', async () => {
  const work = mkdtempSync(join(tmpdir(), 'async-alias-'));
  try {
    const plug = component('kv-memory');
    const consumer = build(work, 'consumer', { world: 'async-consumer-alias' });
    const fused = fuseChecked(work, consumer, 'fused-alias.txt');
    assert.match(readFileSync(join(here, 'fused-alias.txt'), 'utf8'), /trailers: type/);
    assert.deepEqual(await runWithHeaders(fused), { status: 0, stderr: '' });
    const wrong = build(work, 'wrong', { world: 'async-consumer-alias', expected: 'yeS' });
    const wrongFused = join(work, 'wrong.fused.wasm');
    tool(fuse, ['plug', '--plug', plug, wrong, '-o', wrongFused]);
    assert.equal((await runWithHeaders(wrongFused)).status, 1);
    const theirs = join(work, 'wac.wasm');
    tool(wac, ['plug', '--plug', plug, consumer, '-o', theirs]);
    assert.equal(componentWit(theirs), componentWit(fused));
    assert.deepEqual(await runWithHeaders(theirs), { status: 0, stderr: '' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
