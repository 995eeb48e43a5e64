/**
 * The Jobs view inside the real editor, against the embedded emulator: a batch started with a dynamic
 * webhook to the receiver gets its row and then its event as a child; Open Job and Open Results (from
 * the row and from the event); Cancel Job; interactions and video operations; and bad input — a JSONL
 * file with a broken line, an unknown job id, a request the API refuses.
 */
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Emulator, startEmulator } from '../../src/core/emulator';
import { sendStaticTestEvent } from '../../src/core/receiver/testEvent';
import type { ExtensionApi } from '../../src/extension/extension';
import type { ResultsOutcome } from '../../src/extension/jobs/commands/results';
import type { StartResult } from '../../src/extension/jobs/commands/started';
import type { JobEventNode, JobNode } from '../../src/extension/jobs/tree/jobNodes';
import { COMMANDS, JOB_SCHEME } from '../../src/extension/platform/ids';
import { activateApi, confirm, input, modal, pickLabel, script } from './webhooksHelpers';

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Jobs view: jobs started from the editor, their events, Open Job and Open Results', function () {
  this.timeout(90_000);
  let api: ExtensionApi;
  const receiverConfig = () => vscode.workspace.getConfiguration('geminiWebhooks.receiver');
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const label = `it-jobs-${randomUUID().slice(0, 6)}`;

  const row = (name: string): JobNode | undefined => api.jobs.tree.nodes().find((n) => n.ref.name === name);
  const job = (kind: 'batch' | 'interaction' | 'video', name: string) => api.jobs.jobs.get({ kind, name });
  const description = (node: JobNode | undefined) => String(node?.toTreeItem().description ?? '');

  before(async () => {
    api = await activateApi();
    await receiverConfig().update('port', 0, vscode.ConfigurationTarget.Global);
    await api.secrets.addManualSecret(label, secret);
    await api.receiver.start();
    await api.receiver.refreshSecrets();
    await api.backend.ready();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(COMMANDS.stopReceiver);
    await api.secrets.removeManualSecret(label);
    await receiverConfig().update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starts a batch from typed prompts with a dynamic webhook to the receiver; the row gets its event; Open Job and Open Results', async () => {
    const ui = script(
      api,
      pickLabel('Type the prompts'),
      input('one | two'),
      input('gemini-2.5-flash'),
      pickLabel('To the receiver'),
      input('{"run":"it-jobs"}'),
    );
    const started = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBatchJob))!;
    assert.ok(started, JSON.stringify(ui.shown));
    assert.equal(ui.pending, 0);
    assert.equal(ui.flowsClosed, 1);
    const name = started.ref.name;
    assert.match(name, /^batches\//);
    assert.ok(ui.shown.some((s) => s.kind === 'info' && s.message.includes(name) && s.message.includes(api.receiver.url!)));
    assert.match(description(row(name)), /Batch · pending · gemini-2\.5-flash/);
    assert.equal(row(name)?.toTreeItem().contextValue, 'job:batch:pending');

    // The emulator delivers batch.succeeded to the receiver; the row links it and re-reads the batch.
    await until(() => (job('batch', name)?.events.length ?? 0) > 0 && job('batch', name)?.summary.state === 'BATCH_STATE_SUCCEEDED', 'the batch event');
    await api.jobs.tree.refresh();
    const node = row(name)!;
    assert.equal(node.toTreeItem().contextValue, 'job:batch:succeeded');
    const children = node.children();
    // By shape: the extension runs from its bundle, so its classes are not this file's.
    const event = children.find((c): c is JobEventNode => 'seq' in c)!;
    assert.ok(event, 'an event child');
    assert.equal(event.record?.eventType, 'batch.succeeded');
    assert.equal(event.record?.verdict, 'verified');
    const eventItem = event.toTreeItem();
    assert.deepEqual(eventItem.command?.command, COMMANDS.openInspector);
    assert.deepEqual(eventItem.command?.arguments, [{ seq: event.seq }]);
    const details = children.map((c) => c.toTreeItem()).map((i) => `${String(i.label)}: ${String(i.description)}`);
    assert.ok(details.includes(`Webhook: ${api.receiver.url}`), details.join('\n'));
    assert.ok(details.includes('user_metadata: {"run":"it-jobs"}'), details.join('\n'));
    assert.ok(details.includes('Output: 2 inline responses'), details.join('\n'));

    // Clicking the event opens it in the inspector.
    await vscode.commands.executeCommand(eventItem.command!.command, ...(eventItem.command!.arguments ?? []));
    await until(() => api.inspector.isOpen && api.inspector.isReady, 'the inspector');
    api.inspector.close();

    // Open Job: the batch's status as a read-only JSON document.
    const editor = (await vscode.commands.executeCommand<vscode.TextEditor>(COMMANDS.openJob, { ref: started.ref }))!;
    assert.equal(editor.document.uri.scheme, JOB_SCHEME);
    assert.equal(editor.document.languageId, 'json');
    const status = JSON.parse(editor.document.getText()) as { metadata: { name: string; state: string } };
    assert.equal(status.metadata.name, name);
    assert.equal(status.metadata.state, 'BATCH_STATE_SUCCEEDED');

    // Open Job from the event (as the Events view and the inspector's button do): the same batch.
    const fromEvent = (await vscode.commands.executeCommand<vscode.TextEditor>(COMMANDS.openJob, { seq: event.seq }))!;
    assert.equal(fromEvent.document.uri.toString(), editor.document.uri.toString());

    // Open Results from the event: the emulator serves the results file (output_file_uri), one line per request.
    const results = (await vscode.commands.executeCommand<ResultsOutcome>(COMMANDS.openJobResults, { seq: event.seq }))!;
    assert.equal(results.shown, 'content');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (results as { uri: string }).uri)!;
    const lines = doc
      .getText()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string });
    assert.deepEqual(
      lines.map((l) => l.key),
      ['request-1', 'request-2'],
    );
    // And from the row: the batch's inline responses, one JSON line each.
    const fromRow = (await vscode.commands.executeCommand<ResultsOutcome>(COMMANDS.openJobResults, { ref: started.ref }))!;
    assert.equal(fromRow.shown, 'content');
  });

  it('Cancel Job asks first, cancels a running batch, and its batch.cancelled event arrives as a child', async () => {
    script(api);
    const started = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBatchJob, {
      prompts: 'to cancel',
      deliver: 'receiver',
      userMetadata: null,
    }))!;
    const name = started.ref.name;
    // Declined: nothing happens.
    const declined = script(api, confirm(false));
    assert.equal(await vscode.commands.executeCommand(COMMANDS.cancelJob, { ref: started.ref }), undefined);
    // It names the job as the Jobs view does (its display name), not by its id.
    const title = job('batch', name)!.summary.displayName!;
    assert.match(title, /from VS Code/);
    assert.ok(declined.shown.some((s) => s.kind === 'confirm' && s.message.includes(`"${title}"`) && !s.message.includes(name)));
    // Its buttons cannot be read the wrong way round: no "Cancel" beside "Cancel Job".
    assert.deepEqual(declined.shown.find((s) => s.kind === 'confirm')?.items, ['Cancel Job', 'Keep Running']);
    assert.equal(job('batch', name)?.summary.ended, false);
    script(api, confirm(true));
    assert.equal(await vscode.commands.executeCommand(COMMANDS.cancelJob, { ref: started.ref }), true);
    await until(() => (job('batch', name)?.events.length ?? 0) > 0, 'the batch.cancelled event');
    const cancelled = job('batch', name)!;
    assert.equal(cancelled.summary.state, 'BATCH_STATE_CANCELLED');
    assert.equal(api.receiver.history?.get(cancelled.events[0])?.eventType, 'batch.cancelled');
    assert.equal(row(name)?.toTreeItem().contextValue, 'job:batch:ended');

    // Cancelling it again: the emulator refuses (it has ended): its error and the next step.
    const refused = script(api, confirm(true));
    await vscode.commands.executeCommand(COMMANDS.cancelJob, { ref: started.ref });
    const error = refused.shown.find((s) => s.kind === 'error');
    assert.match(error?.message ?? '', /refused the request \(400 FAILED_PRECONDITION\).*Refresh Jobs/);
  });

  it('a background interaction and a video generation: their events arrive, the video found by the file it made', async () => {
    script(api);
    const interaction = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBackgroundInteraction, {
      input: 'hi',
      deliver: 'receiver',
      userMetadata: null,
    }))!;
    const video = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startVideoGeneration, {
      prompt: 'a boat',
      deliver: 'receiver',
      userMetadata: { v: 1 },
    }))!;
    await until(
      () => (job('interaction', interaction.ref.name)?.events.length ?? 0) > 0 && (job('video', video.ref.name)?.events.length ?? 0) > 0,
      'both events',
    );
    assert.equal(job('interaction', interaction.ref.name)?.summary.state, 'completed');
    // Rows are named by what was asked (the id stays in the tooltip), also after their events re-read them.
    assert.equal(row(interaction.ref.name)?.toTreeItem().label, 'hi');
    assert.equal(row(video.ref.name)?.toTreeItem().label, 'a boat');
    assert.match(String(row(video.ref.name)?.toTreeItem().tooltip), new RegExp(video.ref.name));
    const v = job('video', video.ref.name)!;
    assert.equal(v.summary.ended, true);
    assert.equal(api.receiver.history?.get(v.events[0])?.eventType, 'video.generated');
    // Open Results on the video event: the emulator makes no video bytes; the download command is shown.
    const ui = script(api, modal(undefined));
    const outcome = (await vscode.commands.executeCommand<ResultsOutcome>(COMMANDS.openJobResults, { seq: v.events[0] }))!;
    assert.equal(outcome.shown, 'advice');
    assert.match((outcome as { command: string }).command, /^curl -fsSL -H "x-goog-api-key: \$GEMINI_API_KEY" -o '[\w.-]+\.mp4' /);
    assert.ok(ui.shown.some((s) => s.kind === 'modal' && (s.items ?? []).includes('Copy Command')));
    // Open Results on an interaction's event is an expected refusal: a warning that says where its outputs are.
    const warned = script(api);
    const interactionEvent = job('interaction', interaction.ref.name)!.events[0];
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openJobResults, { seq: interactionEvent }), undefined);
    assert.deepEqual(
      warned.shown.map((s) => s.kind),
      ['warn'],
    );
    assert.match(warned.shown[0].message, /Open Job shows them/);
  });

  it('a JSONL file picked from the workspace, its event left to the registered webhooks: Refresh Jobs reads it until it succeeds', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const file = vscode.Uri.joinPath(folder, `jobs-it-${randomUUID().slice(0, 6)}.jsonl`);
    const line = (key: string, text: string) => JSON.stringify({ key, request: { contents: [{ parts: [{ text }] }] } });
    await vscode.workspace.fs.writeFile(file, Buffer.from(`${line('first', 'one')}\n\n${line('second', 'two')}\n`));
    try {
      const base = path.basename(file.path);
      const ui = script(api, pickLabel('A JSONL file'), pickLabel(base), input('gemini-2.5-flash'), pickLabel('To the registered webhooks'));
      const started = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBatchJob))!;
      assert.ok(started, JSON.stringify(ui.shown));
      const tracked = job('batch', started.ref.name)!;
      assert.equal(tracked.summary.displayName, `${base} (2 requests, from VS Code)`);
      assert.equal(tracked.summary.webhookUris, undefined);
      const details = row(started.ref.name)!
        .children()
        .map((c) => c.toTreeItem())
        .map((i) => `${String(i.label)}: ${String(i.description)}`);
      assert.ok(details.includes('Webhook: the registered webhooks (no webhook_config)'), details.join('\n'));
      // No webhook_config: the event goes to whatever webhooks are registered, maybe none that reach this receiver;
      // Refresh Jobs reads the batch until it has succeeded.
      const end = Date.now() + 20_000;
      while (job('batch', started.ref.name)?.summary.state !== 'BATCH_STATE_SUCCEEDED') {
        if (Date.now() > end) throw new Error('the batch did not succeed');
        await new Promise((r) => setTimeout(r, 500));
        script(api);
        await vscode.commands.executeCommand(COMMANDS.refreshJobs);
      }
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });

  it('a JSONL file with a broken line: the line number in the error, nothing sent', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-it-')), 'input.jsonl');
    fs.writeFileSync(file, '{"key":"a","request":{"contents":[{"parts":[{"text":"ok"}]}]}}\n{"key":"b","request":{"contents":[\n');
    const before = api.jobs.jobs.list().length;
    const ui = script(api);
    const result = await vscode.commands.executeCommand(COMMANDS.startBatchJob, { file, deliver: 'receiver', userMetadata: null });
    assert.equal(result, undefined);
    const error = ui.shown.find((s) => s.kind === 'error');
    assert.match(error?.message ?? '', /input\.jsonl: Line 2: not JSON .* Nothing was sent\./);
    assert.deepEqual(error?.items, ['Open Line 2', 'Show Log']);
    assert.equal(api.jobs.jobs.list().length, before, 'no job started');
  });

  it('an unknown job id: an event pointing at it adds a row that is marked gone, and Open Job shows the 404', async () => {
    const sent = await sendStaticTestEvent(api.receiver.url!, 'batch.succeeded', secret);
    const seq = sent.answer.seq!;
    const record = api.receiver.history!.get(seq)!;
    const id = (JSON.parse(record.body) as { data: { id: string } }).data.id;
    const name = `batches/${id}`;
    await until(() => job('batch', name)?.gone !== undefined, 'the row to be marked gone');
    assert.equal(row(name)?.toTreeItem().contextValue, 'job:batch:gone');
    assert.match(description(row(name)), /gone/);
    const ui = script(api);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openJob, { seq }), undefined);
    const error = ui.shown.find((s) => s.kind === 'error');
    assert.match(error?.message ?? '', new RegExp(`Batch ${name} was not found \\(404\\).*marks it gone`));
    assert.deepEqual(error?.items, ['Refresh Jobs', 'Show Log']);
    // A rejected delivery names no job: a warning, never an error.
    const forged = await sendStaticTestEvent(api.receiver.url!, 'batch.succeeded', undefined);
    assert.equal(forged.answer.status, 'rejected');
    const forgedSeq = api.receiver.history!.all().at(-1)!.seq;
    const refusal = script(api);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openJob, { seq: forgedSeq }), undefined);
    assert.deepEqual(
      refusal.shown.map((s) => `${s.kind}: ${s.message}`),
      [`warn: Event #${forgedSeq} was rejected: a forged or tampered delivery points at no job.`],
    );
  });
});

