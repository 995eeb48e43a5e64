import * as assert from 'node:assert/strict';
import { RetryingLoad } from '../../../src/core/util/retryingLoad';

describe('RetryingLoad (a failed load is never cached)', () => {
  it('shares a load per key, and starts a new one when the key changes', async () => {
    let calls = 0;
    const load = new RetryingLoad(async (n: number) => (calls++, n * 2));
    const [a, b] = [load.get(1), load.get(1)];
    assert.equal(a, b);
    assert.equal(await a, 2);
    assert.equal(await load.get(1), 2);
    assert.equal(calls, 1);
    assert.equal(await load.get(5), 10);
    assert.equal(calls, 2);
    assert.equal(await load.latest, 10);
  });

  it('forgets a failed load: the next call tries again and can succeed', async () => {
    let fail = true;
    const load = new RetryingLoad(async (n: number) => {
      if (fail) throw new Error('EISDIR: illegal operation on a directory');
      return n;
    });
    await assert.rejects(load.get(1), /EISDIR/);
    assert.equal(load.latest, undefined);
    fail = false;
    assert.equal(await load.get(1), 1, 'not the cached failure');
  });
});
