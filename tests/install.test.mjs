// `make install PREFIX=...` as another project uses it: into a temporary prefix, then the project
// in tests/install/ built against that prefix alone (find_package(WasiKeyValue)), and the installed
// wasm-fuse fusing the installed kv-memory into the demo, run on wasmtime.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { component, root, runComponent } from './lib/project.mjs';

const run = (cmd, args, options = {}) =>
  execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

test('make install gives a library, its headers and package, wasm-fuse and the providers', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'kv-install-'));
  try {
    run('make', ['install', `PREFIX=${prefix}`], { env: { ...process.env, MAKEFLAGS: '' } });
    const share = join(prefix, 'share', 'wasi-keyvalue-cpp');
    for (const path of [
      'bin/wasm-fuse',
      'include/kv/engine/store.h',
      'include/kv/backends/file.h',
      'include/kv/composer/plug.h',
      'lib/libkv_engine.a',
      'lib/libkv_composer.a',
      'lib/cmake/WasiKeyValue/WasiKeyValueConfig.cmake',
      'share/wasi-keyvalue-cpp/wit/deps/keyvalue-0.2.0-draft2/store.wit',
      ...['kv-memory', 'kv-file', 'kv-redis', 'kv-prefix'].map(
        (p) => `share/wasi-keyvalue-cpp/components/${p}.wasm`),
    ]) assert.ok(existsSync(join(prefix, path)), `${path} is not installed`);
    // Internal headers stay internal: what is installed is include/kv/ only.
    assert.deepEqual(readdirSync(join(prefix, 'include')), ['kv']);

    // Someone else's project, built against the prefix only.
    const build = join(prefix, 'check-build');
    run('cmake', ['-S', join(root, 'tests', 'install'), '-B', build, `-DCMAKE_PREFIX_PATH=${prefix}`]);
    run('cmake', ['--build', build, '-j', '2']);
    const dir = join(prefix, 'store');
    mkdirSync(dir);
    const lines = run(join(build, 'kv_install_check'), [dir]).split('\n');
    const headers = Number(/^headers: (\d+)$/.exec(lines[0])?.[1]);
    assert.ok(headers >= 20, `only ${lines[0]}`);
    assert.deepEqual(lines.slice(1, 5), [
      'memory: hello = world',
      'file, reopened: hello = disk',
      'allow-list: other is not found',
      'inspect kv-memory.wasm:',
    ]);
    assert.equal(lines[5], 'imports: none');
    assert.ok(lines.includes('  wasi:keyvalue/store@0.2.0-draft2 (instance)'), lines.join('\n'));

    // The installed tool fuses the installed provider into a consumer.
    const out = join(prefix, 'demo.wasm');
    run(join(prefix, 'bin', 'wasm-fuse'),
        ['plug', '--plug', join(share, 'components', 'kv-memory.wasm'), component('kv_demo'), '-o', out]);
    const demo = runComponent(out);
    assert.equal(demo.status, 0, demo.stderr);
    assert.equal(demo.stdout.split('\n')[1], 'get `hello` -> `wasi`');
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
