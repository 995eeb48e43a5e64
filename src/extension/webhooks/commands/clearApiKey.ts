/** Clear API Key: asks first, then removes it from SecretStorage. */
import { WebhookCommandDeps } from './deps';


export function clearApiKey(deps: WebhookCommandDeps) {
  return async (): Promise<void> => {
    if (!(await deps.secrets.getApiKey())) {
      await deps.ui.current.info('No API key is stored.');
      return;
    }
    await deps.ui.current.confirm('Clear the stored Gemini API key?', 'You will need to set it again to manage webhooks on the Gemini API.', 'Clear');
    await deps.secrets.clearApiKey();
    await deps.backend.refreshKeyState();
    deps.log.info('API key cleared.');
    await deps.tree.refresh();
  };
}
