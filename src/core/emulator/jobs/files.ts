/**
 * The files the simulated jobs point at: a succeeded batch's results, `GET /{v}/files/{batch}-results:download`
 * (the `output_file_uri` of its batch.succeeded event). JSON lines, one per request in the order sent,
 * as the real service's batch output files are: `{"key": …, "response": {candidates…}}` (`key` when the
 * request's `metadata.key` named one). Video files are not simulated: their download is a 404 that says so.
 */
import { notFound } from '../errors';
import { RouteResult } from '../router';
import { Batches } from './batches';

const RESULTS_SUFFIX = '-results';
export const RESULTS_CONTENT_TYPE = 'application/jsonl; charset=utf-8';

/** The answer to a download of `files/{fileId}`. */
export function downloadFile(batches: Batches, fileId: string): RouteResult {
  if (fileId.startsWith('video-')) throw notFound(`File 'files/${fileId.slice(0, 100)}' holds a video, and the emulator generates no video bytes.`);
  if (!fileId.endsWith(RESULTS_SUFFIX)) throw notFound(`File 'files/${fileId.slice(0, 100)}' not found.`);
  const results = batches.results(fileId.slice(0, -RESULTS_SUFFIX.length));
  if (results.state !== 'BATCH_STATE_SUCCEEDED')
    throw notFound(`File 'files/${fileId.slice(0, 100)}' not found: batch '${results.name}' has no results (${results.state}).`);
  const lines = results.keys.map((key, i) =>
    JSON.stringify({
      ...(key !== undefined ? { key } : {}),
      response: {
        candidates: [{ content: { role: 'model', parts: [{ text: `Emulated response ${i + 1}` }] }, finishReason: 'STOP' }],
        modelVersion: 'emulator',
      },
    }),
  );
  return { text: lines.map((l) => `${l}\n`).join(''), contentType: RESULTS_CONTENT_TYPE };
}
