/**
 * sec-password-assignment on the shapes of assignment that differ between languages and formats:
 * which text is the value, and when a quoted or bare run is not a string at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import rule from '../../rules/sec-password-assignment';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

/** The text of each value the rule reports (spans, not masked messages). */
async function reportedValues(path: string, text: string): Promise<string[]> {
  const document = ParsedDocument.of(path, text);
  const result = await new Scanner([rule]).scan(document, { rules: {} });
  assert.deepEqual(result.failures, []);
  return result.findings.map((finding) => {
    const lines = text.split('\n');
    const { start, end } = finding.range;
    assert.equal(start.line, end.line, 'a value on one line');
    return lines[start.line]!.slice(start.character, end.character);
  });
}

describe('sec-password-assignment values', () => {
  it('takes a configuration value to the next space, brackets and all, without the statement punctuation', async () => {
    assert.deepEqual(await reportedValues('.env', 'MAIL_PASSWORD=x9[Vd}p!2Lq\n'), ['x9[Vd}p!2Lq']);
    assert.deepEqual(await reportedValues('app.conf', 'apikey = p4$$w{rd}(x)2;\n'), ['p4$$w{rd}(x)2']);
    assert.deepEqual(await reportedValues('values.yaml', 'db: {password: s3cr3t!x9}\n'), ['s3cr3t!x9']);
  });

  it('leaves dependencies named like credentials, and still reports a password beside them', async () => {
    const manifest = JSON.stringify(
      {
        dependencies: { jsonwebtoken: '^9.0.0', 'csrf-token': '~1.2.3', 'node-password': '2.0.1-beta.3', secret: 'latest', apitoken: 'npm:other@1.0.0' },
        devDependencies: { 'keytar-password': '>=1.2.0 <2.0.0 || 3.x', 'jwt-token': 'github:acme/jwt-token#v2', 'mock-secret': 'workspace:*' },
        config: { password: 'Opsr00m!2023' },
      },
      null,
      2,
    );
    assert.deepEqual(await reportedValues('package.json', manifest), ['Opsr00m!2023']);
    assert.deepEqual(await reportedValues('pnpm-lock.yaml', 'packages:\n  /jsonwebtoken@9.0.2:\n    dependencies:\n      jws: 3.2.2\n  csrf-token: 1.2.3\n'), []);
    assert.deepEqual(await reportedValues('Cargo.toml', '[dependencies]\njsonwebtoken = "9.3"\nsecrets = "~> 2.7"\n'), []);
  });

  it('leaves messages and their translations keyed by names that mention a token', async () => {
    const messages = '{\n  "Unexpected_token_1012": "Unerwartetes Token.",\n  "Unexpected_token_1013": "予期しないトークンです。",\n  "Invalid_token_1014": "Jeton inattendu !",\n  "message": "CacheManager.getRefreshTokenCredential: cache hit",\n  "password": "Opsr00m!2023"\n}\n';
    assert.deepEqual(await reportedValues('locales/de/messages.json', messages), ['Opsr00m!2023']);
    // A quoted value ends at an escaped quote; the sentence before it is still a sentence.
    assert.deepEqual(await reportedValues('de/diagnostics.json', '{ "Unexpected_token_expected_1179": "Unerwartetes Token. \\"{\\" wurde erwartet.", "token": "Opsr00m!2023" }\n'), ['Opsr00m!2023']);
    // An assignment inside a JSON string is still one, and so is YAML embedded in one.
    assert.deepEqual(await reportedValues('snapshot.json', '{ "source": "kind: Secret\\ndata:\\n  password: MWYyZDFlMmU2\\n" }\n'), ['MWYyZDFlMmU2']);
    assert.deepEqual(await reportedValues('package.json', '{ "scripts": { "release": "NPM_TOKEN=Zq81vXk2LmP0w npm publish" } }\n'), ['Zq81vXk2LmP0w']);
    // Letters-only passwords still count where nothing marks them as a sentence.
    assert.deepEqual(await reportedValues('app.env', 'DB_PASSWORD=Qwertzuiop!\n'), ['Qwertzuiop!']);
  });

  it('leaves a URL to the URL rules, which report its password alone', async () => {
    const text = 'DB_PASSWORD=mongodb://orders:Zq8Xv2Lm4Rt7@db.internal:27017/orders\nCACHE_TOKEN="redis://:Hk3Lp9Qx2Wm7@cache.internal:6379"\n';
    assert.deepEqual(await reportedValues('.env', text), []);
    const all = await new Scanner(allRules).scan(ParsedDocument.of('.env', text), { rules: {} });
    assert.deepEqual(
      all.findings.map((finding) => [finding.ruleId, text.slice(...finding.span)]),
      [['sec-database-connection-string', 'Zq8Xv2Lm4Rt7'], ['sec-password-in-url', 'Hk3Lp9Qx2Wm7']],
    );
  });

  it('leaves code quoted in prose and selectors for password fields', async () => {
    const readme = '```js\nvar signingKey = key.publicKey || key.rsaPublicKey;\nvar matchToToken = jsTokens.matchToToken\n```\nAPI_TOKEN=cbdeb34vzyuk5l4gxc4q\n';
    assert.deepEqual(await reportedValues('README.md', readme), ['cbdeb34vzyuk5l4gxc4q']);
    assert.deepEqual(await reportedValues('aliases.js', 'export const aliases = {\n    password: "[type=password]",\n    secret: "[q7Rk2=mVx9]x",\n};\n'), ['[q7Rk2=mVx9]x']);
    // In configuration a bare value runs to the next space, and a dotted one is still a value.
    assert.deepEqual(await reportedValues('app.properties', 'db.password=Vault.Sesame\n'), ['Vault.Sesame']);
  });

  it('leaves colours and regular expressions assigned to names with "token"', async () => {
    const style = "class Fruity(Style):\n    styles = {\n        Token:              '#ffffff',\n        Token.Comment:      '#008800 italic',\n    }\n";
    assert.deepEqual(await reportedValues('styles/fruity.py', style), []);
    const lexer = "_core_token = r'(?:[^%s]+|%s)'\njsonnet_token = r'[^\\W\\d]\\w*'\napi_token = 'q7Rk2(mVx9)Tz'\n";
    assert.deepEqual(await reportedValues('lexers/shell.py', lexer), ['q7Rk2(mVx9)Tz']);
  });

  it('leaves the example credentials of the OAuth specifications', async () => {
    const docstring = '"""\n    {\n        "access_token":"2YotnFZFEjr1zCsicMWpAA",\n        "refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA",\n    }\n    oauth_token="ad180jjd733klru7",\n"""\nrefresh_token = "tGzv3JOkF0XG5Qx2TlKWIB"\n';
    assert.deepEqual(await reportedValues('oauth2/parameters.py', docstring), ['tGzv3JOkF0XG5Qx2TlKWIB']);
    // Hex filler is no key either.
    assert.deepEqual(await reportedValues('README.md', "org.ls('myorg', {token: 'deadbeef'})\nconst npmToken = 'deadbeefcafebad'\n"), []);
  });

  it('reads Ruby, Perl and PowerShell as code', async () => {
    const perl = "my @global_credential_args = @ARGV;\nour $exists_token = \\undef;\nmy $out = $as->{pass} ? 'PASS' : 'FAIL';\nmy $db_password = 'Vf8#kq2LmZ!r';\n";
    assert.deepEqual(await reportedValues('lib/Deploy/Credentials.pm', perl), ['Vf8#kq2LmZ!r']);
    assert.deepEqual(await reportedValues('config/initializers/mailer.rb', "smtp_password = ENV.fetch('SMTP_PASSWORD')\napi_token = 'q7Rk2mVx9TzL4wPb'\n"), ['q7Rk2mVx9TzL4wPb']);
    assert.deepEqual(await reportedValues('deploy.ps1', '$token = Get-Secret -Name ci\n$password = "Lq7$pW2xRt9z"\n'), ['Lq7$pW2xRt9z']);
  });

  it('leaves file paths, values made from the name, and member paths cut by markup', async () => {
    assert.deepEqual(await reportedValues('report.json', '{ "PWD": "/home/nodeuser/project", "OLDPWD": "~/src", "db_password": "/run/secrets/db" }\n'), []);
    assert.deepEqual(await reportedValues('Makefile', 'git-credential-osxkeychain: git-credential-osxkeychain.o\n'), []);
    assert.deepEqual(await reportedValues('crypto.html', '<span class="hljs-keyword">const</span> aliceSecret = alice.<span class="hljs-title">computeSecret</span>(bobKey);\n'), []);
  });

  it('stops a value in source code where an expression would go on', async () => {
    assert.deepEqual(await reportedValues('settings.py', 'password = api_key[0]\nsecret = make(1)\n'), []);
  });

  it('leaves notes, comments, code and character sets in configuration', async () => {
    const text = 'token: (optional)\npassword: #abc123x\nreturn {"password": userPass[2]}\npassword_symbols: "!@#$%^&*"\n';
    assert.deepEqual(await reportedValues('notes.yaml', text), []);
  });

  it('reads string prefixes, C array declarators and quoted directives', async () => {
    assert.deepEqual(await reportedValues('Mail.cs', 'string password = @"Vf8#kq2LmZ!r";\n'), ['Vf8#kq2LmZ!r']);
    assert.deepEqual(await reportedValues('client.h', 'static const char api_key[16] = "q7Rk2mVx9TzL4wPb";\n'), ['q7Rk2mVx9TzL4wPb']);
    assert.deepEqual(await reportedValues('db.py', 'password = r"Vf8#kq2LmZ!r"\n'), ['Vf8#kq2LmZ!r']);
    assert.deepEqual(await reportedValues('named.conf', 'key "ddns" {\n    secret "c8Jq2Lw9XzR4mT7v";\n};\n'), ['c8Jq2Lw9XzR4mT7v']);
    // A directive's value must end the line: prose that merely quotes something after the word is not one.
    assert.deepEqual(await reportedValues('notes.txt', 'the password "Vf8#kq2LmZ!r" was rotated\n'), []);
  });

  it('takes a single-quoted run for a character constant in the C family only', async () => {
    assert.deepEqual(await reportedValues('auth.c', "api_key = 'Xk29dmA83bzz{}';\n"), []);
    assert.deepEqual(await reportedValues('Auth.cls', "api_key = 'Xk29dmA83bzz{}';\n"), ['Xk29dmA83bzz{}']);
  });

  it('takes a value that spells the name for a field label only when it is letters alone', async () => {
    assert.deepEqual(await reportedValues('form.yaml', 'password: Password\n'), []);
    assert.deepEqual(await reportedValues('seed.conf', 'password = Password1$\n'), ['Password1$']);
  });

  it('finds passwords named in other languages', async () => {
    assert.deepEqual(await reportedValues('app-es.properties', 'bd.contraseña=Gr4nada!2024\n'), ['Gr4nada!2024']);
    assert.deepEqual(await reportedValues('app-br.yaml', 'banco:\n  senha: Rio#2024xq\n'), ['Rio#2024xq']);
  });
});

