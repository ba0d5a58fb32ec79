// Runs a command component with the project's runner (tools/command.mjs): the pinned jco
// (transpiled, multi-memory output, on the pinned Node.js), or wasmtime with KV_RUNNER=wasmtime,
// passing arguments, the environment and the terminal through. The exit status is the
// component's.
//
//   node tools/run.mjs build/kv_demo.fused.wasm [args...]
import { prepareCommand } from './command.mjs';

const [component, ...args] = process.argv.slice(2);
if (!component) {
  console.error('usage: run.mjs COMPONENT.wasm [args...]');
  process.exit(2);
}
const command = await prepareCommand(component);
try {
  const r = command.run(args, { stdio: 'inherit' });
  if (r.error) throw r.error;
  process.exitCode = r.status ?? 1;
} finally {
  command.dispose();
}
