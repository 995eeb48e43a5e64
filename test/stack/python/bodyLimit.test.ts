/**
 * Oversize bodies, refused before they are read: Werkzeug 2.2's get_data() and Starlette's
 * request.body() read any size into memory (an unsigned 256 MiB body cost Flask ~575 MB before its
 * 401). The scaffolds check Content-Length first and count what they stream otherwise, and answer 413
 * — to a validly signed 8 MiB delivery too — while the process's peak memory stays far from the body's size.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeEnvelope } from '../../../src/core/events/envelope';
import { newMessageId } from '../../../src/core/util/randomId';
import { signStatic } from '../../../src/core/verify/staticVerifier';
import { newSecret } from '../../unit/verify/fixtures';
import { rawPost } from '../harness/rawHttp';
import { post, PythonFramework, peakResidentBytes, startHandler, staticDelivery, writeHandler } from './pythonStack';

const MiB = 1024 * 1024;

/** A batch.failed delivery of about `size` bytes (a long error_message), validly signed. */
function signedOfSize(secret: string, size: number): { headers: Record<string, string>; body: Buffer } {
  const base = makeEnvelope('batch.failed');
  const body = Buffer.from(JSON.stringify({ ...base, data: { ...base.data, error_message: 'x'.repeat(size) } }), 'utf8');
  const id = newMessageId();
  const ts = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signStatic(secret, id, ts, body) },
  };
}

describe('Python scaffolds refuse an oversize body with 413 before reading it', function () {
  this.timeout(180_000);
  const secret = newSecret();
  let root: string;
  before(() => (root = mkdtempSync(path.join(tmpdir(), 'gw-py-body-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const framework of ['flask', 'fastapi'] as PythonFramework[]) {
    const label = framework === 'flask' ? 'Flask (flask run)' : 'FastAPI (uvicorn)';
    it(`${label}: a signed 8 MiB delivery, a declared 256 MiB one, a 64 MiB chunked one — 413, and the peak memory does not grow by their size`, async () => {
      const handler = await startHandler(
        writeHandler(root, framework, framework, 'memory'),
        framework === 'flask' ? { kind: 'flask-run' } : { kind: 'uvicorn' },
        {
          secret,
        },
      );
      try {
        assert.equal((await post(handler.url, staticDelivery(secret))).status, 200, 'warm-up');
        const before = peakResidentBytes(handler.pid);
        const common = { port: handler.port, path: '/gemini-callback' };

        // Declared lengths: the answer comes from the headers alone, before any of the body is sent.
        const large = signedOfSize(secret, 8 * MiB);
        const signed = await rawPost({ ...common, headers: large.headers, contentLength: large.body.length, send: 0, timeoutMs: 20_000 });
        assert.equal(signed.status, 413, `a validly signed 8 MiB delivery: ${signed.text.slice(0, 300)}`);
        const declared = await rawPost({ ...common, headers: { 'content-type': 'application/json' }, contentLength: 256 * MiB, send: 0, timeoutMs: 20_000 });
        assert.equal(declared.status, 413, `256 MiB declared: ${declared.text.slice(0, 300)}`);

        // No length: the handler counts as it reads, and stops at its limit. Node's socket may lose the 413 to the
        // reset that follows (it writes on and fails first), so a close before the body ended counts as a refusal too.
        const chunked = await rawPost({ ...common, headers: { 'content-type': 'application/json' }, send: 64 * MiB });
        assert.ok(
          chunked.status === 413 || (chunked.status === null && chunked.sent < 64 * MiB),
          `64 MiB chunked: ${chunked.status} after ${chunked.sent} bytes ${chunked.text.slice(0, 300)}`,
        );

        const grown = peakResidentBytes(handler.pid) - before;
        assert.ok(grown < 32 * MiB, `peak resident memory grew by ${Math.round(grown / MiB)} MiB for bodies of 8, 256 and 64 MiB`);
        assert.equal((await post(handler.url, staticDelivery(secret))).status, 200, 'still serving');
      } finally {
        await handler.stop();
      }
    });
  }
});
