/**
 * One team policy, two repositories with different local overrides (test/fixtures/team-config):
 * the policy's thresholds and excludes apply in both, each repository's own choices apply only to
 * it, and the language server and the CLI report exactly the same findings for each.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliFindings, findingKey, serverFindings, type Comparable } from '../support/parity';

const FIXTURE = join(__dirname, '..', 'fixtures', 'team-config');
const summary = (findings: Comparable[]) => findings.map((f) => `${f.path} ${f.ruleId} ${f.severity}`).sort();

describe('a shared team policy extended by two repositories', () => {
  it('payments-api: team thresholds and excludes, its own JWT severity; editor and CLI agree', async () => {
    const root = join(FIXTURE, 'payments-api');
    const fromCli = cliFindings(root);
    assert.deepEqual(summary(fromCli), [
      'k8s/token.yaml k8s-legacy-sa-token-secret error', // team: error (default warning)
      'src/auth.ts code-jwt-no-expiry warning', // team maxSeconds 900 flags 1 h; repo lowers to warning
      'terraform/cert.tf tf-tls-cert-validity error', // team warnHours 720 flags 60 days
    ]);
    assert.ok(!fromCli.some((f) => f.path.startsWith('testdata/')), 'the team exclude applies');
    assert.deepEqual((await serverFindings(root)).map(findingKey).sort(), fromCli.map(findingKey).sort());
  });

  it('billing-worker: the same team policy, its own override for legacy manifests; editor and CLI agree', async () => {
    const root = join(FIXTURE, 'billing-worker');
    const fromCli = cliFindings(root);
    assert.deepEqual(summary(fromCli), [
      'k8s/token.yaml k8s-legacy-sa-token-secret error',
      'legacy/k8s/token.yaml k8s-legacy-sa-token-secret info', // repo override for legacy/**
      'terraform/cert.tf tf-tls-cert-validity error',
    ]);
    assert.deepEqual((await serverFindings(root)).map(findingKey).sort(), fromCli.map(findingKey).sort());
  });
});
