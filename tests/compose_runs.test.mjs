// Compositions of other composers' outputs and of our own, run: kv-prefix over kv-memory is
// composed by wasm-fuse, by wac and by `wasm-tools compose`; each result is fused again by wasm-fuse
// into the demo, and, as the reference, by wac from the same inputs. Every one must validate, have
// the world of the chain wasm-fuse makes in one step (--plug kv-prefix --plug kv-memory), and
// print what the demo fused directly with kv-memory prints, on wasmtime and on jco 1.21 (the
// release that runs a middleware right: tools/command.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runOnce } from '../tools/command.mjs';
import { component, fuse, wac } from './lib/project.mjs';
import { componentWit, validate, wasmTools } from './lib/wasm_tools.mjs';

function tool(path, args) {
  const r = spawnSync(path, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${path} ${args.join(' ')}: ${r.stderr}`);
}

// What the demo prints on each runtime.
async function outputs(path) {
  const out = {};
  for (const [runner, jco] of [['wasmtime', undefined], ['jco', '1.21']]) {
    const r = await runOnce(path, { runner, jco });
    assert.equal(r.status, 0, `${path} on ${runner}: ${r.stderr}`);
    out[runner] = r.stdout;
  }
  return out;
}

test('outputs of wasm-fuse, wac and wasm-tools compose fuse again and run alike', async () => {
  const work = mkdtempSync(join(tmpdir(), 'compose-runs-'));
  try {
    const memory = component('kv-memory');
    const prefix = component('kv-prefix');
    const demo = component('kv_demo');
    const direct = join(work, 'direct.wasm');
    tool(fuse, ['plug', '--plug', memory, demo, '-o', direct]);
    const want = await outputs(direct);
    assert.match(want.wasmtime, /get `hello` -> `wasi`/);
    assert.equal(want.jco, want.wasmtime);
    const chain = join(work, 'chain.wasm');
    tool(fuse, ['plug', '--plug', prefix, '--plug', memory, demo, '-o', chain]);
    const world = componentWit(chain);
    assert.deepEqual(await outputs(chain), want, 'the chain made in one step');

    const inner = {
      'wasm-fuse': [fuse, ['plug', '--plug', memory, prefix]],
      wac: [wac, ['plug', '--plug', memory, prefix]],
      'wasm-tools-compose': [wasmTools, ['compose', '-d', memory, prefix]],
    };
    for (const [composer, [bin, args]] of Object.entries(inner)) {
      const provider = join(work, `prefix-over-memory.${composer}.wasm`);
      tool(bin, [...args, '-o', provider]);
      assert.equal(validate(provider), '', `${composer}'s kv-prefix over kv-memory`);
      for (const [outer, outerBin] of [['wasm-fuse', fuse], ['wac', wac]]) {
        const app = join(work, `demo.${composer}.${outer}.wasm`);
        tool(outerBin, ['plug', '--plug', provider, demo, '-o', app]);
        assert.equal(validate(app), '', `${outer} over ${composer}`);
        assert.equal(componentWit(app), world, `${outer} over ${composer}: the chain's world`);
        assert.deepEqual(await outputs(app), want, `${outer} over ${composer}: the demo's output`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
