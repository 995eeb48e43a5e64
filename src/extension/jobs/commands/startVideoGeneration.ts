/** Start Video Generation…: a prompt, a Veo model, where its event goes; `models/{model}:predictLongRunning`. */
import * as vscode from 'vscode';
import { summarizeVideo } from '../../../core/jobs';
import { oneLine } from '../../../core/util/text';
import { withCancellableProgress } from '../../platform/progress';
import { jobError } from '../jobErrors';
import { JobCommandDeps } from './deps';
import { StartArgs, askDelivery, askModel } from './delivery';
import { StartResult, recordStarted } from './started';

export interface StartVideoArgs extends StartArgs {
  readonly prompt?: string;
}

export function startVideoGeneration(deps: JobCommandDeps) {
  return async (args?: StartVideoArgs): Promise<StartResult> => {
    const flow = deps.ui.current.flow();
    try {
      const prompt =
        args?.prompt ??
        (await flow.input({
          title: vscode.l10n.t('Start Video Generation'),
          prompt: vscode.l10n.t('What the video shows'),
          placeHolder: vscode.l10n.t('A paper boat drifting down a rainy street'),
          validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Describe the video.')),
        }));
      const model = await askModel(flow, args, 'veo-3.0-generate-001');
      const config = await askDelivery(deps, flow, args);
      flow.busy();
      const client = await deps.backend.jobsClient();
      const op = await withCancellableProgress(vscode.l10n.t('Starting a video generation…'), (signal) =>
        client.generateVideo(model, { instances: [{ prompt }], ...(config ? { webhook_config: config } : {}) }, { signal }).catch((error: unknown) => {
          throw jobError('video', 'start', error);
        }),
      );
      const answer = summarizeVideo(op);
      // Named by its prompt in the Jobs view and the pickers (an operation has no display name; its name stays in the tooltip).
      return recordStarted(deps, { kind: 'video', name: answer.name, displayName: oneLine(prompt.trim(), 60), model }, answer, config, vscode.l10n.t('video'));
    } finally {
      flow.close();
    }
  };
}
