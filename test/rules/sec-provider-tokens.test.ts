/**
 * sec-provider-tokens' structural checks: a JWT must decode, and an OpenAI key is reported by one
 * rule only, whichever of the two (this one or secretlint-backed sec-openai) knows its length.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRules } from '../../rules/index';
import { ParsedDocument } from '../../server/src/engine/parsed-document';
import { Scanner } from '../../server/src/engine/runner';

async function ruleIds(text: string): Promise<string[]> {
  const result = await new Scanner(allRules).scan(ParsedDocument.of('config/app.env', text), { rules: {} });
  return result.findings.map((finding) => finding.ruleId);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const SIGNATURE = 'Qm9yqWb3kG7xT1cZ8vN2pR5sL0aE4hJ6uY9dF3gK1mA';
const randomBody = (length: number) => 'kQ7vX2mZ9pL4wR8tN3bC6yH1jF5dS0gA'.repeat(4).slice(0, length);

describe('sec-provider-tokens structure', () => {
  it('reports a JWT whose header and payload decode to JSON', async () => {
    const token = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub: 'svc-ledger', iat: 1716239022 })}.${SIGNATURE}`;
    assert.deepEqual(await ruleIds(`LEDGER_TOKEN=${token}\n`), ['sec-provider-tokens']);
  });

  it('leaves a JWT-shaped string whose header is not JSON or names no algorithm', async () => {
    const cut = base64url({ alg: 'HS256', typ: 'JWT' }).slice(0, -2);
    const noAlg = base64url({ typ: 'JWT' });
    const payload = base64url({ sub: 'svc-ledger' });
    assert.deepEqual(await ruleIds(`A=${cut}.${payload}.${SIGNATURE}\nB=${noAlg}.${payload}.${SIGNATURE}\n`), []);
  });

  it('reports an OpenAI project key once, whatever its length', async () => {
    for (const length of [20, 58, 74]) {
      const key = `sk-proj-${randomBody(length)}T3BlbkFJ${randomBody(length)}`;
      const ids = await ruleIds(`OPENAI_API_KEY=${key}\n`);
      assert.equal(ids.length, 1, `${length}: ${ids.join(', ')}`);
      assert.ok(ids[0] === 'sec-openai' || ids[0] === 'sec-provider-tokens', ids[0]);
    }
  });
});
