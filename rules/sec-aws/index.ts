import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Report } from '../../server/src/engine/types';
import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

/**
 * An access key ID: a long-lived IAM user key (AKIA) or a session key (ASIA). Other unique-id
 * prefixes (roles, users, groups) name principals, not keys. Sticky: tried where the prefilter
 * located a prefix, so the text is never searched for it.
 */
const KEY_ID = /(?<![A-Za-z0-9_])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9_])/y;

function* keyIds(document: ParsedDocument): Generator<Report> {
  // The prefilter ignores case and the pattern does not: `Asia/Tokyo` is tried and left.
  for (const match of document.keywordMatches(['akia', 'asia'], KEY_ID)) {
    yield {
      span: [match.index, match.index + match[0].length],
      secret: match[0],
      // A key ID alone cannot sign, but the secret that goes with it is usually close by.
      message:
        'Hardcoded AWS access key ID ({{secret}}): it names an IAM user key (AKIA) or a session key (ASIA) whose secret is usually stored nearby; use role credentials instead of access keys.',
      severity: 'warning',
    };
  }
}

export default secretlintRule({
  id: 'sec-aws',
  secretlintRuleId: '@secretlint/secretlint-rule-aws',
  message:
    'Hardcoded AWS secret access key ({{secret}}): with its key ID it signs requests as the IAM user until someone deactivates the key; use role credentials instead.',
  // secretlint's ID scan (off by default) would search every position for an account ID too,
  // which is not a credential: key IDs are found by `keyIds`, where the prefilter located a prefix.
  // The secret pattern needs `secret` + optional `_` + `access` in the key name.
  keywords: ['secret_access', 'secretaccess', 'akia', 'asia'],
  // What every secret secretlint reports holds: the key name assigned a 40-character value. Not
  // the name alone: most workflows that use AWS name `secrets.AWS_SECRET_ACCESS_KEY`. The two
  // unbounded space runs stay linear: each try starts at the literal name, and a required `:` or
  // `=` separates them, so no text is read by both.
  pattern: /(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?[A-Za-z0-9/+=]{40}/,
  ownFindings: keyIds,
  // secretlint's range for a secret access key starts at the key name and is as long as the value;
  // the secret is the 40-character value of the assignment (secretlint's own assignment shape).
  secretPart:
    /^["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/,
  docs,
});
