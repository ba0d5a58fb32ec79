// Builds the JavaScript consumer with componentize-js (the pinned npm package, through its API):
//   node examples/js/build.mjs WIT_DIR OUT.wasm
// The world is consumer-draft2 (wit/components.wit). The engine's HTTP support is left out: the
// app needs none, and without it the component imports no wasi:http.
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [witPath, out] = process.argv.slice(2);
if (!witPath || !out) {
  console.error('usage: build.mjs WIT_DIR OUT.wasm');
  process.exit(2);
}
const { component } = await componentize({
  sourcePath: join(dirname(fileURLToPath(import.meta.url)), 'app.js'),
  witPath,
  worldName: 'consumer-draft2',
  disableFeatures: ['http', 'fetch-event'],
});
await writeFile(out, component);
