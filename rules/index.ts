import type { Rule } from '../server/src/engine/types';
import { withSecretReferenceFix } from './lib/secret-reference-fix';
import codeCredentialChainStaticFallback from './code-credential-chain-static-fallback';
import codeEnvLiteralFallback from './code-env-literal-fallback';
import envDefaultCredential from './env-default-credential';
import shInsecureTlsFallback from './sh-insecure-tls-fallback';
import codeJwtNoExpiry from './code-jwt-no-expiry';
import codeS3PresignLong from './code-s3-presign-long';
import codeStsDurationLong from './code-sts-duration-long';
import codeTlsVerifyDisabled from './code-tls-verify-disabled';
import ghaContainerCredentialsLiteral from './gha-container-credentials-literal';
import ghaStaticAwsKeys from './gha-static-aws-keys';
import ghaGcpSaKeyJson from './gha-gcp-sa-key-json';
import ghaAzureCredsJson from './gha-azure-creds-json';
import ghaVaultStaticToken from './gha-vault-static-token';
import ghaNpmTokenPublish from './gha-npm-token-publish';
import ghaPypiTokenPublish from './gha-pypi-token-publish';
import ghaAuthContinueOnErrorFallback from './gha-auth-continue-on-error-fallback';
import ghaAppTokenSkipRevoke from './gha-app-token-skip-revoke';
import ghaAwsForceSkipOidc from './gha-aws-force-skip-oidc';
import ghaAwsSessionTooLong from './gha-aws-session-too-long';
import k8sLegacySaTokenSecret from './k8s-legacy-sa-token-secret';
import glStaticCloudKeys from './gl-static-cloud-keys';
import glCiJobJwtDeprecated from './gl-ci-job-jwt-deprecated';
import glIdTokenAud from './gl-id-token-aud';
import glNpmTokenPublish from './gl-npm-token-publish';
import cciStaticAwsKeys from './cci-static-aws-keys';
import ansibleIamAccessKey from './ansible-iam-access-key';
import cciNpmTokenPublish from './cci-npm-token-publish';
import ciAuthOrTrueFallback from './ci-auth-or-true-fallback';
import shLongCertDays from './sh-long-cert-days';
import shMintLongLivedCred from './sh-mint-long-lived-cred';
import ghaOidcMissingIdToken from './gha-oidc-missing-id-token';
import ghaSecretEchoedToLogs from './gha-secret-echoed-to-logs';
import ghaSecretsInherit from './gha-secrets-inherit';
import ghaPullRequestTargetSecrets from './gha-pull-request-target-secrets';
import k8sAutomountSaToken from './k8s-automount-sa-token';
import secCertificateLifetime from './sec-certificate-lifetime';
import ghaCheckoutPersistCredentials from './gha-checkout-persist-credentials';
import ghaPatInsteadOfAppToken from './gha-pat-instead-of-app-token';
import ghaRegistryPassword from './gha-registry-password';
import ghaGcpTokenLifetime from './gha-gcp-token-lifetime';
import ghaVaultIgnoreNotFound from './gha-vault-ignore-not-found';
import ghaVaultTlsSkip from './gha-vault-tls-skip';
import cfnIamAccessKey from './cfn-iam-access-key';
import cfnEmbeddedCredentials from './cfn-embedded-credentials';
import cfnInitMetadataCredentials from './cfn-init-metadata-credentials';
import iacCertificateFileExpired from './iac-certificate-file-expired';
import tfBreakglassUnguarded from './tf-breakglass-unguarded';
import iacAccessKeyRotationAge from './iac-access-key-rotation-age';
import iacSecretRotation from './iac-secret-rotation';
import iacKeyvaultSecretExpiry from './iac-keyvault-secret-expiry';
import tfDatabricksTokenLifetime from './tf-databricks-token-lifetime';
import tfOidcTrustTooBroad from './tf-oidc-trust-too-broad';
import codeBreakGlassUnguarded from './code-break-glass-unguarded';
import codeGcpSaKeyFile from './code-gcp-sa-key-file';
import codeHardcodedSdkCredentials from './code-hardcoded-sdk-credentials';
import codeVaultTokenNoTtl from './code-vault-token-no-ttl';
import k8sStaticCredsShadowWi from './k8s-static-creds-shadow-wi';
import { secretlintBackedRules } from './secretlint-backed';
import secPasswordAssignment from './sec-password-assignment';
import secProviderTokens from './sec-provider-tokens';
import secCredentialComparison from './sec-credential-comparison';
import secCsvCredentialColumn from './sec-csv-credential-column';
import secConnectionStringPassword from './sec-connection-string-password';
import secAuthorizationHeader from './sec-authorization-header';
import secCredentialStoreFile from './sec-credential-store-file';
import secSqlUserPassword from './sec-sql-user-password';
import secVendorTokens from './sec-vendor-tokens';
import secPrivateKeyFormats from './sec-private-key-formats';
import secGcpP12Key from './sec-gcp-p12-key';
import secKeystorePrivateKey from './sec-keystore-private-key';
import secIacSecretParameter from './sec-iac-secret-parameter';
import secPasswordInUrl from './sec-password-in-url';
import secKeyedRandomValue from './sec-keyed-random-value';
import secCredentialCliFlag from './sec-credential-cli-flag';
import secCredentialArgument from './sec-credential-argument';
import ghaCratesTokenPublish from './gha-crates-token-publish';
import ghaRubygemsTokenPublish from './gha-rubygems-token-publish';
import ghaNugetKeyPublish from './gha-nuget-key-publish';
import tfTlsCertValidity from './tf-tls-cert-validity';
import k8sInsecureSkipTls from './k8s-insecure-skip-tls';
import dfSecretInArgEnv from './df-secret-in-arg-env';
import k8sCertManagerDuration from './k8s-cert-manager-duration';
import k8sHardcodedSecretEnv from './k8s-hardcoded-secret-env';
import k8sProjectedTokenTtl from './k8s-projected-token-ttl';
import tfAwsRoleMaxSession from './tf-aws-role-max-session';
import tfVaultTokenLongLived from './tf-vault-token-long-lived';
import tfAzureadSecretExpiry from './tf-azuread-secret-expiry';
import iacAzureLocalAuth from './iac-azure-local-auth';
import tfProviderStaticCreds from './tf-provider-static-creds';
import tfGoogleSaKey from './tf-google-sa-key';
import tfGkeLegacyAuth from './tf-gke-legacy-auth';
import tfAwsIamAccessKey from './tf-aws-iam-access-key';
import tfInstanceStaticAwsKeys from './tf-instance-static-aws-keys';
import k8sSecretEnvVar from './k8s-secret-env-var';
import k8sSpiffePattern from './k8s-spiffe-pattern';
import k8sSecretManifestData from './k8s-secret-manifest-data';

