// Compare-and-swap under contention, on wasmtime and on jco: four processes each add one to the
// same counter 200 times by "read through a cas, swap in the sum, retry on cas-failed", while a
// fifth counts with draft's `increment` (the same counter, through the other contract version).
// The final count must be exact: every swap that succeeded saw the value it replaced.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareCommand, RUNNERS } from '../tools/command.mjs';
import { component, finished, runFuse } from './lib/project.mjs';

const PROCESSES = 4;
const TIMES = 200;

const providers = {
  'kv-file': { skip: false, env: (work) => ({ KV_FILE_DIR: join(work, 'store') }) },
  'kv-redis': {
    skip: process.env.KV_REDIS_URL ? false : 'needs KV_REDIS_URL (tools/with-redis.sh, as make test does)',
    env: () => ({ KV_REDIS_URL: process.env.KV_REDIS_URL }),
  },
};

for (const [provider, { skip, env: envOf }] of Object.entries(providers)) {
  for (const runner of RUNNERS) {
    test(`${provider} on ${runner}: ${PROCESSES} processes x ${TIMES} compare-and-swap increments and one process of draft increments count exactly`,
      { skip, timeout: 600_000 }, async () => {
        const work = mkdtempSync(join(tmpdir(), 'cas-race-'));
        const fused = join(work, 'conformance.wasm');
        const f = runFuse('plug', '--plug', component(provider), component('kv_conformance'), '-o', fused);
        assert.equal(f.status, 0, f.stderr);
        const command = await prepareCommand(fused, { runner });
        try {
          const env = envOf(work);
          const prefix = `cas-race-${runner}-${Date.now().toString(16)}/`;
          // All five count themselves in and wait for each other before their loops start.
          const barrier = ['--barrier', String(PROCESSES + 1)];
          const cas = ['--phase', 'cas-incrementer', '--times', String(TIMES), '--prefix', prefix, ...barrier];
          const plain = ['--phase', 'incrementer', '--times', String(TIMES), '--prefix', prefix, ...barrier];
          const runs = [];
          for (let i = 0; i < PROCESSES; i++) runs.push(finished(command.spawn(cas, { env })));
          runs.push(finished(command.spawn(plain, { env })));
          const results = await Promise.all(runs);
          let retries = 0;
          for (const r of results) {
            assert.equal(r.code, 0, r.out);
            const m = /DONE (\d+)(?: RETRIES (\d+))?/.exec(r.out);
            assert.ok(m, r.out);
            retries += Number(m[2] ?? 0);
          }
          // A last process, through draft2's s64 increment, reads the sum of all of them.
          const last = command.run(['--phase', 'incrementer', '--times', '1', '--contract', 'draft2',
            '--prefix', prefix], { env });
          assert.equal(last.status, 0, last.stdout + last.stderr);
          assert.equal(last.stdout.trim(), `DONE ${(PROCESSES + 1) * TIMES + 1}`);
          console.log(`# ${provider} on ${runner}: ${retries} cas-failed retries among ${PROCESSES * TIMES} swaps`);
          // The race was run: swaps did lose to each other (else the count proves nothing).
          assert.ok(retries > 0, 'no swap ever failed: the processes did not overlap');
        } finally {
          command.dispose();
          rmSync(work, { recursive: true, force: true });
        }
      });
  }
}
