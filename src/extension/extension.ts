/**
 * Composition root: builds the services and hands them to the features, top to bottom.
 * Every registration, server and channel is a disposable owned by `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { redact } from '../core/util/redact';
// platform: what every feature stands on
import { CommandRunner, UiHolder } from './platform/commandRunner';
import { COMMANDS, DETAILS_SCHEME, SETTINGS, VIEWS } from './platform/ids';
import { SecretStore } from './platform/secretStore';
import { shutdown } from './platform/shutdown';
import { VsCodeUi } from './platform/userInterface';
import { WalkthroughContext } from './platform/walkthroughContext';
import { WebhookDirectory } from './platform/webhookDirectory';
// webhooks: backend, tree, details, commands
import { apiErrorDescriber, treeErrorMessage } from './webhooks/apiErrors';
import { BackendService } from './webhooks/backend/backendService';
import { BackendStatusBar } from './webhooks/backend/backendStatusBar';
import { registerWebhookCommands } from './webhooks/commands/index';
import { WebhooksTreeProvider } from './webhooks/tree/webhooksTreeProvider';
import { WebhookDetailsProvider } from './webhooks/webhookDetailsProvider';
// events: receiver, feed, inspector, Events view, commands
import { registerEventCommands } from './events/commands/index';
import { EventFeed } from './events/eventFeed';
import { InspectorController, registerInspectorSerializer } from './events/inspector/inspectorPanel';
import { ReceiverService } from './events/receiver/receiverService';
import { ReceiverStatusBar } from './events/receiver/receiverStatusBar';
import { FailureRehearsal } from './events/receiver/failureRehearsal';
import { FailureStatusBar } from './events/receiver/failureStatusBar';
import { EventsTreeProvider } from './events/tree/eventsTreeProvider';
// handler: Check My Handler (the probe and its scorecard), Create Webhook Handler, Write to .env
import { HandlerFeature } from './handler/index';
// jobs: the Jobs view, the job commands, event → job
import { JobsFeature } from './jobs/index';

/** What `activate` returns: used by the integration tests to reach the running services. */
export interface ExtensionApi {
  readonly log: vscode.LogOutputChannel;
  /** The UI commands prompt through; tests replace `ui.current` with a ScriptedUi. */
  readonly ui: UiHolder;
  readonly secrets: SecretStore;
  /** The live backend (emulator or Gemini API) and its REST client. */
  readonly backend: BackendService;
  /** The Webhooks view's data: tests read its nodes and wait on `refresh()`/`settled()`. */
  readonly webhooksTree: WebhooksTreeProvider;
  readonly backendStatusBar: BackendStatusBar;
  /** The local receiver: start/stop, its history, onDidReceive. */
  readonly receiver: ReceiverService;
  /** The event inspector panel, the Events view and the receiver status bar (tests read their state). */
  readonly inspector: InspectorController;
  readonly eventsTree: EventsTreeProvider;
  readonly receiverStatusBar: ReceiverStatusBar;
  /** Simulate Receiver Failures: the plan in use and its status bar item. */
  readonly rehearsal: FailureRehearsal;
  readonly failureStatusBar: FailureStatusBar;
  /** Check My Handler's probe session and scorecard, and the .env writer Create and Rotate call. */
  readonly handler: HandlerFeature;
  /** The Jobs view: its store, tracker, tree and documents. */
  readonly jobs: JobsFeature;
  /** Where this extension keeps state and logs (the secrets-leak test reads every file there). */
  readonly paths: { readonly globalStorage: vscode.Uri; readonly logs: vscode.Uri };
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  // Foundations: log, prompts, the command wrapper, secrets.
  const log = vscode.window.createOutputChannel('Gemini Webhooks', { log: true });
  context.subscriptions.push(log);
  const ui = new UiHolder(new VsCodeUi());
  // The webhooks' names and URIs as the Webhooks view loads them: every feature shows a webhook by its name.
  const webhookDirectory = new WebhookDirectory();
  const secrets = new SecretStore(context.secrets, log, (id) => webhookDirectory.name(id));
  context.subscriptions.push(webhookDirectory, secrets);
  await secrets.loadKnownSecrets();
  const commands = new CommandRunner(ui, log, () => secrets.knownSecrets());
  context.subscriptions.push(commands.register(COMMANDS.showLog, () => log.show(true)));

  // Handler: the probe (aimed at the user's app, never at the receiver below), scaffolds, and .env after Create/Rotate.
  const handler = new HandlerFeature({
    runner: commands,
    secrets,
    ui,
    log,
    clipboard: vscode.env.clipboard,
    extensionUri: context.extensionUri,
    globalStorage: context.globalStorageUri,
    state: context.workspaceState,
    receiverUrl: () => receiver.url,
    webhookName: (id) => webhooksTree.loaded.find((w) => w.id === id)?.name || undefined,
  });
  context.subscriptions.push(handler);

