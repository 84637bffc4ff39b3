import { defineRule } from '../../server/src/engine/define-rule';
import { looksLikeSecretLiteral, namesCredential, nameWords } from '../lib/credential-names';
import { looksGenerated } from '../sec-keyed-random-value';
import docs from './docs.md';

/**
 * Credentials passed on a command line as the next word after a long option (`--password S3cr3t!`,
 * `--api-key "..."`, `--token abc...`) or glued to MySQL's `-p` (`mysql -uroot -pS3cr3t`), in
 * scripts, CI steps, Dockerfiles and docs. The `--option=value` form is an assignment, which
 * sec-password-assignment reads.
 */
const LONG_OPTION = /(?<![\w-])--([A-Za-z][\w-]{1,60})[ \t]+(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'`;|&<>()\\]{1,300}))/g;
const VALUE_OPTION = /^(?:password|passwd|pass|pwd|pw|passphrase|secret|token|key|apikey|credential|credentials|\w{1,20}(?:password|secret|token|apikey))$/;
/** Commands whose short options take a credential: MySQL's `-p<password>`, curl's `-u user:password`, sshpass's `-p password`. */
const COMMAND = /\b(mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|curl|sshpass)(?![\w-])/g;
/** MySQL's `-p<password>` option: a word that starts with `-p` and goes on without a space. */
const GLUED_PASSWORD = /^-p([^\s"'`;|&<>()]{3,100})$/;
/** curl's options that take `user:password`. */
const CURL_USER_OPTIONS = new Set(['-u', '--user', '-U', '--proxy-user']);

/** A word of a command line and where it starts; quotes around the whole word are dropped. */
interface Word {
  readonly text: string;
  readonly start: number;
}

export default defineRule({
  id: 'sec-credential-cli-flag',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: ['--', 'mysql', 'mariadb', 'curl', 'sshpass'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const message = (option: string) =>
      `${option} is given a literal credential on the command line ({{secret}}): it is stored with the script and shows up in shell history, process lists and CI logs; read it from a file, a prompt, stdin (\`--password-stdin\`) or an environment variable filled from a secret store.`;

    if (document.containsKeyword('--')) {
      for (const match of text.matchAll(LONG_OPTION)) {
        const [whole, option, quote, quotedValue, bareValue] = match;
        const value = quotedValue ?? bareValue;
        if (!option || value === undefined || value.startsWith('-') || value.startsWith('$')) continue;
        // The option must name the value itself (`--password`, `--api-key`), not how to get it (`--password-stdin`, `--token-file`).
        const last = nameWords(option).at(-1) ?? '';
        if (!VALUE_OPTION.test(last)) continue;
        const key = last === 'key';
        if (!namesCredential(option) && !key) continue;
        if (key ? !looksGenerated(value) && !(namesCredential(option) && looksLikeSecretLiteral(value)) : !looksLikeSecretLiteral(value)) continue;
        const start = match.index + whole.length - value.length - (quote ? 1 : 0);
        report({ span: [start, start + value.length], secret: value, message: message(`--${option}`), construct: `--${option}` });
      }
    }

    if (['mysql', 'mariadb', 'curl', 'sshpass'].some((keyword) => document.containsKeyword(keyword))) {
      let scannedTo = 0;
      for (const command of text.matchAll(COMMAND)) {
        if (command.index < scannedTo) continue;
        const words = commandWords(text, command.index + command[0].length);
        scannedTo = words.end;
        const name = command[1]!;
        const credential = (value: string, start: number, option: string) => {
          if (!value.startsWith('$') && looksLikeSecretLiteral(value)) report({ span: [start, start + value.length], secret: value, message: message(option), construct: option });
        };
        for (let i = 0; i < words.list.length; i++) {
          const word = words.list[i]!;
          const next = words.list[i + 1];
          if (name === 'curl') {
            // `-u user:password`, `--user user:password`, or glued `-uuser:password`; the secret is after the first colon.
            const [option, pair, pairStart] = CURL_USER_OPTIONS.has(word.text) && next ? [word.text, next.text, next.start] : word.text.startsWith('-u') && word.text.length > 2 ? ['-u', word.text.slice(2), word.start + 2] : [];
            const colon = pair?.indexOf(':') ?? -1;
            // `-u :password` has no user name; `-u key:` is an API key sent as the user name (Stripe, Mailgun).
            if (option && colon === pair!.length - 1) credential(pair!.slice(0, colon), pairStart!, option);
            else if (option && colon >= 0) credential(pair!.slice(colon + 1), pairStart! + colon + 1, option);
          } else if (name === 'sshpass') {
            if (word.text === '-p' && next) credential(next.text, next.start, '-p');
            else if (word.text.startsWith('-p') && word.text.length > 2) credential(word.text.slice(2), word.start + 2, '-p');
          } else {
            const value = GLUED_PASSWORD.exec(word.text)?.[1];
            if (value !== undefined) credential(value, word.start + 2, '-p');
          }
        }
      }
    }
  },
});

/**
 * The words after a command, up to the end of its line or shell command (`;`, `|`, `&`), at most
 * 400 characters: split at blanks, a word wholly in quotes taken without them. A backslash at the
 * end of a line continues the command on the next.
 */
function commandWords(text: string, from: number): { list: Word[]; end: number } {
  let end = from;
  while (end < text.length && end - from < 400 && (!'\n;|&'.includes(text[end]!) || continuesLine(text, end))) end++;
  const list: Word[] = [];
  let wordStart = -1;
  for (let i = from; i <= end; i++) {
    const ch = text[i];
    const blank = i === end || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || (ch === '\\' && continuesLine(text, i + (text[i + 1] === '\r' ? 2 : 1)));
    if (!blank && wordStart === -1) wordStart = i;
    if (!blank || wordStart === -1) continue;
    const word = text.slice(wordStart, i);
    const quoted = word.length >= 2 && (word[0] === '"' || word[0] === "'") && word.at(-1) === word[0];
    list.push(quoted ? { text: word.slice(1, -1), start: wordStart + 1 } : { text: word, start: wordStart });
    wordStart = -1;
  }
  return { list, end };
}

/** Whether the line break at `index` follows a backslash (`\\` then `\n`, or `\\` `\r` `\n`). */
function continuesLine(text: string, index: number): boolean {
  if (text[index] !== '\n') return false;
  const before = text[index - 1] === '\r' ? index - 2 : index - 1;
  return text[before] === '\\';
}
