// make bench: measures everything side by side in one run, keeps the figures in
// build/bench/results.json and writes docs/benchmarks.md and docs/benchmarks.png from them
// (bench/report.mjs). Measured, never asserted. These machines are noisy: read the ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCommand, nodeBinary, wasmtimeArgs, wasmtimeBinary } from '../tools/command.mjs';
import { writeReport } from './report.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'build');
const components = join(build, 'wasm', 'components');
const fuse = join(build, 'native', 'wasm-fuse');
const wac = join(root, '.tools', 'bin', 'wac');
const wasmTools = join(root, '.tools', 'bin', 'wasm-tools');
const out = join(build, 'bench');
const OPS = Number(process.env.BENCH_OPS ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const log = (...a) => console.log(...a);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const msOf = (f) => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

function fused(provider, consumer) {
  const path = join(out, `${consumer}+${provider}.wasm`);
  execFileSync(fuse, ['plug', '--plug', join(components, `${provider}.wasm`), join(components, `${consumer}.wasm`), '-o', path], { stdio: 'ignore' });
  return path;
}

// kv_bench output: op, value_bytes, ops, ops_per_s, p50_us, p99_us.
function parseBench(text) {
  const rows = {};
  for (const line of text.trim().split('\n').slice(1)) {
    const [op, size, n, opsPerS, p50, p99] = line.split('\t');
    rows[`${op}/${size}`] = { op, size: Number(size), n: Number(n), opsPerS: Number(opsPerS), p50: Number(p50), p99: Number(p99) };
  }
  return rows;
}

// A kv_bench run on jco: transpiled once; run() returns its rows.
async function jcoBench(label, component, { map, multiMemory = true, node, env = {}, ops = OPS, sizes = '16,1024,65536' } = {}) {
  const cmd = await prepareCommand(component, { map, multiMemory, runner: 'jco' });
  return {
    run() {
      log(`== ${label}`);
      const r = cmd.run(['--ops', String(ops), '--sizes', sizes], { node, env });
      if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
      return parseBench(r.stdout);
    },
    dispose: () => cmd.dispose(),
  };
}

// A kv_bench run on wasmtime (the pinned CLI): `flags` go before the component, as -S keyvalue
// for wasmtime's own key-value; KV_* variables and KV_FILE_DIR as tools/command.mjs passes them.
function wasmtimeBench(label, component, { flags = [], env = {}, ops = OPS, sizes = '16,1024,65536', bucket } = {}) {
  return {
    run() {
      log(`== ${label}`);
      const args = ['--ops', String(ops), '--sizes', sizes, ...(bucket === undefined ? [] : ['--bucket', bucket])];
      const [run, ...rest] = wasmtimeArgs(component, env, args);
      const r = spawnSync(wasmtimeBinary, [run, ...flags, ...rest], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...env } });
      if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
      return parseBench(r.stdout);
    },
    dispose() {},
  };
}

async function once(bench) {
  try {
    return (await bench).run();
  } finally {
    (await bench).dispose();
  }
}

// Runs each of `benches` (name -> bench) ROUNDS times, taking turns, and keeps per row the median
// of each figure: on a noisy machine one run of each side can differ by a factor of two.
function alternate(benches) {
  const all = Object.fromEntries(Object.keys(benches).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; ++r) {
    for (const [k, bench] of Object.entries(benches)) all[k].push(bench.run());
  }
  const result = {};
  for (const [k, list] of Object.entries(all)) {
    result[k] = {};
    for (const key of Object.keys(list[0])) {
      const rows = list.map((rows) => rows[key]).filter(Boolean);
      result[k][key] = { ...rows[0], opsPerS: median(rows.map((x) => x.opsPerS)),
        p50: median(rows.map((x) => x.p50)), p99: median(rows.map((x) => x.p99)) };
    }
  }
  for (const bench of Object.values(benches)) bench.dispose();
  return result;
}

const wasmtimeVersion = execFileSync(wasmtimeBinary, ['--version']).toString().trim();
const results = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: execFileSync(nodeBinary, ['--version']).toString().trim(),
    system_node: process.version,
    jco: JSON.parse(readFileSync(join(root, 'node_modules/@bytecodealliance/jco/package.json'))).version,
    wasmtime: wasmtimeVersion,
    wac: execFileSync(wac, ['--version']).toString().trim(),
    sqlite: execFileSync('sh', ['-c', 'dpkg-query -W -f="\\${Version}" libsqlite3-0']).toString(),
    date: new Date().toISOString().slice(0, 10),
    ops: OPS, rounds: ROUNDS,
  },
};
const benchMemory = fused('kv-memory', 'kv_bench');
const benchFile = fused('kv-file', 'kv_bench');

// 1. wasmtime: the fused provider against wasmtime's own key-value (-S keyvalue, a host
//    implementation of wasi:keyvalue@0.2.0-draft, in memory). Its store has one bucket, named "".
results.wasmtime = alternate({
  fused: wasmtimeBench('wasmtime: fused kv-memory', benchMemory, { bucket: '' }),
  host: wasmtimeBench('wasmtime: its own key-value (-S keyvalue)', join(components, 'kv_bench.wasm'), { flags: ['-S', 'keyvalue'], bucket: '' }),
});

