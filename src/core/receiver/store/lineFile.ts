/**
 * JSON-lines files read and written in bounded pieces: a file is read chunk by chunk (never as one
 * string: a history of many large records once failed with "Invalid string length"), split on
 * newlines as bytes, and a line longer than the limit is skipped without being held in memory.
 * Files are created private (0600: they hold payloads and headers).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ScanResult {
  /** Non-blank lines seen (handed over or skipped as too long). */
  readonly lines: number;
  /** Lines skipped because they were longer than the limit. */
  readonly oversized: number;
  /** Bytes read. */
  readonly bytes: number;
}

/**
 * Calls `onLine` for each non-blank line of `file`, in order. Resolves to undefined when the file does
 * not exist. A last line without its newline (a write cut short) is handed over like any other: the
 * caller's parser decides.
 */
export async function scanLines(file: string, maxLineBytes: number, onLine: (line: string) => void): Promise<ScanResult | undefined> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let lines = 0;
  let oversized = 0;
  let bytes = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipping = false;
  const emit = () => {
    if (skipping) {
      skipping = false;
      lines++;
      oversized++;
    } else if (partBytes > 0) {
      const line = (parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes)).toString('utf8');
      if (line.trim() !== '') {
        lines++;
        onLine(line);
      }
    }
    parts = [];
    partBytes = 0;
  };
  const add = (piece: Buffer) => {
    if (skipping || piece.length === 0) return;
    if (partBytes + piece.length > maxLineBytes) {
      skipping = true;
      parts = [];
      partBytes = 0;
      return;
    }
    // Copy: the read buffer is reused for the next chunk.
    parts.push(Buffer.from(piece));
    partBytes += piece.length;
  };
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        add(chunk.subarray(start, nl));
        emit();
        start = nl + 1;
      }
      add(chunk.subarray(start));
    }
    emit();
  } finally {
    await handle.close();
  }
  return { lines, oversized, bytes };
}

/** Creates the file's folder, and the file itself (empty, 0600) when missing; an existing file is made 0600. */
export async function ensurePrivateFile(file: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.promises.open(file, 'a', 0o600);
  try {
    await handle.chmod(0o600).catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Appends lines (each ending in its newline), first ending a line left unfinished by a writer that
 * died mid-write, so the new lines never glue onto it. Writes in ~1 MiB pieces. Resolves to the
 * file's size afterwards. Call it holding the file's lock.
 */
export async function appendLines(file: string, lines: readonly string[]): Promise<number> {
  const handle = await fs.promises.open(file, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    let written = 0;
    let batch: string[] = [];
    let batchChars = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 10) batch.push('\n');
    }
    const write = async () => {
      const data = Buffer.from(batch.join(''), 'utf8');
      await handle.write(data, 0, data.length, null);
      written += data.length;
      batch = [];
      batchChars = 0;
    };
    for (const line of lines) {
      batch.push(line);
      batchChars += line.length;
      if (batchChars >= 1 << 20) await write();
    }
    if (batch.length > 0) await write();
    return size + written;
  } finally {
    await handle.close();
  }
}

/** Replaces the file with these lines (each ending in a newline), written in ~1 MiB pieces to a private temp file then renamed over it. */
export async function replaceLines(file: string, lines: Iterable<string>): Promise<{ lines: number; bytes: number }> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  const handle = await fs.promises.open(tmp, 'w', 0o600);
  let count = 0;
  let bytes = 0;
  try {
    let batch: string[] = [];
    let batchChars = 0;
    for (const line of lines) {
      batch.push(line, '\n');
      batchChars += line.length + 1;
      count++;
      if (batchChars >= 1 << 20) {
        bytes += (await handle.write(batch.join(''))).bytesWritten;
        batch = [];
        batchChars = 0;
      }
    }
    if (batch.length > 0) bytes += (await handle.write(batch.join(''))).bytesWritten;
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (error) {
    await fs.promises.rm(tmp, { force: true });
    throw error;
  }
  return { lines: count, bytes };
}
