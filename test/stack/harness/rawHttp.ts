/**
 * One HTTP/1.1 POST over a plain socket, for body-limit tests: the declared Content-Length and what is
 * actually sent are the test's to choose (a 256 MiB declaration with no body at all; a chunked body
 * with no length), it stops sending as soon as an answer starts, and it reads that answer even when
 * the server closes the connection on a body it refused.
 */
import { createConnection } from 'node:net';

export interface RawPost {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Content-Length to declare; omitted: the body goes chunked. */
  readonly contentLength?: number;
  /** Bytes of body to send at most (in chunks of 256 KiB of `fill`, or `body` as is). */
  readonly send: number;
  readonly body?: Buffer;
  readonly timeoutMs?: number;
}

export interface RawAnswer {
  /** null: no answer came (the connection closed, or the time ran out). */
  readonly status: number | null;
  readonly text: string;
  /** Body bytes written before the answer started (or the sending ended). */
  readonly sent: number;
}

const CHUNK = 256 * 1024;

export function rawPost(options: RawPost): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: options.port });
    const chunked = options.contentLength === undefined;
    let reply = '';
    let sent = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
      resolve({ status: status ? Number(status[1]) : null, text: reply, sent });
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 60_000);
    const answered = () => reply.length > 0;
    const drained = () =>
      new Promise<void>((resolve) => {
        const done = () => {
          socket.off('drain', done).off('close', done);
          resolve();
        };
        socket.on('drain', done).on('close', done);
      });
    socket.on('data', (data: Buffer) => {
      reply += data.toString('latin1');
      const head = reply.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(reply);
      if (head >= 0 && length && reply.length >= head + 4 + Number(length[1])) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => undefined); // a reset after a refused body: the answer, if any, was read
    socket.on('connect', async () => {
      const headers = {
        ...options.headers,
        host: `127.0.0.1:${options.port}`,
        ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(options.contentLength) }),
      };
      socket.write(
        `POST ${options.path} HTTP/1.1\r\n${Object.entries(headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
      );
      const fill = Buffer.alloc(CHUNK, 0x61);
      while (sent < options.send && !answered() && !socket.destroyed) {
        const piece = options.body ? options.body.subarray(sent, sent + CHUNK) : fill.subarray(0, Math.min(CHUNK, options.send - sent));
        const framed = chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        sent += piece.length;
        if (!socket.write(framed)) await drained();
        await new Promise((r) => setImmediate(r)); // let an answer be read before writing more: a reset after it would lose it
      }
      if (chunked && sent >= options.send && !answered() && !socket.destroyed) socket.write('0\r\n\r\n');
    });
  });
}
