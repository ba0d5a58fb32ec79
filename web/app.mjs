// Runs the fused, transpiled demo in the page: each line it writes to stdout becomes one item of
// the run's list. `document.body.dataset.state` ends as `done` or `failed` (tests/web.test.mjs
// waits for it).
import { _setStdout } from '@bytecodealliance/preview2-shim/cli';

const status = document.getElementById('status');
const runs = document.getElementById('runs');
let list = null;
let pending = '';
const decoder = new TextDecoder();

_setStdout({
  write(bytes) {
    pending += decoder.decode(bytes, { stream: true });
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const item = document.createElement('li');
      item.textContent = pending.slice(0, newline);
      list.append(item);
      pending = pending.slice(newline + 1);
    }
  },
  blockingFlush() {},
});

function startRun(n) {
  const section = document.createElement('section');
  section.className = 'run';
  section.innerHTML = `<h2>run ${n}</h2>`;
  list = document.createElement('ol');
  list.className = 'ops';
  section.append(list);
  runs.append(section);
}

try {
  const demo = await import('./demo/demo.js');
  for (const n of [1, 2]) {
    startRun(n);
    demo.run.run();
  }
  status.textContent = 'both runs succeeded';
  status.className = 'ok';
  document.body.dataset.state = 'done';
} catch (e) {
  status.textContent = `failed: ${e?.payload !== undefined ? JSON.stringify(e.payload) : e}`;
  status.className = 'failed';
  document.body.dataset.state = 'failed';
}
