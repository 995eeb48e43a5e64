import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildCurl, shellQuote } from '../../../src/extension/events/inspector/curl';

describe('copy as curl', () => {
  it('quotes anything for the shell: the shell gives back the exact string', () => {
    for (const value of [`it's`, `$(touch /tmp/pwned) \`id\` "q" \\ ; | &`, 'line1\nline2', '']) {
      const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      assert.equal(echoed, value);
    }
  });

  it('keeps method, URL, the headers as received (minus hop-by-hop ones) and the exact body', () => {
    const body = `{"type":"batch.succeeded","note":"it's $(rm -rf /)"}`;
    const command = buildCurl(
      {
        method: 'POST',
        headers: {
          host: '127.0.0.1:1',
          'content-length': '51',
          connection: 'keep-alive',
          'webhook-id': 'msg_1',
          'webhook-signature': 'v1,abc=',
          'content-type': 'application/json',
        },
        body,
      },
      'http://127.0.0.1:8788/webhooks',
    );
    assert.match(command, /^curl -X 'POST' 'http:\/\/127\.0\.0\.1:8788\/webhooks'/);
    assert.match(command, /-H 'webhook-id: msg_1'/);
    assert.match(command, /-H 'webhook-signature: v1,abc='/);
    assert.doesNotMatch(command, /content-length|connection|host:/i);
    // The body argument, evaluated by a real shell, is byte for byte the original.
    const bodyArg = command.slice(command.indexOf('--data-binary ') + '--data-binary '.length);
    assert.equal(execFileSync('sh', ['-c', `printf '%s' ${bodyArg}`], { encoding: 'utf8' }), body);
  });

  it('pipes a base64-stored body through base64 -d', () => {
    const command = buildCurl({ method: 'POST', headers: {}, body: Buffer.from([0, 1, 2, 255]).toString('base64'), bodyEncoding: 'base64' }, 'http://x/');
    assert.match(command, /^printf '%s' 'AAEC\/w==' \| base64 -d \| curl/);
    assert.match(command, /--data-binary @-$/);
  });
});
