/**
 * "Copy as curl": the delivery as a POSIX shell command that sends the same bytes to the receiver
 * again. Headers go as received (signatures, never secrets); hop-by-hop ones are left out.
 */
import type { DeliveryRecord } from '../../core/receiver/types';

const SKIPPED = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'accept-encoding', 'expect', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);

/** Single-quotes a value for sh/bash/zsh (a ' inside becomes '\''). */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function buildCurl(record: Pick<DeliveryRecord, 'method' | 'headers' | 'body' | 'bodyEncoding'>, url: string): string {
  const lines = [`curl -X ${shellQuote(record.method || 'POST')} ${shellQuote(url)}`];
  for (const [name, value] of Object.entries(record.headers)) {
    if (SKIPPED.has(name.toLowerCase())) continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (record.bodyEncoding === 'base64') {
    return `printf '%s' ${shellQuote(record.body)} | base64 -d | ${lines.join(' \\\n  ')} \\\n  --data-binary @-`;
  }
  if (record.body !== '') lines.push(`--data-binary ${shellQuote(record.body)}`);
  return lines.join(' \\\n  ');
}
