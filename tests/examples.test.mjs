// The examples/ consumers, built by other people's toolchains (componentize-js, componentize-py,
// wit-bindgen's C generator), each fused by wasm-fuse with each of our providers and run on
// wasmtime and on jco: 3 x 3 x 2 runs, printed as a table. Each consumer checks every answer it
// gets and exits non-zero on a wrong one; a provider made to refuse its first write shows that
// a failure does fail the run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { prepareCommand, RUNNERS } from '../tools/command.mjs';
import { build, component, runFuse } from './lib/project.mjs';

const consumers = ['javascript', 'python', 'c'];
const providers = ['kv-memory', 'kv-file', 'kv-redis'];
const redis = process.env.KV_REDIS_URL;

function example(name) {
  const path = join(build, 'examples', `${name}.wasm`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`make examples\``);
  return path;
}

const work = mkdtempSync(join(tmpdir(), 'examples-'));
const results = new Map();  // "consumer provider runner" -> PASS | FAIL
after(() => {
  rmSync(work, { recursive: true, force: true });
  const rows = [`| consumer | provider | ${RUNNERS.join(' | ')} |`, `|---|---|${RUNNERS.map(() => '---|').join('')}`];
  for (const c of consumers) {
    for (const p of providers) {
      rows.push(`| ${c} | ${p} | ${RUNNERS.map((r) => results.get(`${c} ${p} ${r}`) ?? 'not run').join(' | ')} |`);
    }
  }
  console.log(`# the examples matrix:\n${rows.map((r) => `# ${r}`).join('\n')}`);
});

function fusedWith(consumer, provider) {
  const out = join(work, `${consumer}-${provider}.wasm`);
  if (!existsSync(out)) {
    const f = runFuse('plug', '--plug', component(provider), example(consumer), '-o', out);
    assert.equal(f.status, 0, f.stderr);
  }
  return out;
}

function envFor(provider, name) {
  if (provider === 'kv-file') return { KV_FILE_DIR: join(work, `data-${name}`) };
  if (provider === 'kv-redis') return { KV_REDIS_URL: redis };
  return {};
}

for (const consumer of consumers) {
  for (const provider of providers) {
    for (const runner of RUNNERS) {
      const skip = provider === 'kv-redis' && !redis ? 'needs KV_REDIS_URL (tools/with-redis.sh, as make test does)' : false;
      test(`${consumer} consumer with ${provider} on ${runner}`, { skip, timeout: 300_000 }, async () => {
        results.set(`${consumer} ${provider} ${runner}`, 'FAIL');
        const command = await prepareCommand(fusedWith(consumer, provider), { runner });
        try {
          // Twice: a persistent provider still holds the first run's data, which must not matter.
          for (const round of [1, 2]) {
            const r = command.run([], { env: envFor(provider, `${consumer}-${runner}`) });
            assert.equal(r.status, 0, `round ${round}:\n${r.stdout}${r.stderr}`);
            assert.match(r.stdout, new RegExp(`^${consumer} consumer: all checks passed$`, 'm'));
            assert.doesNotMatch(r.stdout, /FAILED/);
          }
        } finally {
          command.dispose();
        }
        results.set(`${consumer} ${provider} ${runner}`, 'PASS');
      });
    }
  }
}

for (const consumer of consumers) {
  for (const runner of RUNNERS) {
    test(`${consumer} consumer on ${runner}: a provider that refuses its first write fails the run`, { timeout: 300_000 }, async () => {
      const command = await prepareCommand(fusedWith(consumer, 'kv-file'), { runner });
      try {
        // Every value the consumer sets is longer than 4 bytes.
        const r = command.run([], { env: { ...envFor('kv-file', `refuse-${consumer}-${runner}`), KV_MAX_VALUE_BYTES: '4' } });
        assert.notEqual(r.status, 0, r.stdout);
        assert.match(r.stdout, new RegExp(`^${consumer} consumer: FAILED: .*KV_MAX_VALUE_BYTES`, 'm'));
        assert.doesNotMatch(r.stdout, /all checks passed/);
      } finally {
        command.dispose();
      }
    });
  }
}
