import * as assert from 'node:assert/strict';
import { KeyQueue } from '../../../src/core/util/keyQueue';

describe('KeyQueue (ring buffer of keys, oldest first)', () => {
  it('keeps insertion order through wrap-around and growth, against a plain array', () => {
    const queue = new KeyQueue<number>();
    const reference: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps past the end of the buffer many times while it grows.
    for (let round = 0; round < 200; round++) {
      const pushes = (round * 7) % 23;
      const shifts = (round * 5) % 19;
      for (let i = 0; i < pushes; i++) {
        queue.push(next);
        reference.push(next++);
      }
      for (let i = 0; i < shifts; i++) assert.equal(queue.shift(), reference.shift());
      assert.equal(queue.size, reference.length);
      assert.equal(queue.peek(), reference[0]);
    }
    while (reference.length) assert.equal(queue.shift(), reference.shift());
    assert.equal(queue.shift(), undefined);
    assert.equal(queue.peek(), undefined);
    queue.push(1);
    queue.clear();
    assert.equal(queue.size, 0);
    assert.equal(queue.shift(), undefined);
  });
});
