/**
 * A UserInterface for tests: each prompt takes the next scripted answer, checks its kind, and records
 * what was shown (messages, items) so tests can assert on what the user would have seen.
 */
import * as vscode from 'vscode';
import { PromptFlow, UserCancelledError, UserInterface } from './userInterface';

export type ScriptedAnswer =
  | { kind: 'pick'; choose: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined }
  | { kind: 'pickMany'; choose: (items: readonly vscode.QuickPickItem[]) => vscode.QuickPickItem[] | undefined }
  | { kind: 'input'; value: string | undefined }
  | { kind: 'confirm'; accept: boolean }
  | { kind: 'modal'; button: string | undefined }
  | { kind: 'saveFile'; uri: vscode.Uri | undefined }
  | { kind: 'openFile'; uri: vscode.Uri | undefined }
  | { kind: 'message'; action: string | undefined };

export interface ShownPrompt {
  kind: ScriptedAnswer['kind'] | 'info' | 'warn' | 'error';
  message: string;
  detail?: string;
  items?: string[];
  /** For input boxes: the message the validator gave for the answered value, if any. */
  validation?: string;
  /** For input boxes: the value it was filled in with, if any. */
  value?: string;
}

export class ScriptedUi implements UserInterface {
  private readonly answers: ScriptedAnswer[] = [];
  readonly shown: ShownPrompt[] = [];

  /** Queues answers, consumed in order. */
  answer(...answers: ScriptedAnswer[]): this {
    this.answers.push(...answers);
    return this;
  }

  /** A flow's prompts take the same queue of answers (and are recorded the same way). */
  flow(): PromptFlow {
    return {
      input: (options) => this.input(options),
      pick: (items, options) => this.pick(items, options),
      pickMany: (items, options) => this.pickMany(items, options),
      busy: () => undefined,
      close: () => {
        this.flowsClosed++;
      },
    };
  }

  /** Flows closed so far (a command must close what it opens). */
  flowsClosed = 0;

  get pending(): number {
    return this.answers.length;
  }

  private next<K extends ScriptedAnswer['kind']>(kind: K, prompt: string): Extract<ScriptedAnswer, { kind: K }> {
    const answer = this.answers.shift();
    if (!answer) throw new Error(`ScriptedUi: no answer queued for ${kind} "${prompt}"`);
    if (answer.kind !== kind) throw new Error(`ScriptedUi: expected a ${answer.kind} answer but the command asked for ${kind} "${prompt}"`);
    return answer as Extract<ScriptedAnswer, { kind: K }>;
  }

  async pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T> {
    this.shown.push({ kind: 'pick', message: options.placeHolder ?? options.title ?? '', items: items.map((i) => i.label) });
    const chosen = this.next('pick', options.placeHolder ?? '').choose(items);
    if (!chosen) throw new UserCancelledError();
    return chosen as T;
  }

  async pickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[]> {
    this.shown.push({ kind: 'pickMany', message: options.placeHolder ?? options.title ?? '', items: items.map((i) => i.label) });
    const chosen = this.next('pickMany', options.placeHolder ?? '').choose(items);
    if (!chosen) throw new UserCancelledError();
    return chosen as T[];
  }

  async input(options: vscode.InputBoxOptions): Promise<string> {
    const { value } = this.next('input', options.prompt ?? '');
    const shown: ShownPrompt = {
      kind: 'input',
      message: options.prompt ?? options.title ?? '',
      ...(options.value !== undefined ? { value: options.value } : {}),
    };
    this.shown.push(shown);
    if (value === undefined) throw new UserCancelledError();
    const check = await options.validateInput?.(value);
    const message = typeof check === 'string' ? check : check?.message;
    if (message) {
      shown.validation = message;
      // A real input box would not accept the value: treat it as the user giving up.
      throw new UserCancelledError();
    }
    return value;
  }

  async confirm(message: string, detail: string, verb: string, dismiss?: string): Promise<void> {
    this.shown.push({ kind: 'confirm', message, detail, items: [verb, dismiss ?? 'Cancel'] });
    if (!this.next('confirm', message).accept) throw new UserCancelledError();
  }

  async saveFile(options: vscode.SaveDialogOptions): Promise<vscode.Uri> {
    this.shown.push({ kind: 'saveFile', message: options.title ?? options.saveLabel ?? '' });
    const { uri } = this.next('saveFile', options.title ?? '');
    if (!uri) throw new UserCancelledError();
    return uri;
  }

  async openFile(options: vscode.OpenDialogOptions): Promise<vscode.Uri> {
    this.shown.push({ kind: 'openFile', message: options.title ?? options.openLabel ?? '' });
    const { uri } = this.next('openFile', options.title ?? '');
    if (!uri) throw new UserCancelledError();
    return uri;
  }

  async modal(message: string, detail: string, buttons: readonly string[] = [], close?: string): Promise<string | undefined> {
    this.shown.push({ kind: 'modal', message, detail, items: [...buttons, ...(close ? [close] : [])] });
    return this.next('modal', message).button;
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.notify('info', message, actions);
  }

  async warn(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.notify('warn', message, actions);
  }

  async error(message: string, ...actions: string[]): Promise<string | undefined> {
    return this.notify('error', message, actions);
  }

  /**
   * A notification records its actions as items. It takes a queued `message` answer only when it offers
   * actions and that answer is next (a notification nobody answers is dismissed, as in the editor).
   */
  private notify(kind: 'info' | 'warn' | 'error', message: string, actions: readonly string[]): string | undefined {
    this.shown.push({ kind, message, ...(actions.length > 0 ? { items: [...actions] } : {}) });
    if (actions.length === 0 || this.answers[0]?.kind !== 'message') return undefined;
    const { action } = this.next('message', message);
    if (action !== undefined && !actions.includes(action))
      throw new Error(`ScriptedUi: "${action}" is not among the actions offered (${actions.join(', ')}) by "${message}"`);
    return action;
  }
}
