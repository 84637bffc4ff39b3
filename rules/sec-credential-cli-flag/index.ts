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
const MYSQL_COMMAND = /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)(?![\w-])/g;
/** MySQL's `-p<password>` option: a word that starts with `-p` and goes on without a space. */
const GLUED_PASSWORD = /^-p([^\s"'`;|&<>()]{3,100})$/;

export default defineRule({
  id: 'sec-credential-cli-flag',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: ['--', 'mysql', 'mariadb'],
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

    if (document.containsKeyword('mysql') || document.containsKeyword('mariadb')) {
      let scannedTo = 0;
      for (const command of text.matchAll(MYSQL_COMMAND)) {
        if (command.index < scannedTo) continue;
        // The words of the command, up to the end of the line or of the shell command.
        let end = command.index + command[0].length;
        while (end < text.length && end - command.index < 400 && !'\n;|&'.includes(text[end]!)) end++;
        scannedTo = end;
        let wordStart = -1;
        for (let i = command.index + command[0].length; i <= end; i++) {
          const blank = i === end || text[i] === ' ' || text[i] === '\t';
          if (!blank && wordStart === -1) wordStart = i;
          if (!blank || wordStart === -1) continue;
          const word = text.slice(wordStart, i);
          const glued = GLUED_PASSWORD.exec(word);
          const value = glued?.[1];
          if (value !== undefined && !value.startsWith('$') && looksLikeSecretLiteral(value)) {
            report({ span: [wordStart + 2, i], secret: value, message: message('-p'), construct: '-p' });
          }
          wordStart = -1;
        }
      }
    }
  },
});