// 2. jco: the fused provider against a JavaScript Map, same consumer.
const jsMap = { 'wasi:keyvalue/*': join(root, 'bench', 'js_map_provider.mjs#*') };
results.jco = alternate({
  fused: await jcoBench('jco: fused kv-memory (Node 24, multi-memory)', benchMemory),
  map: await jcoBench('jco: JavaScript Map (Node 24)', join(components, 'kv_bench.wasm'), { map: jsMap }),
});
results.jcoNode20 = {
  fused: await once(jcoBench(`jco: fused kv-memory (system Node ${process.version}, no multi-memory)`, benchMemory,
    { multiMemory: false, node: process.execPath, sizes: '16,1024' })),
  map: await once(jcoBench(`jco: JavaScript Map (system Node ${process.version})`, join(components, 'kv_bench.wasm'),
    { map: jsMap, multiMemory: false, node: process.execPath, sizes: '16,1024' })),
};

// 3. The file store through the component boundary, both sync policies, on both runtimes.
results.file = {};
for (const sync of ['always', 'never']) {
  const env = (runner) => ({ KV_FILE_DIR: join(out, `data-${runner}-${sync}`), KV_FILE_SYNC: sync });
  const ops = sync === 'always' ? 1000 : 5000;
  results.file[`wasmtime_${sync}`] = await once(wasmtimeBench(`wasmtime: fused kv-file (KV_FILE_SYNC=${sync})`, benchFile,
    { env: env('wasmtime'), ops, sizes: '16,1024' }));
  results.file[`jco_${sync}`] = await once(jcoBench(`jco: fused kv-file (KV_FILE_SYNC=${sync})`, benchFile,
    { env: env('jco'), ops, sizes: '16,1024' }));
}

// 4. Natively: the engine's backends, SQLite, the RESP parser (Google Benchmark). Each benchmark
//    three times, in random order among the others; the median of each is kept.
log('== native: engine, SQLite, RESP parser');
const native = JSON.parse(execFileSync(join(build, 'native', 'native_bench'), ['--benchmark_format=json',
  '--benchmark_repetitions=3', '--benchmark_report_aggregates_only=true', '--benchmark_enable_random_interleaving=true'],
  { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env } }).toString());
results.native = Object.fromEntries(native.benchmarks.filter((b) => b.aggregate_name === 'median')
  .map((b) => [b.run_name.replace(/\/min_time:[\d.]+|\/real_time/g, ''),
    b.items_per_second ?? (b.time_unit === 'ms' ? b.real_time : b.real_time / 1e6)]));

// 5. The file store at one million keys.
log('== file store open, one million keys');
const openText = execFileSync(join(build, 'native', 'file_store_open_bench'), [join(out, 'open-1m'), '1000000']).toString();
results.open = { seconds: Number(/keys, ([\d.]+) s/.exec(openText)[1]), bytesPerKey: Number(/([\d.]+) beyond the key/.exec(openText)[1]) };

// 6. The runner: start-up of the fused demo (a new process, instantiation, the demo) on each.
log('== start-up of the fused demo');
const demo = fused('kv-memory', 'kv_demo');
const startup = {};
{
  const times = (n, f) => median(Array.from({ length: n }, () => msOf(f)));
  // A first run on jco: `node tools/run.mjs`, a new process that transpiles the component and
  // runs it, as a user starts it.
  startup.jcoFirst = times(3, () => execFileSync(process.execPath, [join(root, 'tools', 'run.mjs'), demo],
    { stdio: 'ignore', env: { ...process.env, KV_RUNNER: 'jco' } }));
  const jcoCmd = await prepareCommand(demo, { runner: 'jco' });
  startup.jcoCached = times(7, () => jcoCmd.run([]));
  jcoCmd.dispose();
  const wasmtimeRun = (flags) => () => execFileSync(wasmtimeBinary, ['run', ...flags, demo], { stdio: 'ignore' });
  startup.wasmtimeFirst = times(5, wasmtimeRun(['-C', 'cache=n']));
  wasmtimeRun(['-C', 'cache=y'])();  // fills the cache
  startup.wasmtimeCached = times(7, wasmtimeRun(['-C', 'cache=y']));
}
results.startup = startup;

