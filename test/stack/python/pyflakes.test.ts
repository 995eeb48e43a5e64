/**
 * Every variant of the Python scaffolds (Flask and FastAPI, memory and Redis) passes pyflakes: no name
 * used but never defined, none imported and never used — including on the paths the running tests do
 * not reach (an outage branch, a refusal to start).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pythonWithPackages } from '../../unit/scaffold/run';
import { PythonFramework, PythonStore, writeHandler } from './pythonStack';

describe('Python scaffolds pass pyflakes, every variant', () => {
  let root: string;
  before(() => (root = mkdtempSync(path.join(tmpdir(), 'gw-py-flakes-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const framework of ['flask', 'fastapi'] as PythonFramework[])
    for (const store of ['memory', 'redis'] as PythonStore[])
      it(`${framework} (${store})`, () => {
        const dir = writeHandler(root, `${framework}-${store}`, framework, store);
        const run = spawnSync(pythonWithPackages(), ['-m', 'pyflakes', path.join(dir, 'gemini_webhook.py')], { encoding: 'utf8' });
        assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
        assert.equal(run.stdout + run.stderr, '');
      });
});
