/**
 * A tiny router: routes are `METHOD` + a regular expression over the path (after the API version
 * prefix for API routes). An unknown path is a 404, a known path with another method a 405.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';
import { JsonObject } from './http';

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Captured path segments, URL-decoded. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  /** Reads and parses the JSON body (`{}` when empty). */
  body(): Promise<JsonObject>;
}

/** A JSON answer (`body`), or a file's bytes as text (`text`, with its content type). */
export type RouteResult = { status?: number; body: unknown } | { status?: number; text: string; contentType: string };
export type Handler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  /** Finds the handler for `method path`; throws the 404/405 ApiError otherwise. */
  match(method: string, path: string): { handler: Handler; params: string[] } {
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      if (route.method === method) {
        return { handler: route.handler, params: m.slice(1).map(safeDecode) };
      }
      allowed.add(route.method);
    }
    if (allowed.size > 0) {
      throw new ApiError(405, 'INVALID_ARGUMENT', `Method ${method.slice(0, 16)} is not allowed on this path; allowed: ${[...allowed].join(', ')}.`, {
        allow: [...allowed].join(', '),
      });
    }
    throw new ApiError(404, 'NOT_FOUND', `No such route: ${path.slice(0, 200)}`);
  }
}

function safeDecode(segment: string | undefined): string {
  if (segment === undefined) return '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
