import { defineRule } from '../../server/src/engine/define-rule';
import { looksLikeSecretLiteral, namesCredential, nameWords } from '../lib/credential-names';
import { looksGenerated } from '../sec-keyed-random-value';
import docs from './docs.md';

/**
 * Credentials passed on a command line: the next word after a credential option, long
 * (`--password S3cr3t!`, `--api-key "..."`) or single-dash (PowerShell's `-Password 'x'`, keytool's
 * `-storepass x`, Go flags' `-token x`); `-p` after a user option in the same command (`docker login
 * -u ci -p x`, `psexec -u svc -p x`, `sqlcmd -U sa -P x`); MySQL's glued `-p<password>`, curl's
 * `-u user:password`, sshpass's `-p`; the string given to PowerShell's `ConvertTo-SecureString`;
 * and libcurl's credential options set in code (`CURLOPT_PASSWORD, "x"`). The `--option=value`
 * form is an assignment, which sec-password-assignment reads.
 *
 * Both option patterns need a credential word in the option's name (every name VALUE_OPTION and
 * KEYSTORE_PASSWORD_OPTION accept has one). They are tried only where the prefilter found one of
 * OPTION_WORDS, at the start of the option around it, so the many other options of a script
 * (`--part 3`, `-o out`, every `- name:` of a workflow) are never looked at.
 */
