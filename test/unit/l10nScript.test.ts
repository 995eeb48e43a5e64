// scripts/l10n.mjs on a fixture tree: the repository's own check only proves the bundle matches the
// calls it finds; this proves it finds the right ones (comments, strings, regexes and substitutions
// skipped, escapes cooked, non-literal first arguments reported) and that --write round-trips.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../../scripts/l10n.mjs');

const SOURCE = [
  "import * as vscode from 'vscode';",
  "// vscode.l10n.t('in a line comment')",
  "/* vscode.l10n.t('in a block comment') */",
  'const s = "vscode.l10n.t(\'in a string\')";',
  "const re = /l10n.t\\('in a regex'\\)/g;",
  'const q = 4 / 2 / 1;',
  'const tpl = `x ${vscode.l10n.t(\'inside a substitution\')} ${`nested ${vscode.l10n.t("say \\"hi\\"")}`}`;',
  "vscode.l10n.t('It\\'s {0}\\n', s);",
  'vscode.l10n.t(`back tick`);',
  "vscode.l10n.t(\n  'multi line call',\n  q,\n);",
  "if (re.test(tpl)) vscode.l10n.t('after a regex');",
  '',
].join('\n');

const KEYS = ["It's {0}\n", 'after a regex', 'back tick', 'inside a substitution', 'multi line call', 'say "hi"'].sort();

function run(root: string, mode: string) {
  const result = spawnSync(process.execPath, [SCRIPT, mode, '--root', root], { encoding: 'utf8' });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('scripts/l10n.mjs', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
    fs.mkdirSync(path.join(root, 'src', 'extension', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'extension', 'sub', 'a.ts'), SOURCE);
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes the keys of real calls only, sorted, each mapped to itself; --check then passes', () => {
    assert.equal(run(root, '--write').status, 0);
    const text = fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8');
    const bundle = JSON.parse(text) as Record<string, string>;
    assert.deepEqual(Object.keys(bundle), KEYS);
    for (const [key, value] of Object.entries(bundle)) assert.equal(value, key);
    const check = run(root, '--check');
    assert.equal(check.status, 0, check.out);
  });

  it('names missing keys, stale keys and calls whose first argument is not a literal', () => {
    fs.mkdirSync(path.join(root, 'l10n'));
    const stale = Object.fromEntries([...KEYS.filter((k) => k !== 'back tick'), 'gone'].map((k) => [k, k]));
    fs.writeFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), JSON.stringify(stale));
    fs.writeFileSync(path.join(root, 'src', 'extension', 'b.ts'), "vscode.l10n.t(`with ${x}`);\nvscode.l10n.t(name);\nvscode.l10n.t('a' + b);\n");
    const { status, out } = run(root, '--check');
    assert.equal(status, 1);
    assert.match(out, /missing from the bundle: "back tick"/);
    assert.match(out, /no longer used: "gone"/);
    assert.match(out, /b\.ts:1: .*not a string literal/);
    assert.match(out, /b\.ts:2: .*not a string literal/);
    assert.match(out, /b\.ts:3: .*not a string literal/);
    assert.doesNotMatch(out, /in a (line comment|block comment|string|regex)/);
  });
});
