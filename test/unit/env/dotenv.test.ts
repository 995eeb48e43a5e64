/** Secrets into `.env`: minimal edits (CRLF, no final newline, the variable twice, comments), a new file 0600, git's view of it. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { mergeSecrets, parseSecretList, readEnvVariable, setEnvVariable } from '../../../src/core/env/dotenv';
import { addToGitignore, gitIgnoreState, writeSecretsToEnv } from '../../../src/core/env/envFile';
import { newSecret } from '../verify/fixtures';

const V = 'GEMINI_WEBHOOK_SECRET';

describe('.env edits', () => {
  it('CRLF: only the variable line changes, its line end stays CRLF', () => {
    const text = 'A=1\r\nGEMINI_WEBHOOK_SECRET=old\r\nB=2\r\n';
    const edit = setEnvVariable(text, V, 'whsec_new');
    assert.equal(edit.text, 'A=1\r\nGEMINI_WEBHOOK_SECRET=whsec_new\r\nB=2\r\n');
    assert.deepEqual([edit.updated, edit.added], [1, false]);
    assert.equal(setEnvVariable('A=1\r\n', V, 'x').text, 'A=1\r\nGEMINI_WEBHOOK_SECRET=x\r\n', 'added in CRLF');
  });

  it('no final newline: a line end before the new line, still none at the end', () => {
    assert.equal(setEnvVariable('A=1', V, 'x').text, 'A=1\nGEMINI_WEBHOOK_SECRET=x');
    assert.equal(setEnvVariable('A=1\r\nB=2', V, 'x').text, 'A=1\r\nB=2\r\nGEMINI_WEBHOOK_SECRET=x');
    assert.equal(setEnvVariable('GEMINI_WEBHOOK_SECRET=old', V, 'x').text, 'GEMINI_WEBHOOK_SECRET=x');
    assert.equal(setEnvVariable('', V, 'x').text, 'GEMINI_WEBHOOK_SECRET=x\n', 'a new file ends with a newline');
  });

  it('the variable twice: both lines get the value (loaders disagree on which wins)', () => {
    const text = 'GEMINI_WEBHOOK_SECRET=a\nX=1\nexport GEMINI_WEBHOOK_SECRET = "b"\n';
    const edit = setEnvVariable(text, V, 'whsec_n');
    assert.equal(edit.text, 'GEMINI_WEBHOOK_SECRET=whsec_n\nX=1\nexport GEMINI_WEBHOOK_SECRET = whsec_n\n');
    assert.equal(edit.updated, 2);
    assert.equal(readEnvVariable(text, V), 'b', 'the last one is what loaders read');
  });

  it('comments, look-alike names and blank lines are untouched; an inline comment is kept', () => {
    const text = [
      '# GEMINI_WEBHOOK_SECRET=whsec_commented',
      '',
      'GEMINI_WEBHOOK_SECRET_OLD=keep',
      'MY_GEMINI_WEBHOOK_SECRET=keep',
      '  GEMINI_WEBHOOK_SECRET=old   # rotated monthly',
      "GEMINI_WEBHOOK_AUDIENCE='https://x/cb' # aud",
      '',
    ].join('\n');
    const edit = setEnvVariable(text, V, 'whsec_1,whsec_2');
    assert.equal(edit.text, text.replace('  GEMINI_WEBHOOK_SECRET=old   # rotated monthly', '  GEMINI_WEBHOOK_SECRET=whsec_1,whsec_2   # rotated monthly'));
    assert.equal(readEnvVariable(text, 'GEMINI_WEBHOOK_AUDIENCE'), 'https://x/cb');
    assert.equal(readEnvVariable(text, V), 'old');
  });

  it('refuses a value on two lines and a name that is not one', () => {
    assert.throws(() => setEnvVariable('', V, 'a\nB=evil'), RangeError);
    assert.throws(() => setEnvVariable('', 'A=B', 'x'), RangeError);
  });

  it("merges: this webhook's live secrets first, others kept when live elsewhere, the rest dropped", () => {
    assert.deepEqual(parseSecretList(' a, b  c,,'), ['a', 'b', 'c']);
    assert.deepEqual(
      mergeSecrets(['old', 'other', 'gone', 'new'], ['new', 'prev'], (s) => s === 'other'),
      { secrets: ['new', 'prev', 'other'], dropped: 2 },
    );
  });
});

describe('.env files and git', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gw-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a new .env is created with mode 0600, whatever the umask', async () => {
    const file = path.join(dir, '.env');
    const previous = process.umask(0o000);
    try {
      const s1 = newSecret();
      const written = await writeSecretsToEnv(file, [s1]);
      assert.deepEqual([written.created, written.count, written.changed], [true, 1, true]);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(readFileSync(file, 'utf8'), `GEMINI_WEBHOOK_SECRET=${s1}\n`);
    } finally {
      process.umask(previous);
    }
  });

  it('an existing .env keeps its mode and every other line; during a grace window it holds new and previous', async () => {
    const file = path.join(dir, '.env');
    const [a, b, c] = [newSecret(), newSecret(), newSecret()];
    writeFileSync(file, `# app\r\nPORT=8000\r\nGEMINI_WEBHOOK_SECRET=${a}`, { mode: 0o640 });
    const rotated = await writeSecretsToEnv(file, [b, a]);
    assert.deepEqual([rotated.created, rotated.count, rotated.dropped, rotated.updated], [false, 2, 0, 1]);
    assert.equal(readFileSync(file, 'utf8'), `# app\r\nPORT=8000\r\nGEMINI_WEBHOOK_SECRET=${b},${a}`);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    const revoked = await writeSecretsToEnv(file, [c]);
    assert.equal(revoked.dropped, 2);
    assert.equal(readFileSync(file, 'utf8'), `# app\r\nPORT=8000\r\nGEMINI_WEBHOOK_SECRET=${c}`);
    const same = await writeSecretsToEnv(file, [c]);
    assert.equal(same.changed, false);
  });

  it('git check-ignore: not in a repository, not ignored, ignored after "Add to .gitignore", committed', async () => {
    const file = path.join(dir, '.env');
    writeFileSync(file, 'A=1\n');
    assert.equal(await gitIgnoreState(file), 'no-repo');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    assert.equal(await gitIgnoreState(file), 'not-ignored');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules\r\ndist');
    const gitignore = await addToGitignore(file);
    assert.equal(readFileSync(gitignore, 'utf8'), 'node_modules\r\ndist\r\n/.env');
    assert.equal(await gitIgnoreState(file), 'ignored');
    execFileSync('git', ['add', '-f', '.env'], { cwd: dir });
    assert.equal(await gitIgnoreState(file), 'tracked');
  });
});