// 7. The composer: wasm-fuse plug against wac plug on the same inputs (time with the process,
//    output size, both outputs validated by wasm-tools).
log('== wasm-fuse plug and wac plug');
results.composer = [];
for (const [provider, consumer] of [['kv-memory', 'kv_demo'], ['kv-file', 'kv_demo'], ['kv-redis', 'kv_bench']]) {
  const inputs = [join(components, `${provider}.wasm`), join(components, `${consumer}.wasm`)];
  const ours = join(out, `compose-${provider}-${consumer}.wasm-fuse.wasm`);
  const theirs = join(out, `compose-${provider}-${consumer}.wac.wasm`);
  const fuseMs = median(Array.from({ length: 15 }, () => msOf(() =>
    execFileSync(fuse, ['plug', '--plug', inputs[0], inputs[1], '-o', ours], { stdio: 'ignore' }))));
  const wacMs = median(Array.from({ length: 15 }, () => msOf(() =>
    execFileSync(wac, ['plug', '--plug', inputs[0], inputs[1], '-o', theirs], { stdio: 'ignore' }))));
  const valid = (p) => spawnSync(wasmTools, ['validate', p]).status === 0;
  results.composer.push({ provider, consumer, fuseMs, wacMs, fuseBytes: statSync(ours).size, wacBytes: statSync(theirs).size,
    fuseValid: valid(ours), wacValid: valid(theirs) });
}

// 8. Sizes.
results.sizes = Object.fromEntries(['kv-memory', 'kv-file', 'kv-redis', 'kv_demo'].map((c) => [c, statSync(join(components, `${c}.wasm`)).size]));
results.sizes.demoFused = statSync(demo).size;

// 9. kv-redis against redis-benchmark on the same server, one connection (make bench runs this
//    file under tools/with-redis.sh, which sets KV_REDIS_PORT).
if (process.env.KV_REDIS_PORT) {
  log('== kv-redis and redis-benchmark');
  const port = process.env.KV_REDIS_PORT;
  const benchRedis = fused('kv-redis', 'kv_bench');
  const env = { KV_REDIS_URL: `redis://127.0.0.1:${port}` };
  const rb = (pipeline, ...command) => {
    // -r: fields drawn from 100,000, as kv_bench and native_bench spread their keys, so that the
    // server's hash grows alike on both sides.
    const r = spawnSync('redis-benchmark', ['-p', port, '-c', '1', '-n', '20000', '-r', '100000', '-P', String(pipeline), '-q', ...command],
      { encoding: 'utf8', timeout: 300_000 });
    const m = /([\d.]+) requests per second/.exec(r.stdout);
    if (r.status !== 0 || !m) console.error(`redis-benchmark ${command[0]} failed: ${r.stderr || r.stdout}`);
    return m ? Number(m[1]) : undefined;
  };
  // The commands of kv-redis's set script (src/backends/redis_backend.cc: the value, then its
  // version stamp from the bucket's clock) as one script of the same shape, for redis-benchmark
  // to run by EVALSHA: what a set costs the server, beside a plain HSET.
  const setScript = "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) " +
    "redis.call('HSET', KEYS[2], ARGV[1], redis.call('HINCRBY', KEYS[3], 'now', 1)) return 1";
  const setSha = execFileSync('redis-cli', ['-p', port, 'SCRIPT', 'LOAD', setScript]).toString().trim();
  // Taking turns, as the other tables: kv-redis on wasmtime, then redis-benchmark, ROUNDS times.
  const rounds = [];
  for (let r = 0; r < ROUNDS; ++r) {
    rounds.push({
      wasmtime: wasmtimeBench('wasmtime: fused kv-redis', benchRedis, { env, ops: 5000, sizes: '16' }).run(),
      hset1: rb(1, 'HSET', 'bench-hash', 'key:__rand_int__', 'vvvvvvvvvvvvvvvv'),
      hget1: rb(1, 'HGET', 'bench-hash', 'key:__rand_int__'),
      hset100: rb(100, 'HSET', 'bench-hash', 'key:__rand_int__', 'vvvvvvvvvvvvvvvv'),
      evalsha1: rb(1, 'EVALSHA', setSha, '3', 'bench-hash', 'bench-versions', 'bench-clock', 'key:__rand_int__', 'vvvvvvvvvvvvvvvv'),
    });
  }
  const figure = (k, f) => median(rounds.map((r) => r.wasmtime[k]?.[f]).filter((x) => x !== undefined));
  results.redis = {
    wasmtime: Object.fromEntries(Object.keys(rounds[0].wasmtime).map((k) => [k,
      { ...rounds[0].wasmtime[k], opsPerS: figure(k, 'opsPerS'), p50: figure(k, 'p50'), p99: figure(k, 'p99') }])),
    jco: await once(jcoBench('jco: fused kv-redis', benchRedis, { env, ops: 2000, sizes: '16' })),
    hset1: median(rounds.map((r) => r.hset1).filter(Boolean)),
    hget1: median(rounds.map((r) => r.hget1).filter(Boolean)),
    hset100: median(rounds.map((r) => r.hset100).filter(Boolean)),
    evalsha1: median(rounds.map((r) => r.evalsha1).filter(Boolean)),
    shimCallUs: Number(execFileSync(nodeBinary, [join(root, 'bench', 'shim_call.mjs')]).toString()),
  };
}

writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 1));
writeReport(results, { root, out });
log('wrote build/bench/results.json, docs/benchmarks.md and docs/benchmarks.png');
