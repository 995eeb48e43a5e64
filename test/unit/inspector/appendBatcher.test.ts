import * as assert from 'node:assert/strict';
import { AppendBatcher } from '../../../src/extension/events/inspector/appendBatcher';

/** A hand-driven clock and timer queue, so the batcher's schedule is observable without waiting. */
class FakeTime {
  now = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  set = (fn: () => void, ms: number): unknown => {
    const id = ++this.ids;
    this.timers.push({ at: this.now + ms, fn, id });
    return id;
  };
  clear = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

function batcher(time: FakeTime, options: { maxBatch?: number; capacity?: number; intervalMs?: number } = {}) {
  const flushed: number[][] = [];
  const b = new AppendBatcher<number>({ flush: (items) => flushed.push(items), now: () => time.now, setTimer: time.set, clearTimer: time.clear, ...options });
  return { b, flushed };
}

describe('AppendBatcher', () => {
  it('sends the first item at once (next tick) and groups what follows within the interval', () => {
    const time = new FakeTime();
    const { b, flushed } = batcher(time);
    b.push(1);
    time.advance(0);
    assert.deepEqual(flushed, [[1]]);
    for (let i = 2; i <= 10; i++) {
      b.push(i);
      time.advance(5);
    }
    assert.equal(flushed.length, 1, 'nothing more within the 50 ms interval');
    time.advance(50);
    assert.deepEqual(flushed, [[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]]);
  });

  it('flushes at most 20 times per second under a flood, each batch capped', () => {
    const time = new FakeTime();
    const { b, flushed } = batcher(time, { maxBatch: 100 });
    for (let ms = 0; ms < 1000; ms++) {
      b.push(ms);
      b.push(ms + 0.5);
      time.advance(1);
    }
    time.advance(0);
    const inFirstSecond = flushed.length;
    assert.ok(inFirstSecond <= 21, `${inFirstSecond} flushes in one second`);
    assert.ok(flushed.every((batch) => batch.length <= 100));
    time.advance(5_000);
    assert.equal(flushed.flat().length, 2000, 'every item is delivered eventually');
    assert.equal(b.pending, 0);
    assert.equal(b.flushes, flushed.length);
  });

  it('keeps at most `capacity` items waiting, dropping the oldest', () => {
    const time = new FakeTime();
    const { b, flushed } = batcher(time, { capacity: 5, maxBatch: 100 });
    for (let i = 1; i <= 12; i++) b.push(i);
    assert.equal(b.pending, 5);
    assert.equal(b.dropped, 7);
    time.advance(0);
    assert.deepEqual(flushed, [[8, 9, 10, 11, 12]]);
  });

  it('reset forgets the queue; dispose stops everything', () => {
    const time = new FakeTime();
    const { b, flushed } = batcher(time);
    b.push(1);
    b.reset();
    time.advance(100);
    assert.deepEqual(flushed, []);
    b.dispose();
    b.push(2);
    time.advance(100);
    assert.deepEqual(flushed, []);
    assert.equal(time.pending, 0);
  });
});
