// Runs the conformance command fused with a provider, under the pinned jco, and carries on past
// traps: a case that traps is reported as `FAIL <case>: TRAP (...)` and the run resumes after it
// in a fresh process (a fresh component instance).
//
//   node tools/conformance.mjs FUSED.wasm [kv_conformance options...]
//
// Prints one line per case and `N passed, M failed, K skipped`; exits 1 when a case failed.
import { basename } from 'node:path';
import { prepareCommand, TRAP_EXIT } from './command.mjs';

const [fusedPath, ...options] = process.argv.slice(2);
if (!fusedPath) {
  console.error('usage: conformance.mjs FUSED.wasm [kv_conformance options...]');
  process.exit(2);
}

const command = await prepareCommand(fusedPath);
try {
  const run = (args) => command.run(args);

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
  // Every listed case must have reported: a run that ended early without a trap is a failure.
  const reported = counts.PASS + counts.FAIL + counts.SKIP;
  if (reported !== cases.length) {
    console.log(`FAIL conformance: ${cases.length - reported} of ${cases.length} cases never reported`);
    counts.FAIL++;
  }
  console.log(`${counts.PASS} passed, ${counts.FAIL} failed, ${counts.SKIP} skipped`);
  process.exitCode = counts.FAIL === 0 ? 0 : 1;
} finally {
  command.dispose();
}
