/** The baseline extension the activation benchmark loads beside ours: the host's floor for an extension with a view. */
export const BASELINE_ID = 'gemini-webhooks-bench.activation-baseline';
/** Its view container and view (one row), opened the way a user opens ours. */
export const BASELINE_CONTAINER = 'gwBenchBaseline';
export const BASELINE_VIEW = 'gwBenchBaseline.rows';
/** Where the baseline's main.js stamps `performance.now()` when its view first asks for its rows (same host, same clock). */
export const BASELINE_ROWS_AT = '__gwBenchBaselineRowsAt';
