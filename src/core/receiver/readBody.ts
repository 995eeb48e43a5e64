/** Reads a request body up to a limit: stops reading (and says so) as soon as the limit is passed. */
import { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  | { readonly kind: 'oversized'; readonly body: Buffer; readonly bytes: number }
  | { readonly kind: 'incomplete'; readonly body: Buffer; readonly bytes: number };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => readBodyThen(req, limit, resolve));
}

/** The same, calling `then` (once) instead of settling a promise: the receiver's hot path goes on in the same turn. */
export function readBodyThen(req: IncomingMessage, limit: number, then: (result: BodyResult) => void): void {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.pause();
    then({ kind: 'oversized', body: Buffer.alloc(0), bytes: declared });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (result: BodyResult) => {
    if (done) return;
    done = true;
    req.off('data', onData);
    then(result);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      const kept = chunk.subarray(0, Math.max(0, chunk.length - (size - limit)));
      chunks.push(kept);
      req.pause();
      finish({ kind: 'oversized', body: Buffer.concat(chunks), bytes: size });
      return;
    }
    chunks.push(chunk);
  };
  req.on('data', onData);
  req.once('end', () => finish({ kind: 'complete', body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
  req.once('error', () => finish({ kind: 'incomplete', body: Buffer.concat(chunks), bytes: size }));
  req.once('close', () => finish({ kind: 'incomplete', body: Buffer.concat(chunks), bytes: size }));
}
