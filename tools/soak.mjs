// The file store under kill -9, at length (`make soak`; not part of `make test`).
//
//   node tools/soak.mjs [--trials N] [--seed S] [--build DIR]
//
// Each trial starts one or two writers on one store directory: the conformance command fused with
// kv-file, run by wasmtime (`--phase soak-writer`), or the native kv_soak program on the engine.
// Both run the same operation mix (components/kv_conformance/soak.h): set, delete, set-many,
// delete-many and increment, values from empty to 1 MiB, over a small key space per writer slot
// (`a/...`, `b/...`) and one counter that every writer increments. A writer prints `TRY <op>`
// before each operation and `ACK <op>` once it returned ok. Each writer is killed with SIGKILL at a
// random moment 50 ms to 1.5 s after its first ACK; then a verifier (native, or the fused
// component's `soak-reader` phase) opens the store and reports every key and the counter, which
// this script checks against its model: each writer's keys are exactly as its acknowledged
// operations left them, or as its in-flight operation (a TRY without an ACK) would then leave them
// (a batch all or nothing), and the counter holds the acknowledged increments plus any in-flight
// ones. `lost` counts the keys (and the counter) found in neither state; an open that fails is a
// corrupted open; damaged values, batches applied in part, read errors and list-keys walks that
// do not return exactly the keys present are counted apart. The store directory is kept across
// the trials of a series (logs grow, compact and survive many kills); a new series starts in a
// fresh directory, and so does the series after a trial that failed.
//
// Logs go to <build>/soak/series-<k>/; the figures to stdout and <build>/soak/report.txt. A trial
// that fails keeps its directory and logs in /tmp/soak-findings/. The exit status is 1 if anything
// acknowledged was lost or any open, read or value was damaged.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareCommand } from './command.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = parseArgs(process.argv.slice(2));
const TRIALS = Number(args.trials ?? 200);
const RUN_SEED = Number(args.seed ?? Date.now() % 1_000_000);
const BUILD = resolve(root, args.build ?? 'build');
const OUT = join(BUILD, 'soak');
const FINDINGS = '/tmp/soak-findings';
const NATIVE = join(BUILD, 'native', 'kv_soak');
const PREFIX = 'soak/';
const KEYS_PER_SLOT = 16; // soak.h
const KEYS_LOG = `b-${Buffer.from(`${PREFIX}keys`).toString('hex')}.log`;
const ENV = { KV_FILE_LOCK_STALE_SECONDS: '1', KV_FILE_COMPACT_MIN_BYTES: String(256 << 10) };
const KILL_AFTER_MS = [50, 1500];
const NO_PROGRESS_MS = 30_000; // a writer with no ACK by then is killed and counted as stalled
// What a trial runs, with weights: one writer, or two at once on the same directory.
const PLANS = [
  { writers: ['component'], weight: 3 },
  { writers: ['native'], weight: 3 },
  { writers: ['component', 'component'], weight: 2 },
  { writers: ['native', 'native'], weight: 2 },
  { writers: ['native', 'component'], weight: 2 },
];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const m = /^--(trials|seed|build)$/.exec(argv[i]);
    if (!m || argv[i + 1] === undefined) throw new Error(`usage: soak.mjs [--trials N] [--seed S] [--build DIR]`);
    out[m[1]] = argv[i + 1];
  }
  return out;
}

// mulberry32: the trial plan is reproducible from --seed (the kill moments are not).
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(RUN_SEED);
const pickPlan = () => {
  let r = rand() * PLANS.reduce((s, p) => s + p.weight, 0);
  return PLANS.find((p) => (r -= p.weight) < 0) ?? PLANS[0];
};

// ---- processes ----

