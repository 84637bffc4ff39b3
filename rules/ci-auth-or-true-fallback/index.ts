import { defineRule } from '../../server/src/engine/define-rule';
import { namesCredentialOrKeyId } from '../lib/credential-names';
import docs from './docs.md';
import { commands, hasWord, isAssignment, programWords, scriptSessions, type Command } from '../lib/shell-script';
import { fallbackAt, removable, removalFix, shorten } from '../lib/shell-fallback';

/** Registry clients whose `login` takes a stored password or token. */
const REGISTRY_CLIENTS = new Set(['docker', 'podman', 'buildah', 'skopeo', 'crane', 'oras', 'nerdctl']);
/** Variables that hand a process a static credential, beyond names that say so themselves. */
const CREDENTIAL_VARIABLES = new Set(['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CREDENTIALS', 'VAULT_TOKEN', 'AZURE_CLIENT_SECRET', 'ARM_CLIENT_SECRET']);
/** Fallbacks that only report the failure and carry on. */
const SWALLOWERS = new Set(['true', ':', 'echo', 'printf']);

/**
 * The sign-in a command performs (`aws sts assume-role-with-web-identity`, `gcloud auth login`,
 * `az login`, `vault login`, `docker login`…), or undefined.
 */
export function authName(p: readonly string[]): string | undefined {
  const [program, a, b, c] = p;
  if (program === 'aws') {
    if (a === 'sts' && b?.startsWith('assume-role')) return `aws sts ${b}`;
    if (a === 'sso' && b === 'login') return 'aws sso login';
    return undefined;
  }
  if (program === 'gcloud' && a === 'auth') {
    if (b === 'login' || b === 'activate-service-account') return `gcloud auth ${b}`;
    if (b === 'application-default' && c === 'login') return 'gcloud auth application-default login';
    return undefined;
  }
  if (program === 'az' && a === 'login') return 'az login';
  if (program === 'vault') {
    if (a === 'login') return 'vault login';
    if (a === 'write' && b?.startsWith('auth/') && b.endsWith('/login')) return `vault write ${b}`;
    return undefined;
  }
  if (program === 'gh' && a === 'auth' && b === 'login') return 'gh auth login';
  if (program === 'helm' && a === 'registry' && b === 'login') return 'helm registry login';
  if (program !== undefined && REGISTRY_CLIENTS.has(program) && a === 'login') return `${program} login`;
  return undefined;
}

/** What a fallback command signs in with when it uses a stored, long-lived credential; undefined otherwise. */
function staticAuth(command: Command): string | undefined {
  const p = programWords(command);
  const [program, a, b] = p;
  const assigned = (program === 'export' || program === 'declare' || program === undefined ? (program ? p.slice(1) : command.words.map((w) => w.value)) : [])
    .filter(isAssignment)
    .map((word) => word.slice(0, word.indexOf('=')));
  const variable = assigned.find((name) => CREDENTIAL_VARIABLES.has(name) || namesCredentialOrKeyId(name));
  if (variable) return `a stored credential (${variable})`;
  if (program === 'aws' && a === 'configure' && b === 'set' && p.some((w) => w === 'aws_access_key_id' || w === 'aws_secret_access_key')) {
    return 'a static AWS access key (aws configure set)';
  }
  if (program === 'gcloud' && a === 'auth' && b === 'activate-service-account') return 'a service-account key (gcloud auth activate-service-account)';
  if (program === 'gh' && a === 'auth' && b === 'login') return 'a personal access token (gh auth login)';
  const registry = (program !== undefined && REGISTRY_CLIENTS.has(program) && a === 'login') || (program === 'helm' && a === 'registry' && b === 'login');
  if (registry && hasWord(command, '-p', '--password', '--password-stdin')) return `a stored registry password (${program} login)`;
  if (program === 'az' && a === 'login' && !hasWord(command, '--federated-token', '--identity') && hasWord(command, '-p', '--password', '--secret', '--service-principal')) {
    return 'a service-principal secret (az login)';
  }
  if (program === 'vault' && a === 'login') {
    const method = p.find((w) => w.startsWith('-method=') || w.startsWith('--method='));
    if (!method || !/=(?:jwt|oidc)$/.test(method)) return 'a stored Vault credential (vault login)';
  }
  if (program === 'vault' && a === 'write' && b?.startsWith('auth/') && b.endsWith('/login') && !/^auth\/(?:jwt|oidc)/.test(b)) {
    return `a stored Vault credential (vault write ${b})`;
  }
  return undefined;
}

function failsClosed(command: Command): boolean {
  const [program, status] = programWords(command);
  return program === 'false' || ((program === 'exit' || program === 'return') && status !== '0');
}

function swallows(command: Command): boolean {
  const p = programWords(command);
  return p.length === 0 || p[0] === '}' || SWALLOWERS.has(p[0]!);
}

type Branch = { kind: 'swallow' | 'static'; what: string };

/** What a list of fallback commands does when the sign-in fails: carry on, or sign in with stored credentials. */
function classify(fallback: readonly Command[]): Branch | undefined {
  if (fallback.some(failsClosed)) return undefined;
  for (const command of fallback) {
    const what = staticAuth(command);
    if (what) return { kind: 'static', what };
  }
  return fallback.every(swallows) ? { kind: 'swallow', what: '' } : undefined;
}

