/** The settings that choose and shape the backend, read in one place. */
import * as vscode from 'vscode';
import { DEFAULT_DYNAMIC_SIGNING, DynamicSigningMode, isDynamicSigningMode } from '../../../core/emulator/dynamicSigner';
import { SETTINGS } from '../../platform/ids';

export type BackendKind = 'emulator' | 'gemini';

export interface BackendSettings {
  readonly kind: BackendKind;
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly emulatorPort: number;
  readonly emulatorTimeScale: number;
  /** How the embedded emulator signs dynamic deliveries; a change restarts it, like port and time scale. */
  readonly emulatorDynamicSigning: DynamicSigningMode;
}

const SECTION = SETTINGS.root;
const AFFECTING = ['backend', 'api.baseUrl', 'api.version', 'api.timeoutSeconds', 'emulator.port', 'emulator.timeScale', 'emulator.dynamicSigning'].map(
  (k) => `${SECTION}.${k}`,
);

export function readBackendSettings(): BackendSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const kind = config.get<string>('backend') === 'gemini' ? 'gemini' : 'emulator';
  const timeoutSeconds = config.get<number>('api.timeoutSeconds', 30);
  const port = config.get<number>('emulator.port', 0);
  const timeScale = config.get<number>('emulator.timeScale', 1);
  const dynamicSigning = config.get<string>('emulator.dynamicSigning', DEFAULT_DYNAMIC_SIGNING);
  return {
    kind,
    baseUrl: config.get<string>('api.baseUrl') || 'https://generativelanguage.googleapis.com',
    apiVersion: config.get<string>('api.version') || 'v1beta',
    timeoutMs: Math.max(1, Number.isFinite(timeoutSeconds) ? timeoutSeconds : 30) * 1000,
    emulatorPort: Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0,
    emulatorTimeScale: Number.isFinite(timeScale) && timeScale > 0 ? timeScale : 1,
    emulatorDynamicSigning: isDynamicSigningMode(dynamicSigning) ? dynamicSigning : DEFAULT_DYNAMIC_SIGNING,
  };
}

export function affectsBackend(e: vscode.ConfigurationChangeEvent): boolean {
  return AFFECTING.some((key) => e.affectsConfiguration(key));
}

/** Writes the backend setting: a user (application-scope) setting, so a workspace cannot redirect the API key. */
export async function writeBackendKind(kind: BackendKind): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update('backend', kind, vscode.ConfigurationTarget.Global);
}
