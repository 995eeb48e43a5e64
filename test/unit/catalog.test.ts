import * as assert from 'node:assert/strict';
import {
  EVENT_CATALOG,
  EventTypeInfo,
  SUBSCRIBABLE_EVENT_TYPES,
  describeEventType,
  isKnownEventType,
  isSubscribableEventType,
} from '../../src/core/events/catalog';
import { makeEnvelope, parseEnvelope } from '../../src/core/events/envelope';
import { redact, safeUrl } from '../../src/core/util/redact';

describe('event catalog', () => {
  it('lists the API enum and the guide-only types', () => {
    const types = EVENT_CATALOG.map((e) => e.type);
    for (const t of [
      'batch.succeeded',
      'batch.expired',
      'batch.failed',
      'interaction.requires_action',
      'interaction.completed',
      'interaction.failed',
      'video.generated',
      'batch.cancelled',
      'interaction.cancelled',
    ]) {
      assert.ok(types.includes(t), t);
    }
  });

  it("subscribable = the API enum's seven types; the guide-only cancelled types are known, not subscribable, with a note", () => {
    assert.deepEqual(SUBSCRIBABLE_EVENT_TYPES, [
      'batch.succeeded',
      'batch.expired',
      'batch.failed',
      'interaction.requires_action',
      'interaction.completed',
      'interaction.failed',
      'video.generated',
    ]);
    for (const type of ['batch.cancelled', 'interaction.cancelled']) {
      const info = describeEventType(type);
      assert.equal(isKnownEventType(type), true, type);
      assert.equal(isSubscribableEventType(type), false, type);
      assert.notEqual(info.family, 'unknown');
      assert.ok(info.description.length > 0);
      assert.match((info as EventTypeInfo).note ?? '', /guide.*enum.*5dbdef6f7/);
    }
    assert.ok(EVENT_CATALOG.filter((e) => e.subscribable).every((e) => e.note === undefined));
  });

  it('describes unknown types instead of dropping them', () => {
    const info = describeEventType('batch.completed');
    assert.equal(info.type, 'batch.completed');
    assert.equal(info.family, 'unknown');
    assert.equal(isSubscribableEventType('batch.completed'), false);
  });

  it('round-trips a thin envelope with user metadata', () => {
    const env = makeEnvelope('batch.failed', undefined, { job: 'nightly' }, new Date('2026-01-22T12:00:00.123Z'));
    assert.equal(env.timestamp, '2026-01-22T12:00:00Z');
    assert.deepEqual(Object.keys(env.data).sort(), ['error_code', 'error_message', 'id']);
    const parsed = parseEnvelope(JSON.stringify(env));
    assert.deepEqual(parsed, env);
  });

  it('rejects bodies that are not an event object', () => {
    assert.equal(parseEnvelope('not json'), undefined);
    assert.equal(parseEnvelope('[1,2]'), undefined);
    assert.equal(parseEnvelope('{"type":3}'), undefined);
  });
});

describe('redact', () => {
  it('removes signing secrets, API keys and known literals', () => {
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const key = 'AIzaSyA-1234567890abcdefghijklmnopq';
    const out = redact(`secret=${secret} key=${key} token=hunter22`, ['hunter22']);
    assert.ok(!out.includes(secret.slice(6)));
    assert.ok(!out.includes(key.slice(4)));
    assert.ok(!out.includes('hunter22'));
  });
});

describe('safeUrl', () => {
  it('masks user info and query values, keeps where the URL points', () => {
    assert.equal(safeUrl('https://user:hunter2@app.example:8443/hooks/in?token=abc123&x=1'), 'https://***:***@app.example:8443/hooks/in?token=***&x=***');
    assert.equal(safeUrl('http://127.0.0.1:3000/webhooks'), 'http://127.0.0.1:3000/webhooks');
    assert.equal(safeUrl('not a url with secret'), '(invalid URL)');
  });
});
