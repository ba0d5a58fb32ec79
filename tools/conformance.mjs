// Runs the conformance command fused with a provider, under the pinned jco, and carries on past
// traps: a case that traps is reported as `FAIL <case>: TRAP (...)` and the run resumes after it
// in a fresh process (a fresh component instance).
//
//   node tools/conformance.mjs FUSED.wasm [kv_conformance options...]
//
// Prints one line per case and `N passed, M failed, K skipped`; exits 1 when a case failed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transpile } from '@bytecodealliance/jco';
import { readFile } from 'node:fs/promises';

const TRAP_EXIT = 70;
const [fusedPath, ...options] = process.argv.slice(2);
if (!fusedPath) {
  console.error('usage: conformance.mjs FUSED.wasm [kv_conformance options...]');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'kv-conformance-'));
try {
  const { files } = await transpile(await readFile(resolve(fusedPath)), {
    name: 'component', quiet: true, noTypescript: true,
  });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(work, name)), { recursive: true });
    writeFileSync(join(work, name), bytes);
  }
  writeFileSync(join(work, 'package.json'), '{"type": "module"}');
  // The transpiled code imports the preview2 shim: resolve it from the project's node_modules.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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
  const run = (args) => spawnSync(process.execPath, [join(work, 'run.mjs'), ...args], {
    encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000,
  });

  const listed = run([...options, '--list']);
  if (listed.status !== 0) {
    process.stderr.write(listed.stderr);
    console.error(`conformance: listing the cases of ${basename(fusedPath)} failed`);
    process.exit(2);
  }
  const cases = listed.stdout.split('\n').filter(Boolean);
  const counts = { PASS: 0, FAIL: 0, SKIP: 0 };
  let resumeAfter = null;
  for (;;) {
    const r = run(resumeAfter ? [...options, '--start-after', resumeAfter] : options);
    let last = resumeAfter;
    for (const line of r.stdout.split('\n')) {
      const m = /^(PASS|FAIL|SKIP) ([^:]+)/.exec(line);
      if (!m) continue;
      console.log(line);
      counts[m[1]]++;
      last = m[2];
    }
    if (r.status !== TRAP_EXIT) {
      if (r.status !== 0 && r.status !== 1) {
        process.stderr.write(r.stderr);
        console.error(`conformance: the run ended with status ${r.status ?? r.signal}`);
        process.exit(2);
      }
      break;
    }
    const trapped = cases[last === null ? 0 : cases.indexOf(last) + 1];
    if (trapped === undefined) break;  // trapped after the last case
    const why = (/TRAP: (.*)/.exec(r.stderr) ?? [])[1] ?? 'trap';
    console.log(`FAIL ${trapped}: TRAP (${why})`);
    counts.FAIL++;
    resumeAfter = trapped;
  }
  console.log(`${counts.PASS} passed, ${counts.FAIL} failed, ${counts.SKIP} skipped`);
  process.exitCode = counts.FAIL === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
