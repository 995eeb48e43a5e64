/** The editor's words for what is wrong with a URL (the core's checkHttpUrl problem), shared by every prompt that takes one. */
import * as vscode from 'vscode';
import type { HttpUrlProblem } from '../../core/util/url';

/** `empty`: what to enter, when the prompt has its own words for it; otherwise it reads like `not_absolute`. */
export function urlProblemMessage(problem: HttpUrlProblem, example = 'https://example.com/webhooks', empty?: string): string {
  switch (problem) {
    case 'empty':
      if (empty !== undefined) return empty;
      return vscode.l10n.t('Enter an absolute URL, e.g. {0}', example);
    case 'not_absolute':
      return vscode.l10n.t('Enter an absolute URL, e.g. {0}', example);
    case 'not_http':
      return vscode.l10n.t('The URL must start with http:// or https://');
    case 'no_host':
      return vscode.l10n.t('The URL must name a host, e.g. {0}', example);
    case 'credentials':
      return vscode.l10n.t('Leave credentials out of the URL.');
  }
}
