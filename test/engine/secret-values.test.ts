import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';

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
