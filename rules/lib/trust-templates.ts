import type { Fix } from '../../server/src/engine/types';

/**
 * The trust side of workload identity federation, as new Terraform files the quick fixes offer
 * beside a long-lived credential: the cloud (or Vault) trusts short-lived OIDC tokens that GitHub
 * Actions mints per job, so no key has to exist. Shapes and values follow the vendor docs cited in
 * the rule catalog (`tf-oidc-trust-fix-targets`); what only the user knows is a marked placeholder.
 */

export const OWNER_PLACEHOLDER = '<OWNER>';
export const REPO_PLACEHOLDER = '<REPO>';
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** A Terraform identifier derived from the resource the finding is about (`deploy-bot` → `deploy_bot`). */
export function terraformName(label: string | undefined, fallback: string): string {
  const name = (label ?? '').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
  return name || fallback;
}

function companion(title: string, path: string, lines: readonly string[], placeholders: readonly string[]): Fix {
  const text = lines.join('\n') + '\n';
  return { title, edits: [], createFiles: [{ path, text }], placeholders: placeholders.filter((placeholder) => text.includes(placeholder)) };
}

/** AWS: the GitHub OIDC identity provider and a role only this repository's workflows can assume. */
export function awsGithubRole(name: string, roleName: string): Fix {
  return companion(
    `Create an IAM role for GitHub Actions OIDC to replace the key (new file github-oidc-${name}.tf)`,
    `github-oidc-${name}.tf`,
    [
      '# GitHub Actions assumes this role with a short-lived OIDC token (aws-actions/configure-aws-credentials',
      '# with role-to-assume and `permissions: id-token: write`), so no access key has to exist.',
      '# The identity provider is created once per AWS account: if yours has it, reference it with',
      '# `data "aws_iam_openid_connect_provider"` instead. Attach the policies the workflow needs to the role.',
      `resource "aws_iam_openid_connect_provider" "${name}_github" {`,
      `  url            = "${GITHUB_ISSUER}"`,
      '  client_id_list = ["sts.amazonaws.com"]',
      '}',
      '',
      `data "aws_iam_policy_document" "${name}_github_trust" {`,
      '  statement {',
      '    actions = ["sts:AssumeRoleWithWebIdentity"]',
      '    principals {',
      '      type        = "Federated"',
      `      identifiers = [aws_iam_openid_connect_provider.${name}_github.arn]`,
      '    }',
      '    condition {',
      '      test     = "StringEquals"',
      '      variable = "token.actions.githubusercontent.com:aud"',
      '      values   = ["sts.amazonaws.com"]',
      '    }',
      '    # One repository and branch; a wildcard here lets other repositories in.',
      '    condition {',
      '      test     = "StringEquals"',
      '      variable = "token.actions.githubusercontent.com:sub"',
      `      values   = ["repo:${OWNER_PLACEHOLDER}/${REPO_PLACEHOLDER}:ref:refs/heads/main"]`,
      '    }',
      '  }',
      '}',
      '',
      `resource "aws_iam_role" "${name}_github" {`,
      `  name                 = "${roleName}"`,
      `  assume_role_policy   = data.aws_iam_policy_document.${name}_github_trust.json`,
      '  max_session_duration = 3600',
      '}',
    ],
    [OWNER_PLACEHOLDER, REPO_PLACEHOLDER],
  );
}

export const GCP_SERVICE_ACCOUNT_PLACEHOLDER = 'projects/<PROJECT_ID>/serviceAccounts/<SERVICE_ACCOUNT_EMAIL>';

/**
 * GCP: a workload identity pool and GitHub provider (with the attribute condition Google requires
 * for GitHub), and the right for one repository to impersonate the service account.
 */
