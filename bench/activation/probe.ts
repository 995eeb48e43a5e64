/**
 * Runs inside the extension host (the tests-module contract: `run()`), for bench/activation-time.ts.
 * Activates the extension as a user does — by opening its view container — and a do-nothing baseline
 * extension, then reads the host's own activation timing from the workbench's Startup Performance
 * document (perf:Startup Performance: per extension, the time to load its code, to call activate()
 * and for the promise it returned to settle, as the extension host reported them), and prints them as
 * one line: `ACTIVATION {json}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const ID = 'gemini-webhooks-dev.gemini-webhooks';
import { BASELINE_ID } from './ids';

interface Timing {
  loadCode: number;
  callActivate: number;
  finishActivate: number;
  event: string;
}

/** The rows of the "Extension Activation Stats" table, by extension id. */
function activationStats(text: string): Map<string, Timing> {
  const rows = text.split('\n').filter((l) => l.startsWith('|'));
  const header = rows.findIndex((l) => l.includes('Load Code') && l.includes('Call Activate'));
  const out = new Map<string, Timing>();
  if (header < 0) return out;
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const names = cells(rows[header]);
  const col = (name: string) => names.indexOf(name);
  for (const line of rows.slice(header + 2)) {
    const c = cells(line);
    if (c.length !== names.length) break;
    out.set(c[col('Extension')], {
      loadCode: Number(c[col('Load Code')]),
      callActivate: Number(c[col('Call Activate')]),
      finishActivate: Number(c[col('Finish Activate')]),
      event: c[col('Event')],
    });
  }
  return out;
}

async function until<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension(ID);
  if (!ext)
    throw new Error(
      `${ID} is not installed in this host (it has ${vscode.extensions.all
        .filter((e) => !e.id.startsWith('vscode.'))
        .map((e) => e.id)
        .join(', ')})`,
    );
  const main = path.join(ext.extensionPath, 'dist', 'extension.js');
  const undiciFile = path.join(ext.extensionPath, 'dist', 'undici.js');
  const loaded = (file: string) => Object.keys(require.cache).includes(file);
  const started = Date.now();
  console.log('probe: opening the Gemini Webhooks view');
  await vscode.commands.executeCommand('workbench.view.extension.geminiWebhooks');
  console.log('probe: view opened');
  // Polled every 5 ms: whether undici was loaded by the time activation had finished.
  await until(() => (ext.isActive ? true : undefined), 60_000, `${ID} to activate`);
  const undiciAtActivation = loaded(undiciFile);
  const baseline = vscode.extensions.getExtension(BASELINE_ID);
  if (!baseline) throw new Error(`${BASELINE_ID} is not installed in this host`);
  await baseline.activate();
  // Loading undici in this host, after activation: what activation no longer pays (unless already loaded).
  let undiciLoadMs: number | undefined;
  if (!loaded(undiciFile) && fs.existsSync(undiciFile)) {
    const t0 = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(undiciFile);
    undiciLoadMs = performance.now() - t0;
  }
  // The workbench registers the perf: document's provider when the command first shows it.
  await vscode.commands.executeCommand('perfview.show');
  const stats = await until(
    async () => {
      try {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'perf', path: 'Startup Performance' }));
        const s = activationStats(doc.getText());
        return s.has(ID) && s.has(BASELINE_ID) ? s : undefined;
      } catch (error) {
        // The workbench may cancel the request while it is still starting up: ask again.
        console.log(`probe: the Startup Performance document is not ready (${error instanceof Error ? error.message : String(error)})`);
        await new Promise((r) => setTimeout(r, 500));
        return undefined;
      }
    },
    30_000,
    'the Startup Performance document to list both extensions',
  );
  console.log(
    `ACTIVATION ${JSON.stringify({
      extension: stats.get(ID),
      baseline: stats.get(BASELINE_ID),
      undiciAtActivation,
      undiciLoadMs,
      mainBytes: fs.statSync(main).size,
      undiciBytes: fs.existsSync(undiciFile) ? fs.statSync(undiciFile).size : 0,
      secondsToActive: (Date.now() - started) / 1000,
    })}`,
  );
}
