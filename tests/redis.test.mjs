// kv-redis against a real redis-server: what a person sees with redis-cli, faults, and several
// processes counting on one server. make test runs this file under tools/with-redis.sh, which
// starts the server and sets KV_REDIS_URL and KV_REDIS_PORT.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { prepareCommand, RUNNERS } from '../tools/command.mjs';
import { component, finished, runFuse } from './lib/project.mjs';

const port = process.env.KV_REDIS_PORT;
const skip = port ? false : 'needs KV_REDIS_PORT (run through tools/with-redis.sh, as make test does)';
const cli = (...args) => execFileSync('redis-cli', ['-p', port, ...args], { encoding: 'utf8' }).trim();

async function fusedCommand(consumer, runner) {
  const work = mkdtempSync(join(tmpdir(), 'redis-'));
  const path = join(work, 'fused.wasm');
  const f = runFuse('plug', '--plug', component('kv-redis'), component(consumer), '-o', path);
  assert.equal(f.status, 0, f.stderr);
  const command = await prepareCommand(path, { runner });
  return { command, dispose: () => { command.dispose(); rmSync(work, { recursive: true, force: true }); } };
}

// Under jco a running command's output can reach us late: the preview2 shim writes stdout from its
// I/O worker thread, and Node.js forwards a worker's stdout through the main thread, which is
// busy in the component. So the tests below watch a running writer through Redis itself and read
// its output only once it has ended (`--seconds`), judging each failed call by the duration the
// writer measured for it.

// Waits until `check()` holds, polling every 20 ms; throws after `ms`.
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The writer's failed calls: { message, ms (its duration), at (wall-clock ms when it ended) }.
const errorsOf = (out) => [...out.matchAll(/^ERROR (.*) \(after (\d+) ms, at (\d+)\)$/gm)]
  .map((m) => ({ message: m[1], ms: Number(m[2]), at: Number(m[3]) }));

test('redis-cli reads what the demo wrote, and the demo reads what redis-cli wrote', { skip }, async () => {
  const { command, dispose } = await fusedCommand('kv_demo');
  try {
    cli('DEL', 'wasi-kv:');
    const first = command.run([]);
    assert.equal(first.status, 0, first.stdout + first.stderr);
    assert.equal(cli('HGET', 'wasi-kv:', 'hello'), 'wasi');
    cli('HSET', 'wasi-kv:', 'hello', 'from redis-cli');
    const second = command.run([]);
    assert.equal(second.stdout.split('\n')[0], '`hello` exists with value `from redis-cli`; deleting it');
    assert.equal(cli('HEXISTS', 'wasi-kv:', 'hello'), '0');
    assert.equal(cli('HGET', 'wasi-kv:', 'demo-runs'), '2');
  } finally {
    dispose();
  }
});

for (const runner of RUNNERS) {
  test(`on ${runner}: two processes incrementing one counter on the server count exactly`, { skip }, async () => {
    const { command, dispose } = await fusedCommand('kv_conformance', runner);
    try {
      const times = 500;
      const run = () => finished(command.spawn(['--phase', 'incrementer', '--times', String(times),
        '--prefix', 'race/']));
      cli('DEL', 'wasi-kv:race/count');
      const [a, b] = await Promise.all([run(), run()]);
      assert.equal(a.code, 0, a.out);
      assert.equal(b.code, 0, b.out);
      assert.equal(cli('HGET', 'wasi-kv:race/count', 'counter'), String(2 * times));
    } finally {
      dispose();
    }
  });
}

