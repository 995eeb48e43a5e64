/** The do-nothing extension the activation benchmark loads beside ours, as the host's floor. */
export const BASELINE_ID = 'gemini-webhooks-bench.activation-baseline';
