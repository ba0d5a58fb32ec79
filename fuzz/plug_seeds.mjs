// Writes seeds for plug_fuzzer (fuzz/plug_fuzzer.cc describes the format): real compositions of
// this project's components, and pairs of small components from tests/corpus/jco.
//   node fuzz/plug_seeds.mjs COMPONENTS_DIR OUT_DIR
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [components, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });

function seed(name, paths) {
  if (!paths.every(existsSync)) return;
  const parts = [];
  for (const p of paths) {
    const bytes = readFileSync(p);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(bytes.length);
    parts.push(len, bytes);
  }
  writeFileSync(join(out, name), Buffer.concat(parts));
}

const c = (n) => join(components, `${n}.wasm`);
seed('demo-memory', [c('kv_demo'), c('kv-memory')]);
seed('demo2-file', [c('kv_demo_draft2'), c('kv-file')]);
seed('conformance-prefix-memory', [c('kv_conformance'), c('kv-prefix'), c('kv-memory')]);
seed('prefix-memory', [c('kv-prefix'), c('kv-memory')]);
// (import.meta.dirname is newer than Debian 12's Node 18.)
const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'tests', 'corpus', 'jco');
const small = readdirSync(corpus).filter((f) => f.endsWith('.wasm')).sort()
  .filter((f) => readFileSync(join(corpus, f)).length < 16 << 10);
for (let i = 0; i + 1 < small.length; i += 2) {
  seed(`jco-${i}`, [join(corpus, small[i]), join(corpus, small[i + 1])]);
}
