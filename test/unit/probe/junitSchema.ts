/**
 * Checks a JUnit report two ways: libxml2's schema validator (xmllint, compiled to WebAssembly) against
 * junit.xsd — the rules CI tools read the format by — and this project's strict XML reader, which gives
 * the tree back for the tests to compare with the probe's report.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { all, parseXml, XmlElement } from './xml';

const ROOT = path.resolve(__dirname, '../../../..');
const SCHEMA = readFileSync(path.join(ROOT, 'test/unit/probe/junit.xsd'), 'utf8');

/** Asserts `xml` is well-formed and valid against junit.xsd; answers its root <testsuites>. */
export async function validJunit(xml: string): Promise<XmlElement> {
  const result = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: SCHEMA }] });
  assert.ok(result.valid, `not valid JUnit: ${result.errors.map((e) => e.rawMessage).join('\n')}\n${xml}`);
  const root = parseXml(xml);
  assert.equal(root.name, 'testsuites');
  return root;
}

export interface JunitCase {
  readonly suite: string;
  readonly name: string;
  readonly classname: string;
  readonly time: number;
  readonly failure?: { readonly message: string; readonly type: string; readonly text: string };
}

/** The test cases in document order, each with its suite's name. */
export function junitCases(root: XmlElement): JunitCase[] {
  return all(root, 'testsuite').flatMap((suite) =>
    suite.children
      .filter((c) => c.name === 'testcase')
      .map((c) => {
        const failure = c.children.find((f) => f.name === 'failure');
        return {
          suite: suite.attrs.name,
          name: c.attrs.name,
          classname: c.attrs.classname,
          time: Number(c.attrs.time),
          ...(failure ? { failure: { message: failure.attrs.message, type: failure.attrs.type, text: failure.text } } : {}),
        };
      }),
  );
}
