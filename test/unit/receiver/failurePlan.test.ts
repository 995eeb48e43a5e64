import * as assert from 'node:assert/strict';
import { describeRehearsal, FailurePlan, FailureSpecError, parseFailureSpec } from '../../../src/core/receiver/failurePlan';

describe('failure rehearsal: the --fail grammar and the plan', () => {
  it('parses every form, with counts defaulting to 1 and a normalised text', () => {
    assert.deepEqual(parseFailureSpec('500:3'), { answer: { kind: 'status', status: 500 }, count: 3, text: '500:3' });
    assert.deepEqual(parseFailureSpec('410'), { answer: { kind: 'status', status: 410 }, count: 1, text: '410:1' });
    assert.deepEqual(parseFailureSpec('503:2:retry-after=5'), {
      answer: { kind: 'status', status: 503, retryAfterSeconds: 5 },
      count: 2,
      text: '503:2:retry-after=5',
    });
    assert.deepEqual(parseFailureSpec(' 503:Retry-After=0 '), {
      answer: { kind: 'status', status: 503, retryAfterSeconds: 0 },
      count: 1,
      text: '503:1:retry-after=0',
    });
    assert.deepEqual(parseFailureSpec('timeout:1'), { answer: { kind: 'timeout' }, count: 1, text: 'timeout:1' });
    assert.deepEqual(parseFailureSpec('timeout'), { answer: { kind: 'timeout' }, count: 1, text: 'timeout:1' });
    assert.deepEqual(parseFailureSpec('slow:2.5:4'), { answer: { kind: 'slow', delaySeconds: 2.5 }, count: 4, text: 'slow:2.5:4' });
    assert.deepEqual(parseFailureSpec('50%:500'), { answer: { kind: 'status', status: 500 }, percent: 50, text: '50%:500' });
    assert.deepEqual(parseFailureSpec('10%:timeout'), { answer: { kind: 'timeout' }, percent: 10, text: '10%:timeout' });
    assert.deepEqual(parseFailureSpec('25%:503:retry-after=9').answer, { kind: 'status', status: 503, retryAfterSeconds: 9 });
    assert.deepEqual(parseFailureSpec('100%:slow:1').answer, { kind: 'slow', delaySeconds: 1 });
  });

  it('refuses what does not parse, saying why and naming every form', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['boom', /neither a status/],
      ['200:3', /from 400 to 599/],
      ['302', /from 400 to 599/],
      ['500:0', /count must be a whole number from 1 to 1000/],
      ['500:1001', /from 1 to 1000/],
      ['500:x', /count/],
      ['500:2:3', /at most a count and a retry-after/],
      ['503:2:retry-after=soon', /retry-after takes whole seconds/],
      ['503:2:retry-after=86401', /retry-after takes whole seconds/],
      ['timeout:1:2', /timeout takes at most a count/],
      ['slow', /slow needs its seconds/],
      ['slow:0', /slow takes seconds from 0.1 to 60/],
      ['slow:61', /from 0.1 to 60/],
      ['0%:500', /percentage must be a whole number from 1 to 100/],
      ['101%:500', /from 1 to 100/],
      ['50%:500:3', /a percentage takes no count/],
    ];
    for (const [spec, why] of cases) {
      assert.throws(
        () => parseFailureSpec(spec),
        (e: unknown) => {
          assert.ok(e instanceof FailureSpecError, spec);
          assert.match(e.message, why, spec);
          for (const form of ['STATUS[:N]', 'STATUS[:N]:retry-after=S', 'timeout[:N]', 'slow:S[:N]', 'P%:ANSWER'])
            assert.ok(e.message.includes(form), `${spec}: names ${form}`);
          return true;
        },
      );
    }
  });

  it('counts down to done, firing a change per rehearsed delivery, then answers nothing more', () => {
    const plan = FailurePlan.parse('500:3');
    const seen: Array<number | undefined> = [];
    plan.onDidChange((p) => seen.push(p.remaining));
    assert.equal(plan.describe(), 'next 3: 500');
    assert.equal(plan.summary(), 'the next 3 verified deliveries are answered 500');
    assert.deepEqual(
      [plan.take(), plan.take()],
      [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 500 },
      ],
    );
    assert.equal(plan.describe(), 'next: 500');
    assert.ok(plan.take());
    assert.equal(plan.done, true);
    assert.equal(plan.take(), undefined);
    assert.deepEqual(seen, [2, 1, 0]);
    assert.equal(plan.rehearsed, 3);
  });

  it('a percentage fails the deliveries its random source picks, without end', () => {
    const rolls = [0.1, 0.6, 0.49, 0.5, 0.99, 0.0];
    const plan = FailurePlan.parse('50%:503:retry-after=5', () => rolls.shift() ?? 1);
    const answers = Array.from({ length: 6 }, () => plan.take() !== undefined);
    assert.deepEqual(answers, [true, false, true, false, false, true]);
    assert.equal(plan.remaining, undefined);
    assert.equal(plan.done, false);
    assert.equal(plan.describe(), '50 %: 503 Retry-After 5 s');
    assert.equal(plan.summary(), '50 % of verified deliveries are answered 503 with Retry-After: 5, until stopped');
  });

  it('words a rehearsed answer for the log, the inspector and the attempts view', () => {
    assert.equal(describeRehearsal({ kind: 'status', plan: '500:3', status: 500 }), 'answered 500 (rehearsed)');
    assert.equal(
      describeRehearsal({ kind: 'status', plan: '503:1:retry-after=5', status: 503, retryAfterSeconds: 5 }),
      'answered 503 with Retry-After: 5 (rehearsed)',
    );
    assert.equal(
      describeRehearsal({ kind: 'timeout', plan: 'timeout:1', heldMs: 1500, senderHungUp: true }),
      'no answer: held 1.5 s until the sender hung up (rehearsed timeout)',
    );
    assert.equal(
      describeRehearsal({ kind: 'slow', plan: 'slow:2:1', status: 200, delaySeconds: 2, heldMs: 2000 }),
      'answered 200 after 2 s (rehearsed slow answer)',
    );
  });
});
