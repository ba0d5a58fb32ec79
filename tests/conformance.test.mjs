// The two conformance clients agree, and the harness survives traps.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { componentEmbed, componentNew } from '@bytecodealliance/jco';
import { component, js, root, runFuse } from './lib/project.mjs';
import { runCases } from './conformance/js_client.mjs';
import { RUNNERS } from '../tools/command.mjs';

function cppConformance(runner, provider, ...args) {
  const work = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const fused = join(work, 'fused.wasm');
    const f = runFuse('plug', '--plug', provider, component('kv_conformance'), '-o', fused);
    assert.equal(f.status, 0, f.stderr);
    return spawnSync(process.execPath, [join(root, 'tools', 'conformance.mjs'), fused, ...args],
      { encoding: 'utf8', timeout: 600_000, env: { ...process.env, KV_RUNNER: runner } });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const lineRe = /^(PASS|FAIL|SKIP) ([^:]+)(?:: (.*))?$/;

// Under draft the draft2 cases (signed counters, compare-and-swap) skip; under draft2 all run.
const expected = { draft: '45 passed, 0 failed, 12 skipped', draft2: '56 passed, 0 failed, 1 skipped' };

for (const contract of ['draft', 'draft2']) for (const runner of RUNNERS) test(`both clients run the same cases against kv-memory through ${contract}, and all pass in both (C++ on ${runner})`, async () => {
  const cpp = cppConformance(runner, component('kv-memory'), '--contract', contract);
  assert.equal(cpp.status, 0, cpp.stdout + cpp.stderr);
  const cppLines = cpp.stdout.trim().split('\n');
  assert.equal(cppLines.at(-1), expected[contract]);
  const cppResults = cppLines.slice(0, -1).map((l) => lineRe.exec(l)).map((m) => [m[2], m[1]]);

  const jsResults = (await runCases(join(js, 'kv-memory', 'kv-memory.js'), { contract }))
    .map((r) => [r.name, r.status]);
  assert.deepEqual(jsResults, cppResults);
});

for (const runner of RUNNERS) test(`on ${runner}: a provider that traps on every call fails each case as TRAP, and the run goes on`, async () => {
  // A dummy provider: every function body is `unreachable`.
  const wit = readFileSync(join(root, 'wit', 'components.wit'), 'utf8');
  const dummy = await componentNew(await componentEmbed({
    dummy: true, witPath: join(root, 'wit'), world: 'provider',
  }), []);
  assert.ok(wit.includes('world provider'));
  const work = mkdtempSync(join(tmpdir(), 'trap-'));
  try {
    const provider = join(work, 'trapping.wasm');
    writeFileSync(provider, dummy);
    const r = cppConformance(runner, provider, '--group', 'atomics', '--contract', 'draft2');
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.at(-1), '0 passed, 8 failed, 0 skipped');
    for (const l of lines.slice(0, -1)) assert.match(l, /^FAIL atomics\.[a-z0-9-]+: TRAP \(/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
