// Serves the browser demo (make web): build/web at /, and jco's preview2 shim at /shim/.
//
//   node tools/serve-web.mjs [PORT]      (default 8080; 0 picks a free port)
//
// Also a module: serveWeb({ port }) resolves with { url, close() } (tests/web.test.mjs).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const mounts = [
  ['/shim/', join(root, 'node_modules', '@bytecodealliance', 'preview2-shim')],
  ['/', join(root, process.env.BUILD ?? 'build', 'web')],
];
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.png': 'image/png', '.css': 'text/css', '.json': 'application/json',
};

// The file under a mount for a URL path, or null: nothing outside the mounted directories.
function fileFor(urlPath) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      if (statSync(file).isFile()) return file;
    } catch {
      return null;
    }
  }
  return null;
}

export function serveWeb({ port = 8080, host = '127.0.0.1' } = {}) {
  const server = createServer((req, res) => {
    let file = null;
    try {
      file = fileFor(req.url ?? '/');
    } catch {
      file = null;  // a malformed escape in the path
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${req.url}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolvePromise({ url: `http://${host}:${actual}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = process.argv[2] === undefined ? 8080 : Number(process.argv[2]);
  const { url } = await serveWeb({ port });
  console.log(`serving the browser demo at ${url} (Ctrl-C stops)`);
}
