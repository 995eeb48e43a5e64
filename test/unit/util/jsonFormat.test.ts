import * as assert from 'node:assert/strict';
import { MAX_INDENT_DEPTH, formatJson, isJsonText, rawMember } from '../../../src/core/util/jsonFormat';

/** The text without the whitespace between tokens (strings keep theirs): what the formatter may change. */
function squeeze(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, str: string | undefined) => str ?? '');
}

describe('jsonFormat: pretty-printing that never changes a token', () => {
  it('indents objects and arrays like JSON.stringify(…, null, 2) does for plain values', () => {
    const text = '{"type":"batch.succeeded","data":{"id":"batches/1","n":[1,2,{"x":null}],"empty":{},"none":[]},"ok":true}';
    assert.equal(formatJson(text), JSON.stringify(JSON.parse(text), null, 2));
  });

  it('keeps a 20-digit integer and 1e400 exactly (JSON.parse would give …000 and Infinity → null)', () => {
    const text = '{"big":12345678901234567890,"huge":1e400,"neg":-0.000,"exp":2E-7}';
    const pretty = formatJson(text);
    assert.match(pretty, /"big": 12345678901234567890,/);
    assert.match(pretty, /"huge": 1e400,/);
    assert.match(pretty, /"neg": -0\.000,/);
    assert.match(pretty, /"exp": 2E-7\n/);
    assert.equal(squeeze(pretty), text);
    assert.notEqual(JSON.stringify(JSON.parse(text)), text, 'the round trip the formatter avoids is lossy');
  });

  it('keeps duplicate keys, in order', () => {
    const text = '{"a":1,"a":2,"b":{"c":3,"c":4}}';
    const pretty = formatJson(text);
    assert.equal(pretty.match(/"a":/g)?.length, 2);
    assert.equal(pretty.match(/"c":/g)?.length, 2);
    assert.equal(squeeze(pretty), text);
  });

  it('keeps unicode escapes and every other escape as written, and strings with spaces untouched', () => {
    const text = '{"e":"caf\\u00e9","s":"\\ud83d\\ude00","q":"a \\"quoted\\"  text\\n\\t\\/","raw":"café 😀"}';
    const pretty = formatJson(text);
    assert.ok(pretty.includes('"caf\\u00e9"'));
    assert.ok(pretty.includes('"\\ud83d\\ude00"'));
    assert.ok(pretty.includes('"a \\"quoted\\"  text\\n\\t\\/"'));
    assert.ok(pretty.includes('"café 😀"'));
    assert.equal(squeeze(pretty), text);
  });

  it('leaves text that is not exactly one JSON value as it is', () => {
    for (const text of [
      '',
      '   ',
      '{"a":1',
      '{"a":1}}',
      '{"a":1} {"b":2}',
      "{'a':1}",
      '{"a":01}',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '{"a":tru}',
      '{"a":truex}',
      '{"a":"line\nbreak"}',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      '{"a":-}',
      '{"a":.5}',
      '{1:2}',
      'NaN',
      '\ufeff{}',
    ]) {
      assert.equal(formatJson(text), text, JSON.stringify(text));
      assert.equal(isJsonText(text), false, JSON.stringify(text));
    }
  });

  it('agrees with JSON.parse on what is valid (scalars at the top, whitespace around)', () => {
    for (const text of ['0', '-1.5e+3', '"x"', 'true', 'null', ' \n\t{ "a" : [ ] } \r\n', '[[[]]]']) {
      assert.equal(isJsonText(text), true, text);
      assert.doesNotThrow(() => JSON.parse(text));
    }
    assert.equal(formatJson(' \n 42 \n'), '42');
  });

  it('formats 100,000-deep nesting without recursion, indenting at most MAX_INDENT_DEPTH levels', () => {
    const depth = 100_000;
    const text = '['.repeat(depth) + '1' + ']'.repeat(depth);
    const pretty = formatJson(text);
    assert.equal(squeeze(pretty), text);
    let widest = 0;
    for (const l of pretty.split('\n')) widest = Math.max(widest, l.length - l.trimStart().length);
    assert.equal(widest, MAX_INDENT_DEPTH * 2);
    const objects = '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth);
    assert.equal(squeeze(formatJson(objects)), objects);
    assert.equal(formatJson(objects.slice(0, -1)), objects.slice(0, -1), 'one brace short: left as is');
  });

  it('formats a 1 MB body quickly', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `{"i":${i},"v":"${'x'.repeat(20)}","n":123456789012345678901234567890}`);
    const text = `{"items":[${items.join(',')}]}`;
    const started = performance.now();
    const pretty = formatJson(text);
    const ms = performance.now() - started;
    assert.equal(squeeze(pretty), text);
    assert.ok(ms < 2_000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('jsonFormat: rawMember', () => {
  it('gives a top-level member exactly as written (large integers and duplicates kept)', () => {
    const text = '{"type":"t","user_metadata":{"order":12345678901234567890,"k":1,"k":2},"data":{"user_metadata":"nested, not this"}}';
    assert.equal(rawMember(text, 'user_metadata'), '{"order":12345678901234567890,"k":1,"k":2}');
    assert.equal(rawMember(text, 'type'), '"t"');
    assert.equal(rawMember(text, 'missing'), undefined);
  });

  it('takes the last of a repeated key (as JSON.parse does), matches escaped key names, and ignores non-objects', () => {
    assert.equal(rawMember('{"m":1,"m":[2, 3]}', 'm'), '[2, 3]');
    assert.equal(rawMember('{"\\u006d":true}', 'm'), 'true');
    assert.equal(rawMember('[{"m":1}]', 'm'), undefined);
    assert.equal(rawMember('{"m":1', 'm'), undefined);
  });
});
