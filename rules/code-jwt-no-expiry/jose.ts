/**
 * jose (JavaScript, TypeScript): `new SignJWT(payload)…sign(key)`. The builder adds no expiry
 * unless `setExpirationTime(…)` is called or the payload carries `exp`.
 */
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, FixContext, RuleContext } from '../../server/src/engine/types';
import { durationSeconds } from '../lib/duration';
import { callBefore } from './expiry';
import { named, nodeAt, parentOf } from '../lib/syntax';

/** `from 'jose'`, `require("jose")`, `import('jose')`. */
export const LOADS_JOSE = /(?:from|require|import)[\s(]*['"`]jose['"`]/;
const BUILDER = 'SignJWT';
const EXPIRY = 'setExpirationTime';

interface Chain {
  /** `new SignJWT(…)` */
  readonly builder: SyntaxNode;
  /** The calls on it, in order, ending with `sign(…)`: [method name, call]. */
  readonly calls: ReadonlyArray<readonly [string, SyntaxNode]>;
}

/** The chain of calls on the `new SignJWT(…)` whose class name is at `at`, when it ends with `sign(…)`. */
function chainAt(root: SyntaxNode, at: number): Chain | undefined {
  const name = nodeAt(root.tree, at);
  const builder = parentOf(name);
  if (builder?.type !== 'new_expression' || builder.childForFieldName('constructor')?.id !== name.id) return undefined;
  const calls: Array<readonly [string, SyntaxNode]> = [];
  let expression: SyntaxNode = builder;
  for (;;) {
    const member = parentOf(expression);
    const call = parentOf(member);
    if (member?.type !== 'member_expression' || member.childForFieldName('object')?.id !== expression.id || call?.type !== 'call_expression') break;
    const method = member.childForFieldName('property')?.text ?? '';
    calls.push([method, call]);
    expression = call;
    if (method === 'sign') return { builder, calls };
  }
  return undefined;
}

export function checkJose({ document, options, report }: RuleContext, maxSeconds: number, setsExpiry: (payload: SyntaxNode, text: string) => boolean): void {
  const text = document.text;
  const root = document.tree(document.codeLanguage!).rootNode;
  for (let at = text.indexOf(BUILDER); at !== -1; at = text.indexOf(BUILDER, at + 1)) {
    const chain = chainAt(root, at);
    if (!chain) continue;
    const expiry = chain.calls.find(([method]) => method === EXPIRY);
    if (!expiry) {
      const payload = named(chain.builder.childForFieldName('arguments'))[0];
      if (payload && setsExpiry(payload, text)) continue;
      report({
        span: [chain.builder.startIndex, chain.builder.childForFieldName('arguments')?.startIndex ?? chain.builder.endIndex],
        message: 'new SignJWT(…)…sign() without setExpirationTime issues a token that is valid forever; jose adds no expiry by itself.',
        construct: `jose:${chain.calls.map(([method]) => method).join('.')}`,
        data: { language: 'jose', builder: at },
      });
      continue;
    }
    // A number is an absolute time (seconds since the epoch), not a lifetime: only spans are judged.
    const argument = named(expiry[1].childForFieldName('arguments'))[0];
    const seconds = argument?.type === 'number' ? undefined : durationSeconds(argument);
    if (argument && seconds !== undefined && seconds > maxSeconds) {
      report({
        span: [argument.startIndex, argument.endIndex],
        severity: 'warning',
        message: `setExpirationTime is ${seconds} s, longer than the ${options.maxSeconds} s this project allows for tokens.`,
        construct: `jose-ttl:${chain.calls.map(([method]) => method).join('.')}`,
        data: { language: 'jose', builder: at, exp: true },
      });
    }
  }
}

export function fixJose({ document, finding }: FixContext, ttl: string): Fix[] {
  const data = finding.data as { builder: number; exp?: boolean };
  const chain = chainAt(document.tree(document.codeLanguage!).rootNode, data.builder);
  if (!chain) return [];
  const quoted = `'${ttl}'`;
  if (data.exp) {
    const argument = named(chain.calls.find(([method]) => method === EXPIRY)?.[1].childForFieldName('arguments'))[0];
    return argument ? [{ title: `Set setExpirationTime(${quoted})`, edits: [{ span: [argument.startIndex, argument.endIndex], newText: quoted }], isPreferred: true }] : [];
  }
  const sign = chain.calls[chain.calls.length - 1]![1].childForFieldName('function')!;
  const edit = callBefore(document.text, sign.childForFieldName('object')!.endIndex, sign.childForFieldName('property')!.startIndex, `.${EXPIRY}(${quoted})`);
  return [{ title: `Add ${EXPIRY}(${quoted})`, edits: [edit], isPreferred: true }];
}
