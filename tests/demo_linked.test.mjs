// kv_demo against kv-memory, linked by jco (`jco transpile --map`): the whole output, line by line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTranspiled } from './lib/project.mjs';

test('kv_demo on kv-memory prints the whole demo and exits 0', () => {
  const r = runTranspiled('kv_demo');
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
