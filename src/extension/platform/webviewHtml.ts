/**
 * What every webview page of the extension shares (the inspector, the scorecard): a per-load nonce,
 * a strict Content-Security-Policy (no default source, scripts and styles by nonce or from the
 * extension, nothing remote) and the only folders a page may load from.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

/** The only folders the page may load from. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function contentSecurityPolicy(cspSource: string, n: string): string {
  return [`default-src 'none'`, `style-src ${cspSource} 'nonce-${n}'`, `script-src 'nonce-${n}'`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}
