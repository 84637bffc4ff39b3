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
