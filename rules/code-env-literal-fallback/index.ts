import { defineRule } from '../../server/src/engine/define-rule';
import { shannonEntropy } from '../../server/src/engine/secret-values';
import { envVariableName, jsStringValue, unwrapExpression, visit } from '../lib/syntax';
import docs from './docs.md';

/** Names that say the variable holds a credential. */
const CREDENTIAL_NAME = /pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth|\bpwd\b|signing[_-]?key/i;
const BINARY = new Set(['binary_expression']);

export default defineRule({
  id: 'code-env-literal-fallback',
  category: 'fallback',
  defaultSeverity: 'error',
  fileKinds: ['javascript', 'typescript'],
  keywords: ['env'],
  syntax: 'code',
  options: {
    minimumLength: { type: 'number', default: 8, description: 'Shortest literal treated as a credential.' },
  },
  docs,
  check({ document, options, report }) {
    const minimumLength = Number(options.minimumLength);
    visit(document.tree(document.codeLanguage!), BINARY, (node) => {
      const operator = node.childForFieldName('operator')?.text;
      if (operator !== '||' && operator !== '??') return;
      const left = node.childForFieldName('left');
      const variable = envVariableName(unwrapExpression(left));
      const fallback = unwrapExpression(node.childForFieldName('right'));
      const literal = jsStringValue(fallback);
      if (!variable || !fallback || literal === undefined || literal.length < minimumLength) return;
      if (!CREDENTIAL_NAME.test(variable) && !looksRandom(literal)) return;
      report({
        span: [fallback.startIndex, fallback.endIndex],
        secret: literal,
        message: `process.env.${variable} falls back to a hardcoded credential ({{secret}}): when the variable is missing, the code silently runs on a static secret.`,
        data: { variable, start: node.startIndex, end: node.endIndex, leftEnd: left!.endIndex },
      });
    });
  },
  fix({ document, finding }) {
    const { variable, start, end, leftEnd } = finding.data as { variable: string; start: number; end: number; leftEnd: number };
    const left = document.text.slice(start, leftEnd);
    const failClosed = `(${left} ?? (() => { throw new Error('${variable} is not set'); })())`;
    return [
      {
        title: `Fail closed: throw when ${variable} is not set`,
        edits: [{ span: [start, end], newText: failClosed }],
        isPreferred: true,
      },
    ];
  },
});

/** Mixed-case letters and digits with high entropy: a key, not a word like "localhost". */
function looksRandom(value: string): boolean {
  return value.length >= 16 && !/\s/.test(value) && /\d/.test(value) && /[a-zA-Z]/.test(value) && shannonEntropy(value) >= 3.5;
}
