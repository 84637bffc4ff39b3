import { defineRule } from '../../server/src/engine/define-rule';
import { fallbackAt, removable, removalFix } from '../lib/shell-fallback';
import { commands, isAssignment, programWords, scriptSessions, type Command } from '../lib/shell-script';
import docs from './docs.md';

/** Environment settings that turn certificate checks off for the command they prefix. */
const INSECURE_VARIABLES = new Set(['NODE_TLS_REJECT_UNAUTHORIZED=0', 'GIT_SSL_NO_VERIFY=1', 'GIT_SSL_NO_VERIFY=true', 'PYTHONHTTPSVERIFY=0', 'CURL_INSECURE=1']);
/** Options that switch certificate verification off, by program. */
const INSECURE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  curl: ['--insecure'],
  wget: ['--no-check-certificate'],
  kubectl: ['--insecure-skip-tls-verify', '--insecure-skip-tls-verify=true'],
  oc: ['--insecure-skip-tls-verify', '--insecure-skip-tls-verify=true'],
  helm: ['--insecure-skip-tls-verify'],
  pip: ['--trusted-host'],
  pip3: ['--trusted-host'],
  npm: ['--strict-ssl=false'],
  yarn: ['--strict-ssl=false'],
  podman: ['--tls-verify=false'],
  buildah: ['--tls-verify=false'],
  skopeo: ['--tls-verify=false', '--src-tls-verify=false', '--dest-tls-verify=false'],
  crane: ['--insecure'],
  oras: ['--insecure'],
  vault: ['-tls-skip-verify', '--tls-skip-verify'],
};

/** How a command turns TLS verification off (`-k`, `--no-check-certificate`, `-c http.sslVerify=false`), or undefined. */
function insecureTls(command: Command): string | undefined {
  const prefix = command.words.map((word) => word.value).find((value) => isAssignment(value) && INSECURE_VARIABLES.has(value));
  if (prefix) return prefix;
  const [program, ...args] = programWords(command);
  if (!program) return undefined;
  if (program === 'curl') {
    // `-k` alone or in a cluster of short options (`-fsSLk`).
    const cluster = args.find((arg) => /^-[a-zA-Z]+$/.test(arg) && arg.includes('k'));
    if (cluster) return cluster;
  }
  if (program === 'git') {
    const at = args.findIndex((arg, i) => args[i - 1] === '-c' && /^http\.sslverify=(?:false|0|no|off)$/i.test(arg));
    if (at !== -1) return `-c ${args[at]}`;
  }
  if ((program === 'npm' || program === 'yarn') && args[0] === 'config' && args[1] === 'set' && args[2] === 'strict-ssl' && args[3] === 'false') return 'config set strict-ssl false';
  return args.find((arg) => (INSECURE_OPTIONS[program] ?? []).some((option) => arg === option || arg.startsWith(`${option}=`)));
}

export default defineRule({
  id: 'sh-insecure-tls-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['github-actions', 'gitlab-ci', 'circleci', 'shell'],
  keywords: ['curl', '--insecure', 'no-check-certificate', 'sslverify', 'insecure-skip-tls-verify', 'trusted-host', 'strict-ssl', 'tls-verify', 'tls-skip-verify', 'tls_reject_unauthorized', 'ssl_no_verify', 'httpsverify'],
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const session of scriptSessions(document, ['shell', 'github-actions', 'gitlab-ci', 'circleci'])) {
      const list = session.flatMap((piece) => commands(text, piece));
      for (let i = 1; i < list.length; i++) {
        if (!list[i]!.before.startsWith('||')) continue;
        const fallback = fallbackAt(list, i);
        const retry = fallback.commands.find((command) => insecureTls(command) !== undefined);
        if (!retry) continue;
        // The command that failed: the last of the `&&`/`|` chain before the `||`, with verification on.
        const previous = list[i - 1]!;
        const [program] = programWords(previous);
        if (!program || insecureTls(previous) !== undefined) continue;
        const how = insecureTls(retry)!;
        const operator = text.indexOf('||', previous.end);
        const last = fallback.commands[fallback.commands.length - 1]!;
        if (operator === -1 || operator > list[i]!.start) continue;
        const removal = removable(text, previous, last, fallback.group);
        report({
          span: [operator, retry.end],
          message: `When \`${program}\` fails, the script tries again with TLS certificate verification off (\`${how}\`): a failed check is exactly what an interception looks like, and the retry hands the connection, and any credential sent on it, to whoever is in the middle; let the failure stop the script.`,
          construct: `${program} || ${how}`,
          data: removal ? { remove: removal } : undefined,
          fixable: removal !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    return removalFix(document, (finding.data as { remove?: [number, number] } | undefined)?.remove, 'Fail closed');
  },
});
