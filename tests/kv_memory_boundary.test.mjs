// kv-memory called straight from JavaScript through jco's bindings: inputs at and past every
// limit come back as wasi:keyvalue errors or clean results, never as a trap. jco turns an `error`
// result into a thrown ComponentError whose payload is the WIT error; a trap would be a
// WebAssembly.RuntimeError.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTranspiled } from './lib/project.mjs';

const kv = await importTranspiled('kv-memory');
const text = (s) => new TextEncoder().encode(s);
const str = (b) => new TextDecoder().decode(b);

// Calls `fn`, expecting a wasi:keyvalue error; returns it.
function kvError(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `trapped: ${e}`);
    assert.ok(e.payload, `expected a wasi:keyvalue error, got ${e}`);
    return e.payload;
  }
  assert.fail('expected an error');
}

test('an oversize key is an error naming the limit; the bucket stays usable', () => {
  const b = kv.store.open('boundary-key');
  const key = 'k'.repeat(64 * 1024 + 1);
  for (const call of [() => b.set(key, text('v')), () => b.get(key), () => b.exists(key),
    () => b.delete(key), () => kv.atomics.increment(b, key, 1n)]) {
    const err = kvError(call);
    assert.equal(err.tag, 'other');
    assert.match(err.val, /KV_MAX_KEY_BYTES = 65536/);
  }
  b.set('k'.repeat(64 * 1024), text('at the limit'));
  assert.equal(str(b.get('k'.repeat(64 * 1024))), 'at the limit');
});

test('an oversize value is an error naming the limit and stores nothing', () => {
  const b = kv.store.open('boundary-value');
  const err = kvError(() => b.set('big', new Uint8Array(16 * 1024 * 1024 + 1)));
  assert.equal(err.tag, 'other');
  assert.match(err.val, /KV_MAX_VALUE_BYTES/);
  assert.equal(b.exists('big'), false);
  b.set('big', new Uint8Array(1024 * 1024));
  assert.equal(b.get('big').length, 1024 * 1024);
});

test('increment of a non-numeric value is an error and leaves the value', () => {
  const b = kv.store.open('boundary-counter');
  b.set('word', text('hello'));
  const err = kvError(() => kv.atomics.increment(b, 'word', 1n));
  assert.equal(err.tag, 'other');
  assert.match(err.val, /not a decimal integer/);
  assert.equal(str(b.get('word')), 'hello');
});

test('increment overflow is an error and leaves the value', () => {
  const b = kv.store.open('boundary-overflow');
  assert.equal(kv.atomics.increment(b, 'n', 2n ** 64n - 1n), 2n ** 64n - 1n);
  const err = kvError(() => kv.atomics.increment(b, 'n', 1n));
  assert.match(err.val, /overflow/);
  assert.equal(str(b.get('n')), '18446744073709551615');
  assert.equal(kv.atomics.increment(b, 'n', 0n), 2n ** 64n - 1n);
});

test('invented cursors give clean pages', () => {
  const b = kv.store.open('boundary-cursor');
  for (let i = 0; i < 5; i++) b.set(`k${i}`, text('v'));
  for (const cursor of [0n, 3n, 99n, 2n ** 64n - 1n]) {
    const page = b.listKeys(cursor);
    assert.ok(Array.isArray(page.keys));
    assert.ok(page.keys.length <= 5);
  }
  const past = b.listKeys(2n ** 64n - 1n);
  assert.deepEqual(past.keys, []);
  assert.equal(past.cursor, undefined);
});

test('batches past the key-count limit fail cleanly; the empty batch is fine', () => {
  const b = kv.store.open('boundary-batch');
  const keys = Array.from({ length: 65537 }, (_, i) => `k${i}`);
  assert.match(kvError(() => kv.batch.getMany(b, keys)).val, /KV_MAX_BATCH_KEYS/);
  assert.match(kvError(() => kv.batch.deleteMany(b, keys)).val, /KV_MAX_BATCH_KEYS/);
  assert.deepEqual(kv.batch.getMany(b, []), []);
  kv.batch.setMany(b, []);
  kv.batch.deleteMany(b, []);
});

test('a full walk over 2,500 keys sees each key once, across bounded pages', () => {
  const b = kv.store.open('boundary-walk');
  const want = new Set();
  for (let i = 0; i < 2500; i++) {
    want.add(`key/${i}`);
    b.set(`key/${i}`, text(''));
  }
  const seen = [];
  let cursor;
  let pages = 0;
  do {
    const page = b.listKeys(cursor);
    assert.ok(page.keys.length <= 1000);
    seen.push(...page.keys);
    cursor = page.cursor;
    pages++;
  } while (cursor !== undefined);
  assert.equal(pages, 3);
  assert.equal(seen.length, want.size);
  assert.deepEqual(new Set(seen), want);
});

test('unusual bucket names and keys round-trip and stay isolated', () => {
  const names = ['', 'a', 'a:b', 'a*', '../x', 'ab'];
  for (const name of names) kv.store.open(name).set('same', text(`in ${name}`));
  for (const name of names) assert.equal(str(kv.store.open(name).get('same')), `in ${name}`);
  const b = kv.store.open('keys');
  for (const key of ['', '/', '..', 'a\nb', '日本', '*?[']) {
    b.set(key, text(key));
    assert.equal(str(b.get(key)), key);
  }
});
