import type { Rule } from '../server/src/engine/types';
import sec1password from './sec-1password';
import secAnthropic from './sec-anthropic';
import secAws from './sec-aws';
import secBasicAuth from './sec-basic-auth';
import secDatabaseConnectionString from './sec-database-connection-string';
import secDatabricks from './sec-databricks';
import secDocker from './sec-docker';
import secFigma from './sec-figma';
import secGcpPrivateKey from './sec-gcp-private-key';
import secGithub from './sec-github';
import secGitlab from './sec-gitlab';
import secGrafana from './sec-grafana';
import secGroq from './sec-groq';
import secHashicorpVault from './sec-hashicorp-vault';
import secHuggingface from './sec-huggingface';
import secLinear from './sec-linear';
import secNotion from './sec-notion';
import secNpm from './sec-npm';
import secOpenai from './sec-openai';
import secPrivateKey from './sec-private-key';
import secSendgrid from './sec-sendgrid';
import secShopify from './sec-shopify';
import secSlack from './sec-slack';
import secVercel from './sec-vercel';

/** Static-secret rules whose token shapes come from `@secretlint/secretlint-rule-preset-recommend`. */
export const secretlintBackedRules: readonly Rule[] = [
  secAws, secGcpPrivateKey, secPrivateKey, secGithub, secGitlab, secNpm, secSlack, secBasicAuth,
  secDatabaseConnectionString, secOpenai, secAnthropic, secGroq, secHuggingface, secLinear, secNotion,
  secSendgrid, secShopify, secGrafana, sec1password, secHashicorpVault, secVercel, secDatabricks,
  secDocker, secFigma,
];
