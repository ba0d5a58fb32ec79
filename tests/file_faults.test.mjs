// kv-file's faults through the fused demo, on wasmtime and on jco: a directory it may not write is
// a clear error, not a hang; a flipped bit in a log's header fails open and leaves the log as it
// was, instead of emptying the bucket.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUNNERS } from '../tools/command.mjs';
import { fused, runComponent } from './lib/project.mjs';

// An immutable directory (chattr +i) cannot be written even by root, which the tests run as.
function makeImmutable(dir) {
  const r = spawnSync('chattr', ['+i', dir], { encoding: 'utf8' });
  return r.status === 0 ? '' : `chattr +i is not available here: ${(r.stderr || r.error || '').toString().trim()}`;
}

for (const runner of RUNNERS) {
  test(`on ${runner}: a store directory that cannot be written is an error naming LOCK, at once`, async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'unwritable-'));
    const dir = join(work, 'data');
    mkdirSync(dir);
    const why = makeImmutable(dir);
    try {
      if (why) return t.skip(why);
      const started = Date.now();
      const r = runComponent(fused, { env: { KV_FILE_DIR: dir, KV_RUNNER: runner } });
      const ms = Date.now() - started;
      assert.equal(r.signal, null, `the demo did not return (killed after ${ms} ms)`);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^kv_demo: open of the default bucket failed: .*\`${dir}/LOCK\`: `));
      assert.match(r.stdout, /not permitted|permission denied/i);
      assert.ok(ms < 30_000, `it took ${ms} ms`);
    } finally {
      spawnSync('chattr', ['-i', dir]);
      rmSync(work, { recursive: true, force: true });
    }
  });

  test(`on ${runner}: one flipped bit in a log's header fails open and leaves the log untouched`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'header-bit-'));
    try {
      const env = { KV_FILE_DIR: dir, KV_RUNNER: runner };
      const first = runComponent(fused, { env });
      assert.equal(first.status, 0, first.stdout + first.stderr);
      const log = join(dir, 'b-.log');
      const bytes = readFileSync(log);
      bytes[14] ^= 0x10;  // the bucket name's length, little-endian at offset 12: plus 1 MiB
      writeFileSync(log, bytes);
      const second = runComponent(fused, { env });
      assert.equal(second.status, 1, second.stdout + second.stderr);
      assert.match(second.stdout, /the store file `[^`]*b-\.log` is damaged: .* \(at offset 0xc\)/);
      assert.ok(readFileSync(log).equals(bytes), 'the damaged log was changed');
      assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.torn-')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
