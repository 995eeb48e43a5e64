/** Start Background Interaction…: a prompt, the model, where its event goes; `POST /interactions` with `background: true`. */
import * as vscode from 'vscode';
import { summarizeInteraction } from '../../../core/jobs';
import { oneLine } from '../../../core/util/text';
import { withCancellableProgress } from '../../platform/progress';
import { jobError } from '../jobErrors';
import { JobCommandDeps } from './deps';
import { StartArgs, askDelivery, askModel } from './delivery';
import { StartResult, recordStarted } from './started';

export interface StartInteractionArgs extends StartArgs {
  readonly input?: string;
}

export function startBackgroundInteraction(deps: JobCommandDeps) {
  return async (args?: StartInteractionArgs): Promise<StartResult> => {
    const flow = deps.ui.current.flow();
    try {
      const input =
        args?.input ??
        (await flow.input({
          title: vscode.l10n.t('Start Background Interaction'),
          prompt: vscode.l10n.t('The input of the interaction'),
          placeHolder: vscode.l10n.t('Research the history of the printing press'),
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Type the input.')),
        }));
      const model = await askModel(flow, args, 'gemini-2.5-flash');
      const config = await askDelivery(deps, flow, args);
      flow.busy();
      const client = await deps.backend.jobsClient();
      const interaction = await withCancellableProgress(vscode.l10n.t('Starting a background interaction…'), (signal) =>
        client.createInteraction({ model, input, background: true, ...(config ? { webhook_config: config } : {}) }, { signal }).catch((error: unknown) => {
          throw jobError('interaction', 'start', error);
        }),
      );
      const answer = summarizeInteraction(interaction);
      // Named by its input in the Jobs view and the pickers (an interaction has no display name; its id stays in the tooltip).
      return recordStarted(
        deps,
        { kind: 'interaction', name: answer.name, displayName: oneLine(input.trim(), 60), model },
        answer,
        config,
        vscode.l10n.t('background'),
      );
    } finally {
      flow.close();
    }
  };
}
