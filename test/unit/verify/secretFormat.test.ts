import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { validateSigningSecret } from '../../../src/core/verify/secretFormat';
import { validateSecretLabel } from '../../../src/extension/events/commands/signingSecretFormat';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

describe('signing secret and label formats', () => {
  it('validates signing secrets and labels without echoing the secret', () => {
    assert.equal(validateSigningSecret(secret), undefined);
    assert.equal(validateSigningSecret(`whsec_${randomBytes(24).toString('base64')}`), undefined);
    assert.equal(validateSigningSecret(`whsec_${randomBytes(64).toString('base64')}`), undefined);
    assert.match(validateSigningSecret(`whsec_${randomBytes(16).toString('base64')}`) ?? '', /24 to 64 bytes \(this one has 16\)/);
    assert.match(validateSigningSecret(`whsec_${randomBytes(65).toString('base64')}`) ?? '', /has 65/);
    assert.match(validateSigningSecret('sk_live_abc') ?? '', /starts with whsec_/);
    assert.match(validateSigningSecret('whsec_not base64!') ?? '', /base64/);
    assert.match(validateSigningSecret('') ?? '', /Paste/);
    for (const bad of [`whsec_${randomBytes(16).toString('base64')}`, 'whsec_***']) assert.ok(!(validateSigningSecret(bad) ?? '').includes(bad.slice(6)));
    assert.equal(validateSecretLabel('staging'), undefined);
    assert.ok(validateSecretLabel(''));
    assert.ok(validateSecretLabel(secret));
    assert.ok(validateSecretLabel('x'.repeat(101)));
  });
});
