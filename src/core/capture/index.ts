/**
 * Captured deliveries: read a request someone captured (raw HTTP, `curl -v`, an exported inspector
 * record, a curl command), verify it as of a chosen moment, and turn it into an imported history record.
 * Shared by `gemini-webhooks verify` and the editor's Verify Captured Delivery command; no vscode.
 */
export * from './types';
export { parseCapture } from './parseCapture';
export { AT_WEBHOOK_TIMESTAMP, CaptureVerifier, verifyCapture, verifyCaptures } from './verifyCapture';
export type { CaptureVerification, CaptureVerifyOptions } from './verifyCapture';
export { importedDelivery } from './importedDelivery';
export type { ImportOptions } from './importedDelivery';
export { captureJson, describeAge, formatCaptureLine } from './captureLine';
