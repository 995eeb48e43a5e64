/** Use Gemini API: backend = gemini; asks for a key when none is stored. */
import { WebhookCommandDeps } from './deps';
import { promptAndStoreApiKey } from './setApiKey';

export function useGeminiApi(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    await deps.backend.switchTo('gemini');
    if (!(await deps.secrets.getApiKey())) await promptAndStoreApiKey(deps);
    await deps.tree.refresh({ resetPages: true });
  };
}
