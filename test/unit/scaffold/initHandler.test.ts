/** `gemini-webhooks init-handler` and the manifest edits the editor offers after it. */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import {
  addNodeDependencies,
  addRequirements,
  describePythonPlan,
  missingNodeDependencies,
  missingRequirements,
  pythonDependencyPlan,
  scaffold,
} from '../../../src/core/scaffold';

async function init(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(['init-handler', ...args], { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), env: {} });
  return { code, stdout, stderr };
}

describe('gemini-webhooks init-handler', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each framework where its users expect it, and says how to install, run and check it', async () => {
    const cases: Array<[string[], string]> = [
      [['express'], 'gemini-webhook.mts'],
      [['express', '--lang', 'js'], 'gemini-webhook.mjs'],
      [['nextjs'], 'app/gemini-callback/route.ts'],
      [['flask'], 'gemini_webhook.py'],
    ];
    for (const [args, file] of cases) {
      const out = path.join(dir, args.join('-'));
      const run = await init([...args, '--out', out]);
      assert.equal(run.code, 0, run.stderr.join('\n'));
      const written = path.join(out, ...file.split('/'));
      assert.equal(run.stdout[0].startsWith(`wrote ${written} (`), true, run.stdout[0]);
      assert.match(run.stdout[1], /^install: /);
      assert.match(run.stdout[2], /^run: {5}/);
      assert.match(run.stdout[3], /^check: {3}gemini-webhooks probe http:\/\/127\.0\.0\.1:\d+\/gemini-callback --secret whsec_\.\.\. --dynamic$/);
      assert.ok(readFileSync(written, 'utf8').includes('GEMINI_WEBHOOK_SECRET'));
    }
  });

  it('puts the Next.js route under src/app when the project has one', async () => {
    mkdirSync(path.join(dir, 'src', 'app'), { recursive: true });
    const run = await init(['nextjs', '--out', dir]);
    assert.equal(run.code, 0);
    assert.ok(readFileSync(path.join(dir, 'src', 'app', 'gemini-callback', 'route.ts'), 'utf8').includes('export async function POST'));
  });

  it('never overwrites a file without --force', async () => {
    writeFileSync(path.join(dir, 'gemini_webhook.py'), '# mine\n');
    const refused = await init(['fastapi', '--out', dir]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr[0], /gemini_webhook\.py exists: not overwritten \(--force overwrites it\)/);
    assert.equal(readFileSync(path.join(dir, 'gemini_webhook.py'), 'utf8'), '# mine\n');
    const forced = await init(['fastapi', '--out', dir, '--force']);
    assert.equal(forced.code, 0);
    assert.match(readFileSync(path.join(dir, 'gemini_webhook.py'), 'utf8'), /FastAPI/);
  });

  it("names what the project's package.json or requirements.txt lacks", async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { jose: '^6.0.0' }, devDependencies: { standardwebhooks: '1.1.1' } }));
    const node = await init(['nextjs', '--out', dir]);
    assert.match(node.stdout[1], /^install: npm install standardwebhooks jose — package\.json lists every dependency$/);
    writeFileSync(path.join(dir, 'requirements.txt'), 'flask==3.0\n');
    const python = await init(['flask', '--out', dir]);
    assert.match(python.stdout[1], / — requirements\.txt lacks PyJWT, cryptography$/);
  });

  it('a pyproject.toml project: names what it lacks and the command of its tool; writes no requirements.txt', async () => {
    writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"\n');
    writeFileSync(path.join(dir, 'poetry.lock'), '');
    const run = await init(['flask', '--out', dir]);
    assert.equal(run.code, 0, run.stderr.join('\n'));
    assert.match(run.stdout[1], / — pyproject\.toml lacks PyJWT, cryptography: poetry add "PyJWT>=2\.6" "cryptography>=38"$/);
    assert.ok(!existsSync(path.join(dir, 'requirements.txt')));
  });

  it('exit 2 on bad usage', async () => {
    for (const [args, message] of [
      [[], /name one framework: express, nextjs, flask, fastapi/],
      [['django'], /unknown framework 'django'/],
      [['express', '--lang', 'coffee'], /--lang must be ts or js/],
      [['flask', '--lang', 'js'], /--lang is for express only/],
      [['express', 'flask'], /name one framework/],
    ] as const) {
      const run = await init([...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr[0], message);
    }
  });
});

