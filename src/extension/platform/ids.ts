/**
 * Every id this extension shares with VS Code, declared once: command ids, view ids, the webview
 * type, context keys, setting sections, status bar item ids and SecretStorage keys. package.json
 * names the same ids; `test/unit/manifest/ids.test.ts` checks that both agree, and a lint rule
 * forbids `geminiWebhooks.…` literals anywhere else in the shell. vscode-free, so unit tests and
 * the manifest check can read it on plain Node.
 */

export const COMMANDS = {
  showLog: 'geminiWebhooks.showLog',
  // Webhooks view and backend
  setApiKey: 'geminiWebhooks.setApiKey',
  clearApiKey: 'geminiWebhooks.clearApiKey',
  refresh: 'geminiWebhooks.refresh',
  loadMore: 'geminiWebhooks.loadMore',
  retry: 'geminiWebhooks.retry',
  createWebhook: 'geminiWebhooks.createWebhook',
  editWebhook: 'geminiWebhooks.editWebhook',
  enableWebhook: 'geminiWebhooks.enableWebhook',
  /** Enable, offered on the webhooks the service disabled after failed deliveries. */
  reenableWebhook: 'geminiWebhooks.reenableWebhook',
  disableWebhook: 'geminiWebhooks.disableWebhook',
  deleteWebhook: 'geminiWebhooks.deleteWebhook',
  rotateSigningSecret: 'geminiWebhooks.rotateSigningSecret',
  pingWebhook: 'geminiWebhooks.pingWebhook',
  copyWebhookId: 'geminiWebhooks.copyWebhookId',
  copyWebhookUri: 'geminiWebhooks.copyWebhookUri',
  showWebhookDetails: 'geminiWebhooks.showWebhookDetails',
  startEmulator: 'geminiWebhooks.startEmulator',
  useGeminiApi: 'geminiWebhooks.useGeminiApi',
  switchBackend: 'geminiWebhooks.switchBackend',
  // Receiver and events
  startReceiver: 'geminiWebhooks.startReceiver',
  stopReceiver: 'geminiWebhooks.stopReceiver',
  copyReceiverUrl: 'geminiWebhooks.copyReceiverUrl',
  openInspector: 'geminiWebhooks.openInspector',
  clearEvents: 'geminiWebhooks.clearEvents',
  exportEvents: 'geminiWebhooks.exportEvents',
  addSigningSecret: 'geminiWebhooks.addSigningSecret',
  removeSigningSecret: 'geminiWebhooks.removeSigningSecret',
  triggerTestEvent: 'geminiWebhooks.triggerTestEvent',
  replayEvent: 'geminiWebhooks.replayEvent',
  verifyCapturedDelivery: 'geminiWebhooks.verifyCapturedDelivery',
  simulateReceiverFailures: 'geminiWebhooks.simulateReceiverFailures',
  stopSimulatingReceiverFailures: 'geminiWebhooks.stopSimulatingReceiverFailures',
  // Your handler: the probe's scorecard and scaffolds
  checkHandler: 'geminiWebhooks.checkHandler',
  createWebhookHandler: 'geminiWebhooks.createWebhookHandler',
  // Jobs view, and event → job
  startBatchJob: 'geminiWebhooks.startBatchJob',
  startBackgroundInteraction: 'geminiWebhooks.startBackgroundInteraction',
  startVideoGeneration: 'geminiWebhooks.startVideoGeneration',
  cancelJob: 'geminiWebhooks.cancelJob',
  refreshJobs: 'geminiWebhooks.refreshJobs',
  openJob: 'geminiWebhooks.openJob',
  openJobResults: 'geminiWebhooks.openJobResults',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

export const VIEWS = {
  container: 'geminiWebhooks',
  webhooks: 'geminiWebhooks.webhooks',
  events: 'geminiWebhooks.events',
  jobs: 'geminiWebhooks.jobs',
} as const;

export const WEBVIEWS = {
  inspector: 'geminiWebhooks.inspector',
  scorecard: 'geminiWebhooks.scorecard',
} as const;

/** Context keys the `when` clauses of package.json read. */
export const CONTEXT_KEYS = {
  backend: 'geminiWebhooks.backend',
  hasApiKey: 'geminiWebhooks.hasApiKey',
  ready: 'geminiWebhooks.ready',
  empty: 'geminiWebhooks.empty',
  receiverRunning: 'geminiWebhooks.receiverRunning',
  hasEvents: 'geminiWebhooks.hasEvents',
  /** The walkthrough's steps tick on real state: the embedded emulator is the live backend and runs… */
  emulatorRunning: 'geminiWebhooks.emulatorRunning',
  /** …a webhook's URI is the receiver's URL… */
  webhookAtReceiver: 'geminiWebhooks.webhookAtReceiver',
  /** …and the receiver has verified a delivery (not an imported capture). */
  eventVerified: 'geminiWebhooks.eventVerified',
  /** A failure rehearsal answers the receiver's deliveries (Simulate Receiver Failures). */
  simulatingFailures: 'geminiWebhooks.simulatingFailures',
  /** The Jobs view lists a job (else its welcome shows). */
  hasJobs: 'geminiWebhooks.hasJobs',
} as const;

export type ContextKey = (typeof CONTEXT_KEYS)[keyof typeof CONTEXT_KEYS];

/** Setting sections read with `workspace.getConfiguration` (the settings themselves are in package.json). */
export const SETTINGS = {
  root: 'geminiWebhooks',
  receiver: 'geminiWebhooks.receiver',
  /** Single settings that messages point at (Open Settings). */
  apiBaseUrl: 'geminiWebhooks.api.baseUrl',
  receiverPort: 'geminiWebhooks.receiver.port',
  receiverForwardTo: 'geminiWebhooks.receiver.forwardTo',
  /** The receiver's public URL (first in the resolution order; see docs/public-url.md). */
  receiverPublicUrl: 'geminiWebhooks.receiver.publicUrl',
  /** How the embedded emulator signs dynamic deliveries: `v1a` (default) or `jwt`. */
  emulatorDynamicSigning: 'geminiWebhooks.emulator.dynamicSigning',
  /** After Create and Rotate: write the signing secret(s) to the workspace's .env — `ask`, `always` or `never`. */
  handlerWriteEnvFile: 'geminiWebhooks.handler.writeEnvFile',
} as const;

export const STATUS_BAR_ITEMS = {
  backend: 'geminiWebhooks.backend',
  receiver: 'geminiWebhooks.receiver',
  receiverFailures: 'geminiWebhooks.receiverFailures',
} as const;

/** SecretStorage keys; per-webhook and per-secret entries add a suffix to these prefixes. */
export const SECRET_KEYS = {
  apiKey: 'geminiWebhooks.apiKey',
  signingSecretsIndex: 'geminiWebhooks.signingSecrets.index',
  webhookSecretPrefix: 'geminiWebhooks.signingSecrets/',
  manualSecretPrefix: 'geminiWebhooks.manualSigningSecrets/',
} as const;

/** The scheme of the read-only webhook details documents. */
export const DETAILS_SCHEME = 'gemini-webhook';

/** The scheme of the read-only job documents (status JSON, results). */
export const JOB_SCHEME = 'gemini-job';