function fuseWriter() {
  const out = join(OUT, 'kv-file-soak.wasm');
  const comps = join(BUILD, 'wasm', 'components');
  const r = spawnSync(join(BUILD, 'native', 'wasm-fuse'),
    ['plug', '--plug', join(comps, 'kv-file.wasm'), join(comps, 'kv_conformance.wasm'), '-o', out],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wasm-fuse failed: ${r.stderr}`);
  return out;
}

// Starts a writer (`write`, then its options) or the verifier (`verify`), of either kind.
function start(kind, [mode, ...options], dir) {
  const env = { ...process.env, ...ENV, KV_FILE_DIR: dir };
  if (kind === 'component') {
    const phase = mode === 'write' ? 'soak-writer' : 'soak-reader';
    return component.spawn(['--phase', phase, '--prefix', PREFIX, ...options], { env });
  }
  return spawn(NATIVE, [mode, ...options, '--dir', dir, '--prefix', PREFIX], { env });
}

// Runs a writer until killed: SIGKILL at a random moment after its first ACK. Resolves with its
// complete output lines (everything it wrote before the kill is still read from the pipe).
function runWriter(kind, slot, seed, dir) {
  const child = start(kind, ['write', '--slot', slot, '--seed', String(seed)], dir);
  return new Promise((done) => {
    let out = '', err = '', killTimer = null, firstAckAt = null;
    const started = Date.now();
    const kill = () => child.kill('SIGKILL');
    const stall = setTimeout(kill, NO_PROGRESS_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (firstAckAt === null && /^ACK /m.test(out)) {
        firstAckAt = Date.now() - started;
        clearTimeout(stall);
        const [lo, hi] = KILL_AFTER_MS;
        killTimer = setTimeout(kill, lo + rand() * (hi - lo));
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('close', (code, signal) => {
      clearTimeout(stall);
      clearTimeout(killTimer);
      done({ kind, slot, seed, code, signal, stderr: err, firstAckAt, raw: out,
        lines: out.split('\n').slice(0, -1) }); // a last line without its newline never finished
    });
  });
}

function runVerifier(kind, dir) {
  const child = start(kind, ['verify'], dir);
  return new Promise((done) => {
    let out = '', err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ kind, code, signal, raw: out, stderr: err, lines: out.split('\n').slice(0, -1) });
    });
  });
}

// ---- the model ----

// An operation as the writers describe it (soak.h): `<seed>.<n> <kind> <args...>`.
function parseOp(text) {
  const [version, kind, ...rest] = text.split(' ');
  const op = { version, kind, items: [], delta: 0 };
  if (kind === 'increment') op.delta = Number(rest[0]);
  else if (kind === 'set' || kind === 'set-many') {
    for (let i = 0; i < rest.length; i += 2) op.items.push({ key: rest[i], size: Number(rest[i + 1]) });
  } else if (kind === 'delete' || kind === 'delete-many') op.items = rest.map((key) => ({ key }));
  else throw new Error(`unknown operation \`${text}\``);
  return op;
}

// Applies `op` to `keys` (a Map key -> { version, size }) in place.
function applyOp(keys, op) {
  for (const { key, size } of op.items) {
    if (op.kind.startsWith('set')) keys.set(key, { version: op.version, size });
    else keys.delete(key);
  }
}

// What a writer's output says: its acknowledged operations in order, the one in flight, failures.
function readWriterLog(w) {
  const acked = [];
  let tried = null, inFlight = null;
  const problems = [];
  for (const line of w.lines) {
    const [tag, ...rest] = line.split(' ');
    if (tag === 'TRY') {
      if (tried) problems.push(`TRY without ACK before \`${line}\``);
      tried = rest.join(' ');
    } else if (tag === 'ACK') {
      if (rest.join(' ') !== tried) problems.push(`ACK \`${rest.join(' ')}\` after TRY \`${tried}\``);
      acked.push(parseOp(rest.join(' ')));
      tried = null;
    } else if (tag === 'ERROR' || tag === 'OPEN-ERROR') {
      problems.push(line);
    }
  }
  if (tried) inFlight = parseOp(tried);
  return { acked, inFlight, problems, openError: w.lines.find((l) => l.startsWith('OPEN-ERROR')) };
}

const slotKeys = (slot) => Array.from({ length: KEYS_PER_SLOT }, (_, i) => `${slot}/k${String(i).padStart(2, '0')}`);
const header = (key, version) => Buffer.from(`${key} ${version}\n`);

// Does the verifier's report of `key` show `want` ({ version, size } or undefined: absent)?
function shows(seen, key, want) {
  if (!seen) return false;
  if (want === undefined) return seen.tag === 'ABSENT';
  if (seen.tag === 'HAVE') return seen.version === want.version && seen.size === want.size;
  if (seen.tag === 'SHORT') {
    const h = header(key, want.version);
    return want.size < h.length && seen.hex === (want.size === 0 ? '-' : h.subarray(0, want.size).toString('hex'));
  }
  return false;
}

