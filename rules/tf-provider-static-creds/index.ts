import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';
import type { TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclBlocks, hclChildBlocks, hclLiteral } from '../lib/hcl';
import { indentAt, lineEnding, removeAttribute, wholeLines } from '../lib/hcl-edit';
import { awsGithubRole } from '../lib/trust-templates';
import docs from './docs.md';

/** The attributes of each provider that take a static credential. */
const CREDENTIAL_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws: ['access_key', 'secret_key', 'token'],
  azurerm: ['client_secret', 'client_certificate_password'],
  azuread: ['client_secret', 'client_certificate_password'],
  google: ['credentials', 'access_token'],
  'google-beta': ['credentials', 'access_token'],
  vault: ['token'],
};

const ADVICE: Readonly<Record<string, string>> = {
  aws: 'drop them and let the provider use the default credential chain, or assume a role with web identity (OIDC) in CI',
  azurerm: 'use OIDC (use_oidc = true) or a managed identity (use_msi = true)',
  azuread: 'use OIDC (use_oidc = true) or a managed identity (use_msi = true)',
  google: 'use Application Default Credentials or a Workload Identity Federation credential configuration',
  'google-beta': 'use Application Default Credentials or a Workload Identity Federation credential configuration',
  vault: 'let the provider log in with an auth method (auth_login_jwt, auth_login_aws) instead of a token',
};

export const ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
export const TOKEN_FILE_PLACEHOLDER = '<WEB_IDENTITY_TOKEN_FILE>';

interface Credential {
  readonly name: string;
  readonly node: SyntaxNode;
  /** A literal credential in the file (not a path to a key file, not a placeholder). */
  readonly literal: boolean;
}

function credentialsOf(provider: string, body: SyntaxNode | undefined): Credential[] {
  const found: Credential[] = [];
  for (const name of CREDENTIAL_ATTRIBUTES[provider] ?? []) {
    const attribute = hclAttribute(body, name);
    if (!attribute) continue;
    const value = hclLiteral(attribute.value);
    if (value === '') continue;
    // `credentials = "keys/ci.json"` names a key file; its content is elsewhere (still static).
    const keyFile = typeof value === 'string' && name === 'credentials' && !value.trimStart().startsWith('{');
    found.push({ name, node: attribute.node, literal: typeof value === 'string' && !keyFile && !isPlaceholderSecret(value) });
  }
  return found;
}

export default defineRule({
  id: 'tf-provider-static-creds',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['access_key', 'secret_key', 'client_secret', 'client_certificate_password', 'credentials', 'access_token', 'token'],
  pattern: /provider[ \t]+"?(?:aws|azurerm|azuread|google|google-beta|vault)\b/,
  syntax: 'code',
  docs,
  check({ document, report }) {
    for (const block of hclBlocks(document.tree('hcl'))) {
      const provider = block.labels[0] ?? '';
      if (block.type !== 'provider' || !(provider in CREDENTIAL_ATTRIBUTES)) continue;
      const credentials = credentialsOf(provider, block.body);
      if (credentials.length === 0) continue;
      const aliasAttribute = hclAttribute(block.body, 'alias');
      const alias = aliasAttribute ? hclLiteral(aliasAttribute.value) : undefined;
      const name = `provider "${provider}"${typeof alias === 'string' ? ` (alias ${alias})` : ''}`;
      const literal = credentials.some((credential) => credential.literal);
      const names = credentials.map((credential) => credential.name).join(', ');
      report({
        span: [credentials[0]!.node.startIndex, credentials[0]!.node.endIndex],
        severity: literal ? 'error' : 'warning',
        message: literal
          ? `${name} has a static credential written into the configuration (${names}): it sits in version control and never expires; ${ADVICE[provider]}.`
          : `${name} is configured with a static credential (${names}) passed in from elsewhere: still a long-lived secret in variables, CI settings or state; ${ADVICE[provider]}.`,
        construct: `${name}:${names}`,
        fixable: provider === 'aws' && fixEdits(document.text, block.body) !== undefined,
      });
    }
  },
  fix({ document, finding }) {
    const text = document.text;
    const tree = document.tree('hcl');
    const block = hclBlocks(tree).find((candidate) => candidate.type === 'provider' && candidate.body !== undefined && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex);
    const edits = block ? fixEdits(text, block.body) : undefined;
    if (!edits) return [];
    const inserted = edits.some((edit) => edit.newText.includes(ROLE_PLACEHOLDER));
    return [
      {
        title: inserted ? 'Replace the static keys with assume_role_with_web_identity (OIDC)' : 'Remove the static keys (the web identity block already supplies credentials)',
        edits,
        ...(inserted ? { placeholders: [ROLE_PLACEHOLDER, TOKEN_FILE_PLACEHOLDER] } : {}),
      },
      // The role that role_arn names, trusting the CI's OIDC tokens, for an account that has none yet.
      awsGithubRole('terraform', 'terraform-github-actions'),
    ];
  },
});

/** Removes the AWS key attributes; the first one's lines become an `assume_role_with_web_identity` block if there is none. */
function fixEdits(text: string, body: SyntaxNode | undefined): TextEdit[] | undefined {
  const credentials = credentialsOf('aws', body);
  if (credentials.length === 0) return undefined;
  const edits: TextEdit[] = [];
  for (const credential of credentials) {
    const edit = removeAttribute(text, credential.node);
    if (!edit) return undefined;
    edits.push(edit);
  }
  if (hclChildBlocks(body, 'assume_role_with_web_identity').length === 0) {
    const first = credentials[0]!.node;
    const span = wholeLines(text, first)!;
    const indent = indentAt(text, first.startIndex);
    const eol = lineEnding(text);
    const lines = [
      'assume_role_with_web_identity {',
      `  role_arn                = "${ROLE_PLACEHOLDER}"`,
      '  session_name            = "terraform"',
      `  web_identity_token_file = "${TOKEN_FILE_PLACEHOLDER}"`,
      '}',
    ];
    edits[0] = { span, newText: lines.map((line) => indent + line + eol).join('') };
  }
  return edits;
}
