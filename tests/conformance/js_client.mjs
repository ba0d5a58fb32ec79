// The conformance cases again, written independently in JavaScript: they drive a provider that
// jco transpiled (its `store`, `atomics` and `batch` exports at one contract version) directly,
// without our C++ import glue or the composer. Where this client and the C++ one
// (components/kv_conformance) disagree, one of them is wrong; tests/conformance.test.mjs runs
// both and compares.
//
//   node tests/conformance/js_client.mjs build/js/kv-memory/kv-memory.js [--prefix P]
//       [--contract draft|draft2]
//
// Same output as the C++ client: PASS/FAIL/SKIP lines, then `N passed, M failed, K skipped`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s) => enc.encode(s);
const text = (b) => (b === undefined ? 'none' : `\`${dec.decode(b)}\``);
const same = (a, b) => a !== undefined && b !== undefined && a.length === b.length &&
  a.every((x, i) => x === b[i]);

class Failure extends Error {}
class Skip extends Error {}
function expect(cond, why) {
  if (!cond) throw new Failure(why);
}
// The wasi:keyvalue error thrown for an `error` result, or a failure when the call succeeds.
function kvError(fn) {
  try {
    fn();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) throw e;
    expect(e.payload !== undefined, `not a wasi:keyvalue error: ${e}`);
    return e.payload;
  }
  throw new Failure('expected an error, the call succeeded');
}

