/**
 * The shapes kept in SecretStorage, and their validation (pure, vscode-free). Every entry is checked
 * on its own: a bad one is reported and skipped, never thrown, and never takes the others with it.
 * Nothing here puts a secret into a message.
 */

export interface StoredSigningSecret {
  readonly secret: string;
  /** ISO time it was stored. */
  readonly storedAt: string;
  /** ISO time after which it stops verifying (set on the previous secret when rotating). */
  readonly expireTime?: string;
}

export interface ManualSecret extends StoredSigningSecret {
  readonly label: string;
}

/** Which entries exist (SecretStorage cannot list its keys in VS Code 1.100), and where backups went. */
export interface SecretIndex {
  webhooks: string[];
  manual: string[];
  backups: string[];
}

/** A parsed value: `intact` is false when anything in it was unreadable (it must be backed up before it is overwritten). */
export interface Parsed<T> {
  readonly value: T;
  readonly intact: boolean;
}

export const emptyIndex = (): SecretIndex => ({ webhooks: [], manual: [], backups: [] });

function json(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

const isIso = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** One stored secret, or undefined when its shape is wrong. */
export function readSecret(value: unknown): StoredSigningSecret | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { secret, storedAt, expireTime } = value as Record<string, unknown>;
  if (typeof secret !== 'string' || secret === '' || !isIso(storedAt)) return undefined;
  if (expireTime !== undefined && !isIso(expireTime)) return undefined;
  return expireTime === undefined ? { secret, storedAt } : { secret, storedAt, expireTime };
}

/** A webhook's secrets, newest first: an array of secrets. Bad elements are dropped (and the value is not intact). */
export function readWebhookSecrets(value: unknown): Parsed<StoredSigningSecret[]> {
  if (!Array.isArray(value)) return { value: [], intact: false };
  const secrets = value.map(readSecret).filter((s): s is StoredSigningSecret => s !== undefined);
  return { value: secrets, intact: secrets.length === value.length };
}

export function parseWebhookSecrets(raw: string): Parsed<StoredSigningSecret[]> {
  const parsed = json(raw);
  return parsed.ok ? readWebhookSecrets(parsed.value) : { value: [], intact: false };
}

export function readManualSecret(value: unknown): ManualSecret | undefined {
  const secret = readSecret(value);
  const label = (value as { label?: unknown } | undefined)?.label;
  if (!secret || typeof label !== 'string' || label.trim() === '') return undefined;
  return { ...secret, label };
}

export function parseManualSecret(raw: string): ManualSecret | undefined {
  const parsed = json(raw);
  return parsed.ok ? readManualSecret(parsed.value) : undefined;
}

const strings = (v: unknown): { list: string[]; intact: boolean } => {
  if (!Array.isArray(v)) return { list: [], intact: v === undefined };
  const list = v.filter((s): s is string => typeof s === 'string' && s !== '');
  return { list: [...new Set(list)], intact: list.length === v.length };
};

export function parseIndex(raw: string): Parsed<SecretIndex> {
  const parsed = json(raw);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) return { value: emptyIndex(), intact: false };
  const o = parsed.value as Record<string, unknown>;
  const [webhooks, manual, backups] = [strings(o.webhooks), strings(o.manual), strings(o.backups)];
  return { value: { webhooks: webhooks.list, manual: manual.list, backups: backups.list }, intact: webhooks.intact && manual.intact && backups.intact };
}
