import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlaceholderSecret, isSecretReference } from '../../server/src/engine/secret-values';

describe('isPlaceholderSecret: references are not secrets', () => {
  it('treats template and Terraform references as placeholders', () => {
    for (const value of ['${{ secrets.DB_PASSWORD }}', '${DB_PASSWORD}', '$DB_PASSWORD', '%DB_PASSWORD%', '<your-token>', 'local.db_password', '${local.api_key}', 'var.token', 'data.vault_generic_secret.db.data']) {
      assert.equal(isPlaceholderSecret(value), true, value);
    }
  });

  it('does not read a key whose type is a word after a dot (PASERK `k4.local.`) as a Terraform reference', () => {
    assert.equal(isPlaceholderSecret('k4.local.Vn3qT8xL2mR7wK9pZ4cF1hJ6bN0sD5gY8aE3uI7oQ2t'), false);
    assert.equal(isPlaceholderSecret('v4.local.Vn3qT8xL2mR7wK9pZ4cF1hJ6bN0sD5gY8aE3uI7oQ2tXk9Lm3Pq7Rs2Tu5Vw8Yz1Ab4Cd6Ef9'), false);
  });
});

describe('isPlaceholderSecret: hand-typed UUIDs', () => {
  it('treats a UUID with one middle group repeated as filler, and a generated UUID as a value', () => {
    for (const value of ['12345678-ABCD-ABCD-ABCD-1234567890AB', '00000000-0000-0000-0000-000000000000', 'aaaaaaaa-1111-1111-1111-bbbbbbbbbbbb']) {
      assert.equal(isPlaceholderSecret(value), true, value);
    }
    for (const value of ['e3b1c5d2-7a4f-4f0b-9c61-2d8e5a9b7f14', '63866443-cb87-446f-8bf0-80e9be787301', '3f2a9c1e-4b4b-4b4c-8d2e-1a2b3c4d5e6f']) {
      assert.equal(isPlaceholderSecret(value), false, value);
    }
  });
});

describe('isSecretReference: a pointer elsewhere, not a stand-in value', () => {
  it('holds for references and constant names, and not for dummy values, which are placeholders only', () => {
    for (const value of ['var.api_key', '${DB_PASSWORD}', '{{ .Values.token }}', 'NPM_TOKEN', 'CLOUDFLARE_API_KEY']) {
      assert.equal(isSecretReference(value), true, value);
      assert.equal(isPlaceholderSecret(value), true, value);
    }
    for (const value of ['changeme123!', 'AKIAIOSFODNN7EXAMPLE', 'xxxxxxxx', 'your-token-here']) {
      assert.equal(isSecretReference(value), false, value);
      assert.equal(isPlaceholderSecret(value), true, value);
    }
    assert.equal(isSecretReference('Vq7xB2mK9pL4wR8tY3nZ6cF1hJ5dG0sA'), false);
  });
});
