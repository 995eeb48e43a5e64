/**
 * Runs inside the extension host (the tests-module contract: `run()`), for bench/activation-time.ts.
 * Opens the baseline extension's view, then ours, as a user opens a view from the activity bar, and
 * measures in this host, on its clock: from the command that opens the view to the view's rows being
 * ready in the host (the baseline's getChildren answered; our Webhooks view loaded from the backend, which
 * on the default backend means the embedded emulator started and answered its first list). Then reads the host's own
 * activation timing from the workbench's Startup Performance document (perf:Startup Performance: per
 * extension, the time to load its code, to call activate() and for the promise it returned to settle),
 * and prints everything as one line: `ACTIVATION {json}`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BASELINE_CONTAINER, BASELINE_ID, BASELINE_ROWS_AT } from './ids';

const ID = 'gemini-webhooks-dev.gemini-webhooks';
/** Our views' container (package.json viewsContainers). */
const CONTAINER = 'geminiWebhooks';

interface Timing {
  loadCode: number;
  callActivate: number;
  finishActivate: number;
  event: string;
}

/** What the benchmark reads of our extension's API (ExtensionApi in src/extension/extension.ts). */
interface WebhooksTreeApi {
  readonly webhooksTree: {
    readonly loaded: readonly unknown[];
    readonly errorText: string | undefined;
    readonly loadState?: string;
    /** The same, in builds older than loadState (a before/after run). */
    readonly state?: { readonly kind: string };
  };
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

/** Polls `check` every 2 ms (the granularity of the times below) until it gives a value. */
async function until<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<WebhooksTreeApi>(ID);
  const baseline = vscode.extensions.getExtension(BASELINE_ID);
  if (!ext || !baseline)
    throw new Error(
      `${ext ? BASELINE_ID : ID} is not installed in this host (it has ${vscode.extensions.all
        .filter((e) => !e.id.startsWith('vscode.'))
        .map((e) => e.id)
        .join(', ')})`,
    );
  const main = path.join(ext.extensionPath, 'dist', 'extension.js');
  const undiciFile = path.join(ext.extensionPath, 'dist', 'undici.js');
  const loaded = (file: string) => Object.keys(require.cache).includes(file);
  const stamps = globalThis as unknown as Record<string, number | undefined>;

  // The baseline first: the host is then warmed up for ours as it is, in a real window, by the extensions before it.
  console.log('probe: opening the baseline view');
  let t0 = performance.now();
  await vscode.commands.executeCommand(`workbench.view.extension.${BASELINE_CONTAINER}`);
  const baselineRowsMs = (await until(() => stamps[BASELINE_ROWS_AT], 60_000, 'the baseline view to ask for its rows')) - t0;

  console.log('probe: opening the Gemini Webhooks view');
  t0 = performance.now();
  await vscode.commands.executeCommand(`workbench.view.extension.${CONTAINER}`);
  await until(() => (ext.isActive ? true : undefined), 60_000, `${ID} to activate`);
  const undiciAtActivation = loaded(undiciFile);
  const tree = ext.exports.webhooksTree;
  // Loaded: the view shows the backend's answer (rows, or on a fresh profile the welcome view's "no webhooks").
  const done = new Set(['loaded', 'needsKey', 'error']);
  await until(() => (done.has(tree.loadState ?? tree.state?.kind ?? '') ? true : undefined), 60_000, 'the Webhooks view to load');
  const rowsMs = performance.now() - t0;
  if (tree.errorText !== undefined) throw new Error(`the Webhooks view failed to load: ${tree.errorText}`);

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
      rowsMs: Math.round(rowsMs),
      baselineRowsMs: Math.round(baselineRowsMs),
      rows: tree.loaded.length,
      undiciAtActivation,
      mainBytes: fs.statSync(main).size,
      // The properties `import * as vscode` copies (once per bundle since scripts/build.mjs's vscode-once).
      vscodeApiKeys: Object.getOwnPropertyNames(vscode).length,
    })}`,
  );
}
