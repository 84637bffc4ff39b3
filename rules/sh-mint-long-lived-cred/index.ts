import { defineRule } from '../../server/src/engine/define-rule';
import { commands, hasWord, programWords, scriptSessions, type Command } from '../lib/shell-script';
import { namesCredential } from '../lib/credential-names';
import docs from './docs.md';

/** What a command mints and the workload-identity pattern to use instead; undefined for other commands. */
interface Minted {
  readonly command: string;
  readonly what: string;
  readonly instead: string;
}

function minted(command: Command): Minted | undefined {
  const p = programWords(command);
  const [program, a, b, c, d] = p;
  if (program === 'aws' && a === 'iam' && b === 'create-access-key') {
    return {
      command: 'aws iam create-access-key',
      what: 'an IAM user access key, which never expires',
      instead: 'assume an IAM role instead (OIDC federation from CI, IRSA or EKS Pod Identity in Kubernetes, instance profiles)',
    };
  }
  if (program === 'gcloud' && a === 'iam' && b === 'service-accounts' && c === 'keys' && d === 'create') {
    return {
      command: 'gcloud iam service-accounts keys create',
      what: 'a service-account key file, valid until deleted by default',
      instead: 'use Workload Identity Federation (CI OIDC, GKE Workload Identity) or service-account impersonation',
    };
  }
  const certificate = hasWord(command, '--cert', '--create-cert', '--keyvault');
  if (program === 'az' && a === 'ad' && b === 'sp' && c === 'create-for-rbac' && !certificate) {
    return {
      command: 'az ad sp create-for-rbac',
      what: 'a service principal with a client secret',
      instead: 'add a federated identity credential (CI OIDC, AKS Workload Identity) or use a managed identity',
    };
  }
  if (program === 'az' && a === 'ad' && b === 'app' && c === 'credential' && d === 'reset' && !certificate) {
    return {
      command: 'az ad app credential reset',
      what: 'a new client secret for the application',
      instead: 'add a federated identity credential (CI OIDC, AKS Workload Identity) or use a managed identity',
    };
  }
  if (program === 'vault' && a === 'token' && b === 'create' && !hasWord(command, '-ttl', '--ttl', '-explicit-max-ttl')) {
    return {
      command: 'vault token create',
      what: 'a Vault token without -ttl, which inherits the mount default (32 days unless tuned) and can be renewed',
      instead: 'log in with a short-lived method (JWT/OIDC from CI, Kubernetes auth) or pass -ttl',
    };
  }
  // `kubectl -n ci create secret …`: global flags may come first.
  const create = program === 'kubectl' ? p.indexOf('create') : -1;
  if (create > 0 && create < 8 && p[create + 1] === 'secret') {
    const literal = command.words.find((word) => {
      if (!word.value.startsWith('--from-literal=')) return false;
      const key = word.value.slice('--from-literal='.length).split('=')[0] ?? '';
      return namesCredential(key) || key.toLowerCase() === 'token';
    });
    if (literal) {
      return {
        command: 'kubectl create secret --from-literal',
        what: 'a Kubernetes Secret holding a static credential given on the command line',
        instead: 'let the workload use its own identity (projected service-account tokens, IRSA, Azure or GKE Workload Identity) or sync short-lived values from a secret manager',
      };
    }
  }
  return undefined;
}

export default defineRule({
  id: 'sh-mint-long-lived-cred',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['shell', 'github-actions', 'gitlab-ci', 'circleci'],
  keywords: ['create-access-key', 'service-accounts', 'create-for-rbac', 'reset', 'vault', 'from-literal'],
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const session of scriptSessions(document, ['shell', 'github-actions', 'gitlab-ci', 'circleci'])) {
      for (const piece of session) {
        for (const command of commands(text, piece)) {
          const found = minted(command);
          if (!found) continue;
          // Underline the command from its program name to the end of the line, not its `VAR=…` prefix.
          const words = command.words;
          const first = words.find((word) => word.value.endsWith(programWords(command)[0] ?? '')) ?? words[0]!;
          report({
            span: [first.start, command.end],
            message: `\`${found.command}\` mints ${found.what}: it stays usable until someone revokes it, and every copy in CI variables, files and logs carries it; ${found.instead}.`,
            construct: found.command,
            fixable: false,
          });
        }
      }
    }
  },
});
