import { defineRule } from '../../server/src/engine/define-rule';
import docs from './docs.md';

/**
 * `scheme://user:password@host` credentials that sec-basic-auth and sec-database-connection-string
 * (secretlint's patterns) cannot match: schemes other than http(s)/ftp(s) and the MongoDB, MySQL
 * and PostgreSQL ones (Redis, AMQP, SSH, SMB, LDAP, proxies, SQL Server, ...), passwords with
 * characters outside `[-A-Za-z0-9_]` (`!`, `$`, `%40` escapes), and hosts without a short top-level
 * domain (`nexus.internal`, `example.invalid`, `proxy:3128`). Each `://` is a candidate; the
 * userinfo after it is read with one sticky expression, so work is proportional to the URLs.
 */
/**
 * A user may be an e-mail address written unescaped (`smtps://alerts@acme.com:…@smtp.gmail.com`), as
 * mail services' login names are: its domain's labels hold no dot, so the split is unambiguous.
 */
const USERINFO = /([^\s:/@?#'"`<>\\]{0,100}(?:@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})?):([^\s:/@?#'"`<>\\]{1,200})@(\[[0-9A-Fa-f:.]{2,60}\]|[A-Za-z0-9._~%-]{1,253})/y;
/** secretlint's basic-auth shape: it reports (or deliberately ignores) these itself. */
const BASIC_AUTH_SHAPE = /^(?:https?|ftps?):\/\/[-a-zA-Z0-9_]{1,256}:[-a-zA-Z0-9_]{1,256}@[-a-zA-Z0-9%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b/;
/** Schemes sec-database-connection-string reads (also as the tail of `jdbc:mysql`, `mysql+pymysql`). */
const DATABASE_SCHEME = /(?:mongodb(?:\+srv)?|mysqlx?|postgres(?:ql)?)$/i;
const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)$/i;
/** Passwords that stand for one: templates, environment references, masks, the word itself. */
const STAND_IN = /^(?:\$\{?[A-Za-z_][\w.]*\}?|%[A-Za-z_]\w*%|\{\{?[^}]*\}\}?|<[^>]*>|\*+|x+|\.+|pass(?:word)?|passwd|pwd|secret|token|api_?key|changeme|redacted|foo|bar|baz|qux|test|demo|guest|user(?:name)?|admin|root)$/i;
/** An upper-case name (`PASSWORD`, `GITLAB_TOKEN`) is a placeholder to fill in. */
const CONSTANT_NAME = /^[A-Z][A-Z_]{2,}$/;

export default defineRule({
  id: 'sec-password-in-url',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: '*',
  keywords: ['://'],
  docs,
  check({ document, report }) {
    const text = document.text;
    for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
      let start = at;
      while (start > 0 && at - start < 30 && /[A-Za-z0-9+.-]/.test(text[start - 1]!)) start--;
      const scheme = text.slice(start, at);
      if (!/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme) || DATABASE_SCHEME.test(scheme)) continue;
      USERINFO.lastIndex = at + 3;
      const match = USERINFO.exec(text);
      if (!match) continue;
      const [whole, user, password, host] = match;
      if (!password || password.length < 4 || !host || LOCAL_HOST.test(host) || STAND_IN.test(password) || CONSTANT_NAME.test(password)) continue;
      // secretlint's pattern is not anchored: it also reads the `https://` of `git+https://`.
      const web = /(?:https?|ftps?)$/.exec(scheme);
      if (web && BASIC_AUTH_SHAPE.test(text.slice(at - web[0].length, at + 3 + whole.length + 8))) continue;
      // A host is a name or an address, not a run of punctuation.
      if (!/[A-Za-z0-9]/.test(host)) continue;
      // `token:x-oauth-basic@github.com`: the token is the user part.
      const tokenAsUser = password === 'x-oauth-basic' && (user?.length ?? 0) >= 8;
      if (password === 'x-oauth-basic' && !tokenAsUser) continue;
      const secretStart = tokenAsUser ? at + 3 : at + 3 + (user?.length ?? 0) + 1;
      const secret = tokenAsUser ? user! : password;
      report({
        span: [secretStart, secretStart + secret.length],
        secret,
        message: `Password embedded in a ${scheme}:// URL ({{secret}}): it travels with every request, lands in logs, shell history and process lists, and stays valid until the password is changed; pass credentials separately, from a secret store.`,
        construct: `${scheme}://${host}`,
      });
    }
  },
});
