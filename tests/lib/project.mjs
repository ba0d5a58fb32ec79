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

// Runs a transpiled command component in its own node process.
export function runTranspiled(name, { env = {} } = {}) {
  return spawnSync(process.execPath, [join(root, 'tools', 'run-transpiled.mjs'), join(js, name, `${name}.js`)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

export function jco(...args) {
  return execFileSync(join(root, 'node_modules', '.bin', 'jco'), args, { encoding: 'utf8', maxBuffer: 256 << 20 });
}
