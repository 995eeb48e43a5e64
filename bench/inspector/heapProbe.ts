/**
 * A probe extension for benchmarks that need the extension host's memory after garbage collection:
 * written to a temporary folder and installed beside the extension, it runs in the same extension
 * host, turns on `gc()` at run time (v8 --expose-gc) and answers GET on 127.0.0.1:$GEMINI_WEBHOOKS_BENCH_HEAP_PORT
 * with the host's memory after three full collections. The extension under test is not changed.
 */
import * as fs from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface HostHeap {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly mallocedMemory: number;
}

const MAIN = `
const http = require('node:http');
const v8 = require('node:v8');
const vm = require('node:vm');
exports.activate = () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const server = http.createServer((req, res) => {
    for (let i = 0; i < 3; i++) gc();
    const m = process.memoryUsage();
    const h = v8.getHeapStatistics();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, mallocedMemory: h.malloced_memory }));
  });
  server.listen(Number(process.env.GEMINI_WEBHOOKS_BENCH_HEAP_PORT), '127.0.0.1');
  return { dispose: () => server.close() };
};
`;

/** Writes the probe extension and returns its folder. */
export function heapProbeExtension(): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'gw-heap-probe-'));
  const manifest = {
    name: 'heap-probe',
    publisher: 'gemini-webhooks-bench',
    version: '0.0.1',
    engines: { vscode: '^1.100.0' },
    main: './main.js',
    activationEvents: ['*'],
    extensionKind: ['workspace'],
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(dir, 'main.js'), MAIN);
  return dir;
}

/** The extension host's memory after GC (waits up to 60 s for the probe to listen). */
export async function afterGc(port: number): Promise<HostHeap> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      return await new Promise<HostHeap>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/', timeout: 30_000 }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(JSON.parse(text) as HostHeap));
        });
        req.on('error', reject);
        req.end();
      });
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