export default defineRule({
  id: 'ci-auth-or-true-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['github-actions', 'gitlab-ci', 'circleci', 'shell'],
  keywords: ['login', 'assume-role', 'activate-service-account'],
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const session of scriptSessions(document, ['shell', 'github-actions', 'gitlab-ci', 'circleci'])) {
      const list = session.flatMap((piece) => commands(text, piece));
      const auth = list.map((command) => authName(programWords(command)));
      const reported = new Set<number>();

      // `<sign-in> || true`, `<sign-in> || echo …`, `<sign-in> || export AWS_SECRET_ACCESS_KEY=…`
      for (let i = 1; i < list.length; i++) {
        const command = list[i]!;
        if (!command.before.startsWith('||')) continue;
        let k = i - 1;
        while (k > 0 && ['&&', '||', '|'].includes(list[k]!.before)) k--;
        const signIn = auth.slice(k, i).findIndex((name) => name !== undefined);
        if (signIn === -1) continue;
        const name = auth[k + signIn]!;
        const fallback = fallbackAt(list, i);
        const branch = classify(fallback.commands);
        // A stored credential replaced by another stored credential is not a way around OIDC.
        if (!branch || (branch.kind === 'static' && staticAuth(list[k + signIn]!) !== undefined)) continue;
        const previous = list[i - 1]!;
        const operator = text.indexOf('||', previous.end);
        const last = fallback.commands[fallback.commands.length - 1]!;
        if (operator === -1 || operator > command.start) continue;
        const removal = removable(text, previous, last, fallback.group);
        const written = text.slice(command.start, last.end);
        reported.add(k + signIn);
        report({
          span: [operator, last.end],
          message:
            branch.kind === 'swallow'
              ? `The failure of \`${name}\` is swallowed by \`|| ${shorten(written)}\`: the script carries on without the identity it was meant to sign in with, and later commands run unauthenticated or with whatever credentials are lying around on the runner; remove the \`||\` branch so a failed sign-in fails the job.`
              : `When \`${name}\` fails, the script falls back to ${branch.what}: whoever can break the OIDC sign-in forces the long-lived credential path, and that secret must stay valid for it; delete the \`||\` fallback so a failed sign-in fails the job.`,
          construct: `${name} || ${branch.kind === 'swallow' ? (programWords(fallback.commands[0]!)[0] ?? '') : branch.what}`,
          data: removal ? { remove: removal } : undefined,
          fixable: removal !== undefined,
        });
      }

      // `if ! <sign-in>; then <static sign-in>; fi` and `if <sign-in>; then …; else <static sign-in>; fi`
      for (let i = 0; i < list.length; i++) {
        const head = list[i]!.words[0]?.value;
        if (head !== 'if' && head !== 'elif') continue;
        const negated = list[i]!.words[1]?.value === '!';
        let j = i;
        let name: string | undefined;
        let primaryStatic = false;
        for (; j < list.length && j < i + 16 && list[j]!.words[0]?.value !== 'then'; j++) {
          if (name === undefined && auth[j] !== undefined) {
            name = auth[j];
            primaryStatic = staticAuth(list[j]!) !== undefined;
            reported.add(j);
          }
        }
        if (primaryStatic) continue;
        if (name === undefined || j >= list.length || list[j]!.words[0]?.value !== 'then') continue;
        const conditionEnd = list[j - 1]!.end;
        // The branch taken when the sign-in fails, up to the matching `fi`.
        const failureBranch: Command[] = [];
        let depth = 0;
        let inFailure = negated;
        for (let m = j; m < list.length && m < j + 200; m++) {
          const word = list[m]!.words[0]?.value;
          if (word === 'if') depth++;
          if (word === 'fi') {
            if (depth === 0) break;
            depth--;
          }
          if (depth === 0 && (word === 'else' || word === 'elif')) {
            if (negated) break;
            inFailure = true;
          }
          if (inFailure) failureBranch.push(list[m]!);
        }
        const branch = classify(failureBranch);
        if (!branch || branch.kind !== 'static') continue;
        report({
          span: [list[i]!.start, conditionEnd],
          message: `When \`${name}\` fails, the \`${negated ? 'then' : 'else'}\` branch signs in with ${branch.what}: a broken OIDC sign-in silently switches to the long-lived credential; make that branch fail (\`exit 1\`) and retire the stored secret.`,
          construct: `if ${name} else ${branch.what}`,
          fixable: false,
        });
      }

      // `set +e` … `<sign-in>` … `set -e`: the sign-in's status is never looked at.
      let errexitOff = false;
      for (let i = 0; i < list.length; i++) {
        const command = list[i]!;
        const p = programWords(command);
        if (p[0] === 'set') {
          for (let a = 1; a < p.length; a++) {
            const arg = p[a]!;
            const option = arg === '-o' || arg === '+o' ? p[a + 1] : undefined;
            if (option === 'errexit') errexitOff = arg === '+o';
            else if (/^[-+][a-z]{1,8}$/.test(arg) && arg.includes('e')) errexitOff = arg.startsWith('+');
          }
          continue;
        }
        const name = auth[i];
        if (!errexitOff || name === undefined || reported.has(i)) continue;
        const first = command.words[0]?.value;
        if (first === 'if' || first === 'elif' || first === 'while' || first === 'until' || first === '!') continue;
        const next = list[i + 1];
        if (command.before === '&&' || command.before === '||' || next?.before === '||' || next?.before === '&&') continue;
        if (next && next.words.some((word) => word.value.includes('$?'))) continue;
        report({
          span: [command.words[0]!.start, command.end],
          message: `\`${name}\` runs after \`set +e\` and nothing checks its exit status: a failed sign-in does not stop the script, which goes on without the intended identity; restore \`set -e\` before signing in or add \`|| exit 1\`.`,
          construct: `set +e ${name}`,
          fixable: false,
        });
      }
    }
  },
  fix({ document, finding }) {
    return removalFix(document, (finding.data as { remove?: [number, number] } | undefined)?.remove, 'Fail closed');
  },
});
