// Runs a transpiled command component (the output of `jco transpile`): imports its JavaScript
// entry and calls wasi:cli/run. The exit status is the component's: the preview2 shim exits the
// process when the component calls wasi:cli/exit; a run that returns error exits with 1.
//
//   node tools/run-transpiled.mjs build/js/kv_demo/kv_demo.js
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

if (process.argv.length !== 3) {
  console.error('usage: run-transpiled.mjs ENTRY.js');
  process.exit(2);
}
const entry = await import(pathToFileURL(resolve(process.argv[2])).href);
const run = entry.run ?? entry['wasi:cli/run@0.2.3'];
if (!run) {
  console.error(`run-transpiled: ${process.argv[2]} does not export wasi:cli/run`);
  process.exit(2);
}
try {
  run.run();
} catch (e) {
  // A trap surfaces as a WebAssembly.RuntimeError; wasi:cli/exit through the shim as ComponentError.
  if (e && e.exitError) process.exit(e.code ?? 1);
  console.error(`run-transpiled: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
