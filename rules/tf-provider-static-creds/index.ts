import { defineRule } from '../../server/src/engine/define-rule';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { isPlaceholderSecret, isSecretReference } from '../../server/src/engine/secret-values';
import type { TextEdit } from '../../server/src/engine/types';
import { hclAttribute, hclBlocks, hclChildBlocks, hclLiteral, hclLiteralNode } from '../lib/hcl';
import { hasTerraformVariableSite, terraformVariableFixes } from '../lib/literal-to-tf-variable';
import { indentAt, lineEnding, removeAttribute, wholeLines } from '../lib/hcl-edit';
import { awsGithubRole } from '../lib/trust-templates';
import docs from './docs.md';

const AWS_FEDERATION = 'drop them and let the provider use the default credential chain, or assume a role with web identity (OIDC) in CI';
const AZURE_FEDERATION = 'use OIDC (use_oidc = true) or a managed identity (use_msi = true)';
const GOOGLE_FEDERATION = 'use Application Default Credentials or a Workload Identity Federation credential configuration';

/**
 * The provider arguments that take a credential, by provider (each provider's registry page).
 * `federated` is the way the provider signs in without a stored credential, where it has one:
 * there a credential passed in from a variable is reported too, as a warning, since the static
 * credential itself can go. Other providers (a database, a firewall, a SaaS API) need their
 * credential; only one written into the file is reported.
 */
const PROVIDERS: Readonly<Record<string, { readonly attributes: readonly string[]; readonly federated?: string }>> = {
  aws: { attributes: ['access_key', 'secret_key', 'token'], federated: AWS_FEDERATION },
  awscc: { attributes: ['access_key', 'secret_key', 'token'], federated: AWS_FEDERATION },
  azurerm: { attributes: ['client_secret', 'client_certificate_password'], federated: AZURE_FEDERATION },
  azuread: { attributes: ['client_secret', 'client_certificate_password'], federated: AZURE_FEDERATION },
  google: { attributes: ['credentials', 'access_token'], federated: GOOGLE_FEDERATION },
  'google-beta': { attributes: ['credentials', 'access_token'], federated: GOOGLE_FEDERATION },
  vault: { attributes: ['token'], federated: 'let the provider log in with an auth method (auth_login_jwt, auth_login_aws) instead of a token' },
  alicloud: { attributes: ['access_key', 'secret_key', 'security_token'] },
  auth0: { attributes: ['client_secret', 'api_token'] },
  azuredevops: { attributes: ['personal_access_token'] },
  cloudflare: { attributes: ['api_token', 'api_key', 'api_user_service_key'] },
  consul: { attributes: ['token'] },
  datadog: { attributes: ['api_key', 'app_key'] },
  digitalocean: { attributes: ['token', 'spaces_secret_key'] },
  fastly: { attributes: ['api_key'] },
  github: { attributes: ['token'] },
  gitlab: { attributes: ['token'] },
  grafana: { attributes: ['auth'] },
  hcloud: { attributes: ['token'] },
  heroku: { attributes: ['api_key'] },
  huaweicloud: { attributes: ['access_key', 'secret_key', 'security_token'] },
  ibm: { attributes: ['ibmcloud_api_key', 'iaas_classic_api_key'] },
  kubernetes: { attributes: ['token', 'password', 'client_key'] },
  linode: { attributes: ['token'] },
  mongodbatlas: { attributes: ['private_key'] },
  mysql: { attributes: ['password'] },
  ncloud: { attributes: ['access_key', 'secret_key'] },
  newrelic: { attributes: ['api_key', 'admin_api_key'] },
  nomad: { attributes: ['secret_id'] },
  oci: { attributes: ['private_key', 'private_key_password'] },
  okta: { attributes: ['api_token', 'private_key'] },
  openstack: { attributes: ['password', 'token', 'application_credential_secret'] },
  opsgenie: { attributes: ['api_key'] },
  ovh: { attributes: ['application_secret', 'consumer_key'] },
  pagerduty: { attributes: ['token'] },
  panos: { attributes: ['api_key', 'password'] },
  postgresql: { attributes: ['password'] },
  rancher2: { attributes: ['access_key', 'secret_key', 'token_key'] },
  scaleway: { attributes: ['access_key', 'secret_key'] },
  snowflake: { attributes: ['password', 'private_key', 'private_key_passphrase'] },
  tencentcloud: { attributes: ['secret_id', 'secret_key', 'security_token'] },
  tfe: { attributes: ['token'] },
  vsphere: { attributes: ['password'] },
  vultr: { attributes: ['api_key'] },
};

/** For a provider that needs its credential: where it should come from instead of the file. */
const AT_RUN_TIME = "pass it at run time instead, through the provider's environment variable filled from a secret store, or an ephemeral value";

const ATTRIBUTE_NAMES = [...new Set(Object.values(PROVIDERS).flatMap((provider) => provider.attributes))];
/** A provider block: the gate before the grammar runs; the table above decides. */
const PROVIDER_BLOCK = /\bprovider[ \t]+"?[a-z]/;

