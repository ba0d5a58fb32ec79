// kv-file with several component processes on one directory, on wasmtime and on jco: each process either works
// correctly or gets a clear error, and increments from all of them count exactly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareCommand, RUNNERS } from '../tools/command.mjs';
import { component, finished, runFuse } from './lib/project.mjs';


for (const runner of RUNNERS) test(`on ${runner}: two processes incrementing one counter in one directory count exactly`, { timeout: 300_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'file-processes-'));
  const fused = join(work, 'conformance.wasm');
  const f = runFuse('plug', '--plug', component('kv-file'), component('kv_conformance'), '-o', fused);
  assert.equal(f.status, 0, f.stderr);
  const command = await prepareCommand(fused, { runner });
  try {
    const env = { KV_FILE_DIR: join(work, 'store') };
    const times = 300;
    const args = (n) => ['--phase', 'incrementer', '--times', String(n), '--prefix', 'race/'];
    const [a, b] = await Promise.all([finished(command.spawn(args(times), { env })),
      finished(command.spawn(args(times), { env }))]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    // A third process reads the log from the start: it must be whole and hold every increment.
    const last = command.run(args(1), { env });
    assert.equal(last.status, 0, last.stdout + last.stderr);
    assert.equal(last.stdout.trim(), `DONE ${2 * times + 1}`);
  } finally {
    command.dispose();
    rmSync(work, { recursive: true, force: true });
  }
});