const OPTION_WORDS = ['pw', 'pass', 'secret', 'token', 'key', 'bearer', 'credential'];
const LONG_OPTION = /(?<![\w-])--(?=[\w-]{0,60}?(?:pw|pass|secret|token|key|bearer|credential))([A-Za-z][\w-]{1,60})[ \t]+(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'`;|&<>()\\-][^\s"'`;|&<>()\\]{0,299}))/iy;
/** A single-dash option of one word (`-Password`, `-storepass`, `-ClientSecret`); PowerShell's `-Password:'x'` is an assignment. */
const SINGLE_DASH_OPTION = /(?<![\w-])-(?=[A-Za-z0-9]{0,40}?(?:pw|pass|secret|token|key|bearer|credential))([A-Za-z][A-Za-z0-9]{2,40})[ \t]+(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'`;|&<>()\\$-][^\s"'`;|&<>()\\]{0,299}))/iy;
/** How far back from a credential word an option can start: `--` and the longest name LONG_OPTION takes. */
const OPTION_REACH = 63;
const VALUE_OPTION = /^(?:password|passwd|pass|pwd|pw|passphrase|secret|token|key|apikey|bearer|credential|credentials|\w{1,20}(?:password|secret|token|apikey))$/;
/** Java keytool's and jarsigner's password options, run together without a credential word of their own. */
const KEYSTORE_PASSWORD_OPTION = /^(?:src|dest|new)?(?:store|key)pass$/i;
/** A short `-p`/`-P` and its word; only a password where a user option precedes it in the same command. */
const SHORT_PASSWORD = /(?<=[ \t])-[pP][ \t]+(?:(["'])([^"'\r\n]{1,300})\1|([^\s"'`;|&<>()\\$-][^\s"'`;|&<>()\\]{0,299}))/g;
/** A user option with a value (`-u ci`, `-U sa`, `--username=ci`); a bare `-u` flag (rsync's "update") is not one. */
const USER_OPTION = /(?:^|[ \t])(?:-[uU]|--user(?:name)?)(?:[ \t]+|=)["']?[^\s"'-]/;
/** Commands whose `-p` means something else before a separate word: MySQL prompts (the word is a database), sshpass is read below. */
const OTHER_SHORT_P = /\b(?:mysql|mysqldump|mysqladmin|mysqlsh|mariadb|mariadb-dump|sshpass)\b/;
/** A value naming a file the credential is read from (`-p secrets.txt`), not the credential. */
const FILE_NAME = /\.(?:json|txt|xml|ya?ml|csv|conf|cfg|ini|env|pem|key|crt|p12|pfx|jks|keystore|sh|ps1|py|js|ts)$/i;
/** Commands whose short options take a credential: MySQL's `-p<password>`, curl's `-u user:password`, sshpass's `-p password`. */
const COMMAND = /\b(mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|curl|sshpass)(?![\w-])/g;
/** MySQL's `-p<password>` option: a word that starts with `-p` and goes on without a space. */
const GLUED_PASSWORD = /^-p([^\s"'`;|&<>()]{3,100})$/;
/** curl's options that take `user:password`. */
const CURL_USER_OPTIONS = new Set(['-u', '--user', '-U', '--proxy-user']);
/** PowerShell's cmdlet that turns a string into a SecureString: a literal given to it is the password. */
const SECURE_STRING = /\bConvertTo-SecureString(?![\w-])/gi;
/** libcurl's credential options set in code: C/PHP `CURLOPT_…`, pycurl's `pycurl.…`; `USERPWD` holds `user:password`. */
const CURL_CODE_OPTION = /\b(?:CURLOPT_|pycurl\.)(USERPWD|PROXYUSERPWD|PASSWORD|PROXYPASSWORD|KEYPASSWD|SSLKEYPASSWD|SSLCERTPASSWD|TLSAUTH_PASSWORD|PROXY_TLSAUTH_PASSWORD|XOAUTH2_BEARER)\b[ \t]*,[ \t]*(["'])([^"'\r\n]{1,300})\2/g;

/**
 * .NET's credential constructors, in C# and PowerShell (`New-Object System.Net.NetworkCredential(…)`):
 * the password is `NetworkCredential(user, password[, domain])`'s second argument and
 * `DirectoryEntry(path, user, password[, type])`'s third.
 */
const DOTNET_CREDENTIAL = /\b(NetworkCredential|DirectoryEntry)[ \t]*\(/g;
const PASSWORD_ARGUMENT: Readonly<Record<string, number>> = { NetworkCredential: 1, DirectoryEntry: 2 };
/** How far a constructor's arguments are read (they may span lines). */
const ARGUMENTS_REACH = 600;

/** Where the run of `isRunChar` characters that holds `at` starts, looking back at most OPTION_REACH characters. */
function runStart(text: string, at: number, isRunChar: (code: number) => boolean): number {
  const limit = Math.max(0, at - OPTION_REACH);
  let start = at;
  while (start > limit && isRunChar(text.charCodeAt(start - 1))) start--;
  return start;
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** A character of a long option's name: `[\w-]`. */
function isLongOptionChar(code: number): boolean {
  return isAlphanumeric(code) || code === 95 || code === 45;
}

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
  locatesKeywords: OPTION_WORDS,
  keywords: [...OPTION_WORDS, ' -p', 'mysql', 'mariadb', 'curl', 'sshpass', 'convertto-securestring', 'curlopt_', 'pycurl.', 'networkcredential', 'directoryentry'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const message = (option: string) =>
      `${option} is given a literal credential on the command line ({{secret}}): it is stored with the script and shows up in shell history, process lists and CI logs; read it from a file, a prompt, stdin (\`--password-stdin\`) or an environment variable filled from a secret store.`;
    const reportOption = (match: RegExpMatchArray, option: string, dashes: string) => {
      const [whole, , quote, quotedValue, bareValue] = match;
      const value = quotedValue ?? bareValue;
      if (value === undefined || !isOptionCredential(option, value)) return;
      const start = match.index! + whole.length - value.length - (quote ? 1 : 0);
      report({ span: [start, start + value.length], secret: value, message: message(dashes + option), construct: dashes + option });
    };

    // Each option is tried once, where its run of name characters starts, and not inside the value
    // of an option already matched: what a left-to-right search of the whole text would find.
    let longFrom = 0;
    let singleFrom = 0;
    for (const hit of document.keywordStarts(OPTION_WORDS)) {
      const long = runStart(text, hit, isLongOptionChar);
      if (long >= longFrom && text.startsWith('--', long)) {
        LONG_OPTION.lastIndex = long;
        const match = LONG_OPTION.exec(text);
        if (match) {
          longFrom = long + match[0].length;
          reportOption(match, match[1]!, '--');
        }
      }
      const single = runStart(text, hit, isAlphanumeric) - 1;
      if (single >= singleFrom && text.charCodeAt(single) === 45) {
        SINGLE_DASH_OPTION.lastIndex = single;
        const match = SINGLE_DASH_OPTION.exec(text);
        if (match) {
          singleFrom = single + match[0].length;
          reportOption(match, match[1]!, '-');
        }
      }
    }

    if (document.containsKeyword(' -p')) {
      for (const match of text.matchAll(SHORT_PASSWORD)) {
        const value = match[2] ?? match[3]!;
        const before = commandBefore(text, match.index!);
        // A value starting with `$` is a variable, or a crypt hash (`useradd -p '$6$…'`).
        if (value.startsWith('$') || !USER_OPTION.test(before) || OTHER_SHORT_P.test(before) || FILE_NAME.test(value) || !looksLikeSecretLiteral(value)) continue;
        const start = match.index! + match[0].length - value.length - (match[1] ? 1 : 0);
        const option = match[0].slice(0, 2);
        report({ span: [start, start + value.length], secret: value, message: message(`${option} after a user option`), construct: option });
      }
    }

    if (document.containsKeyword('convertto-securestring')) {
      for (const match of text.matchAll(SECURE_STRING)) {
        // The string is the first word that is not a parameter (`ConvertTo-SecureString "x" -AsPlainText -Force`), or piped in (`"x" | ConvertTo-SecureString`).
        const words = commandWords(text, match.index + match[0].length).list;
        const argument = words.find((word) => !word.text.startsWith('-')) ?? pipedString(text, match.index);
        const value = argument && unescapeQuotes(argument);
        if (!value || value.text.startsWith('$') || value.text.startsWith('(') || !looksLikeSecretLiteral(value.text)) continue;
        report({ span: [value.start, value.start + value.text.length], secret: value.text, message: message('ConvertTo-SecureString'), construct: 'ConvertTo-SecureString' });
      }
    }

    if (document.containsKeyword('networkcredential') || document.containsKeyword('directoryentry')) {
      for (const match of text.matchAll(DOTNET_CREDENTIAL)) {
        const constructor = match[1]!;
        const password = callArguments(text, match.index + match[0].length)[PASSWORD_ARGUMENT[constructor]!];
        // The position says it is the password, so any literal word counts (a Gmail app password is
        // sixteen lower-case letters); a variable's `$` or a blank does not.
        if (!password || password.text.length < 6 || password.text.startsWith('$') || /\s/.test(password.text)) continue;
        report({
          span: [password.start, password.start + password.text.length],
          secret: password.text,
          message: `${constructor} is given a literal password ({{secret}}): it ships with the code and works until the account's password is changed; read it at run time from a secret store, or use the process's own identity (CredentialCache.DefaultNetworkCredentials, a managed identity).`,
          construct: constructor,
        });
      }
    }

    if (document.containsKeyword('curlopt_') || document.containsKeyword('pycurl.')) {
      for (const match of text.matchAll(CURL_CODE_OPTION)) {
        const [whole, option, , literal] = match;
        // `USERPWD` holds `user:password`: the secret is after the first colon.
        const colon = option!.endsWith('USERPWD') ? literal!.indexOf(':') : -1;
        if (option!.endsWith('USERPWD') && colon < 0) continue;
        const value = literal!.slice(colon + 1);
        if (value.startsWith('$') || !looksLikeSecretLiteral(value)) continue;
        const start = match.index + whole.length - 1 - value.length;
        report({
          span: [start, start + value.length],
          secret: value,
          message: `libcurl's ${option} is set to a literal credential ({{secret}}): it ships in every build of this code and cannot be rotated without a release; read it at run time from the environment or a secret store.`,
          construct: option,
        });
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
 * Whether an option (`password`, `api-key`, `ClientSecret`, `storepass`) names the credential value
 * itself, not how to get it (`--password-stdin`, `--token-file`), and its word looks like one.
 */
function isOptionCredential(option: string, value: string): boolean {
  if (value.startsWith('-') || value.startsWith('$')) return false;
  if (KEYSTORE_PASSWORD_OPTION.test(option)) return looksLikeSecretLiteral(value);
  const last = nameWords(option).at(-1) ?? '';
  if (!VALUE_OPTION.test(last)) return false;
  const named = namesCredential(option) || last === 'bearer';
  // A bare `key` (`--key`, `-key`) is a credential only when the value looks generated.
  if (last === 'key') return looksGenerated(value) || (named && looksLikeSecretLiteral(value));
  return named && looksLikeSecretLiteral(value);
}

/** The text of the shell command before `index`: back to the start of its line (following backslash continuations) or to `;`, `|`, `&`; at most 400 characters. */
function commandBefore(text: string, index: number): string {
  let start = index;
  while (start > 0 && index - start < 400) {
    const ch = text[start - 1]!;
    if (ch === ';' || ch === '|' || ch === '&') break;
    if (ch === '\n' && !continuesLine(text, start - 1)) break;
    start--;
  }
  return text.slice(start, index);
}

/** A quoted string piped into the command at `index` (`"x" | ConvertTo-SecureString`), on the same line. */
function pipedString(text: string, index: number): Word | undefined {
  let end = index;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  if (text[end - 1] !== '|') return undefined;
  end--;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  const quote = text[end - 1];
  if (quote !== '"' && quote !== "'") return undefined;
  const open = text.lastIndexOf(quote, end - 2);
  if (open < 0 || end - open > 300 || text.slice(open, end).includes('\n')) return undefined;
  return { text: text.slice(open + 1, end - 1), start: open + 1 };
}

/** A word quoted with escaped quotes inside another string (`\\"x\\"`, `\\\\"x\\\\"`), without them. */
function unescapeQuotes(word: Word): Word {
  const match = /^(\\{1,4}["'])([^"'\\]{1,300})\\{1,4}["']/.exec(word.text);
  return match ? { text: match[2]!, start: word.start + match[1]!.length } : word;
}

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

/**
 * The arguments of a call whose `(` ends at `from`, up to its `)`: string literals as their text
 * (C#'s `@"…"` too), anything else as undefined. Read forward once within ARGUMENTS_REACH, so linear.
 */
function callArguments(text: string, from: number): Array<Word | undefined> {
  const list: Array<Word | undefined> = [];
  const limit = Math.min(text.length, from + ARGUMENTS_REACH);
  let i = from;
  let depth = 0;
  let current: Word | undefined;
  let literalOnly = true;
  while (i < limit) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'" || (ch === '@' && text[i + 1] === '"')) {
      const open = ch === '@' ? i + 1 : i;
      const quote = text[open]!;
      let close = open + 1;
      // An escaped quote (`\"`) is part of the string; a string does not cross a line.
      while (close < limit && text[close] !== quote && text[close] !== '\n') close += text[close] === '\\' && ch !== '@' ? 2 : 1;
      if (text[close] !== quote) return list;
      if (depth === 0 && current === undefined && literalOnly) current = { text: text.slice(open + 1, close), start: open + 1 };
      else literalOnly = false;
      i = close + 1;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    else if (depth === 0 && (ch === ',' || ch === ')')) {
      list.push(literalOnly ? current : undefined);
      if (ch === ')') return list;
      current = undefined;
      literalOnly = true;
    } else if (!/\s/.test(ch)) {
      literalOnly = false;
    }
    i++;
  }
  return list;
}
