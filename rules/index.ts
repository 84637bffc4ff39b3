import type { Rule } from '../server/src/engine/types';
import codeEnvLiteralFallback from './code-env-literal-fallback';
import codeJwtNoExpiry from './code-jwt-no-expiry';
import ghaContainerCredentialsLiteral from './gha-container-credentials-literal';
import ghaStaticAwsKeys from './gha-static-aws-keys';
import k8sLegacySaTokenSecret from './k8s-legacy-sa-token-secret';
import { secretlintBackedRules } from './secretlint-backed';
import secPasswordAssignment from './sec-password-assignment';
import secProviderTokens from './sec-provider-tokens';
import tfTlsCertValidity from './tf-tls-cert-validity';

/**
 * The one rule registry. Static imports keep the bundle self-contained; the order here is the
 * order rules run and report in.
 */
export const allRules: readonly Rule[] = [
  ...secretlintBackedRules,
  secProviderTokens,
  secPasswordAssignment,
  ghaStaticAwsKeys,
  ghaContainerCredentialsLiteral,
  k8sLegacySaTokenSecret,
  tfTlsCertValidity,
  codeEnvLiteralFallback,
  codeJwtNoExpiry,
];
