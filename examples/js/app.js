// A key-value consumer written in JavaScript and built by componentize-js, against
// wasi:keyvalue@0.2.0-draft2 (examples/README.md). It uses the store, atomics (a counter and a
// compare-and-swap) and batch, checks every answer, and fails the run on a wrong one.
import { open } from 'wasi:keyvalue/store@0.2.0-draft2';
import { Cas, increment, swap } from 'wasi:keyvalue/atomics@0.2.0-draft2';
import { deleteMany, getMany, setMany } from 'wasi:keyvalue/batch@0.2.0-draft2';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text) => encoder.encode(text);
const text = (value) => (value === undefined ? 'none' : decoder.decode(value));

function check(what, got, want) {
  if (got !== want) throw new Error(`${what}: got ${got}, expected ${want}`);
  console.log(`${what} -> ${got}`);
}

function main() {
  const bucket = open('examples-js');
  deleteMany(bucket, ['greeting', 'counter', 'fruit/a', 'fruit/b']);

  bucket.set('greeting', bytes('hello from JavaScript'));
  check('get greeting', text(bucket.get('greeting')), 'hello from JavaScript');
  check('get absent', text(bucket.get('absent')), 'none');

  check('increment counter by 5', increment(bucket, 'counter', 5n), 5n);
  // Positive deltas only: componentize-js (0.17.0, and 0.23.0 too) aborts the component when an
  // s64 argument is a negative BigInt ("Internal bindgen error in coreabi_from_bigint64
  // validation"), before the call reaches the provider (README, "Use it from your language").
  check('increment counter by 2', increment(bucket, 'counter', 2n), 7n);
  check('get counter', text(bucket.get('counter')), '7');

  // Compare-and-swap: a write by someone else in between makes the swap fail; the handle that
  // comes back sees the new value, and the retry succeeds.
  const cas = Cas.new(bucket, 'greeting');
  bucket.set('greeting', bytes('changed meanwhile'));
  let retry;
  try {
    swap(cas, bytes('lost'));
  } catch (e) {
    if (e.payload?.tag !== 'cas-failed') throw e;
    retry = e.payload.val;
  }
  check('swap after a change', retry === undefined ? 'written' : 'cas-failed', 'cas-failed');
  check('the returned handle sees', text(retry.current()), 'changed meanwhile');
  swap(retry, bytes('swapped'));
  check('get greeting after the retry', text(bucket.get('greeting')), 'swapped');

  setMany(bucket, [['fruit/a', bytes('apple')], ['fruit/b', bytes('banana')]]);
  const got = getMany(bucket, ['fruit/a', 'fruit/missing', 'fruit/b']);
  check('get-many', got.map((item) => (item ? `${item[0]}=${text(item[1])}` : 'none')).join(' '),
    'fruit/a=apple none fruit/b=banana');
  deleteMany(bucket, ['fruit/a', 'fruit/b']);
  check('exists fruit/a after delete-many', bucket.exists('fruit/a'), false);
  console.log('javascript consumer: all checks passed');
}

export const run = {
  run() {
    try {
      main();
    } catch (e) {
      console.log(`javascript consumer: FAILED: ${e.payload ? JSON.stringify(e.payload) : e.message}`);
      throw e;  // an error result: the command exits non-zero
    }
  },
};