function walk(kv, b, opts, between) {
  const seen = new Map();
  let cursor;
  let pages = 0;
  for (;;) {
    const page = b.listKeys(cursor);
    pages++;
    expect(page.keys.length <= opts.pageKeys, `a page held ${page.keys.length} keys`);
    for (const k of page.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    if (page.cursor === undefined) return seen;
    expect(page.keys.length > 0, 'an empty page with a cursor');
    expect(pages < 1e6, 'the walk does not end');
    cursor = page.cursor;
    if (between) between(pages);
  }
}

function roundTrip(kv, o, bucket, key, value) {
  const b = kv.store.open(o.prefix + bucket);
  b.set(key, value);
  const got = b.get(key);
  expect(same(got, value), `wrote ${value.length} bytes, read ${got === undefined ? 'none' : got.length + ' bytes'}`);
  expect(b.exists(key), 'exists says false after set');
  return b;
}

function keyCase(key) {
  return (kv, o, name) => {
    const b = roundTrip(kv, o, name, key, bytes(`value of ${name}`));
    const seen = walk(kv, b, o);
    expect(seen.size === 1 && seen.has(key), 'list-keys does not show the key');
  };
}

function walkOf(count) {
  return (kv, o, name) => {
    const n = count(o);
    const b = kv.store.open(o.prefix + name);
    for (let start = 0; start < n; start += 1000) {
      const pairs = [];
      for (let i = start; i < Math.min(n, start + 1000); i++) pairs.push([`key-${i}`, new Uint8Array()]);
      kv.batch.setMany(b, pairs);
    }
    const seen = walk(kv, b, o);
    expect(seen.size === n, `walked ${seen.size} keys of ${n}`);
    for (const [k, c] of seen) expect(c === 1, `key \`${k}\` seen ${c} times`);
  };
}

const MAX_U64 = 2n ** 64n - 1n;

// A cas on `k`, then `change` (through this version or draft), then a swap that must fail with a
// handle that sees the change and swaps on retry.
function swapAfter(change, initial = 'before') {
  return (kv, o, n) => {
    if (!kv.draft2) throw new Skip("compare-and-swap is draft2's");
    const b = kv.store.open(o.prefix + n);
    const other = kv.draft.store.open(o.prefix + n);
    if (initial !== undefined) b.set('k', bytes(initial));
    const cas = kv.atomics.Cas.new(b, 'k');
    change(b, other, kv);
    const after = b.get('k');
    let failed;
    try {
      kv.atomics.swap(cas, bytes('swapped'));
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      expect(e.payload?.tag === 'cas-failed', `expected cas-failed, got ${e.payload?.tag ?? e}`);
      failed = e.payload.val;
    }
    expect(failed !== undefined, 'the swap wrote over a change made since the cas');
    expect(text(b.get('k')) === text(after), `a failed swap changed the value to ${text(b.get('k'))}`);
    expect(text(failed.current()) === text(after),
      `the handle from cas-failed sees ${text(failed.current())}, the key holds ${text(after)}`);
    kv.atomics.swap(failed, bytes('retried'));
    expect(text(b.get('k')) === '`retried`', `after the retry the key reads ${text(b.get('k'))}`);
  };
}

export const cases = [
  ['store.open-default-bucket', (kv) => { kv.store.open('').exists('conformance-probe'); }],
  ['store.open-named-bucket', (kv, o, n) => { kv.store.open(o.prefix + n).set('k', bytes('v')); }],
  ['store.get-and-exists-of-missing-key', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    expect(b.get('missing') === undefined, 'a missing key has a value');
    expect(!b.exists('missing'), 'exists says true');
  }],
  ['store.delete-of-missing-key-is-ok', (kv, o, n) => { kv.store.open(o.prefix + n).delete('never-set'); }],
  ['store.empty-value-round-trip', (kv, o, n) => { roundTrip(kv, o, n, 'k', new Uint8Array()); }],
  ['store.binary-value-with-zero-bytes', (kv, o, n) => {
    roundTrip(kv, o, n, 'k', new Uint8Array([0, 1, 0, 255, 0, 0, 128]));
  }],
  ['store.one-mebibyte-value', (kv, o, n) => {
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 31 + 7) & 0xff);
    roundTrip(kv, o, n, 'big', big);
  }],
  ['store.overwrite', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    b.set('k', bytes('first'));
    b.set('k', bytes('second, longer'));
    b.set('k', bytes('3'));
    expect(text(b.get('k')) === '`3`', `read ${text(b.get('k'))}`);
  }],
  ['store.delete-then-get-and-exists', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    b.set('k', bytes('v'));
    b.delete('k');
    expect(b.get('k') === undefined, 'get after delete has a value');
    expect(!b.exists('k'), 'exists after delete');
  }],
  ['store.key-empty', keyCase('')],
  ['store.key-with-slash', keyCase('a/b/')],
  ['store.key-dot-dot', keyCase('../..')],
  ['store.key-with-colon', keyCase('a:b')],
  ['store.key-star', keyCase('*')],
  ['store.key-with-question-mark', keyCase('a?')],
  ['store.key-with-bracket', keyCase('[a-z]')],
  ['store.key-with-newline', keyCase('line\nbreak')],
  ['store.key-non-ascii', keyCase('ключ-鍵-🔑')],
  ['store.key-4-kib', keyCase('k'.repeat(4096))],
  ['buckets.same-name-shares-writes', (kv, o, n) => {
    const a = kv.store.open(o.prefix + n);
    const b = kv.store.open(o.prefix + n);
    a.set('k', bytes('from a'));
    expect(text(b.get('k')) === '`from a`', 'the second handle does not see the write');
    b.delete('k');
    expect(!a.exists('k'), 'the first handle still sees a deleted key');
  }],
  ['buckets.reopen-after-drop-keeps-data', (kv, o, n) => {
    const a = kv.store.open(o.prefix + n);
    a.set('k', bytes('kept'));
    a[Symbol.dispose]?.();
    expect(text(kv.store.open(o.prefix + n).get('k')) === '`kept`', 'data lost on reopen');
  }],
  ['buckets.names-are-isolated', (kv, o) => {
    const names = ['iso', 'iso-', 'iso-a', 'iso-ab', 'iso:', 'iso:a', 'iso*', 'iso/a', 'iso/..', 'iso?', 'iso['];
    for (const n of names) kv.store.open(o.prefix + n).set('same-key', bytes(n));
    for (const n of names) {
      const b = kv.store.open(o.prefix + n);
      expect(text(b.get('same-key')) === `\`${n}\``, `bucket \`${n}\` reads ${text(b.get('same-key'))}`);
      expect(walk(kv, b, o).size === 1, `bucket \`${n}\` lists other keys`);
    }
  }],
  ['list-keys.empty-bucket', (kv, o, n) => {
    const page = kv.store.open(o.prefix + n).listKeys(undefined);
    expect(page.keys.length === 0, 'an empty bucket listed keys');
    expect(page.cursor === undefined, 'an empty bucket returned a cursor');
  }],
  ['list-keys.walk-0-keys', walkOf(() => 0)],
  ['list-keys.walk-1-key', walkOf(() => 1)],
  ['list-keys.walk-page-minus-1-keys', walkOf((o) => o.pageKeys - 1)],
  ['list-keys.walk-page-keys', walkOf((o) => o.pageKeys)],
  ['list-keys.walk-page-plus-1-keys', walkOf((o) => o.pageKeys + 1)],
  ['list-keys.walk-10-pages', walkOf((o) => 10 * o.pageKeys)],
  ['list-keys.walk-while-keys-change', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    const count = 3 * o.pageKeys;
    for (let i = 0; i < count; i++) {
      b.set(`stable-${i}`, bytes('v'));
      b.set(`doomed-${i}`, bytes('v'));
    }
    let added = 0;
    const seen = walk(kv, b, o, (page) => {
      for (let i = 0; i < o.pageKeys / 2; i++) {
        b.delete(`doomed-${page * o.pageKeys + i}`);
        b.set(`added-${added++}`, bytes('v'));
      }
      b.set(`stable-${page}`, bytes('changed'));
    });
    for (let i = 0; i < count; i++) {
      expect(seen.get(`stable-${i}`) === 1, `stable key \`stable-${i}\` seen ${seen.get(`stable-${i}`) ?? 0} times`);
    }
  }],
  ['list-keys.invented-cursors', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    for (let i = 0; i < 10; i++) b.set(`k${i}`, bytes('v'));
    const invented = [0n, 7n, 123456789n, MAX_U64 - 1n, MAX_U64];
    const cursors = kv.draft2
      ? [...invented.map(String), '', 'abc', '-1', '01', '1e3', '99999999999999999999999', 'é',
        ' 7', '7 ', '9'.repeat(5000)]
      : invented;
    for (const c of cursors) {
      try {
        expect(b.listKeys(c).keys.length <= o.pageKeys, 'an oversize page');
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError || e instanceof Failure) throw e;
      }
    }
    expect(b.listKeys(undefined).keys.length === 10, 'the bucket lost keys');
  }],
  ['atomics.increment-missing-starts-at-0', (kv, o, n) => {
    expect(kv.atomics.increment(kv.store.open(o.prefix + n), 'n', 5n) === 5n, 'not 5');
  }],
  ['atomics.increment-repeated', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    let want = 0n;
    for (const d of [1n, 2n, 3n, 0n, 1000n]) {
      want += d;
      const got = kv.atomics.increment(b, 'n', d);
      expect(got === want, `expected ${want}, got ${got}`);
    }
  }],
  ['atomics.counter-reads-as-decimal', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    kv.atomics.increment(b, 'n', 1234567n);
    expect(text(b.get('n')) === '`1234567`', `reads back as ${text(b.get('n'))}`);
    b.set('m', bytes('41'));
    expect(kv.atomics.increment(b, 'm', 1n) === 42n, 'a decimal value set by hand did not count');
  }],
  ['atomics.increment-non-numeric-is-error', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    for (const bad of ['hello', '', '+1', '-0', '01', '1.5', ' 7', '7 ']) {
      b.set('n', bytes(bad));
      const err = kvError(() => kv.atomics.increment(b, 'n', 1n));
      expect(err.tag === 'other', `expected error::other, got ${err.tag}`);
      expect(text(b.get('n')) === `\`${bad}\``, `the value changed to ${text(b.get('n'))}`);
    }
  }],
  ['atomics.increment-overflow-is-error', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    b.set('n', bytes('18446744073709551615'));
    kvError(() => kv.atomics.increment(b, 'n', 1n));
    expect(text(b.get('n')) === '`18446744073709551615`', 'the value changed');
  }],
  ['atomics.error-message-is-utf8', (kv, o, n) => {
    // The message names the key, shortened: the shortening must not cut `é` (bytes 63-64).
    const b = kv.store.open(o.prefix + n);
    const key = `${'k'.repeat(63)}é${'k'.repeat(100)}`;
    b.set(key, bytes('not a number'));
    const err = kvError(() => kv.atomics.increment(b, key, 1n));
    expect(err.tag === 'other', `expected error::other, got ${err.tag}`);
    expect(!err.val.includes('\uFFFD'), `the message was not UTF-8: ${err.val}`);
  }],
  ['atomics.increment-negative-delta', (kv, o, n) => {
    if (!kv.draft2) throw new Skip("draft's increment takes a u64");
    const b = kv.store.open(o.prefix + n);
    expect(kv.atomics.increment(b, 'n', -5n) === -5n, 'a missing key incremented by -5 is not -5');
    expect(kv.atomics.increment(b, 'n', 3n) === -2n, '-5 + 3 is not -2');
    expect(text(b.get('n')) === '`-2`', `the counter reads back as ${text(b.get('n'))}`);
    b.set('m', bytes('-41'));
    expect(kv.atomics.increment(b, 'm', -1n) === -42n, '-41 - 1 is not -42');
  }],
  ['atomics.increment-signed-limits', (kv, o, n) => {
    if (!kv.draft2) throw new Skip("draft's increment takes a u64");
    const b = kv.store.open(o.prefix + n);
    for (const [stored, delta] of [['9223372036854775807', 1n], ['-9223372036854775808', -1n],
      ['9223372036854775808', 0n], ['18446744073709551615', -1n]]) {
      b.set('n', bytes(stored));
      const err = kvError(() => kv.atomics.increment(b, 'n', delta));
      expect(err.tag === 'other', `expected error::other, got ${err.tag}`);
      expect(text(b.get('n')) === `\`${stored}\``, `the value changed to ${text(b.get('n'))}`);
    }
    b.set('n', bytes('9223372036854775808'));
    expect(kv.atomics.increment(b, 'n', -1n) === 2n ** 63n - 1n, '2^63 - 1 is not 2^63-1');
    expect(kv.atomics.increment(b, 'fresh', -(2n ** 63n)) === -(2n ** 63n), 'not -2^63');
  }],
  ['versions.both-versions-share-data', (kv, o, n) => {
    const d1 = kv.draft.store.open(o.prefix + n);
    const d2 = kv.draft2Api.store.open(o.prefix + n);
    d1.set('from-draft', bytes('one'));
    d2.set('from-draft2', bytes('two'));
    expect(text(d2.get('from-draft')) === '`one`', `draft2 reads ${text(d2.get('from-draft'))}`);
    expect(text(d1.get('from-draft2')) === '`two`', `draft reads ${text(d1.get('from-draft2'))}`);
    d2.delete('from-draft');
    expect(!d1.exists('from-draft'), 'draft still sees a key draft2 deleted');
    const w1 = [...walk(kv, d1, o).keys()].sort().join();
    const w2 = [...walk(kv, d2, o).keys()].sort().join();
    expect(w1 === w2, `the two versions list different keys: ${w1} / ${w2}`);
  }],
  ['versions.both-versions-share-counters', (kv, o, n) => {
    const d1 = kv.draft.store.open(o.prefix + n);
    const d2 = kv.draft2Api.store.open(o.prefix + n);
    const inc1 = (d) => kv.draft.atomics.increment(d1, 'n', d);
    const inc2 = (d) => kv.draft2Api.atomics.increment(d2, 'n', d);
    expect(inc1(40n) === 40n && inc2(2n) === 42n, 'draft 40 then draft2 +2 is not 42');
    expect(inc2(-50n) === -8n, '42 - 50 is not -8');
    expect(inc1(10n) === 2n, '-8 + 10 through draft is not 2');
    inc2(-3n);
    kvError(() => inc1(0n));  // -1: no u64 can carry it
    expect(text(d1.get('n')) === '`-1`', `the counter reads ${text(d1.get('n'))}`);
  }],
  ['cas.swap-existing-key', (kv, o, n) => {
    if (!kv.draft2) throw new Skip("compare-and-swap is draft2's");
    const b = kv.store.open(o.prefix + n);
    b.set('k', bytes('old'));
    const cas = kv.atomics.Cas.new(b, 'k');
    expect(text(cas.current()) === '`old`', `current() gave ${text(cas.current())}`);
    expect(text(cas.current()) === '`old`', 'a second current() differs');
    kv.atomics.swap(cas, bytes('new'));
    expect(text(b.get('k')) === '`new`', `after the swap the key reads ${text(b.get('k'))}`);
  }],
  ['cas.swap-missing-key-creates-it', (kv, o, n) => {
    if (!kv.draft2) throw new Skip("compare-and-swap is draft2's");
    const b = kv.store.open(o.prefix + n);
    const cas = kv.atomics.Cas.new(b, 'k');
    expect(cas.current() === undefined, `current() of a missing key gave ${text(cas.current())}`);
    kv.atomics.swap(cas, bytes('created'));
    expect(text(b.get('k')) === '`created`', `after the swap the key reads ${text(b.get('k'))}`);
  }],
  ['cas.swap-after-many-unused-handles', (kv, o, n) => {
    if (!kv.draft2) throw new Skip("compare-and-swap is draft2's");
    const b = kv.store.open(o.prefix + n);
    for (let i = 0; i < 100; ++i) kv.atomics.Cas.new(b, 'unused')[Symbol.dispose]?.();
    for (let i = 0; i < 300; ++i) kv.atomics.swap(kv.atomics.Cas.new(b, 'k'), bytes(String(i)));
    const first = kv.atomics.Cas.new(b, 'k');
    const second = kv.atomics.Cas.new(b, 'k2');
    kv.atomics.swap(first, bytes('first'));
    kv.atomics.swap(second, bytes('second'));
    expect(text(b.get('k')) === '`first`', `after the swaps \`k\` reads ${text(b.get('k'))}`);
  }],
  ['cas.fails-after-a-set', swapAfter((b, other) => other.set('k', bytes('changed')))],
  ['cas.fails-after-a-set-of-the-same-value', swapAfter((b) => b.set('k', bytes('before')))],
  ['cas.fails-after-a-delete', swapAfter((b) => b.delete('k'))],
  ['cas.fails-after-an-increment', swapAfter((b, other, kv) => kv.atomics.increment(b, 'k', 1n), '41')],
  ['cas.fails-after-a-batch', swapAfter((b, other, kv) =>
    kv.draft.batch.setMany(other, [['k', bytes('from a batch')], ['j', bytes('x')]]))],
  ['cas.missing-key-fails-after-set-and-delete', swapAfter((b) => {
    b.set('k', bytes('briefly'));
    b.delete('k');
  }, undefined)],
  ['batch.get-many-positional', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    b.set('a', bytes('1'));
    b.set('b', bytes('2'));
    const got = kv.batch.getMany(b, ['b', 'missing', 'a', 'b', '']);
    expect(got.length === 5, `expected 5 results, got ${got.length}`);
    expect(got[0]?.[0] === 'b' && text(got[0][1]) === '`2`', 'position 0 wrong');
    expect(got[1] === undefined, 'a missing key gave a value');
    expect(got[2]?.[0] === 'a' && text(got[2][1]) === '`1`', 'position 2 wrong');
    expect(got[3] !== undefined && text(got[3][1]) === '`2`', 'a duplicate key was not answered');
    expect(got[4] === undefined, 'the missing empty key gave a value');
    expect(kv.batch.getMany(b, []).length === 0, 'an empty get-many returned results');
  }],
  ['batch.set-many-then-get', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    const pairs = [['x', bytes('1')], ['y', new Uint8Array()], ['', bytes('empty key')]];
    kv.batch.setMany(b, pairs);
    for (const [k, v] of pairs) expect(same(b.get(k), v), `\`${k}\` reads ${text(b.get(k))}`);
    kv.batch.setMany(b, []);
  }],
  ['batch.delete-many-with-missing-keys', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    b.set('x', bytes('1'));
    b.set('keep', bytes('1'));
    kv.batch.deleteMany(b, ['x', 'never-there', 'x']);
    expect(!b.exists('x'), 'a deleted key remains');
    expect(b.exists('keep'), 'a key not named was deleted');
    kv.batch.deleteMany(b, []);
  }],
  ['batch.batch-of-10000-keys', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    const keys = Array.from({ length: 10000 }, (_, i) => `k${i}`);
    try {
      kv.batch.setMany(b, keys.map((k) => [k, bytes(k)]));
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw e;
      b.set('after', bytes('ok'));  // failing cleanly is allowed; the bucket must still work
      return;
    }
    const got = kv.batch.getMany(b, keys);
    keys.forEach((k, i) => expect(got[i] !== undefined && text(got[i][1]) === `\`${k}\``, `key \`${k}\` reads wrong`));
    kv.batch.deleteMany(b, keys);
  }],
  ['limits.oversize-key', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    const err = kvError(() => b.set('k'.repeat(o.maxKeyBytes + 1), bytes('v')));
    expect(/limit/.test(err.val ?? ''), `the error names no limit: ${err.val}`);
    b.set('normal', bytes('still works'));
    expect(text(b.get('normal')) === '`still works`', 'the bucket is unusable after the error');
  }],
  ['limits.oversize-value', (kv, o, n) => {
    const b = kv.store.open(o.prefix + n);
    const err = kvError(() => b.set('big', new Uint8Array(o.maxValueBytes + 1)));
    expect(/limit/.test(err.val ?? ''), `the error names no limit: ${err.val}`);
    expect(!b.exists('big'), 'the refused value was stored');
    b.set('normal', bytes('still works'));
  }],
  ['persistence.data-survives-a-new-process', () => {
    throw new Skip('needs two processes; the C++ client runs it (--phase write, then --phase verify)');
  }],
];