describe('Jobs view on the Gemini API backend (a key-checking stand-in on loopback)', function () {
  this.timeout(90_000);
  let api: ExtensionApi;
  let gemini: Emulator;
  const KEY = 'AIzaJobsTestKey_0123456789abcdefghij';
  const config = () => vscode.workspace.getConfiguration('geminiWebhooks');

  before(async () => {
    api = await activateApi();
    gemini = await startEmulator({ port: 0, apiKey: KEY, jobDurationMs: 60_000 });
    await config().update('api.baseUrl', gemini.url, vscode.ConfigurationTarget.Global);
    await api.secrets.setApiKey(KEY);
    await api.backend.switchTo('gemini');
  });

  after(async () => {
    await api.backend.switchTo('emulator');
    await config().update('api.baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('backend', undefined, vscode.ConfigurationTarget.Global);
    await api.secrets.clearApiKey();
    await gemini.close();
  });

  it('starts jobs with the stored key at the configured base URL; a refusal shows its error and the next step; a rejected key says Set API Key', async () => {
    script(api);
    const batch = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBatchJob, { prompts: 'a | b', deliver: 'registered' }))!;
    assert.ok(batch, 'started');
    const tracked = api.jobs.jobs.get(batch.ref)!;
    assert.equal(tracked.backend, 'gemini');
    assert.equal(tracked.summary.webhookUris, undefined, 'left to the registered webhooks');
    const editor = (await vscode.commands.executeCommand<vscode.TextEditor>(COMMANDS.openJob, { ref: batch.ref }))!;
    assert.equal((JSON.parse(editor.document.getText()) as { metadata: { state: string } }).metadata.state, 'BATCH_STATE_PENDING');

    // To the receiver: the real service cannot reach loopback, so the receiver's public URL goes into webhook_config.
    // (No traffic leaves the machine: the stand-in's batch runs 60 s, and it is closed before then.)
    await config().update('receiver.publicUrl', 'https://jobs.example.test/webhooks', vscode.ConfigurationTarget.Global);
    try {
      const toReceiver = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBatchJob, {
        prompts: 'c',
        deliver: 'receiver',
        userMetadata: null,
      }))!;
      assert.deepEqual(api.jobs.jobs.get(toReceiver.ref)?.summary.webhookUris, ['https://jobs.example.test/webhooks']);
    } finally {
      await config().update('receiver.publicUrl', undefined, vscode.ConfigurationTarget.Global);
    }

    // The real service cannot deliver to loopback: refused before anything is sent.
    const local = script(api);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.startVideoGeneration, { prompt: 'p', deliver: 'http://127.0.0.1:9/hook' }), undefined);
    assert.match(local.shown.find((s) => s.kind === 'error')?.message ?? '', /cannot reach a loopback address/);

    // The API refuses to cancel an interaction that has ended: its message and what to do next.
    const interaction = (await vscode.commands.executeCommand<StartResult>(COMMANDS.startBackgroundInteraction, { input: 'hi', deliver: 'registered' }))!;
    script(api, confirm(true));
    assert.equal(await vscode.commands.executeCommand(COMMANDS.cancelJob, { ref: interaction.ref }), true);
    const refused = script(api, confirm(true));
    await vscode.commands.executeCommand(COMMANDS.cancelJob, { ref: interaction.ref });
    assert.match(
      refused.shown.find((s) => s.kind === 'error')?.message ?? '',
      /refused the request \(400 FAILED_PRECONDITION\): .*not in progress.*Refresh Jobs/,
    );

    // A key the API rejects: the Webhooks view's describer says so, with Set API Key.
    await api.secrets.setApiKey(`${KEY}X`);
    const rejected = script(api);
    await vscode.commands.executeCommand(COMMANDS.openJob, { ref: batch.ref });
    const error = rejected.shown.find((s) => s.kind === 'error');
    assert.equal(error?.message, 'The API key was rejected.');
    assert.deepEqual(error?.items, ['Set API Key', 'Show Log']);
    await api.secrets.setApiKey(KEY);

    // Back on the emulator, the Gemini API's rows say where they live, and Open Job says how to reach them.
    await api.backend.switchTo('emulator');
    await api.jobs.tree.refresh();
    const row = api.jobs.tree.nodes().find((n) => n.ref.name === batch.ref.name);
    assert.match(String(row?.toTreeItem().description), /Gemini API$/);
    const elsewhere = script(api);
    assert.equal(await vscode.commands.executeCommand(COMMANDS.openJob, { ref: batch.ref }), undefined);
    assert.match(elsewhere.shown.find((s) => s.kind === 'warn')?.message ?? '', /lives on the Gemini API.*Use Gemini API/);
  });
});
