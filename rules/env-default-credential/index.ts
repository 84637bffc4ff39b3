import { defineRule } from '../../server/src/engine/define-rule';
import { isSecretReference } from '../../server/src/engine/secret-values';
import { looksLikeRandomKey, looksLikeSecretLiteral, namesCredential } from '../lib/credential-names';
import docs from './docs.md';

/**
 * A variable reference with a default: the shell's and Compose's `${NAME:-default}` (also `-`,
 * `:=`, `=`; a shell name has no dots or dashes), or Spring's `${some.name:default}` in
 * properties, YAML and `@Value("…")`. Groups: shell name and operator (1, 2) or Spring name (3),
 * then the default up to the closing brace (4). Every part is bounded and the default cannot hold
 * a brace, so a match attempt is short and the pass linear.
 */
const REFERENCE_WITH_DEFAULT = /\$\{(?:([A-Za-z_]\w{0,80})(:-|:=|-|=)|([A-Za-z_][\w.-]{0,80}):(?![-=?+]))([^{}\r\n]{1,300})\}/g;
/** Compose and the shell read `:?` as "fail with this message": the fix turns a default into it. */
const SHELL_OPERATORS = new Set([':-', ':=', '-', '=']);

export default defineRule({
  id: 'env-default-credential',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: '*',
  keywords: ['${'],
  pattern: /\$\{[A-Za-z_][\w.-]{0,80}[-=:]/,
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest default treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    const minimumLength = Number(options.minimumLength);
    for (const match of document.text.matchAll(REFERENCE_WITH_DEFAULT)) {
      const name = match[1] ?? match[3]!;
      const operator = match[2] ?? ':';
      const written = match[4]!;
      // `${DB_PASSWORD:-"x"}`: the quotes belong to the shell, not to the value.
      const quoted = /^(["'])(.*)\1$/.exec(written);
      const value = quoted ? quoted[2]! : written;
      if (value.length < minimumLength || value.includes('$') || isSecretReference(value) || /^(?:\/|\.\.?\/|~\/|[a-z][a-z0-9+.-]*:\/\/[^@]*$)/i.test(value)) continue;
      if (!namesCredential(name) && !looksLikeRandomKey(value)) continue;
      if (!looksLikeSecretLiteral(value) && !looksLikeRandomKey(value)) continue;
      const start = match.index + 2 + name.length + operator.length + (quoted ? 1 : 0);
      const shell = SHELL_OPERATORS.has(operator);
      report({
        span: [start, start + value.length],
        secret: value,
        construct: name,
        message: `\${${name}${operator}…} falls back to a hardcoded credential ({{secret}}) when ${name} is not set: a missing secret goes unnoticed and the written default becomes the credential in use.`,
        data: { edit: [match.index + 2 + name.length, match.index + match[0].length - 1], replacement: shell ? `:?${name} is not set` : '', shell },
      });
    }
  },
  fix({ finding }) {
    const { edit, replacement, shell } = finding.data as { edit: [number, number]; replacement: string; shell: boolean };
    return [
      {
        // `${NAME:?message}` stops the shell or `docker compose up`; Spring fails at startup on `${name}` with no value.
        title: shell ? 'Fail closed: stop when the variable is not set (${NAME:?…})' : 'Fail closed: remove the default, so startup fails without the value',
        edits: [{ span: edit, newText: replacement }],
        isPreferred: true,
      },
    ];
  },
});
