import type { Rule } from '../server/src/engine/types';
import codeEnvLiteralFallback from './code-env-literal-fallback';
import codeJwtNoExpiry from './code-jwt-no-expiry';
import ghaContainerCredentialsLiteral from './gha-container-credentials-literal';
import ghaStaticAwsKeys from './gha-static-aws-keys';
import ghaGcpSaKeyJson from './gha-gcp-sa-key-json';
import ghaAzureCredsJson from './gha-azure-creds-json';
import ghaVaultStaticToken from './gha-vault-static-token';
import ghaNpmTokenPublish from './gha-npm-token-publish';
import ghaPypiTokenPublish from './gha-pypi-token-publish';
import ghaAuthContinueOnErrorFallback from './gha-auth-continue-on-error-fallback';
import ghaAwsForceSkipOidc from './gha-aws-force-skip-oidc';
import ghaAwsSessionTooLong from './gha-aws-session-too-long';
import k8sLegacySaTokenSecret from './k8s-legacy-sa-token-secret';
import { secretlintBackedRules } from './secretlint-backed';
import secPasswordAssignment from './sec-password-assignment';
import secProviderTokens from './sec-provider-tokens';
import secCredentialComparison from './sec-credential-comparison';
import secVendorTokens from './sec-vendor-tokens';
import secPrivateKeyFormats from './sec-private-key-formats';
import secIacSecretParameter from './sec-iac-secret-parameter';
import secPasswordInUrl from './sec-password-in-url';
import secKeyedRandomValue from './sec-keyed-random-value';
import secCredentialCliFlag from './sec-credential-cli-flag';
import tfTlsCertValidity from './tf-tls-cert-validity';

/**
 * The one rule registry. Static imports keep the bundle self-contained; the order here is the
 * order rules run and report in.
 */
export const allRules: readonly Rule[] = [
  ...secretlintBackedRules,
  secProviderTokens,
  secVendorTokens,
  secPrivateKeyFormats,
  secIacSecretParameter,
  secPasswordInUrl,
  secKeyedRandomValue,
  secCredentialCliFlag,
  secPasswordAssignment,
  secCredentialComparison,
  ghaStaticAwsKeys,
  ghaGcpSaKeyJson,
  ghaAzureCredsJson,
  ghaVaultStaticToken,
  ghaNpmTokenPublish,
  ghaPypiTokenPublish,
  ghaAuthContinueOnErrorFallback,
  ghaAwsForceSkipOidc,
  ghaAwsSessionTooLong,
  ghaContainerCredentialsLiteral,
  k8sLegacySaTokenSecret,
  tfTlsCertValidity,
  codeEnvLiteralFallback,
  codeJwtNoExpiry,
];
