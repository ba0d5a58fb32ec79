// Paths and helpers shared by the JavaScript tests. Run them with `make test` (or `make test-js`),
// which builds what they use first.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const build = resolve(root, process.env.BUILD ?? 'build');
export const components = join(build, 'wasm', 'components');
export const js = join(build, 'js');
export const shared = resolve(root, '..', 'shared');

export function component(name) {
  const path = join(components, `${name}.wasm`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`make\` first`);
  return path;
}

// Imports a transpiled component's JavaScript entry.
export async function importTranspiled(name) {
  const entry = join(js, name, `${name}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`make\` first`);
  return import(pathToFileURL(entry).href);
}

export const fuse = join(build, 'native', 'wasm-fuse');
export const fused = join(build, 'kv_demo.fused.wasm');

// Runs a command component with the project's runner (tools/run.mjs), in its own process.
export function runComponent(path, { env = {}, args = [] } = {}) {
  return spawnSync(process.execPath, [join(root, 'tools', 'run.mjs'), path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

// The pinned wasm-tools CLI (tools/install-deps.sh).
export const wasmTools = join(root, '.tools', 'bin', 'wasm-tools');
// wac, the reference composer (tools/install-deps.sh), for the differential tests.
export const wac = join(root, '.tools', 'bin', 'wac');

// Resolves with { code, out } once a spawned child exits, `out` its stdout and stderr together.
export function finished(child) {
  return new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

// Runs wasm-fuse; returns { status, stdout, stderr }. Whatever it writes (`-o OUT`) must pass
// `wasm-tools validate`: an invalid output throws.
export function runFuse(...args) {
  const r = spawnSync(fuse, args, { encoding: 'utf8', maxBuffer: 256 << 20, timeout: 120_000 });
  const out = args.indexOf('-o');
  if (r.status === 0 && out >= 0) {
    const v = spawnSync(wasmTools, ['validate', args[out + 1]],
      { encoding: 'utf8' });
    if (v.status !== 0) throw new Error(`wasm-fuse wrote an invalid ${args[out + 1]}: ${v.stderr || v.error}`);
  }
  return r;
}

export function jco(...args) {
  // By its own path: node_modules/.bin/jco may be the second, newer jco's (package.json).
  return execFileSync(process.execPath, [join(root, 'node_modules', '@bytecodealliance', 'jco', 'src', 'jco.js'), ...args],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
}
