// The cost of one wasi:io call through jco's preview2 shim under Node.js: the shim runs stream
// and socket I/O on a worker thread, and each call is a message there and an Atomics.wait for the
// answer. Measured with output-stream.check-write on stdout, which does no I/O of its own.
// Prints microseconds per call.
import { cli } from '@bytecodealliance/preview2-shim';

const out = cli.stdout.getStdout();
for (let i = 0; i < 200; ++i) out.checkWrite();
const n = 2000;
const start = process.hrtime.bigint();
for (let i = 0; i < n; ++i) out.checkWrite();
console.log((Number(process.hrtime.bigint() - start) / 1e3 / n).toFixed(1));
