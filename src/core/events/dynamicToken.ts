/**
 * The JWT that signs a dynamic (per-request) delivery in the emulator's `jwt` mode (the form Google's
 * guide documents; by default the emulator signs `v1a` Ed25519, as live deliveries are: see
 * src/core/emulator/dynamicSigner.ts), and that the receiver checks. Google's guide does not spell
 * out the claims; this is our documented choice.
 *
 * Header: `Webhook-Signature: <compact JWS>` with protected header { alg: "RS256", kid, typ: "JWT" }.
 * Claims:
 *   iss          issuer: the emulator's base URL (the real service: Google)
 *   aud          audience: `--jwt-audience` when given, otherwise the delivery's target URI
 *   iat, exp     issued-at and expiry (iat + 5 min), Unix seconds
 *   jti          equal to the `webhook-id` header of the delivery
 *   body_sha256  base64url (no padding) SHA-256 of the raw request body: binds the body to the token
 * Keys: `GET /.well-known/jwks.json` on the emulator (Google: generativelanguage.googleapis.com).
 */
import { createHash } from 'node:crypto';

export const BODY_DIGEST_CLAIM = 'body_sha256';
export const DYNAMIC_TOKEN_LIFETIME_SECONDS = 300;
export const GOOGLE_JWKS_URI = 'https://generativelanguage.googleapis.com/.well-known/jwks.json';

export function bodyDigest(rawBody: Uint8Array | string): string {
  return createHash('sha256').update(rawBody).digest('base64url');
}