function readVerifierReport(v) {
  const keys = new Map();
  const listed = new Set();
  let counter = null, done = false, openError = null;
  const damaged = [], readErrors = [];
  for (const line of v.lines) {
    const [tag, key, ...rest] = line.split(' ');
    if (tag === 'ABSENT') keys.set(key, { tag });
    else if (tag === 'HAVE') keys.set(key, { tag, version: rest[0], size: Number(rest[1]) });
    else if (tag === 'SHORT') keys.set(key, { tag, hex: rest[0] });
    else if (tag === 'BAD' || tag === 'READ-ERROR') {
      keys.set(key, { tag });
      (tag === 'BAD' ? damaged : readErrors).push(line);
    } else if (tag === 'LISTED') listed.add(key);
    else if (tag === 'COUNTER') counter = BigInt(key);
    else if (tag === 'COUNTER-BAD') damaged.push(line);
    else if (tag === 'OPEN-ERROR') openError = line;
    else if (tag === 'DONE') done = true;
  }
  if (!done && !openError && readErrors.length === 0) {
    openError = `verifier ended without a report (status ${v.code}, signal ${v.signal}): ` +
      v.stderr.trim().slice(-400);
  }
  return { keys, listed, counter, done, openError, damaged, readErrors };
}

// Checks one trial. `model` is what the store held before it ({ keys: Map, counter: BigInt }).
// Returns the failures found and, when there are none, the model after the trial.
function check(model, writers, report) {
  const failures = { lost: [], partial: [], listing: [] };
  const next = { keys: new Map(), counter: 0n };
  const bySlot = new Map(writers.map((w) => [w.slot, w.log]));
  let inFlightApplied = 0;
  for (const slot of ['a', 'b']) {
    const log = bySlot.get(slot);
    const keys = slotKeys(slot);
    const acked = new Map(keys.filter((k) => model.keys.has(k)).map((k) => [k, model.keys.get(k)]));
    for (const op of log?.acked ?? []) applyOp(acked, op);
    const withInFlight = new Map(acked);
    if (log?.inFlight) applyOp(withInFlight, log.inFlight);
    const matches = (state) => keys.every((k) => shows(report.keys.get(k), k, state.get(k)));
    let state = null;
    if (matches(acked)) {
      state = acked;
    } else if (matches(withInFlight)) {
      state = withInFlight;
      ++inFlightApplied;
    }
    if (state) {
      for (const [k, v] of state) next.keys.set(k, v);
      continue;
    }
    const describe = (w) => (w ? `${w.version} (${w.size} bytes)` : 'absent');
    let each = true;
    for (const k of keys) {
      const seen = report.keys.get(k);
      if (shows(seen, k, acked.get(k)) || shows(seen, k, withInFlight.get(k))) continue;
      each = false;
      const inFlight = withInFlight.get(k) !== acked.get(k) ? ` or, in flight, ${describe(withInFlight.get(k))}` : '';
      failures.lost.push(`${k}: expected ${describe(acked.get(k))}${inFlight}; ` +
        `found ${seen ? JSON.stringify(seen) : 'nothing'}`);
    }
    if (each) {
      const op = log.inFlight;
      failures.partial.push(`slot ${slot}: the in-flight \`${op.version} ${op.kind}\` is partly applied`);
    }
  }
  // The counter: the acknowledged increments, and any of the in-flight ones.
  let base = model.counter;
  let options = [0n];
  for (const { log } of writers) {
    for (const op of log.acked) if (op.kind === 'increment') base += BigInt(op.delta);
    if (log.inFlight?.kind === 'increment') {
      const d = BigInt(log.inFlight.delta);
      options = options.flatMap((o) => [o, o + d]);
    }
  }
  if (report.counter !== null) {
    if (!options.some((o) => base + o === report.counter)) {
      failures.lost.push(`counter: expected ${options.map((o) => base + o).join(' or ')}; found ${report.counter}`);
    } else {
      inFlightApplied += report.counter !== base;
    }
    next.counter = report.counter;
  }
  // list-keys returns exactly the keys present.
  const present = [...report.keys].filter(([, s]) => s.tag === 'HAVE' || s.tag === 'SHORT').map(([k]) => k);
  const missing = present.filter((k) => !report.listed.has(k));
  const extra = [...report.listed].filter((k) => !present.includes(k));
  if (missing.length || extra.length) {
    failures.listing.push(`list-keys left out [${missing.join(' ')}] and returned extra [${extra.join(' ')}]`);
  }
  return { failures, next, inFlightApplied };
}

// ---- the run ----

