/**
 * A probe extension for benchmarks that need the extension host's memory after garbage collection, or
 * its CPU profile: written to a temporary folder and installed beside the extension, it runs in the same
 * extension host, turns on `gc()` at run time (v8 --expose-gc) and answers GET on
 * 127.0.0.1:$GEMINI_WEBHOOKS_BENCH_HEAP_PORT: `/` with the host's memory after three full collections,
 * `/cpu-profile/start` and `/cpu-profile/stop` (the .cpuprofile JSON) with a V8 CPU profile of the whole
 * host taken in-process (node:inspector). The extension under test is not changed.
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
const inspector = require('node:inspector');
const v8 = require('node:v8');
const vm = require('node:vm');
exports.activate = () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  let session;
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  const server = http.createServer(async (req, res) => {
    if (req.url.startsWith('/cpu-profile/')) {
      try {
        let answer = {};
        if (req.url === '/cpu-profile/start') {
          session = new inspector.Session();
          session.connect();
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', { interval: 500 });
          await post('Profiler.start');
        } else {
          answer = (await post('Profiler.stop')).profile;
          session.disconnect();
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
      return;
    }
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
export function afterGc(port: number): Promise<HostHeap> {
  return ask<HostHeap>(port, '/');
}

/** Starts a CPU profile of the extension host. */
export async function startCpuProfile(port: number): Promise<void> {
  await ask(port, '/cpu-profile/start');
}

/** Stops it and returns the profile (.cpuprofile JSON, as the Chrome DevTools and VS Code open it). */
export function stopCpuProfile(port: number): Promise<object> {
  return ask<object>(port, '/cpu-profile/stop');
}

async function ask<T>(port: number, path: string): Promise<T> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      return await new Promise<T>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, timeout: 30_000 }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as T) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
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
