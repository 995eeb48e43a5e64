/** Reads the geminiWebhooks.receiver.* settings (package.json holds the defaults). */
import * as vscode from 'vscode';
import { SETTINGS } from '../../platform/ids';

export interface ReceiverSettings {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly toleranceSeconds: number;
  readonly historySize: number;
  /** Bound on the history's size on disk and in memory, in MiB. */
  readonly historyMegabytes: number;
  /** Empty: the default (the embedded emulator's JWKS while it is the backend, else Google's). */
  readonly jwksUri: string;
  /** Empty: not checked. */
  readonly audience: string;
  /** Empty: no forwarding. */
  readonly forwardTo: string;
}

export function readReceiverSettings(): ReceiverSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS.receiver);
  return {
    host: c.get<string>('host', '127.0.0.1').trim() || '127.0.0.1',
    port: clampInt(c.get<number>('port', 8788), 0, 65535, 8788),
    path: c.get<string>('path', '/webhooks').trim() || '/webhooks',
    toleranceSeconds: clampInt(c.get<number>('toleranceSeconds', 300), 1, 86_400, 300),
    historySize: clampInt(c.get<number>('historySize', 1000), 10, 100_000, 1000),
    historyMegabytes: clampInt(c.get<number>('historyMegabytes', 64), 1, 4096, 64),
    jwksUri: c.get<string>('jwksUri', '').trim(),
    audience: c.get<string>('audience', '').trim(),
    forwardTo: c.get<string>('forwardTo', '').trim(),
  };
}

export function sameSettings(a: ReceiverSettings, b: ReceiverSettings): boolean {
  return (Object.keys(a) as (keyof ReceiverSettings)[]).every((k) => a[k] === b[k]);
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : fallback;
  return Math.min(max, Math.max(min, n));
}

/** geminiWebhooks.receiver.publicUrl, read on its own: a change needs no restart (the public URL is resolved each time it is asked for). */
export function readPublicUrlSetting(): string {
  return vscode.workspace.getConfiguration(SETTINGS.receiver).get<string>('publicUrl', '').trim();
}
