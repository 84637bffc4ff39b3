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
  // The finding is the password: the rest of the URI (host, database, a closing quote) is not secret.
  secretPart: /^[a-z0-9+:]{1,40}:\/\/[^\s:/@]{1,256}:([^\s@/"'`]{1,256})@/i,
  docs,
});