describe('sec-password-assignment names', () => {
  const text = [
    'API-Key: Zq8vN2xL5wR7tY1u',
    'apiKEY = "Zq8vN2xL5wR7tY1u"',
    'x_private_key=Zq8vN2xL5wR7tY1u',
    'signing-key: Zq8vN2xL5wR7tY1u',
    'cache_key: Zq8vN2xL5wR7tY1u',
    'keyring: Zq8vN2xL5wR7tY1u',
    'DB_PASSWORD=Zq8vN2xL5wR7tY1u',
    'wachtwoord: Zq8vN2xL5wR7tY1u',
    '',
  ].join('\n');

  it('reports names with a credential word, and `key` only after api, private, access, auth or signing', async () => {
    const document = ParsedDocument.of('settings.yaml', text);
    const result = await new Scanner([rule]).scan(document, { rules: {} });
    assert.deepEqual(
      result.findings.map((finding) => finding.range.start.line),
      [0, 1, 2, 3, 6, 7],
    );
  });

  it('finds the same with the prefilter locating the words as with a search of its own', async () => {
    const reports = (document: ParsedDocument) => {
      const spans: Array<readonly [number, number]> = [];
      rule.check({ document, options: {}, report: (report) => void spans.push(report.span), readReferencedFile: () => undefined });
      return spans;
    };
    const scanned = ParsedDocument.of('settings.yaml', text);
    await new Scanner([rule]).scan(scanned, { rules: {} });
    assert.deepEqual(reports(scanned), reports(ParsedDocument.of('settings.yaml', text)));
    assert.equal(reports(scanned).length, 6);
  });
});