const totals = {
  trials: 0, series: 0, byPlan: {}, acked: 0, ackedByKind: {}, lost: 0, corruptedOpens: 0,
  partialBatches: 0, damagedValues: 0, readErrors: 0, listingMismatches: 0, writerErrors: 0,
  stalledWriters: 0, protocolErrors: 0, inFlightApplied: 0, compactions: 0, trialsWithCompaction: 0,
  killedDuringCompaction: 0, locksLeft: 0, tornTails: 0, componentVerifies: 0, nativeVerifies: 0,
  largestLog: 0,
};
const failureNotes = [];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
if (!existsSync(NATIVE)) throw new Error(`${NATIVE} is missing: run \`make native\``);
const component = await prepareCommand(fuseWriter(), { runner: 'wasmtime' });

function saveFindings(seriesDir, dataDir, trial, notes) {
  const where = join(FINDINGS, `run-${RUN_SEED}-trial-${trial}`);
  mkdirSync(where, { recursive: true });
  cpSync(dataDir, join(where, 'data'), { recursive: true });
  for (const f of readdirSync(seriesDir)) {
    if (f.startsWith(`trial-${trial}-`)) cpSync(join(seriesDir, f), join(where, f));
  }
  writeFileSync(join(where, 'notes.txt'), notes.join('\n') + '\n');
  return where;
}

// Watches the keys log while writers run: each new file behind its name is a compaction.
function watchCompactions(dataDir) {
  const path = join(dataDir, KEYS_LOG);
  const inodes = new Set();
  const look = () => {
    try {
      const s = statSync(path);
      inodes.add(s.ino);
      totals.largestLog = Math.max(totals.largestLog, s.size);
    } catch { /* not made yet */ }
  };
  look();
  const before = [...inodes];
  const timer = setInterval(look, 5);
  return () => {
    clearInterval(timer);
    look();
    return [...inodes].filter((i) => !before.includes(i)).length;
  };
}

