/**
 * The judgement code rules share for a literal no name vouches for: a generated key, or an
 * identifier, a fragment of code, a URL?
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeRandomKey, namesCredential } from '../../rules/lib/credential-names';

describe('looksLikeRandomKey', () => {
  it('accepts generated keys and passwords in the usual alphabets', () => {
    for (const value of [
      'q8Vt3nLx0WbZr7Kc2YhJ', // alphanumeric
      'kR9wXz2+Lp0/Qm7sVt4=', // base64
      'f3a9c1e07b2d4e6f8a1b3c5d7e9f0a2b', // hex
      'sk-proj-Xh7Kq2Lm9Pz4Rt6Vw8Yb', // vendor-prefixed
      'Zt8#vQ2!mK9$pL4&', // password with symbols
    ]) {
      assert.ok(looksLikeRandomKey(value), value);
    }
  });

  it('rejects identifiers, names made of words, code, URLs and paths', () => {
    for (const value of [
      '3813d06c-9e36-4ea1-aac3-61a485d60e3d', // a UUID (resource or application id)
      '499b84ac-1321-427f-aa17-267ca6975798/.default', // a UUID scope
      'invalid_base64_string',
      '@esbuild/darwin-arm64',
      'msal:popup-relay-response:v1',
      'tag:yaml.org,2002:',
      '),l=a===-1?e:e.slice(0,a)',
      '${DEFAULT_AUTHORITY}discovery/instance?api-version=1.1',
      'https://github.com/secretlint/secretlint/blob/master/packages',
      '/var/run/secrets/token-2024',
      'short1A',
    ]) {
      assert.ok(!looksLikeRandomKey(value), value);
    }
  });
});

describe('namesCredential', () => {
  it('takes run-on, derived and non-English names for a password', () => {
    for (const name of ['secrete', 'secreto', 'SecretValue', 'bd.contraseña', 'DB_SENHA', 'kennwort', 'mot_de_passe_db', 'db_pass', 'REDIS_PASSWORD_2', 'api-key-1']) {
      assert.ok(namesCredential(name), name);
    }
  });

  it('takes upper-case run-on names ending in PASS or PWD, but not words and lower-case values that end so', () => {
    for (const name of ['MYSQLPASS', 'DBPWD', 'LDAP_ROOTPASS', 'env.SMTPPASS']) assert.ok(namesCredential(name), name);
    for (const name of ['BYPASS', 'COMPASS', 'LOWPASS', 'OLDPWD', 'testpwd', 'adminpass', 'XPASS']) assert.ok(!namesCredential(name), name);
  });

  it('takes an API key named after its API (`RAPIDAPI_KEY`), but not a key of other run-on words', () => {
    for (const name of ['RAPIDAPI_KEY', 'webapiKey', 'x-rapidapi-key']) assert.ok(namesCredential(name), name);
    for (const name of ['api_cache_key', 'apiary_key', 'CAPI_KEY']) assert.ok(!namesCredential(name), name);
  });

  it('leaves names that only describe or contain a secret', () => {
    for (const name of ['secrets', 'secretName', 'secretsmanager', 'secretary', 'password_file', 'token-url', 'passthrough', 'password_encryption', 'token_signing_method', 'passwordStrength']) {
      assert.ok(!namesCredential(name), name);
    }
  });

  it('leaves tokens that mark a request or a page, and the time a token was made', () => {
    for (const name of ['creation_token', 'ClientIdempotencyToken', 'NextToken', 'nextPageToken', 'continuation_token', 'cancellationToken', 'token-time', 'token_timestamp']) {
      assert.ok(!namesCredential(name), name);
    }
    for (const name of ['refresh_token', 'session_token', 'page_secret', 'next_password']) assert.ok(namesCredential(name), name);
  });

  it("takes the GitHub provider's plaintext_value, but not other plaintext names", () => {
    for (const name of ['plaintext_value', 'plaintextValue', 'secret.plaintext_value']) assert.ok(namesCredential(name), name);
    for (const name of ['plaintext', 'plaintext_value_length', 'plaintext_size']) assert.ok(!namesCredential(name), name);
  });
});
