// Our wit/deps/keyvalue-0.2.0-draft and -draft2 are type-identical to the upstream
// wasi:keyvalue@0.2.0-draft and @0.2.0-draft2 (../shared/wit-reference). Each is embedded into a dummy component whose world uses every
// interface; the component text (every type, every core function name), custom sections aside,
// must match exactly. The
// same comparison against draft2 must fail, which shows the check can fail.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentEmbed, componentNew, print } from '@bytecodealliance/jco';
import { root, shared } from './lib/project.mjs';

// The printed WIT of a dummy component importing store, atomics and batch and exporting watcher
// from the keyvalue package in `dir`, at `version`.
async function printedWit(dir, version) {
  const work = mkdtempSync(join(tmpdir(), 'wit-eq-'));
  try {
    mkdirSync(join(work, 'deps'));
    cpSync(dir, join(work, 'deps', 'keyvalue'), { recursive: true });
    const kv = (i) => `wasi:keyvalue/${i}@${version}`;
    writeFileSync(join(work, 'world.wit'), `package test:eq;
world uses {
  import ${kv('store')};
  import ${kv('atomics')};
  import ${kv('batch')};
  export ${kv('watcher')};
}
`);
    const dummy = await componentEmbed({ dummy: true, witPath: work, world: 'uses' });
    const wat = await print(await componentNew(dummy, []));
    // Everything but the custom sections, where the doc comments and producers live.
    return wat.split('\n').filter((l) => !l.trim().startsWith('(@')).join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const reference = join(shared, 'wit-reference');
const ours = join(root, 'wit', 'deps', 'keyvalue-0.2.0-draft');
const ours2 = join(root, 'wit', 'deps', 'keyvalue-0.2.0-draft2');

test('our wasi:keyvalue@0.2.0-draft prints the same WIT as upstream', async () => {
  assert.ok(existsSync(reference), `${reference} is missing (../shared beside the project)`);
  const mine = await printedWit(ours, '0.2.0-draft');
  const theirs = await printedWit(join(reference, '0.2.0-draft'), '0.2.0-draft');
  assert.match(mine, /"\[method\]bucket.list-keys"/);
  assert.equal(mine, theirs);
});

test('our wasi:keyvalue@0.2.0-draft2 prints the same WIT as upstream', async () => {
  const mine = await printedWit(ours2, '0.2.0-draft2');
  const theirs = await printedWit(join(reference, '0.2.0-draft2'), '0.2.0-draft2');
  assert.match(mine, /"\[static\]cas.new"/);
  assert.match(mine, /"swap"/);
  assert.equal(mine, theirs);
});

test('the comparison tells draft from draft2', async () => {
  const draft = await printedWit(join(reference, '0.2.0-draft'), '0.2.0-draft');
  const draft2 = (await printedWit(join(reference, '0.2.0-draft2'), '0.2.0-draft2'))
    .replaceAll('0.2.0-draft2', '0.2.0-draft');
  assert.notEqual(draft, draft2);
});
