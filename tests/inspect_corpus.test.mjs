// `wasm-fuse inspect` over every component of ../shared/corpus (binaries from other toolchains):
// each file is either listed with the same imports and exports that `wasm-tools component wit`
// reports (the pinned wasm-tools: jco 1.10.2's own copy predates async types), or
// rejected with a clear error (not a component; a named unsupported feature). Never a crash.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { root, runFuse, shared } from './lib/project.mjs';
import { componentWit } from './lib/wasm_tools.mjs';

const corpus = join(shared, 'corpus', 'components');

// World-level imports and exports as `wasm-tools component wit` prints them. World-level types are printed as
// `resource r { ... }` blocks or `use` lines rather than import lines; they are collected apart.
function witNames(path) {
  const names = { imports: [], exports: [], resources: [] };
  for (const line of componentWit(path).split('\n')) {
    const r = /^ {2}resource ([a-z0-9-]+)/.exec(line);
    if (r) names.resources.push(r[1]);
    const u = /^ {2}use [^{]*\{(.*)\};$/.exec(line);
    if (u) names.resources.push(...u[1].split(',').map((n) => n.trim().split(' as ').pop()));
    const m = /^ {2}(import|export) (.*)$/.exec(line);
    if (!m) continue;
    const rest = m[2];
    const name = rest.endsWith(';') && !rest.includes(': ') ? rest.slice(0, -1) : rest.split(': ')[0];
    names[`${m[1]}s`].push(name);
  }
  return names;
}

// What a user can pass by mistake: a directory, a missing file, an empty file. Each is an error
// naming the path, with exit status 1; none ends the process (a directory once did, with an
// uncaught exception from the file stream).
test('inspect of what is not a file of a component is a clear error', () => {
  const empty = join(mkdtempSync(join(tmpdir(), 'kv-inspect-')), 'empty.wasm');
  writeFileSync(empty, '');
  for (const [path, message] of [[corpus, /cannot read .*Is a directory/],
    [join(corpus, 'no-such.wasm'), /cannot open .*No such file/], [empty, /not a WebAssembly binary|unexpected end|offset 0x0/]]) {
    const r = runFuse('inspect', path);
    assert.equal(r.signal, null, `wasm-fuse died of ${r.signal} on ${path}`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^error: /);
    assert.match(r.stderr, message);
  }
  rmSync(dirname(empty), { recursive: true, force: true });
});

test('the corpus is there', () => {
  assert.ok(existsSync(corpus), `${corpus} is missing (../shared beside the project)`);
});

// Each file of a corpus: read and listed as wasm-tools lists it, or refused with a named reason.
// Returns whether it was read.
function inspectOne(path) {
  const r = runFuse('inspect', '--json', path);
  assert.equal(r.signal, null, `wasm-fuse died of ${r.signal}`);
  if (r.status !== 0) {
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^error: .*(not a component|not supported).*\(at offset 0x[0-9a-f]+\)\n$/);
    return false;
  }
  const listed = JSON.parse(r.stdout);
  const wit = witNames(path);
  // Resource types and their functions (`[constructor]r`, `[method]r.f`) at world level are what
  // wasm-tools prints as `resource` blocks.
  const plain = (items) => items.filter((i) => i.kind !== 'type' && !i.name.startsWith('['));
  const types = [...listed.imports, ...listed.exports].filter((i) => i.kind === 'type');
  assert.deepEqual(plain(listed.imports).map((i) => i.name), wit.imports);
  assert.deepEqual(plain(listed.exports).map((e) => e.name), wit.exports);
  assert.deepEqual(types.map((t) => t.name).sort(), [...wit.resources].sort());
  return true;
}

const wasmFiles = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort() : []);
for (const file of wasmFiles(corpus)) {
  test(`inspect ${file}`, () => {
    inspectOne(join(corpus, file));
  });
}

// jco's test fixtures (tests/corpus/jco/README.md): the count read is asserted, so that a change
// that refuses more cannot pass.
const jcoCorpus = join(root, 'tests', 'corpus', 'jco');
test('inspect reads every component of jco\'s test fixtures', () => {
  const read = [];
  const refused = [];
  for (const file of wasmFiles(jcoCorpus)) {
    (inspectOne(join(jcoCorpus, file)) ? read : refused).push(file);
  }
  assert.equal(read.length + refused.length, 52);
  // The two refused are core modules, which are not components.
  assert.deepEqual(refused, ['jco--modules_exitcode.wasm', 'jco-transpile--wasi_snapshot_preview1.reactor.wasm']);
  assert.equal(read.length, 50);
});
