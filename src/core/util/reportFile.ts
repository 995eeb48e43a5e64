/**
 * A report file the tool writes (e.g. `probe --junit FILE`) without losing anything else: it replaces
 * only an empty file or one it wrote itself (`isOurs` recognises the start of it), never writes through
 * a symbolic link, and never touches a folder, FIFO, socket or device. The text goes to a temp file in
 * the same folder (created O_EXCL), then is linked into place when FILE is new (which fails if anything
 * appeared there meanwhile) or renamed over our own earlier report — so a reader sees the old report or
 * the new one, never half of one. Missing parent folders are created.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';

/** How much of an existing file `isOurs` is shown. */
const HEAD_BYTES = 4096;

type Target = { readonly kind: 'new' } | { readonly kind: 'ours' } | { readonly kind: 'refused'; readonly reason: string };

/** Why `file` must not be written, in words (naming it), or undefined when it may be. */
export async function reportFileProblem(file: string, isOurs: (head: string) => boolean): Promise<string | undefined> {
  const target = await inspect(file, isOurs);
  return target.kind === 'refused' ? target.reason : undefined;
}

/** Writes `text` to `file` as the module comment says; rejects with an Error whose message says why, in words. */
export async function writeReportFile(file: string, text: string, isOurs: (head: string) => boolean): Promise<void> {
  const target = await inspect(file, isOurs);
  if (target.kind === 'refused') throw new Error(target.reason);
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the folder ${dir}: ${describe(error)}`);
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, text, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    throw new Error(`cannot write in ${dir}: ${describe(error)}`);
  }
  try {
    if (target.kind === 'new') await placeNew(tmp, file);
    else await fs.rename(tmp, file);
  } catch (error) {
    throw new Error(
      (error as NodeJS.ErrnoException).code === 'EEXIST'
        ? `${file} appeared while the report was being written: not overwritten`
        : `cannot write ${file}: ${describe(error)}`,
    );
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** link(2) fails when anything is at `file` (O_EXCL for a whole file); where hard links are not supported, a rename after one more look. */
async function placeNew(tmp: string, file: string): Promise<void> {
  try {
    await fs.link(tmp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (await exists(file)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await fs.rename(tmp, file);
  }
}

async function inspect(file: string, isOurs: (head: string) => boolean): Promise<Target> {
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'new' };
    if (code === 'ENOTDIR') return { kind: 'refused', reason: `${file}: a part of its path is a file, not a folder` };
    return { kind: 'refused', reason: `cannot look at ${file}: ${describe(error)}` };
  }
  if (stat.isSymbolicLink())
    return { kind: 'refused', reason: `${file} is a symbolic link: a report is never written through one (give the real path, or remove the link)` };
  if (stat.isDirectory()) return { kind: 'refused', reason: `${file} is a folder: give a file name` };
  if (!stat.isFile()) return { kind: 'refused', reason: `${file} is not a regular file (a FIFO, socket or device): not replaced` };
  if (stat.size === 0) return { kind: 'ours' };
  let head: string;
  try {
    // O_NOFOLLOW and O_NONBLOCK: should it have become a link or a FIFO since lstat, this fails instead of following or waiting.
    const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { kind: 'refused', reason: `cannot read ${file} to see whether it is an earlier report: ${describe(error)}` };
  }
  if (!isOurs(head))
    return { kind: 'refused', reason: `${file} exists and is not a report this tool wrote: not overwritten (remove it, or choose another file)` };
  return { kind: 'ours' };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EEXIST':
      return 'a file is in the way';
    default:
      return e.message ?? String(error);
  }
}
