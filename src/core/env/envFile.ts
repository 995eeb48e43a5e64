/**
 * Writing the signing secrets into a project's `.env` and telling whether git would commit it.
 * A new file is created with mode 0600 (owner only); an existing one keeps its mode. Nothing here
 * logs or returns a secret: results are counts.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { appendLines } from '../util/lineEdit';
import { mergeSecrets, parseSecretList, readEnvVariable, SECRET_VARIABLE, setEnvVariable } from './dotenv';

export interface SecretsWritten {
  readonly file: string;
  readonly created: boolean;
  /** Secrets the variable now holds. */
  readonly count: number;
  /** Entries removed (no longer live). */
  readonly dropped: number;
  /** Assignment lines rewritten (2 when the variable was there twice); 0 when a line was added. */
  readonly updated: number;
  /** False when the file already said exactly this. */
  readonly changed: boolean;
}

/** Sets GEMINI_WEBHOOK_SECRET in `file` to `secrets` (newest first) plus the entries `keep` accepts. */
export async function writeSecretsToEnv(file: string, secrets: readonly string[], keep: (secret: string) => boolean = () => false): Promise<SecretsWritten> {
  let text = '';
  let created = false;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    created = true;
  }
  const merged = mergeSecrets(parseSecretList(readEnvVariable(text, SECRET_VARIABLE)), secrets, keep);
  const edit = setEnvVariable(text, SECRET_VARIABLE, merged.secrets.join(','));
  const changed = edit.text !== text;
  if (created) {
    await fs.writeFile(file, edit.text, { mode: 0o600, flag: 'wx' });
    await fs.chmod(file, 0o600); // whatever the umask
  } else if (changed) {
    await fs.writeFile(file, edit.text);
  }
  return { file, created, count: merged.secrets.length, dropped: merged.dropped, updated: edit.updated, changed };
}

/**
 * What git makes of the file: `ignored`; `not-ignored` (it would be committed); `tracked` (it is
 * committed already: ignoring it no longer helps); `no-repo` (not in a repository); `no-git`.
 */
export type GitIgnoreState = 'ignored' | 'not-ignored' | 'tracked' | 'no-repo' | 'no-git';

function git(args: readonly string[], cwd: string): Promise<{ code: number | 'ENOENT' }> {
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd, timeout: 10_000, windowsHide: true }, (error) => {
      if (!error) return resolve({ code: 0 });
      const e = error as NodeJS.ErrnoException & { code?: unknown };
      resolve({ code: e.code === 'ENOENT' ? 'ENOENT' : typeof e.code === 'number' ? e.code : 128 });
    });
  });
}

export async function gitIgnoreState(file: string): Promise<GitIgnoreState> {
  const cwd = path.dirname(file);
  const name = path.basename(file);
  const tracked = await git(['ls-files', '--error-unmatch', '--', name], cwd);
  if (tracked.code === 'ENOENT') return 'no-git';
  if (tracked.code === 0) return 'tracked';
  const ignored = await git(['check-ignore', '-q', '--', name], cwd);
  if (ignored.code === 'ENOENT') return 'no-git';
  if (ignored.code === 0) return 'ignored';
  if (ignored.code === 1) return 'not-ignored';
  return 'no-repo';
}

/** Adds a line for `name` (e.g. `.env`) to the .gitignore beside it (created when missing). */
export async function addToGitignore(file: string): Promise<string> {
  const gitignore = path.join(path.dirname(file), '.gitignore');
  let text = '';
  try {
    text = await fs.readFile(gitignore, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.writeFile(gitignore, appendLines(text, [`/${path.basename(file)}`]));
  return gitignore;
}
