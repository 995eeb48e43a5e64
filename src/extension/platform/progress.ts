/** Runs work under a cancellable notification: Cancel aborts the signal the work was given. */
import * as vscode from 'vscode';

export async function withCancellableProgress<T>(title: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_progress, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal);
    } finally {
      sub.dispose();
    }
  });
}
