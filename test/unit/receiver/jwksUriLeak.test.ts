/** The JWKS URI reaches reasons, log lines and the history only as safeUrl masks it (issue 12 item 6). */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { verifyCapture, parseCapture } from '../../../src/core/capture';
import { startReceiver } from '../../../src/core/receiver';
import { deliveryJson, formatDeliveryLine } from '../../../src/core/receiver/deliveryLine';
import { JwksServer, newEd25519Key, newKey, signedDynamic, signedV1a, TEST_AUDIENCE } from '../verify/fixtures';
import { nextRecords, post } from './helpers';

const HIDDEN = /alice|s3cret|tok3n/;

describe('the JWKS URI in messages', function () {
  this.timeout(20_000);

  it('reasons, log lines, JSON lines, the history file and capture results show it with credentials and query masked', async () => {
    const jwks = await new JwksServer().start();
    jwks.keys = [newEd25519Key('k1').publicJwk];
    const dir = mkdtempSync(path.join(tmpdir(), 'gw-jwks-'));
    const logged: string[] = [];
    const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
    const secretUri = jwks.uri.replace('http://', 'http://alice:s3cret@') + '?token=tok3n';
    const closedUri = 'http://alice:s3cret@127.0.0.1:9/jwks.json?token=tok3n';
    const file = path.join(dir, 'history.jsonl');
    const receiver = await startReceiver({ port: 0, jwksUri: secretUri, audience: TEST_AUDIENCE, historyPath: file, log, jwksCooldownMs: 0 });
    const unreachable = await startReceiver({ port: 0, jwksUri: closedUri, audience: TEST_AUDIENCE, log });
    try {
      const records = nextRecords(receiver, 2);
      const forged = signedV1a([newEd25519Key()]);
      assert.equal((await post(receiver.url, forged.headers, forged.body)).status, 401);
      const token = await signedDynamic(await newKey('k-unknown'));
      assert.equal((await post(receiver.url, token.headers, token.body)).status, 401);
      const down = nextRecords(unreachable, 1);
      const d = signedV1a([newEd25519Key()]);
      assert.equal((await post(unreachable.url, d.headers, d.body)).status, 503);
      const all = [...(await records), ...(await down)];
      for (const r of all) {
        assert.match(String(r.reason), / at http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/[^ ]*token=\*\*\*/, String(r.reason));
        assert.ok(!HIDDEN.test(JSON.stringify(r)), JSON.stringify(r));
        assert.ok(!HIDDEN.test(formatDeliveryLine(r)));
        assert.ok(!HIDDEN.test(JSON.stringify(deliveryJson(r))));
      }
      await receiver.close();
      assert.ok(!HIDDEN.test(readFileSync(file, 'utf8')), 'history file');
      assert.ok(!HIDDEN.test(logged.join('\n')), logged.join('\n'));

      const parsed = parseCapture(
        `POST /webhooks HTTP/1.1\r\n${Object.entries(forged.headers)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n${forged.body}`,
      );
      assert.ok(parsed.ok);
      const result = await verifyCapture(parsed.captures[0], { secrets: () => [], jwksUri: closedUri });
      assert.match(String(result.reason), /key set at http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:9\/jwks\.json\?token=\*\*\*/);
    } finally {
      await receiver.close();
      await unreachable.close();
      await jwks.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
