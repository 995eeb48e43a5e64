/** A verified capture as a history record, marked imported, so the inspector shows it beside received deliveries. */
import { isUtf8 } from 'node:buffer';
import { envelopeFromJson } from '../events/envelope';
import { ReceivedDelivery, verdictFields } from '../receiver/types';
import { nestsTooDeep } from '../util/jsonDepth';
import { CaptureVerification } from './verifyCapture';

export interface ImportOptions {
  /** The history's next seq. */
  readonly seq: number;
  /** Where the capture came from, e.g. `events.jsonl (exported record #12)`, `the clipboard (raw HTTP request)`. */
  readonly from: string;
  /** Epoch ms of the import: the record's time when the capture names none. */
  readonly nowMs?: number;
}

export function importedDelivery(result: CaptureVerification, options: ImportOptions): ReceivedDelivery {
  const { capture, verdict } = result;
  const raw = capture.rawBody;
  const utf8 = isUtf8(raw);
  const webhookId = capture.headers['webhook-id'];
  const envelope = utf8 ? envelopeOf(raw.toString('utf8')) : undefined;
  return {
    seq: options.seq,
    receivedAt: capture.receivedAt ?? new Date(options.nowMs ?? Date.now()).toISOString(),
    method: capture.method ?? 'POST',
    path: capture.path ?? '',
    headers: { ...capture.headers },
    body: raw.toString(utf8 ? 'utf8' : 'base64'),
    ...(utf8 ? {} : { bodyEncoding: 'base64' as const }),
    bodyBytes: raw.length,
    ...(capture.unverifiable !== undefined ? { bodyTruncated: true } : {}),
    verdict: verdict.ok ? 'verified' : 'rejected',
    ...verdictFields(verdict),
    imported: { from: options.from },
    ...(envelope ? { eventType: envelope.type, ...(envelope.user_metadata ? { userMetadata: envelope.user_metadata } : {}) } : {}),
    ...(webhookId !== undefined ? { webhookId } : {}),
    latencyMs: 0,
    httpStatus: verdict.ok ? 200 : verdict.httpStatus,
  };
}

/** Its type and user_metadata; none from a body nested beyond MAX_JSON_DEPTH, which the record could not be serialized with. */
function envelopeOf(text: string): ReturnType<typeof envelopeFromJson> {
  if (nestsTooDeep(text)) return undefined;
  try {
    return envelopeFromJson(JSON.parse(text));
  } catch {
    return undefined;
  }
}