/** Every rule module. Static imports keep the bundle self-contained; the order here is the order rules run and report in. */
const ruleModules: readonly Rule[] = [
  ...secretlintBackedRules,
  secProviderTokens,
  secVendorTokens,
  secPrivateKeyFormats,
  secGcpP12Key,
  secKeystorePrivateKey,
  secIacSecretParameter,
  secPasswordInUrl,
  secKeyedRandomValue,
  secCredentialCliFlag,
  secCredentialArgument,
  secPasswordAssignment,
  secCredentialComparison,
  secCsvCredentialColumn,
  secConnectionStringPassword,
  secAuthorizationHeader,
  secCredentialStoreFile,
  secSqlUserPassword,
  ghaStaticAwsKeys,
  ghaGcpSaKeyJson,
  ghaAzureCredsJson,
  ghaVaultStaticToken,
  ghaNpmTokenPublish,
  ghaCratesTokenPublish,
  ghaRubygemsTokenPublish,
  ghaNugetKeyPublish,
  ghaPypiTokenPublish,
  ghaAuthContinueOnErrorFallback,
  ghaAppTokenSkipRevoke,
  ghaAwsForceSkipOidc,
  ghaAwsSessionTooLong,
  ghaContainerCredentialsLiteral,
  k8sLegacySaTokenSecret,
  tfTlsCertValidity,
  tfAwsIamAccessKey,
  tfInstanceStaticAwsKeys,
  tfGoogleSaKey,
  tfGkeLegacyAuth,
  tfProviderStaticCreds,
  tfAzureadSecretExpiry,
  iacAzureLocalAuth,
  tfVaultTokenLongLived,
  tfAwsRoleMaxSession,
  k8sProjectedTokenTtl,
  k8sHardcodedSecretEnv,
  k8sSecretManifestData,
  k8sCertManagerDuration,
  dfSecretInArgEnv,
  k8sInsecureSkipTls,
  codeEnvLiteralFallback,
  envDefaultCredential,
  codeJwtNoExpiry,
  codeTlsVerifyDisabled,
  codeStsDurationLong,
  codeS3PresignLong,
  codeCredentialChainStaticFallback,
  glStaticCloudKeys,
  glCiJobJwtDeprecated,
  glIdTokenAud,
  glNpmTokenPublish,
  cciStaticAwsKeys,
  ansibleIamAccessKey,
  cciNpmTokenPublish,
  ciAuthOrTrueFallback,
  shInsecureTlsFallback,
  shLongCertDays,
  shMintLongLivedCred,
  ghaOidcMissingIdToken,
  ghaSecretEchoedToLogs,
  ghaSecretsInherit,
  ghaPullRequestTargetSecrets,
  k8sAutomountSaToken,
  secCertificateLifetime,
  ghaRegistryPassword,
  ghaPatInsteadOfAppToken,
  ghaCheckoutPersistCredentials,
  tfOidcTrustTooBroad,
  ghaGcpTokenLifetime,
  ghaVaultTlsSkip,
  ghaVaultIgnoreNotFound,
  cfnIamAccessKey,
  cfnEmbeddedCredentials,
  cfnInitMetadataCredentials,
  tfBreakglassUnguarded,
  iacAccessKeyRotationAge,
  iacSecretRotation,
  iacCertificateFileExpired,
  iacKeyvaultSecretExpiry,
  tfDatabricksTokenLifetime,
  codeHardcodedSdkCredentials,
  codeGcpSaKeyFile,
  codeVaultTokenNoTtl,
  k8sStaticCredsShadowWi,
  codeBreakGlassUnguarded,
  k8sSecretEnvVar,
  k8sSpiffePattern,
];

/**
 * The one rule registry. Secret rules without a fix of their own get the shared one: a secret in
 * a source-code string literal becomes an environment lookup that fails closed, one in a workflow
 * or Compose value a secret or variable reference.
 */
export const allRules: readonly Rule[] = ruleModules.map(withSecretReferenceFix);
