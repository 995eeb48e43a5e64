import * as assert from 'node:assert/strict';
import { isHostMessage, isPageMessage, isPageState } from '../../../src/webview/inspector/protocol';

describe('inspector protocol guards', () => {
  it('accepts every page → host message and rejects malformed ones', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'requestDetail', seq: 1 },
      { type: 'copyBody', seq: 2 },
      { type: 'copyCurl', seq: 3 },
      { type: 'replay', seq: 4 },
      { type: 'openJson', seq: 5 },
      { type: 'openJson', seq: 5, view: 'raw' },
      { type: 'openJson', seq: 5, view: 'pretty' },
      { type: 'openJob', seq: 6 },
      { type: 'openResults', seq: 7 },
      { type: 'rendered', seqs: [1, 2], at: 1 },
      { type: 'attemptsRendered', seq: 1, attempts: 3, arrivals: 0 },
    ]) {
      assert.ok(isPageMessage(m), JSON.stringify(m));
    }
    for (const m of [
      null,
      'ready',
      [],
      {},
      { type: 'nope' },
      { type: 'replay' },
      { type: 'replay', seq: '4' },
      { type: 'replay', seq: 0 },
      { type: 'replay', seq: 1.5 },
      { type: 'rendered', seqs: ['x'], at: 1 },
      { type: 'openJson', seq: 5, view: 'reformatted' },
      { type: 'attemptsRendered', seq: 1, attempts: -1, arrivals: 0 },
      { type: 'attemptsRendered', seq: 1, attempts: 3 },
      { type: 'openJob' },
      { type: 'openResults', seq: -1 },
      { type: '__proto__' },
    ]) {
      assert.ok(!isPageMessage(m), JSON.stringify(m));
    }
  });

  it('accepts every host → page message and rejects malformed ones', () => {
    const row = { seq: 1, receivedAt: 'x', verdict: 'verified', httpStatus: 200, haystack: '' };
    for (const m of [
      { type: 'init', rows: [row], capacity: 10, receiver: { running: false } },
      { type: 'append', rows: [row] },
      { type: 'update', rows: [] },
      { type: 'clear' },
      { type: 'detail', record: { seq: 1, body: '' } },
      { type: 'missing', seq: 3 },
      { type: 'select', seq: 3 },
      { type: 'status', receiver: { running: true, url: 'http://127.0.0.1:1/webhooks' } },
      { type: 'replayResult', seq: 1, ok: true, message: 'ok' },
      { type: 'attempts', seq: 1, view: { arrivals: [] } },
      { type: 'attempts', seq: 1, view: { arrivals: [], attempts: [] } },
    ]) {
      assert.ok(isHostMessage(m), JSON.stringify(m));
    }
    for (const m of [
      { type: 'append', rows: [{ ...row, verdict: 'maybe' }] },
      { type: 'init', rows: [] },
      { type: 'detail', record: { seq: 1 } },
      { type: 'status' },
      { type: 'replayResult', seq: 1, ok: 'yes', message: '' },
      { type: 'attempts', seq: 1, view: { attempts: [] } },
      { type: 'attempts', seq: 1, view: { arrivals: [], attempts: 'many' } },
      { type: 'attempts', seq: 0, view: { arrivals: [] } },
      { type: 'eval' },
    ]) {
      assert.ok(!isHostMessage(m), JSON.stringify(m));
    }
  });

  it('guards the persisted page state', () => {
    assert.ok(isPageState({}));
    assert.ok(isPageState({ selected: 3 }));
    assert.ok(isPageState({ selected: 3, bodyView: 'raw', open: ['headers', 'token'] }));
    assert.ok(!isPageState({ bodyView: 'html' }));
    assert.ok(!isPageState({ open: ['everything'] }));
    assert.ok(!isPageState({ selected: 'x' }));
    assert.ok(!isPageState(null));
  });
});
