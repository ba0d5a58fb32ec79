// Builds the JavaScript consumer with componentize-js (the pinned npm package, through its API):
//   node examples/js/build.mjs WIT_DIR OUT.wasm
// The world is consumer-draft2 (wit/components.wit). componentize-js 0.17 merges the WIT it is
// given with the WASI WIT of its own engine and fails on the cut-down wasi:io that wit/deps holds
// for our providers, so it gets a WIT directory of the keyvalue package and wasi:cli/run alone,
// assembled here beside OUT.
import { componentize } from '@bytecodealliance/componentize-js';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [witDir, out] = process.argv.slice(2);
if (!witDir || !out) {
  console.error('usage: build.mjs WIT_DIR OUT.wasm');
  process.exit(2);
}
const wit = `${out}.wit`;
rmSync(wit, { recursive: true, force: true });
mkdirSync(join(wit, 'deps', 'cli-0.2.3'), { recursive: true });
cpSync(join(witDir, 'deps', 'keyvalue-0.2.0-draft2'), join(wit, 'deps', 'keyvalue-0.2.0-draft2'),
  { recursive: true });
cpSync(join(witDir, 'deps', 'cli-0.2.3', 'run.wit'), join(wit, 'deps', 'cli-0.2.3', 'run.wit'));
writeFileSync(join(wit, 'world.wit'), `package kv:examples;

world consumer-draft2 {
    include wasi:keyvalue/imports@0.2.0-draft2;
    export wasi:cli/run@0.2.3;
}
`);
const source = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'app.js'), 'utf8');
const { component } = await componentize(source, {
  sourceName: 'app.js',
  witPath: wit,
  worldName: 'consumer-draft2',
  // The app needs no HTTP, and without it the component imports no wasi:http.
  disableFeatures: ['http'],
});
writeFileSync(out, component);
rmSync(wit, { recursive: true, force: true });