for (const runner of RUNNERS) {
  test(`on ${runner}: faults: a bad URL, a server that is down, killed mid-run, and back`, { skip }, async () => {
    const { command, dispose } = await fusedCommand('kv_conformance', runner);
    const work = mkdtempSync(join(tmpdir(), 'redis-fault-'));
    const own = String(Number(port) + 1 > 60000 ? Number(port) - 1 : Number(port) + 1);
    const ownCli = (...args) => spawnSync('redis-cli', ['-p', own, ...args], { encoding: 'utf8' }).stdout?.trim();
    const start = async () => {
      spawnSync('redis-server', ['--port', own, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--daemonize', 'yes', '--pidfile', join(work, 'pid'), '--dir', work, '--logfile', join(work, 'log')]);
      await until(() => ownCli('ping') === 'PONG', 5000, 'redis-server to start');
    };
    const stop = () => spawnSync('redis-cli', ['-p', own, 'shutdown', 'nosave']);
    try {
      const bad = command.run(['--group', 'store'], { env: { KV_REDIS_URL: 'redis://localhost:notaport' } });
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /FAIL store\.open-default-bucket: KV_REDIS_URL=redis:\/\/localhost:notaport: the port/);
      // A timeout beyond 32 bits used to wrap silently (2^32 ms became 0); it is refused.
      const wraps = command.run(['--group', 'store'], { env: { KV_REDIS_IO_TIMEOUT_MS: '4294967296' } });
      assert.equal(wraps.status, 1);
      assert.match(wraps.stdout, /FAIL store\.open-default-bucket: KV_REDIS_IO_TIMEOUT_MS=4294967296: at most 4294967295/);

      const down = command.run(['--group', 'store'], { env: { KV_REDIS_URL: `redis://127.0.0.1:${own}` } });
      assert.equal(down.status, 1);
      assert.match(down.stdout, new RegExp(`FAIL store\\.open-default-bucket: open \`\`: redis 127\\.0\\.0\\.1:${own}: connection refused`));

      await start();
      // One writer process, kept running: errors while the server is down, then, once it is back
      // (empty: it saves nothing), acknowledged writes again over a new connection it made itself.
      const env = { KV_REDIS_URL: `redis://127.0.0.1:${own}`, KV_REDIS_IO_TIMEOUT_MS: '1000',
        KV_REDIS_CONNECT_TIMEOUT_MS: '500' };
      const writer = finished(command.spawn(['--phase', 'writer', '--keep-going', '--seconds', '6',
        '--prefix', 'fault/'], { env }));
      const written = () => Number(ownCli('HLEN', 'wasi-kv:fault/kill') || 0);
      await until(() => written() > 0, 10_000, 'the first writes');
      const stoppedAt = Date.now();
      stop();
      await new Promise((r) => setTimeout(r, 1000));
      await start();
      const restartedAt = Date.now();
      await until(() => written() > 0, 10_000, 'writes to the restarted server');
      const { code, out } = await writer;
      assert.equal(code, 0, out.slice(-500));
      const errors = errorsOf(out);
      assert.ok(errors.length > 0, `no error while the server was down: ${out.slice(-300)}`);
      for (const e of errors) {
        assert.match(e.message, /^redis 127\.0\.0\.1:\d+: /);
        assert.ok(e.at >= stoppedAt - 50 && e.at <= restartedAt + 2000, `an error outside the outage: ${JSON.stringify(e)}`);
      }
      const lines = out.split('\n');
      const lastError = lines.findLastIndex((l) => l.startsWith('ERROR'));
      assert.ok(lines.slice(lastError).some((l) => l.startsWith('ACK')), 'no acknowledged write after the outage');
    } finally {
      stop();
      dispose();
      rmSync(work, { recursive: true, force: true });
    }
  });

  test(`on ${runner}: a server that stops answering: calls fail after the I/O timeout, none hangs, none fails early`, { skip }, async () => {
    const { command, dispose } = await fusedCommand('kv_conformance', runner);
    try {
      cli('DEL', 'wasi-kv:pause/kill');
      const writer = finished(command.spawn(['--phase', 'writer', '--keep-going', '--seconds', '5',
        '--prefix', 'pause/'], { env: { KV_REDIS_IO_TIMEOUT_MS: '300' } }));
      const written = () => Number(cli('HLEN', 'wasi-kv:pause/kill'));
      // Many timeouts' worth of calls on one connection first: the read timer, kept from one call
      // to the next, must never fire early.
      await until(() => written() > 0, 10_000, 'the first writes');
      await new Promise((r) => setTimeout(r, 1500));
      const before = written();
      const pausedAt = Date.now();
      cli('CLIENT', 'PAUSE', '1500', 'ALL');
      const { code, out } = await writer;
      assert.equal(code, 0, out.slice(-500));
      assert.ok(written() > before, 'no write after the pause ended');
      const errors = errorsOf(out);
      assert.ok(errors.some((e) => /no answer within 300 ms/.test(e.message)), `no timeout in the pause: ${out.slice(-300)}`);
      for (const e of errors) {
        assert.match(e.message, /no answer within 300 ms/);
        assert.ok(e.ms >= 300, `a call failed after ${e.ms} ms, before its 300 ms timeout`);
        assert.ok(e.ms < 1300, `a call hung ${e.ms} ms, past its 300 ms timeout`);
        assert.ok(e.at >= pausedAt + 250 && e.at <= pausedAt + 1500 + 1300, `a timeout outside the pause: ${JSON.stringify(e)}`);
      }
    } finally {
      cli('CLIENT', 'UNPAUSE');
      dispose();
    }
  });
  test(`on ${runner}: list-keys leaves out a field that is not UTF-8 (another client wrote it)`, { skip }, async () => {
    const { command, dispose } = await fusedCommand('kv_conformance', runner);
    try {
      const hash = 'wasi-kv:binary/kill';
      cli('DEL', hash);
      cli('HSET', hash, 'k/1', 'value 1');
      // A field of the bytes ff fe, which no WIT string can carry.
      cli('EVAL', "redis.call('HSET', KEYS[1], string.char(255, 254), 'v')", '1', hash);
      assert.equal(cli('HLEN', hash), '2');
      const r = command.run(['--phase', 'reader', '--prefix', 'binary/']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(r.stdout, 'HAVE 1\n');
    } finally {
      dispose();
    }
  });
}

// The page limits hold on Redis too: HSCAN's batches are cut to KV_LIST_PAGE_KEYS and
// KV_LIST_PAGE_BYTES (src/backends/redis_list_cursor.h), for small hashes, which Redis returns
// whole, as for large ones. Every walk of the list-keys cases checks both bounds on every page.
for (const runner of RUNNERS) {
  test(`on ${runner}: the list-keys cases pass with pages of at most 7 keys and 40 key bytes`, { skip }, async () => {
    const { command, dispose } = await fusedCommand('kv_conformance', runner);
    try {
      const env = { KV_LIST_PAGE_KEYS: '7', KV_LIST_PAGE_BYTES: '40' };
      const r = command.run(['--group', 'list-keys', '--page-keys', '7', '--page-bytes', '40'], { env });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^\d+ passed, 0 failed, 0 skipped$/m);
    } finally {
      dispose();
    }
  });
}
