/**
 * The probe's own key set for dynamic deliveries: three Ed25519 keys (as Google's set holds them, the
 * `v1a` form) and one RSA key (the guide's RS256 JWT form), published by the probe's key server so a
 * handler under test can point its JWKS URL at it.
 *
 * The set is kept in a file (mode 0600) and reused, so a handler that cached it stays right across
 * probe runs; `loadOrCreateProbeKeys` makes a fresh one when the file is missing or unreadable.
 * These are test keys: they sign only what the probe sends to a handler that chose to trust them.
 * Keys outside the set (for the forged checks) are made fresh per run and never published.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, generateKeyPairSync, JsonWebKey, KeyObject, randomBytes, sign } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { signedContent } from '../verify/ed25519Signature';

const generateRsa = promisify(generateKeyPair);

/** How many Ed25519 keys the set holds, as Google's does. */
export const PROBE_ED25519_KEYS = 3;

interface NamedKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: string;
  readonly [member: string]: string;
}

export class ProbeKeys {
  private constructor(
    private readonly ed25519: readonly NamedKey[],
    private readonly rsa: NamedKey,
    readonly createdAt: string,
  ) {}

  /** A fresh set (the RSA key takes a moment, so this is asynchronous). */
  static async generate(): Promise<ProbeKeys> {
    const tag = randomBytes(4).toString('hex');
    const ed25519 = Array.from({ length: PROBE_ED25519_KEYS }, (_, i) => ({
      kid: `probe-ed25519-${tag}-${i + 1}`,
      privateKey: generateKeyPairSync('ed25519').privateKey,
    }));
    const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    return new ProbeKeys(ed25519, { kid: `probe-rsa-${tag}`, privateKey }, new Date().toISOString());
  }

  /** A set saved by `toJson`, or undefined when the text is not one. */
  static fromJson(text: string): ProbeKeys | undefined {
    try {
      const saved = JSON.parse(text) as { version?: unknown; createdAt?: unknown; ed25519?: unknown; rsa?: unknown };
      if (saved.version !== 1 || !Array.isArray(saved.ed25519) || saved.ed25519.length !== PROBE_ED25519_KEYS) return undefined;
      const load = (entry: unknown, type: string): NamedKey => {
        const e = entry as { kid?: unknown; jwk?: unknown };
        if (typeof e.kid !== 'string' || typeof e.jwk !== 'object' || e.jwk === null) throw new Error('bad entry');
        const privateKey = createPrivateKey({ key: e.jwk as JsonWebKey, format: 'jwk' });
        if (privateKey.asymmetricKeyType !== type) throw new Error('wrong key type');
        return { kid: e.kid, privateKey };
      };
      return new ProbeKeys(
        saved.ed25519.map((e) => load(e, 'ed25519')),
        load(saved.rsa, 'rsa'),
        typeof saved.createdAt === 'string' ? saved.createdAt : new Date().toISOString(),
      );
    } catch {
      return undefined;
    }
  }

  toJson(): string {
    const save = (k: NamedKey) => ({ kid: k.kid, jwk: k.privateKey.export({ format: 'jwk' }) });
    return `${JSON.stringify({ version: 1, createdAt: this.createdAt, ed25519: this.ed25519.map(save), rsa: save(this.rsa) }, null, 2)}\n`;
  }

  /** The public JWK Set the key server publishes. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.ed25519.map((k) => publicJwk(k, 'EdDSA')), publicJwk(this.rsa, 'RS256')] };
  }

  get rsaKid(): string {
    return this.rsa.kid;
  }

  /** A `v1a,<base64>` entry signed by the set's Ed25519 key number `index` (0-based). */
  signV1a(index: number, webhookId: string, timestamp: number, body: Buffer): string {
    return v1aEntry(this.ed25519[index].privateKey, webhookId, timestamp, body);
  }

  /** An RS256 JWT signed by the set's RSA key, its kid in the header. */
  signJwt(claims: Record<string, unknown>): string {
    return compactJws({ alg: 'RS256', kid: this.rsa.kid, typ: 'JWT' }, claims, this.rsa.privateKey);
  }
}

/** Keys outside the published set, for forged deliveries: fresh per run. */
export class ForeignKeys {
  private constructor(
    private readonly ed25519: KeyObject,
    private readonly rsa: KeyObject,
  ) {}

  static async generate(): Promise<ForeignKeys> {
    const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    return new ForeignKeys(generateKeyPairSync('ed25519').privateKey, privateKey);
  }

  signV1a(webhookId: string, timestamp: number, body: Buffer): string {
    return v1aEntry(this.ed25519, webhookId, timestamp, body);
  }

  /** An RS256 JWT that claims `kid` (a key of the set) but is signed by a key outside it. */
  signJwt(kid: string, claims: Record<string, unknown>): string {
    return compactJws({ alg: 'RS256', kid, typ: 'JWT' }, claims, this.rsa);
  }
}

/** An unsigned token (`alg: none`), which no verifier may accept. */
export function unsignedJwt(kid: string, claims: Record<string, unknown>): string {
  return compactJws({ alg: 'none', kid, typ: 'JWT' }, claims, undefined);
}

function v1aEntry(key: KeyObject, webhookId: string, timestamp: number, body: Buffer): string {
  return `v1a,${sign(null, signedContent(webhookId, String(timestamp), body), key).toString('base64')}`;
}

function compactJws(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject | undefined): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = key ? sign('sha256', Buffer.from(input, 'ascii'), key).toString('base64url') : '';
  return `${input}.${signature}`;
}

function publicJwk(k: NamedKey, alg: string): PublicJwk {
  const jwk = createPublicKey(k.privateKey).export({ format: 'jwk' }) as Record<string, string>;
  return { ...jwk, kty: jwk.kty, kid: k.kid, use: 'sig', alg };
}

export interface LoadedProbeKeys {
  readonly keys: ProbeKeys;
  /** True when the set was made now (no file, or an unreadable one: then `note` says so). */
  readonly created: boolean;
  readonly note?: string;
}

/** The set saved in `file`, or a fresh one saved there (mode 0600, folders made as needed). */
export async function loadOrCreateProbeKeys(file: string): Promise<LoadedProbeKeys> {
  let note: string | undefined;
  try {
    const keys = ProbeKeys.fromJson(await fs.readFile(file, 'utf8'));
    if (keys) return { keys, created: false };
    note = `the probe's key file ${file} was unreadable; made a new key set`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      note = `could not read the probe's key file ${file} (${(error as Error).message}); made a new key set`;
  }
  const keys = await ProbeKeys.generate();
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await fs.writeFile(file, keys.toJson(), { mode: 0o600 });
  await fs.chmod(file, 0o600);
  return note ? { keys, created: true, note } : { keys, created: true };
}
