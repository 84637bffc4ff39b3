import { isMap, isScalar } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { mapEntries, pairSpan, scalarString } from '../../server/src/engine/parse/yaml';
import { shellCommands, spanOf } from '../lib/gitlab-ci';
import { allPairs, circleUnits, environmentMaps, isCircleReference, runCommands } from '../lib/circleci';
import docs from './docs.md';
import { awsCliOrbs, awsFix, environmentPlan, parameterPlan } from './fix';

const KEY_PARAMS = ['aws_access_key_id', 'aws_secret_access_key', 'aws-access-key-id', 'aws-secret-access-key'];
const KEY_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
const SAFE_PATTERN =
  'use CircleCI OIDC instead: pass `role_arn` (and `role_session_name`) to `aws-cli/setup` from circleci/aws-cli@5, whose role trusts `https://oidc.circleci.com/org/<ORG_ID>`, and delete the static keys from the project and its contexts';

export default defineRule({
  id: 'cci-static-aws-keys',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['circleci'],
  keywords: ['aws_access_key_id', 'aws_secret_access_key', 'aws-access-key-id', 'aws-secret-access-key'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    const aliases = new Set(awsCliOrbs(document).keys());
    const seen = new Set<number>();
    for (const unit of circleUnits(document)) {
      const where = `${unit.kind} '${unit.name}'`;
      const unitId = `${unit.kind}:${unit.name}`;
      let environmentFixable: boolean | undefined;
      // Orb steps: `aws-cli/setup:` (possibly nested in another orb's `auth:` steps) given static key parameters.
      for (const pair of allPairs(unit.node)) {
        const step = isScalar(pair.key) ? String(pair.key.value) : '';
        const slash = step.indexOf('/');
        if (slash === -1 || !aliases.has(step.slice(0, slash)) || !isMap(pair.value)) continue;
        for (const { key, pair: param } of mapEntries(pair.value)) {
          const span = pairSpan(param);
          const value = scalarString(param.value)?.trim();
          if (!KEY_PARAMS.includes(key) || !span || !value || seen.has(span[0])) continue;
          seen.add(span[0]);
          // Orb 3.x takes the name of an environment variable (`AWS_ACCESS_KEY_ID`), later versions `$AWS_ACCESS_KEY_ID`.
          const literal = !isCircleReference(value) && !(value.includes('_') && /^[A-Z][A-Z0-9_]{0,127}$/.test(value));
          report({
            span,
            message: literal
              ? `${step} in ${where} is given a static AWS key ({{secret}}) in ${key}; revoke it, and ${SAFE_PATTERN}.`
              : `${step} in ${where} configures static AWS keys through ${key}, which never expire; ${SAFE_PATTERN}.`,
            construct: `${unit.kind}:${unit.name}:${step}:${key}`,
            ...(literal ? { secret: value } : {}),
            data: { unit: unitId, kind: 'parameter' },
            fixable: parameterPlan(document, unit, span) !== undefined,
          });
        }
      }
      for (const environment of environmentMaps(unit.node)) {
        for (const { key, pair } of mapEntries(environment)) {
          const span = pairSpan(pair);
          const value = scalarString(pair.value)?.trim();
          if (!KEY_ENV.includes(key) || !span || !value || seen.has(span[0])) continue;
          seen.add(span[0]);
          const literal = !isCircleReference(value);
          report({
            span,
            message: literal
              ? `${key} in ${where} is a static AWS credential ({{secret}}) committed to the CircleCI config; revoke it, and ${SAFE_PATTERN}.`
              : `${key} in ${where} passes a static AWS credential, which never expires; ${SAFE_PATTERN}.`,
            construct: `${unit.kind}:${unit.name}:environment:${key}`,
            severity: literal ? 'error' : 'warning',
            ...(literal ? { secret: value } : {}),
            data: { unit: unitId, kind: 'environment' },
            fixable: (environmentFixable ??= environmentPlan(document, unit) !== undefined),
          });
        }
      }
      for (const command of runCommands(unit.node)) {
        for (const words of shellCommands(scalarString(command) ?? '')) {
          const aws = words.indexOf('aws');
          const setting = words[aws + 3];
          if (aws === -1 || words[aws + 1] !== 'configure' || words[aws + 2] !== 'set' || (setting !== 'aws_access_key_id' && setting !== 'aws_secret_access_key')) continue;
          const span = spanOf(document, command, setting);
          if (!span || seen.has(span[0])) continue;
          seen.add(span[0]);
          report({
            span,
            message: `${where} writes a static AWS key into the AWS CLI configuration with \`aws configure set ${setting}\`; ${SAFE_PATTERN}.`,
            construct: `${unit.kind}:${unit.name}:aws-configure:${setting}`,
            fixable: false,
          });
        }
      }
    }
  },
  fix({ document, finding }) {
    return awsFix(document, finding.data, finding.span);
  },
});