  // Webhooks: the backend (embedded emulator or Gemini API), the tree, its commands and details documents.
  const backend = new BackendService(secrets, context.globalStorageUri, log);
  context.subscriptions.push(backend);
  const errorContext = { backendKind: () => backend.kind, refresh: () => void webhooksTree.refresh() };
  commands.addDescriber(apiErrorDescriber(errorContext));
  const webhooksTree = new WebhooksTreeProvider(
    backend,
    secrets,
    (e) => redact(treeErrorMessage(e, errorContext), secrets.knownSecrets()),
    log,
    webhookDirectory,
  );
  const details = new WebhookDetailsProvider(backend);
  const backendStatusBar = new BackendStatusBar(backend);
  context.subscriptions.push(
    webhooksTree,
    details,
    backendStatusBar,
    vscode.window.createTreeView(VIEWS.webhooks, { treeDataProvider: webhooksTree, showCollapseAll: true }),
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    ...registerWebhookCommands(commands, {
      backend,
      tree: webhooksTree,
      secrets,
      ui,
      log,
      details,
      clipboard: vscode.env.clipboard,
      onNewSecret: handler.env.afterNewSecret,
      // Create Webhook fills in the receiver's URL: the local one on the emulator (the walkthrough's next step points a webhook at it), else the public one.
      receiverUrls: () => receiver.publicUrl.resolve(),
    }),
  );
  void backend.ready().catch(() => undefined);

  // Receiver: verifies deliveries with the stored signing secrets; JWKS of the embedded emulator while it is the backend.
  const receiver = new ReceiverService(secrets, context.globalStorageUri, log, () => backend.defaultJwksUri());
  context.subscriptions.push(
    receiver,
    backend.onDidChange(() => void receiver.defaultJwksChanged()),
    // Secret labels carry the webhook's name: rebuild them when a name changes.
    webhookDirectory.onDidChange(() => void receiver.refreshSecrets()),
  );
  shutdown.add(() => receiver.shutdown());

  // Events: the inspector webview, the Events view, the receiver status bar and the event commands.
  const feed = new EventFeed(receiver);
  // The Attempts section reads the delivery log of the emulator the backend is (none on the Gemini API).
  const inspector = new InspectorController(context.extensionUri, feed, log, webhookDirectory, () => backend.emulatorEndpoint());
  const eventsTree = new EventsTreeProvider(feed);
  const receiverStatusBar = new ReceiverStatusBar(feed, inspector.onDidView, () => inspector.isVisible, receiver.publicUrl);
  const rehearsal = new FailureRehearsal(receiver, log);
  const failureStatusBar = new FailureStatusBar(rehearsal);
  context.subscriptions.push(
    feed,
    inspector,
    eventsTree,
    receiverStatusBar,
    rehearsal,
    failureStatusBar,
    registerInspectorSerializer(inspector),
    vscode.window.createTreeView(VIEWS.events, { treeDataProvider: eventsTree }),
    ...registerEventCommands(commands, {
      feed,
      inspector,
      secrets,
      ui,
      log,
      backend,
      receiver,
      rehearsal,
      clipboard: vscode.env.clipboard,
      webhookNames: (id) => webhookDirectory.name(id),
    }),
  );

  // Jobs: started from the editor or pointed at by events; rows refresh when their events arrive.
  const jobs = new JobsFeature({
    runner: commands,
    ui,
    log,
    state: context.workspaceState,
    clipboard: vscode.env.clipboard,
    backend: {
      get kind() {
        return backend.kind;
      },
      jobsClient: () => backend.jobsClient(),
      api: () => backend.ready().then((s) => s.api),
      onDidChange: backend.onDidChange,
    },
    receiver: { url: () => receiver.url, start: () => receiver.start(), publicUrl: () => receiver.publicUrl.resolve().then((u) => u?.public?.url) },
    events: { onDidReceive: receiver.onDidReceive, get: (seq) => feed.get(seq), all: () => feed.records(), onDidReset: feed.onDidChangeState },
  });
  context.subscriptions.push(jobs);

  // The walkthrough ticks its steps on what exists: a webhook pointing at the receiver, a verified delivery.
  const walkthrough = new WalkthroughContext({
    webhooks: webhookDirectory,
    receiverUrl: () => receiver.expectedUrl,
    onReceiverChange: receiver.onDidChangeState,
    deliveries: () => feed.records(),
    onHistoryChange: feed.onDidChangeState,
    onDelivery: feed.onDidAppend,
  });
  context.subscriptions.push(
    walkthrough,
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTINGS.receiver) && walkthrough.refresh()),
  );

  log.info(`Gemini Webhooks activated (VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI)`);
  return {
    log,
    ui,
    secrets,
    backend,
    webhooksTree,
    backendStatusBar,
    receiver,
    inspector,
    eventsTree,
    receiverStatusBar,
    rehearsal,
    failureStatusBar,
    handler,
    jobs,
    paths: { globalStorage: context.globalStorageUri, logs: context.logUri },
  };
}

/** VS Code awaits this before the extension host goes away (then disposes the subscriptions). */
export function deactivate(): Promise<void> {
  return shutdown.run();
}
