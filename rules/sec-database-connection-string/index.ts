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
  // The patterns' database and query parts run to the next whitespace, so a quoted URI's match ends
  // with the closing quote (and `;` in code): the finding is the URI without them.
  secretPart: /^([^\s"'`]+)/,
  docs,
});
