import * as assert from 'node:assert/strict';
import { lineBatcher } from '../../../src/cli/listenCommand';

describe('listen output: the lines of one turn in one write', () => {
  it('writes the lines pushed in one turn together, in order, in the next turn', async () => {
    const writes: string[] = [];
    const out = lineBatcher((text) => writes.push(text));
    out.push('#1');
    out.push('#2');
    out.push('#3');
    assert.deepEqual(writes, []);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['#1\n#2\n#3']);
    out.push('#4');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ['#1\n#2\n#3', '#4']);
  });

  it('flush() writes what is pending at once (on stop), and nothing when nothing is', () => {
    const writes: string[] = [];
    const out = lineBatcher((text) => writes.push(text));
    out.flush();
    out.push('last');
    out.flush();
    assert.deepEqual(writes, ['last']);
  });
});
