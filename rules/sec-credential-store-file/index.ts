import { defineRule } from '../../server/src/engine/define-rule';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';
import { decodeUserPassword } from '../lib/basic-credentials';
import docs from './docs.md';

/**
 * Passwords in the files that clients read credentials from: `.netrc` (curl, git, ftp, pip),
 * `.pgpass` (PostgreSQL clients) and Docker's `config.json` (`auths` entries). Such a file belongs
 * in a home directory with mode 0600; committed, it hands its passwords to every reader.
 */
const NETRC = /(?:^|[\\/.])[._]?netrc$/i;
const PGPASS = /(?:^|[\\/])\.?pgpass(?:\.conf)?$/i;
const DOCKER_CONFIG = /(?:^|[\\/])config\.json$/i;
/** A netrc token and its value: `password <value>` (values are blank-separated words; quotes allowed). */
const NETRC_PASSWORD = /(?:^|[ \t\n])password[ \t]+(?:"([^"\r\n]{1,300})"|([^\s"]{1,300}))/g;
/**
 * A whole netrc entry anywhere else (a heredoc that writes `~/.netrc`, a README, a docstring):
 * `machine <host> login <user> password <value>`, on one line or a few.
 */
const NETRC_ENTRY = /\bmachine[ \t]+[^\s]{1,253}\s{1,40}login[ \t]+[^\s]{1,200}\s{1,40}password[ \t]+(?:"([^"\r\n]{1,300})"|([^\s"]{1,300}))/g;
/** A Docker `auths` entry's `"auth": "<base64 of user:password>"`. */
const DOCKER_AUTH = /"auth"[ \t]*:[ \t]*"([A-Za-z0-9+/]{4,2000}={0,2})"/g;

export default defineRule({
  id: 'sec-credential-store-file',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  // Decided by the file's name, before anything is read.
  keywords: [],
  // A netrc entry elsewhere (a heredoc, a README) holds both words.
  secondaryKeywords: ['machine', 'password'],
  docs,
  check({ document, report }) {
    const text = document.text;
    const path = document.path;
    const found = (secret: string, start: number, what: string) => {
      if (isPlaceholderSecret(secret) || secret.startsWith('$')) return;
      report({
        span: [start, start + secret.length],
        secret,
        message: `${what} ({{secret}}) is committed: the file is meant to stay in a home directory with mode 0600; whoever reads it here can sign in with it until the password is changed. Remove the file from the repository and have the client get its credential at run time (a credential helper, a token from the environment).`,
      });
    };
    if (NETRC.test(path)) {
      for (const match of text.matchAll(NETRC_PASSWORD)) {
        const value = match[1] ?? match[2]!;
        found(value, match.index + match[0].length - value.length - (match[1] !== undefined ? 1 : 0), 'A .netrc password');
      }
    } else if (PGPASS.test(path)) {
      // hostname:port:database:username:password, `\:` and `\\` escaped; `#` starts a comment line.
      let lineStart = 0;
      while (lineStart < text.length) {
        let lineEnd = text.indexOf('\n', lineStart);
        if (lineEnd === -1) lineEnd = text.length;
        const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
        const password = line.startsWith('#') ? undefined : pgpassPassword(line);
        if (password) found(password.text, lineStart + password.start, 'A .pgpass password');
        lineStart = lineEnd + 1;
      }
    } else if (document.containsKeyword('machine') && document.containsKeyword('password')) {
      for (const match of text.matchAll(NETRC_ENTRY)) {
        const value = match[1] ?? match[2]!;
        // A template fills it in (`{{ .Values.token }}`, `<%= token %>`, `$(cat …)`), or prose names the
        // fields (`machine H login U password P`).
        if (/^[{<%(]/.test(value) || value.length < 4) continue;
        found(value, match.index + match[0].length - value.length - (match[1] !== undefined ? 1 : 0), 'A netrc password');
      }
    }
    if (DOCKER_CONFIG.test(path) && text.includes('"auths"')) {
      for (const match of text.matchAll(DOCKER_AUTH)) {
        const value = match[1]!;
        const password = decodeUserPassword(value)?.password;
        if (password === undefined || password.length < 4) continue;
        found(value, match.index + match[0].length - value.length - 1, 'A Docker registry password (base64 of user:password in "auths")');
      }
    }
  },
});

/** The fifth field of a `.pgpass` line, with where it starts in the line. */
function pgpassPassword(line: string): { text: string; start: number } | undefined {
  let field = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === ':' && ++field === 4) {
      const start = i + 1;
      return line.slice(start).replace(/\\(.)/g, '$1').length >= 4 ? { text: line.slice(start), start } : undefined;
    }
  }
  return undefined;
}
