import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-gcp-private-key',
  secretlintRuleId: '@secretlint/secretlint-rule-gcp',
  message:
    'Google Cloud service-account key file: the private key in it authenticates as the service account until the key is deleted; use workload identity federation or an attached service account instead.',
  // The JSON check requires a top-level `private_key_id` property; `.p12` keys are sec-gcp-p12-key's.
  keywords: ['private_key_id'],
  // secretlint reports the whole JSON object; point at the private key value instead.
  secretPart: /"private_key"[ \t]*:[ \t]*"([^"\n]{1,10000})"/,
  docs,
});