// Runs every case against the transpiled provider at `entry`; a trap fails the case and the run
// goes on with a fresh instance. Returns [{ name, status, reason }].
// The interfaces of one version from a transpiled provider's exports.
function api(module, version) {
  const get = (i) => module[`wasi:keyvalue/${i}@${version}`];
  return { store: get('store'), atomics: get('atomics'), batch: get('batch') };
}

// What the cases receive: the run's version as `store`, `atomics` and `batch`, and both versions
// by name for the `versions` cases.
function contractOf(module, contract) {
  const draft = api(module, '0.2.0-draft');
  const draft2Api = api(module, '0.2.0-draft2');
  const draft2 = contract === 'draft2';
  return { ...(draft2 ? draft2Api : draft), draft, draft2Api, draft2 };
}

export async function runCases(entry, options = {}) {
  const o = { prefix: `js-conformance-${Date.now().toString(16)}/`, pageKeys: 1000,
    maxKeyBytes: 65536, maxValueBytes: 16 * 1024 * 1024, contract: 'draft', ...options };
  if (o.contract !== 'draft' && o.contract !== 'draft2') throw new Error(`unknown contract ${o.contract}`);
  const url = pathToFileURL(resolve(entry)).href;
  let instance = 0;
  let kv = contractOf(await import(`${url}?instance=${instance}`), o.contract);
  const results = [];
  for (const [name, fn] of cases) {
    try {
      await fn(kv, o, name.split('.')[1]);
      results.push({ name, status: 'PASS' });
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        results.push({ name, status: 'FAIL', reason: `TRAP (${e.message})` });
        kv = contractOf(await import(`${url}?instance=${++instance}`), o.contract);
      } else if (e instanceof Skip) {
        results.push({ name, status: 'SKIP', reason: e.message });
      } else if (e instanceof Failure) {
        results.push({ name, status: 'FAIL', reason: e.message });
      } else {
        results.push({ name, status: 'FAIL', reason: e.payload ? `${e.payload.tag} ${e.payload.val ?? ''}` : String(e) });
      }
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const entry = process.argv[2];
  const option = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? { [name.slice(2)]: process.argv[at + 1] } : {};
  };
  const results = await runCases(entry, { ...option('--prefix'), ...option('--contract') });
  const count = (s) => results.filter((r) => r.status === s).length;
  for (const r of results) console.log(`${r.status} ${r.name}${r.reason ? `: ${r.reason}` : ''}`);
  console.log(`${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`);
  process.exitCode = count('FAIL') === 0 ? 0 : 1;
}
