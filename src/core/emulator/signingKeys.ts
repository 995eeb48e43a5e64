/**
 * The emulator's dynamic-delivery signing: the signer of the mode in use and the JWKS
 * (`GET /.well-known/jwks.json`) it publishes.
 * - `v1a` mode: exactly the three OKP/Ed25519 keys, as Google's key set holds them (plus, for a
 *   grace period, a key rotated out).
 * - `jwt` mode: those three Ed25519 keys and the RSA key(s) that sign the tokens; jose and other
 *   JWT verifiers pick the RSA key by the token's kid and ignore the others. The RSA key is only
 *   ever generated in `jwt` mode.
 * A rotation rotates the keys of the mode in use (docs/emulator.md).
 */
import type { JWK } from 'jose';
import { Clock } from './clock';
import { DynamicSigner, DynamicSigningMode } from './dynamicSigner';
import { Ed25519Signer } from './ed25519Signer';
import { JwtSigner } from './jwtSigner';

export class SigningKeys {
  private readonly ed25519: Ed25519Signer;
  private readonly jwt: JwtSigner | undefined;

  constructor(
    readonly mode: DynamicSigningMode,
    clock: Clock,
    jwtAudience?: string,
  ) {
    this.ed25519 = new Ed25519Signer(clock);
    this.jwt = mode === 'jwt' ? new JwtSigner(clock, { audience: jwtAudience }) : undefined;
  }

  /** The signer of dynamic deliveries. */
  get signer(): DynamicSigner {
    return this.jwt ?? this.ed25519;
  }

  /** The JWT issuer (the emulator's base URL), once it listens. */
  set issuer(url: string) {
    if (this.jwt) this.jwt.issuer = url;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await this.ed25519.publicKeys();
    return { keys: this.jwt ? [...keys, ...(await this.jwt.publicKeys())] : keys };
  }

  /** Rotates the key that signs in the mode in use; answers the new key's kid. */
  rotate(): Promise<string> {
    return this.signer.rotate();
  }
}
