/**
 * The probe's JUnit XML: valid against the JUnit rules (junit.xsd, by libxml2) and read back by a strict
 * XML reader; every check of a deliberately broken handler accounted for (tests = checks, failures =
 * failed checks, names and groups in order, each failure with expected/got/why/fix or its cause); the
 * run's causes in the suites' properties and system-out; hostile text (control characters, `]]>`, markup,
 * lone surrogates, line ends in attributes) escaped so it survives; no credentials from the URL.
 */
import * as assert from 'node:assert/strict';
import { ProbeKeys, ProbeReport, probeJunit, runProbe, startProbeKeyServer } from '../../../src/core/probe';
import { isProbeJunit } from '../../../src/core/probe/junit';
import { CheckResult } from '../../../src/core/probe/types';
import { newSecret } from '../verify/fixtures';
import { startHandler } from './handlers';
import { junitCases, validJunit } from './junitSchema';
import { all, parseXml } from './xml';

async function report(url: string, options: Omit<Parameters<typeof runProbe>[0], 'url'>): Promise<ProbeReport> {
  const outcome = await runProbe({ url, ...options });
  assert.equal(outcome.kind, 'report', JSON.stringify(outcome));
  return (outcome as { report: ProbeReport }).report;
}

describe('probe --junit: the JUnit XML', function () {
  this.timeout(30_000);
  const secret = newSecret();

  it('a broken handler, static and dynamic: one suite per group, every check a test case, every failure with expected/got/why/fix or its cause', async () => {
    const handler = await startHandler([secret], { rejectDuplicates: true, forgeryStatus: 500 });
    const keyServer = await startProbeKeyServer({ keys: await ProbeKeys.generate(), port: 0 });
    try {
      const r = await report(handler.url, {
        secrets: [secret],
        dynamic: { keys: keyServer.keys, jwksUri: keyServer.url, keyFetches: () => keyServer.fetches },
      });
      const xml = probeJunit(r, { hostname: 'ci-runner' });
      const root = await validJunit(xml);
      assert.deepEqual(
        [root.attrs.name, root.attrs.tests, root.attrs.failures, root.attrs.errors],
        ['gemini-webhooks probe', String(r.checks.length), String(r.failed), '0'],
      );
      const suites = all(root, 'testsuite');
      assert.deepEqual(
        suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures]),
        (['static', 'dynamic'] as const).map((g) => {
          const checks = r.checks.filter((c) => c.group === g);
          return [g, String(checks.length), String(checks.filter((c) => !c.ok).length)];
        }),
      );
      const cases = junitCases(root);
      assert.deepEqual(
        cases.map((c) => [c.suite, c.name, c.classname, c.failure !== undefined]),
        r.checks.map((c) => [c.group, c.name, `gemini-webhooks.probe.${c.group}`, !c.ok]),
        'every check, in order, failed exactly when it failed',
      );
      assert.equal(cases.length, 32);
      for (const [i, c] of cases.entries()) assert.equal(c.time, Number((r.checks[i].ms / 1000).toFixed(3)));

      // The handler's own bugs: what was sent, expected, got, why and fix.
      const failures = new Map(cases.filter((c) => c.failure).map((c) => [c.name, c.failure!]));
      const duplicate = failures.get('duplicate');
      assert.ok(duplicate);
      assert.match(duplicate.message, /^The same webhook-id again \(a retry\): 409 in \d+ ms — expected 2xx$/);
      assert.equal(duplicate.type, 'expected-2xx');
      const lines = duplicate.text.split('\n').map((l) => l.split(':')[0].trim());
      assert.deepEqual(lines, ['The same webhook-id again (a retry)', 'sent', 'expected', 'got', 'why', 'fix']);
      assert.match(failures.get('wrong-secret')?.text ?? '', /got: {6}500 in \d+ ms — expected 4xx: a 5xx tells the sender to retry it/);

      // The handler never fetched the key set: the dynamic failures follow from that, said once per suite.
      assert.deepEqual(
        r.causes.map((c) => c.kind),
        ['key-set-not-fetched'],
      );
      const v1a = failures.get('dynamic-v1a');
      assert.equal(v1a?.type, 'key-set-not-fetched');
      assert.match(v1a?.message ?? '', /\(key set never fetched\)$/);
      assert.ok(v1a?.text.includes(`cause:    The handler never asked the probe's key server for its keys: it is not pointed at ${keyServer.url}.`));
      assert.ok(!v1a?.text.includes('why:'), 'no generic why for a check that follows from the cause');
      const dynamicSuite = suites[1];
      const properties = Object.fromEntries(dynamicSuite.children[0].children.map((p) => [p.attrs.name, p.attrs.value]));
      assert.equal(properties['cause.key-set-not-fetched'], r.causes[0].summary);
      assert.equal(properties.jwks_uri, keyServer.url);
      const out = dynamicSuite.children.find((c) => c.name === 'system-out')?.text ?? '';
      assert.ok(out.includes(r.causes[0].summary) && out.includes(`fix: ${r.causes[0].fix}`), out);
      assert.ok(!(suites[0].children.find((c) => c.name === 'system-out')?.text ?? '').includes('key server'), 'the static suite does not carry it');
      assert.ok(isProbeJunit(xml));
    } finally {
      await handler.close();
      await keyServer.close();
    }
  });

  it('a handler with another secret: the 16 failures name the one cause, said once in the suite', async () => {
    const handler = await startHandler([newSecret()]);
    try {
      const r = await report(handler.url, { secrets: [secret], secretsName: 'the secret given with --secret' });
      const root = await validJunit(probeJunit(r, { hostname: 'h' }));
      const failed = junitCases(root).filter((c) => c.failure);
      assert.equal(failed.length, 16);
      for (const c of failed) {
        assert.equal(c.failure?.type, 'secret-refused');
        assert.ok(
          c.failure?.text.includes('cause:    The handler does not use the secret given with --secret: it refused all 16 deliveries signed with it (401).'),
        );
      }
      const [suite] = all(root, 'testsuite');
      assert.match(
        suite.children.find((c) => c.name === 'system-out')?.text ?? '',
        /^0 passed|^\d+ passed, 16 failed.*\nThe handler does not use the secret given with --secret/s,
      );
    } finally {
      await handler.close();
    }
  });

  it('escapes what XML cannot carry: control characters, lone surrogates, "]]>", markup, quotes and line ends survive as text', async () => {
    const nasty = 'a\u0000b\u0001c\u001bd\u007fe ]]> <tag attr="x"> & &amp; \'q\' \uD800 lone, tab\there\nline\r\nend 😀';
    const check: CheckResult = {
      name: 'type:<weird> & "quoted"',
      title: 'Title with ]]> and <b>',
      group: 'static',
      ok: false,
      expected: '2xx',
      status: 500,
      ms: 12,
      sent: nasty,
      got: `500 in 12 ms — ${nasty}`,
      body: nasty,
      why: 'why ]]>',
      fix: 'fix <now>',
    };
    const r: ProbeReport = {
      url: 'https://user:pass@handler.example/cb?token=sekrit',
      passed: 0,
      failed: 1,
      checks: [check],
      startedAt: '2026-03-01T12:34:56.789Z',
      durationMs: 15,
      deadlineMs: 5000,
      secrets: 1,
      causes: [],
      notes: [`note with ${nasty}`],
    };
    const xml = probeJunit(r, { hostname: 'host' });
    // eslint-disable-next-line no-control-regex -- the characters XML cannot carry, looked for on purpose
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml), 'no control character is written');
    assert.ok(!xml.includes(']]>'), 'no "]]>" anywhere');
    assert.ok(!xml.includes('sekrit') && !xml.includes('pass@'), 'no credentials from the URL');
    const root = await validJunit(xml);
    const [c] = junitCases(root);
    // eslint-disable-next-line no-control-regex -- the characters XML cannot carry, looked for on purpose
    const kept = (s: string) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|\uD800(?![\uDC00-\uDFFF])/g, '\uFFFD');
    assert.equal(c.name, check.name);
    assert.equal(c.failure?.message, kept(`${check.title}: ${check.got}`), 'the attribute round-trips, its line ends too');
    assert.ok(c.failure?.text.includes(`got:      ${kept(check.got)}: ${kept(nasty)}`));
    assert.ok(c.failure?.text.includes('line\r\nend 😀'), 'CR kept as a reference, astral characters kept');
    assert.equal(all(root, 'testsuite')[0].attrs.timestamp, '2026-03-01T12:34:56');
    const url = all(root, 'property').find((p) => p.attrs.name === 'url');
    assert.equal(url?.attrs.value, 'https://***:***@handler.example/cb?token=***');
  });

  it('the strict reader used here refuses what a writer could get wrong', () => {
    for (const bad of [
      '<a>\u0001</a>',
      '<a>x ]]> y</a>',
      '<a b="<"/>',
      '<a>&nope;</a>',
      '<a>&#1;</a>',
      '<a>& </a>',
      '<a b="1" b="2"/>',
      '<a><b></a></b>',
      '<a/><b/>',
      '<a>',
    ])
      assert.throws(() => parseXml(bad), Error, bad);
    assert.equal(parseXml('<a b="x&#10;y&#9;z\n"/>').attrs.b, 'x\ny\tz ');
  });
});
