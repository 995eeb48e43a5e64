/**
 * `--state FILE`: webhooks and their secrets persisted across restarts. Writes are atomic (temp file
 * + rename) and private (mode 0600: the file holds signing secrets). A corrupt file is never lost:
 * it is moved aside to `FILE.corrupt-<time>` with a clear warning, and the emulator starts empty.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomToken } from './ids';
import { secretRecord, SigningSecretRecord } from './secrets';
import { WEBHOOK_STATES, Webhook, WebhookInput, WebhookState } from '../api/types';
import { WebhookRecord, WebhookStore } from './webhookStore';
import { validateSigningSecret } from '../verify/secretFormat';

const FORMAT = 'gemini-webhooks-emulator-state';
const VERSION = 1;

/** A webhook as the state file keeps it: the API resource's id, input fields and state, with epoch-ms times and the full secrets. */
interface PersistedWebhook extends Pick<Webhook, 'id'>, WebhookInput {
  readonly state: WebhookState;
  readonly create_time: number;
  readonly update_time: number;
  readonly secrets: readonly { readonly secret: string; readonly create_time: number; readonly expire_time?: number }[];
}

export class StateFile {
  constructor(
    readonly file: string,
    private readonly warn: (line: string) => void,
  ) {}

  load(store: WebhookStore): void {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`cannot read state file ${this.file}: ${(err as Error).message}`);
    }
    let webhooks: PersistedWebhook[];
    try {
      webhooks = parseState(text);
    } catch (err) {
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(this.file, aside);
      this.warn(`emulator: state file ${this.file} is not valid (${(err as Error).message}); moved it aside to ${aside} and started with no webhooks`);
      return;
    }
    for (const w of webhooks) {
      const secrets: SigningSecretRecord[] = w.secrets.map((s) => secretRecord(s.secret, s.create_time, s.expire_time));
      const record: Omit<WebhookRecord, 'seq'> = {
        id: w.id,
        uri: w.uri,
        subscribed_events: w.subscribed_events,
        state: w.state,
        createTime: w.create_time,
        updateTime: w.update_time,
        secrets,
      };
      if (w.name !== undefined) record.name = w.name;
      store.restore(record);
    }
  }

  save(store: WebhookStore): void {
    const webhooks: PersistedWebhook[] = [...store.all()].map((r) => ({
      id: r.id,
      ...(r.name !== undefined ? { name: r.name } : {}),
      uri: r.uri,
      subscribed_events: r.subscribed_events,
      state: r.state,
      create_time: r.createTime,
      update_time: r.updateTime,
      secrets: r.secrets.map((s) => ({ secret: s.secret, create_time: s.createTime, ...(s.expireTime !== undefined ? { expire_time: s.expireTime } : {}) })),
    }));
    const text = JSON.stringify({ format: FORMAT, version: VERSION, webhooks }, null, 2);
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${randomToken(8)}.tmp`);
    try {
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      this.warn(`emulator: could not save state to ${this.file}: ${(err as Error).message}`);
    }
  }
}

function parseState(text: string): PersistedWebhook[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const v = value as { format?: unknown; version?: unknown; webhooks?: unknown };
  if (typeof v !== 'object' || v === null || v.format !== FORMAT) throw new Error(`not a ${FORMAT} file`);
  if (v.version !== VERSION) throw new Error(`unsupported version ${String(v.version)}`);
  if (!Array.isArray(v.webhooks)) throw new Error('webhooks is not a list');
  const ids = new Set<string>();
  for (const [i, w] of (v.webhooks as PersistedWebhook[]).entries()) {
    const ok =
      typeof w === 'object' &&
      w !== null &&
      typeof w.id === 'string' &&
      !ids.has(w.id) &&
      typeof w.uri === 'string' &&
      Array.isArray(w.subscribed_events) &&
      w.subscribed_events.every((e) => typeof e === 'string') &&
      WEBHOOK_STATES.includes(w.state) &&
      typeof w.create_time === 'number' &&
      typeof w.update_time === 'number' &&
      (w.name === undefined || typeof w.name === 'string') &&
      Array.isArray(w.secrets) &&
      w.secrets.length > 0 &&
      w.secrets.every(
        (s) =>
          typeof s === 'object' &&
          s !== null &&
          typeof s.secret === 'string' &&
          validateSigningSecret(s.secret) === undefined &&
          typeof s.create_time === 'number' &&
          (s.expire_time === undefined || typeof s.expire_time === 'number'),
      );
    if (!ok) throw new Error(`webhook #${i} is malformed`);
    ids.add(w.id);
  }
  return v.webhooks as PersistedWebhook[];
}