export const ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
export const TOKEN_FILE_PLACEHOLDER = '<WEB_IDENTITY_TOKEN_FILE>';

interface Credential {
  readonly name: string;
  readonly node: SyntaxNode;
  readonly value: SyntaxNode;
  /** How the value is given: written into the file, a placeholder written there, or from elsewhere (a variable, a key file). */
  readonly source: 'literal' | 'placeholder' | 'elsewhere';
}

function credentialsOf(provider: string, body: SyntaxNode | undefined): Credential[] {
  const found: Credential[] = [];
  for (const name of PROVIDERS[provider]?.attributes ?? []) {
    const attribute = hclAttribute(body, name);
    if (!attribute) continue;
    const value = hclLiteral(attribute.value);
    if (value === '') continue;
    // `credentials = "keys/ci.json"` names a key file; its content is elsewhere (still static).
    const keyFile = typeof value === 'string' && name === 'credentials' && !value.trimStart().startsWith('{');
    // `"var.api_key"` (quoted by mistake) or `"CLOUDFLARE_API_KEY"` points elsewhere; `changeme` stands in for a value.
    const source = typeof value !== 'string' || keyFile || isSecretReference(value) ? 'elsewhere' : isPlaceholderSecret(value) ? 'placeholder' : 'literal';
    found.push({ name, node: attribute.node, value: attribute.value, source });
  }
  return found;
}

export default defineRule({
  id: 'tf-provider-static-creds',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ATTRIBUTE_NAMES,
  pattern: PROVIDER_BLOCK,
  syntax: 'code',
  docs,
  check({ document, report }) {
    for (const block of hclBlocks(document.tree('hcl'))) {
      const provider = block.labels[0] ?? '';
      if (block.type !== 'provider' || !Object.hasOwn(PROVIDERS, provider)) continue;
      const federated = PROVIDERS[provider]!.federated;
      // Without federation a provider needs its credential: passing it in is the right thing to do.
      const credentials = credentialsOf(provider, block.body).filter((credential) => federated || credential.source !== 'elsewhere');
      if (credentials.length === 0) continue;
      const aliasAttribute = hclAttribute(block.body, 'alias');
      const alias = aliasAttribute ? hclLiteral(aliasAttribute.value) : undefined;
      const name = `provider "${provider}"${typeof alias === 'string' ? ` (alias ${alias})` : ''}`;
      const names = credentials.map((credential) => credential.name).join(', ');
      const advice = federated ?? AT_RUN_TIME;
      const written = credentials.some((credential) => credential.source === 'literal');
      const placeholder = !written && credentials.some((credential) => credential.source === 'placeholder');
      report({
        span: [credentials[0]!.node.startIndex, credentials[0]!.node.endIndex],
        severity: written ? 'error' : 'warning',
        message: written
          ? `${name} has a static credential written into the configuration (${names}): it sits in version control and never expires; ${advice}${federated ? '' : ', and rotate the one written here'}.`
          : placeholder
            ? `${name} sets its credential in the configuration (${names}, a placeholder or example value now): the real one written there would sit in version control; ${advice}.`
            : `${name} is configured with a static credential (${names}) passed in from elsewhere: still a long-lived secret in variables, CI settings or state; ${advice}.`,
        construct: `${name}:${names}`,
        // AWS: web identity in place of the keys. A provider that needs its credential: a sensitive
        // variable in place of the value. (For the other federated ones a variable would still be reported.)
        fixable: provider === 'aws' ? fixEdits(document.text, block.body) !== undefined : !federated && credentials.some((credential) => variableSiteOf(document, credential) !== undefined),
      });
    }
  },
  fix({ document, finding }) {
    const text = document.text;
    const tree = document.tree('hcl');
    const block = hclBlocks(tree).find((candidate) => candidate.type === 'provider' && candidate.body !== undefined && candidate.node.startIndex <= finding.span[0] && finding.span[1] <= candidate.node.endIndex);
    const provider = block?.labels[0] ?? '';
    if (block && Object.hasOwn(PROVIDERS, provider) && !PROVIDERS[provider]!.federated) {
      // One fix per credential written in the block: each becomes a sensitive variable.
      return credentialsOf(provider, block.body).flatMap((credential) => {
        const span = variableSiteOf(document, credential);
        return span ? terraformVariableFixes(document, span) : [];
      });
    }
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

/** The quoted value of a credential written into the block, when a variable reference can replace it. */
function variableSiteOf(document: ParsedDocument, credential: Credential): [number, number] | undefined {
  if (credential.source === 'elsewhere') return undefined;
  const literal = hclLiteralNode(credential.value);
  const span: [number, number] = [literal.startIndex + 1, literal.endIndex - 1];
  return hasTerraformVariableSite(document, span) ? span : undefined;
}

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
