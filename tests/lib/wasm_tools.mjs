// wasm-tools (the pinned CLI in .tools/bin, tools/install-deps.sh) as an independent check of the
// components the build and wasm-fuse write: its validator, and its reading of their imports and
// exports (`component wit`), to compare with what our own reader (`wasm-fuse inspect`) says.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fuse, wasmTools } from './project.mjs';

export { wasmTools };

function tool(...args) {
  if (!existsSync(wasmTools)) throw new Error(`${wasmTools} is missing: run \`make deps\``);
  return spawnSync(wasmTools, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
}

// `wasm-tools validate` with its default features; returns '' when valid, else its message.
export function validate(path) {
  const r = tool('validate', path);
  return r.status === 0 ? '' : (r.stderr || `exit ${r.status}`).trim();
}

// The world of a component as `wasm-tools component wit` prints it.
export function componentWit(path) {
  const r = tool('component', 'wit', path);
  if (r.status !== 0 || !r.stdout.includes('world')) {
    throw new Error(`wasm-tools component wit ${path}: ${r.stderr || 'no world printed'}`);
  }
  return r.stdout;
}

// Each import and export of a component as `name: member member ...` (the types and functions of
// an instance, sorted), as wasm-tools reads them from the root world of `component wit --json`.
export function surfaceByWasmTools(path) {
  const r = tool('component', 'wit', '--json', path);
  if (r.status !== 0) throw new Error(`wasm-tools component wit ${path}: ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  const world = doc.worlds.at(-1);
  const describe = (items) => Object.entries(items).map(([key, item]) => {
    if (!item.interface) return `${key}:`;
    const iface = doc.interfaces[item.interface.id];
    if (iface.name === null) throw new Error(`${path}: an anonymous interface at \`${key}\``);
    const pkg = doc.packages[iface.package].name;
    const at = pkg.indexOf('@');
    const name = at < 0 ? `${pkg}/${iface.name}` : `${pkg.slice(0, at)}/${iface.name}${pkg.slice(at)}`;
    const members = [...Object.keys(iface.types), ...Object.keys(iface.functions)].sort();
    return `${name}: ${members.join(' ')}`;
  }).sort();
  return { imports: describe(world.imports), exports: describe(world.exports) };
}

// The same, as `wasm-fuse inspect --json` reads it.
export function surfaceByInspect(path) {
  const out = execFileSync(fuse, ['inspect', '--json', path], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const doc = JSON.parse(out);
  const describe = (items) => items.map((item) => {
    if (item.kind !== 'instance') return `${item.name}:`;
    return `${item.name}: ${item.exports.map((e) => e.name).sort().join(' ')}`;
  }).sort();
  return { imports: describe(doc.imports), exports: describe(doc.exports) };
}
