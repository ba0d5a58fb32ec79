// Turns a linked core module into a component: embeds one world of our WIT, then wraps the module
// with `component new`, adding the preview1 adapter only when the module imports preview1.
//
//   node tools/componentize.mjs --wit DIR --world NAME CORE.wasm -o OUT.wasm [--adapter reactor|command]
//
// jco's API is used instead of its CLI because `jco embed -n` ignores the world name.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  componentEmbed, componentNew, preview1AdapterCommandPath, preview1AdapterReactorPath,
} from '@bytecodealliance/jco';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    wit: { type: 'string' },
    world: { type: 'string' },
    adapter: { type: 'string' },
    output: { type: 'string', short: 'o' },
  },
});
if (!values.wit || !values.world || !values.output || positionals.length !== 1) {
  console.error('usage: componentize.mjs --wit DIR --world NAME CORE.wasm -o OUT.wasm [--adapter reactor|command]');
  process.exit(2);
}

const core = await readFile(positionals[0]);
const embedded = await componentEmbed({
  binary: core,
  witPath: resolve(values.wit),
  world: values.world,
});

let adapters = [];
if (values.adapter) {
  if (values.adapter !== 'reactor' && values.adapter !== 'command') {
    console.error(`componentize: unknown adapter \`${values.adapter}\` (expected reactor or command)`);
    process.exit(2);
  }
  const file = values.adapter === 'reactor' ? preview1AdapterReactorPath() : preview1AdapterCommandPath();
  adapters = [['wasi_snapshot_preview1', new Uint8Array(await readFile(file))]];
}
const component = await componentNew(embedded, adapters);
await writeFile(values.output, component);
