/** The capture reader: each form (raw HTTP, curl -v, exported records, curl commands) and each bad input gets bytes or a plain reason. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CapturedRequest, MAX_CAPTURE_BYTES, parseCapture } from '../../../src/core/capture';
import { toJsonLines } from '../../../src/core/receiver/history';
import type { ReceivedDelivery } from '../../../src/core/receiver/types';
import { buildCurl } from '../../../src/extension/events/inspector/curl';

const BODY = '{"type":"batch.succeeded","data":{"id":"batch_1"}}';
const HEADERS = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,c2lnbmF0dXJl' };

function one(input: string | Uint8Array): CapturedRequest {
  const parsed = parseCapture(input);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  assert.equal(parsed.captures.length, 1);
  return parsed.captures[0];
}

function reason(input: string | Uint8Array): string {
  const parsed = parseCapture(input);
  assert.ok(!parsed.ok, 'expected a reason, got a capture');
  return parsed.reason;
}

function record(overrides: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  return {
    seq: 7,
    receivedAt: '2023-11-14T22:13:20.000Z',
    method: 'POST',
    path: '/webhooks',
    headers: { host: '127.0.0.1:8788', 'content-type': 'application/json', 'content-length': String(BODY.length), ...HEADERS },
    body: BODY,
    bodyBytes: BODY.length,
    verdict: 'verified',
    scheme: 'static',
    latencyMs: 1,
    httpStatus: 200,
    ...overrides,
  };
}

describe('parseCapture', () => {
  describe('raw HTTP requests', () => {
    it('reads a CRLF request (request line, headers, blank line, body) with lower-cased names', () => {
      const c = one(
        `POST /webhooks?x=1 HTTP/1.1\r\nHost: example.test\r\nWebhook-Id: msg_1\r\nWebhook-Timestamp: 1700000000\r\nWebhook-Signature: v1,abc=\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
      );
      assert.equal(c.form, 'http');
      assert.equal(c.source, 'raw HTTP request');
      assert.equal(c.method, 'POST');
      assert.equal(c.path, '/webhooks?x=1');
      assert.equal(c.headers['webhook-id'], 'msg_1');
      assert.equal(c.headers['webhook-signature'], 'v1,abc=');
      assert.equal(c.rawBody.toString(), BODY);
      assert.deepEqual(c.notes, []);
    });

    it('reads LF-only line ends, no request line, folded and repeated headers, HTTP/2 pseudo-headers', () => {
      const c = one(`:method: POST\n:path: /in\nwebhook-id: msg_1\nx-long: a\n  b\nx-twice: 1\nx-twice: 2\n\n${BODY}`);
      assert.equal(c.method, 'POST');
      assert.equal(c.path, '/in');
      assert.equal(c.headers['x-long'], 'a b');
      assert.equal(c.headers['x-twice'], '1, 2');
      assert.equal(c.rawBody.toString(), BODY);
      const bare = one(`webhook-id: msg_1\n\n${BODY}`);
      assert.equal(bare.method, undefined);
      assert.equal(bare.rawBody.toString(), BODY);
    });

    it('keeps the body byte for byte, CRLFs and non-UTF-8 bytes included', () => {
      const body = Buffer.from([0x7b, 0x0d, 0x0a, 0xff, 0x00, 0x7d]);
      const c = one(Buffer.concat([Buffer.from('POST / HTTP/1.1\r\nwebhook-id: m\r\n\r\n'), body]));
      assert.deepEqual(c.rawBody, body);
    });

    it('drops a trailing line end the content-length proves is not body, and says so', () => {
      const c = one(`POST / HTTP/1.1\nwebhook-id: m\ncontent-length: ${BODY.length}\n\n${BODY}\r\n`);
      assert.equal(c.rawBody.toString(), BODY);
      assert.match(c.notes[0], /dropped 2 trailing line-end bytes after the body \(content-length says \d+\)/);
    });

    it('verifies a body whose length disagrees with its content-length as captured, naming which is which', () => {
      const shorter = one(`POST / HTTP/1.1\nwebhook-id: m\ncontent-length: 100\n\n${BODY}`);
      assert.equal(shorter.rawBody.toString(), BODY);
      assert.match(shorter.notes[0], new RegExp(`content-length says 100 bytes but the captured body has ${BODY.length}: verified the body as captured`));
      const longer = one(`POST / HTTP/1.1\nwebhook-id: m\ncontent-length: 5\n\n${BODY}`);
      assert.equal(longer.rawBody.toString(), BODY);
      assert.match(longer.notes[0], /content-length says 5 bytes but the captured body has \d+/);
    });

    it('de-chunks a body copied raw with transfer-encoding: chunked', () => {
      const c = one(`POST / HTTP/1.1\r\nwebhook-id: m\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n2\r\n1}\r\n0\r\n\r\n`);
      assert.equal(c.rawBody.toString(), '{"a":1}');
      assert.match(c.notes[0], /chunked/);
    });

    it('refuses headers run into the body without a blank line, and other non-header lines, with the line number', () => {
      assert.match(reason(`POST / HTTP/1.1\nwebhook-id: m\n${BODY}`), /no blank line between the headers and the body: line 3 .* looks like the body/);
      assert.match(reason('POST / HTTP/1.1\nwebhook-id: m\nnot a header\n\n{}'), /line 3 is not a header/);
      assert.match(reason('hello world'), /line 1 is neither a request line .* nor a header/);
      assert.match(reason('HTTP/1.1 200 OK\ncontent-type: application/json\n\n{}'), /this is an HTTP response .*, not the request/);
      assert.match(reason('POST /webhooks HTTP/1.1\n\n{}'), /no headers found/);
    });
  });

  describe('curl -v output', () => {
    const verbose = (body: string) =>
      [
        '*   Trying 127.0.0.1:8788...',
        '* Connected to 127.0.0.1 (127.0.0.1) port 8788',
        '> POST /webhooks HTTP/1.1',
        '> Host: 127.0.0.1:8788',
        '> User-Agent: curl/8.5.0',
        '> webhook-id: msg_1',
        '> webhook-timestamp: 1700000000',
        '> webhook-signature: v1,abc=',
        `> Content-Length: ${BODY.length}`,
        '> ',
        ...(body ? [body] : []),
        '< HTTP/1.1 200 OK',
        '< content-type: application/json',
        '< ',
        '{"status":"verified"}',
      ].join('\r\n');

    it('takes the "> " lines as the request and a body pasted after them', () => {
      const c = one(verbose(BODY));
      assert.equal(c.form, 'curl-verbose');
      assert.equal(c.source, 'curl -v output');
      assert.equal(c.method, 'POST');
      assert.equal(c.path, '/webhooks');
      assert.equal(c.headers['webhook-signature'], 'v1,abc=');
      assert.equal(c.rawBody.toString(), BODY, 'the response body after the < lines is not the request body');
      assert.deepEqual(c.notes, []);
    });

    it('reads a transcript that starts with the command that printed it', () => {
      const c = one(`$ curl -v http://127.0.0.1:8788/webhooks -H 'webhook-id: msg_1' -d @body.json\n${verbose(BODY)}`);
      assert.equal(c.form, 'curl-verbose');
      assert.equal(c.rawBody.toString(), BODY);
    });

    it('says that curl -v does not print the body when none was pasted', () => {
      const c = one(verbose(''));
      assert.equal(c.rawBody.length, 0);
      assert.match(c.notes[0], /content-length says \d+ bytes but the captured body has 0: .*curl -v does not print the request body/);
    });
  });

  describe('exported inspector records', () => {
    it('reads one record, pretty-printed or not, with its time, method, path and source', () => {
      for (const text of [JSON.stringify(record()), JSON.stringify(record(), null, 2)]) {
        const c = one(text);
        assert.equal(c.form, 'record');
        assert.equal(c.source, 'exported record #7');
        assert.equal(c.receivedAt, '2023-11-14T22:13:20.000Z');
        assert.equal(c.path, '/webhooks');
        assert.equal(c.headers['webhook-id'], 'msg_1');
        assert.equal(c.rawBody.toString(), BODY);
      }
    });

    it('reads a JSON Lines export (toJsonLines) record by record, and a JSON array', () => {
      const records = [record({ seq: 1 }), record({ seq: 2, body: Buffer.from([1, 2, 255]).toString('base64'), bodyEncoding: 'base64', bodyBytes: 3 })];
      for (const text of [toJsonLines(records), JSON.stringify(records)]) {
        const parsed = parseCapture(text);
        assert.ok(parsed.ok);
        assert.deepEqual(
          parsed.captures.map((c) => c.source),
          ['exported record #1', 'exported record #2'],
        );
        assert.deepEqual(parsed.captures[1].rawBody, Buffer.from([1, 2, 255]));
        assert.equal(parsed.captures[1].unverifiable, undefined);
      }
    });

    it('marks a record whose stored body was truncated as unverifiable, saying why', () => {
      const c = one(JSON.stringify(record({ body: BODY.slice(0, 10), bodyBytes: BODY.length, bodyTruncated: true })));
      assert.match(c.unverifiable ?? '', new RegExp(`the stored body was truncated \\(10 of ${BODY.length} bytes kept\\), so its signature cannot be checked`));
      // Without the mark, a body that disagrees with its bodyBytes (an edited record) is verified as it is, with a note.
      const edited = one(JSON.stringify(record({ headers: HEADERS, body: BODY.slice(1), bodyBytes: BODY.length })));
      assert.equal(edited.unverifiable, undefined);
      assert.match(edited.notes[0], /the record says \d+ bytes were received but its body has \d+: verified the body as it is/);
    });

    it('refuses JSON that is not a record, naming the line', () => {
      assert.match(reason(BODY), /not an exported inspector record: it has no headers and body \(it looks like a delivery body alone/);
      assert.match(reason(`${JSON.stringify(record())}\n{"seq": 2, oops\n`), /^line 2 is not JSON/);
      assert.match(reason('{"headers": {'), /^not JSON/);
      assert.match(reason('[]'), /holds no records/);
      assert.match(reason(JSON.stringify(record({ headers: { a: 1 } as unknown as Record<string, string> }))), /header a is not text/);
      assert.match(reason(JSON.stringify(record({ body: '@@@', bodyEncoding: 'base64' }))), /says base64 but is not/);
    });
  });

  describe('curl commands', () => {
    it('reads what Copy as curl writes, and the shell agrees on the body', () => {
      const body = `{"type":"batch.succeeded","note":"it's \\"quoted\\" $(not run) \`nor this\`"}`;
      const command = buildCurl(
        { method: 'POST', headers: { ...HEADERS, 'content-type': 'application/json', host: 'x' }, body },
        'http://127.0.0.1:8788/webhooks',
      );
      const c = one(command);
      assert.equal(c.form, 'curl');
      assert.equal(c.source, 'curl command');
      assert.equal(c.method, 'POST');
      assert.equal(c.path, '/webhooks');
      assert.deepEqual(c.headers, { ...HEADERS, 'content-type': 'application/json' });
      assert.equal(c.rawBody.toString(), body);
      // A real shell passes curl the same bytes.
      const arg = command.slice(command.indexOf('--data-binary ') + '--data-binary '.length);
      assert.equal(execFileSync('sh', ['-c', `printf '%s' ${arg}`], { encoding: 'utf8' }), body);
    });

    it('reads the base64 pipeline Copy as curl writes for a binary body', () => {
      const bytes = Buffer.from([0, 1, 2, 255, 10]);
      const c = one(buildCurl({ method: 'POST', headers: HEADERS, body: bytes.toString('base64'), bodyEncoding: 'base64' }, 'http://x/webhooks'));
      assert.deepEqual(c.rawBody, bytes);
      assert.equal(c.headers['webhook-id'], 'msg_1');
    });

    it("reads -H/--header, -d/--data/--data-raw/--data-binary, double quotes, $'…' and backslash-newline continuations", () => {
      const c = one(
        [
          `$ curl -sS -XPOST "http://localhost:8788/webhooks" \\`,
          `  -H "webhook-id: msg_\\"1\\"" \\`,
          `  --header 'webhook-timestamp: 1700000000' \\\r`,
          `  -H$'webhook-signature: v1,\\x61bc=' \\`,
          `  --data-raw '{"a":' --data $'1,"b":"\\u00e9\\n"' -d "\\$x" --data-binary '}' 2>&1 | tee out.txt`,
        ].join('\n'),
      );
      assert.equal(c.path, '/webhooks');
      assert.equal(c.method, 'POST');
      assert.equal(c.headers['webhook-id'], 'msg_"1"');
      assert.equal(c.headers['webhook-timestamp'], '1700000000');
      assert.equal(c.headers['webhook-signature'], 'v1,abc=');
      assert.equal(c.rawBody.toString('utf8'), '{"a":&1,"b":"é\n"&$x&}', 'several data options are joined with & as curl does');
    });

    it('reads --json, printf/echo on stdin, and defaults the method from the data', () => {
      const json = one(`curl --json '{"a":1}' http://x/h`);
      assert.equal(json.headers['content-type'], 'application/json');
      assert.equal(json.rawBody.toString(), '{"a":1}');
      assert.equal(json.method, 'POST');
      const echoed = one(`echo '{"a":1}' | curl http://x/h --data-binary @-`);
      assert.equal(echoed.rawBody.toString(), '{"a":1}\n');
      const dataStripped = one(`printf '%s' $'{"a":\\n1}' | curl http://x/h -d @-`);
      assert.equal(dataStripped.rawBody.toString(), '{"a":1}', '-d @- drops newlines as curl does');
      assert.equal(one('curl http://x/h -H "webhook-id: m"').method, 'GET');
    });

    it('refuses what it cannot follow, with a reason', () => {
      assert.match(reason('curl -d @body.json http://x/h'), /read from a file \(@body\.json\), which the capture does not include/);
      assert.match(reason('curl -d "$BODY" http://x/h'), /shell expansion \(\$BODY\) that cannot be evaluated here/);
      assert.match(reason(`curl -d '{"a":1} http://x/h`), /unterminated ' quote/);
      assert.match(reason('curl -H "webhook-id: m" -d x'), /has no URL/);
      assert.match(reason('curl -F file=@x http://x/h'), /multipart form/);
      assert.match(reason('curl http://x/h -H'), /option -H has no value/);
      assert.match(reason('cat body.json | curl http://x/h --data-binary @-'), /the body comes from "cat body.json", which cannot be run here/);
    });
  });

  describe('bad input', () => {
    it('empty or blank', () => {
      assert.equal(reason(''), 'the capture is empty');
      assert.equal(reason(' \r\n\t\n'), 'the capture is empty');
      assert.equal(reason(new Uint8Array(0)), 'the capture is empty');
    });

    it('binary junk', () => {
      assert.match(reason(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), /binary data \(12 bytes\)/);
      assert.match(reason(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x41, 0x3a, 0x20, 0x42])), /binary data/);
    });

    it('huge input is refused without being parsed', () => {
      const huge = Buffer.alloc(MAX_CAPTURE_BYTES + 1, 0x61);
      assert.match(reason(huge), /the capture is 10 MB, over the 10 MB limit/);
    });

    it('never throws on random bytes or random text', () => {
      for (let i = 0; i < 300; i++) {
        const bytes = Buffer.from(Array.from({ length: 1 + ((i * 37) % 200) }, (_, k) => (k * 131 + i * 17) % (i % 2 ? 256 : 128)));
        const parsed = parseCapture(bytes);
        assert.equal(typeof parsed.ok, 'boolean');
      }
      for (const text of ['curl', 'curl \\', "curl $'", 'curl "', '{', '[1,2]', '> POST / HTTP/1.1', 'POST', ':', 'a:\n\n', 'printf | curl x']) {
        const parsed = parseCapture(text);
        assert.equal(typeof parsed.ok, 'boolean', text);
      }
    });
  });
});