export function gcpGithubPool(name: string, serviceAccount: string | undefined): Fix {
  // Pool ids: 4 to 32 lower-case letters, digits and hyphens.
  const words = name.toLowerCase().split(/[^a-z0-9]/).filter(Boolean);
  let poolId = 'github';
  for (const word of words) if (poolId.length + 1 + word.length <= 32) poolId += `-${word}`;
  return companion(
    `Create a workload identity pool for GitHub Actions to replace the key (new file github-wif-${name}.tf)`,
    `github-wif-${name}.tf`,
    [
      '# GitHub Actions exchanges its OIDC token for short-lived Google credentials',
      '# (google-github-actions/auth with workload_identity_provider), so no service-account key has to exist.',
      `resource "google_iam_workload_identity_pool" "${name}_github" {`,
      `  workload_identity_pool_id = "${poolId}"`,
      '  display_name              = "GitHub Actions"',
      '}',
      '',
      `resource "google_iam_workload_identity_pool_provider" "${name}_github" {`,
      `  workload_identity_pool_id          = google_iam_workload_identity_pool.${name}_github.workload_identity_pool_id`,
      '  workload_identity_pool_provider_id = "github"',
      '  attribute_mapping = {',
      '    "google.subject"             = "assertion.sub"',
      '    "attribute.repository"       = "assertion.repository"',
      '    "attribute.repository_owner" = "assertion.repository_owner"',
      '  }',
      '  # Always restrict who may use the provider: without a condition any GitHub repository could.',
      `  attribute_condition = "assertion.repository_owner == '${OWNER_PLACEHOLDER}'"`,
      '  oidc {',
      `    issuer_uri = "${GITHUB_ISSUER}"`,
      '  }',
      '}',
      '',
      `resource "google_service_account_iam_member" "${name}_github" {`,
      `  service_account_id = ${serviceAccount ?? `"${GCP_SERVICE_ACCOUNT_PLACEHOLDER}"`}`,
      '  role               = "roles/iam.workloadIdentityUser"',
      `  member             = "principalSet://iam.googleapis.com/\${google_iam_workload_identity_pool.${name}_github.name}/attribute.repository/${OWNER_PLACEHOLDER}/${REPO_PLACEHOLDER}"`,
      '}',
    ],
    [OWNER_PLACEHOLDER, REPO_PLACEHOLDER, GCP_SERVICE_ACCOUNT_PLACEHOLDER],
  );
}

export const AZURE_APPLICATION_PLACEHOLDER = '<APPLICATION_OBJECT_ID>';

/** Azure: a federated identity credential on the application, trusting one repository's environment. */
export function azureGithubFederatedCredential(name: string, application: { attribute: string; value: string } | undefined): Fix {
  return companion(
    `Create a federated credential for GitHub Actions to replace the secret (new file github-federated-${name}.tf)`,
    `github-federated-${name}.tf`,
    [
      '# GitHub Actions signs in as the application with its OIDC token (azure/login with client-id,',
      '# tenant-id and subscription-id, `permissions: id-token: write`), so no client secret has to exist.',
      `resource "azuread_application_federated_identity_credential" "${name}_github" {`,
      `  ${application?.attribute ?? 'application_id'} = ${application?.value ?? `"${AZURE_APPLICATION_PLACEHOLDER}"`}`,
      `  display_name   = "github-actions"`,
      '  audiences      = ["api://AzureADTokenExchange"]',
      `  issuer         = "${GITHUB_ISSUER}"`,
      `  subject        = "repo:${OWNER_PLACEHOLDER}/${REPO_PLACEHOLDER}:environment:production"`,
      '}',
    ],
    [AZURE_APPLICATION_PLACEHOLDER, OWNER_PLACEHOLDER, REPO_PLACEHOLDER],
  );
}

/** Vault: a JWT auth method trusting GitHub's issuer, and a role bound to one repository with short token TTLs. */
export function vaultGithubJwtRole(name: string, policies: string | undefined): Fix {
  return companion(
    `Create a Vault JWT role for GitHub Actions instead of a stored token (new file github-jwt-${name}.tf)`,
    `github-jwt-${name}.tf`,
    [
      '# GitHub Actions logs in to Vault with its OIDC token (hashicorp/vault-action with method: jwt),',
      '# and gets a token that expires with the job, so no Vault token has to be stored.',
      `resource "vault_jwt_auth_backend" "${name}_github" {`,
      '  path               = "jwt-github"',
      `  oidc_discovery_url = "${GITHUB_ISSUER}"`,
      `  bound_issuer       = "${GITHUB_ISSUER}"`,
      '}',
      '',
      `resource "vault_jwt_auth_backend_role" "${name}_github" {`,
      `  backend         = vault_jwt_auth_backend.${name}_github.path`,
      `  role_name       = "${name.replace(/_/g, '-')}-github"`,
      '  role_type       = "jwt"',
      '  user_claim      = "sub"',
      '  # The audience GitHub issues unless the workflow sets jwtGithubAudience.',
      `  bound_audiences = ["https://github.com/${OWNER_PLACEHOLDER}"]`,
      '  bound_claims = {',
      `    repository = "${OWNER_PLACEHOLDER}/${REPO_PLACEHOLDER}"`,
      '  }',
      `  token_policies  = ${policies ?? '[]'}`,
      '  token_ttl       = 900',
      '  token_max_ttl   = 3600',
      '}',
    ],
    [OWNER_PLACEHOLDER, REPO_PLACEHOLDER],
  );
}