describe('manifest edits', () => {
  const express = scaffold('express', { language: 'ts' }).dependencies;

  it('package.json: adds what is missing, sorted, in its own indentation and line ends; leaves listed ones alone', () => {
    const original = '{\r\n\t"name": "app",\r\n\t"dependencies": {\r\n\t\t"zod": "^3.0.0",\r\n\t\t"express": "^4.21.0"\r\n\t}\r\n}\r\n';
    assert.deepEqual(
      missingNodeDependencies(original, express).map((d) => d.name),
      ['standardwebhooks', 'jose', '@types/express', 'tsx'],
    );
    const edited = addNodeDependencies(original, express);
    assert.ok(edited.endsWith('}\r\n'));
    assert.ok(!/[^\r]\n/.test(edited), 'CRLF kept');
    assert.ok(edited.includes('\t"name": "app"'), 'tabs kept');
    const pkg = JSON.parse(edited) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.dependencies), ['express', 'jose', 'standardwebhooks', 'zod']);
    assert.equal(pkg.dependencies.express, '^4.21.0', 'an existing range is kept');
    assert.deepEqual(pkg.devDependencies, { '@types/express': '^5.0.0', tsx: '^4.19.0' });
    assert.equal(addNodeDependencies(edited, express), edited, 'nothing missing: unchanged');
    assert.throws(() => addNodeDependencies('{ nope', express), SyntaxError);
  });

  it('pyproject.toml: read where PEP 621, PEP 735 and Poetry list dependencies; told, never edited; requirements.txt wins when both exist', () => {
    const deps = scaffold('fastapi').dependencies;
    const pyproject = [
      '[project]',
      'name = "app"',
      'dependencies = [',
      '  "FastAPI[standard]>=0.110",  # the web app',
      "  'py-jwt>=2',",
      ']',
      '[project.optional-dependencies]',
      'crypto = ["Cryptography>=41"]',
      '[tool.hatch.build]',
      'dependencies = ["uvicorn"]',
      '',
    ].join('\r\n');
    const plan = pythonDependencyPlan({ pyproject }, deps);
    assert.equal(plan.manifest, 'pyproject.toml');
    assert.deepEqual(
      plan.missing.map((d) => d.name),
      ['uvicorn', 'PyJWT'],
      'a key named dependencies elsewhere is not a dependency list; py-jwt is not PyJWT',
    );
    assert.equal(describePythonPlan(plan), 'pyproject.toml lacks uvicorn, PyJWT: add "uvicorn>=0.17", "PyJWT>=2.6" to [project] dependencies');
    assert.equal(
      describePythonPlan(pythonDependencyPlan({ pyproject, lockFiles: ['uv.lock'] }, deps)),
      'pyproject.toml lacks uvicorn, PyJWT: uv add "uvicorn>=0.17" "PyJWT>=2.6"',
    );
    assert.equal(
      describePythonPlan(pythonDependencyPlan({ pyproject: `${pyproject}[tool.pdm]\n` }, deps)),
      'pyproject.toml lacks uvicorn, PyJWT: pdm add "uvicorn>=0.17" "PyJWT>=2.6"',
    );
    const groups =
      '[dependency-groups]\nserve = ["uvicorn"]\n[tool.poetry.group.web.dependencies]\nfastapi = { version = "*" }\npyjwt = "*"\ncryptography = "*"\n';
    assert.equal(describePythonPlan(pythonDependencyPlan({ pyproject: groups }, deps)), 'pyproject.toml lists every dependency');
    assert.equal(pythonDependencyPlan({ pyproject, requirements: 'fastapi\n' }, deps).manifest, 'requirements.txt');
    assert.deepEqual(pythonDependencyPlan({}, deps), { manifest: 'requirements.txt', exists: false, missing: deps });
  });

  it('requirements.txt: appends a line per missing requirement; names match as pip matches them; comments untouched', () => {
    const deps = scaffold('fastapi').dependencies;
    const original = '# web\r\nFastAPI==0.110  # pinned\r\n-r base.txt\r\npy_jwt>=2'; // no final newline; py_jwt is not PyJWT
    assert.deepEqual(
      missingRequirements(original, deps).map((d) => d.name),
      ['uvicorn', 'PyJWT', 'cryptography'],
    );
    assert.equal(addRequirements(original, deps), `${original}\r\nuvicorn>=0.17\r\nPyJWT>=2.6\r\ncryptography>=38`);
    assert.equal(addRequirements('', deps), 'fastapi>=0.92\nuvicorn>=0.17\nPyJWT>=2.6\ncryptography>=38\n');
    assert.equal(missingRequirements('pyjwt\nCryptography\nfastapi[all]\nUvicorn[standard]>=0.30\n', deps).length, 0);
  });
});
