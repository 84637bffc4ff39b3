import docs from './docs.md';
import { secretlintRule } from '../lib/secretlint-rule';

export default secretlintRule({
  id: 'sec-database-connection-string',
  secretlintRuleId: '@secretlint/secretlint-rule-database-connection-string',
  message:
    'Database connection string with an inline password ({{secret}}): anyone who reads it can connect as that database user until the password is changed.',
  // The MongoDB, MySQL (also `jdbc:mysql://`, and the tail of `mysql+pymysql://`) and PostgreSQL URI schemes
  // the patterns match, case-insensitively.
  keywords: ['mongodb://', 'mongodb+srv://', 'mysql://', 'mysqlx://', 'postgres://', 'postgresql://'],
  // A password equal to the user name (`postgres://postgres:postgres@…`) is the image's or the
  // server's well-known default: anyone can guess it, so it leaks nothing (secretlint skips it too).
  accept: (uri) => {
    // secretlint reports a URI only with both: `scheme://user:password@host…`.
    const userStart = uri.indexOf('://') + 3;
    const colon = uri.indexOf(':', userStart);
    const at = uri.indexOf('@', userStart);
    return colon === -1 || at < colon || uri.slice(userStart, colon).toLowerCase() !== uri.slice(colon + 1, at).toLowerCase();
  },
  // The finding is the password: the rest of the URI (host, database, a closing quote) is not secret.
  secretPart: /^[a-z0-9+:]{1,40}:\/\/[^\s:/@]{1,256}:([^\s@/"'`]{1,256})@/i,
  docs,
});