const started = Date.now();
const elapsed = () => {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

let series = 0, seriesLeft = 0, dataDir = null, seriesDir = null;
let model = null;
for (let trial = 1; trial <= TRIALS; ++trial) {
  if (seriesLeft === 0) {
    ++series;
    seriesLeft = 15 + Math.floor(rand() * 16);
    seriesDir = join(OUT, `series-${series}`);
    dataDir = join(seriesDir, 'data');
    mkdirSync(dataDir, { recursive: true });
    model = { keys: new Map(), counter: 0n };
    totals.series = series;
  }
  --seriesLeft;
  const plan = pickPlan();
  const planName = plan.writers.join('+');
  totals.byPlan[planName] = (totals.byPlan[planName] ?? 0) + 1;
  // Two writers take slots a and b; one takes either.
  const slots = plan.writers.length === 2 ? ['a', 'b'] : [rand() < 0.5 ? 'a' : 'b'];
  const stopWatching = watchCompactions(dataDir);
  const results = await Promise.all(plan.writers.map((kind, i) => {
    const seed = (RUN_SEED % 400_000) * 10_000 + trial * 2 + (slots[i] === 'a' ? 0 : 1) + 1;
    return runWriter(kind, slots[i], seed, dataDir);
  }));
  const compactions = stopWatching();
  totals.compactions += compactions;
  totals.trialsWithCompaction += compactions > 0;
  const files = readdirSync(dataDir);
  totals.killedDuringCompaction += files.some((f) => f.endsWith('.compact'));
  totals.locksLeft += files.includes('LOCK');
  const tornBefore = files.filter((f) => f.includes('.torn-')).length;

  const writers = results.map((w) => ({ ...w, log: readWriterLog(w) }));
  const notes = [];
  for (const w of writers) {
    writeFileSync(join(seriesDir, `trial-${trial}-${w.slot}-${w.kind}.log`),
      w.raw + (w.stderr ? `\n--- stderr\n${w.stderr}` : ''));
    totals.acked += w.log.acked.length;
    for (const op of w.log.acked) totals.ackedByKind[op.kind] = (totals.ackedByKind[op.kind] ?? 0) + 1;
    if (w.firstAckAt === null && w.signal === 'SIGKILL') {
      ++totals.stalledWriters;
      notes.push(`writer ${w.slot} (${w.kind}) acknowledged nothing in ${NO_PROGRESS_MS} ms`);
    }
    if (w.signal !== 'SIGKILL') {
      ++totals.writerErrors;
      notes.push(`writer ${w.slot} (${w.kind}) ended by itself: status ${w.code}; ` +
        `${w.log.problems.join('; ')} ${w.stderr.trim().slice(-300)}`);
    }
    if (w.log.openError) {
      ++totals.corruptedOpens;
      notes.push(`writer ${w.slot} (${w.kind}): ${w.log.openError}`);
    }
    for (const p of w.log.problems.filter((p) => !/^(OPEN-)?ERROR/.test(p))) {
      ++totals.protocolErrors;
      notes.push(`writer ${w.slot} (${w.kind}): ${p}`);
    }
  }

  const verifierKind = trial % 3 === 0 ? 'component' : 'native';
  totals[verifierKind === 'component' ? 'componentVerifies' : 'nativeVerifies'] += 1;
  const v = await runVerifier(verifierKind, dataDir);
  writeFileSync(join(seriesDir, `trial-${trial}-verify-${verifierKind}.log`),
    v.raw + (v.stderr ? `\n--- stderr\n${v.stderr}` : ''));
  const tornAfter = readdirSync(dataDir).filter((f) => f.includes('.torn-')).length;
  totals.tornTails += Math.max(0, tornAfter - tornBefore);
  const report = readVerifierReport(v);
  if (report.openError) {
    ++totals.corruptedOpens;
    notes.push(`verifier (${verifierKind}): ${report.openError}`);
  } else {
    totals.damagedValues += report.damaged.length;
    totals.readErrors += report.readErrors.length;
    notes.push(...report.damaged.map((l) => `damaged: ${l}`));
    notes.push(...report.readErrors.map((l) => `read error: ${l}`));
    const { failures, next, inFlightApplied } = check(model, writers, report);
    totals.lost += failures.lost.length;
    totals.partialBatches += failures.partial.length;
    totals.listingMismatches += failures.listing.length;
    totals.inFlightApplied += inFlightApplied;
    notes.push(...failures.lost.map((l) => `lost: ${l}`), ...failures.partial, ...failures.listing);
    model = next;
  }
  totals.trials = trial;
  const failed = notes.some((n) => !n.includes('acknowledged nothing'));
  if (notes.length) {
    const where = saveFindings(seriesDir, dataDir, trial, notes);
    console.log(`trial ${trial} (series ${series}, ${planName}, verified by ${verifierKind}):\n  ` +
      `${notes.join('\n  ')}\n  kept in ${where}`);
    failureNotes.push(`trial ${trial}: ${notes.join('; ')}`);
    if (failed) seriesLeft = 0; // the model no longer describes the store: start afresh
  }
  if (trial % 10 === 0 || trial === TRIALS) {
    console.log(`[${String(trial).padStart(4)}/${TRIALS}] ${elapsed()}  acknowledged ${totals.acked}` +
      `  lost ${totals.lost}  corrupted opens ${totals.corruptedOpens}  compactions ${totals.compactions}` +
      `  series ${series}`);
  }
}
component.dispose();

const t = totals;
const kinds = ['set', 'delete', 'set-many', 'delete-many', 'increment']
  .map((k) => `${k} ${t.ackedByKind[k] ?? 0}`).join(', ');
const plans = PLANS.map((p) => p.writers.join('+')).map((p) => `${p} ${t.byPlan[p] ?? 0}`).join(', ');
const lines = [
  `soak of the file store under kill -9 (seed ${RUN_SEED}), ${elapsed()}`,
  `trials: ${t.trials} in ${t.series} series (${plans}); ` +
    `verified by native ${t.nativeVerifies}, by the component ${t.componentVerifies}`,
  `operations acknowledged: ${t.acked} (${kinds})`,
  `lost: ${t.lost}`,
  `corrupted opens: ${t.corruptedOpens}`,
  `damaged values: ${t.damagedValues}, partly applied batches: ${t.partialBatches}, ` +
    `read errors: ${t.readErrors}, list-keys mismatches: ${t.listingMismatches}`,
  `writers that failed: ${t.writerErrors}, stalled: ${t.stalledWriters}, inconsistent output: ${t.protocolErrors}`,
  `in-flight operations found applied: ${t.inFlightApplied}`,
  `compactions seen: ${t.compactions} (in ${t.trialsWithCompaction} trials); ` +
    `kills during a compaction: ${t.killedDuringCompaction}; locks left by a killed writer: ${t.locksLeft}; ` +
    `torn tails cut at recovery: ${t.tornTails}; largest keys log: ${t.largestLog} bytes`,
];
const text = lines.join('\n') + '\n';
console.log(`\n${text}`);
writeFileSync(join(OUT, 'report.txt'), text + (failureNotes.length ? `\nfindings:\n${failureNotes.join('\n')}\n` : ''));
const bad = totals.lost + totals.corruptedOpens + totals.damagedValues + totals.partialBatches +
  totals.readErrors + totals.listingMismatches + totals.writerErrors + totals.protocolErrors;
process.exit(bad === 0 ? 0 : 1);
