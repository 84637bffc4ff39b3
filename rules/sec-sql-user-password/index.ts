import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';

/**
 * Passwords written into the SQL that creates or changes a database account: MySQL and Oracle's
 * `… USER … IDENTIFIED [WITH plugin] BY 'x'` (`USER` earlier on the line), PostgreSQL's `CREATE|ALTER USER|ROLE … [WITH] [ENCRYPTED]
 * PASSWORD 'x'`, and MySQL's `PASSWORD('x')` function. SQL Server's `WITH PASSWORD = 'x'` is an
 * assignment, which sec-password-assignment reads. The value is quoted or a bare word; each
 * pattern starts at a keyword and reads a bounded stretch of one line, so the search is linear.
 */
const VALUE = String.raw`(?:'([^'\r\n]{1,200})'|"([^"\r\n]{1,200})"|([^\s'"\x60;,)(\\]{1,200}))`;
const IDENTIFIED_BY = new RegExp(String.raw`\bidentified(?:[ \t]+with[ \t]+['"\x60]?\w{1,64}['"\x60]?)?[ \t]+by[ \t]+` + VALUE, 'gi');
/** The account keyword before `IDENTIFIED` on its line (`CREATE USER`, `GRANT … TO user`): prose identifies things by other words. */
const USER_BEFORE = /\buser\b/i;
const ROLE_PASSWORD = new RegExp(String.raw`\b(?:create|alter)[ \t]+(?:user|role)\b[^;\r\n]{0,200}?\bpassword[ \t]+` + VALUE, 'gi');
/** Upper case, as SQL is written, and not a method (`form.password('Label')`). */
const PASSWORD_FUNCTION = /(?<![\w.])PASSWORD[ \t]*\([ \t]*'([^'\r\n]{1,200})'[ \t]*\)/g;

/** What stands where a password could: a keyword of the statement, a stored hash, or a parameter. */
function isPassword(value: string, quoted: boolean): boolean {
  // A value that starts or ends with a space or a quote is the code around a string being joined
  // (`'… BY ' + pw + '…'`, `"… BY '" + pw + "'"`).
  if (value.length < 3 || /^[\s"'`]|[\s"'`]$/.test(value)) return false;
  // A bare word is the statement going on (`PASSWORD EXPIRE`) or prose (`a user identified by the token`).
  if (!quoted && /^[A-Za-z]+$/.test(value)) return false;
  // `IDENTIFIED BY PASSWORD '*hash'`, Oracle's `BY VALUES 'hash'`, `PASSWORD NULL`.
  if (/^(?:password|values|null)$/i.test(value)) return false;
  // Hashes PostgreSQL and MySQL store instead of the password (`md5` + 32 hex, SCRAM verifiers, `*` + 40 hex).
  if (/^md5[0-9a-f]{32}$/.test(value) || value.startsWith('SCRAM-SHA-256$') || /^\*[0-9A-F]{40}$/.test(value)) return false;
  // Bind parameters and client-side substitution: `?`, `:name`, `:'name'`, `$1`, `%s`, `@name`, `{}`.
  return !/^(?:[?:$%@{]|\$\d)/.test(value);
}

function userBefore(text: string, at: number): boolean {
  // A window, not the whole line: a long line with many matches stays linear.
  const window = text.slice(Math.max(0, at - 200), at);
  return USER_BEFORE.test(window.slice(window.lastIndexOf('\n') + 1));
}

export default defineRule({
  id: 'sec-sql-user-password',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: ['identified', 'password'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const seen = new Set<number>();
    const find = (pattern: RegExp, statement: string) => {
      for (const match of text.matchAll(pattern)) {
        // The one value group that matched. It ends the match, before its closing quote; in a
        // PASSWORD() call it follows the first quote.
        const index = match.findIndex((group, i) => i > 0 && group !== undefined);
        const value = match[index]!;
        const quoted = pattern === PASSWORD_FUNCTION || index < 3;
        const start = pattern === PASSWORD_FUNCTION ? match.index + match[0].indexOf("'") + 1 : match.index + match[0].length - value.length - (quoted ? 1 : 0);
        if (!isPassword(value, quoted)) continue;
        if (pattern === IDENTIFIED_BY && !userBefore(text, match.index)) continue;
        if (seen.has(start)) continue;
        seen.add(start);
        report({
          span: [start, start + value.length],
          secret: value,
          message: `A database account's password is written into ${statement} ({{secret}}): everyone who reads the file, the migration history or the server's statement log can sign in as that account. Set it from a secret at deploy time (a client variable, a secrets manager), or use IAM or certificate authentication.`,
        });
      }
    };
    if (document.containsKeyword('identified')) find(IDENTIFIED_BY, 'the statement that creates it (IDENTIFIED BY)');
    if (document.containsKeyword('password')) {
      find(ROLE_PASSWORD, 'the statement that creates or alters it (PASSWORD)');
      find(PASSWORD_FUNCTION, 'a PASSWORD() call');
    }
  },
});
