import { defineRule } from '../../server/src/engine/define-rule';
import { KeywordSelector } from '../../server/src/engine/keywords';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { crc32, crc32c, endsWithCrc } from '../lib/checksums';
import docs from './docs.md';

/**
 * Credential formats that neither secretlint's recommended preset nor `sec-provider-tokens`
 * matches, written from the vendors' published token formats (prefix, alphabet, length). Every
 * pattern starts with a fixed prefix or structure and uses bounded repetitions only, so it runs in
 * linear time. `keywords` are the prefilter: lower-case substrings of every match, or, for shapes
 * too short or common to look for everywhere, the vendor's name the file must contain. Where a
 * family overlaps a format another rule already reports, `accept` keeps only what that rule cannot
 * match, so one secret gives one finding.
 */
interface TokenFormat {
  readonly vendor: string;
  /** Lower-case substrings a document must contain for this format to be looked for. */
  readonly keywords: readonly string[];
  readonly pattern: RegExp;
  /** The capture group that is the secret (default: the whole match). */
  readonly group?: number;
  /** Extra evidence the match must have (a decoded field, the vendor named in the file). */
  readonly accept?: (secret: string, document: ParsedDocument, index: number) => boolean;
  readonly advice: string;
}

const ROTATE = 'revoke it and load its replacement at run time from a secret store';
const YANDEX_ADVICE = 'revoke it, and let the workload act as a service account through workload identity federation or the VM metadata service instead of a stored key';
const NPM_ADVICE = 'publish with npm trusted publishing (OIDC) and read install tokens from the environment (`${NPM_TOKEN}`)';

