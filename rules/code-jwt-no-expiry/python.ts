import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, FixContext, RuleContext } from '../../server/src/engine/types';
import { addMember, localValue, named, nodeAt, parentOf, stringValue } from '../lib/syntax';
import { pythonLifetime } from './expiry';

/** Names this file binds PyJWT under: `import jwt [as x]` (modules), `from jwt import encode [as e]` (functions). */
function pyjwtBindings(root: SyntaxNode): { modules: Set<string>; encoders: Set<string> } {
  const modules = new Set<string>();
  const encoders = new Set<string>();
  for (const node of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!node) continue;
    if (node.type === 'import_statement') {
      for (const name of node.childrenForFieldName('name')) {
        if (name?.type === 'dotted_name' && name.text === 'jwt') modules.add('jwt');
        if (name?.type === 'aliased_import' && name.childForFieldName('name')?.text === 'jwt') modules.add(name.childForFieldName('alias')?.text ?? 'jwt');
      }
    } else if (node.childForFieldName('module_name')?.text === 'jwt') {
      for (const name of node.childrenForFieldName('name')) {
        if (name?.type === 'dotted_name' && name.text === 'encode') encoders.add('encode');
        if (name?.type === 'aliased_import' && name.childForFieldName('name')?.text === 'encode') encoders.add(name.childForFieldName('alias')?.text ?? 'encode');
      }
    }
  }
  return { modules, encoders };
}

/** Each `jwt.encode(…)` call (under the names the file binds) in document order. */
function encodeCalls(root: SyntaxNode, text: string): SyntaxNode[] {
  const { modules, encoders } = pyjwtBindings(root);
  const callees = [...[...modules].map((module) => `${module}.encode`), ...encoders];
  const calls = new Map<number, SyntaxNode>();
  for (const callee of callees) {
    for (let at = text.indexOf(callee); at !== -1; at = text.indexOf(callee, at + 1)) {
      if (/[\w.]/.test(text[at - 1] ?? '')) continue;
      let call: SyntaxNode | null = nodeAt(root.tree, at);
      for (let depth = 0; call && call.type !== 'call' && depth < 3; depth++) call = parentOf(call);
      if (call?.type === 'call' && call.childForFieldName('function')?.text === callee) calls.set(call.startIndex, call);
    }
  }
  return [...calls.values()].sort((a, b) => a.startIndex - b.startIndex);
}

function dictKey(dict: SyntaxNode, key: string): SyntaxNode | undefined {
  return named(dict).find((pair) => pair.type === 'pair' && stringValue(pair.childForFieldName('key')) === key);
}

export function checkPython({ document, options, report }: RuleContext, maxSeconds: number): void {
  const root = document.tree('python').rootNode;
  const text = document.text;
  for (const call of encodeCalls(root, text)) {
    const args = named(call.childForFieldName('arguments'));
    let payload: SyntaxNode | undefined =
      args.find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === 'payload')?.childForFieldName('value') ?? args[0];
    if (!payload || payload.type === 'keyword_argument') continue;
    // `jwt.encode(claims, key)`: the dict literal last assigned to `claims` in this scope, untouched since.
    let anchor = call.childForFieldName('function')!;
    if (payload.type === 'identifier') {
      const value = localValue(call, payload.text, text);
      if (value?.type !== 'dictionary') continue;
      anchor = parentOf(value)!.childForFieldName('left') ?? anchor;
      payload = value;
    }
    if (payload.type !== 'dictionary') continue;
    const exp = dictKey(payload, 'exp');
    if (!exp) {
      // `**defaults` may carry an `exp`: unknown, so no finding.
      if (named(payload).some((child) => child.type === 'dictionary_splat')) continue;
      report({
        span: [anchor.startIndex, anchor.endIndex],
        message: 'jwt.encode() with a payload that has no "exp" claim issues a token that is valid forever; PyJWT adds no expiry by itself.',
        construct: `encode:${payload.text}`,
        data: { language: 'python', payload: payload.startIndex },
        fixable: expiryExpression(root, 900) !== undefined,
      });
      continue;
    }
    const lifetime = pythonLifetime(exp.childForFieldName('value'));
    if (lifetime && lifetime.seconds > maxSeconds) {
      report({
        span: [exp.startIndex, exp.endIndex],
        severity: 'warning',
        message: `The "exp" claim is ${lifetime.seconds} s after issue, longer than the ${options.maxSeconds} s this project allows for tokens.`,
        construct: `encode-ttl:${payload.text}`,
        data: { language: 'python', payload: payload.startIndex, exp: true },
      });
    }
  }
}

/**
 * `"exp": …` in the names the file already imports, so the fix needs no import line:
 * `from datetime import datetime, timedelta, timezone`, `import datetime [as dt]`, or `import time`.
 */
function expiryExpression(root: SyntaxNode, seconds: number): string | undefined {
  const delta = seconds % 60 === 0 ? `minutes=${seconds / 60}` : `seconds=${seconds}`;
  const fromDatetime = new Set<string>();
  let datetimeModule: string | undefined;
  let timeModule: string | undefined;
  for (const node of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!node || parentOf(node)?.type !== 'module') continue;
    if (node.type === 'import_from_statement') {
      if (node.childForFieldName('module_name')?.text !== 'datetime') continue;
      for (const name of node.childrenForFieldName('name')) if (name?.type === 'dotted_name') fromDatetime.add(name.text);
      continue;
    }
    for (const name of node.childrenForFieldName('name')) {
      const module = name?.type === 'aliased_import' ? name.childForFieldName('name')?.text : name?.text;
      const bound = name?.type === 'aliased_import' ? name.childForFieldName('alias')?.text : name?.text;
      if (module === 'datetime') datetimeModule = bound;
      if (module === 'time') timeModule = bound;
    }
  }
  if (fromDatetime.has('datetime') && fromDatetime.has('timedelta') && fromDatetime.has('timezone')) {
    return `datetime.now(tz=timezone.utc) + timedelta(${delta})`;
  }
  if (datetimeModule) return `${datetimeModule}.datetime.now(tz=${datetimeModule}.timezone.utc) + ${datetimeModule}.timedelta(${delta})`;
  if (timeModule) return `int(${timeModule}.time()) + ${seconds}`;
  return undefined;
}

export function fixPython({ document, finding }: FixContext, fixSeconds: number): Fix[] {
  const root = document.tree('python').rootNode;
  const data = finding.data as { payload: number; exp?: boolean };
  let payload: SyntaxNode | null = nodeAt(root.tree, data.payload);
  while (payload && !(payload.type === 'dictionary' && payload.startIndex === data.payload)) payload = parentOf(payload);
  if (!payload) return [];
  if (data.exp) {
    const lifetime = pythonLifetime(dictKey(payload, 'exp')?.childForFieldName('value'));
    if (!lifetime) return [];
    return [{ title: `Shorten "exp" to ${fixSeconds} s after issue`, edits: [{ span: lifetime.span, newText: lifetime.rewrite(fixSeconds) }], isPreferred: true }];
  }
  const expression = expiryExpression(root, fixSeconds);
  if (!expression) return [];
  const quote = named(payload).find((pair) => pair.type === 'pair')?.childForFieldName('key')?.text.startsWith("'") ? "'" : '"';
  return [{ title: `Add an "exp" claim ${fixSeconds} s after issue`, edits: addMember(document.text, payload, `${quote}exp${quote}: ${expression}`, ''), isPreferred: true }];
}
