// Turns a linked core module into a component: embeds one world of our WIT, then wraps the module
// with `component new`, adding the preview1 adapter only when the module imports preview1.
//
//   node tools/componentize.mjs --wit DIR --world NAME CORE.wasm -o OUT.wasm [--adapter reactor|command]
//       [--producer FIELD=NAME@VERSION ...]
//
// jco's API is used instead of its CLI because `jco embed -n` ignores the world name.
//
// With --producer, the core module's `producers` section is replaced by one that says what built
// it (FIELD is `language`, `processed-by` or `sdk`). wasm-ld's own section is unreliable here: it
// keeps one version per tool name, so the `Debian clang 14` that built wasi-libc hides the
// clang 19 that built everything else, and it names languages only from debug information.
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
    producer: { type: 'string', multiple: true },
  },
});
if (!values.wit || !values.world || !values.output || positionals.length !== 1) {
  console.error('usage: componentize.mjs --wit DIR --world NAME CORE.wasm -o OUT.wasm [--adapter reactor|command]');
  process.exit(2);
}

// Unsigned LEB128.
function leb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}
const name = (text) => { const b = Buffer.from(text, 'utf8'); return [...leb(b.length), ...b]; };

// `producers`: FIELD=NAME@VERSION entries, grouped by field in the order given.
function producersSection(entries) {
  const fields = new Map();
  for (const entry of entries) {
    const m = /^(language|processed-by|sdk)=([^@]+)@(.*)$/.exec(entry);
    if (!m) throw new Error(`--producer ${entry}: expected FIELD=NAME@VERSION`);
    if (!fields.has(m[1])) fields.set(m[1], []);
    fields.get(m[1]).push([m[2], m[3]]);
  }
  const body = [...name('producers'), ...leb(fields.size)];
  for (const [field, values] of fields) {
    body.push(...name(field), ...leb(values.length));
    for (const [n, v] of values) body.push(...name(n), ...name(v));
  }
  return Buffer.from([0, ...leb(body.length), ...body]);
}

// The module without its custom sections named `producers`, then `section` appended.
function replaceProducers(module, section) {
  const readLeb = (at) => {
    let n = 0, shift = 0, byte;
    do { byte = module[at++]; n += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return [n, at];
  };
  const kept = [module.subarray(0, 8)];
  for (let at = 8; at < module.length;) {
    const start = at;
    const id = module[at++];
    let size;
    [size, at] = readLeb(at);
    const end = at + size;
    if (end > module.length) throw new Error(`section at offset ${start} runs past the end`);
    let drop = false;
    if (id === 0) {
      const [len, from] = readLeb(at);
      drop = module.subarray(from, from + len).toString('utf8') === 'producers';
    }
    if (!drop) kept.push(module.subarray(start, end));
    at = end;
  }
  return Buffer.concat([...kept, section]);
}

let core = await readFile(positionals[0]);
if (values.producer) core = replaceProducers(core, producersSection(values.producer));
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
