/**
 * "Copy as curl": the delivery as a POSIX shell command that sends the same bytes to the receiver
 * again. Headers go as received (signatures, never secrets); hop-by-hop ones are left out.
 */
import { forwardableHeaders } from '../../../core/receiver/forwarder';
import type { ReceivedDelivery } from '../../../core/receiver/types';
import { shellQuote } from '../../../core/util/shellQuote';

export { shellQuote };

export function buildCurl(record: Pick<ReceivedDelivery, 'method' | 'headers' | 'body' | 'bodyEncoding'>, url: string): string {
  const lines = [`curl -X ${shellQuote(record.method || 'POST')} ${shellQuote(url)}`];
  // The same headers the forwarder passes on; curl negotiates its own encoding.
  for (const [name, value] of Object.entries(forwardableHeaders(record.headers))) {
    if (name === 'accept-encoding') continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (record.bodyEncoding === 'base64') {
    return `printf '%s' ${shellQuote(record.body)} | base64 -d | ${lines.join(' \\\n  ')} \\\n  --data-binary @-`;
  }
  if (record.body !== '') lines.push(`--data-binary ${shellQuote(record.body)}`);
  return lines.join(' \\\n  ');
}
