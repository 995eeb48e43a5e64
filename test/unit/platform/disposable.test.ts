import * as assert from 'node:assert/strict';
import { Disposable, DisposableStore, toDisposable } from '../../../src/extension/platform/disposable';

class Owner extends Disposable {
  own(name: string, log: string[]) {
    return this.register(toDisposable(() => log.push(name)));
  }
  get disposed() {
    return this.isDisposed;
  }
}

describe('platform/disposable', () => {
  it('disposes what was registered once, newest first, and reports it', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('a', log);
    owner.own('b', log);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['b', 'a']);
    assert.equal(owner.disposed, true);
  });

  it('a failing dispose does not keep the others alive', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.own('a', log);
    (owner as unknown as { register(d: unknown): unknown }).register({
      dispose: () => {
        throw new Error('boom');
      },
    });
    owner.own('c', log);
    owner.dispose();
    assert.deepEqual(log, ['c', 'a']);
  });

  it('something registered after dispose is disposed at once', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    owner.own('late', log);
    assert.deepEqual(log, ['late']);
  });

  it('a store is cleared and reused, and disposes its last group on dispose', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => log.push('first')));
    store.clear();
    store.add(toDisposable(() => log.push('second')));
    assert.deepEqual(log, ['first']);
    store.dispose();
    store.add(toDisposable(() => log.push('third')));
    assert.deepEqual(log, ['first', 'second', 'third']);
  });
});
