import { defineRule } from '../../server/src/engine/define-rule';
import { looksLikeSecretLiteral } from '../lib/credential-names';
import docs from './docs.md';

/**
 * Key-value connection strings: ADO.NET and Microsoft.Data.SqlClient, ODBC and OLE DB, and JDBC
 * URLs that carry their properties after `;` (SQL Server's `jdbc:sqlserver://host;user=…;password=…`).
 * A `Password` / `Pwd` key counts only as one of a run of `key=value;` pairs that also names the
 * server, data source, database or user, so a lone `password=` line is left to sec-password-assignment.
 */
const KEY_WORDS = ['pass', 'pwd'];
/** At a key's start: `Password` or `Pwd` (any case), `=`, then a quoted value or one up to `;`, a quote or a line end. */
const PASSWORD_PAIR = /(?:password|pwd)[ \t]*=[ \t]*(?:'([^'\r\n]{1,200})'|"([^"\r\n]{1,200})"|([^;'"\s][^;'"\r\n]{0,199}))/iy;
/** What may end a bare value: the next pair, the end of the string, the line. */
const VALUE_END = /[;'"\r\n]/;
/** Keys that only a connection string has beside its password (lower case, blanks collapsed). */
const CONNECTION_KEYS = new Set(['server', 'data source', 'address', 'addr', 'host', 'hostname', 'database', 'initial catalog', 'databasename', 'dsn', 'driver', 'provider', 'user id', 'userid', 'uid', 'user', 'username']);
/** How far around the password the other keys are looked for (one connection string, on one line). */
const REACH = 400;
/** Placeholders for a value filled in later: `{0}`, `%s`, `$(DB_PASS)`, `<password>`, `@Password`. */
const PLACEHOLDER = /^(?:\{\w*\}|%\w|\$|<|@|\{\{|#\{|\[)/;

export default defineRule({
  id: 'sec-connection-string-password',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: KEY_WORDS,
  locatesKeywords: true,
  docs,
  check({ document, report }) {
    const text = document.text;
    for (const start of document.keywordStarts(KEY_WORDS)) {
      // The key starts the pair: after a `;`, a quote, a space, a brace or the line's start.
      const before = start > 0 ? text[start - 1]! : '\n';
      if (!/[;"'\s{(]/.test(before)) continue;
      PASSWORD_PAIR.lastIndex = start;
      const pair = PASSWORD_PAIR.exec(text);
      if (!pair) continue;
      // A bare value runs to the end of its pair: one cut at 200 characters is not a value.
      const after = text[start + pair[0].length];
      if (pair[3] !== undefined && after !== undefined && !VALUE_END.test(after)) continue;
      const value = (pair[1] ?? pair[2] ?? pair[3]!).trimEnd();
      if (!value || PLACEHOLDER.test(value) || !looksLikeSecretLiteral(value)) continue;
      const lineStart = text.lastIndexOf('\n', start) + 1;
      const lineEnd = text.indexOf('\n', start);
      const around = text.slice(Math.max(lineStart, start - REACH), Math.min(lineEnd === -1 ? text.length : lineEnd, start + pair[0].length + REACH));
      if (!namesConnectionKey(around)) continue;
      const valueStart = pair.index + pair[0].indexOf(value, pair[0].indexOf('=') + 1);
      report({
        span: [valueStart, valueStart + value.length],
        secret: value,
        message:
          'Connection string with an inline password ({{secret}}): whoever reads it can connect to the database as that user until the password is changed; authenticate with a managed identity or IAM instead, or read the password at run time.',
      });
    }
  },
});

/** Whether a `key=value;` pair of `text` has a connection-string key (`Server=…;`, `User Id=…;`). */
function namesConnectionKey(text: string): boolean {
  const pairs = text.split(';');
  // The last piece has no `;` after it: a pair only if the string goes on, which it does not here.
  for (let i = 0; i < pairs.length - 1; i++) {
    const pair = pairs[i]!;
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    // The key starts after the last quote, parenthesis or brace before it (`CONN = ("DRIVER=…`).
    const name = pair.slice(0, equals);
    const from = Math.max(name.lastIndexOf('"'), name.lastIndexOf("'"), name.lastIndexOf('('), name.lastIndexOf('{')) + 1;
    if (CONNECTION_KEYS.has(name.slice(from).trim().toLowerCase().replace(/[ \t]+/g, ' '))) return true;
  }
  return false;
}
