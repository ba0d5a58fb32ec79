// Golden tests of `wasm-fuse plug`: see tests/compose/README.md.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { componentEmbed, componentNew, parse, transpile } from '@bytecodealliance/jco';
import { component, fuse, root, wac } from './lib/project.mjs';
import { componentWit, surfaceByInspect, surfaceByWasmTools, validate, wasmTools } from './lib/wasm_tools.mjs';

const cases = join(root, 'tests', 'compose');
const bless = process.env.BLESS === '1';

// Our keyvalue WIT as one nested package, for fixtures that use it.
function keyvaluePackage() {
  const dir = join(root, 'wit', 'deps', 'keyvalue-0.2.0-draft');
  const body = readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8')
    .split('\n').filter((l) => !l.startsWith('package ')).join('\n')).join('\n');
  return `\npackage wasi:keyvalue@0.2.0-draft {\n${body}\n}\n`;
}

// Whether a WIT uses `stream` or `future` types (not a name such as `output-stream`).
const usesAsyncTypes = (wit) => /(?<![-\w])(stream|future)(?![-\w])/.test(wit);

async function makeInput(dir, file) {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  if (file.endsWith('.ref')) return readFileSync(component(text.trim()));
  if (file.endsWith('.wat')) return parse(text);
  if (file.endsWith('.compose')) return composeFirst(dir, text.trim().split(/\s+/));
  let source = text;
  if (source.includes('wasi:keyvalue/') && !source.includes('package wasi:keyvalue')) {
    source += keyvaluePackage();
  }
  const world = /^\s*world\s+([a-z0-9-]+)/m.exec(source)[1];
  if (usesAsyncTypes(source)) {
    // jco 1.10.2 encodes streams and futures in a draft form that predates the specification's:
    // such a WIT is embedded by the pinned wasm-tools instead.
    const work = mkdtempSync(join(tmpdir(), 'kv-compose-wit-'));
    try {
      writeFileSync(join(work, 'socket.wit'), source);
      const run = (...args) => {
        const r = spawnSync(wasmTools, args, { cwd: work, encoding: 'utf8' });
        assert.equal(r.status, 0, `wasm-tools ${args.join(' ')}: ${r.stderr}`);
      };
      run('component', 'embed', '--dummy-names', 'legacy', '--world', world, 'socket.wit', '-o', 'core.wasm');
      run('component', 'new', 'core.wasm', '-o', 'component.wasm');
      return readFileSync(join(work, 'component.wasm'));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const dummy = await componentEmbed({ dummy: true, witSource: source, world });
  return componentNew(dummy, []);
}

// `COMPOSER PLUG... SOCKET` (a `.compose` input): the socket composed with the plugs first, by
// `wasm-fuse`, `wac` or `wasm-tools-compose` (`wasm-tools compose -d PLUG`), so that a case can
// fuse what a composer wrote.
async function composeFirst(dir, [composer, ...files]) {
  const work = mkdtempSync(join(tmpdir(), 'kv-compose-first-'));
  try {
    const names = [];
    for (const f of files) {
      // Kebab-case stems: wasm-tools compose names instances after its definitions' files.
      const name = `input-${String.fromCharCode(97 + names.length)}.wasm`;
      writeFileSync(join(work, name), await makeInput(dir, f));
      names.push(name);
    }
    const socket = names.pop();
    const commands = {
      'wasm-fuse': [fuse, 'plug', ...names.flatMap((n) => ['--plug', n]), socket],
      wac: [wac, 'plug', ...names.flatMap((n) => ['--plug', n]), socket],
      'wasm-tools-compose': [wasmTools, 'compose', ...names.flatMap((n) => ['-d', n]), socket],
    };
    assert.ok(commands[composer], `unknown composer \`${composer}\` (expected ${Object.keys(commands).join(', ')})`);
    const [tool, ...args] = commands[composer];
    const r = spawnSync(tool, [...args, '-o', 'out.wasm'], { cwd: work, encoding: 'utf8' });
    assert.equal(r.status, 0, `${composer} plug: ${r.stderr}`);
    return readFileSync(join(work, 'out.wasm'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function expect(dir, file, actual) {
  const path = join(dir, file);
  if (bless) {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${path} is missing: run with BLESS=1 to write it`);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

// Differential check against wac on the same inputs. Where both compose, both outputs validate
// and `wasm-tools component wit` prints the same world for each. Where only one of the two
// composes, the case says why in `wac.txt` (its first line `wac refuses:` or `wac accepts:`, then
// the reason), and the test checks that this is still so; `wac differs:` marks a case both compose
// into different worlds, `wac differs in names only:` into the same imports and exports written
// differently.
function checkAgainstWac(dir, work, theirs, oursComposed) {
  const note = existsSync(join(dir, 'wac.txt')) ? readFileSync(join(dir, 'wac.txt'), 'utf8') : '';
  // wac ran and answered: a missing tool or a crash is not a refusal.
  assert.equal(theirs.error, undefined, `wac did not run: ${theirs.error}`);
  assert.equal(theirs.signal, null, `wac died of ${theirs.signal}`);
  assert.ok(theirs.status === 0 || /error/i.test(theirs.stderr), `wac failed without an error: ${theirs.stderr}`);
  const wacComposed = theirs.status === 0;
  if (oursComposed && wacComposed) {
    const out = join(work, 'wac.wasm');
    assert.equal(validate(out), '', 'wasm-tools validate of wac\'s output');
    const wit = componentWit;
    if (note.startsWith('wac differs')) {
      // Known: both valid, different worlds (the note says how); `in names only`: the same
      // imports and exports, written differently.
      if (note.startsWith('wac differs in names only:')) {
        assert.deepEqual(surfaceByWasmTools(join(work, 'fused.wasm')), surfaceByWasmTools(out));
      }
      assert.notEqual(wit(join(work, 'fused.wasm')), wit(out), `${dir}/wac.txt: the two now agree; remove it`);
      return;
    }
    assert.equal(note, '', `${dir}/wac.txt says the two differ, but both composed the same`);
    assert.equal(wit(join(work, 'fused.wasm')), wit(out), 'wasm-fuse and wac composed different worlds');
  } else if (oursComposed !== wacComposed) {
    const expected = oursComposed ? 'wac refuses:' : 'wac accepts:';
    assert.ok(note.startsWith(expected),
      `wasm-fuse ${oursComposed ? 'composed' : 'refused'} and wac ${wacComposed ? 'composed' : `refused (${theirs.stderr.trim()})`}: ` +
      `say why in ${dir}/wac.txt, starting \`${expected}\``);
  } else {
    assert.equal(note, '', `${dir}/wac.txt says the two differ, but both refused`);
  }
}

for (const name of readdirSync(cases).filter((n) => !n.includes('.')).sort()) {
  test(`compose: ${name}`, async () => {
    const dir = join(cases, name);
    const work = mkdtempSync(join(tmpdir(), `fuse-${name}-`));
    try {
      const files = readdirSync(dir).filter((f) => /^(socket|plug\d*)\.(wit|wat|ref|compose)$/.test(f)).sort();
      const plugs = [];
      for (const f of files) {
        const stem = f.slice(0, f.lastIndexOf('.'));
        writeFileSync(join(work, `${stem}.wasm`), await makeInput(dir, f));
        if (stem !== 'socket') plugs.push('--plug', `${stem}.wasm`);
      }
      const r = spawnSync(fuse, ['plug', ...plugs, 'socket.wasm', '-o', 'fused.wasm'],
        { cwd: work, encoding: 'utf8' });
      assert.equal(r.signal, null, `wasm-fuse died of ${r.signal}`);
      // The same inputs through wac, the reference composer (differential: see checkAgainstWac).
      const theirs = spawnSync(wac, ['plug', ...plugs, 'socket.wasm', '-o', 'wac.wasm'], { cwd: work, encoding: 'utf8' });
      if (name.startsWith('bad-')) {
        assert.equal(r.status, 1, `expected failure, got ${r.status}: ${r.stderr}`);
        assert.ok(!existsSync(join(work, 'fused.wasm')), 'a failed plug must write no output');
        expect(dir, 'error.txt', r.stderr);
        checkAgainstWac(dir, work, theirs, false);
        return;
      }
      assert.equal(r.status, 0, r.stderr);
      const inspected = spawnSync(fuse, ['inspect', 'fused.wasm'], { cwd: work, encoding: 'utf8' });
      assert.equal(inspected.status, 0, inspected.stderr);
      expect(dir, 'fused.txt', r.stderr + inspected.stdout);
      // Independent checks: wasm-tools validates the fused component and reads the same imports
      // and exports as our inspect; jco transpile runs its own validator over it.
      const out = join(work, 'fused.wasm');
      assert.equal(validate(out), '', 'wasm-tools validate');
      assert.deepEqual(surfaceByInspect(out), surfaceByWasmTools(out));
      const bytes = readFileSync(out);
      // jco 1.10.2 reads no stream or future types (see makeInput): there wasm-tools stands alone.
      const asyncTypes = files.some((f) => f.endsWith('.wit') && usesAsyncTypes(readFileSync(join(dir, f), 'utf8')));
      if (!asyncTypes) await transpile(bytes, { name: 'fused', quiet: true });
      checkAgainstWac(dir, work, theirs, true);
      // Deterministic: fusing again gives the same bytes.
      spawnSync(fuse, ['plug', ...plugs, 'socket.wasm', '-o', 'again.wasm'], { cwd: work });
      assert.ok(bytes.equals(readFileSync(join(work, 'again.wasm'))), 'output is not deterministic');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}
