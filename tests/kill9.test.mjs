// kv-file under kill -9: a writer (the conformance command in its `writer` phase, fused with
// kv-file, on wasmtime and on jco) is killed at random moments, again and again; then a reader in a new process
// checks that every write the writer acknowledged (printed `ACK n` after the set returned) is
// there, intact. Between writers the store must stay usable: a torn tail is discarded and a lock
// left by a killed writer is broken once stale.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareCommand, RUNNERS } from '../tools/command.mjs';
import { component, runFuse } from './lib/project.mjs';

const ROUNDS = 8;

function killAtRandom(child, acked) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let timer = null;
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        const m = /^ACK (\S+)$/.exec(line);
        if (m) acked.push(m[1]);
        else if (line.startsWith('ERROR')) reject(new Error(`writer: ${line}`));
      }
      // Kill at a random moment once the writer is writing.
      timer ??= setTimeout(() => child.kill('SIGKILL'), 200 + Math.random() * 1200);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`writer ended by itself: ${code}`));
    });
  });
}

for (const runner of RUNNERS) test(`on ${runner}: every acknowledged write survives kill -9 of the writer`, { timeout: 600_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'kill9-'));
  const fused = join(work, 'writer.wasm');
  const f = runFuse('plug', '--plug', component('kv-file'), component('kv_conformance'), '-o', fused);
  assert.equal(f.status, 0, f.stderr);
  const command = await prepareCommand(fused, { runner });
  const env = { KV_FILE_DIR: join(work, 'data'), KV_FILE_LOCK_STALE_SECONDS: '1' };
  try {
    const acked = [];
    // Every writer appends to the same bucket, after the one before was killed mid-write.
    for (let round = 0; round < ROUNDS; ++round) {
      const child = command.spawn(['--phase', 'writer', '--prefix', 'kill9/'], { env });
      await killAtRandom(child, acked);
    }
    assert.ok(acked.length > ROUNDS, `only ${acked.length} writes were acknowledged`);
    const have = new Set();
    const r = command.run(['--phase', 'reader', '--prefix', 'kill9/'], { env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const line of r.stdout.split('\n')) {
      assert.ok(!line.startsWith('BAD'), `damaged value: ${line}`);
      const m = /^HAVE (\S+)$/.exec(line);
      if (m) have.add(m[1]);
    }
    const lost = acked.filter((k) => !have.has(k));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.length} acknowledged writes were lost`);
    console.log(`# kill -9 on ${runner}: ${ROUNDS} writers killed, ${acked.length} acknowledged writes, all present;` +
      ` files: ${readdirSync(env.KV_FILE_DIR).join(' ')}`);
  } finally {
    command.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
