/** One line per forward/replay result. */
import { ForwardResult } from './types';

export function forwardResultLine(seq: number, result: ForwardResult): string {
  const what = result.replay ? 'replayed' : 'forwarded';
  const outcome = result.status !== undefined ? `${result.status}` : `failed: ${result.error ?? 'unknown error'}`;
  return `  #${seq} ${what} to ${result.target}: ${outcome} (${result.durationMs.toFixed(1)} ms)`;
}
