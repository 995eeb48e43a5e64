/**
 * The two parts of undici this project uses — `Agent` and `request()` — with what they stand on, and
 * not the rest of the package (fetch, WebSocket, EventSource, caches, cookies, mocks, proxies: half of
 * its bytes). Wired as undici's own index.js wires these two (undici 7, MIT, Matteo Collina and Undici
 * contributors): the request API on Dispatcher.prototype (`agent.request()`), and `request(url, opts)`
 * resolving the URL and the global dispatcher exactly as `undici.request` does. The bundles keep this
 * file apart as dist/undici.js (scripts/build.mjs), loaded on first use (./undici.ts).
 */
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
const Agent = require('undici/lib/dispatcher/agent') as typeof Undici.Agent;
const Dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
const api = require('undici/lib/api') as { request: (this: Undici.Dispatcher, opts: object, handler?: unknown) => unknown };
const util = require('undici/lib/core/util') as { parseOrigin(url: unknown): URL; parseURL(url: unknown): URL };
const { InvalidArgumentError } = require('undici/lib/core/errors') as { InvalidArgumentError: new (message: string) => Error };
const { getGlobalDispatcher } = require('undici/lib/global') as { getGlobalDispatcher(): Undici.Dispatcher };
/* eslint-enable @typescript-eslint/no-require-imports */

Object.assign(Dispatcher.prototype, api);

type RequestOptions = { path?: unknown; agent?: unknown; dispatcher?: Undici.Dispatcher; method?: string; body?: unknown } & Record<string, unknown>;

/** undici's `makeDispatcher(api.request)`, as its index.js has it. */
function request(url: string | URL | RequestOptions, opts?: RequestOptions | null, handler?: unknown): unknown {
  if (typeof opts === 'function') {
    handler = opts;
    opts = null;
  }
  if (!url || (typeof url !== 'string' && typeof url !== 'object' && !((url as unknown) instanceof URL))) throw new InvalidArgumentError('invalid url');
  if (opts !== null && opts !== undefined && typeof opts !== 'object') throw new InvalidArgumentError('invalid opts');
  let target: URL;
  if (opts && opts.path !== null && opts.path !== undefined) {
    if (typeof opts.path !== 'string') throw new InvalidArgumentError('invalid opts.path');
    const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
    target = new URL(util.parseOrigin(url).origin + path);
  } else {
    if (!opts) opts = typeof url === 'object' ? (url as RequestOptions) : {};
    target = util.parseURL(url);
  }
  const { agent, dispatcher = getGlobalDispatcher() } = opts;
  if (agent) throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
  return api.request.call(
    dispatcher,
    {
      ...opts,
      origin: target.origin,
      path: target.search ? `${target.pathname}${target.search}` : target.pathname,
      method: opts.method || (opts.body ? 'PUT' : 'GET'),
    },
    handler,
  );
}

const parts: Pick<typeof Undici, 'Agent' | 'request'> = { Agent, request: request as typeof Undici.request };
export = parts;
