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
import { component, runFuse } from './lib/project.mjs';

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

// Reads a running command's output through a sequence of steps: each waits until its `until`
// holds for the output seen since the step before, then runs its `then`. Rejects after 60 s, or
// when a `then` throws. Kills the command at the end, either way.
async function steps(child, list) {
  let out = '';
  let i = 0;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stuck at step ${i}: ${out.slice(-300)}`)), 60_000);
      child.stdout.on('data', (d) => {
        out += d;
        try {
          while (i < list.length && list[i].until(out)) {
            list[i++].then?.(out);
            out = '';
          }
        } catch (e) {
          clearTimeout(timer);
          reject(e);
          return;
        }
        if (i === list.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    child.kill('SIGKILL');
  }
}

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

test('two processes incrementing one counter on the server count exactly', { skip }, async () => {
  const { command, dispose } = await fusedCommand('kv_conformance');
  try {
    const times = 500;
    const run = () => new Promise((resolve) => {
      const child = command.spawn(['--phase', 'incrementer', '--times', String(times), '--prefix', 'race/']);
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('exit', (code) => resolve({ code, out }));
    });
    cli('DEL', 'wasi-kv:race/count');
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    assert.equal(cli('HGET', 'wasi-kv:race/count', 'counter'), String(2 * times));
  } finally {
    dispose();
  }
});

test('faults: a bad URL, a server that is down, a server killed mid-run, and one that comes back', { skip }, async () => {
  const { command, dispose } = await fusedCommand('kv_conformance');
  const work = mkdtempSync(join(tmpdir(), 'redis-fault-'));
  const own = String(Number(port) + 1 > 60000 ? Number(port) - 1 : Number(port) + 1);
  const start = () => spawnSync('redis-server', ['--port', own, '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', join(work, 'pid'), '--dir', work,
    '--logfile', join(work, 'log')]);
  const stop = () => spawnSync('redis-cli', ['-p', own, 'shutdown', 'nosave']);
  try {
    const bad = command.run(['--group', 'store'], { env: { KV_REDIS_URL: 'redis://localhost:notaport' } });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /FAIL store\.open-default-bucket: KV_REDIS_URL=redis:\/\/localhost:notaport: the port/);

    const down = command.run(['--group', 'store'], { env: { KV_REDIS_URL: `redis://127.0.0.1:${own}` } });
    assert.equal(down.status, 1);
    assert.match(down.stdout, new RegExp(`FAIL store\\.open-default-bucket: open \`\`: redis 127\\.0\\.0\\.1:${own}: connection refused`));

    start();
    for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', own, 'ping']).stdout?.toString().trim() !== 'PONG'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // One writer process, kept running: errors while the server is down, then, once it is back,
    // acknowledged writes again over a new connection it made by itself.
    const env = { KV_REDIS_URL: `redis://127.0.0.1:${own}`, KV_REDIS_IO_TIMEOUT_MS: '1000',
      KV_REDIS_CONNECT_TIMEOUT_MS: '500' };
    const writer = command.spawn(['--phase', 'writer', '--keep-going', '--prefix', 'fault/'], { env });
    await steps(writer, [
      { until: (out) => out.includes('ACK'), then: () => stop() },
      { until: (out) => /ERROR redis 127\.0\.0\.1:\d+: /.test(out), then: () => start() },
      { until: (out) => out.includes('ACK') },
    ]);
  } finally {
    stop();
    dispose();
    rmSync(work, { recursive: true, force: true });
  }
});

test('a server that stops answering: calls fail after the I/O timeout, none hangs, none fails early', { skip }, async () => {
  const { command, dispose } = await fusedCommand('kv_conformance');
  try {
    const env = { KV_REDIS_IO_TIMEOUT_MS: '300' };
    const writer = command.spawn(['--phase', 'writer', '--keep-going', '--prefix', 'pause/'], { env });
    const writingSince = Date.now();
    await steps(writer, [
      {
        until: () => Date.now() - writingSince > 1500,
        then: (out) => {
          // Many timeouts' worth of calls on one connection, and no error: the read timer, kept
          // from one call to the next, never fires early.
          assert.doesNotMatch(out, /ERROR/);
          cli('CLIENT', 'PAUSE', '1500', 'ALL');
        },
      },
      { until: (out) => /no answer within 300 ms/.test(out) },
      { until: (out) => out.includes('ACK') },
    ]);
  } finally {
    cli('CLIENT', 'UNPAUSE');
    dispose();
  }
});

for (const runner of RUNNERS) {
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
