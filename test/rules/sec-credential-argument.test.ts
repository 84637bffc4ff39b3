/**
 * sec-credential-argument: every API of its table, in every language it is listed for, is found
 * with a literal in the credential's position, and only there and only with the API's arity.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule, { PARAMETERS } from '../../rules/sec-credential-argument';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

const PASSWORD = 'Qz7vK2mW9pLx';
const PATHS: Record<string, string> = { java: 'src/A.java', python: 'a.py', go: 'a.go', javascript: 'a.js', typescript: 'a.ts', tsx: 'a.tsx' };

/** A call of `callee` with `count` string arguments, the password at `at` (none when -1), in a file of `language`. */
function source(language: string, callee: string, count: number, at: number): string {
  const args = Array.from({ length: count }, (_, i) => `"${i === at ? PASSWORD : `arg-${i}`}"`).join(', ');
  const constructor = /^[A-Z]/.test(callee) && !['HTTPBasicAuth', 'HTTPDigestAuth', 'HTTPProxyAuth', 'BasicAuth', 'FTP', 'FTP_TLS'].includes(callee);
  switch (language) {
    case 'java':
      return `class A {\n  Object f(Object api) throws Exception {\n    return ${constructor ? `new ${callee}` : `api.${callee}`}(${args});\n  }\n}\n`;
    case 'python':
      return `def f(api):\n    return api.${callee}(${args})\n`;
    case 'go':
      return `package p\n\nfunc f() {\n\tx := api.${callee}(${args})\n\t_ = x\n}\n`;
    default:
      return `export const x = ${constructor ? `new ${callee}` : `api.${callee}`}(${args});\n`;
  }
}

async function reported(path: string, text: string): Promise<string[]> {
  const result = await new Scanner([rule]).scan(ParsedDocument.of(path, text), { rules: {} });
  assert.deepEqual(result.failures, []);
  return result.findings.map((finding) => text.slice(...finding.span));
}

describe('sec-credential-argument', () => {
  for (const parameter of PARAMETERS) {
    for (const language of parameter.languages) {
      it(`${parameter.api} in ${language}`, async () => {
        const path = PATHS[language]!;
        const [fewest, most] = parameter.arity;
        assert.deepEqual(await reported(path, source(language, parameter.callee, fewest, parameter.index)), [PASSWORD]);
        // The same literal elsewhere among the arguments, or with another number of them, is another API.
        const elsewhere = (parameter.index + 1) % fewest;
        if (elsewhere !== parameter.index && !PARAMETERS.some((other) => other.callee === parameter.callee && other.index === elsewhere && other.arity[0] <= fewest && fewest <= other.arity[1])) {
          assert.deepEqual(await reported(path, source(language, parameter.callee, fewest, elsewhere)), []);
        }
        const more = most + 1;
        if (!PARAMETERS.some((other) => other.callee === parameter.callee && other.languages.includes(language) && other.arity[0] <= more && more <= other.arity[1])) {
          assert.deepEqual(await reported(path, source(language, parameter.callee, more, parameter.index)), []);
        }
      });
    }
  }

  it("reads requests' auth pair in Python, not a tuple assigned to a variable named auth", async () => {
    assert.deepEqual(await reported('a.py', `requests.get(url, auth=("svc", "${PASSWORD}"))\n`), [PASSWORD]);
    assert.deepEqual(await reported('a.py', `auth = ("svc", "${PASSWORD}")\n`), []);
    assert.deepEqual(await reported('a.py', `requests.get(url, auth=("svc", "${PASSWORD}", "x"))\n`), []);
  });

  it('leaves variables, calls and words', async () => {
    assert.deepEqual(await reported('a.py', 'smtp.login("bot", password)\nsmtp.login("bot", get_password())\nsmtp.login("admin", "admin")\n'), []);
    assert.deepEqual(await reported('src/A.java', 'class A { Object f() { return DriverManager.getConnection(url, "app", secret()); } }\n'), []);
  });
});