const FORMATS: readonly TokenFormat[] = [
  // GitLab: the token families other than personal access tokens (`glpat-`, sec-gitlab). Classic
  // tokens have a fixed length per family (a 40-character trigger token, a 64-character OAuth
  // application secret, a 25-character incoming-mail token, a 50-character agent token, 20 to 50
  // characters for the others); routable tokens carry a base64 payload, its length and a CRC.
  {
    vendor: 'GitLab token',
    keywords: ['gldt-', 'glrt-', 'glcbt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glsoat-', 'glffct-'],
    pattern:
      /(?<![\w-])(?:gl(?:dt|rt|cbt|ft|soat|ffct)-[\w-]{20,50}|glptt-[\w-]{40}|gloas-[\w-]{64}|glimt-[\w-]{25}|glagent-[\w-]{50,60}|gl(?:dt|rt|cbt|ptt|ft|imt|agent|oas|soat|ffct)-[\w-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7})(?![\w.-])/g,
    advice: 'use the CI job token (CI_JOB_TOKEN) or an OIDC id_token, or rotate it and keep it in a masked, protected CI variable',
  },
  {
    vendor: 'GitLab runner registration token',
    keywords: ['gr1348941'],
    pattern: /(?<![\w-])GR1348941[\w-]{20,50}(?![\w-])/g,
    advice: 'register runners with runner authentication tokens created in the UI or API, and reset this one',
  },
  // AWS access key IDs with prefixes sec-aws does not look for (AKIA / ASIA are its).
  {
    vendor: 'AWS access key ID',
    keywords: ['abia', 'acca', 'a3t'],
    pattern: /(?<![A-Za-z0-9])(?:ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Za-z0-9])/g,
    advice: 'use short-lived role credentials (OIDC federation, instance or task roles) instead of access keys',
  },
  { vendor: 'Tailscale key', keywords: ['tskey-'], pattern: /(?<![A-Za-z])tskey-[a-z]{2,12}-[A-Za-z0-9]{6,24}-[A-Za-z0-9]{16,64}(?![A-Za-z0-9])/g, advice: ROTATE },
  { vendor: 'Cloudflare API token or key', keywords: ['cfk_', 'cfut_', 'cfat_'], pattern: /(?<![\w-])cf(?:k|ut|at)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Azure AD (Entra ID) client secret',
    keywords: ['q~'],
    pattern: /(?<![\w~.-])[\w~.]{3}\dQ~[\w~.-]{31,34}(?![\w~.-])/g,
    advice: 'use a federated identity credential (workload identity) or a managed identity instead of a client secret',
  },
  {
    vendor: 'Azure shared access key',
    keywords: ['sharedaccesskey='],
    pattern: /SharedAccessKey=([A-Za-z0-9+/]{42,43}=)/g,
    group: 1,
    advice: 'connect with Entra ID (managed identity) instead of a connection-string key',
  },
  // App Configuration (`Id=…;Secret=…`), SignalR and Web PubSub (`AccessKey=…`) connection strings:
  // the key follows the service's endpoint and at most a few other settings.
  {
    vendor: 'Azure connection string access key',
    keywords: ['azconfig', 'signalr', 'webpubsub'],
    pattern:
      /Endpoint=https?:\/\/[A-Za-z0-9-]{1,63}\.(?:azconfig\.io|azconfig\.azure\.cn|service\.signalr\.net|signalr\.azure\.cn|webpubsub\.azure\.com|webpubsub\.azure\.cn)\/?(?:;(?!AccessKey=|Secret=)[A-Za-z]{1,20}=[^;"'\s]{0,100}){0,4};(?:AccessKey|Secret)=([A-Za-z0-9+/]{32,88}={0,2})(?![A-Za-z0-9+/=])/gi,
    group: 1,
    advice: 'connect with Entra ID (managed identity) and turn off access-key authentication',
  },
  {
    vendor: 'Azure shared access signature',
    keywords: ['sig='],
    pattern: /[?&]sig=([A-Za-z0-9%+/]{40,100}(?:%3D|=)?)/g,
    group: 1,
    accept: (_secret, document, index) => hasSasVersion(document, index),
    advice: 'issue user-delegation SAS tokens at run time with a short expiry instead of storing one',
  },
  {
    vendor: 'Discord bot token',
    keywords: ['.'],
    // The bot's user id in base64, a six-character timestamp, and an HMAC.
    pattern: /(?<![\w-])[MNO][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,38}(?![\w-])/g,
    // Files that name Discord are left to sec-provider-tokens. Elsewhere the shape must hold a
    // real id (base64 of digits) or read as generated: test suites and leaks alike carry made-up
    // ids, and a placeholder (`MTIzxxxx…`) has neither.
    accept: (secret, document) => !document.containsKeyword('discord') && discordTokenParts(secret),
    advice: 'reset it in the Discord developer portal and load the new one at run time',
  },
  {
    vendor: 'SendGrid API key',
    keywords: ['sg.'],
    pattern: /(?<![\w-])SG\.[\w-]{22}\.[\w-]{43}(?![\w-])/g,
    // sec-sendgrid matches keys whose parts have at most one dash; the others are reported here.
    accept: (secret) => !sendgridRuleMatches(secret),
    advice: ROTATE,
  },
  // Slack's legacy tokens, and the expiring user tokens of its file links (`url_private…?t=xoxe-…`),
  // carry three numeric ids and a hex secret; its app-configuration tokens
  // (`xoxe.xoxp-1-…`, `xoxe.xoxb-1-…`) and their refresh tokens (`xoxe-1-…`) one long alphanumeric body.
  { vendor: 'Slack legacy or expiring user token', keywords: ['xoxs-', 'xoxe-'], pattern: /(?<![\w-])xox[se]-\d{6,14}(?:-\d{6,14}){2}-[0-9a-fA-F]{10,64}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Slack rotating token (app configuration, user or bot)',
    keywords: ['xoxe.xox', 'xoxe-1-'],
    pattern: /(?<![\w.-])(?:xoxe\.xox[bp]-1-[A-Za-z0-9]{140,200}|xoxe-1-[A-Za-z0-9]{120,180})(?![\w-])/g,
    accept: mixesLettersAndDigits,
    advice: 'rotate it (tooling.tokens.rotate) and keep the refresh token in a secret store',
  },
  // Workflow-builder and trigger webhooks, and incoming webhooks over plain http (sec-slack reads https://…/services/).
  {
    vendor: 'Slack webhook URL',
    keywords: ['hooks.slack.com/workflows/', 'hooks.slack.com/triggers/', 'http://hooks.slack.com/services/'],
    pattern:
      /(?:https?:\/\/hooks\.slack\.com\/(?:workflows|triggers)\/T[A-Z0-9]{6,12}\/A[A-Z0-9]{6,14}\/\d{8,20}\/[A-Za-z0-9]{20,40}|http:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,40})(?![\w-])/gi,
    accept: mixesLettersAndDigits,
    advice: 'regenerate it and keep the URL in a secret store',
  },
  {
    vendor: 'GitHub App installation token',
    keywords: ['ghs_'],
    pattern: /(?<![\w-])ghs_\d{1,12}_eyJ[\w-]{10,2000}\.[\w-]{10,4000}\.[\w-]{10,1000}/g,
    advice: 'mint installation tokens at run time (actions/create-github-app-token); they expire within an hour',
  },
  { vendor: 'Google OAuth client secret', keywords: ['gocspx-'], pattern: /(?<![\w-])GOCSPX-[\w-]{28}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Google OAuth refresh token', keywords: ['1//0'], pattern: /(?<![\w/])1\/\/0[\w-]{40,400}(?![\w-])/g, advice: 'revoke it and use workload identity federation or a short-lived access token' },
  { vendor: 'Stripe webhook signing secret', keywords: ['whsec_'], pattern: /(?<![\w-])whsec_[A-Za-z0-9+/]{32,100}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Doppler token', keywords: ['dp.'], pattern: /(?<![\w.-])dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,40}\.)?[A-Za-z0-9]{40,44}(?![\w-])/g, advice: 'use a Doppler service account with OIDC, or rotate it and inject it at run time' },
  { vendor: 'Postman API key', keywords: ['pmak-'], pattern: /(?<![\w-])PMAK-[0-9a-f]{24}-[0-9a-f]{34}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Pulumi access token', keywords: ['pul-'], pattern: /(?<![\w-])pul-[0-9a-f]{40}(?![\w-])/g, advice: 'use Pulumi OIDC token exchange instead of a stored access token' },
  {
    vendor: 'HCP Terraform / Terraform Enterprise API token',
    keywords: ['.atlasv1.'],
    pattern: /(?<![\w-])[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}(?![\w=-])/g,
    advice: 'use dynamic provider credentials (workload identity) and team tokens with an expiry',
  },
  { vendor: 'New Relic user API key', keywords: ['nrak-'], pattern: /(?<![\w-])NRAK-[A-Z0-9]{27}(?![\w-])/g, advice: ROTATE },
  { vendor: 'New Relic admin API key', keywords: ['nraa-'], pattern: /(?<![\w-])NRAA-[A-Za-z0-9]{27}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Insights insert and query keys: `NRII-` / `NRIQ-` and 32 characters of the URL-safe alphabet.
  { vendor: 'New Relic Insights key', keywords: ['nrii-', 'nriq-'], pattern: /(?<![\w-])NRI[IQ]-[\w-]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Ingest license keys: 36 characters (hex, or a region prefix such as `eu01xx` and hex) ending in `NRAL`.
  { vendor: 'New Relic license key', keywords: ['nral'], pattern: /(?<![\w-])[a-z0-9]{36}NRAL(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Sentry auth token', keywords: ['sntrys_', 'sntryu_'], pattern: /(?<![\w-])(?:sntrys_eyJ[A-Za-z0-9+/=_-]{40,400}|sntryu_[0-9a-f]{64})(?![\w+/=-])/g, advice: ROTATE },
  { vendor: 'Dynatrace API token', keywords: ['dt0c01.'], pattern: /(?<![\w-])dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![\w-])/g, advice: ROTATE },
  { vendor: 'PlanetScale token or password', keywords: ['pscale_'], pattern: /(?<![\w-])pscale_(?:tkn|pw|oauth)_[\w.-]{32,64}(?![\w.-])/g, advice: ROTATE },
  { vendor: 'age secret key', keywords: ['age-secret-key-1'], pattern: /AGE-SECRET-KEY-1[0-9A-Z]{58}(?![0-9A-Z])/g, advice: 'move the identity file to a secret store or a hardware token and re-encrypt with a new key' },
  { vendor: 'Alibaba Cloud AccessKey ID', keywords: ['ltai'], pattern: /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/g, advice: 'use RAM roles with STS tokens (OIDC for CI) instead of AccessKeys' },
  // The SecretId names the key pair (like AWS's AKIA ids); its 32-character SecretKey is usually beside it.
  { vendor: 'Tencent Cloud SecretId', keywords: ['akid'], pattern: /(?<![A-Za-z0-9+/])AKID[A-Za-z0-9]{32}(?![A-Za-z0-9+/=])/g, accept: mixesLettersAndDigits, advice: 'use CAM roles with temporary credentials (OIDC federation in CI) instead of API keys' },
  { vendor: 'Supabase token or secret key', keywords: ['sbp_', 'sb_secret_'], pattern: /(?<![\w-])(?:sbp_[0-9a-f]{40}|sb_secret_[\w-]{20,60})(?![\w-])/g, advice: ROTATE },
  { vendor: 'RubyGems API key', keywords: ['rubygems_'], pattern: /(?<![\w-])rubygems_[0-9a-f]{48}(?![\w-])/g, advice: 'publish with RubyGems trusted publishing (OIDC) instead' },
  { vendor: 'crates.io API token', keywords: ['cio'], pattern: /(?<![\w-])cio[A-Za-z0-9]{32}(?![\w-])/g, accept: (secret) => mixesLettersAndDigits(secret) && /[A-Z]/.test(secret), advice: 'publish with crates.io trusted publishing (OIDC) instead' },
  { vendor: 'Dependency-Track API key', keywords: ['odt_'], pattern: /(?<![\w-])odt_[A-Za-z0-9_]{32,40}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Grafana's legacy API keys are base64 JSON (`{"k":"…","n":"…","id":…}`); no dots, so not a JWT.
  // Power BI's public report links (`?r=eyJrIjoi…`) encode `{"k":…,"t":…,"c":…}`: only Grafana's name the key (`"n"`).
  {
    vendor: 'Grafana API key',
    keywords: ['eyjrijoi'],
    pattern: /(?<![\w+/-])eyJrIjoi[A-Za-z0-9+/]{30,400}={0,2}(?![\w+/=-])/g,
    accept: (secret) => /^\{"k":"[^"]{8,}","n":"/.test(Buffer.from(secret, 'base64').toString('latin1')),
    advice: 'use a Grafana service account token with an expiry, or rotate it',
  },
  // A stream key lets whoever holds it broadcast on the channel: `live_`, the channel's numeric id, then 30 characters.
  { vendor: 'Twitch stream key', keywords: ['live_'], pattern: /(?<![\w-])live_\d{5,12}_[A-Za-z0-9]{30}(?![\w-])/g, accept: mixesLettersAndDigits, advice: 'reset the stream key and keep it in the broadcasting software, not in files' },
  { vendor: 'Clojars deploy token', keywords: ['clojars_'], pattern: /(?<![\w-])CLOJARS_[a-z0-9]{60}(?![\w-])/g, advice: ROTATE },
  { vendor: 'NuGet API key', keywords: ['oy2'], pattern: /(?<![\w-])oy2[a-z0-9]{43}(?![\w-])/g, advice: 'publish with NuGet trusted publishing (OIDC), or use a scoped key with an expiry' },
  { vendor: 'Shippo API token', keywords: ['shippo_'], pattern: /(?<![\w-])shippo_(?:live|test)_[0-9a-f]{40}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Buildkite user access token', keywords: ['bkua_'], pattern: /(?<![\w-])bkua_[0-9a-f]{40}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Contentful personal access token', keywords: ['cfpat-'], pattern: /(?<![\w-])CFPAT-[\w-]{43}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Mailgun API key',
    keywords: ['mailgun'],
    // Lower-case letters and digits (Mailgun's own examples read `key-3ax6…`), not only hex.
    pattern: /(?<![\w-])key-[0-9a-z]{32}(?![\w-])/g,
    accept: (secret, document) => document.containsKeyword('mailgun') && mixesLettersAndDigits(secret),
    advice: ROTATE,
  },
  // Resend: `re_`, an 8-character key id, `_`, and 24 characters of secret.
  { vendor: 'Resend API key', keywords: ['re_'], pattern: /(?<![\w-])re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  {
    // Before Vault 1.10 service tokens were `s.` and 24 characters; still issued by clusters that
    // were never upgraded, and still valid where they were minted with no TTL. Too short a shape
    // to look for everywhere: only in a file that names Vault.
    vendor: 'HashiCorp Vault service token (pre-1.10 format)',
    keywords: ['vault'],
    pattern: /(?<![\w./+-])s\.[A-Za-z0-9]{24}(?![\w./+=-])/g,
    accept: (secret) => mixesLettersAndDigits(secret) && /[A-Z]/.test(secret) && /[a-z]/.test(secret.slice(2)),
    advice: 'log in with a short-lived token from an auth method (JWT/OIDC, AppRole with a TTL, Kubernetes) instead',
  },
  {
    vendor: 'Okta API token',
    keywords: ['okta', 'ssws'],
    pattern: /(?<![\w-])00[A-Za-z0-9_-]{40}(?![\w-])/g,
    accept: (secret, document) => namesOkta(document) && /[A-Z]/.test(secret) && /[a-z]/.test(secret),
    advice: 'use OAuth 2.0 service apps with private-key JWT instead of SSWS API tokens',
  },
  // AI and model APIs. Keys are billed per call, so a leaked one is spent by whoever finds it.
  { vendor: 'Jina AI API key', keywords: ['jina_'], pattern: /(?<![\w-])jina_[A-Za-z0-9_-]{50,70}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Perplexity API key', keywords: ['pplx-'], pattern: /(?<![\w-])pplx-[A-Za-z0-9]{48}(?![\w-])/g, advice: ROTATE },
  { vendor: 'xAI API key', keywords: ['xai-'], pattern: /(?<![\w-])xai-[A-Za-z0-9]{80}(?![\w-])/g, advice: ROTATE },
  { vendor: 'NVIDIA API key', keywords: ['nvapi-'], pattern: /(?<![\w-])nvapi-[\w-]{64}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Replicate API token', keywords: ['r8_'], pattern: /(?<![\w-])r8_[A-Za-z0-9]{37}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'LangSmith API key', keywords: ['lsv2_'], pattern: /(?<![\w-])lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}(?![\w-])/g, advice: ROTATE },
  { vendor: 'OpenRouter API key', keywords: ['sk-or-v1-'], pattern: /(?<![\w-])sk-or-v1-[0-9a-f]{64}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Pinecone API key', keywords: ['pcsk_'], pattern: /(?<![\w-])pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Tavily API key', keywords: ['tvly-'], pattern: /(?<![\w-])tvly-(?:dev-|prod-)?[A-Za-z0-9]{20,40}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Firecrawl API key', keywords: ['fc-'], pattern: /(?<![\w-])fc-[0-9a-f]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Langfuse's public key (`pk-lf-`) identifies the project and is meant to be shared; the secret key is not.
  { vendor: 'Langfuse secret key', keywords: ['sk-lf-'], pattern: /(?<![\w-])sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g, advice: ROTATE },
  // `sk_` starts many vendors' keys (and `task_`, `disk_`): this 48-hex shape is looked for only where ElevenLabs is named.
  { vendor: 'ElevenLabs API key', keywords: ['elevenlabs', 'xi-api-key'], pattern: /(?<![\w-])sk_[0-9a-f]{48}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },

  // Developer platforms and CI.
  {
    vendor: 'CircleCI API token',
    keywords: ['ccipat_', 'cciprj_'],
    pattern: /(?<![\w-])CCIP(?:AT|RJ)_[1-9A-HJ-NP-Za-km-z]{20,24}_[0-9a-f]{40}(?![\w-])/g,
    advice: 'use the job\'s OIDC token ($CIRCLE_OIDC_TOKEN_V2) for cloud access, or rotate it and keep it in a restricted context',
  },
  // Random hex has no run of five equal characters (`sgp_5555555dAAAAA…` is typed, not issued).
  { vendor: 'Sourcegraph access token', keywords: ['sgp_'], pattern: /(?<![\w-])sgp_(?:[0-9a-fA-F]{16}_|local_)?[0-9a-fA-F]{40}(?![\w-])/g, accept: (secret) => !/(.)\1{4}/.test(secret), advice: ROTATE },
  { vendor: 'Harness API token', keywords: ['pat.', 'sat.'], pattern: /(?<![\w.-])[ps]at\.[\w-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}(?![\w.-])/g, advice: ROTATE },
  { vendor: 'SonarQube token', keywords: ['squ_', 'sqp_', 'sqa_'], pattern: /(?<![\w-])sq[upa]_[0-9a-f]{40}(?![\w-])/g, advice: 'rotate it; in CI keep the analysis token in a masked, protected variable' },
  { vendor: 'dbt Cloud token', keywords: ['dbtc_', 'dbtu_'], pattern: /(?<![\w-])dbt[cu]_[\w-]{40,60}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Prefect API key', keywords: ['pnu_', 'pnb_'], pattern: /(?<![\w-])pn[ub]_[A-Za-z0-9]{36}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'ReadMe API key', keywords: ['rdme_'], pattern: /(?<![\w-])rdme_[a-z0-9]{70}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Typeform personal access token', keywords: ['tfp_'], pattern: /(?<![\w-])tfp_[\w.=-]{40,64}(?![\w.=-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Netlify personal access token', keywords: ['nfp_'], pattern: /(?<![\w-])nfp_[A-Za-z0-9]{36}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Octopus Deploy API key', keywords: ['api-'], pattern: /(?<![\w-])API-[A-Z0-9]{26}(?![\w-])/g, accept: mixesLettersAndDigits, advice: 'use an OIDC service account (GitHub Actions, Azure DevOps) instead of an API key' },
  {
    vendor: 'Docker Hub organization access token',
    keywords: ['dckr_oat_'],
    pattern: /(?<![\w-])dckr_oat_[\w-]{27,32}(?![\w-])/g,
    advice: 'rotate it and give each pipeline its own read-only or push-only token from a masked variable',
  },
  // Microsoft's identifiable keys (Azure DevOps PATs and others) carry a fixed signature at
  // character 52 and the issuing service's four-letter tag at 76.
  {
    vendor: 'Microsoft identifiable key (Azure DevOps PAT or Azure key)',
    keywords: ['jqqj9'],
    pattern: /(?<![A-Za-z0-9])[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}(?![A-Za-z0-9])/g,
    advice: 'use a workload identity federation service connection or a managed identity instead of a stored key',
  },

  // Cloud and infrastructure.
  { vendor: 'Cloudflare Origin CA key', keywords: ['v1.0-'], pattern: /(?<![\w.-])v1\.0-[0-9a-f]{24}-[0-9a-f]{146}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Fly.io token',
    keywords: ['fo1_', 'fm1r_', 'fm1a_', 'fm2_'],
    pattern: /(?<![\w-])(?:fo1_[\w-]{43}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,4000}={0,3})(?![\w+/=-])/g,
    advice: 'use a deploy token scoped to one app with an expiry (`fly tokens create deploy --expiry`), kept in a masked CI variable',
  },
  { vendor: 'Scalingo API token', keywords: ['tk-us-'], pattern: /(?<![\w-])tk-us-[\w-]{48}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Defined Networking API token', keywords: ['dnkey-'], pattern: /(?<![\w-])dnkey-[a-z0-9=_-]{26}-[a-z0-9=_-]{52}(?![\w=-])/g, advice: ROTATE },
  { vendor: 'Infracost API key', keywords: ['ico-'], pattern: /(?<![\w.-])ico-[A-Za-z0-9]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Neon API key', keywords: ['napi_'], pattern: /(?<![\w-])napi_[a-z0-9]{64}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Yandex Cloud publishes its credentials' shapes, and for most a checksum they carry
  // (security/operations/search-secrets): a match whose checksum holds is issued, whatever the
  // file; the few shapes that could be something else need the file to name Yandex otherwise
  // (`yandex`, a secondary keyword of the rule).
  { vendor: 'Yandex Cloud API key', keywords: ['aqvn'], pattern: /(?<![\w-])AQVN[\w-]{35,38}(?![\w-])/g, accept: mixesLettersAndDigits, advice: YANDEX_ADVICE },
  {
    vendor: 'Yandex Cloud static access key secret',
    // Two letters found in most files: the pattern, a literal start, runs at gigabytes a second.
    keywords: ['yc'],
    pattern: /(?<![\w+/-])YC[\w-]{38}(?![\w+/=-])/g,
    // Base64url of 26 bytes and their CRC-32C.
    accept: (secret, document) => endsWithCrc(secret, crc32c) || (document.containsKeyword('yandex') && mixesLettersAndDigits(secret)),
    advice: YANDEX_ADVICE,
  },
  {
    vendor: 'Yandex OAuth token',
    keywords: ['y0_', 'y1_', 'y2_', 'y3_', 'y4_', 'y5_', 'y6_'],
    pattern: /(?<![\w-])y[0-6]_[\w-]{55,199}(?![\w-])/g,
    // After the prefix, base64url of the token's bytes and their CRC-32.
    accept: (secret, document) => endsWithCrc(secret.slice(3), crc32) || (document.containsKeyword('yandex') && mixesLettersAndDigits(secret)),
    advice: YANDEX_ADVICE,
  },
  {
    vendor: 'Yandex Cloud IAM token, cookie or refresh token',
    keywords: ['t1.', 'c1.'],
    pattern: /(?<![\w.-])(?:r?t1|c1)\.[\w-]{8,1000}={0,2}\.[\w-]{86}={0,2}(?![\w.=-])/g,
    advice: 'request a short-lived IAM token at run time (workload identity federation or the VM metadata service) instead of storing one',
  },
  {
    vendor: 'Yandex SmartCaptcha server key',
    keywords: ['ysc2_'],
    pattern: /(?<![\w-])ysc2_[A-Za-z0-9]{40}[0-9a-f]{8}(?![\w-])/g,
    // The last eight characters are the CRC-32, in hex, of the ones before them.
    accept: (secret, document) => crc32(Buffer.from(secret.slice(0, -8))).toString(16).padStart(8, '0') === secret.slice(-8) || document.containsKeyword('yandex'),
    advice: ROTATE,
  },
  { vendor: 'Yandex Cloud OIDC application secret', keywords: ['yccs__'], pattern: /(?<![\w-])yccs__[0-9a-f]{64}_[0-9a-f]{8}(?![\w-])/g, advice: ROTATE },
  // Cast AI API access keys: the `castai_v1_` prefix, 64 hex characters and an 8-hex suffix.
  { vendor: 'Cast AI API access key', keywords: ['castai_v1_'], pattern: /(?<![\w-])castai_v1_[0-9a-f]{64}_[0-9a-f]{8}(?![\w-])/g, advice: ROTATE },
  { vendor: 'MongoDB Atlas service account secret', keywords: ['mdb_sa_sk_'], pattern: /(?<![\w-])mdb_sa_sk_[\w-]{40}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Rootly API key', keywords: ['rootly_'], pattern: /(?<![\w-])rootly_[0-9a-f]{64}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Bitwarden Secrets Manager access token',
    keywords: ['bws', 'bitwarden'],
    pattern: /(?<![\w.-])0\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9]{20,40}:[A-Za-z0-9+/]{20,30}={0,2}(?![\w+/=-])/g,
    advice: 'rotate the machine account\'s token; in CI log in with the platform\'s OIDC where Bitwarden supports it, or keep the token in a masked variable',
  },
  // JFrog reference tokens are base64 of `reftkn:01:…`.
  { vendor: 'JFrog reference token', keywords: ['cmvmdgtu'], pattern: /(?<![A-Za-z0-9+/])cmVmdGtu[A-Za-z0-9]{56}(?![A-Za-z0-9+/=])/g, advice: 'use JFrog OIDC integration from CI, or an access token with an expiry' },
  { vendor: 'MaxMind license key', keywords: ['_mmk'], pattern: /(?<![\w-])[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk(?![\w-])/g, advice: ROTATE },

  // Payments, commerce and business APIs.
  { vendor: 'Plaid access token', keywords: ['access-sandbox-', 'access-production-', 'access-development-'], pattern: /(?<![\w-])access-(?:sandbox|production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g, advice: 'keep item access tokens encrypted in your datastore or a secret store, never in code' },
  {
    vendor: 'Salesforce access token',
    keywords: ['00d'],
    pattern: /(?<![\w-])00D[A-Za-z0-9]{12}![\w.]{80,200}(?![\w.])/g,
    advice: 'mint short-lived access tokens at run time with the OAuth 2.0 JWT bearer flow',
  },
  { vendor: 'Airtable personal access token', keywords: ['airtable'], pattern: /(?<![\w-])pat[A-Za-z0-9]{14}\.[0-9a-f]{64}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Adobe client secret', keywords: ['p8e-'], pattern: /(?<![\w-])p8e-[A-Za-z0-9]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'Duffel API token', keywords: ['duffel_'], pattern: /(?<![\w-])duffel_(?:test|live)_[\w=-]{43}(?![\w=-])/g, advice: ROTATE },
  { vendor: 'EasyPost API key', keywords: ['ezak', 'eztk'], pattern: /(?<![\w-])EZ[AT]K[A-Za-z0-9]{54}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Frame.io API token', keywords: ['fio-u-'], pattern: /(?<![\w-])fio-u-[\w=-]{64}(?![\w=-])/g, advice: ROTATE },
  // Flutterwave's public keys (`FLWPUBK`) are meant for the browser; only the secret keys are reported.
  { vendor: 'Flutterwave secret key', keywords: ['flwseck'], pattern: /(?<![\w-])FLWSECK(?:_TEST)?-[0-9a-f]{32}-X(?![\w-])/g, advice: ROTATE },
  { vendor: 'Brevo (Sendinblue) API or SMTP key', keywords: ['xkeysib-', 'xsmtpsib-'], pattern: /(?<![\w-])x(?:keysib|smtpsib)-[0-9a-f]{64}-[A-Za-z0-9]{16}(?![\w-])/g, advice: ROTATE },
  { vendor: 'GoCardless access token', keywords: ['gocardless'], pattern: /(?<![\w-])live_[\w=-]{40}(?![\w=-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Mapbox public tokens (`pk.`) are meant for the browser; secret (`sk.`) ones are reported.
  // Temporary tokens (`tk.`) are minted from a secret token and carry its scopes for up to an hour.
  { vendor: 'Mapbox secret token', keywords: ['sk.eyj', 'tk.eyj'], pattern: /(?<![\w.-])[st]k\.eyJ[\w-]{20,400}\.[\w-]{20,40}(?![\w.-])/g, advice: ROTATE },

  // Social platforms. Both formats are long runs of base64 letters, so a match must not sit inside a longer base64 run.
  { vendor: 'X (Twitter) app bearer token', keywords: ['aaaaaaaaaaaaaaaaaaaaa'], pattern: /(?<![A-Za-z0-9+/%])A{21,23}[A-Za-z0-9%]{60,120}(?![A-Za-z0-9+/=%])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // An app access token is the app id, a pipe and the app secret or a token made from it; digits
  // and a pipe alone are too common to look for in files that do not name Facebook.
  {
    vendor: 'Meta (Facebook) app access token',
    keywords: ['facebook'],
    pattern: /(?<![\w|])\d{15,16}\|[A-Za-z0-9_-]{27,32}(?![\w-])/g,
    accept: (secret) => mixesLettersAndDigits(secret.slice(secret.indexOf('|') + 1)),
    advice: 'fetch app access tokens at run time with the app secret from a secret store, or use a system user token with an expiry',
  },
  { vendor: 'Meta (Facebook) access token', keywords: ['eaa'], pattern: /(?<![A-Za-z0-9+/])EAA[A-Z][A-Za-z0-9]{100,400}(?![A-Za-z0-9+/=])/g, accept: mixesLettersAndDigits, advice: 'use a system user token with an expiry, fetched at run time' },
  // Platforms and developer tools. Where the vendor does not document a length, the bounds are
  // those of the tokens it issues; bodies without a documented alphabet must mix letters and digits.
  { vendor: 'OpenShift OAuth access token', keywords: ['sha256~'], pattern: /(?<![\w~-])sha256~[A-Za-z0-9_][A-Za-z0-9_-]{42}(?![\w-])/g, advice: 'use a service account token bound to a pod (projected, short-lived), or log in at run time' },
  {
    vendor: 'HubSpot private app access token',
    keywords: ['pat-'],
    pattern: /(?<![\w-])pat-[a-z]{2}\d-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g,
    advice: ROTATE,
  },
  { vendor: 'Bitbucket app password', keywords: ['atbb'], pattern: /(?<![\w-])ATBB[A-Za-z0-9]{24}[0-9A-Fa-f]{8}(?![\w-])/g, advice: 'use an OIDC-federated pipeline or a repository access token with an expiry' },
  { vendor: 'Bitbucket access token', keywords: ['atctt3xffgn0'], pattern: /(?<![\w-])ATCTT3xFfGN0[\w=-]{100,400}(?![\w=-])/g, advice: 'give it an expiry, or use Bitbucket Pipelines OIDC; rotate this one' },
  { vendor: 'Snyk API token', keywords: ['snyk_uat.', 'snyk_sat.'], pattern: /(?<![\w-])snyk_[us]at\.[a-z0-9]{8}\.[\w-]{10,2000}\.[\w-]{10,1000}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Datadog application key', keywords: ['ddapp_'], pattern: /(?<![\w-])ddapp_[A-Za-z0-9]{34}(?![\w-])/g, accept: mixesLettersAndDigits, advice: 'scope it to the actions it needs and load it at run time from a secret store' },
  {
    vendor: 'LaunchDarkly SDK key or access token',
    keywords: ['sdk-', 'mob-', 'api-'],
    pattern: /(?<![\w-])(?:sdk|mob|api)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g,
    // `api-<uuid>` is a common id outside LaunchDarkly; SDK and mobile keys are its own prefixes.
    accept: (secret, document) => !secret.startsWith('api-') || document.containsKeyword('launchdarkly'),
    advice: 'serve server-side SDK keys from a secret store and rotate this one',
  },
  { vendor: 'Render API key', keywords: ['rnd_'], pattern: /(?<![\w-])rnd_[A-Za-z0-9]{28}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  {
    vendor: 'Infisical service token',
    keywords: ['infisical'],
    pattern: /(?<![\w.-])st\.[0-9a-f-]{24,36}\.[0-9a-f]{32}\.[0-9a-f]{32}(?![\w.-])/g,
    advice: 'use a machine identity with OIDC or Kubernetes auth instead of a service token',
  },
  { vendor: 'Adafruit IO key', keywords: ['aio_'], pattern: /(?<![\w-])aio_[A-Za-z0-9]{28}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  { vendor: 'ClickHouse Cloud API key secret', keywords: ['4b1d'], pattern: /(?<![\w-])4b1d[A-Za-z0-9]{38}(?![\w-])/g, accept: (secret) => /[g-zG-Z]/.test(secret), advice: ROTATE },
  { vendor: 'SettleMint access token', keywords: ['sm_pat_', 'sm_aat_', 'sm_sat_'], pattern: /(?<![\w-])sm_[pas]at_[A-Za-z0-9]{16,64}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  {
    vendor: 'Asana personal access token',
    keywords: ['asana'],
    pattern: /(?<![\w/.-])(?:[12]\/\d{10,20}(?:\/\d{10,20})?:[0-9a-f]{32}|0\/[0-9a-f]{32})(?![\w/-])/g,
    advice: ROTATE,
  },
  {
    vendor: 'Dropbox access token',
    // The token's own prefix: a token pasted alone names no Dropbox. `ssl.` and `tsl.` never
    // match (a name character before `sl.`), and 120 name characters after it are a token's.
    keywords: ['sl.'],
    pattern: /(?<![\w.-])sl\.(?:u\.)?[A-Za-z0-9_-]{120,1400}(?![\w-])/g,
    accept: mixesLettersAndDigits,
    advice: 'use short-lived tokens refreshed at run time (offline access with a refresh token in a secret store)',
  },
  // An npm registry credential line: a Dockerfile or CI script that writes one, a copy of one, or
  // the legacy `_auth` / `_password` of an `.npmrc` (sec-npm reads `_authToken` lines in `.npmrc`
  // files). Found from `/:_auth…=`; the registry before it must start with `//`.
  {
    vendor: 'npm registry credential',
    keywords: ['/:_'],
    pattern: /\/:_(?:authToken|auth|password)=[ \t]?["']?([^\s"'$]{8,400})/g,
    group: 1,
    accept: (_secret, document, index) => !(isNpmrc(document) && document.text.startsWith('/:_authToken', index)) && registryBefore(document.text, index),
    advice: NPM_ADVICE,
  },
  // The registry-wide form: `_auth` is base64 of `user:password`.
  {
    vendor: 'npm registry credential',
    keywords: ['_auth'],
    pattern: /^[ \t]*_auth[ \t]*=[ \t]*["']?([A-Za-z0-9+/]{8,400}={0,2})["']?[ \t]*$/gm,
    group: 1,
    accept: (_secret, document) => isNpmrc(document),
    advice: NPM_ADVICE,
  },
  // Formats with a distinctive structure but no vendor prefix of their own.
  { vendor: 'Square access token', keywords: ['eaaa'], pattern: /(?<![\w+/-])EAAA[\w+=-]{60}(?![\w+=-])/g, accept: mixesLettersAndDigits, advice: 'use an OAuth access token with an expiry, read at run time' },
  { vendor: '42 (Intra) API client secret', keywords: ['s-s4t2'], pattern: /(?<![\w-])s-s4t2(?:ud|af)-[0-9a-f]{64}(?![\w-])/g, advice: ROTATE },
  {
    vendor: 'Authress service client access key',
    keywords: ['.acc_', '.acc-'],
    pattern: /(?<![\w.-])(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_-][a-z0-9-]{10,32}\.[a-z0-9+/_=-]{30,120}(?![\w+/=-])/gi,
    advice: ROTATE,
  },
  {
    vendor: 'Sidekiq Pro/Enterprise license credentials',
    keywords: ['contribsys__com'],
    pattern: /BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM[ \t]*[=:][ \t]*["']?([0-9a-f]{8}:[0-9a-f]{8})(?![0-9a-f])/gi,
    group: 1,
    advice: 'set it in the CI secret store and in the environment of the build, not in a file',
  },
  {
    vendor: 'Anthropic Admin API key or Claude OAuth token',
    keywords: ['sk-ant-admin01-', 'sk-ant-oat01-', 'sk-ant-ort01-'],
    // `ort01` is the refresh token that mints new OAuth access tokens (`oat01`).
    pattern: /(?<![\w-])sk-ant-(?:admin01|oat01|ort01)-[\w-]{80,120}(?![\w-])/g,
    accept: mixesLettersAndDigits,
    advice: 'an Admin key manages the whole organization: revoke it, and keep its replacement in a secret store',
  },
  // Retired in 2023 but still valid where they were never rotated.
  {
    vendor: 'Hugging Face organization API token',
    keywords: ['api_org_'],
    pattern: /(?<![\w-])api_org_[A-Za-z]{34}(?![\w-])/g,
    accept: (secret) => /[A-Z]/.test(secret.slice(8)) && /[a-z]/.test(secret.slice(8)),
    advice: 'replace it with a fine-grained user access token kept in a secret store',
  },
  // The account Secret Key that, with the account password, decrypts a whole 1Password vault.
  {
    vendor: '1Password account Secret Key',
    keywords: ['a3-'],
    pattern: /(?<![\w-])A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})(?:-[A-Z0-9]{5}){3}(?![\w-])/g,
    accept: mixesLettersAndDigits,
    advice: 'sign in to 1Password and regenerate the Secret Key; automation should use a service account token from a secret store',
  },
  {
    vendor: 'Azure Data Factory self-hosted integration runtime key',
    keywords: ['ir@'],
    pattern: /(?<![\w@])IR@[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}@[\w.-]{1,100}@[a-z0-9]{2,8}@[A-Za-z0-9+/]{43}=/g,
    advice: 'regenerate the runtime authentication key in the data factory and register nodes from a secret store',
  },
  { vendor: 'Amazon MWS auth token', keywords: ['amzn.mws.'], pattern: /(?<![\w.-])amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g, advice: ROTATE },
  { vendor: 'Kolide API token', keywords: ['k2sk_'], pattern: /(?<![\w-])k2sk_v1_[A-Za-z0-9]{24}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Short and without a prefix of its own: looked for only in files that name Beamer.
  { vendor: 'Beamer API key', keywords: ['beamer'], pattern: /(?<![\w-])b_[A-Za-z0-9=_-]{44}(?![\w=-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // PostHog's personal API key (`phx_`), project secret key for local flag evaluation (`phs_`) and
  // OAuth tokens (`pha_`, `phr_`): 40 to 49 letters and digits, by key generation. The project
  // key `phc_` is public by design (it ships in web pages) and is not reported.
  { vendor: 'PostHog API key or token', keywords: ['phx_', 'phs_', 'pha_', 'phr_'], pattern: /(?<![\w-])ph[xsar]_[A-Za-z0-9]{40,49}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // PASERK keys that are secret: a symmetric key (`kN.local.`, 32 bytes) and a secret key (Ed25519
  // 64 bytes for k2/k4, a P-384 scalar for k3, DER RSA for k1), base64url without padding. Public
  // keys, key ids and wrapped (encrypted) keys have other types.
  {
    vendor: 'PASERK secret or symmetric key',
    keywords: ['k1.local.', 'k2.local.', 'k3.local.', 'k4.local.', 'k1.secret.', 'k2.secret.', 'k3.secret.', 'k4.secret.'],
    pattern: /(?<![\w.-])(?:k[1-4]\.local\.[\w-]{43}|k[24]\.secret\.[\w-]{86}|k3\.secret\.[\w-]{64}|k1\.secret\.[\w-]{600,2400})(?![\w-])/g,
    accept: (secret) => mixesCaseAndDigits(secret.slice(secret.indexOf('.', 3) + 1)),
    advice: 'generate the key at deployment into a secret store and load it at run time',
  },
  // A PASETO is a bearer token like a JWT: `v1`–`v4`, `local` (encrypted) or `public` (signed),
  // base64url of at least the nonce and tag (54 characters for v2.local), and an optional footer.
  {
    vendor: 'PASETO token',
    keywords: ['v1.local.', 'v2.local.', 'v3.local.', 'v4.local.', 'v1.public.', 'v2.public.', 'v3.public.', 'v4.public.'],
    pattern: /(?<![\w.-])v[1-4]\.(?:local|public)\.[\w-]{54,4000}(?:\.[\w-]{1,1000})?(?![\w-])/g,
    accept: (secret) => mixesCaseAndDigits(secret.split('.')[2]!),
    advice: 'issue short-lived tokens at run time instead of keeping one',
  },
  { vendor: 'Together AI API key', keywords: ['tgp_v1_'], pattern: /(?<![\w-])tgp_v1_[\w-]{43}(?![\w-])/g, advice: ROTATE },
  { vendor: 'LlamaCloud API key', keywords: ['llx-'], pattern: /(?<![\w-])llx-[A-Za-z0-9]{40,64}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Amazon Bedrock API keys: a long-term key is `ABSK` and base64 of `BedrockAPIKey-…-at-<account>:<secret>`;
  // a short-term one (up to 12 hours) is base64 of a presigned `bedrock.amazonaws.com` URL.
  {
    vendor: 'Amazon Bedrock API key',
    keywords: ['abskqmvkcm9ja0fqsutles', 'bedrock-api-key-ymvkcm9jay5hbwf6b25hd3muy29t'],
    pattern: /(?<![\w+/-])(?:ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{40,200}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/]{40,6000}={0,2})(?![\w+/=-])/g,
    advice: 'call Bedrock with IAM role credentials (OIDC federation, instance or task roles) instead of an API key',
  },
  // Docker Swarm: a join token (`SWMTKN-1-<CA digest>-<secret>`, base 36; `SWMTKN-2-<0|1>-…` in FIPS
  // clusters) lets a node join as a worker or manager; an unlock key decrypts the managers' Raft log.
  {
    vendor: 'Docker Swarm join token',
    keywords: ['swmtkn-'],
    pattern: /(?<![\w-])SWMTKN-(?:1|2-[01])-[0-9a-z]{50}-[0-9a-z]{25}(?![\w-])/g,
    advice: 'rotate it (`docker swarm join-token --rotate worker` or `manager`) and hand it to new nodes from a secret store',
  },
  {
    vendor: 'Docker Swarm unlock key',
    keywords: ['swmkey-'],
    pattern: /(?<![\w-])SWMKEY-1-[A-Za-z0-9+/]{43}(?![\w+/=-])/g,
    advice: 'rotate it (`docker swarm unlock-key --rotate`) and keep it in a secret store',
  },
  // Akamai EdgeGrid client and access tokens (`akab-` and two base32 halves), which with the client
  // secret sign API calls; the same shape followed by `.luna.akamaiapis.net` is the API host.
  {
    vendor: 'Akamai EdgeGrid client or access token',
    keywords: ['akab-'],
    pattern: /(?<![\w.-])akab-[a-z2-7]{16}-[a-z2-7]{16}(?![\w.-])/g,
    accept: mixesLettersAndDigits,
    advice: 'rotate the API client\'s credentials in Akamai Control Center and read the .edgerc from a secret store',
  },
  // The check reads the random part: `v0` would give every key a digit.
  { vendor: 'Nylas API key', keywords: ['nyk_v0_'], pattern: /(?<![\w-])nyk_v0_[A-Za-z0-9]{40,80}(?![\w-])/g, accept: (secret) => mixesLettersAndDigits(secret.slice('nyk_v0_'.length)), advice: ROTATE },
  { vendor: 'Riot Games API key', keywords: ['rgapi-'], pattern: /(?<![\w-])RGAPI-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g, advice: ROTATE },
  { vendor: 'WakaTime API key', keywords: ['waka_'], pattern: /(?<![\w-])waka_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/g, advice: ROTATE },
  // NATS nkey seeds (`SU` user, `SA` account, `SO` operator): 58 characters of base32 with the seed
  // and a checksum, in `.creds` files (`BEGIN USER NKEY SEED`) and server or client configuration.
  {
    vendor: 'NATS nkey seed',
    keywords: ['nkey', 'nats', 'seed'],
    pattern: /(?<![A-Za-z0-9])S[UAO][A-Z2-7]{56}(?![A-Za-z0-9])/g,
    accept: mixesLettersAndDigits,
    advice: 'issue user credentials at deployment (NATS decentralised auth or a secret store) and revoke this user',
  },
  {
    vendor: 'Braintree access token',
    keywords: ['access_token$'],
    pattern: /(?<![\w$-])access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}(?![\w-])/g,
    advice: 'revoke it in the Braintree control panel and load the replacement at run time from a secret store',
  },
  // Postman collection access keys: `PMAT-` and a ULID (Crockford base32), read access to one collection.
  { vendor: 'Postman collection access key', keywords: ['pmat-'], pattern: /(?<![\w-])PMAT-[0-9A-HJKMNP-TV-Z]{26}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // Bitbucket Data Center HTTP access tokens: `BBDC-` and base64 of a 12-digit id, `:` and 20 random bytes.
  {
    vendor: 'Bitbucket Data Center HTTP access token',
    keywords: ['bbdc-'],
    pattern: /(?<![\w-])BBDC-[A-Za-z0-9+/]{44}(?![\w+/=-])/g,
    accept: (secret) => /^\d{12}:/.test(Buffer.from(secret.slice(5, 25), 'base64').toString('latin1')),
    advice: 'give the token an expiry, or use a short-lived token from your CI\'s OIDC integration, and revoke this one',
  },
  // Google OAuth 2.0 access tokens live an hour, but one committed during that hour is usable.
  {
    vendor: 'Google OAuth access token',
    keywords: ['ya29.'],
    pattern: /(?<![\w.-])ya29\.[\w-]{30,2048}(?![\w-])/g,
    accept: (secret) => mixesCaseAndDigits(secret.slice(5)),
    advice: 'revoke it and get tokens at run time from workload identity federation or Application Default Credentials',
  },
  // GitLab's session cookie (32 hex characters, with a cell prefix on GitLab.com) is a signed-in browser session.
  {
    vendor: 'GitLab session cookie',
    keywords: ['_gitlab_session='],
    pattern: /(?<![\w-])_gitlab_session=(?:[a-z0-9]{1,12}-[0-9]{1,4}-)?([0-9a-f]{32})(?![\w-])/g,
    group: 1,
    accept: mixesLettersAndDigits,
    advice: 'sign the session out (Settings, Active sessions) and use a scoped, expiring token for automation',
  },
  { vendor: 'WunderGraph Cosmo API key', keywords: ['cosmo_'], pattern: /(?<![\w-])cosmo_[0-9a-f]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
  // `vault operator init` prints each unseal (or, with auto-unseal, recovery) key share as
  // `Unseal Key 1: <base64>`; enough shares unseal the vault or generate a root token.
  {
    vendor: 'HashiCorp Vault unseal or recovery key',
    keywords: ['unseal key', 'recovery key', 'operator unseal'],
    pattern: /(?:(?:[Uu]nseal|[Rr]ecovery) [Kk]ey \d{1,2}:[ \t]*|vault operator unseal[ \t]+(?:-[\w=-]{1,40}[ \t]+){0,3})([A-Za-z0-9+/]{43}[A-Za-z0-9+/=]|[0-9a-f]{64,66})(?![\w+/=-])/g,
    group: 1,
    accept: mixesLettersAndDigits,
    advice: 'rekey the vault (`vault operator rekey`), keep each share with its holder, or unseal automatically with a cloud KMS',
  },
  // `sk-` and 32 hex characters (a UUID without its dashes): DeepSeek's keys, and other AI APIs'.
  // OpenAI's `sk-` keys are longer and mixed-case (sec-openai).
  { vendor: 'API key (DeepSeek-style `sk-` key)', keywords: ['sk-'], pattern: /(?<![\w-])sk-[0-9a-f]{32}(?![\w-])/g, accept: mixesLettersAndDigits, advice: ROTATE },
];

/**
 * Whether the document names Okta as a word or an identifier's part (`okta_token`, `OktaApiToken`),
 * not as letters inside another word (`rookTable`). Remembered per document version.
 */
const oktaNamed = new WeakMap<ParsedDocument, boolean>();
function namesOkta(document: ParsedDocument): boolean {
  let named = oktaNamed.get(document);
  if (named === undefined) {
    // Okta by name, or its `Authorization: SSWS <token>` scheme, which no other service uses.
    named = (document.containsKeyword('okta') && /(?<![a-z])(?:okta|Okta|OKTA)/.test(document.text)) || (document.containsKeyword('ssws') && /\bSSWS[ \t]+00/.test(document.text));
    oktaNamed.set(document, named);
  }
  return named;
}

/** A random token mixes letters and digits; a word, an identifier or a run of one character class does not. */
function mixesLettersAndDigits(secret: string): boolean {
  const body = secret.replace(/^[A-Za-z]+\d?[_-]/, '');
  return /[A-Za-z]/.test(body) && /\d/.test(body);
}

/** secretlint's SendGrid shape: no dash in the first part, at most one (not at an end) in the second. */
function sendgridRuleMatches(secret: string): boolean {
  const [, first = '', second = ''] = secret.split('.');
  const dashes = second.split('-').length - 1;
  return !first.includes('-') && dashes <= 1 && !second.startsWith('-') && !second.endsWith('-');
}

/** npm's and Yarn 1's settings files, and copies named after them (`ci.npmrc`, `npmrc` in an image's build context). */
function isNpmrc(document: ParsedDocument): boolean {
  return /(?:^|[\\/.])(?:npmrc|yarnrc)$/i.test(document.path);
}

/** Whether `//registry.host[:port][/path]` runs right up to `index` (the `/:_authToken=` of an npm credential line). */
function registryBefore(text: string, index: number): boolean {
  let start = index;
  while (start > 0 && index - start < 600 && /[\w.@%:/-]/.test(text[start - 1]!)) start--;
  const registry = text.slice(start, index);
  const slashes = registry.indexOf('//');
  return slashes !== -1 && /^[\w-]/.test(registry.slice(slashes + 2)) && !registry.slice(slashes + 2).includes('//');
}

/**
 * A SAS signature sits in a query string that also carries the storage service version
 * (`sv=2022-11-02`) on the same line. The line of the last signature is remembered per document,
 * so many signatures on one long line cost one look at it.
 */
const sasLine = new WeakMap<ParsedDocument, { start: number; end: number; found: boolean }>();
function hasSasVersion(document: ParsedDocument, index: number): boolean {
  const cached = sasLine.get(document);
  if (cached && index >= cached.start && index < cached.end) return cached.found;
  const text = document.text;
  const start = text.lastIndexOf('\n', index) + 1;
  let end = text.indexOf('\n', index);
  if (end === -1) end = text.length;
  const found = /(?:^|[?&;="'\s])sv=\d{4}-\d{2}-\d{2}(?:&|$|["'\s;])/.test(text.slice(start, end));
  sasLine.set(document, { start, end, found });
  return found;
}

function discordTokenParts(token: string): boolean {
  const [id, , hmac] = token.split('.') as [string, string, string];
  return encodesDigits(id) || (mixesCaseAndDigits(id) && mixesCaseAndDigits(hmac));
}

/** Upper- and lower-case letters and digits, as base64 of random bytes nearly always has. */
function mixesCaseAndDigits(segment: string): boolean {
  return /[A-Z]/.test(segment) && /[a-z]/.test(segment) && /\d/.test(segment);
}

/** Whether a base64 segment decodes to ASCII digits (a Discord user id, e.g. `MTk4NjIy…` → `198622…`). */
function encodesDigits(segment: string): boolean {
  const head = segment.slice(0, 24).replace(/-/g, '+').replace(/_/g, '/');
  const usable = head.slice(0, head.length - (head.length % 4));
  if (usable.length < 12) return false;
  const decoded = Buffer.from(usable, 'base64').toString('latin1');
  return /^\d{9,}$/.test(decoded);
}

const FORMATS_BY_KEYWORD = new KeywordSelector(FORMATS, (format) => format.keywords);

export default defineRule({
  id: 'sec-vendor-tokens',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: FORMATS_BY_KEYWORD.keywords,
  // The vendor names some formats need in the file when their own evidence is missing.
  secondaryKeywords: ['yandex'],
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const format of FORMATS_BY_KEYWORD.select(document)) {
      for (const match of text.matchAll(format.pattern)) {
        const secret = format.group ? match[format.group] : match[0];
        if (!secret) continue;
        if (format.accept && !format.accept(secret, document, match.index)) continue;
        const start = match.index + (format.group ? match[0].lastIndexOf(secret) : 0);
        report({
          span: [start, start + secret.length],
          secret,
          message: `Hardcoded ${format.vendor} ({{secret}}): it works for whoever reads it until it is revoked; ${format.advice}.`,
        });
      }
    }
  },
});
